"""Grocerly: grocery delivery marketplace (shoppers, orders, substitutions, store partners, drivers, support).

Generate the OpenAPI document with:  python grocerly_app.py > grocerly.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")


# --------------------------------------------------------------------------- settings


class Settings(BaseModel):
    """Runtime configuration, read from GROCERLY_* environment variables."""

    environment: Literal["production", "staging", "development"] = "production"
    public_base_url: str = "https://api.grocerly.com"
    database_url: str = Field(
        default="postgresql://grocerly_app:Pg4Groc3rly!@10.20.1.15:5432/grocerly",
        description="Primary Postgres DSN.",
    )
    cache_host: str = "cache-01.grocerly.internal"
    jwt_signing_key: Optional[str] = Field(default=None, description="HS256 key for shopper/driver session tokens.")
    payouts_batch_size: int = 500
    feature_flags: dict[str, bool] = Field(default_factory=dict)


settings = Settings()

bearer = HTTPBearer(
    description=(
        "Shopper or driver session token from the mobile apps. Example header: "
        "`Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJzaHBfOTIxMyIsInJvbGUiOiJzaG9wcGVyIiwiZXhwIjoxNzY3MjI1NjAwfQ."
        "yGv4dDUSKraGm413ArXlV-KS7swoYVDq5aWyMDxskC0`"
    )
)


# --------------------------------------------------------------------------- models


class Paginated(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None


class Address(BaseModel):
    line1: str = Field(max_length=200)
    line2: Optional[str] = Field(default=None, max_length=200)
    city: str = Field(max_length=100)
    postal_code: str = Field(max_length=12)
    delivery_instructions: Optional[str] = Field(
        default=None, description="Shown to the driver, e.g. 'leave with doorman'."
    )


class ShopperCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "priya.nair@example.com",
                    "password": "<min-12-characters>",
                    "first_name": "Priya",
                    "phone": "+1-212-555-0134",
                    "referral_code": "FRESH10",
                }
            ]
        }
    )

    email: str = Field(max_length=254)
    password: str = Field(min_length=12, max_length=128)
    first_name: str = Field(max_length=60)
    phone: Optional[str] = Field(default=None, max_length=20)
    referral_code: Optional[str] = None
    default_address: Optional[Address] = None


class ShopperOut(BaseModel):
    id: str = Field(examples=["shp_9213"])
    email: str
    first_name: str
    phone: Optional[str] = None
    default_address: Optional[Address] = None
    loyalty_points: int = 0
    marketing_opt_in: bool = False
    two_factor_enabled: bool = False
    password_last_changed: Optional[datetime] = Field(default=None, description="Shown in the app's security screen.")


class ShopperSupportView(BaseModel):
    """Everything the care team sees on the shopper page of the support console."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "shp_9213",
                    "email": "danielle.brooks84@gmail.com",
                    "firstName": "Danielle",
                    "phone": "+1 646 382 9174",
                    "passwordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$J4moa2MM0/6uf3HbY2Tf5Fux8JIBTwIhmhxGRE9ne8o",
                    "lastLoginIp": "172.18.4.27",
                    "accountFlags": ["chargeback_risk"],
                    "openTickets": 2,
                }
            ]
        },
    )

    id: str
    email: str
    first_name: str
    phone: Optional[str] = None
    password_hash: str
    last_login_ip: Optional[str] = None
    account_flags: list[str] = Field(default_factory=list)
    open_tickets: int = 0


class PaymentMethodCreate(BaseModel):
    processor_token: str = Field(
        max_length=255,
        description="Token from the Stripe.js / Adyen drop-in; raw card numbers never reach Grocerly.",
    )
    set_default: bool = False


class PaymentMethodOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pm_1Q2w3E4rT5y",
                    "brand": "visa",
                    "last4": "4242",
                    "exp_month": 8,
                    "exp_year": 2027,
                    "fingerprint": "Xt5EWLLDS7FJjR1c",
                    "is_default": True,
                }
            ]
        }
    )

    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str = Field(description="Stable card fingerprint, used to detect duplicate cards.")
    is_default: bool = False


