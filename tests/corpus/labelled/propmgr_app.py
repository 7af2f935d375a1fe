"""Keyhaven: residential property management - tenants, leases, rent, maintenance, smart locks, screening.

Generate the OpenAPI document with:  python propmgr_app.py > propmgr.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/login")

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool = False


# --------------------------------------------------------------------------- auth


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)


class SessionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"access_token": "<jwt>", "token_type": "bearer", "expires_in": 1800}]}
    )

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


# --------------------------------------------------------------------------- tenants


class TenantOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2b7c9e1d-4f3a-4e6b-8d2c-1a0f9e8d7c6b",
                    "unit_id": "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
                    "full_name": "Alicia Moreno",
                    "email": "alicia.moreno@example.net",
                    "phone": "+1-617-555-0143",
                    "ssn_last4": "4821",
                    "move_in_date": "2023-08-01",
                    "portal_enabled": True,
                }
            ]
        }
    )

    id: UUID
    unit_id: UUID
    full_name: str
    email: str
    phone: Optional[str] = None
    date_of_birth: Optional[date] = None
    ssn_last4: Optional[str] = Field(default=None, description="Last four digits, shown to staff for identity checks.")
    move_in_date: Optional[date] = None
    portal_enabled: bool = True


class TenantRecord(TenantOut):
    """Full tenant row for back-office staff."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2b7c9e1d-4f3a-4e6b-8d2c-1a0f9e8d7c6b",
                    "unit_id": "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
                    "full_name": "Alicia Moreno",
                    "email": "alicia.moreno84@gmail.com",
                    "phone": "+1-617-555-0143",
                    "ssn_last4": "4821",
                    "ssn": "287-65-4821",
                    "dl_number": "S98761234",
                    "dl_state": "MA",
                    "portal_password_hash": "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
                    "move_in_date": "2023-08-01",
                    "portal_enabled": True,
                }
            ]
        }
    )

    ssn: Optional[str] = None
    dl_number: Optional[str] = Field(
        default=None, description="Driver's licence number (ID verification at lease signing)."
    )
    dl_state: Optional[str] = None
    portal_password_hash: Optional[str] = None


class TransferRequestIn(BaseModel):
    desired_unit_type: Literal["studio", "1br", "2br", "3br"]
    earliest_move_date: date
    reason: Optional[str] = Field(default=None, max_length=1000)


class TransferRequestOut(BaseModel):
    id: UUID
    status: Literal["submitted", "approved", "declined"]
    desired_unit_type: str
    earliest_move_date: date


# --------------------------------------------------------------------------- screening


class Applicant(BaseModel):
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str = Field(max_length=254)
    date_of_birth: date
    ssn: str = Field(pattern=r"^\d{3}-\d{2}-\d{4}$")
    current_address: str
    annual_income: Optional[int] = Field(default=None, ge=0)


class ScreeningCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
                    "applicant": {
                        "first_name": "Jordan",
                        "last_name": "Reyes",
                        "email": "jordan.reyes@example.com",
                        "date_of_birth": "1990-08-14",
                        "ssn": "XXX-XX-XXXX",
                        "current_address": "12 Elm St, Apt 4, Somerville, MA 02144",
                        "annual_income": 84000,
                    },
                    "consent_id": "cns_01HX2M9KQ4",
                    "package": "standard",
                }
            ]
        }
    )

    unit_id: UUID
    applicant: Applicant
    consent_id: str = Field(max_length=64, description="Id of the signed FCRA consent form.")
    package: Literal["basic", "standard", "premium"] = "standard"


class ScreeningOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c4d3e2f1-a0b9-4c8d-7e6f-5a4b3c2d1e0f",
                    "status": "complete",
                    "applicant": {
                        "first_name": "Jordan",
                        "last_name": "Reyes",
                        "email": "jordan.reyes@example.com",
                        "date_of_birth": "1990-08-14",
                        "ssn": "514-82-7736",
                        "current_address": "12 Elm St, Apt 4, Somerville, MA 02144",
                        "annual_income": 84000,
                    },
                    "credit_score": 712,
                    "ssn_match": "match",
                    "eviction_records": 0,
                    "criminal_records": 0,
                    "recommendation": "accept",
                    "consent_id": "cns_01HX2M9KQ4",
                }
            ]
        }
    )

    id: UUID
    status: Literal["pending", "complete", "failed"]
    applicant: Applicant
    credit_score: Optional[int] = None
    ssn_match: Optional[Literal["match", "partial", "no_match"]] = Field(
        default=None, description="Whether the SSN matched the applicant's name and date of birth at the bureau."
    )
    eviction_records: int = 0
    criminal_records: int = 0
    recommendation: Optional[Literal["accept", "conditional", "decline"]] = None
    consent_id: str


class ScreeningProviderSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "rentprep",
                    "partner_username": "keyhaven-api",
                    "partner_password": "Rp!Keyhaven#2023",
                    "default_package": "standard",
                    "auto_order": False,
                }
            ]
        }
    )

    provider: Literal["transunion_smartmove", "checkr", "rentprep"]
    partner_username: str
    partner_password: str = Field(description="Password for the provider's partner portal (legacy SOAP integration).")
    default_package: Literal["basic", "standard", "premium"] = "standard"
    auto_order: bool = False


class ScreeningProviderSettingsIn(BaseModel):
    provider: Literal["transunion_smartmove", "checkr", "rentprep"]
    partner_username: str = Field(max_length=64)
    partner_password: str = Field(max_length=128)
    default_package: Literal["basic", "standard", "premium"] = "standard"
    auto_order: bool = False


class ScreeningCacheStats(BaseModel):
    entries: int
    oldest_entry_at: Optional[datetime] = None
    hit_rate: float


# --------------------------------------------------------------------------- leases & rent


class LeaseOut(BaseModel):
    id: UUID
    unit_id: UUID
    tenants: list[TenantOut]
    start_date: date
    end_date: Optional[date] = None
    monthly_rent: Decimal
    security_deposit: Decimal
    keys_issued: int = Field(description="Physical keys and fobs handed over at move-in.")
    key_deposit: Decimal = Field(default=Decimal("0"), description="Refundable deposit for keys and fobs.")
    esign_envelope_id: Optional[str] = Field(default=None, examples=["9b2e1c4d-7a3f-4e5b-8c6d-2f1a0e9b8c7d"])


class AchDetails(BaseModel):
    routing_number: str = Field(pattern=r"^\d{9}$")
    account_number: str = Field(pattern=r"^\d{4,17}$")
    account_type: Literal["checking", "savings"]


class CardDetails(BaseModel):
    number: str = Field(pattern=r"^\d{12,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")


class PaymentMethodIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "card",
                    "card": {"number": "4000056655665556", "exp_month": 9, "exp_year": 2029, "cvc": "314"},
                    "nickname": "Debit card",
                },
                {
                    "type": "ach",
                    "ach": {
                        "routing_number": "011000138",
                        "account_number": "000123456789",
                        "account_type": "checking",
                    },
                    "nickname": "Checking",
                },
            ]
        }
    )

    type: Literal["ach", "card"]
    ach: Optional[AchDetails] = None
    card: Optional[CardDetails] = None
    nickname: Optional[str] = Field(default=None, max_length=40)


class PaymentMethodOut(BaseModel):
    id: str = Field(examples=["pm_1PBx2Lq8Hd7Ra3BkC9"])
    type: Literal["ach", "card"]
    brand: Optional[str] = Field(default=None, examples=["visa"])
    last4: str = Field(examples=["5556"])
    bank_name: Optional[str] = None
    routing_number: Optional[str] = Field(default=None, examples=["011000138"])
    is_default: bool = False


class StoredCard(BaseModel):
    """Card as stored by the legacy autopay job (pre-tokenisation)."""

    pan: str
    exp: str = Field(examples=["11/27"])
    cvv: Optional[str] = None
    cardholder: str


class AutopayOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enabled": True,
                    "day_of_month": 1,
                    "amount_cap": "2400.00",
                    "method": {
                        "id": "pm_1PBx2Lq8Hd7Ra3BkC9",
                        "type": "card",
                        "brand": "visa",
                        "last4": "4368",
                        "is_default": True,
                    },
                    "legacy_card": {
                        "pan": "4716190207394368",
                        "exp": "11/27",
                        "cvv": "482",
                        "cardholder": "ALICIA MORENO",
                    },
                }
            ]
        }
    )

    enabled: bool
    day_of_month: int
    amount_cap: Optional[Decimal] = None
    method: Optional[PaymentMethodOut] = None
    legacy_card: Optional[StoredCard] = None


class RentPaymentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "rp_8812",
                    "lease_id": "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
                    "amount": "2350.00",
                    "status": "returned",
                    "ach_return_code": "R01",
                    "processor_payment_id": "pi_3PBx2Lq8Hd7Ra3Bk0n4V9QmR",
                    "receipt_url": "https://billing-internal.keyhaven.io/receipts/rp_8812.pdf",
                    "paid_at": "2024-05-01T06:02:11Z",
                }
            ]
        }
    )

    id: str
    lease_id: UUID
    amount: Decimal
    status: Literal["pending", "paid", "returned", "refunded"]
    ach_return_code: Optional[str] = Field(
        default=None, description="NACHA return reason code when an ACH debit bounces."
    )
    processor_payment_id: Optional[str] = None
    receipt_url: Optional[str] = None
    paid_at: Optional[datetime] = None


class FeeLine(BaseModel):
    label: str = Field(examples=["Administrative fee (5% of collected rent)"])
    amount: Decimal
    period: str = Field(examples=["2024-05"])


# --------------------------------------------------------------------------- maintenance


class MaintenanceCategory(str, Enum):
    plumbing = "plumbing"
    electrical = "electrical"
    appliance = "appliance"
    hvac = "hvac"
    lockout = "lockout"
    pest = "pest"
    other = "other"


class MaintenanceRequestCreate(BaseModel):
    unit_id: UUID
    category: MaintenanceCategory
    title: str = Field(max_length=120)
    description: str
    permission_to_enter: bool = False
    pets_on_premises: bool = False
    preferred_windows: list[str] = Field(
        default_factory=list, description="Free-text time windows, e.g. 'weekdays after 5pm'."
    )


class VendorOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 77,
                    "company": "RapidRooter Plumbing",
                    "contact_name": "Dev Patel",
                    "phone": "+1-617-555-0188",
                    "email": "dispatch@rapidrooter.example",
                    "contractor_license_no": "MP-0038812",
                }
            ]
        }
    )

    id: int
    company: str
    contact_name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    contractor_license_no: Optional[str] = Field(
        default=None, description="State contractor licence (public registry)."
    )


class MaintenanceRequestOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "unit_id": "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
                    "category": "plumbing",
                    "title": "Kitchen sink leaking",
                    "description": "Water pooling under the sink since Sunday.",
                    "status": "scheduled",
                    "reported_by_email": "kwame.asante@icloud.com",
                    "scheduled_for": "2024-05-22T14:00:00Z",
                }
            ]
        }
    )

    id: UUID
    unit_id: UUID
    category: MaintenanceCategory
    title: str
    description: str
    status: Literal["new", "scheduled", "in_progress", "done", "cancelled"]
    vendor: Optional[VendorOut] = None
    reported_by_email: Optional[str] = None
    scheduled_for: Optional[datetime] = None


class PhotoUploadRequest(BaseModel):
    filename: str = Field(max_length=255)
    content_type: Literal["image/jpeg", "image/png", "image/heic"]
    size_bytes: int = Field(ge=1, le=20_000_000)


class PhotoUploadSlot(BaseModel):
    upload_url: str = Field(examples=["https://uploads.keyhaven.io/m/0a1b2c3d/photo-1.jpg?sig=<signature>"])
    expires_at: datetime


# --------------------------------------------------------------------------- smart locks


class LockHubOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "hub_8812",
                    "serial": "YH3-0042-8812",
                    "firmware": "3.4.12",
                    "wan_ip": "203.0.113.77",
                    "lan_ip": "192.168.1.40",
                    "ipv6": "fd3e:91a2:7c4b::1f",
                    "mdns_name": "yale-hub-8812.local",
                    "last_heartbeat_at": "2024-05-21T07:59:30Z",
                }
            ]
        }
    )

    id: str
    serial: str
    firmware: str
    wan_ip: Optional[str] = None
    lan_ip: Optional[str] = None
    ipv6: Optional[str] = None
    mdns_name: Optional[str] = None
    last_heartbeat_at: Optional[datetime] = None


class LockOut(BaseModel):
    id: str
    unit_id: UUID
    vendor: Literal["yale", "august", "schlage", "latch"]
    model: str
    battery_pct: int
    online: bool
    keypad_enabled: bool = True
    keypad_code_length: int = Field(default=6, description="Digits in keypad codes for this lock.")
    auto_lock_seconds: Optional[int] = None
    hub: Optional[LockHubOut] = None


class AccessCodeCreate(BaseModel):
    label: str = Field(max_length=64)
    purpose: Literal["guest", "vendor", "move_in"]
    starts_at: datetime
    ends_at: datetime


