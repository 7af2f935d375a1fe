"""PermitHub: building and business permits for the City of Springfield.

Generate the OpenAPI document with:  python permits_app.py > permits.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Optional, TypeVar

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    results: list[T]
    page: int
    page_count: int


class PermitType(str, Enum):
    building = "building"
    electrical = "electrical"
    food_service = "food_service"
    street_closure = "street_closure"


class PermitStatus(str, Enum):
    submitted = "submitted"
    plan_review = "plan_review"
    issued = "issued"
    expired = "expired"
    revoked = "revoked"


class Parcel(BaseModel):
    apn: str = Field(
        pattern=r"^\d{3}-\d{3}-\d{3}$",
        examples=["052-118-027"],
        description="Assessor's parcel number (public record).",
    )
    street_address: str = Field(max_length=200, examples=["742 Evergreen Terrace"])
    zip_code: str = Field(pattern=r"^\d{5}(-\d{4})?$", examples=["49007"])
    zoning: str = Field(max_length=10, examples=["R-1"])
    lat: float = Field(ge=-90, le=90, examples=[42.2917])
    lon: float = Field(ge=-180, le=180, examples=[-85.5872])


class Contractor(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "business_name": "Flanders Home Improvement LLC",
                    "contractor_license_no": "CSLB-1048833",
                    "contact_email": "permits@flanders-homes.test",
                    "phone": "(217) 555-0188",
                }
            ]
        }
    )

    business_name: str = Field(max_length=200)
    contractor_license_no: str = Field(
        max_length=32, description="State contractor licence, searchable on the public CSLB board."
    )
    contact_email: str = Field(max_length=254)
    phone: str = Field(max_length=32)


class Applicant(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Marjorie",
                    "last_name": "Bouvier",
                    "email": "marge.bouvier@yahoo.com",
                    "phone": "+1 217-864-3310",
                    "mailing_address": "742 Evergreen Terrace, Springfield 49007",
                    "tin": "912-83-4471",
                    "passport_no": "X48213907",
                }
            ]
        }
    )

    first_name: str
    last_name: str
    email: str
    phone: Optional[str] = None
    mailing_address: str
    tin: Optional[str] = Field(
        default=None, description="Taxpayer Identification Number (SSN or ITIN) used for fee refunds."
    )
    passport_no: Optional[str] = Field(default=None, description="Only for non-resident applicants.")


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "permit_type": "building",
                    "parcel_apn": "052-118-027",
                    "scope_of_work": "Replace rear deck, 240 sq ft.",
                    "valuation": "18500.00",
                    "applicant_email": "homeowner@example.org",
                    "applicant_ssn": "XXX-XX-XXXX",
                }
            ]
        }
    )

    permit_type: PermitType
    parcel_apn: str = Field(pattern=r"^\d{3}-\d{3}-\d{3}$")
    scope_of_work: str
    valuation: Decimal = Field(ge=0, le=100_000_000)
    applicant_email: str = Field(max_length=254)
    applicant_ssn: Optional[str] = Field(default=None, pattern=r"^\d{3}-\d{2}-\d{4}$")
    contractor: Optional[Contractor] = None


class FeeLine(BaseModel):
    code: str = Field(examples=["BLD-PLANCHK"])
    description: str = Field(examples=["Plan check fee"])
    amount: Decimal = Field(examples=["412.50"])


class PermitOut(BaseModel):
    id: int
    permit_number: str = Field(examples=["BLD2024-004417"])
    permit_type: PermitType
    status: PermitStatus
    parcel: Parcel
    applicant: Applicant
    contractor: Optional[Contractor] = None
    fees: list[FeeLine] = []
    issued_on: Optional[date] = None
    expires_on: Optional[date] = None
    inspection_qr_url: Optional[str] = Field(
        default=None, examples=["https://permits.springfield.gov/q/BLD2024-004417"]
    )


class CardPayment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"card_number": "4111111111111111", "exp": "12/29", "cvv": "737", "zip_code": "49007"}]
        }
    )

    card_number: str = Field(pattern=r"^\d{13,19}$")
    exp: str = Field(pattern=r"^\d{2}/\d{2}$")
    cvv: str = Field(pattern=r"^\d{3,4}$")
    zip_code: str = Field(pattern=r"^\d{5}$")


class Receipt(BaseModel):
    receipt_number: str = Field(examples=["RCPT-0093381"])
    amount_paid: Decimal
    card_brand: str = Field(examples=["visa"])
    card_last4: str = Field(examples=["1111"])
    gateway_txn_id: str = Field(examples=["txn_1PqR7sT2uV3wX4yZ"])
    paid_at: datetime


class Inspector(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "badge": "INSP-207",
                    "name": "Cletus Delroy",
                    "district": "Northside",
                    "mobile_pin_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$7b1Xy2JkVq0mH9fR3cT6aZ8nW5pL4sE1dG0uI7oK2yQ",
                    "pin_rotation_days": 90,
                }
            ]
        }
    )

    badge: str
    name: str
    district: str
    mobile_pin_hash: str = Field(description="Hash of the PIN inspectors use on the field tablet.")
    pin_rotation_days: int


class GisConnector(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "county-parcels",
                    "dsn": "postgresql://gis_reader:Parc3ls!ro@192.168.40.15:5432/parcels",
                    "arcgis_portal": "https://gis.intranet.springfield.gov/portal",
                    "arcgis_client_id": "sPr1ngF13ldP3rm1ts",
                    "arcgis_client_secret": "9d8f7e6c5b4a39281706f5e4d3c2b1a0",
                    "open_data_url": "https://data.local.gov.uk/api/3/action/package_show?id=planning",
                }
            ]
        }
    )

    name: str
    dsn: str = Field(description="Connection string of the parcel database.")
    arcgis_portal: str
    arcgis_client_id: str
    arcgis_client_secret: str
    open_data_url: Optional[str] = None


class UploadTicket(BaseModel):
    upload_token: str = Field(examples=["<upload-token>"])
    upload_url: str = Field(examples=["https://uploads.permits.springfield.gov/plans"])
    expires_at: datetime


class Problem(BaseModel):
    type: str = Field(default="about:blank", examples=["https://permits.springfield.gov/problems/parcel-not-found"])
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    correlation_id: Optional[str] = None


class Diagnostics(BaseModel):
    sql_statement: Optional[str] = None
    bind_params: Optional[dict[str, str]] = None
    python_traceback: Optional[list[str]] = None


class ServerFault(BaseModel):
    title: str
    status: int = 500
    correlation_id: str
    diagnostics: Optional[Diagnostics] = Field(
        default=None, description="Present when the portal runs with `APP_ENV=dev`."
    )


app = FastAPI(
    title="PermitHub — City of Springfield",
    version="5.2.0",
    description=(
        "Apply for, pay for and track city permits.\n\n"
        "**Kiosk mode:** counter kiosks sign in with the default account `kiosk` / `Springfield#1` "
        "until the clerk changes it.\n\n"
        "Corporate applicants file through the *corporate-filings* portal."
    ),
    servers=[
        {"url": "https://permits.springfield.gov/api", "description": "Public portal"},
        {"url": "https://corporate-filings.springfield.gov/api", "description": "Business filings"},
        {"url": "https://permits-staging.springfield.home.arpa/api", "description": "Staging (city hall LAN)"},
    ],
)

E = {404: {"model": Problem}, 500: {"model": ServerFault}}

apps = APIRouter(prefix="/applications", tags=["applications"])
permits = APIRouter(prefix="/permits", tags=["permits"])
staff = APIRouter(prefix="/staff", tags=["staff"])
admin = APIRouter(prefix="/api/admin", tags=["admin"])


@apps.post("", response_model=PermitOut, status_code=201, responses=E)
def apply(body: ApplicationCreate, applicant: Annotated[Applicant, Body()]) -> PermitOut:
    raise HTTPException(501)


@apps.post("/{application_id}/payment", response_model=Receipt, responses=E)
def pay(application_id: Annotated[int, Path(ge=1, le=10**9)], card: CardPayment) -> Receipt:
    raise HTTPException(501)


@apps.post("/{application_id}/upload-ticket", response_model=UploadTicket, responses=E)
def upload_ticket(application_id: Annotated[int, Path(ge=1, le=10**9)]) -> UploadTicket:
    """Issue a one-time token for uploading plan drawings."""
    raise HTTPException(501)


@permits.get("", response_model=Page[PermitOut])
def search_permits(
    address: Optional[str] = None,
    apn: Annotated[Optional[str], Query(pattern=r"^\d{3}-\d{3}-\d{3}$")] = None,
    status: Optional[PermitStatus] = None,
    page: int = 1,
) -> Page[PermitOut]:
    return Page[PermitOut](results=[], page=1, page_count=0)


@permits.get("/{permit_number}", response_model=PermitOut, responses=E)
def get_permit(permit_number: Annotated[str, Path(pattern=r"^[A-Z]{3}\d{4}-\d{6}$")]) -> PermitOut:
    raise HTTPException(404)


@permits.get("/{permit_number}/fees", response_model=list[FeeLine], responses=E)
def fees(permit_number: str) -> list[FeeLine]:
    return []


@app.get("/parcels/{apn}", response_model=Parcel, tags=["parcels"], responses=E)
def get_parcel(apn: Annotated[str, Path(pattern=r"^\d{3}-\d{3}-\d{3}$")]) -> Parcel:
    raise HTTPException(404)


@app.get("/administrative-appeals", response_model=list[str], tags=["appeals"])
def appeals() -> list[str]:
    """Decisions of the administrative appeals board (public)."""
    return []


@app.get("/privacy-notice", response_model=str, tags=["legal"])
def privacy_notice() -> str:
    return ""


@staff.get("/inspectors", response_model=list[Inspector])
def list_inspectors(district: Optional[str] = None) -> list[Inspector]:
    return []


@staff.post("/inspections/{permit_number}/result", status_code=204, responses=E)
def record_inspection(
    permit_number: str,
    passed: Annotated[bool, Body(embed=True)],
    notes: Annotated[str, Body(embed=True)] = "",
) -> None:
    raise HTTPException(404)


@admin.get("/gis-connector", response_model=GisConnector)
def admin_gis() -> GisConnector:
    raise HTTPException(501)


@admin.put("/fee-schedule", response_model=list[FeeLine])
def admin_fee_schedule(lines: list[FeeLine]) -> list[FeeLine]:
    return lines


@admin.get("/applicants/{applicant_id}", response_model=Applicant, responses=E)
def admin_applicant(applicant_id: int) -> Applicant:
    raise HTTPException(404)


@app.post("/intranet/sync", status_code=202, tags=["ops"])
def intranet_sync() -> None:
    """Nightly sync with the clerk's records system at records.springfield.local."""


app.include_router(apps)
app.include_router(permits)
app.include_router(staff)
app.include_router(admin)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
