"""TelehealthX: telemedicine platform (patients, clinicians, appointments, prescriptions, claims, video).

Generate the OpenAPI document with:  python telehealthx_app.py > telehealthx.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal, Optional
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

oauth2 = OAuth2PasswordBearer(
    tokenUrl="oauth/token", scopes={"patient": "Patient app", "clinician": "Clinician console"}
)


# --------------------------------------------------------------------------- models


class TokenRequest(BaseModel):
    grant_type: Literal["password", "refresh_token"]
    username: Optional[str] = Field(default=None, max_length=254)
    password: Optional[str] = Field(default=None, max_length=128)
    refresh_token: Optional[str] = Field(default=None, max_length=2048)
    scope: Literal["patient", "clinician"] = "patient"


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: Optional[str] = None
    scope: str = ""


class SmartConfiguration(BaseModel):
    """SMART App Launch discovery document (HL7 FHIR)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "issuer": "https://auth.telehealthx.com",
                    "authorization_endpoint": "https://auth.telehealthx.com/oauth/authorize",
                    "token_endpoint": "https://auth.telehealthx.com/oauth/token",
                    "jwks_uri": "https://auth.telehealthx.com/.well-known/jwks.json",
                    "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
                    "scopes_supported": ["openid", "fhirUser", "patient/*.read"],
                    "capabilities": ["launch-standalone", "client-confidential-symmetric"],
                }
            ]
        }
    )

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods_supported: list[str]
    scopes_supported: list[str]
    capabilities: list[str]


class PostalAddress(BaseModel):
    line1: str = Field(max_length=200)
    city: str = Field(max_length=100)
    state: str = Field(pattern=r"^[A-Z]{2}$")
    zip: str = Field(pattern=r"^\d{5}(-\d{4})?$")


class PatientCreate(BaseModel):
    first_name: str = Field(max_length=60)
    last_name: str = Field(max_length=60)
    date_of_birth: date
    sex_at_birth: Literal["female", "male", "unknown"] = "unknown"
    email: str = Field(max_length=254)
    phone: str = Field(max_length=20)
    ssn: Optional[str] = Field(
        default=None, pattern=r"^\d{3}-?\d{2}-?\d{4}$", description="Optional; speeds up insurance matching."
    )
    address: Optional[PostalAddress] = None


class InsuranceCoverage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payer_name": "Blue Cross Blue Shield of Massachusetts",
                    "payer_id": "BCBSMA",
                    "member_id": "W284719350",
                    "group_number": "0077341",
                    "plan_type": "PPO",
                }
            ]
        }
    )

    payer_name: str
    payer_id: str
    member_id: str
    group_number: Optional[str] = None
    plan_type: Literal["HMO", "PPO", "EPO", "Medicare", "Medicaid"]


class PatientOut(BaseModel):
    id: UUID
    mrn: str = Field(description="Medical record number.")
    first_name: str
    last_name: str
    date_of_birth: date
    email: str
    phone: str
    ssn_last4: Optional[str] = Field(default=None, pattern=r"^\d{4}$")
    preferred_pharmacy_id: Optional[str] = None
    insurance: Optional[InsuranceCoverage] = None