class PaymentAttempt(BaseModel):
    """One authorisation attempt against the card processor."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "attempt_id": "pa_7781",
                "order_id": "ord_5521",
                "amount_cents": 8734,
                "status": "declined",
                "decline_code": "insufficient_funds",
                "pan": "4921817033426516",
                "card_exp": "09/27",
                "avs_zip": "10027",
                "processor_ref": "ch_3PbXk2LkdIwHu7ix1aQ9ZmR4",
            }
        }
    )

    attempt_id: str
    order_id: str
    amount_cents: int
    status: Literal["authorized", "declined", "error"]
    decline_code: Optional[str] = None
    pan: Optional[str] = Field(
        default=None, description="Card number as sent to the processor (kept for chargeback disputes)."
    )
    card_exp: Optional[str] = None
    avs_zip: Optional[str] = None
    processor_ref: str


class SubstitutionPreference(str, Enum):
    best_match = "best_match"
    specific_item = "specific_item"
    refund = "refund"


class OrderStatus(str, Enum):
    placed = "placed"
    shopping = "shopping"
    delivering = "delivering"
    delivered = "delivered"
    cancelled = "cancelled"


class OrderItemIn(BaseModel):
    product_id: str = Field(max_length=32)
    quantity: int = Field(ge=1, le=99)
    substitution: SubstitutionPreference = SubstitutionPreference.best_match
    substitute_product_id: Optional[str] = Field(default=None, max_length=32)
    note: Optional[str] = None


class OrderCreate(BaseModel):
    store_id: str = Field(max_length=32)
    items: list[OrderItemIn]
    delivery_window_start: datetime
    tip_cents: int = Field(default=0, ge=0)
    payment_method_id: str = Field(max_length=40)
    address: Address


class DriverPublic(BaseModel):
    id: str
    first_name: str
    vehicle: str
    rating: float
    photo_url: Optional[str] = None


class OrderItemOut(BaseModel):
    product_id: str
    name: str
    quantity: int
    unit_price_cents: int
    substitution: SubstitutionPreference
    substituted_with: Optional[str] = None


class OrderOut(BaseModel):
    id: str
    status: OrderStatus
    store_id: str
    items: list[OrderItemOut]
    subtotal_cents: int
    delivery_fee_cents: int
    tip_cents: int
    driver: Optional[DriverPublic] = None
    eta: Optional[datetime] = None
    exception_code: Optional[str] = Field(
        default=None, description="Delivery exception, e.g. `customer_unreachable` or `store_closed`."
    )
    delivery_pin_required: bool = Field(
        default=False, description="Alcohol orders: the driver asks for a PIN at the door."
    )


class SubstitutionProposal(BaseModel):
    order_id: str
    item_product_id: str
    proposed_product_id: str
    proposed_name: str
    price_delta_cents: int
    expires_at: datetime


class SubstitutionDecision(BaseModel):
    decision: Literal["accept", "reject"]
    comment: Optional[str] = Field(default=None, max_length=280)


class ProductOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "prd_88213",
                    "store_id": "st_1042",
                    "name": "Organic Whole Milk, 1 gal",
                    "brand": "FreshMart Select",
                    "barcode": "0012000161155",
                    "price_cents": 649,
                    "unit": "each",
                    "seo_keywords": ["organic milk", "whole milk"],
                    "is_private_label": True,
                }
            ]
        }
    )

    id: str
    store_id: str
    name: str
    brand: Optional[str] = None
    barcode: Optional[str] = Field(default=None, description="UPC / EAN printed on the pack.")
    price_cents: int
    unit: Literal["each", "lb", "kg", "oz"] = "each"
    seo_keywords: list[str] = Field(default_factory=list)
    is_private_label: bool = False


class PartnerAdminOut(BaseModel):
    id: str
    name: str
    email: str
    role: Literal["owner", "manager", "viewer"]


class StorePartnerOut(BaseModel):
    id: str
    name: str
    banner: str
    store_count: int
    private_label_brands: list[str] = Field(default_factory=list)
    logo_url: Optional[str] = None


class PosIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "store_partner_id": "sp_204",
                    "pos_vendor": "ncr",
                    "pos_api_key": "ncr_live_5tQv8XyZ2kLm9Pq3Rw7sTn4V",
                    "pos_api_key_last4": "Tn4V",
                    "webhook_secret": "whsec_Lq2n8Vx4Rt6Yb9Kc3Mz7Pw1D",
                    "inventory_feed_url": "sftp://freshmart_feed:Bq7!vR2m@sftp.freshmart-foods.com/outbound/inventory.csv",
                    "sync_interval_minutes": 30,
                    "last_sync_at": "2024-06-01T04:00:00Z",
                }
            ]
        }
    )

    store_partner_id: str
    pos_vendor: Literal["ncr", "square", "toast", "lightspeed"]
    pos_api_key: str = Field(description="Key Grocerly uses to call the partner's POS API.")
    pos_api_key_last4: str
    webhook_secret: str = Field(description="Signs the stock-level webhooks the POS sends us.")
    inventory_feed_url: Optional[str] = Field(
        default=None, description="SFTP location of the nightly inventory file, including the login."
    )
    sync_interval_minutes: int = 30
    last_sync_at: Optional[datetime] = None


class PosIntegrationUpdate(BaseModel):
    pos_vendor: Literal["ncr", "square", "toast", "lightspeed"]
    pos_api_key: str = Field(max_length=128)
    inventory_feed_url: Optional[str] = Field(default=None, max_length=512)
    sync_interval_minutes: int = Field(default=30, ge=5, le=1440)


class CatalogSyncResult(BaseModel):
    products_upserted: int
    products_removed: int
    duration_ms: int


class DriverPayoutProfile(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "driver_id": "drv_3310",
                    "legalName": "Marcus Allen",
                    "taxId": "471-28-3395",
                    "dl_number": "A2847193",
                    "dl_state": "NY",
                    "bank_routing_number": "021000021",
                    "bank_account_number": "000123456789",
                    "payout_email": "marcus.allen.drives@yahoo.com",
                    "payout_schedule": "weekly",
                    "instant_payout_enabled": True,
                }
            ]
        },
    )

    driver_id: str
    legal_name: str = Field(alias="legalName")
    tax_id: str = Field(alias="taxId", description="SSN or ITIN, for 1099-K reporting.")
    dl_number: str = Field(description="Driving licence number checked at onboarding.")
    dl_state: str
    bank_routing_number: str
    bank_account_number: str
    payout_email: Optional[str] = None
    payout_schedule: Literal["daily", "weekly"] = "weekly"
    instant_payout_enabled: bool = False


class DriverPayoutProfileUpdate(BaseModel):
    legal_name: str = Field(max_length=120)
    tax_id: str = Field(pattern=r"^\d{3}-?\d{2}-?\d{4}$")
    bank_routing_number: str = Field(pattern=r"^\d{9}$")
    bank_account_number: str = Field(pattern=r"^\d{4,17}$")
    payout_schedule: Literal["daily", "weekly"] = "weekly"


class DriverEarnings(BaseModel):
    driver_id: str
    week_start: datetime
    deliveries: int
    earnings_cents: int
    tips_cents: int


class PayoutRun(BaseModel):
    run_id: str
    drivers_paid: int
    total_cents: int


class RefundRequest(BaseModel):
    amount_cents: int = Field(ge=1)
    reason: str


class RefundOut(BaseModel):
    refund_id: str
    order_id: str
    amount_cents: int
    status: Literal["pending", "succeeded", "failed"]


class ErrorOut(BaseModel):
    error_code: str = Field(examples=["order_not_found"])
    detail: str
    trace_id: Optional[str] = None


class DebugContext(BaseModel):
    statement: Optional[str] = None
    bind_params: list[str] = Field(default_factory=list)
    source_file: str
    source_line: int


class ServerFault(BaseModel):
    error_code: str = "internal_error"
    detail: str
    exc_type: Optional[str] = Field(default=None, examples=["psycopg.errors.DeadlockDetected"])
    stacktrace: Optional[list[str]] = None
    debug_context: Optional[DebugContext] = None
    trace_id: Optional[str] = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Grocerly Marketplace API",
    version="4.7.0",
    description=(
        "Public API behind the Grocerly shopper, driver and partner apps. "
        "Company news and careers: https://corporate.grocerly.com."
    ),
    terms_of_service="https://grocerly.com/legal/api-terms",
    contact={
        "name": "Grocerly Developer Relations",
        "url": "https://developers.grocerly.com",
        "email": "devrel@grocerly.com",
    },
    license_info={"name": "Proprietary"},
    openapi_tags=[
        {"name": "shoppers", "description": "Shopper accounts and saved payment methods."},
        {"name": "orders", "description": "Orders, substitutions and delivery tracking."},
        {"name": "stores", "description": "Store partners, catalogues and private-label ranges."},
        {"name": "drivers", "description": "Driver profiles, earnings and payouts."},
        {
            "name": "support",
            "description": "Care-team tooling, used from the console at https://care-console.grocerly.corp.",
        },
        {"name": "admin", "description": "Back-office operations."},
    ],
    servers=[
        {"url": settings.public_base_url, "description": "Production"},
        {"url": "https://api.staging.grocerly.com", "description": "Staging"},
        {"url": "http://localhost:8000", "description": "Local (docker compose)"},
        {"url": "http://grocerly-api.marketplace.svc.cluster.local:8080", "description": "In-cluster"},
    ],
)

ERRORS = {
    404: {"model": ErrorOut, "description": "Not found"},
    500: {"model": ServerFault, "description": "Unhandled error"},
}


@app.exception_handler(HTTPException)
async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse({"error_code": "http_error", "detail": str(exc.detail)}, status_code=exc.status_code)


def session(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
    return creds.credentials


shoppers = APIRouter(prefix="/shoppers", tags=["shoppers"])
orders = APIRouter(prefix="/orders", tags=["orders"], dependencies=[Depends(session)])
stores = APIRouter(tags=["stores"])
drivers = APIRouter(prefix="/drivers", tags=["drivers"], dependencies=[Depends(session)])
support = APIRouter(prefix="/support", tags=["support"], dependencies=[Depends(session)])
admin = APIRouter(tags=["admin"])


@shoppers.post("", response_model=ShopperOut, status_code=201, responses={409: {"model": ErrorOut}})
def sign_up(body: ShopperCreate) -> ShopperOut:
    raise HTTPException(501)


@shoppers.get("/me", response_model=ShopperOut, dependencies=[Depends(session)])
def read_me() -> ShopperOut:
    raise HTTPException(401)


@shoppers.get("/me/payment-methods", response_model=list[PaymentMethodOut], dependencies=[Depends(session)])
def list_payment_methods() -> list[PaymentMethodOut]:
    return []


@shoppers.post("/me/payment-methods", response_model=PaymentMethodOut, status_code=201, dependencies=[Depends(session)])
def add_payment_method(body: PaymentMethodCreate) -> PaymentMethodOut:
    raise HTTPException(501)


@orders.post("", response_model=OrderOut, status_code=201, responses=ERRORS)
def place_order(body: OrderCreate) -> OrderOut:
    raise HTTPException(501)


@orders.get("", response_model=Paginated[OrderOut])
def my_orders(
    status: Optional[OrderStatus] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> Paginated[OrderOut]:
    return Paginated[OrderOut](items=[])


@orders.get("/{order_id}", response_model=OrderOut, responses=ERRORS)
def get_order(order_id: Annotated[str, Path(max_length=32)]) -> OrderOut:
    raise HTTPException(404)


@orders.get("/{order_id}/substitutions", response_model=list[SubstitutionProposal], responses=ERRORS)
def pending_substitutions(order_id: Annotated[str, Path(max_length=32)]) -> list[SubstitutionProposal]:
    return []


@orders.post(
    "/{order_id}/substitutions/{product_id}/decision",
    response_model=OrderOut,
    responses=ERRORS,
)
def decide_substitution(
    order_id: Annotated[str, Path(max_length=32)],
    product_id: Annotated[str, Path(max_length=32)],
    body: SubstitutionDecision,
) -> OrderOut:
    """Accept or reject a substitution the driver proposed while shopping."""
    raise HTTPException(404)


@stores.get("/stores/{store_id}/products", response_model=Paginated[ProductOut], responses=ERRORS)
def search_products(
    store_id: Annotated[str, Path(max_length=32)],
    q: Optional[str] = None,
    limit: int = 40,
) -> Paginated[ProductOut]:
    return Paginated[ProductOut](items=[])


@stores.get("/stores/{store_id}/private-label-products", response_model=list[ProductOut], responses=ERRORS)
def private_label_products(
    store_id: Annotated[str, Path(max_length=32)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ProductOut]:
    """The retailer's own-brand range (e.g. 'FreshMart Select')."""
    return []


