"""StayBook PMS API: reservations, guests, housekeeping, folios/payments, staff and channel manager.

Generate the OpenAPI document with:  python staybook_app.py > staybook.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Optional
from uuid import UUID

from fastapi import APIRouter, FastAPI, Header, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field, computed_field


class DocumentType(str, Enum):
    passport = "passport"
    id_card = "id_card"
    driving_licence = "driving_licence"


class Channel(str, Enum):
    booking_com = "booking_com"
    expedia = "expedia"
    airbnb = "airbnb"
    siteminder = "siteminder"


# --------------------------------------------------------------------------- guests


class Guest(BaseModel):
    """A guest profile. Used both to create a profile and to return it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Anna",
                    "last_name": "Schmidt",
                    "email": "anna.schmidt@web.de",
                    "phone": "+49 151 23456789",
                    "nationality": "DE",
                    "id_document_type": "id_card",
                    "id_document_number": "L01X9RT47",
                    "marketing_opt_in": False,
                }
            ]
        }
    )

    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: Optional[str] = Field(default=None, max_length=254)
    phone: Optional[str] = Field(default=None, max_length=32)
    date_of_birth: Optional[date] = None
    nationality: Optional[str] = Field(default=None, pattern=r"^[A-Z]{2}$")
    id_document_type: Optional[DocumentType] = None
    id_document_number: Optional[str] = Field(
        default=None, max_length=32, description="Captured at check-in for the police registration."
    )
    loyalty_number: Optional[str] = Field(default=None, pattern=r"^SB\d{8}$")
    marketing_opt_in: bool = False

    @computed_field
    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class GuestSummary(BaseModel):
    guest_id: UUID
    display_name: str
    email: Optional[str] = None
    stays: int
    vip: bool = False


class PrivateNoteCreate(BaseModel):
    text: str = Field(max_length=2000)
    visible_to: Literal["front_office", "management"] = "front_office"


class PrivateNoteOut(BaseModel):
    note_id: int
    text: str
    visible_to: Literal["front_office", "management"]
    created_at: datetime


