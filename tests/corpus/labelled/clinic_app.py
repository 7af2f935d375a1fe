"""BrightCare Clinics: patients, appointments, telehealth, billing and EHR integration.

Generate the OpenAPI document with:  python clinic_app.py > clinic.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, computed_field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    data: list[T]
    page: int
    per_page: int
    has_more: bool


# --------------------------------------------------------------------------- patients


class InsuranceInfo(BaseModel):
    payer: str = Field(max_length=120, examples=["Blue Cross Blue Shield"])
    member_id: str = Field(pattern=r"^[A-Z0-9]{6,20}$", examples=["XJH448120931"])
    group_no: Optional[str] = Field(default=None, pattern=r"^[A-Z0-9-]{1,20}$")

    @computed_field
    @property
    def display(self) -> str:
        return f"{self.payer} ({self.member_id[-4:]})"


class PatientIntake(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "givenName": "Alex",
                    "familyName": "Kim",
                    "dob": "1988-11-02",
                    "email": "alex.kim@example.net",
                    "phone": "+44 7700 900456",
                    "ssn": "XXX-XX-XXXX",
                    "insurance": {"payer": "Aetna", "member_id": "W123456789"},
                    "allergies": ["penicillin"],
                }
            ]
        }
    )

    givenName: str = Field(max_length=80)
    familyName: str = Field(max_length=80)
    dob: date
    email: str = Field(max_length=254)
    phone: Optional[str] = Field(default=None, max_length=32)
    ssn: Optional[str] = Field(
        default=None, pattern=r"^\d{3}-\d{2}-\d{4}$", description="Optional; only for self-pay patients."
    )
    insurance: Optional[InsuranceInfo] = None
    allergies: list[str] = Field(default_factory=list)
    notes: Optional[str] = Field(default=None, description="Anything the front desk should know.")


class PatientChart(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "b8e1c0d2-4f7a-4e3b-9a65-0d2c7f1e8b39",
                    "mrn": "MRN-0042117",
                    "givenName": "Rosa",
                    "familyName": "Delgado",
                    "dob": "1973-06-21",
                    "email": "rosa.delgado73@yahoo.com",
                    "phone": "+44 7700 900123",
                    "driversLicenseNo": "D482-1557-1963",
                    "insurance": {"payer": "Cigna", "member_id": "U88231047", "display": "Cigna (1047)"},
                    "primaryClinicianNpi": "1588667638",
                }
            ]
        }
    )

    id: UUID
    mrn: str = Field(description="Medical record number (our internal chart id).")
    givenName: str
    familyName: str
    dob: date
    email: Optional[str] = None
    phone: Optional[str] = None
    driversLicenseNo: Optional[str] = Field(default=None, description="Photo-ID captured at check-in.")
    insurance: Optional[InsuranceInfo] = None
    primaryClinicianNpi: Optional[str] = None


class PatientListItem(BaseModel):
    id: UUID
    mrn: str
    display_name: str
    dob: date


class PortalAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "patient_id": "b8e1c0d2-4f7a-4e3b-9a65-0d2c7f1e8b39",
                    "username": "rdelgado",
                    "pwd_hash": "pbkdf2_sha256$600000$Xq9mLp2vR7tW$3kF8dH5jL0sN6gA9eU2iO7kM4qP1rT8vW6yB5nC0xZ=",
                    "pwd_last_changed": "2024-02-14T08:30:00Z",
                    "mfa_enrolled": False,
                    "locked": False,
                }
            ]
        }
    )

    patient_id: UUID
    username: str
    pwd_hash: str
    pwd_last_changed: Optional[datetime] = None
    mfa_enrolled: bool = False
    locked: bool = False


class PortalLogin(BaseModel):
    username: str = Field(max_length=64)
    pwd: str = Field(max_length=128, description="Patient portal password.")


class PortalSession(BaseModel):
    """Issued by POST /api/v1/portal/login only."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"sessionTok": "<session-token>", "expires_in": 1800}]})

    sessionTok: str
    expires_in: int


# --------------------------------------------------------------------------- billing


class CardOnFile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "brand": "visa",
                    "pan": "4716203855106420",
                    "cvv2": "837",
                    "cardLast4": "6420",
                    "exp": "09/27",
                    "cardholder": "Rosa Delgado",
                }
            ]
        }
    )

    brand: str
    pan: str = Field(description="Card number kept for recurring copay charges.")
    cvv2: Optional[str] = None
    cardLast4: str
    exp: str
    cardholder: str


class PatientBilling(BaseModel):
    patient_id: UUID
    balance_due: float
    currency: str = "USD"
    card: Optional[CardOnFile] = None


class CardOnFileCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"pan": "4242424242424242", "cvc": "123", "exp_month": 12, "exp_year": 2030}]}
    )

    pan: str = Field(pattern=r"^\d{13,19}$")
    cvc: str = Field(pattern=r"^\d{3,4}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)


# --------------------------------------------------------------------------- clinicians & appointments


class Specialty(str, Enum):
    family_medicine = "family_medicine"
    internal_medicine = "internal_medicine"
    pediatrics = "pediatrics"
    dermatology = "dermatology"


class Clinician(BaseModel):
    id: UUID
    name: str
    specialty: Specialty
    npi: str = Field(examples=["1588667638"], description="National Provider Identifier (public NPPES registry).")
    accepting_new_patients: bool = True


class VisitType(str, Enum):
    in_person = "in_person"
    telehealth = "telehealth"


class AppointmentCreate(BaseModel):
    patient_id: UUID
    clinician_id: UUID
    starts_at: datetime
    visit_type: VisitType = VisitType.in_person
    reason: str


class Appointment(BaseModel):
    id: UUID
    patient_id: UUID
    clinician_id: UUID
    starts_at: datetime
    visit_type: VisitType
    status: Literal["booked", "checked_in", "completed", "cancelled", "no_show"]
    reason: str
    video_room_url: Optional[str] = Field(default=None, examples=["https://meet.brightcare.health/r/8f3k2q"])


class TelehealthSession(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "appointment_id": "5a2f9c71-3e08-4b6d-a1c4-7e9d0b2f8a15",
                    "joinToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb29tIjoiYXBwdF81NTIxIiwic3ViIjoicGF0Xzg4MzE0Iiwicm9sZSI6InBhdGllbnQiLCJleHAiOjE3MTQ2NDA0MDB9.Upzqyripa8S67u49M5DMDp5zVLEw0oK46k4X3QPJ5Ko",
                    "join_url": "https://meet.brightcare.health/r/8f3k2q",
                    "expires_at": "2024-05-02T15:30:00Z",
                }
            ]
        }
    )

    appointment_id: UUID
    joinToken: str
    join_url: str
    expires_at: datetime


class Referral(BaseModel):
    id: UUID
    patient_id: UUID
    to_specialty: Specialty
    status: Literal["sent", "accepted", "declined"]


class LabResult(BaseModel):
    code: str = Field(examples=["2345-7"], description="LOINC code")
    name: str
    value: str
    unit: Optional[str] = None
    flag: Optional[Literal["H", "L", "N"]] = None
    resulted_at: datetime


# --------------------------------------------------------------------------- integrations & reports


class EhrLink(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "athenahealth",
                    "client_id": "0oa4x9q2ZbN7fK1lR5d7",
                    "client_secret": "Hc8~pL2vQ9_rT5wX3yZ7aB1dE4gJ6kM0nS",
                    "accessTok": "ya29.a0AfB_byC3kL9mQ2vX7pR4tW8yZ1cF5dH0jL3sN6gA9eU2iO7kMwR8tW1yZ4cF",
                    "fhir_base_url": "https://fhir.ehr-vendor.example/r4",
                    "hl7_endpoint": "mllp://10.60.2.14:2575",
                    "last_sync_at": "2024-05-01T02:00:00Z",
                }
            ]
        }
    )

    vendor: str
    client_id: str
    client_secret: str
    accessTok: Optional[str] = Field(default=None, description="Cached vendor access token.")
    fhir_base_url: str
    hl7_endpoint: Optional[str] = None
    last_sync_at: Optional[datetime] = None


class ReminderJob(BaseModel):
    id: str
    channel: Literal["sms", "email"]
    cron: str = Field(examples=["0 9 * * *"])
    exception_handling: Literal["skip", "retry", "escalate"] = Field(
        default="retry", description="What to do when a reminder cannot be delivered."
    )


class SavedReport(BaseModel):
    id: str
    name: str
    sql: str = Field(examples=["SELECT clinician_id, count(*) FROM appointments WHERE status = 'no_show' GROUP BY 1"])
    owner: str


class AuditExportRow(BaseModel):
    at: datetime
    actor: str
    action: str
    patient_id: Optional[UUID] = None


# --------------------------------------------------------------------------- errors


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None


class ClinicServerError(BaseModel):
    message: str = Field(examples=["Something went wrong. Please try again."])
    exc_repr: Optional[str] = Field(default=None, description="repr() of the exception that was raised.")
    db_query: Optional[str] = Field(default=None, description="Query that was executing when the error happened.")
    retry_after: Optional[int] = None
    trace_id: str