@stores.get("/partners/{partner_id}", response_model=StorePartnerOut, responses=ERRORS)
def get_partner(partner_id: Annotated[str, Path(max_length=32)]) -> StorePartnerOut:
    raise HTTPException(404)


@stores.get("/partners/{partner_id}/admins", response_model=list[PartnerAdminOut], responses=ERRORS)
def partner_admins(partner_id: Annotated[str, Path(max_length=32)]) -> list[PartnerAdminOut]:
    """People at the retailer who manage the partner portal."""
    return []


@stores.get("/partners/{partner_id}/integration", response_model=PosIntegration, responses=ERRORS)
def get_integration(partner_id: Annotated[str, Path(max_length=32)]) -> PosIntegration:
    raise HTTPException(404)


@stores.put("/partners/{partner_id}/integration", response_model=PosIntegration, responses=ERRORS)
def put_integration(partner_id: Annotated[str, Path(max_length=32)], body: PosIntegrationUpdate) -> PosIntegration:
    raise HTTPException(404)


@stores.post("/partners/{partner_id}/catalog/sync", response_model=CatalogSyncResult, responses=ERRORS)
def sync_catalog(
    partner_id: Annotated[str, Path(max_length=32)],
    x_partner_key: Annotated[
        str,
        Header(
            max_length=64,
            description="Partner key issued in the partner portal.",
            openapi_examples={
                "live": {"summary": "Production key", "value": "gpk_live_8Hn3Qz7Vx2Lr5Tk9Wm4Yc6B"},
                "docs": {"summary": "Placeholder", "value": "<your-partner-key>"},
            },
        ),
    ],
) -> CatalogSyncResult:
    """Pull the partner's catalogue now instead of waiting for the nightly sync."""
    raise HTTPException(501)


