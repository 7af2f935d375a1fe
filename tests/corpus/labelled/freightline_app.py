"""Freightline: multi-carrier shipment booking and parcel tracking.

Generate the OpenAPI document with:  python freightline_app.py > freightline.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Body, Cookie, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, computed_field

partner_key = APIKeyHeader(
    name="X-Freightline-Key",
    description="Account API key from the dashboard, e.g. `fl_test_XXXXXXXXXXXXXXXX`.",
)

T = TypeVar("T")


# --------------------------------------------------------------------------- shared


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: Optional[str] = None
    has_more: bool = False


class ShipmentStatus(str, Enum):
    created = "created"
    label_printed = "label_printed"
    in_transit = "in_transit"
    out_for_delivery = "out_for_delivery"
    delivered = "delivered"
    exception = "exception"
    returned = "returned"


class ServiceLevel(str, Enum):
    economy = "economy"
    standard = "standard"
    express = "express"
    same_day = "same_day"


class CarrierCode(str, Enum):
    dhl = "dhl"
    ups = "ups"
    postnl = "postnl"
    dpd = "dpd"


class Address(BaseModel):
    contactName: str = Field(max_length=100)
    companyName: Optional[str] = Field(default=None, max_length=100)
    line1: str = Field(max_length=200)
    line2: Optional[str] = None
    city: str = Field(max_length=100)
    postcode: str = Field(max_length=16)
    countryCode: str = Field(pattern=r"^[A-Z]{2}$")
    phone: Optional[str] = Field(default=None, max_length=32)
    email: Optional[str] = Field(default=None, max_length=254)

    @computed_field
    @property
    def label(self) -> str:
        return f"{self.contactName}, {self.city} {self.postcode}"


class Parcel(BaseModel):
    weightKg: float = Field(gt=0)
    lengthCm: int = Field(ge=1, le=400)
    widthCm: int = Field(ge=1, le=400)
    heightCm: int = Field(ge=1, le=400)
    contents: Optional[str] = Field(default=None, max_length=200)


class CustomsDeclaration(BaseModel):
    """Customs data for cross-border shipments."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "incoterm": "DAP",
                    "hsCodes": ["6109.10", "4202.92"],
                    "declaredValue": 184.5,
                    "currency": "EUR",
                    "taxIdNum": "529.982.247-25",
                }
            ]
        }
    )

    incoterm: Literal["DAP", "DDP", "EXW"] = "DAP"
    hsCodes: list[str] = Field(max_length=50)
    declaredValue: float = Field(ge=0, le=1_000_000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    taxIdNum: Optional[str] = Field(
        default=None,
        max_length=32,
        description="Recipient's personal tax number (CPF in Brazil, PCCC in Korea), required by destination customs.",
    )


class ShipmentCreate(BaseModel):
    reference: str = Field(description="Your order number or other reference printed on the label.")
    service: ServiceLevel = ServiceLevel.standard
    carrier: Optional[CarrierCode] = None
    shipper: Address
    consignee: Address
    parcels: list[Parcel]
    customs: Optional[CustomsDeclaration] = None
    notifyEmails: list[str] = Field(default_factory=list, max_length=5)


class ShipmentUpdate(BaseModel):
    service: Optional[ServiceLevel] = None
    consignee: Optional[Address] = None
    deliveryInstructions: Optional[str] = None


class ShipmentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8a1f0c64-0a7e-4b7d-9c36-5d2b9f1e0c11",
                    "trackingNumber": "FL7Q2K9XZ4",
                    "status": "in_transit",
                    "service": "express",
                    "carrier": "dhl",
                    "labelUrl": "https://d3k9labels.cloudfront.net/FL7Q2K9XZ4.pdf?Expires=1717243200&Signature=Qm9yZ2VyLXNpZ25lZC1sYWJlbC11cmwtZXhhbXBsZQ~~hT3kRz0aYbL1vN9cW2xQeF7uJ5mP8sD4gH6jK0&Key-Pair-Id=K2JCJMDEHXQW5F",
                    "labelMd5": "9e107d9d372bb6826bd81d3542a419d6",
                    "eta": "2024-06-04",
                    "createdAt": "2024-06-01T07:45:00Z",
                }
            ]
        }
    )

    id: UUID
    trackingNumber: str
    reference: Optional[str] = None
    status: ShipmentStatus
    service: ServiceLevel
    carrier: CarrierCode
    shipper: Optional[Address] = None
    consignee: Optional[Address] = None
    parcels: list[Parcel] = []
    customs: Optional[CustomsDeclaration] = None
    labelUrl: Optional[str] = Field(default=None, description="Signed CDN link to the PDF label, valid for 24 hours.")
    labelMd5: Optional[str] = None
    eta: Optional[date] = None
    createdAt: datetime