app = FastAPI(
    title="BrightCare Clinic API",
    version="1.12.0",
    description=(
        "Scheduling and patient records for BrightCare clinics. Webhook deliveries "
        "originate from 192.0.2.10. No patient password is ever returned by this API."
    ),
    servers=[
        {"url": "https://api.brightcare.health", "description": "Production"},
        {"url": "https://staging-api.brightcare.health", "description": "Staging (synthetic data)"},
        {"url": "http://ehr-bridge.clinic.intranet:8080", "description": "EHR bridge (clinic LAN)"},
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    500: {"model": ClinicServerError, "description": "Server error"},
}

api = APIRouter(prefix="/api/v1")
PatientId = Annotated[UUID, Path(description="Patient id")]


@api.get("/patients", response_model=Page[PatientListItem], tags=["patients"])
def list_patients(
    q: Optional[str] = Query(default=None, description="Name, MRN or date of birth"),
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
    api_key: Annotated[
        Optional[str],
        Query(
            max_length=64,
            deprecated=True,
            description="Deprecated; send the key in the Authorization header instead.",
            examples=["bc_live_4f9Qz7LmX2pR8sT1vW6yK3nB"],
        ),
    ] = None,
) -> Page[PatientListItem]:
    return Page[PatientListItem](data=[], page=page, per_page=per_page, has_more=False)


@api.post("/patients", response_model=PatientChart, status_code=201, tags=["patients"], responses=ERRORS)
def register_patient(body: PatientIntake) -> PatientChart:
    raise HTTPException(501)


@api.get("/patients/{patient_id}", response_model=PatientChart, tags=["patients"], responses=ERRORS)
def get_patient(patient_id: PatientId) -> PatientChart:
    raise HTTPException(404)


@api.get("/patients/{patient_id}/portal-account", response_model=PortalAccount, tags=["portal"], responses=ERRORS)
def get_portal_account(patient_id: PatientId) -> PortalAccount:
    raise HTTPException(404)


@api.post("/portal/login", response_model=PortalSession, tags=["portal"], responses={401: {"model": Problem}})
def portal_login(body: PortalLogin) -> PortalSession:
    """Patient portal sign-in. Forgotten passwords are reset from the sign-in page."""
    raise HTTPException(401)


@api.get("/patients/{patient_id}/billing", response_model=PatientBilling, tags=["billing"], responses=ERRORS)
def get_billing(patient_id: PatientId) -> PatientBilling:
    raise HTTPException(404)


@api.put("/patients/{patient_id}/billing/card", status_code=204, tags=["billing"], responses=ERRORS)
def put_card(patient_id: PatientId, body: CardOnFileCreate) -> None:
    pass


@api.get("/patients/{patient_id}/lab-results", response_model=list[LabResult], tags=["patients"], responses=ERRORS)
def lab_results(patient_id: PatientId, since: Optional[date] = None) -> list[LabResult]:
    """Lab results, pulled nightly from the LIS at labs.brightcare.local."""
    return []


@api.get("/clinicians", response_model=list[Clinician], tags=["clinicians"])
def list_clinicians(specialty: Optional[Specialty] = None) -> list[Clinician]:
    return []


@api.post("/appointments", response_model=Appointment, status_code=201, tags=["appointments"], responses=ERRORS)
def book(body: AppointmentCreate) -> Appointment:
    """Book an appointment. Reminders are sent by https://notify.brightcare.health."""
    raise HTTPException(501)


@api.get("/appointments", response_model=Page[Appointment], tags=["appointments"])
def list_appointments(
    clinician_id: Optional[UUID] = None,
    day: Optional[date] = None,
    page: int = 1,
) -> Page[Appointment]:
    return Page[Appointment](data=[], page=page, per_page=25, has_more=False)


@api.post(
    "/appointments/{appointment_id}/telehealth",
    response_model=TelehealthSession,
    status_code=201,
    tags=["telehealth"],
    responses=ERRORS,
)
def start_telehealth(appointment_id: UUID) -> TelehealthSession:
    raise HTTPException(404)


@api.get(
    "/appointments/{appointment_id}/telehealth", response_model=TelehealthSession, tags=["telehealth"], responses=ERRORS
)
def get_telehealth(appointment_id: UUID) -> TelehealthSession:
    """Current telehealth session for the appointment (so the patient can re-join)."""
    raise HTTPException(404)


@api.get("/internal-medicine/referrals", response_model=list[Referral], tags=["referrals"])
def internal_medicine_referrals(status: Optional[Literal["sent", "accepted", "declined"]] = None) -> list[Referral]:
    """Referrals into the Internal Medicine department."""
    return []


@api.get("/docs/administrators", response_class=HTMLResponse, tags=["docs"])
def administrators_guide() -> str:
    """How clinic administrators manage schedules and staff accounts."""
    return "<h1>Guide</h1>"


@api.get("/integrations/ehr", response_model=EhrLink, tags=["integrations"], responses=ERRORS)
def get_ehr_link() -> EhrLink:
    raise HTTPException(404)


@api.get("/reminder-jobs", response_model=list[ReminderJob], tags=["reminders"])
def reminder_jobs() -> list[ReminderJob]:
    return []


@api.get("/reports/saved", response_model=list[SavedReport], tags=["reports"])
def saved_reports() -> list[SavedReport]:
    return []


@api.get("/admin/audit-export", response_model=list[AuditExportRow], tags=["admin"], responses=ERRORS)
def audit_export(
    start: date,
    end: date,
    actor: Optional[str] = None,
) -> list[AuditExportRow]:
    return []


@api.post("/debug/echo", tags=["debug"])
def debug_echo(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    return payload


@api.post("/ehr/_private/resync", status_code=202, tags=["integrations"], responses=ERRORS)
def ehr_resync(since: Optional[datetime] = None) -> None:
    """Replay the HL7 feed from sftp://hl7feed:Cl1n1c!2023@ehr-bridge.clinic.intranet/outbound."""


app.include_router(api)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