class PatientChart(BaseModel):
    """Clinician-facing chart summary (camelCase for the clinician web console)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "6f1e2a0c-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
                    "mrn": "MRN-00482913",
                    "firstName": "Kevin",
                    "lastName": "Whitfield",
                    "dateOfBirth": "1971-08-30",
                    "email": "k.whitfield71@outlook.com",
                    "phone": "(617) 823-4471",
                    "ssn": "287-65-4321",
                    "allergies": ["penicillin"],
                    "problemList": ["E11.9", "I10"],
                    "lastVisitAt": "2024-05-14T15:30:00Z",
                }
            ]
        },
    )

    id: UUID
    mrn: str
    first_name: str
    last_name: str
    date_of_birth: date
    email: str
    phone: str
    ssn: Optional[str] = None
    allergies: list[str] = Field(default_factory=list)
    problem_list: list[str] = Field(default_factory=list, description="ICD-10-CM codes.")
    last_visit_at: Optional[datetime] = None


class IdentityDocumentType(str, Enum):
    passport = "passport"
    drivers_license = "drivers_license"
    state_id = "state_id"


class IdentityVerification(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "verified",
                    "document_type": "drivers_license",
                    "document_number": "S530-4412-8873",
                    "document_country": "US",
                    "document_expiry": "2029-03-31",
                    "vendor_reference": "inq_7Xk2Pq9Lm3Rt",
                    "verified_at": "2024-04-02T18:22:10Z",
                }
            ]
        }
    )

    status: Literal["pending", "verified", "failed"]
    document_type: IdentityDocumentType
    document_number: Optional[str] = Field(default=None, description="Number printed on the ID document.")
    document_country: str
    document_expiry: Optional[date] = None
    vendor_reference: Optional[str] = Field(default=None, description="Inquiry id at the ID-verification vendor.")
    verified_at: Optional[datetime] = None


class IdentityUpload(BaseModel):
    document_type: IdentityDocumentType
    front_image_base64: str = Field(max_length=8_000_000)
    back_image_base64: Optional[str] = Field(default=None, max_length=8_000_000)


class PrivacyPreferences(BaseModel):
    share_with_primary_care: bool = True
    research_opt_in: bool = False
    marketing_opt_in: bool = False


class ClinicianOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c8a1b2c3-d4e5-4f60-8192-a3b4c5d6e7f8",
                    "display_name": "Dr. Sarah Kim, MD",
                    "specialties": ["family_medicine"],
                    "npi": "1245319599",
                    "state_license_number": "MA-267114",
                    "license_state": "MA",
                    "accepting_new_patients": True,
                    "languages": ["en", "ko"],
                }
            ]
        }
    )

    id: UUID
    display_name: str
    specialties: list[str]
    npi: str = Field(description="National Provider Identifier (public NPPES registry).")
    state_license_number: str = Field(
        description="State medical board licence, verifiable on the board's public lookup."
    )
    license_state: str
    accepting_new_patients: bool = True
    languages: list[str] = Field(default_factory=list)
    bio: Optional[str] = None


class ClinicianInDB(ClinicianOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c8a1b2c3-d4e5-4f60-8192-a3b4c5d6e7f8",
                    "display_name": "Dr. Sarah Kim, MD",
                    "specialties": ["family_medicine"],
                    "npi": "1245319599",
                    "state_license_number": "MA-267114",
                    "license_state": "MA",
                    "email": "sarah.kim@telehealthx.com",
                    "password_hash": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                    "mfa_recovery_codes": ["3hq8-vk2m-p9dx"],
                    "totp_enabled": True,
                }
            ]
        }
    )

    email: str
    password_hash: str
    mfa_recovery_codes: list[str] = Field(default_factory=list)
    totp_enabled: bool = False
    last_login_at: Optional[datetime] = None


class VisitType(str, Enum):
    video = "video"
    phone = "phone"
    async_chat = "async_chat"


class AppointmentStatus(str, Enum):
    booked = "booked"
    checked_in = "checked_in"
    in_progress = "in_progress"
    completed = "completed"
    cancelled = "cancelled"


class AppointmentCreate(BaseModel):
    clinician_id: UUID
    start_at: datetime
    visit_type: VisitType = VisitType.video
    reason: str = Field(description="Chief complaint in the patient's words.")
    symptoms: list[str] = Field(default_factory=list)
    pharmacy_ncpdp_id: Optional[str] = Field(default=None, pattern=r"^\d{7}$")


class AppointmentOut(BaseModel):
    id: UUID
    patient_id: UUID
    clinician: ClinicianOut
    start_at: datetime
    visit_type: VisitType
    status: AppointmentStatus
    reason: str
    cancellation_message: Optional[str] = None


class VideoJoinGrant(BaseModel):
    """Short-lived credential to join the visit's video room. Minted per join."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "room_name": "appt-8d1c",
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0ZWxlaGVhbHRoeC12aWRlbyIsInN1YiI6InBhdF81MWMyIiwicm9vbSI6ImFwcHQtOGQxYyIsImV4cCI6MTcxODExMDgwMH0._zbsCpIfKGXWJoA6LQakdV9In24MADeXV-pkGaaz3Fo",
                    "expires_at": "2024-06-11T13:00:00Z",
                    "ice_servers": ["stun:stun.telehealthx.com:3478", "turn:10.30.4.2:3478?transport=udp"],
                }
            ]
        }
    )

    room_name: str
    access_token: str
    expires_at: datetime
    ice_servers: list[str]