class TrackingEvent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "at": "2024-06-03T14:40:51Z",
                    "status": "exception",
                    "facility": "RTM-DEPOT",
                    "scanDeviceIp": "198.51.100.23",
                    "exceptionCode": "ADDRESS_UNKNOWN",
                    "exceptionDetail": "Consignee not known at address; parcel held at depot.",
                },
                {
                    "at": "2024-06-02T03:12:09Z",
                    "status": "in_transit",
                    "facility": "AMS-HUB-2",
                    "scanDeviceIp": "10.44.0.17",
                    "exceptionCode": None,
                },
            ]
        }
    )

    at: datetime
    status: ShipmentStatus
    facility: str
    scanDeviceIp: Optional[str] = None
    exceptionCode: Optional[str] = Field(
        default=None, description="Carrier exception code when `status` is `exception` (e.g. `ADDRESS_UNKNOWN`)."
    )
    exceptionDetail: Optional[str] = None


class PublicTracking(BaseModel):
    trackingNumber: str
    status: ShipmentStatus
    events: list[TrackingEvent]
    signedBy: Optional[str] = Field(default=None, description="Name given by the person who signed for the parcel.")


class RateRequest(BaseModel):
    fromPostcode: str = Field(max_length=16)
    toPostcode: str = Field(max_length=16)
    toCountry: str = Field(pattern=r"^[A-Z]{2}$")
    parcels: list[Parcel] = Field(max_length=20)


class RateQuote(BaseModel):
    carrier: CarrierCode
    service: ServiceLevel
    amount: float
    currency: str
    fuelSurchargePct: float
    transitDays: int


class CarrierSummary(BaseModel):
    code: CarrierCode
    name: str
    trackingUrlTemplate: str = Field(examples=["https://www.postnl.nl/tracktrace/?B={tracking_number}"])
    supportsCustoms: bool


class CarrierAccount(BaseModel):
    """Your own contract with a carrier. We book shipments on it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "carrier": "ups",
                    "accountNumber": "A12B34",
                    "apiUser": "acme_shipping",
                    "apiPassword": "<carrier-portal-password>",
                    "sandbox": False,
                }
            ]
        }
    )

    carrier: CarrierCode
    accountNumber: str = Field(max_length=32, description="Carrier account (shipper) number printed on invoices.")
    apiUser: str = Field(max_length=64)
    apiPassword: Optional[str] = Field(default=None, max_length=128)
    sandbox: bool = False

    @computed_field
    @property
    def displayName(self) -> str:
        return f"{self.carrier.value.upper()} {self.accountNumber}"


class DriverOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3301,
                    "name": "Aisha Bello",
                    "phone": "+44 7700 900461",
                    "email": "a.bello@freightline.example",
                    "dl_number": "BELLO802154A99KT",
                    "licenceClass": "C1",
                    "dlExpiry": "2029-03-31",
                    "depot": "LHR-3",
                },
                {
                    "id": 3302,
                    "name": "Koen de Vries",
                    "phone": "+31 6 48213977",
                    "email": "koen.devries@ziggo.nl",
                    "dl_number": "XXXXXXXXXX",
                    "licenceClass": "B",
                    "dlExpiry": "2027-11-15",
                    "depot": "AMS-HUB-2",
                },
            ]
        }
    )

    id: int
    name: str
    phone: str
    email: Optional[str] = None
    dl_number: str = Field(description="Driving licence number, checked against the national register on onboarding.")
    licenceClass: str
    dlExpiry: date
    depot: str


class DriverCreate(BaseModel):
    name: str = Field(max_length=100)
    phone: str = Field(max_length=32)
    email: Optional[str] = Field(default=None, max_length=254)
    dl_number: str = Field(pattern=r"^[A-Z0-9]{5,20}$")
    licenceClass: Literal["B", "C1", "C", "CE"]
    dlExpiry: date
    depot: str = Field(max_length=16)
    appPin: str = Field(pattern=r"^\d{4,6}$", description="Initial PIN for the driver app.")
    tempPassword: str = Field(
        default="Welcome2Freightline!",
        max_length=64,
        description="Portal password; the driver must change it at first login.",
    )


class DriverAppLogin(BaseModel):
    driverId: int = Field(ge=1, le=2**31 - 1)
    appPin: str = Field(pattern=r"^\d{4,6}$")
    deviceId: str = Field(max_length=64)


class DriverSession(BaseModel):
    """Returned by the driver app login only."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"sessTok": "<opaque-session-token>", "expiresIn": 43200}]}
    )

    sessTok: str
    expiresIn: int