class Meldeschein(BaseModel):
    """German hotel registration card (Meldeschein) as required by the Bundesmeldegesetz."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "reservierung": "SB-7QK2MX",
                "gast_name": "Schmidt, Anna",
                "geburtsdatum": "1990-04-17",
                "staatsangehoerigkeit": "DE",
                "ausweisnummer": "LZ6311T47",
                "anreise": "2024-07-12",
                "abreise": "2024-07-15",
                "unterschrift_vorhanden": True,
            }
        }
    )

    reservierung: str
    gast_name: str
    geburtsdatum: Optional[date] = None
    staatsangehoerigkeit: str
    ausweisnummer: Optional[str] = Field(default=None, description="Nummer des Reisepasses oder Personalausweises.")
    anreise: date
    abreise: date
    unterschrift_vorhanden: bool = Field(
        description="Whether the guest signed the card (signature itself is stored offline)."
    )


# --------------------------------------------------------------------------- reservations & payments


class CardInput(BaseModel):
    number: str = Field(pattern=r"^\d{13,19}$")
    expiry_month: int = Field(ge=1, le=12)
    expiry_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    holder: str = Field(max_length=100)


class ReservationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "guest_id": "6f1c2b9e-3a4d-4c5e-8f70-9a1b2c3d4e5f",
                    "room_type_code": "DBL-SUP",
                    "arrival": "2024-07-12",
                    "departure": "2024-07-15",
                    "adults": 2,
                    "rate_plan_code": "BAR-FLEX",
                    "card": {
                        "number": "4111111111111111",
                        "expiry_month": 3,
                        "expiry_year": 2030,
                        "cvc": "737",
                        "holder": "Test Guest",
                    },
                    "contact_email": "booker@example.net",
                }
            ]
        }
    )

    guest_id: UUID
    room_type_code: str = Field(pattern=r"^[A-Z]{3}-[A-Z]{3}$")
    arrival: date
    departure: date
    adults: int = Field(ge=1, le=8)
    children: int = Field(default=0, ge=0, le=8)
    rate_plan_code: str = Field(max_length=20)
    special_requests: Optional[str] = None
    card: CardInput
    contact_email: Optional[str] = Field(default=None, max_length=254)


class CardSummary(BaseModel):
    brand: Literal["visa", "mastercard", "amex", "unionpay"]
    last4: str = Field(examples=["1111"])
    expiry_month: int
    expiry_year: int
    cardholder_name: str


class ReservationOut(BaseModel):
    reservation_id: UUID
    confirmation_code: str = Field(examples=["SB-7QK2MX"])
    channel: Optional[Channel] = None
    channel_reference: Optional[str] = Field(default=None, description="Booking id on the OTA side.")
    status: Literal["tentative", "confirmed", "in_house", "checked_out", "cancelled", "no_show"]
    guest: Guest
    room_number: Optional[str] = None
    arrival: date
    departure: date
    payment_card: Optional[CardSummary] = None
    door_key_type: Literal["rfid", "mobile_key", "pin_code_lock"] = "rfid"
    mobile_key_enabled: bool = False


class FolioLine(BaseModel):
    posted_at: datetime
    code: str
    description: str
    amount: float


class FolioPayment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "card",
                    "amount": 612.40,
                    "pan": "4929183744529037",
                    "pan_last4": "9037",
                    "processor_reference": "psp_8823417760",
                    "captured_at": "2024-07-15T10:41:00Z",
                }
            ]
        }
    )

    method: Literal["card", "cash", "bank_transfer", "city_ledger"]
    amount: float
    pan: Optional[str] = Field(default=None, description="Card number as read by the terminal.")
    pan_last4: Optional[str] = None
    processor_reference: Optional[str] = None
    captured_at: datetime


class Folio(BaseModel):
    reservation_id: UUID
    currency: str
    lines: list[FolioLine]
    payments: list[FolioPayment]
    balance: float


class PreAuthRequest(BaseModel):
    amount: float = Field(gt=0, le=50_000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class CardEcho(BaseModel):
    number_masked: str = Field(examples=["411111******1111"])
    cvc: Optional[str] = Field(default=None, description="Security code sent to the acquirer.")


class PreAuthResult(BaseModel):
    preauth_id: str
    status: Literal["approved", "declined", "challenge_required"]
    amount: float
    card: CardEcho


class PortalLogin(BaseModel):
    confirmation_code: str = Field(pattern=r"^SB-[A-Z0-9]{6}$")
    last_name: str = Field(max_length=80)


class PortalSession(BaseModel):
    """Issued by POST /v1/guest-portal/session only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyZXMiOiJTQi03UUsyTVgiLCJuYW1lIjoiU2NobWlkdCIsImV4cCI6MTcyMDc4NDAwMH0.q0v3TtKZb1mX2c9RkLwP8yN4fH6sJ7dA5gU1eB0iC3o",
                    "token_type": "bearer",
                    "expires_in": 86400,
                }
            ]
        }
    )

    session_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


# --------------------------------------------------------------------------- housekeeping


class TaskStatus(str, Enum):
    dirty = "dirty"
    in_progress = "in_progress"
    clean = "clean"
    inspected = "inspected"
    out_of_order = "out_of_order"


class HousekeepingTask(BaseModel):
    task_id: int
    room_number: str
    floor: int
    task_type: Literal["departure_clean", "stayover", "turndown", "deep_clean"]
    status: TaskStatus
    assigned_to: Optional[UUID] = None
    do_not_disturb: bool = False
    notes: Optional[str] = None


class HousekeepingUpdate(BaseModel):
    status: TaskStatus
    notes: Optional[str] = None
    photo_urls: list[str] = Field(default_factory=list, description="Photos of damage or lost & found items.")


class RoomStatus(BaseModel):
    room_number: str
    floor: int
    status: TaskStatus
    keycards_issued: int = Field(description="Number of key cards currently encoded for the room.")
    lock_battery_pct: Optional[int] = None