class VideoRoom(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "room_sid": "RM2f4c9e7a1b3d5f6081a2b3c4d5e6f708",
                    "provider": "twilio",
                    "twilio_account_sid": "AC6a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d",
                    "twilio_auth_token": "9f0c2b7e4a1d6f3c8b5e2a7d4f1c6b3e",
                    "recording_enabled": False,
                    "max_participants": 3,
                    "region": "us1",
                }
            ]
        }
    )

    room_sid: str
    provider: Literal["twilio", "vonage"]
    twilio_account_sid: Optional[str] = None
    twilio_auth_token: Optional[str] = None
    recording_enabled: bool = False
    max_participants: int = 2
    region: str


class CardDetails(BaseModel):
    number: str = Field(pattern=r"^\d{13,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")


class CopayPayment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "card": {"number": "5555555555554444", "exp_month": 3, "exp_year": 2030, "cvc": "123"},
                    "amount_cents": 2500,
                }
            ]
        }
    )

    card: CardDetails
    amount_cents: int = Field(ge=1, le=100_000)


class CopayReceipt(BaseModel):
    receipt_id: str
    card_brand: str
    card_last4: str
    amount_cents: int


class PrescriptionCreate(BaseModel):
    patient_id: UUID
    medication_rxnorm: str = Field(pattern=r"^\d{1,10}$", description="RxNorm concept id.")
    sig: str = Field(description="Directions for use, e.g. 'Take 1 tablet by mouth twice daily'.")
    quantity: int = Field(ge=1, le=1000)
    refills: int = Field(default=0, ge=0, le=11)
    pharmacy_ncpdp_id: str = Field(pattern=r"^\d{7}$")


class PrescriptionOut(BaseModel):
    id: UUID
    rx_number: str
    medication_name: str
    sig: str
    quantity: int
    refills: int
    status: Literal["draft", "signed", "transmitted", "filled", "cancelled"]
    pharmacy_ncpdp_id: str
    prescriber_npi: str
    erx_message_id: Optional[str] = Field(default=None, description="Surescripts message id.")


