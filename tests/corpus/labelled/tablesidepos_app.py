"""Tableside POS: venues, staff, terminals, orders, delivery partners and payouts.

Generate the OpenAPI document with:  python tablesidepos_app.py > tablesidepos.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader, OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field, computed_field

oauth = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://auth.tablesidepos.com/oauth/authorize",
    tokenUrl="https://auth-internal.tablesidepos.com/oauth/token",
    scopes={"orders:write": "Create and modify orders", "staff:read": "Read staff roster"},
)
terminal_key = APIKeyHeader(name="X-Terminal-Key", description="Per-device key issued when a terminal is paired.")

T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    data: list[T]
    nextCursor: Optional[str] = None
    hasMore: bool = False


# --------------------------------------------------------------------------- venues


class VenueOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "venueId": "ven_01HQ8ZC4M7",
                    "name": "Osteria Lupa - Mission",
                    "timezone": "America/Los_Angeles",
                    "currency": "USD",
                    "logoUrl": (
                        "https://tableside-assets.s3.us-west-2.amazonaws.com/logos/ven_01HQ8ZC4M7.png"
                        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIA4Q7NRZ2XKD6PL3WE%2F20240501%2Fus-west-2%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20240501T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=7c2f0d9e4b81a6f35c0e92d7ab14f8e6c3d5a9b20f71e4c8d6a3b5f9e0c1d2a4"
                    ),
                    "seatCount": 86,
                }
            ]
        }
    )

    venueId: str
    name: str
    timezone: str
    currency: str = "USD"
    logoUrl: Optional[str] = Field(default=None, description="Logo printed on receipts.")
    seatCount: int = 0


# --------------------------------------------------------------------------- staff


class StaffRole(str, Enum):
    server = "server"
    bartender = "bartender"
    host = "host"
    kitchen = "kitchen"
    manager = "manager"


class StaffOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "staffId": "stf_7QK2",
                    "displayName": "Jamie R.",
                    "email": "jamie.r@example.com",
                    "role": "server",
                    "pinLength": 4,
                    "pinLastChangedAt": "2024-03-30T16:02:00Z",
                    "managerOverrideEnabled": False,
                }
            ]
        }
    )

    staffId: str
    displayName: str
    email: Optional[str] = None
    role: StaffRole
    pinLength: int = Field(default=4, description="Number of digits in the staff member's POS PIN.")
    pinLastChangedAt: Optional[datetime] = None
    managerOverrideEnabled: bool = False


class StaffCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "displayName": "Alex Moreno",
                    "email": "alex.moreno@example.com",
                    "role": "bartender",
                    "pin": "<4-6 digit PIN>",
                }
            ]
        }
    )

    displayName: str = Field(max_length=80)
    email: Optional[str] = Field(default=None, max_length=254)
    role: StaffRole
    pin: str = Field(
        pattern=r"^\d{4,6}$", description="Login PIN typed on the terminal keypad. Stored as a bcrypt hash."
    )


class ClockInRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"staffId": "stf_7QK2", "pin": "2580"}]})

    staffId: str = Field(max_length=32)
    pin: str = Field(pattern=r"^\d{4,6}$")


class ShiftOut(BaseModel):
    shiftId: str
    staffId: str
    startedAt: datetime
    terminalId: str


class PayrollProfile(BaseModel):
    """Tip-reporting and W-4 data synced from the payroll provider."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "legal_name": "Dana M. Whitfield",
                    "ssn": "524-71-3398",
                    "ssn_last4": "3398",
                    "drivers_license_no": "D7094215",
                    "drivers_license_state": "CA",
                    "w4_allowances": 2,
                }
            ]
        }
    )

    legal_name: str
    ssn: str
    ssn_last4: str
    drivers_license_no: Optional[str] = None
    drivers_license_state: Optional[str] = None
    w4_allowances: int = 0


