"""Eventix: event ticketing - events, venues, ticket holders, gate scanners, resale and promoter payouts.

Generate the OpenAPI document with:  python eventix_app.py > eventix.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

bearer = HTTPBearer()
T = TypeVar("T")


# --------------------------------------------------------------------------- settings


class Settings(BaseModel):
    """Runtime configuration. Values come from EVENTIX_* environment variables."""

    environment: Literal["dev", "staging", "prod"] = "prod"
    debug: bool = False
    database_url: str = "postgresql://eventix_app:Tix-Pg-2024!@10.20.3.5:5432/eventix"
    redis_url: str = Field(
        default="redis://seatlock-cache.ticketing.svc.cluster.local:6379/0",
        description="Seat-hold locks and the token-bucket rate limiter.",
    )
    jwt_algorithm: str = "RS256"
    access_token_ttl_seconds: int = 900
    stripe_secret_key: str = Field(description="Stripe Connect platform key, used to create promoter payouts.")
    max_tickets_per_order: int = 10


settings = Settings(stripe_secret_key="")


# --------------------------------------------------------------------------- models


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class EventStatus(str, Enum):
    draft = "draft"
    on_sale = "on_sale"
    sold_out = "sold_out"
    cancelled = "cancelled"


class VenueOut(BaseModel):
    id: UUID
    name: str
    city: str
    country: str = Field(examples=["US"])
    capacity: int
    seatmap_object_key: Optional[str] = Field(
        default=None,
        examples=["seatmaps/venue-4411/floor-v3.svg"],
        description="Storage key of the rendered seat map (served through the CDN).",
    )
    box_office_phone: Optional[str] = Field(default=None, examples=["+1-312-555-0134"])


class EventCreate(BaseModel):
    title: str = Field(max_length=200)
    description: str
    venue_id: UUID
    starts_at: datetime
    doors_open_at: Optional[datetime] = None
    tags: list[str] = Field(default_factory=list)
    presale_code: Optional[str] = Field(
        default=None,
        pattern=r"^[A-Z0-9]{6,12}$",
        description="Optional code fans must enter to buy during the presale window.",
    )


class EventOut(BaseModel):
    id: UUID
    title: str
    description: str
    venue: VenueOut
    starts_at: datetime
    status: EventStatus
    keynote_speaker: Optional[str] = None
    presale_protected: bool = Field(default=False, description="True when a presale code is required during presale.")
    tickets_remaining: int


class TicketHolderOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticketId": "0f3c9a1e-6b2d-4e8f-9a7c-5d1e3b2f4a60",
                    "orderId": "7d2e4c1a-9b3f-4a6e-8c5d-2f1b0e9a7c33",
                    "fullName": "Priya Natarajan",
                    "email": "priya.natarajan@outlook.com",
                    "phone": "+44 7700 900412",
                    "dateOfBirth": "1991-04-17",
                    "passportNumber": "548213907",
                    "seatLabel": "Block C, Row 12, Seat 8",
                    "checkedIn": False,
                }
            ]
        }
    )

    ticket_id: UUID
    order_id: UUID
    full_name: str
    email: str
    phone: Optional[str] = None
    date_of_birth: Optional[date] = None
    passport_number: Optional[str] = Field(
        default=None,
        description="Collected for ID-matched festival entry (name and passport are checked at the gate).",
    )
    seat_label: Optional[str] = None
    checked_in: bool = False


class DevicePlatform(str, Enum):
    android = "android"
    ios = "ios"
    zebra = "zebra"


class DeviceRegister(BaseModel):
    name: str = Field(max_length=64)
    venue_id: UUID
    platform: DevicePlatform


class DevicePairing(BaseModel):
    """Returned once by `POST /devices`: type the pairing token into the scanner app."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"device_id": "dev_7Q2M", "pairing_token": "<pairing-token>", "expires_at": "2024-06-01T18:00:00Z"}
            ]
        }
    )

    device_id: str
    pairing_token: str
    expires_at: datetime


class DeviceOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "dev_7Q2M",
                    "name": "Gate A - lane 3",
                    "venue_id": "3e1b7c2a-5d4f-4a9e-8b6c-0f2d1e3a4b5c",
                    "platform": "zebra",
                    "firmware_version": "5.2.1",
                    "firmware_sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
                    "public_key": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEp8Xr2kQm7Lz4vN1cT9bW3yH6dJ0s\nF5gA2uK8eR1oP4iM7nB3vC6xZ9lQ2wE5tY8rU1aS4dF7gH0jK3mN6bV9cX2z==\n-----END PUBLIC KEY-----",
                    "hmac_key": "b6f0c2e94d1a7385e2f9c0d4a6b8e1f3c5a7d9e0b2c4f6a8d0e2f4a6c8b0d2e4",
                    "last_seen_ip": "192.168.88.23",
                    "last_seen_at": "2024-05-30T21:14:09Z",
                }
            ]
        }
    )

    id: str
    name: str
    venue_id: UUID
    platform: DevicePlatform
    firmware_version: str
    firmware_sha256: str = Field(description="Checksum of the installed scanner firmware image.")
    public_key: str = Field(description="The device's ECDSA public key; verifies signed scan receipts.")
    hmac_key: str = Field(description="Shared key the scanner uses to sign offline scan batches.")
    last_seen_ip: Optional[str] = None
    last_seen_at: Optional[datetime] = None


class ScanIn(BaseModel):
    barcode: str = Field(pattern=r"^[A-Z0-9]{12,32}$")
    scanned_at: datetime
    gate: str = Field(max_length=32)


class ScanBatch(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "dev_7Q2M",
                    "scans": [{"barcode": "EVX4KQ9Z2M7P1R", "scanned_at": "2024-05-30T20:01:13Z", "gate": "A3"}],
                    "signature": "9c1185a5c5e9fc54612808977ee8f548b2258d31e0c2a8f1e4b6d8a2c0e1f3a5",
                }
            ]
        }
    )

    device_id: str = Field(max_length=32)
    scans: list[ScanIn] = Field(max_length=500)
    signature: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="Hex HMAC-SHA256 of the batch body, computed with the device's hmac_key.",
    )


class ScanResult(BaseModel):
    accepted: int
    rejected: int
    duplicates: list[str]


class ResaleListingCreate(BaseModel):
    ticket_id: UUID
    ask_price: Decimal = Field(gt=0, le=10_000, decimal_places=2)
    note: Optional[str] = None


class SellerPublic(BaseModel):
    display_name: str
    rating: Optional[float] = None
    verified: bool = False


class ResaleListingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "rl_88421",
                "ticket_id": "0f3c9a1e-6b2d-4e8f-9a7c-5d1e3b2f4a60",
                "event_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                "ask_price": "145.00",
                "price_cap": "150.00",
                "currency": "USD",
                "seller": {"display_name": "Jess M.", "rating": 4.9, "verified": True},
                "seller_email": "jess.marlowe88@hotmail.com",
            }
        }
    )

    id: str
    ticket_id: UUID
    event_id: UUID
    ask_price: Decimal
    price_cap: Decimal = Field(description="Face value plus fees: listings above the cap are rejected.")
    currency: str
    seller: SellerPublic
    seller_email: Optional[str] = None


class OrderCreate(BaseModel):
    event_id: UUID
    tier_id: UUID
    quantity: int = Field(ge=1, le=10)
    buyer_email: str = Field(max_length=254)
    promo_code: Optional[str] = Field(default=None, max_length=32)


class OrderOut(BaseModel):
    id: UUID
    event_id: UUID
    quantity: int
    total: Decimal
    currency: str
    status: Literal["pending", "paid", "refunded"]
    created_at: datetime


class FeeBreakdown(BaseModel):
    face_value: Decimal
    service_fee: Decimal
    admin_fee: Decimal = Field(description="Venue administration fee, charged per ticket.")
    facility_fee: Decimal
    total: Decimal


class PrivateLinkOut(BaseModel):
    id: str
    label: str = Field(examples=["VIP crew list"])
    slug: str = Field(examples=["vip-crew"])
    uses: int
    max_uses: Optional[int] = None