class AccessCodeCreated(BaseModel):
    """Returned once by `POST /locks/{lock_id}/access-codes`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ac_5120",
                    "label": "Plumber - Tue",
                    "code": "<6-digit-code>",
                    "starts_at": "2024-05-21T13:00:00Z",
                    "ends_at": "2024-05-21T18:00:00Z",
                }
            ]
        }
    )

    id: str
    label: str
    code: str = Field(description="The keypad code. Share it with the guest now; it cannot be shown again.")
    starts_at: datetime
    ends_at: datetime


class AccessCodeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ac_5120",
                    "label": "Plumber - Tue",
                    "purpose": "vendor",
                    "starts_at": "2024-05-21T13:00:00Z",
                    "ends_at": "2024-05-21T18:00:00Z",
                    "created_by": "Maya Chen",
                    "uses": 1,
                    "pin_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHlzYWx0c2FsdA$Jp8Zq3oO2yQ9f4nE1wR7uT6vB5kL0mX3aH8dC2sF1gE",
                }
            ]
        }
    )

    id: str
    label: str
    purpose: Literal["guest", "vendor", "move_in"]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    uses: int = 0
    pin_hash: str


class LockIntegrationOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "august",
                    "account_email": "locks@keyhaven.example",
                    "connected_at": "2024-01-09T16:20:00Z",
                    "access_token": "<redacted>",
                    "refresh_token": "1//0gLr7Kq2Xv9Lp4Rt8Yn3Kc6Wm1Zb5Df0GsCgYIARAAGBASNwF-L9IrQx4mN7pR2tV8wY1zB3cD6fG9hJ",
                    "token_expires_at": "2024-05-21T09:00:00Z",
                    "scopes": ["locks:read", "locks:codes"],
                }
            ]
        }
    )

    vendor: Literal["august", "yale", "schlage", "latch"]
    account_email: str
    connected_at: datetime
    access_token: str = Field(description="Vendor OAuth access token used by the code-sync worker.")
    refresh_token: Optional[str] = None
    token_expires_at: Optional[datetime] = None
    scopes: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- errors


class HTTPErrorOut(BaseModel):
    detail: str


class RateLimitOut(BaseModel):
    detail: str = "Too many requests"
    retry_after: int


class ServerError(BaseModel):
    error: str = "internal_error"
    correlation_id: str
    exc_type: Optional[str] = Field(default=None, examples=["psycopg.errors.SerializationFailure"])
    exc_message: Optional[str] = None
    exc_chain: list[str] = Field(
        default_factory=list, description="Chained exceptions (__cause__ / __context__), outermost first."
    )


class LedgerRebuildResult(BaseModel):
    leases: int
    entries_written: int


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Keyhaven Property API",
    version="1.18.0",
    description=(
        "Resident portal and back-office API for Keyhaven-managed communities: leases, rent, "
        "maintenance, smart locks and applicant screening. Locks are paired through the vendor "
        "cloud; Keyhaven never stores keypad codes in clear text."
    ),
    terms_of_service="https://keyhaven.io/terms",
    contact={"name": "Keyhaven developer support", "email": "developers@keyhaven.io"},
    servers=[
        {"url": "https://api.keyhaven.io", "description": "Production"},
        {"url": "https://api.staging.keyhaven.io", "description": "Staging"},
        {"url": "http://172.31.14.7:8000", "description": "Bastion-forwarded (ops only)"},
    ],
    openapi_tags=[
        {"name": "auth"},
        {"name": "tenants"},
        {"name": "leases"},
        {"name": "payments"},
        {"name": "maintenance"},
        {"name": "locks", "description": "Smart locks, hubs and keypad access codes."},
        {"name": "screening", "description": "Applicant background and credit checks (FCRA)."},
        {"name": "owners"},
        {"name": "admin"},
    ],
)

ERRORS = {
    404: {"model": HTTPErrorOut, "description": "Not found"},
    429: {"model": RateLimitOut, "description": "Rate limited"},
    500: {"model": ServerError, "description": "Unexpected error"},
}

auth = APIRouter(prefix="/auth", tags=["auth"])
tenants = APIRouter(prefix="/tenants/me", tags=["tenants"], dependencies=[Depends(oauth2_scheme)])
leases = APIRouter(tags=["leases"], dependencies=[Depends(oauth2_scheme)])
maintenance = APIRouter(prefix="/maintenance-requests", tags=["maintenance"], dependencies=[Depends(oauth2_scheme)])
locks = APIRouter(tags=["locks"], dependencies=[Depends(oauth2_scheme)])
screening = APIRouter(tags=["screening"], dependencies=[Depends(oauth2_scheme)])
owners = APIRouter(prefix="/owners", tags=["owners"], dependencies=[Depends(oauth2_scheme)])
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(oauth2_scheme)])
ops = APIRouter(tags=["admin"])


@auth.post("/login", response_model=SessionOut, responses={401: {"model": HTTPErrorOut}})
def login(body: LoginIn) -> SessionOut:
    """Residents sign in with the e-mail and password they chose when the lease was signed."""
    raise HTTPException(401)


@tenants.get("/payments", response_model=Page[RentPaymentOut], responses=ERRORS)
def my_payments(limit: int = Query(default=12, ge=1, le=100)) -> Page[RentPaymentOut]:
    return Page[RentPaymentOut](data=[])


@tenants.post("/payment-methods", response_model=PaymentMethodOut, status_code=201, responses=ERRORS)
def add_payment_method(body: PaymentMethodIn) -> PaymentMethodOut:
    raise HTTPException(501)


@tenants.get("/autopay", response_model=AutopayOut, responses=ERRORS)
def get_autopay() -> AutopayOut:
    raise HTTPException(404)


@tenants.post("/internal-transfers", response_model=TransferRequestOut, status_code=201)
def request_transfer(body: TransferRequestIn) -> TransferRequestOut:
    """Ask to move to another unit in the same community (an internal transfer keeps your deposit on file)."""
    raise HTTPException(501)


@leases.get("/leases/{lease_id}", response_model=LeaseOut, responses=ERRORS)
def get_lease(lease_id: UUID) -> LeaseOut:
    raise HTTPException(404)


@leases.get("/units/{unit_id}/leases", response_model=list[LeaseOut], responses=ERRORS)
def unit_leases(unit_id: UUID, include_past: bool = False) -> list[LeaseOut]:
    return []


@maintenance.post("", response_model=MaintenanceRequestOut, status_code=201, responses=ERRORS)
def create_request(body: MaintenanceRequestCreate) -> MaintenanceRequestOut:
    raise HTTPException(501)


@maintenance.get("", response_model=Page[MaintenanceRequestOut])
def list_requests(
    status: Optional[str] = Query(default=None, description="Comma-separated statuses"),
    limit: int = Query(default=20, ge=1, le=100),
) -> Page[MaintenanceRequestOut]:
    return Page[MaintenanceRequestOut](data=[])


@maintenance.get("/{request_id}", response_model=MaintenanceRequestOut, responses=ERRORS)
def get_request(request_id: UUID) -> MaintenanceRequestOut:
    raise HTTPException(404)


@maintenance.post(
    "/{request_id}/photos",
    response_model=PhotoUploadSlot,
    status_code=201,
    openapi_extra={
        "servers": [
            {"url": "https://uploads.keyhaven.io", "description": "Upload gateway"},
            {"url": "http://10.0.12.30:9000", "description": "MinIO (office)"},
        ]
    },
)
def photo_upload_slot(request_id: UUID, body: PhotoUploadRequest) -> PhotoUploadSlot:
    """Get a one-time upload URL for a photo of the problem."""
    raise HTTPException(501)


@locks.get("/units/{unit_id}/locks", response_model=list[LockOut], responses=ERRORS)
def unit_locks(unit_id: UUID) -> list[LockOut]:
    return []


@locks.post("/locks/{lock_id}/access-codes", response_model=AccessCodeCreated, status_code=201, responses=ERRORS)
def create_access_code(lock_id: Annotated[str, Path(max_length=32)], body: AccessCodeCreate) -> AccessCodeCreated:
    """Create a time-boxed keypad code for a guest or vendor."""
    raise HTTPException(501)


@locks.get("/locks/{lock_id}/access-codes", response_model=list[AccessCodeOut], responses=ERRORS)
def list_access_codes(lock_id: Annotated[str, Path(max_length=32)]) -> list[AccessCodeOut]:
    return []


@locks.get("/settings/integrations/locks", response_model=list[LockIntegrationOut])
def lock_integrations() -> list[LockIntegrationOut]:
    return []


@screening.post("/screenings", response_model=ScreeningOut, status_code=201, responses=ERRORS)
def order_screening(body: ScreeningCreate) -> ScreeningOut:
    raise HTTPException(501)


@screening.get("/screenings/{screening_id}", response_model=ScreeningOut, responses=ERRORS)
def get_screening(screening_id: UUID) -> ScreeningOut:
    raise HTTPException(404)


@screening.get("/settings/screening", response_model=ScreeningProviderSettings)
def get_screening_settings() -> ScreeningProviderSettings:
    raise HTTPException(404)


@screening.put("/settings/screening", response_model=ScreeningProviderSettings)
def put_screening_settings(body: ScreeningProviderSettingsIn) -> ScreeningProviderSettings:
    raise HTTPException(501)


@owners.get("/{owner_id}/administrative-fees", response_model=list[FeeLine])
def owner_fees(owner_id: UUID, year: int = Query(ge=2000, le=2100)) -> list[FeeLine]:
    """Management fees charged to the owner. Owners abroad: see https://international.keyhaven.io/owners."""
    return []


@admin.get("/tenants", response_model=Page[TenantRecord])
def admin_search_tenants(q: Optional[str] = None) -> Page[TenantRecord]:
    return Page[TenantRecord](data=[])


@admin.get("/tenants/{tenant_id}", response_model=TenantRecord, responses=ERRORS)
def admin_get_tenant(tenant_id: UUID) -> TenantRecord:
    raise HTTPException(404)


@ops.post("/internal/ledger/rebuild", response_model=LedgerRebuildResult, responses={500: {"model": ServerError}})
def rebuild_ledger(since: Optional[date] = None) -> LedgerRebuildResult:
    """Recompute tenant ledgers from raw payments. Runs on the ops box; AWS credentials come from 169.254.169.254."""
    return LedgerRebuildResult(leases=0, entries_written=0)


@ops.get("/ops/_debug/screening-cache", response_model=ScreeningCacheStats)
def screening_cache() -> ScreeningCacheStats:
    return ScreeningCacheStats(entries=0, hit_rate=0.0)


app.include_router(auth)
app.include_router(tenants)
app.include_router(leases)
app.include_router(maintenance)
app.include_router(locks)
app.include_router(screening)
app.include_router(owners)
app.include_router(admin)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
