"""Wayfarer Travel: flight and hotel search, bookings, traveller profiles, supplier connections.

Generate the OpenAPI document with:  python wayfarer_app.py > wayfarer.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union

from fastapi import APIRouter, Body, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, computed_field

T = TypeVar("T")

PNR = Annotated[str, Path(pattern=r"^[A-Z0-9]{6}$", description="Six-character booking reference (PNR locator).")]


class Page(BaseModel, Generic[T]):
    results: list[T]
    page: int
    page_size: int
    total_results: int


class CabinClass(str, Enum):
    economy = "economy"
    premium = "premium_economy"
    business = "business"
    first = "first"


class Segment(BaseModel):
    carrier: str = Field(examples=["LH"])
    flight_number: str = Field(examples=["LH 1234"])
    origin: str
    destination: str
    departs_at: datetime
    arrives_at: datetime


class FlightOffer(BaseModel):
    offer_id: str
    segments: list[Segment]
    cabin: CabinClass
    total_price: Decimal
    currency: str


class HotelOffer(BaseModel):
    offer_id: str
    hotel_name: str
    stars: int
    nightly_rate: Decimal
    currency: str
    keynote_venue: bool = Field(default=False, description="Hotel hosts conference keynotes (for event travel).")


class PassengerIn(BaseModel):
    given_name: str = Field(max_length=60)
    family_name: str = Field(max_length=60)
    date_of_birth: date
    passport_number: str = Field(max_length=20, description="Required for APIS on international flights.")
    passport_country: str = Field(pattern=r"^[A-Z]{2}$")


class FlightItem(BaseModel):
    kind: Literal["flight"] = "flight"
    offer_id: str = Field(max_length=64)


class HotelItem(BaseModel):
    kind: Literal["hotel"] = "hotel"
    offer_id: str = Field(max_length=64)
    special_requests: Optional[str] = None


BookingItem = Annotated[Union[FlightItem, HotelItem], Field(discriminator="kind")]


class BookingCreate(BaseModel):
    items: list[BookingItem] = Field(max_length=10)
    passengers: list[PassengerIn] = Field(max_length=9)
    contact_email: str = Field(max_length=254)
    promo_code: Optional[str] = None


class PassengerOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    passenger_name: str
    date_of_birth: Optional[date] = None
    passport_number: Optional[str] = Field(default=None, alias="PassportNumber")
    passport_expiry: Optional[date] = None
    passport_photo_url: Optional[str] = None
    frequent_flyer_number: Optional[str] = None
    seat: Optional[str] = None


class Booking(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pnr": "X7K2QD",
                    "status": "ticketed",
                    "contact_email": "a.kowalski@gmail.com",
                    "passengers": [
                        {
                            "passenger_name": "KOWALSKI/ANNA MS",
                            "date_of_birth": "1990-04-02",
                            "PassportNumber": "EK4821937",
                            "passport_expiry": "2029-11-30",
                            "passport_photo_url": "https://docs.wayfarer.travel/p/8c1f.jpg",
                            "frequent_flyer_number": "LH992004417",
                            "seat": "14C",
                        },
                        {
                            "passenger_name": "DOE/JANE MS",
                            "PassportNumber": "<on file>",
                            "seat": "14D",
                        },
                    ],
                    "ticket_numbers": ["2201234567890"],
                    "total_price": "842.10",
                    "currency": "EUR",
                }
            ]
        }
    )

    pnr: str
    status: Literal["held", "ticketed", "cancelled"]
    contact_email: str
    passengers: list[PassengerOut]
    ticket_numbers: list[str] = Field(default_factory=list)
    total_price: Decimal
    currency: str


class BookingSummary(BaseModel):
    pnr: str
    status: Literal["held", "ticketed", "cancelled"]
    first_departure: Optional[datetime] = None
    lead_passenger: str


class CardPayment(BaseModel):
    method: Literal["card"] = "card"
    card_number: str = Field(pattern=r"^\d{12,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")


class VoucherPayment(BaseModel):
    method: Literal["voucher"] = "voucher"
    voucher_code: str = Field(max_length=24)


PaymentIn = Annotated[Union[CardPayment, VoucherPayment], Field(discriminator="method")]


class PaymentRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payment_id": "pay_3KQ9",
                    "amount": "842.10",
                    "strCardNo": "4539 1488 0343 6467",
                    "card_last4": "6467",
                    "card_fingerprint": "fp_9a8b7c6d5e4f",
                    "cvv2": "731",
                    "psp_reference": "PSP-882731002",
                }
            ]
        }
    )

    payment_id: str
    amount: Decimal
    strCardNo: Optional[str] = Field(default=None, description="Card number as sent to the GDS form of payment.")
    card_last4: str
    card_fingerprint: str
    cvv2: Optional[str] = None
    psp_reference: str


class TravellerProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "given_name": "Rafael",
                    "family_name": "Souza",
                    "email": "rafael.souza@example.net",
                    "phone": "+1 415 555 0132",
                    "cpf": "529.982.247-25",
                    "nationalId": "X1234567T",
                    "loyalty_tier": "gold",
                }
            ]
        }
    )

    given_name: str = Field(max_length=60)
    family_name: str = Field(max_length=60)
    email: str = Field(max_length=254)
    phone: Optional[str] = Field(default=None, max_length=20)
    cpf: Optional[str] = Field(
        default=None, max_length=14, description="Brazilian CPF, required for domestic BR fares."
    )
    nationalId: Optional[str] = Field(default=None, max_length=20)
    loyalty_tier: Literal["basic", "silver", "gold"] = "basic"

    @computed_field
    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class SupplierKind(str, Enum):
    gds = "gds"
    bedbank = "bedbank"
    airline_ndc = "airline_ndc"


class SupplierConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "sc_amadeus_prod",
                    "kind": "gds",
                    "pseudo_city_code": "MUCL12345",
                    "endpoint": "https://nodeD1.production.webservices.amadeus.com",
                    "username": "WSWAYFAR",
                    "gdsPassword": "Amad3us!Prod#2024",
                    "oauth_client_id": "wayfarer-ndc",
                    "oauthClientSecret2": "q7Y2mK9vR4tX8wZ1bN6cL3pD0fH5jS",
                    "proxy": "http://egress-proxy.travel.svc.cluster.local:3128",
                }
            ]
        }
    )

    id: str
    kind: SupplierKind
    pseudo_city_code: Optional[str] = None
    endpoint: str
    username: Optional[str] = None
    gdsPassword: Optional[str] = None
    oauth_client_id: Optional[str] = None
    oauthClientSecret2: Optional[str] = None
    proxy: Optional[str] = None


class SupplierConnectionIn(BaseModel):
    kind: SupplierKind
    endpoint: str = Field(max_length=2048)
    username: Optional[str] = Field(default=None, max_length=64)
    password: Optional[str] = Field(default=None, max_length=128)
    client_secret: Optional[str] = Field(default=None, max_length=256)


class TokenGrant(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"access_token": "<access-token>", "refresh_token": "<refresh-token>", "expires_in": 1800}]
        }
    )

    access_token: str
    refresh_token: str
    expires_in: int


class LoyaltyAccount(BaseModel):
    member_id: str
    tier: Literal["basic", "silver", "gold"]
    points: int
    tokens_balance: int = Field(description="Reward tokens that can be redeemed for lounge passes.")


class Refund(BaseModel):
    pnr: str
    amount: Decimal
    requested_by: str
    approved: bool


class FareCacheEntry(BaseModel):
    route: str
    fare_basis: str
    cached_at: datetime


class Keynote(BaseModel):
    conference: str
    keynote_speaker: str
    starts_at: datetime
    venue_hotel_id: Optional[str] = None


class TravelProblem(BaseModel):
    type: str = Field(examples=["https://docs.wayfarer.travel/errors/fare-expired"])
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None


class DebugContext(BaseModel):
    worker: str
    elapsed_ms: int
    upstream_payload: Optional[str] = None


class SupplierFault(BaseModel):
    provider: str = Field(examples=["amadeus"])
    detail: str
    exceptionChain: list[str] = Field(
        default_factory=list, description="`repr()` of each chained exception, outermost first."
    )
    failingStatement: Optional[str] = Field(
        default=None, description="The SQL that failed, when the fault is in the fare cache."
    )
    srcFile: Optional[str] = None
    debug: Optional[DebugContext] = None
    trace_id: str


app = FastAPI(
    title="Wayfarer Travel API",
    version="5.0.3",
    description=(
        "Search and book flights and hotels for corporate travellers.\n\n"
        "```bash\n"
        "curl -G https://api.wayfarer.travel/v1/flights/search \\\n"
        "  -H 'X-Api-Key: <your-api-key>' \\\n"
        "  --data-urlencode origin=MUC --data-urlencode destination=LIS --data-urlencode departure=2024-09-12\n"
        "```\n\n"
        "Status: https://status.wayfarer.travel. Fare-cache metrics: http://grafana.wayfarer.intranet/d/fares"
    ),
    contact={
        "name": "Wayfarer partner desk",
        "email": "partners@wayfarer.travel",
        "url": "https://wayfarer.travel/partners",
    },
    servers=[
        {"url": "https://api.wayfarer.travel", "description": "Production"},
        {
            "url": "https://api.{stage}.wayfarer.travel",
            "variables": {"stage": {"default": "sandbox", "enum": ["sandbox", "uat"]}},
        },
        {"url": "http://192.168.40.12:8000", "description": "Office test rig"},
    ],
)

PROBLEM = {404: {"model": TravelProblem}, 409: {"model": TravelProblem}}
SUPPLIER = {502: {"model": SupplierFault, "description": "Supplier (GDS / bed bank) error"}}

flights = APIRouter(prefix="/v1/flights", tags=["search"])
hotels = APIRouter(prefix="/v1/hotels", tags=["search"])
bookings = APIRouter(prefix="/v1/bookings", tags=["bookings"])
partners = APIRouter(prefix="/v1/partners", tags=["partners"])
backoffice = APIRouter(tags=["backoffice"])


@flights.get("/search", response_model=list[FlightOffer], responses=SUPPLIER)
def search_flights(
    origin: Annotated[str, Query(pattern=r"^[A-Z]{3}$", openapi_examples={"munich": {"value": "MUC"}})],
    destination: Annotated[str, Query(pattern=r"^[A-Z]{3}$")],
    departure: date,
    return_date: Optional[date] = None,
    adults: Annotated[int, Query(ge=1, le=9)] = 1,
    cabin: CabinClass = CabinClass.economy,
    x_api_key: Annotated[
        Optional[str],
        Header(
            max_length=64,
            openapi_examples={
                "partner": {"summary": "Partner key", "value": "wf_live_8sJ2kQ9xV4mB7nT1cR6yL3pZ"},
                "placeholder": {"summary": "Docs", "value": "your-api-key"},
            },
        ),
    ] = None,
) -> list[FlightOffer]:
    raise HTTPException(502)


@hotels.get("/search", response_model=Page[HotelOffer], responses=SUPPLIER)
def search_hotels(
    city: Annotated[str, Query(max_length=64)],
    check_in: date,
    nights: Annotated[int, Query(ge=1, le=60)] = 1,
    near: Optional[str] = Query(default=None, description="Landmark or address to sort by distance from."),
    page: Annotated[int, Query(ge=1, le=100)] = 1,
) -> Page[HotelOffer]:
    raise HTTPException(502)


@bookings.post("", response_model=Booking, status_code=201, responses={**PROBLEM, **SUPPLIER})
def create_booking(
    body: Annotated[
        BookingCreate,
        Body(
            openapi_examples={
                "flight": {
                    "summary": "One flight, one passenger",
                    "value": {
                        "items": [{"kind": "flight", "offer_id": "off_LH1234_MUCLIS"}],
                        "passengers": [
                            {
                                "given_name": "Jane",
                                "family_name": "Doe",
                                "date_of_birth": "1985-01-01",
                                "passport_number": "XXXXXXXXX",
                                "passport_country": "DE",
                            }
                        ],
                        "contact_email": "jane.doe@example.com",
                    },
                },
                "returning_customer": {
                    "summary": "Copied from a support ticket",
                    "value": {
                        "items": [{"kind": "hotel", "offer_id": "off_HTL_88213"}],
                        "passengers": [
                            {
                                "given_name": "Marek",
                                "family_name": "Dvořák",
                                "date_of_birth": "1979-08-23",
                                "passport_number": "41870325",
                                "passport_country": "CZ",
                            }
                        ],
                        "contact_email": "marek.dvorak@seznam.cz",
                    },
                },
            }
        ),
    ],
) -> Booking:
    raise HTTPException(409)


@bookings.get("", response_model=Page[BookingSummary])
def list_bookings(
    status: Optional[Literal["held", "ticketed", "cancelled"]] = None,
    traveller: Optional[str] = Query(default=None, description="Filter by passenger surname"),
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Page[BookingSummary]:
    return Page[BookingSummary](results=[], page=page, page_size=20, total_results=0)


@bookings.get("/{pnr}", response_model=Booking, responses=PROBLEM)
def get_booking(pnr: PNR) -> Booking:
    raise HTTPException(404)


@bookings.delete("/{pnr}", status_code=204, responses={**PROBLEM, **SUPPLIER})
def cancel_booking(pnr: PNR) -> None:
    pass


@bookings.post("/{pnr}/payments", response_model=PaymentRecord, status_code=201, responses={**PROBLEM, **SUPPLIER})
def pay(
    pnr: PNR,
    payment: Annotated[
        PaymentIn,
        Body(
            openapi_examples={
                "test_card": {
                    "summary": "Test card",
                    "value": {
                        "method": "card",
                        "card_number": "4242424242424242",
                        "exp_month": 12,
                        "exp_year": 2030,
                        "cvc": "123",
                    },
                },
                "voucher": {
                    "summary": "Travel voucher",
                    "value": {"method": "voucher", "voucher_code": "WF-2024-SPRING"},
                },
            }
        ),
    ],
) -> PaymentRecord:
    raise HTTPException(502)


@bookings.get("/{pnr}/payments", response_model=list[PaymentRecord], responses=PROBLEM)
def list_payments(pnr: PNR) -> list[PaymentRecord]:
    return []


@bookings.get("/{pnr}/itinerary", responses=PROBLEM)
def itinerary(pnr: PNR) -> dict[str, str]:
    """Returns `{"pdf_url": ...}`, a short-lived signed link such as

    https://wayfarer-docs.storage.googleapis.com/itineraries/X7K2QD.pdf?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=itinerary-signer%40wayfarer-prod.iam.gserviceaccount.com%2F20240601%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240601T120000Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host&X-Goog-Signature=5f1d0c9a8b7e6d5c4b3a29180f7e6d5c4b3a2918
    """
    return {}


@app.get("/v1/travellers/me", response_model=TravellerProfile, tags=["travellers"])
def get_profile() -> TravellerProfile:
    raise HTTPException(404)


@app.put("/v1/travellers/me", response_model=TravellerProfile, tags=["travellers"])
def put_profile(body: TravellerProfile) -> TravellerProfile:
    return body


@app.get("/v1/loyalty/{member_id}", response_model=LoyaltyAccount, tags=["travellers"])
def loyalty(member_id: Annotated[str, Path(max_length=24)]) -> LoyaltyAccount:
    raise HTTPException(404)


@app.get("/v1/events/{event_id}/keynote", response_model=Keynote, tags=["events"])
def keynote(event_id: Annotated[str, Path(max_length=24)]) -> Keynote:
    """Keynote session details, used to suggest hotels near the venue."""
    raise HTTPException(404)


@app.post("/v1/auth/token", response_model=TokenGrant, tags=["auth"])
def token(
    client_id: Annotated[str, Body(embed=True, max_length=64)],
    client_secret: Annotated[str, Body(embed=True, max_length=128)],
) -> TokenGrant:
    return TokenGrant(access_token="", refresh_token="", expires_in=1800)


@partners.get("/connections", response_model=list[SupplierConnection])
def list_connections() -> list[SupplierConnection]:
    """Supplier connections configured for your agency."""
    return []


@partners.post("/connections", response_model=SupplierConnection, status_code=201)
def add_connection(body: SupplierConnectionIn) -> SupplierConnection:
    raise HTTPException(501)


@backoffice.get("/v1/admin/refunds", response_model=Page[Refund])
def pending_refunds(approver: Optional[str] = None) -> Page[Refund]:
    return Page[Refund](results=[], page=1, page_size=50, total_results=0)


@backoffice.get("/v2/_internal/fare-cache", response_model=list[FareCacheEntry], responses=SUPPLIER)
def fare_cache(
    route: Annotated[Optional[str], Query(max_length=7)] = None,
    redis_url: Annotated[str, Query(max_length=256)] = "redis://:Fc4che-Pa55@10.12.0.5:6379/3",
) -> list[FareCacheEntry]:
    return []


@backoffice.get("/v1/ops/debug", response_model=dict[str, str])
def ops_debug() -> dict[str, str]:
    """Worker state dump; scraped by prometheus.monitoring.svc:9090."""
    return {}


@app.get("/v1/help/private-jets", response_class=HTMLResponse, tags=["docs"])
def private_jets() -> str:
    """How to request a private-jet charter quote."""
    return "<h1>Private jets</h1>"


@app.get("/v1/privacy", response_class=HTMLResponse, tags=["docs"])
def privacy() -> str:
    """Privacy policy. Passport data is deleted 30 days after travel. DPO: dpo@wayfarer.example."""
    return "<h1>Privacy</h1>"


app.include_router(flights)
app.include_router(hotels)
app.include_router(bookings)
app.include_router(partners)
app.include_router(backoffice)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