class EpcsSignRequest(BaseModel):
    """Two-factor signature for controlled-substance prescriptions (DEA EPCS)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"otp": "<6-digit code>", "pin": "<epcs-pin>"}]})

    otp: str = Field(pattern=r"^\d{6}$")
    pin: str = Field(min_length=4, max_length=8, description="Prescriber's EPCS PIN.")


class PharmacyIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "network": "surescripts",
                    "client_id": "thx-prod-7731",
                    "client_secret": "Ss_9vQ2mXk7Lp4Rt8Wn3Zb6Yc1Df5Gh0Jk",
                    "client_secret_rotated_at": "2024-01-15T00:00:00Z",
                    "environment": "production",
                }
            ]
        }
    )

    network: Literal["surescripts", "dosespot"]
    client_id: str
    client_secret: str
    client_secret_rotated_at: Optional[datetime] = None
    environment: Literal["production", "certification"]


class PharmacyIntegrationUpdate(BaseModel):
    network: Literal["surescripts", "dosespot"]
    client_id: str = Field(max_length=64)
    client_secret: str = Field(max_length=128)
    environment: Literal["production", "certification"] = "production"


class ClaimStatus(str, Enum):
    submitted = "submitted"
    accepted = "accepted"
    denied = "denied"
    paid = "paid"


class ClaimOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b7d3c1e-2f4a-4b6c-9d8e-7f6a5b4c3d2e",
                    "appointment_id": "a1d4c7e0-9b8a-4f6e-8d2c-1b0a9f8e7d6c",
                    "payer_id": "BCBSMA",
                    "member_id": "W284719350",
                    "status": "denied",
                    "billed_cents": 18500,
                    "allowed_cents": 0,
                    "denial_reason": "CO-197: precertification absent",
                    "cpt_codes": ["99213", "95"],
                    "icd10_codes": ["J02.9"],
                    "subscriber_name": "Kevin Whitfield",
                    "subscriber_dob": "1971-08-30",
                    "subscriber_ssn": "532-71-0948",
                    "clearinghouse_ref": "CH-20240514-88213",
                }
            ]
        }
    )

    id: UUID
    appointment_id: UUID
    payer_id: str
    member_id: str
    status: ClaimStatus
    billed_cents: int
    allowed_cents: Optional[int] = None
    denial_reason: Optional[str] = None
    cpt_codes: list[str]
    icd10_codes: list[str]
    subscriber_name: str
    subscriber_dob: date
    subscriber_ssn: Optional[str] = Field(default=None, description="Some payers still key subscribers by SSN.")
    clearinghouse_ref: Optional[str] = None


class ClaimReview(BaseModel):
    claim_id: UUID
    reviewer_id: UUID
    outcome: Literal["resubmit", "write_off", "appeal"]
    notes: Optional[str] = None


class EligibilitySyncResult(BaseModel):
    payers_checked: int
    coverage_changes: int


class Problem(BaseModel):
    """RFC 9457 problem details, with our extensions."""

    model_config = ConfigDict(populate_by_name=True)

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    trace_id: Optional[str] = Field(default=None, alias="traceId")
    stack_trace: Optional[list[str]] = Field(
        default=None, alias="stackTrace", description="Server stack frames; populated when APP_ENV != production."
    )
    caused_by: Optional[str] = Field(
        default=None, alias="causedBy", description="repr() of the chained exception (`__cause__`)."
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="TelehealthX Care API",
    summary="Virtual visits, e-prescribing and claims for TelehealthX clinics.",
    version="3.2.1",
    description=(
        "Patient app, clinician console and partner EHR integrations share this API. "
        "A signed BAA is required before production access. Status: https://status.telehealthx.com"
    ),
    terms_of_service="https://telehealthx.com/legal/api-terms",
    contact={
        "name": "TelehealthX API Support",
        "url": "https://developer.telehealthx.com",
        "email": "api-support@telehealthx.com",
    },
    license_info={"name": "Commercial", "url": "https://telehealthx.com/legal/license"},
    openapi_tags=[
        {"name": "auth"},
        {"name": "patients", "description": "Registration, identity verification and privacy settings."},
        {"name": "clinicians", "description": "Public clinician directory and chart access."},
        {"name": "appointments", "description": "Booking, copays and video visits."},
        {"name": "prescriptions", "description": "e-Prescribing, including EPCS."},
        {"name": "claims", "description": "Insurance claims and eligibility."},
        {"name": "settings"},
        {"name": "admin"},
    ],
    servers=[
        {"url": "https://api.telehealthx.com/v1", "description": "Production"},
        {"url": "https://sandbox.telehealthx.com/v1", "description": "Sandbox (synthetic patients only)"},
        {"url": "http://[fd3a:9c1e:44b0::12]:8000/v1", "description": "EHR bridge over the site-to-site VPN"},
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    500: {"model": Problem, "description": "Internal error"},
}

auth = APIRouter(tags=["auth"])
patients = APIRouter(prefix="/patients", tags=["patients"], dependencies=[Depends(oauth2)])
clinicians = APIRouter(prefix="/clinicians", tags=["clinicians"])
appointments = APIRouter(prefix="/appointments", tags=["appointments"], dependencies=[Depends(oauth2)])
prescriptions = APIRouter(prefix="/prescriptions", tags=["prescriptions"], dependencies=[Depends(oauth2)])
claims = APIRouter(prefix="/claims", tags=["claims"], dependencies=[Depends(oauth2)])
settings_router = APIRouter(prefix="/settings", tags=["settings"], dependencies=[Depends(oauth2)])
admin = APIRouter(tags=["admin"])


@auth.post("/oauth/token", response_model=TokenResponse)
def issue_token(body: TokenRequest) -> TokenResponse:
    """Password and refresh-token grants for the first-party apps."""
    return TokenResponse(access_token="...", expires_in=3600)


@auth.get("/.well-known/smart-configuration", response_model=SmartConfiguration)
def smart_configuration() -> SmartConfiguration:
    raise HTTPException(501)


PATIENT_EXAMPLES = {
    "adult": {
        "summary": "Adult self-registration",
        "value": {
            "first_name": "Alex",
            "last_name": "Morgan",
            "date_of_birth": "1988-04-12",
            "email": "alex.morgan@example.com",
            "phone": "+1-617-555-0119",
            "ssn": "XXX-XX-XXXX",
        },
    },
    "from_ehr_import": {
        "summary": "Imported from a partner EHR",
        "value": {
            "first_name": "Olivia",
            "last_name": "Hughes",
            "date_of_birth": "1975-11-02",
            "email": "olivia.hughes@btinternet.com",
            "phone": "07911 482913",
        },
    },
}


@patients.post("", response_model=PatientOut, status_code=201, responses={409: {"model": Problem}})
def register_patient(body: Annotated[PatientCreate, Body(openapi_examples=PATIENT_EXAMPLES)]) -> PatientOut:
    raise HTTPException(501)


@patients.get("/me", response_model=PatientOut, responses=ERRORS)
def my_profile() -> PatientOut:
    raise HTTPException(404)


@patients.get("/me/identity", response_model=IdentityVerification, responses=ERRORS)
def my_identity() -> IdentityVerification:
    raise HTTPException(404)


@patients.post("/me/identity", response_model=IdentityVerification, status_code=202, responses=ERRORS)
def upload_identity(body: IdentityUpload) -> IdentityVerification:
    """Upload ID images; verification completes asynchronously."""
    raise HTTPException(501)


@patients.get("/me/privacy", response_model=PrivacyPreferences)
def get_privacy() -> PrivacyPreferences:
    return PrivacyPreferences()


@patients.put("/me/privacy", response_model=PrivacyPreferences)
def put_privacy(body: PrivacyPreferences) -> PrivacyPreferences:
    return body


@clinicians.get("", response_model=list[ClinicianOut])
def search_clinicians(
    specialty: Optional[str] = None,
    state: Annotated[Optional[str], Query(pattern=r"^[A-Z]{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[ClinicianOut]:
    return []


@clinicians.get("/{clinician_id}", response_model=ClinicianOut, responses=ERRORS)
def get_clinician(clinician_id: UUID) -> ClinicianOut:
    raise HTTPException(404)


@clinicians.get(
    "/me/patients/{patient_id}/chart",
    response_model=PatientChart,
    responses=ERRORS,
    dependencies=[Depends(oauth2)],
)
def patient_chart(patient_id: UUID) -> PatientChart:
    raise HTTPException(404)


@appointments.post(
    "",
    response_model=AppointmentOut,
    status_code=201,
    responses={
        201: {
            "description": "Booked",
            "links": {
                "GetAppointment": {
                    "operationRef": "https://scheduling.telehealthx.intranet/openapi.json#/paths/~1appointments~1{appointment_id}/get",
                    "parameters": {"appointment_id": "$response.body#/id"},
                    "description": "Read the booking back from the scheduling service.",
                },
                "JoinVideo": {
                    "operationId": "joinVideo",
                    "parameters": {"appointment_id": "$response.body#/id"},
                },
            },
        },
        409: {"model": Problem, "description": "Slot no longer available"},
    },
)
def book(body: AppointmentCreate) -> AppointmentOut:
    raise HTTPException(501)


@appointments.get("", response_model=list[AppointmentOut])
def my_appointments(
    status: Optional[AppointmentStatus] = None,
    since: Optional[date] = None,
    limit: int = 50,
) -> list[AppointmentOut]:
    return []


@appointments.get("/{appointment_id}", response_model=AppointmentOut, operation_id="getAppointment", responses=ERRORS)
def get_appointment(appointment_id: UUID) -> AppointmentOut:
    raise HTTPException(404)


@appointments.post("/{appointment_id}/join", response_model=VideoJoinGrant, operation_id="joinVideo", responses=ERRORS)
def join_video(appointment_id: UUID) -> VideoJoinGrant:
    """Mint a join token for the caller (patient or clinician)."""
    raise HTTPException(404)


@appointments.get("/{appointment_id}/room", response_model=VideoRoom, responses=ERRORS)
def video_room(appointment_id: UUID) -> VideoRoom:
    """Room details, used by the clinician console to show connection quality."""
    raise HTTPException(404)


@appointments.post("/{appointment_id}/copay", response_model=CopayReceipt, status_code=201, responses=ERRORS)
def pay_copay(appointment_id: UUID, body: CopayPayment) -> CopayReceipt:
    raise HTTPException(501)


@prescriptions.post("", response_model=PrescriptionOut, status_code=201, responses=ERRORS)
def create_prescription(body: PrescriptionCreate) -> PrescriptionOut:
    raise HTTPException(501)


@prescriptions.get("/{prescription_id}", response_model=PrescriptionOut, responses=ERRORS)
def get_prescription(prescription_id: UUID) -> PrescriptionOut:
    raise HTTPException(404)


@prescriptions.post("/{prescription_id}/sign", response_model=PrescriptionOut, responses=ERRORS)
def sign_prescription(prescription_id: UUID, body: EpcsSignRequest) -> PrescriptionOut:
    raise HTTPException(404)


@claims.get("", response_model=list[ClaimOut], responses={"default": {"model": Problem}})
def list_claims(
    status: Optional[ClaimStatus] = None,
    payer_id: Optional[str] = None,
) -> list[ClaimOut]:
    return []


@claims.get("/{claim_id}", response_model=ClaimOut, responses=ERRORS)
def get_claim(claim_id: UUID) -> ClaimOut:
    raise HTTPException(404)


@claims.get("/{claim_id}/internal-review", response_model=ClaimReview, responses=ERRORS)
def claim_review(claim_id: UUID) -> ClaimReview:
    """The billing team's review of a denied claim (shown to the clinic's billing staff)."""
    raise HTTPException(404)


@settings_router.get("/integrations/pharmacy", response_model=PharmacyIntegration)
def get_pharmacy_integration() -> PharmacyIntegration:
    raise HTTPException(404)


@settings_router.put("/integrations/pharmacy", response_model=PharmacyIntegration)
def put_pharmacy_integration(body: PharmacyIntegrationUpdate) -> PharmacyIntegration:
    raise HTTPException(501)


@admin.get("/admin/clinicians", response_model=list[ClinicianInDB])
def admin_clinicians(email: Annotated[Optional[str], Query(max_length=254)] = None) -> list[ClinicianInDB]:
    return []


@admin.get("/admin/clinicians/{clinician_id}", response_model=ClinicianInDB, responses=ERRORS)
def admin_clinician(clinician_id: UUID) -> ClinicianInDB:
    raise HTTPException(404)


@admin.post(
    "/private/eligibility/sync",
    response_model=EligibilitySyncResult,
    openapi_extra={"x-internal": True},
)
def eligibility_sync(payer_id: Annotated[Optional[str], Query(max_length=16)] = None) -> EligibilitySyncResult:
    """Run the 270/271 eligibility batch.

    Reads coverage from postgresql://elig_sync:Wint3r#Claims@claims-db.telehealthx.internal:5432/claims
    """
    return EligibilitySyncResult(payers_checked=0, coverage_changes=0)


@admin.get("/__debug__/headers", response_model=dict[str, str])
def debug_headers() -> dict[str, str]:
    """Echo the request headers as seen behind the load balancer."""
    return {}


app.include_router(auth)
app.include_router(patients)
app.include_router(clinicians)
app.include_router(appointments)
app.include_router(prescriptions)
app.include_router(claims)
app.include_router(settings_router)
app.include_router(admin)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