class PayoutAccountIn(BaseModel):
    account_holder: str = Field(max_length=140)
    iban: str = Field(pattern=r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
    bic: str = Field(pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    tax_id: str = Field(pattern=r"^\d{3}-?\d{2}-?\d{4}$", description="SSN or ITIN, for 1099-K reporting.")


class PayoutAccountOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_holder": "Northside Promotions LLC",
                    "iban": "DE89370400440532013000",
                    "bic": "COBADEFFXXX",
                    "tax_id_last4": "7783",
                    "stripe_account_id": "acct_1OZx9kLq2Hd7Ra3B",
                    "verified": True,
                }
            ]
        }
    )

    account_holder: str
    iban: str
    bic: str
    tax_id_last4: Optional[str] = None
    stripe_account_id: str
    verified: bool


class PromoterPayoutRecord(PayoutAccountOut):
    """Full payout account row, as used by the support console."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_holder": "Marcus Bell",
                    "iban": "GB33BUKB20201555555555",
                    "bic": "BUKBGB22",
                    "tax_id_last4": "7783",
                    "stripe_account_id": "acct_1P3mQ8Hx2Rt5Kd9L",
                    "verified": False,
                    "tax_id": "529-41-7783",
                    "kyc_notes": "Stripe asked for a second ID document",
                }
            ]
        }
    )

    tax_id: str
    kyc_notes: Optional[str] = None


class PayoutOut(BaseModel):
    id: str = Field(examples=["po_1PAbc2Lq8Hd7Ra3B"])
    amount: Decimal
    currency: str
    status: Literal["pending", "in_transit", "paid", "failed"]
    arrival_date: Optional[date] = None
    statement_descriptor: str = Field(examples=["EVENTIX PAYOUT"])
    failure_code: Optional[str] = Field(default=None, examples=["account_closed"])


class WebhookEndpointIn(BaseModel):
    url: str = Field(max_length=2048)
    events: list[Literal["payout.paid", "payout.failed", "order.refunded"]] = Field(max_length=10)


class WebhookEndpointOut(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "we_31K",
                    "url": "https://hooks.northside-promotions.com/eventix",
                    "events": ["payout.paid", "payout.failed"],
                    "signingSecret": "whsec_Jx7Lq2Vm9Kp4Rt8Yn3Wc6Zb1Df5Gs0Ha",
                    "created_at": "2024-02-14T10:00:00Z",
                }
            ]
        },
    )

    id: str
    url: str
    events: list[str]
    signing_secret: str = Field(alias="signingSecret", description="Used to verify the `Eventix-Signature` header.")
    created_at: datetime


class ErrorOut(BaseModel):
    detail: str
    error_code: str = Field(examples=["event_sold_out"])
    trace_id: str = Field(description="Quote this when contacting support.")


class ServerErrorOut(BaseModel):
    detail: str = "Internal server error"
    error_class: str = Field(examples=["sqlalchemy.exc.OperationalError"])
    stacktrace: list[str] = Field(default_factory=list, description="Innermost frame last.")
    trace_id: str


class SyncResult(BaseModel):
    gates_updated: int
    denylist_size: int


# --------------------------------------------------------------------------- app

tags_metadata = [
    {"name": "events", "description": "Create and publish events."},
    {"name": "venues", "description": "Venue partners can apply at https://corporate.eventix.io/partners."},
    {"name": "attendees", "description": "Ticket holders and check-in state."},
    {
        "name": "devices",
        "description": "Gate scanners and offline scan upload.",
        "externalDocs": {"description": "Scanner network guide", "url": "https://docs.eventix.io/scanners/network"},
    },
    {"name": "resale", "description": "Fan-to-fan resale, capped at face value plus fees."},
    {
        "name": "payouts",
        "description": "Promoter payouts through Stripe Connect.",
        "externalDocs": {"description": "Finance runbook", "url": "https://wiki.eventix.corp/finance/payouts-runbook"},
    },
    {"name": "admin", "description": "Support-console operations."},
    {"name": "ops"},
]

app = FastAPI(
    title="Eventix API",
    version="2.7.1",
    summary="Ticketing for promoters and venues.",
    description=(
        "Public API for Eventix promoters, venues and gate staff. Rate limits use a token bucket "
        "of 100 requests per key, refilled at 10 requests per second."
    ),
    terms_of_service="https://eventix.io/legal/api-terms",
    contact={"name": "Eventix Platform", "url": "https://developers.eventix.io", "email": "platform@eventix.io"},
    license_info={"name": "Proprietary"},
    openapi_tags=tags_metadata,
    servers=[
        {"url": "https://api.eventix.io/v2", "description": "Production"},
        {"url": "https://sandbox.api.eventix.io/v2", "description": "Sandbox (test cards only)"},
        {"url": "http://eventix-api.ticketing.svc:8000/v2", "description": "In-cluster"},
    ],
)


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception) -> JSONResponse:
    import traceback

    return JSONResponse(
        status_code=500,
        content={
            "detail": "Internal server error",
            "error_class": f"{type(exc).__module__}.{type(exc).__name__}",
            "stacktrace": traceback.format_exception(exc),
            "trace_id": request.headers.get("x-trace-id", ""),
        },
    )


ERRORS = {
    404: {"model": ErrorOut, "description": "Not found"},
    409: {"model": ErrorOut, "description": "Conflict"},
    500: {"model": ServerErrorOut, "description": "Unexpected error"},
}


def promoter(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> str:
    return creds.credentials


events = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(promoter)])
venues = APIRouter(prefix="/venues", tags=["venues"])
attendees = APIRouter(tags=["attendees"], dependencies=[Depends(promoter)])
devices = APIRouter(tags=["devices"])
resale = APIRouter(prefix="/resale", tags=["resale"])
orders = APIRouter(prefix="/orders", tags=["orders"])
payouts = APIRouter(prefix="/promoters/me", tags=["payouts"], dependencies=[Depends(promoter)])
admin = APIRouter(prefix="/admin", tags=["admin"])
ops = APIRouter(tags=["ops"])


@events.get("", response_model=Page[EventOut])
def list_events(
    q: Optional[str] = Query(default=None, description="Full-text search over title and description"),
    status: Optional[EventStatus] = None,
    limit: int = Query(default=25, ge=1, le=100),
) -> Page[EventOut]:
    return Page[EventOut](items=[])


@events.post("", response_model=EventOut, status_code=201, responses=ERRORS)
def create_event(body: EventCreate) -> EventOut:
    raise HTTPException(404)


@events.get("/{event_id}", response_model=EventOut, responses=ERRORS)
def get_event(event_id: UUID) -> EventOut:
    raise HTTPException(404)


@events.get("/{event_id}/private-links", response_model=list[PrivateLinkOut])
def list_private_links(event_id: UUID) -> list[PrivateLinkOut]:
    """Invite-only sale links (guest lists, fan-club presales)."""
    return []


@venues.get("", response_model=list[VenueOut])
def search_venues(city: Optional[str] = None, min_capacity: int = Query(default=0, ge=0, le=200_000)) -> list[VenueOut]:
    return []


@venues.get("/{venue_id}", response_model=VenueOut, responses=ERRORS)
def get_venue(venue_id: UUID) -> VenueOut:
    raise HTTPException(404)


@attendees.get("/events/{event_id}/attendees", response_model=Page[TicketHolderOut], responses=ERRORS)
def list_attendees(
    event_id: UUID,
    checked_in: Optional[bool] = None,
    cursor: Optional[str] = Query(default=None, max_length=128),
) -> Page[TicketHolderOut]:
    return Page[TicketHolderOut](items=[])


@attendees.get("/attendees/lookup", response_model=list[TicketHolderOut])
def lookup_attendee(
    email: Annotated[
        str,
        Query(
            max_length=254,
            description="Ticket holder's e-mail, as entered at checkout.",
            openapi_examples={
                "fan": {"summary": "Box-office lookup", "value": "dan.kowalski@yahoo.com"},
                "reserved": {"summary": "Documentation address", "value": "fan@example.com"},
            },
        ),
    ],
) -> list[TicketHolderOut]:
    return []


@devices.get("/devices", response_model=list[DeviceOut])
def list_devices(venue_id: Optional[UUID] = None) -> list[DeviceOut]:
    return []


@devices.post("/devices", response_model=DevicePairing, status_code=201)
def register_device(body: DeviceRegister) -> DevicePairing:
    """Register a scanner. The pairing token is only returned in this response."""
    raise HTTPException(501)


@devices.delete("/devices/{device_id}", status_code=204, responses=ERRORS)
def retire_device(device_id: Annotated[str, Path(max_length=32)]) -> None:
    pass


@devices.post("/scans", response_model=ScanResult)
def upload_scans(body: ScanBatch) -> ScanResult:
    """Upload scans collected while the scanner was offline.

    ```
    curl -X POST https://api.eventix.io/v2/scans \\
      -H 'X-Device-Key: dvk_live_q8Zr2Lm5Nx7Pv3Tw9Yb4Cd6Fg1Hj0Ks' \\
      -d @batch.json
    ```
    """
    return ScanResult(accepted=0, rejected=0, duplicates=[])


@resale.get("/listings", response_model=Page[ResaleListingOut])
def list_listings(
    event_id: UUID, max_price: Optional[Decimal] = Query(default=None, ge=0, le=10_000)
) -> Page[ResaleListingOut]:
    return Page[ResaleListingOut](items=[])


@resale.post("/listings", response_model=ResaleListingOut, status_code=201, responses=ERRORS)
def create_listing(body: ResaleListingCreate) -> ResaleListingOut:
    raise HTTPException(409)


@resale.post("/listings/{listing_id}/purchase", response_model=OrderOut, responses=ERRORS)
def buy_listing(listing_id: Annotated[str, Path(pattern=r"^rl_[0-9]{1,12}$")]) -> OrderOut:
    raise HTTPException(409)


@orders.post("", response_model=OrderOut, status_code=201, responses=ERRORS)
def create_order(body: OrderCreate) -> OrderOut:
    raise HTTPException(409)


@orders.get("/{order_id}", response_model=OrderOut, responses=ERRORS)
def get_order(order_id: UUID) -> OrderOut:
    raise HTTPException(404)


@orders.get("/{order_id}/admin-fee", response_model=FeeBreakdown)
def order_fee_breakdown(order_id: UUID) -> FeeBreakdown:
    """Fee breakdown shown on the receipt, including the venue admin fee."""
    raise HTTPException(404)


@payouts.get("/payout-account", response_model=PayoutAccountOut)
def get_payout_account() -> PayoutAccountOut:
    raise HTTPException(404)


@payouts.put("/payout-account", response_model=PayoutAccountOut)
def set_payout_account(body: PayoutAccountIn) -> PayoutAccountOut:
    raise HTTPException(501)


@payouts.get("/payouts", response_model=Page[PayoutOut])
def list_payouts(limit: int = Query(default=20, ge=1, le=100)) -> Page[PayoutOut]:
    return Page[PayoutOut](items=[])


@payouts.get("/webhooks", response_model=list[WebhookEndpointOut])
def list_webhooks() -> list[WebhookEndpointOut]:
    return []


@payouts.post("/webhooks", response_model=WebhookEndpointOut, status_code=201)
def add_webhook(body: WebhookEndpointIn) -> WebhookEndpointOut:
    raise HTTPException(501)


@admin.get("/promoters/{promoter_id}/payout-account", response_model=PromoterPayoutRecord, responses=ERRORS)
def admin_payout_account(promoter_id: UUID) -> PromoterPayoutRecord:
    raise HTTPException(404)


@admin.post("/orders/{order_id}/refund", response_model=OrderOut, responses=ERRORS)
def admin_refund(order_id: UUID, reason: Annotated[str, Body(embed=True)]) -> OrderOut:
    raise HTTPException(404)


@ops.post(
    "/_internal/scanners/sync",
    response_model=SyncResult,
    openapi_extra={"x-internal": True},
)
def sync_scanners() -> SyncResult:
    """Push the latest deny-list to the gate controllers (gatectl-01.venue.lan, gatectl-02.venue.lan)."""
    return SyncResult(gates_updated=0, denylist_size=0)


@ops.get("/debug/settings", response_model=Settings)
def debug_settings() -> Settings:
    """Effective settings, for on-call debugging. TIX-2210: remove before launch."""
    return settings


@ops.get("/internal/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


for r in (events, venues, attendees, devices, resale, orders, payouts, admin, ops):
    app.include_router(r)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