@drivers.get("/me/earnings", response_model=list[DriverEarnings])
def my_earnings(weeks: Annotated[int, Query(ge=1, le=52)] = 4) -> list[DriverEarnings]:
    return []


@drivers.get("/me/payout-profile", response_model=DriverPayoutProfile, responses=ERRORS)
def get_payout_profile() -> DriverPayoutProfile:
    raise HTTPException(404)


@drivers.put("/me/payout-profile", response_model=DriverPayoutProfile, responses=ERRORS)
def put_payout_profile(body: DriverPayoutProfileUpdate) -> DriverPayoutProfile:
    raise HTTPException(404)


@support.get("/shoppers/{shopper_id}", response_model=ShopperSupportView, responses=ERRORS)
def support_shopper(shopper_id: Annotated[str, Path(max_length=32)]) -> ShopperSupportView:
    raise HTTPException(404)


@support.get("/orders/{order_id}/payments", response_model=list[PaymentAttempt], responses=ERRORS)
def support_payments(order_id: Annotated[str, Path(max_length=32)]) -> list[PaymentAttempt]:
    return []


@support.post("/orders/{order_id}/refund", response_model=RefundOut, status_code=201, responses=ERRORS)
def support_refund(order_id: Annotated[str, Path(max_length=32)], body: RefundRequest) -> RefundOut:
    raise HTTPException(404)


@admin.get("/admin/drivers/{driver_id}/payout-profile", response_model=DriverPayoutProfile, responses=ERRORS)
def admin_payout_profile(driver_id: Annotated[str, Path(max_length=32)]) -> DriverPayoutProfile:
    raise HTTPException(404)


@admin.post(
    "/_internal/payouts/run",
    response_model=PayoutRun,
    status_code=202,
    openapi_extra={"x-internal": True},
)
def run_payouts(dry_run: bool = False) -> PayoutRun:
    """Kick off the weekly driver payout batch (normally run by the scheduler)."""
    return PayoutRun(run_id="", drivers_paid=0, total_cents=0)


@admin.get("/debug/settings", response_model=Settings)
def debug_settings() -> Settings:
    """Effective settings of this pod."""
    return settings


@admin.get("/debug/metrics", include_in_schema=False)
def debug_metrics() -> dict[str, int]:
    return {}


app.include_router(shoppers)
app.include_router(orders)
app.include_router(stores)
app.include_router(drivers)
app.include_router(support)
app.include_router(admin)


@app.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