class DriverSessionInfo(BaseModel):
    deviceId: str
    deviceFingerprint: str = Field(examples=["SHA256:7b:2c:90:ef:13:aa:51:0d"])
    sessTok: str = Field(description="Session token of the device (used to force sign-out).")
    startedAt: datetime
    lastSeenAt: Optional[datetime] = None


class WarehouseOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "AMS-HUB-2",
                    "name": "Amsterdam Hub 2",
                    "timezone": "Europe/Amsterdam",
                    "dockControllerHost": "dock-ctl-3.whse-ams.freightline.lan",
                    "plcAddress": "fd4e:7a21:9c00::15",
                    "guestWifiPass": "Dock7-Welcome!",
                    "statusPage": "https://status.internalpost.co.uk/ams",
                }
            ]
        }
    )

    code: str
    name: str
    timezone: str
    dockControllerHost: Optional[str] = None
    plcAddress: Optional[str] = None
    guestWifiPass: Optional[str] = Field(default=None, description="Wi-Fi password for visiting drivers.")
    statusPage: Optional[str] = None


class WebhookEvent(str, Enum):
    shipment_created = "shipment.created"
    tracking_updated = "tracking.updated"
    delivered = "shipment.delivered"


class WebhookEndpointCreate(BaseModel):
    url: str = Field(max_length=2048, examples=["https://erp.acme-logistics.corp/hooks/freightline"])
    events: list[WebhookEvent] = Field(max_length=10)


class WebhookEndpointCreated(BaseModel):
    """Returned once when the endpoint is created."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "we_5Jq2",
                    "url": "https://hooks.corpay.com/freightline",
                    "signingSecret": "flwhsec_b8Qz3Lk1Vn7Xc4Rt9Wm2Hp6Ys0Ja5Gd",
                }
            ]
        }
    )

    id: str
    url: str
    signingSecret: str


class WebhookEndpointOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "we_5Jq2",
                    "url": "https://hooks.corpay.com/freightline",
                    "events": ["tracking.updated"],
                    "signingSecretLast4": "a5Gd",
                    "secretRotatedAt": "2024-05-20T08:00:00Z",
                }
            ]
        }
    )

    id: str
    url: str
    events: list[WebhookEvent]
    signingSecretLast4: str
    secretRotatedAt: Optional[datetime] = None


class WebhookDelivery(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "dlv_01HZ3",
                    "responseStatus": 200,
                    "requestHeaders": {
                        "Content-Type": "application/json",
                        "X-Freightline-Signature": "t=1717228800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
                        "Authorization": "Basic ZmxfaG9vazpUcjRja2luZyE5",
                    },
                    "durationMs": 182,
                }
            ]
        }
    )

    id: str
    responseStatus: int
    requestHeaders: dict[str, str]
    durationMs: int


class SavedReport(BaseModel):
    id: int
    name: str
    sql: str = Field(
        description="Read-only SQL over the shipments warehouse.",
        examples=["SELECT carrier, count(*) FROM shipments GROUP BY 1"],
    )
    schedule: Optional[str] = Field(default=None, examples=["0 6 * * MON"])


class ReportRun(BaseModel):
    reportId: int
    rows: list[dict[str, Union[str, int, float, None]]]


class Me(BaseModel):
    accountId: str
    companyName: str
    plan: Literal["starter", "growth", "enterprise"]
    apiKeyCount: int


# --------------------------------------------------------------------------- errors


class NotFoundProblem(BaseModel):
    kind: Literal["not_found"] = "not_found"
    detail: str
    resource: str


class ConflictProblem(BaseModel):
    kind: Literal["conflict"] = "conflict"
    detail: str
    existingId: Optional[str] = None


class CarrierFault(BaseModel):
    kind: Literal["carrier_fault"] = "carrier_fault"
    detail: str
    provider: CarrierCode
    retryAfter: Optional[int] = None
    exceptionChain: list[str] = Field(
        default_factory=list,
        description="Chained exceptions raised while calling the carrier, outermost first.",
        examples=[["CarrierTimeout: UPS did not answer in 30s", "httpx.ReadTimeout: timed out"]],
    )


class ServerFault(BaseModel):
    kind: Literal["server"] = "server"
    detail: str = "Internal error"
    failedQuery: Optional[str] = Field(default=None, description="SQL statement that failed, if any.")
    origin: Optional[str] = Field(
        default=None, description="Source location, `module.py:123`.", examples=["booking/service.py:418"]
    )


Fault = Annotated[Union[NotFoundProblem, ConflictProblem, CarrierFault, ServerFault], Field(discriminator="kind")]


class FaultEnvelope(BaseModel):
    error: Fault
    traceId: str = Field(examples=["4bf92f3577b34da6a3ce929d0e0e4736"])


# --------------------------------------------------------------------------- app

DESCRIPTION = """
Book shipments with any of our carriers, print labels and follow parcels.