class StaffRecord(BaseModel):
    """Full staff row as seen by the support console."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "staffId": "stf_9XW1",
                    "displayName": "Dana W.",
                    "email": "dana.whitfield@gmail.com",
                    "mobile": "+1 646 382 9917",
                    "role": "manager",
                    "posPinHash": "$2b$10$Nq3uY0vH1c8Jt5LkQe7xSOm2Pz4rW9aBdF6gK1sT3vX8yZ0cE5hIu",
                    "failedPinAttempts": 1,
                }
            ]
        }
    )

    staffId: str
    displayName: str
    email: Optional[str] = None
    mobile: Optional[str] = None
    role: StaffRole
    posPinHash: str
    pinSalt: Optional[str] = None
    failedPinAttempts: int = 0
    payroll: Optional[PayrollProfile] = None


# --------------------------------------------------------------------------- terminals


class TerminalOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "terminalId": "trm_4HZ8",
                    "serialNumber": "WPE-S700-22481337",
                    "model": "S700",
                    "firmwareVersion": "7.4.2",
                    "firmwareSha256": "3b1f0c9a7d6e5f4a2b8c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
                    "lastSeenIp": "10.20.4.31",
                    "batteryPct": 82,
                }
            ]
        }
    )

    terminalId: str
    serialNumber: str
    model: str
    firmwareVersion: str
    firmwareSha256: str
    lastSeenIp: Optional[str] = None
    batteryPct: Optional[int] = None


class PairingRequest(BaseModel):
    pairingCode: str = Field(pattern=r"^[A-Z0-9]{8}$", description="Code shown on the terminal screen.")
    venueId: str = Field(max_length=32)


class TerminalPairing(BaseModel):
    """Returned once when a terminal is paired; the device stores the token in its keystore."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"terminalId": "trm_4HZ8", "deviceToken": "<issued-device-token>", "expiresAt": "2025-05-01T00:00:00Z"}
            ]
        }
    )

    terminalId: str
    deviceToken: str
    expiresAt: datetime


class ProcessorProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "processor": "adyen",
                    "merchantAccount": "TablesidePOS_OsteriaLupa_US",
                    "terminalKeyId": "tkey-2024-01",
                    "apiSecret": "AQEthmfxK4zNbhFEw0m/n3Q5qf3Va4JcGZZTUWVDmH6jA6BEcCtTFu0OzxDBgg==-rV7yfJ2Wb6xH1dLk9sQ0mN4pT8cE3aZ5uG7iK2oR=",
                    "tipPresets": [15, 18, 20],
                }
            ]
        }
    )

    processor: Literal["adyen", "stripe_terminal", "worldpay"]
    merchantAccount: str
    terminalKeyId: str = Field(description="Identifier of the terminal's key in the processor's key store.")
    apiSecret: str
    tipPresets: list[int] = [15, 18, 20]


class TerminalConfig(BaseModel):
    terminalId: str
    venueId: str
    keypadLayout: Literal["phone", "calculator"] = "phone"
    receiptFooter: Optional[str] = None
    debugLogging: bool = Field(default=False, description="Upload verbose device logs for the next 24h.")
    processor: ProcessorProfile


class KitchenPrinter(BaseModel):
    name: str = Field(max_length=64)
    host: str = Field(max_length=253, examples=["192.168.1.87"], description="Printer address on the venue LAN.")
    port: int = Field(default=9100, ge=1, le=65535)
    paperWidthMm: Literal[58, 80] = 80
    webAdminPassword: Optional[str] = Field(
        default=None, max_length=64, description="Password of the printer's web config page."
    )

    @computed_field
    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"


class PrintJob(BaseModel):
    jobId: str
    printerName: str
    status: Literal["queued", "printing", "done", "jammed"]
    retries: int = 0


# --------------------------------------------------------------------------- menus


class MenuItem(BaseModel):
    itemId: str
    name: str
    price: Decimal
    isSecretMenu: bool = Field(default=False, description="Off-menu item only servers can ring in.")
    allergens: list[str] = []


class MenuOut(BaseModel):
    menuId: str
    name: str
    items: list[MenuItem]


class MenuSyncRequest(BaseModel):
    sourceUrl: str = Field(default="http://legacy-bo.menu.svc:8080/export/menu.json", max_length=2048)
    basicAuthUser: Optional[str] = Field(default=None, max_length=64)
    basicAuthPassword: Optional[str] = Field(default="Lupa$ync2021", max_length=64)
    dryRun: bool = False