# --------------------------------------------------------------------------- staff


class StaffMember(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "staff_id": "2c7e9f10-4b3a-4d21-a8e6-5f0c1d2e3b4a",
                    "name": "Lukas Brandt",
                    "role": "front_office_manager",
                    "email": "l.brandt@hotel-isarblick.de",
                    "pos_pin_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2JrLXNhbHQtMjAyNA$0mVq5dJ3sXr9YbKf2TzLw8hN1cE6gP4uA7oR3iS5vBk",
                    "pin_length": 4,
                    "pin_reset_required": False,
                }
            ]
        }
    )

    staff_id: UUID
    name: str
    role: Literal["front_desk", "front_office_manager", "housekeeping", "night_auditor", "gm"]
    email: str
    pos_pin_hash: str = Field(description="Argon2 hash of the staff member's POS / cash-drawer PIN.")
    pin_length: int = Field(default=4, ge=4, le=8)
    pin_reset_required: bool = False
    password_last_rotated_at: Optional[datetime] = None


class PropertyAdmin(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"user_id": 77, "name": "Jana Meyer", "email": "j.meyer@example.com", "role": "owner"}]
        }
    )

    user_id: int
    name: str
    email: str
    role: Literal["owner", "manager", "revenue"]


# --------------------------------------------------------------------------- channel manager