## Authentication

Send your account key in the `X-Freightline-Key` header:

```bash
curl https://api.freightline.io/v3/shipments \\
  -H "X-Freightline-Key: fl_live_4Tq9Wn2Zr7Xc1Vb8Mk3Hs6Ld0Pj5Ga"
```

Service status: <https://status.freightline.io>. Ops dashboards (staff only):
<http://grafana.ops.freightline.lan/d/shipments>.
"""

app = FastAPI(
    title="Freightline API",
    version="3.2.1",
    description=DESCRIPTION,
    contact={
        "name": "Freightline Integrations",
        "email": "integrations@freightline.io",
        "url": "https://freightline.io/support",
    },
    servers=[
        {"url": "https://api.freightline.io", "description": "Production"},
        {"url": "https://sandbox.freightline.io", "description": "Sandbox (test carriers, no real pickups)"},
        {"url": "http://tracking-internal.freightline.io:8080", "description": "Tracking backend"},
        {
            "url": "http://{node}:7000",
            "description": "Booking nodes",
            "variables": {"node": {"default": "10.60.4.21", "enum": ["10.60.4.21", "10.60.4.22"]}},
        },
    ],
    openapi_tags=[
        {"name": "shipments", "description": "Create, update and cancel shipments."},
        {"name": "tracking", "description": "Public tracking; no key needed for `/v3/track`."},
        {"name": "drivers", "description": "Own-fleet drivers, synced nightly from HR at hr-sync.corp.freightline.io."},
        {"name": "webhooks"},
        {"name": "reports"},
    ],
)

ERRORS = {
    404: {"model": FaultEnvelope, "description": "Unknown shipment, driver or warehouse"},
    409: {"model": FaultEnvelope, "description": "Conflict"},
    502: {"model": FaultEnvelope, "description": "Carrier failed"},
    "default": {"model": FaultEnvelope, "description": "Unexpected error"},
}

v3 = APIRouter(prefix="/v3", dependencies=[Depends(partner_key)])
public = APIRouter(prefix="/v3")
admin = APIRouter(prefix="/admin", tags=["admin"])
ops = APIRouter(tags=["ops"])


@v3.get("/shipments", response_model=Page[ShipmentOut], tags=["shipments"])
def list_shipments(
    q: Annotated[
        Optional[str], Query(description="Free-text search over reference, tracking number and consignee.")
    ] = None,
    status: Optional[ShipmentStatus] = None,
    created_after: Optional[datetime] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[Optional[str], Query(max_length=128)] = None,
) -> Page[ShipmentOut]:
    return Page[ShipmentOut](data=[])


@v3.post("/shipments", response_model=ShipmentOut, status_code=201, tags=["shipments"], responses=ERRORS)
def create_shipment(
    body: Annotated[
        ShipmentCreate,
        Body(
            openapi_examples={
                "domestic": {
                    "summary": "Domestic parcel",
                    "value": {
                        "reference": "SO-100234",
                        "service": "standard",
                        "shipper": {
                            "contactName": "Warehouse Team",
                            "line1": "Industrieweg 12",
                            "city": "Tilburg",
                            "postcode": "5048 AB",
                            "countryCode": "NL",
                            "email": "dispatch@shop.example",
                        },
                        "consignee": {
                            "contactName": "Jan Peeters",
                            "line1": "Kerkstraat 4",
                            "city": "Utrecht",
                            "postcode": "3511 LX",
                            "countryCode": "NL",
                            "phone": "+31 6 29384756",
                            "email": "jan.peeters@kpnmail.nl",
                        },
                        "parcels": [{"weightKg": 2.4, "lengthCm": 40, "widthCm": 30, "heightCm": 20}],
                    },
                },
                "crossBorder": {
                    "summary": "EU to Brazil with customs",
                    "value": {
                        "reference": "SO-100291",
                        "service": "express",
                        "shipper": {
                            "contactName": "Warehouse Team",
                            "line1": "Industrieweg 12",
                            "city": "Tilburg",
                            "postcode": "5048 AB",
                            "countryCode": "NL",
                        },
                        "consignee": {
                            "contactName": "Ana Souza",
                            "line1": "Rua Augusta 1500",
                            "city": "Sao Paulo",
                            "postcode": "01304-001",
                            "countryCode": "BR",
                            "phone": "+1-202-555-0183",
                        },
                        "parcels": [{"weightKg": 1.1, "lengthCm": 25, "widthCm": 20, "heightCm": 8}],
                        "customs": {
                            "incoterm": "DDP",
                            "hsCodes": ["6109.10"],
                            "declaredValue": 59.0,
                            "currency": "EUR",
                            "taxIdNum": "XXX.XXX.XXX-XX",
                        },
                    },
                },
            }
        ),
    ],
) -> ShipmentOut:
    """Book a shipment and buy the label.

    The label PDF is rendered by `label-svc.fulfilment.svc.cluster.local` and uploaded to the CDN;
    `labelUrl` in the response is a signed link.
    """
    raise HTTPException(501)


@v3.get("/shipments/{shipment_id}", response_model=ShipmentOut, tags=["shipments"], responses=ERRORS)
def get_shipment(shipment_id: UUID) -> ShipmentOut:
    raise HTTPException(404)


@v3.patch("/shipments/{shipment_id}", response_model=ShipmentOut, tags=["shipments"], responses=ERRORS)
def update_shipment(shipment_id: UUID, body: ShipmentUpdate) -> ShipmentOut:
    raise HTTPException(404)


@v3.delete("/shipments/{shipment_id}", status_code=204, tags=["shipments"], responses=ERRORS)
def cancel_shipment(shipment_id: UUID) -> None:
    """Cancel before pickup. Cancelled labels are refunded by the carrier within 14 days."""


class InternalReference(BaseModel):
    internalReference: str = Field(max_length=64, description="Your own ERP reference; never shown to the consignee.")


@v3.put("/shipments/{shipment_id}/internal-reference", status_code=204, tags=["shipments"])
def set_internal_reference(shipment_id: UUID, body: InternalReference) -> None:
    """Attach your own ERP reference to a shipment."""


@v3.get("/shipments/{shipment_id}/events", response_model=Page[TrackingEvent], tags=["tracking"], responses=ERRORS)
def shipment_events(shipment_id: UUID, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Page[TrackingEvent]:
    return Page[TrackingEvent](data=[])


@public.get(
    "/track/{tracking_number}",
    response_model=PublicTracking,
    tags=["tracking"],
    responses={404: {"model": FaultEnvelope}},
)
def track(
    tracking_number: Annotated[str, Path(pattern=r"^FL[0-9A-Z]{8}$")],
    x_partner_token: Annotated[
        Optional[str],
        Header(
            max_length=128,
            description="Optional partner token; unlocks the full event history for marketplaces.",
            openapi_examples={
                "marketplace": {"summary": "Marketplace partner", "value": "fpt_live_Zx81Lq0Wn6Tc3Rb9Vk2Hm5Sd"},
                "none": {"summary": "Anonymous lookup", "value": "<partner-token>"},
            },
        ),
    ] = None,
) -> PublicTracking:
    """Public tracking page data. No API key required."""
    raise HTTPException(404)


@v3.post("/rates", response_model=list[RateQuote], tags=["shipments"], responses=ERRORS)
def quote_rates(body: RateRequest) -> list[RateQuote]:
    return []


@v3.get("/carriers", response_model=list[CarrierSummary], tags=["shipments"])
def list_carriers() -> list[CarrierSummary]:
    return []


@v3.put("/carrier-accounts/{carrier}", response_model=CarrierAccount, tags=["shipments"], responses=ERRORS)
def upsert_carrier_account(carrier: CarrierCode, body: CarrierAccount) -> CarrierAccount:
    """Connect your own carrier contract."""
    return body


@v3.get("/drivers", response_model=Page[DriverOut], tags=["drivers"])
def list_drivers(
    depot: Annotated[Optional[str], Query(max_length=16)] = None,
    name: Optional[str] = None,
) -> Page[DriverOut]:
    return Page[DriverOut](data=[])


@v3.post("/drivers", response_model=DriverOut, status_code=201, tags=["drivers"], responses=ERRORS)
def create_driver(body: DriverCreate) -> DriverOut:
    raise HTTPException(501)


@v3.get("/drivers/{driver_id}/sessions", response_model=list[DriverSessionInfo], tags=["drivers"], responses=ERRORS)
def driver_sessions(driver_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> list[DriverSessionInfo]:
    return []


@public.post(
    "/driver-app/session", response_model=DriverSession, tags=["drivers"], responses={401: {"model": FaultEnvelope}}
)
def driver_login(body: DriverAppLogin) -> DriverSession:
    """Sign the driver app in with driver id and PIN."""
    raise HTTPException(401)


@v3.get("/warehouses", response_model=list[WarehouseOut], tags=["shipments"])
def list_warehouses() -> list[WarehouseOut]:
    return []


@v3.get("/warehouses/{code}", response_model=WarehouseOut, tags=["shipments"], responses=ERRORS)
def get_warehouse(code: Annotated[str, Path(pattern=r"^[A-Z]{3}-[A-Z0-9-]{1,10}$")]) -> WarehouseOut:
    raise HTTPException(404)


@v3.get("/webhooks", response_model=list[WebhookEndpointOut], tags=["webhooks"])
def list_webhooks() -> list[WebhookEndpointOut]:
    return []


@v3.post("/webhooks", response_model=WebhookEndpointCreated, status_code=201, tags=["webhooks"])
def create_webhook(body: WebhookEndpointCreate) -> WebhookEndpointCreated:
    """Register an endpoint. The signing secret is returned once."""
    raise HTTPException(501)


@v3.post("/webhooks/{webhook_id}/rotate-secret", status_code=204, tags=["webhooks"], responses=ERRORS)
def rotate_webhook_secret(webhook_id: Annotated[str, Path(max_length=32)]) -> None:
    """Rotate the signing secret. The new secret is e-mailed to the account owner."""


@v3.get("/webhooks/{webhook_id}/deliveries", response_model=list[WebhookDelivery], tags=["webhooks"], responses=ERRORS)
def webhook_deliveries(webhook_id: Annotated[str, Path(max_length=32)]) -> list[WebhookDelivery]:
    return []


@v3.get("/reports", response_model=list[SavedReport], tags=["reports"])
def list_reports() -> list[SavedReport]:
    return []


@v3.post("/reports/{report_id}/run", response_model=ReportRun, tags=["reports"], responses=ERRORS)
def run_report(report_id: Annotated[int, Path(ge=1, le=10**9)], since: Optional[date] = None) -> ReportRun:
    raise HTTPException(404)


@v3.get("/me", response_model=Me, tags=["account"])
def me(
    flsid: Annotated[
        Optional[str],
        Cookie(
            max_length=512,
            description="Dashboard session cookie (the dashboard calls this endpoint too).",
            examples=["Fe26.2**0b9f4c1e8d2a**kQ3xZl7Wq0Ps9Vn2Tc6Rb1Hm4Jd8Ga5Ye**1717300000000**c9d1e7f3"],
        ),
    ] = None,
) -> Me:
    raise HTTPException(401)


@app.get("/docs/debugging-webhooks", response_class=HTMLResponse, tags=["docs"])
def debugging_webhooks_guide() -> str:
    """How to replay and inspect webhook deliveries."""
    return "<h1>Debugging webhooks</h1>"


@app.get("/healthz", response_class=PlainTextResponse, tags=["ops"])
def healthz() -> str:
    return "ok"


# ----- staff endpoints (support console) -----


@admin.get("/carriers/{carrier}/credentials", response_model=list[CarrierAccount], responses=ERRORS)
def admin_carrier_credentials(carrier: CarrierCode) -> list[CarrierAccount]:
    """All customer accounts for one carrier (support console)."""
    return []


@ops.post("/_internal/replay-webhooks", status_code=202)
def replay_webhooks(since: datetime, endpoint_id: Optional[str] = None) -> None:
    """Re-send failed deliveries since the given time."""


@ops.get("/v3/Debug/label-render", response_class=PlainTextResponse)
def debug_label_render(tracking_number: Annotated[str, Query(pattern=r"^FL[0-9A-Z]{8}$")]) -> str:
    """Render a label as ZPL text, bypassing the CDN."""
    return ""


@ops.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(v3)
app.include_router(public)
app.include_router(admin)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