# --------------------------------------------------------------------------- orders


class TenderOut(BaseModel):
    tenderType: Literal["card", "cash", "gift_card", "house_account"]
    amount: Decimal
    cardBrand: Optional[str] = None
    maskedPan: Optional[str] = Field(default=None, examples=["411111******1111"], description="BIN + last four.")
    cardFingerprint: Optional[str] = Field(default=None, examples=["fp_9Kd2LmQ7xR"])


class GuestProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "guestId": "gst_55120",
                    "firstName": "Priya",
                    "lastName": "Raman",
                    "email": "priya.raman82@outlook.com",
                    "phone": "+44 7911 123456",
                    "birthday": "1988-11-02",
                    "loyaltyPoints": 1240,
                }
            ]
        }
    )

    guestId: str
    firstName: Optional[str] = None
    lastName: Optional[str] = None
    email: Optional[str] = None
    phone: Optional[str] = None
    birthday: Optional[date] = None
    loyaltyPoints: int = 0


class OrderLineOut(BaseModel):
    itemId: str
    name: str
    qty: int
    unitPrice: Decimal
    modifiers: list[str] = []


class OrderOut(BaseModel):
    orderId: str
    venueId: str
    ticketNumber: int
    channel: Literal["dine_in", "takeout", "doordash", "ubereats", "deliveroo"]
    status: Literal["open", "fired", "closed", "voided"]
    lines: list[OrderLineOut]
    tenders: list[TenderOut] = []
    guest: Optional[GuestProfile] = None
    total: Decimal


class OrderLineCreate(BaseModel):
    itemId: str = Field(max_length=32)
    qty: int = Field(ge=1, le=99)
    specialInstructions: Optional[str] = None


class OrderCreate(BaseModel):
    venueId: str = Field(max_length=32)
    tableLabel: Optional[str] = Field(default=None, max_length=16)
    channel: Literal["dine_in", "takeout"] = "dine_in"
    lines: list[OrderLineCreate]
    notes: Optional[str] = None