class ChannelCredentials(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    client_id: str = Field(alias="clientId")
    client_secret: str = Field(alias="clientSecret")
    refresh_token: Optional[str] = Field(
        default=None, alias="refreshToken", description="OAuth refresh token granted by the OTA."
    )
    token_type: Literal["Bearer"] = Field(default="Bearer", alias="tokenType")
    expires_at: Optional[datetime] = Field(default=None, alias="expiresAt")


class ChannelConnection(BaseModel):
    channel: Channel
    hotel_code: str = Field(description="The property's id at the OTA.")
    status: Literal["active", "paused", "error"]
    credentials: ChannelCredentials
    callback_url: Optional[str] = None
    last_sync_at: Optional[datetime] = None


class ChannelCredentialsInput(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    client_id: str = Field(alias="clientId", max_length=128)
    client_secret: str = Field(alias="clientSecret", max_length=256)


class ChannelConnectionUpdate(BaseModel):
    hotel_code: str = Field(max_length=32)
    credentials: ChannelCredentialsInput
    paused: bool = False


class ChannelManagerConfig(BaseModel):
    provider: Literal["siteminder", "d-edge", "cloudbeds"]
    endpoint_url: str = Field(examples=["https://cm.siteminder.com/pmsxchange/v2"])
    hmac_secret: str = Field(
        default="stbk-hmac-7Gx2Lq9Vw4Np8Rt1Zc5Hm3",
        description="Shared secret used to verify X-SiteMinder-Signature on inbound pushes.",
    )
    signature_header: str = Field(default="X-SiteMinder-Signature")
    signature_algorithm: Literal["hmac-sha256"] = "hmac-sha256"
    retry_backoff_seconds: int = 30


class OtaNotification(BaseModel):
    event: Literal["reservation.new", "reservation.modified", "reservation.cancelled"]
    channel: Channel
    reservation_xml: str = Field(description="Raw OTA_HotelResNotifRQ payload.")


class Ack(BaseModel):
    received: bool
    echo_token: Optional[str] = Field(
        default=None, description="OTA EchoToken of the processed message (a message id)."
    )


# --------------------------------------------------------------------------- ops


class NightAuditRun(BaseModel):
    business_date: date
    status: Literal["queued", "running", "done"]


class ReservationDebug(BaseModel):
    reservation_id: UUID
    raw_ota_payload: Optional[str] = None
    cache_key: str
    db_row: dict[str, Any]


# --------------------------------------------------------------------------- errors


class FieldProblem(BaseModel):
    pointer: str = Field(examples=["/arrival"])
    reason: str


class ProblemDetail(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    errors: list[FieldProblem] = []


class PmsFault(BaseModel):
    fault_code: str = Field(examples=["PMS-5001"])
    title: str
    correlation_id: str
    exc_repr: Optional[str] = Field(default=None, description="repr() of the exception that aborted the request.")
    source_location: Optional[str] = Field(default=None, examples=["app/folio/service.py:412 in post_payment"])
    failed_statement: Optional[str] = Field(
        default=None, description="SQL that failed, when the fault came from the database."
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="StayBook PMS API",
    version="5.1.0",
    description="Property-management API for independent hotels: front desk, housekeeping, folios and channel distribution.",
    contact={"name": "StayBook Developer Relations", "email": "developers@staybook.io"},
    servers=[
        {"url": "https://api.staybook.io", "description": "Production"},
        {"url": "https://staging-api.staybook.io", "description": "Staging (public, synthetic data)"},
        {
            "url": "http://pms-gw.hotel-lan.staybook.local:8080",
            "description": "On-premise gateway inside the hotel LAN",
        },
    ],
)

ERRORS = {
    400: {"model": ProblemDetail},
    404: {"model": ProblemDetail},
    500: {"model": PmsFault, "description": "PMS fault"},
}

guests = APIRouter(prefix="/v1/guests", tags=["guests"])
reservations = APIRouter(prefix="/v1/reservations", tags=["reservations"])
housekeeping = APIRouter(prefix="/v1/housekeeping", tags=["housekeeping"])
staff = APIRouter(prefix="/v1", tags=["staff"])
channels = APIRouter(prefix="/v1", tags=["channel-manager"])
ops = APIRouter(tags=["ops"])


@guests.post("", response_model=Guest, status_code=201, responses=ERRORS)
def create_guest(body: Guest) -> Guest:
    return body


@guests.get("", response_model=list[GuestSummary])
def search_guests(
    q: Optional[str] = Query(default=None, description="Name, e-mail or loyalty number"),
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[GuestSummary]:
    return []


@guests.get("/{guest_id}", response_model=Guest, responses=ERRORS)
def get_guest(guest_id: UUID) -> Guest:
    raise HTTPException(404)


@guests.post("/{guest_id}/private-notes", response_model=PrivateNoteOut, status_code=201, responses=ERRORS)
def add_private_note(guest_id: UUID, body: PrivateNoteCreate) -> PrivateNoteOut:
    """Attach a staff-only note to the guest profile (allergies, preferences, incidents)."""
    raise HTTPException(404)


@reservations.post("", response_model=ReservationOut, status_code=201, responses=ERRORS)
def create_reservation(body: ReservationCreate) -> ReservationOut:
    raise HTTPException(501)


@reservations.get("/{reservation_id}", response_model=ReservationOut, responses=ERRORS)
def get_reservation(reservation_id: UUID) -> ReservationOut:
    raise HTTPException(404)


@reservations.get("/{reservation_id}/meldeschein", response_model=Meldeschein, responses=ERRORS)
def registration_card(reservation_id: UUID) -> Meldeschein:
    """Registration card for German properties (printed at check-in)."""
    raise HTTPException(404)


@reservations.get("/{reservation_id}/folio", response_model=Folio, responses=ERRORS)
def get_folio(reservation_id: UUID) -> Folio:
    raise HTTPException(404)


@reservations.post("/{reservation_id}/preauth", response_model=PreAuthResult, responses=ERRORS)
def preauthorize(reservation_id: UUID, body: PreAuthRequest) -> PreAuthResult:
    """Place a hold on the guarantee card."""
    raise HTTPException(501)


@reservations.get("/{reservation_id}/debug", response_model=ReservationDebug, responses=ERRORS)
def reservation_debug(reservation_id: UUID) -> ReservationDebug:
    """Raw OTA payload and cache state for a reservation (support tooling)."""
    raise HTTPException(404)


@app.post(
    "/v1/guest-portal/session",
    response_model=PortalSession,
    status_code=201,
    tags=["guest-portal"],
    responses={404: {"model": ProblemDetail}},
)
def portal_session(body: PortalLogin) -> PortalSession:
    """Guests sign in to the web check-in portal with their confirmation code and last name."""
    raise HTTPException(404)


@housekeeping.get("/tasks", response_model=list[HousekeepingTask])
def list_tasks(
    status: Optional[TaskStatus] = None,
    floor: Optional[int] = Query(default=None, ge=0),
    assigned_to: Optional[UUID] = None,
) -> list[HousekeepingTask]:
    return []


@housekeeping.patch("/tasks/{task_id}", response_model=HousekeepingTask, responses=ERRORS)
def update_task(task_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: HousekeepingUpdate) -> HousekeepingTask:
    raise HTTPException(404)


@housekeeping.get("/rooms", response_model=list[RoomStatus])
def room_board(floor: Annotated[Optional[int], Query(ge=0, le=200)] = None) -> list[RoomStatus]:
    return []


@staff.get("/staff", response_model=list[StaffMember])
def list_staff() -> list[StaffMember]:
    return []


@staff.get("/properties/{property_id}/admins", response_model=list[PropertyAdmin], responses=ERRORS)
def property_admins(property_id: UUID) -> list[PropertyAdmin]:
    """Users who administer this property (owners and managers)."""
    return []


@channels.get(
    "/channels",
    response_model=list[ChannelConnection],
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "channel": "expedia",
                            "hotel_code": "EQC-1182734",
                            "status": "active",
                            "credentials": {
                                "clientId": "expedia-eqc-4417",
                                "clientSecret": "Exp3d1a-QC-s3cr3t-9vR2kLm7",
                                "refreshToken": "rt.4f9a2c7e1b3d5f8a0c6e2b4d7f9a1c3e5b7d9f0a",
                                "tokenType": "Bearer",
                                "expiresAt": "2024-08-01T00:00:00Z",
                            },
                            "callback_url": "http://10.0.12.7:8081/ota/callback",
                            "last_sync_at": "2024-07-10T06:00:00Z",
                        }
                    ]
                }
            }
        }
    },
)
def list_channels() -> list[ChannelConnection]:
    return []