class RawTender(BaseModel):
    """Row from the card_present_tenders table (pre-tokenisation legacy terminals)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tenderId": "tnd_30018",
                    "cardholderName": "DANA WHITFIELD",
                    "pan": "4532017748201939",
                    "expiry": "09/27",
                    "cvv": "731",
                    "entryMode": "swipe",
                }
            ]
        }
    )

    tenderId: str
    cardholderName: Optional[str] = None
    pan: str
    expiry: str
    cvv: Optional[str] = None
    entryMode: Literal["chip", "swipe", "contactless", "keyed"]


# --------------------------------------------------------------------------- delivery partners


class Partner(str, Enum):
    doordash = "doordash"
    ubereats = "ubereats"
    deliveroo = "deliveroo"


class TokenBucket(BaseModel):
    bucketCapacity: int = Field(description="Burst size of the partner API token bucket.")
    tokensPerSecond: float


class DeliveryIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partner": "doordash",
                    "storeRef": "dd-store-2219384",
                    "status": "active",
                    "webhookSigningSecret": "whsec_dd_3kQ9vLm2Xr8PzT5wNc7YbH4s",
                    "oauthRefreshToken": "v1.MR8xK2pQ9sT4vW7yZ0bC3dF6gH1jL5nP8rU2wA4cE7hJ0mQ3tV6xY9",
                    "tokenExpiresAt": "2024-06-01T00:00:00Z",
                    "menuSyncEnabled": True,
                    "rateLimit": {"bucketCapacity": 40, "tokensPerSecond": 5.0},
                }
            ]
        }
    )

    partner: Partner
    storeRef: str = Field(description="The partner's id for this store.")
    status: Literal["pending", "active", "paused", "revoked"]
    webhookSigningSecret: str = Field(description="Used to verify partner webhooks.")
    oauthRefreshToken: Optional[str] = None
    tokenExpiresAt: Optional[datetime] = None
    menuSyncEnabled: bool = True
    rateLimit: TokenBucket


class DeliveryIntegrationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partner": "ubereats",
                    "storeRef": "f1c0a7e2-3b9d-4d15-8e61-2f7a9c0b1d34",
                    "clientId": "uber_client_98ab21",
                    "clientSecret": "<partner-client-secret>",
                }
            ]
        }
    )

    partner: Partner
    storeRef: str = Field(max_length=64)
    clientId: str = Field(max_length=64)
    clientSecret: str = Field(max_length=256)


class DeliveryTracking(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "deliveryId": "dlv_7781",
                    "partner": "ubereats",
                    "status": "exception",
                    "exceptionCode": "COURIER_UNASSIGNED",
                    "exceptionReason": "No courier accepted within 15 minutes",
                    "courierFirstName": "Luis",
                    "courierPhone": "+1-415-555-0166",
                }
            ]
        }
    )

    deliveryId: str
    partner: Partner
    status: Literal["created", "courier_assigned", "picked_up", "delivered", "exception"]
    exceptionCode: Optional[str] = None
    exceptionReason: Optional[str] = None
    courierFirstName: Optional[str] = None
    courierPhone: Optional[str] = None
    dropoffEta: Optional[datetime] = None


class PartnerWebhook(BaseModel):
    eventType: Literal["order.created", "order.cancelled", "delivery.updated"]
    partnerOrderId: str = Field(max_length=64)
    payload: dict[str, str]


class PartnerApiCredential(BaseModel):
    partner: Partner
    clientId: str
    clientSecret: str = Field(examples=["dd_cs_live_6TqW3nR9vK2xM8pL4zB7cY1h"])
    secretLast4: str
    rotatedAt: Optional[datetime] = None


# --------------------------------------------------------------------------- payouts & reports


class BeneficialOwner(BaseModel):
    fullName: str
    dateOfBirth: date
    ownershipPct: int
    idDocumentType: Literal["ssn", "itin", "passport"]
    nationalIdNumber: str


class PayoutAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "accountHolderName": "Lupa Hospitality LLC",
                    "iban": "GB33BUKB20201555555555",
                    "bic": "BUKBGB22",
                    "routingNumber": "021000021",
                    "accountNumber": "000123456789",
                    "beneficialOwners": [
                        {
                            "fullName": "Marcus Oyelaran",
                            "dateOfBirth": "1979-06-14",
                            "ownershipPct": 60,
                            "idDocumentType": "ssn",
                            "nationalIdNumber": "611-24-8057",
                        }
                    ],
                }
            ]
        }
    )

    accountHolderName: str
    iban: Optional[str] = None
    bic: Optional[str] = None
    routingNumber: Optional[str] = None
    accountNumber: Optional[str] = None
    beneficialOwners: list[BeneficialOwner] = []


class PayoutOut(BaseModel):
    payoutId: str
    amount: Decimal
    currency: str
    status: Literal["scheduled", "in_transit", "paid", "failed"]
    arrivalDate: Optional[date] = None
    failureCode: Optional[str] = None


class ReportDefinition(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reportId": "rpt_labor_vs_sales",
                    "name": "Labor vs. sales by daypart",
                    "sql": "SELECT daypart, SUM(net_sales), SUM(labor_cost) FROM shift_summary WHERE venue_id = :venue GROUP BY daypart",
                    "schedule": "0 6 * * *",
                }
            ]
        }
    )

    reportId: str
    name: str
    sql: str = Field(description="Saved query run against the venue's reporting replica.")
    schedule: Optional[str] = None


class ImpersonationGrant(BaseModel):
    sessionToken: str
    actingAsStaffId: str
    expiresAt: datetime


# --------------------------------------------------------------------------- errors


class PosError(BaseModel):
    errorCode: str = Field(examples=["ORDER_CLOSED"])
    message: str
    requestId: str
    traceId: Optional[str] = None


class FaultDebugContext(BaseModel):
    sourceFile: str
    lineNo: int
    workerHost: str
    sqlParams: Optional[dict[str, str]] = None


class PosFault(BaseModel):
    errorCode: str = "INTERNAL"
    message: str = "Something went wrong"
    requestId: str
    exceptionType: Optional[str] = Field(default=None, examples=["sqlalchemy.exc.OperationalError"])
    stackTrace: list[str] = []
    failedQuery: Optional[str] = Field(
        default=None, description="SQL statement that raised, when the fault came from Postgres."
    )
    debugContext: Optional[FaultDebugContext] = None


class PartnerUpstreamError(BaseModel):
    provider: Partner
    partnerStatusCode: Optional[int] = None
    message: str
    exceptionChain: list[str] = Field(default=[], description="repr() of each chained exception, outermost first.")


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Tableside POS API",
    version="3.12.0",
    description=(
        "Cloud API for Tableside point-of-sale terminals, the manager back office and delivery partners. "
        "Incidents are posted on https://status.tablesidecorp.com; escalate in #pos-oncall (runbook POS-4410)."
    ),
    contact={
        "name": "Tableside Platform",
        "email": "platform@tablesidepos.com",
        "url": "https://developers.tablesidepos.com",
    },
    servers=[
        {"url": "https://api.tablesidepos.com", "description": "Production"},
        {"url": "https://sandbox.tablesidepos.com", "description": "Sandbox (test cards only)"},
        {"url": "http://127.0.0.1:8000", "description": "Local"},
        {"url": "http://pos-gw.tableside.corp:8443", "description": "Back-office gateway (VPN)"},
    ],
)

ERR = {
    404: {"model": PosError, "description": "Not found"},
    409: {"model": PosError, "description": "Conflict"},
    500: {"model": PosFault, "description": "Unhandled fault"},
}
PARTNER_ERR = {
    502: {"model": PartnerUpstreamError, "description": "Delivery partner API failed"},
    500: {"model": PosFault},
}

v3 = APIRouter(prefix="/v3", dependencies=[Depends(oauth)])
term = APIRouter(prefix="/v3/terminals", tags=["terminals"])
support = APIRouter(prefix="/admin/support", tags=["support-console"])
ops = APIRouter(tags=["ops"])


@v3.get("/venues", response_model=list[VenueOut], tags=["venues"])
def list_venues(q: Optional[str] = Query(default=None, description="Filter by venue name")) -> list[VenueOut]:
    return []


@v3.get("/venues/{venueId}", response_model=VenueOut, responses=ERR, tags=["venues"])
def get_venue(venueId: Annotated[str, Path(max_length=32)]) -> VenueOut:
    raise HTTPException(404)


@v3.get("/venues/{venueId}/staff", response_model=Paged[StaffOut], tags=["staff"])
def list_staff(
    venueId: Annotated[str, Path(max_length=32)],
    email: Annotated[Optional[str], Query(max_length=254, examples=["marisol.quintero@tablesidepos.com"])] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> Paged[StaffOut]:
    return Paged[StaffOut](data=[])


@v3.post("/venues/{venueId}/staff", response_model=StaffOut, status_code=201, responses=ERR, tags=["staff"])
def add_staff(venueId: Annotated[str, Path(max_length=32)], body: StaffCreate) -> StaffOut:
    raise HTTPException(409)


@v3.get("/venues/{venueId}/administrators", response_model=list[StaffOut], tags=["staff"])
def venue_administrators(venueId: Annotated[str, Path(max_length=32)]) -> list[StaffOut]:
    """Managers who can approve voids, comps and cash drops at this venue."""
    return []


@v3.get("/venues/{venueId}/printers", response_model=list[KitchenPrinter], tags=["kitchen"])
def list_printers(venueId: Annotated[str, Path(max_length=32)]) -> list[KitchenPrinter]:
    """Receipt and kitchen printers.

    Kitchen tickets are relayed by the venue's KDS hub (kds-hub.local:9100) when the cloud is unreachable.
    """
    return []


@v3.put("/venues/{venueId}/printers/{printerName}", response_model=KitchenPrinter, responses=ERR, tags=["kitchen"])
def put_printer(
    venueId: Annotated[str, Path(max_length=32)],
    printerName: Annotated[str, Path(max_length=64)],
    body: KitchenPrinter,
) -> KitchenPrinter:
    return body


@v3.get("/menus/{menuId}", response_model=MenuOut, responses=ERR, tags=["menus"])
def get_menu(menuId: Annotated[str, Path(max_length=32)]) -> MenuOut:
    raise HTTPException(404)


@v3.get("/menus/{menuId}/debug-preview", response_class=HTMLResponse, tags=["menus"])
def menu_debug_preview(menuId: Annotated[str, Path(max_length=32)]) -> str:
    """Render the menu the way the terminal will show it, with item ids and modifier rules overlaid."""
    return "<html></html>"


@v3.post("/venues/{venueId}/menu-sync", status_code=202, responses=ERR, tags=["menus"])
def menu_sync(venueId: Annotated[str, Path(max_length=32)], body: MenuSyncRequest) -> None:
    """Import the menu from a legacy back-office server."""


@v3.get("/orders", response_model=Paged[OrderOut], tags=["orders"])
def list_orders(
    venueId: Annotated[str, Query(max_length=32)],
    status: Optional[Literal["open", "fired", "closed", "voided"]] = None,
    search: Optional[str] = Query(default=None, description="Ticket number, table or guest name"),
    limit: int = Query(default=50, ge=1),
) -> Paged[OrderOut]:
    return Paged[OrderOut](data=[])


@v3.post("/orders", response_model=OrderOut, status_code=201, responses=ERR, tags=["orders"])
def create_order(body: OrderCreate) -> OrderOut:
    """Open a ticket.

    ```
    curl -X POST https://api.tablesidepos.com/v3/orders \\
      -H 'Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRzcC0yMDI0LTAyIn0.eyJzdWIiOiJzdGFmZl83UUsyIiwidmVuIjoidmVuXzAxSFE4WiIsInNjb3BlIjoib3JkZXJzOndyaXRlIiwiaWF0IjoxNzE0NTUwNDAwLCJleHAiOjE3MTQ1NTQwMDB9.bazwWsDCXjPEqhNhAICfmpi65kzcWhQezaw6_ozBj4warz7jqjf6Lf3EtGxeySlW-fU_wmCiINw9fWA_khzPQQ' \\
      -d '{"venueId": "ven_01HQ8ZC4M7", "lines": [{"itemId": "itm_carbonara", "qty": 2}]}'
    ```
    """
    raise HTTPException(409)


@v3.get("/orders/{orderId}", response_model=OrderOut, responses=ERR, tags=["orders"])
def get_order(orderId: Annotated[str, Path(max_length=32)]) -> OrderOut:
    raise HTTPException(404)


@v3.get(
    "/orders/{orderId}/delivery", response_model=DeliveryTracking, responses={**ERR, **PARTNER_ERR}, tags=["delivery"]
)
def order_delivery(orderId: Annotated[str, Path(max_length=32)]) -> DeliveryTracking:
    raise HTTPException(404)


@v3.get("/venues/{venueId}/integrations", response_model=dict[str, DeliveryIntegration], tags=["delivery"])
def list_integrations(venueId: Annotated[str, Path(max_length=32)]) -> dict[str, DeliveryIntegration]:
    """Delivery-partner connections for the venue, keyed by partner."""
    return {}


@v3.post(
    "/venues/{venueId}/integrations",
    response_model=DeliveryIntegration,
    status_code=201,
    responses=PARTNER_ERR,
    tags=["delivery"],
)
def connect_integration(
    venueId: Annotated[str, Path(max_length=32)], body: DeliveryIntegrationCreate
) -> DeliveryIntegration:
    raise HTTPException(502)


@app.post("/v3/webhooks/{partner}", status_code=204, tags=["delivery"])
def partner_webhook(
    partner: Partner,
    body: PartnerWebhook,
    x_partner_signature: Annotated[
        str,
        Header(
            max_length=512,
            description="HMAC-SHA256 of the raw body, computed with the integration's webhook signing secret.",
            openapi_examples={
                "doordash": {
                    "summary": "DoorDash signature header",
                    "value": "t=1714550400,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
                }
            },
        ),
    ],
) -> None:
    pass


@v3.get("/venues/{venueId}/payout-account", response_model=PayoutAccount, responses=ERR, tags=["payouts"])
def payout_account(venueId: Annotated[str, Path(max_length=32)]) -> PayoutAccount:
    raise HTTPException(404)


@v3.get("/venues/{venueId}/payouts", response_model=list[PayoutOut], tags=["payouts"])
def list_payouts(venueId: Annotated[str, Path(max_length=32)], since: Optional[date] = None) -> list[PayoutOut]:
    return []


@v3.get("/venues/{venueId}/reports/{reportId}", response_model=ReportDefinition, responses=ERR, tags=["reports"])
def get_report(
    venueId: Annotated[str, Path(max_length=32)], reportId: Annotated[str, Path(max_length=64)]
) -> ReportDefinition:
    raise HTTPException(404)


@term.get("", response_model=list[TerminalOut], dependencies=[Depends(oauth)])
def list_terminals(venueId: Annotated[str, Query(max_length=32)]) -> list[TerminalOut]:
    return []


@term.post("/{terminalId}/pair", response_model=TerminalPairing, status_code=201, responses=ERR)
def pair_terminal(terminalId: Annotated[str, Path(max_length=32)], body: PairingRequest) -> TerminalPairing:
    raise HTTPException(409)


@term.get("/{terminalId}/config", response_model=TerminalConfig, responses=ERR, dependencies=[Depends(terminal_key)])
def terminal_config(
    terminalId: Annotated[str, Path(max_length=32)],
    deviceKey: Annotated[
        Optional[str],
        Query(
            max_length=128,
            deprecated=True,
            description="Legacy firmware (< 7.0) sends the device key as a query parameter instead of X-Terminal-Key.",
            openapi_examples={
                "legacy": {"summary": "Firmware 6.x", "value": "tsk_live_Q8v2mR7pX4nK9wB3cZ6tY1hLs5Df"},
                "placeholder": {"summary": "Shape only", "value": "<device-key>"},
            },
        ),
    ] = None,
) -> TerminalConfig:
    raise HTTPException(404)


@term.post(
    "/{terminalId}/clock-in",
    response_model=ShiftOut,
    status_code=201,
    responses=ERR,
    dependencies=[Depends(terminal_key)],
)
def clock_in(terminalId: Annotated[str, Path(max_length=32)], body: ClockInRequest) -> ShiftOut:
    raise HTTPException(404)


# ---- support console (mounted on the public app by mistake)


@support.get("/venues/{venueId}/staff", response_model=Paged[StaffRecord])
def support_staff(venueId: Annotated[str, Path(max_length=32)]) -> Paged[StaffRecord]:
    return Paged[StaffRecord](data=[])


@support.get("/orders/{orderId}/tenders", response_model=list[RawTender], responses=ERR)
def support_tenders(orderId: Annotated[str, Path(max_length=32)]) -> list[RawTender]:
    return []


@app.get("/admin/partners/credentials", response_model=dict[str, PartnerApiCredential], tags=["support-console"])
def partner_credentials() -> dict[str, PartnerApiCredential]:
    return {}


@app.post(
    "/_admin/venues/{venueId}/impersonate", response_model=ImpersonationGrant, status_code=201, tags=["support-console"]
)
def impersonate(
    venueId: Annotated[str, Path(max_length=32)], staffId: Annotated[str, Body(embed=True, max_length=32)]
) -> ImpersonationGrant:
    """Start a support session acting as a venue staff member. Audited."""
    raise HTTPException(403)


@ops.post("/internal/payouts/rerun", status_code=202)
def rerun_payouts(batch_date: date) -> None:
    """Re-run a failed payout batch.

    Reads the ledger directly: postgres://payouts_rw:Xr7!kQ2pLm9v@10.30.0.12:5432/ledger
    """


@ops.get("/v3/debug/printer-queue", response_model=list[PrintJob])
def debug_printer_queue(venueId: Annotated[str, Query(max_length=32)]) -> list[PrintJob]:
    """Jobs waiting on the venue print relay."""
    return []


@ops.get("/internal/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"ok": "true"}


app.include_router(v3)
app.include_router(term)
app.include_router(support)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