@channels.put("/channels/{channel}", response_model=ChannelConnection, responses=ERRORS)
def connect_channel(channel: Channel, body: ChannelConnectionUpdate) -> ChannelConnection:
    raise HTTPException(501)


@channels.get("/channel-manager/config", response_model=ChannelManagerConfig)
def channel_manager_config() -> ChannelManagerConfig:
    raise HTTPException(501)


@channels.post("/channel-manager/webhook", response_model=Ack, responses={401: {"model": ProblemDetail}})
def channel_webhook(
    body: OtaNotification,
    x_siteminder_signature: Annotated[
        str,
        Header(
            pattern=r"^sha256=[0-9a-f]{64}$",
            example="sha256=2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            description="HMAC-SHA256 of the raw body.",
        ),
    ],
) -> Ack:
    """Inbound pushes from the channel manager (new, modified and cancelled bookings)."""
    return Ack(received=True)


@ops.post("/v1/admin/night-audit/rerun", response_model=NightAuditRun, status_code=202, responses=ERRORS)
def rerun_night_audit(business_date: date) -> NightAuditRun:
    """Re-run night audit for a business date. Revenue is then posted to the Opera bridge at opera-bridge.staybook.corp."""
    raise HTTPException(501)


@ops.post(
    "/__internal__/cache/flush",
    status_code=204,
    responses={"default": {"model": PmsFault}},
    openapi_extra={"x-internal": True},
)
def flush_cache(
    scope: Annotated[Literal["rates", "availability", "all"], Query()] = "all",
) -> None:
    """Flush the Redis cache (redis-rates-1.staybook.internal)."""


@ops.get("/admin/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(guests)
app.include_router(reservations)
app.include_router(housekeeping)
app.include_router(staff)
app.include_router(channels)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
