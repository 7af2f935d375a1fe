"""Lumen Health: telehealth visits, partner lab orders and e-prescribing.

Generate the OpenAPI document with:  python lumenhealth_app.py > lumenhealth.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query
from fastapi.responses import Response
from fastapi.security import HTTPBearer, OpenIdConnect
from pydantic import BaseModel, ConfigDict, Field

clinician_bearer = HTTPBearer(scheme_name="clinicianBearer")
patient_oidc = OpenIdConnect(
    openIdConnectUrl="https://auth.lumenhealth.com/.well-known/openid-configuration",
    scheme_name="patientOidc",
)

T = TypeVar("T")


class Bundle(BaseModel, Generic[T]):
    """FHIR-style search set."""

    total: int
    entry: list[T]
    nextLink: str | None = None


# --------------------------------------------------------------------------- patients


class ContactPoint(BaseModel):
    email: str | None = None
    phone: str | None = None
    preferredChannel: Literal["sms", "email", "voice"] = "sms"


class PatientCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "givenName": "Ana",
                    "familyName": "Ruiz",
                    "birthDate": "1987-04-12",
                    "email": "ana.ruiz@example.org",
                    "phone": "+1-503-555-0134",
                    "ssn": "XXX-XX-XXXX",
                }
            ]
        }
    )

    givenName: str = Field(max_length=80)
    familyName: str = Field(max_length=80)
    birthDate: date
    email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    ssn: str | None = Field(
        default=None, pattern=r"^\d{3}-\d{2}-\d{4}$", description="Only used for the insurance eligibility check."
    )
    preferredPharmacyNcpdpId: str | None = Field(default=None, pattern=r"^\d{7}$")


class PatientSummary(BaseModel):
    id: UUID
    mrn: str = Field(examples=["00412873"], description="Medical record number.")
    displayName: str
    birthDate: date
    lastVisitAt: datetime | None = None


class IdentityDocument(BaseModel):
    """Government ID captured during identity proofing (required before controlled-substance prescriptions)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documentType": "passport",
                    "documentNumber": "568213947",
                    "issuingCountry": "US",
                    "expiresOn": "2031-08-14",
                    "verifiedAt": "2024-02-19T16:20:00Z",
                }
            ]
        }
    )

    documentType: Literal["passport", "drivers_license", "state_id"]
    documentNumber: str
    issuingCountry: str
    issuingState: str | None = None
    expiresOn: date
    verifiedAt: datetime | None = None


class Coverage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payerName": "Cascade Mutual",
                    "memberId": "CMX884120553",
                    "groupNumber": "G-10442",
                    "subscriberName": "Dana Whitfield",
                    "subscriberSsn": "418-62-9053",
                    "copayAmount": "25.00",
                }
            ]
        }
    )

    payerName: str = Field(max_length=120)
    memberId: str = Field(max_length=40)
    groupNumber: str | None = Field(default=None, max_length=40)
    subscriberName: str = Field(max_length=120)
    subscriberSsn: str | None = Field(default=None, pattern=r"^\d{3}-\d{2}-\d{4}$")
    copayAmount: Decimal = Field(ge=0, le=10_000)


class PortalAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "dwhitfield",
                    "passwordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$Rk1dN2s5Y3ZhUjh0VzFxWjRtTjdwTDJ4QzVoRzlqSw",
                    "mfaEnrolled": True,
                    "passwordUpdatedAt": "2024-01-07T18:03:00Z",
                    "lastLoginAt": "2024-06-01T14:55:10Z",
                }
            ]
        }
    )

    username: str
    passwordHash: str
    mfaEnrolled: bool = False
    passwordUpdatedAt: datetime | None = None
    recoveryCodes: list[str] = Field(default_factory=list, description="Unused one-time MFA recovery codes.")
    lastLoginAt: datetime | None = None


class PatientChart(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b2c4d6e-8f01-4a23-b456-7c8d9e0f1a2b",
                    "mrn": "00412873",
                    "givenName": "Dana",
                    "familyName": "Whitfield",
                    "birthDate": "1979-11-02",
                    "contact": {
                        "email": "dana.whitfield@outlook.com",
                        "phone": "+1 (971) 284-3317",
                        "preferredChannel": "sms",
                    },
                    "homeAddress": "2210 NE Alberta St, Portland, OR 97211",
                    "allergies": ["penicillin"],
                }
            ]
        }
    )

    id: UUID
    mrn: str
    givenName: str
    familyName: str
    birthDate: date
    contact: ContactPoint
    homeAddress: str | None = None
    identity: IdentityDocument | None = None
    coverage: list[Coverage] = []
    portalAccount: PortalAccount | None = None
    allergies: list[str] = []


class SupportPatientView(BaseModel):
    """What the support tool shows an agent before unlocking a portal account."""

    patient: PatientSummary
    ssnLast4: str | None = Field(default=None, examples=["9053"])
    identityVerified: bool
    portalLocked: bool
    openTickets: int = 0


# --------------------------------------------------------------------------- clinicians


class ClinicianOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                    "npi": "1457396024",
                    "displayName": "Dr. Miriam Hollis",
                    "specialty": "internal-medicine",
                    "licenseStates": ["OR", "WA"],
                    "email": "miriam.hollis@lumenhealth.com",
                    "acceptingNewPatients": True,
                }
            ]
        }
    )

    id: UUID
    npi: str = Field(description="National Provider Identifier (public NPPES registry).")
    displayName: str
    specialty: str
    licenseStates: list[str]
    email: str
    acceptingNewPatients: bool = True


class EpcsEnrollment(BaseModel):
    """EPCS two-factor enrolment of a prescriber. Seeds are wrapped by the HSM at hsm01.sec.lumen.lan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "clinicianId": "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",
                    "tokenSerial": "LMN-00418823",
                    "totpSeed": "P5RLLULFUOIGWSHGLGEBT56BRO22FZGK",
                    "enrolledAt": "2023-10-02T09:00:00Z",
                    "identityProofingLevel": "IAL2",
                }
            ]
        }
    )

    clinicianId: UUID
    tokenSerial: str = Field(description="Serial number printed on the prescriber's hardware token.")
    totpSeed: str
    enrolledAt: datetime
    identityProofingLevel: Literal["IAL1", "IAL2", "IAL3"]


# --------------------------------------------------------------------------- visits + video


class VisitCreate(BaseModel):
    patientId: UUID
    clinicianId: UUID | None = None
    scheduledFor: datetime
    visitType: Literal["video", "phone", "async"] = "video"
    reasonForVisit: str


class VideoRoom(BaseModel):
    roomSid: str = Field(examples=["RM2f9c1e4b7a3d8f0e6c5b4a3d2e1f0a9b"])
    provider: Literal["twilio", "vonage"] = "twilio"
    joinUrl: str = Field(examples=["https://visit.lumenhealth.com/r/RM2f9c1e4b"])
    iceServers: list[str] = Field(
        default_factory=list,
        examples=[["stun:stun.lumenhealth.com:3478", "turn:turn.lumenhealth.com:443?transport=tcp"]],
    )
    status: Literal["created", "in-progress", "completed"] = "created"


class VisitOut(BaseModel):
    id: UUID
    patientId: UUID
    clinicianId: UUID | None = None
    status: Literal["scheduled", "waiting", "in_progress", "completed", "no_show", "cancelled"]
    scheduledFor: datetime
    reasonForVisit: str
    chiefComplaintKeywords: list[str] = Field(default_factory=list, examples=[["cough", "fever"]])
    video: VideoRoom | None = None


class VideoGrantRequest(BaseModel):
    role: Literal["patient", "clinician", "interpreter"]


class VideoGrant(BaseModel):
    """Short-lived access token for the video SDK, minted per participant."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "identity": "patient:9b2c4d6e",
                    "accessToken": "<jwt>",
                    "expiresAt": "2024-06-03T15:30:00Z",
                    "roomSid": "RM2f9c1e4b7a3d8f0e6c5b4a3d2e1f0a9b",
                }
            ]
        }
    )

    identity: str
    accessToken: str
    expiresAt: datetime
    roomSid: str


class ClinicianNote(BaseModel):
    noteId: UUID
    authorId: UUID
    body: str
    createdAt: datetime


class VideoProviderAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "twilio",
                    "accountSid": "AC3f9e2d1c0b4a5968778695a4b3c2d1e0",
                    "apiKeySid": "SK7f3c1a9e2b4d6f8a0c1e3b5d7f9a2c4e",
                    "apiKeySecret": "q3Zr8LmX2vT7pW4nK9bY1cH6dF0gJ5sA",
                    "twilioAuthToken": "5a511db37e9cc59794a90bce2deba868",
                    "region": "us1",
                }
            ]
        }
    )

    provider: Literal["twilio", "vonage"]
    accountSid: str
    apiKeySid: str = Field(description="SID of the API key (an identifier, starts with SK).")
    apiKeySecret: str
    twilioAuthToken: str | None = None
    region: str = "us1"


class SipTrace(BaseModel):
    callId: str
    messages: list[str]


# --------------------------------------------------------------------------- labs


class LabPartner(str, Enum):
    quest = "quest"
    labcorp = "labcorp"
    bioreference = "bioreference"


class LabOrderCreate(BaseModel):
    patient_id: UUID
    partner: LabPartner
    test_codes: list[str]
    icd10_codes: list[str] = Field(default_factory=list, max_length=12)
    clinical_notes: str | None = None
    fasting_required: bool = False


class LabResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "loinc_code": "2345-7",
                    "display": "Glucose [Mass/volume] in Serum or Plasma",
                    "value": None,
                    "unit": "mg/dL",
                    "reference_range": "70-99",
                    "result_status": "final",
                    "exception_code": "HEM",
                }
            ]
        }
    )

    loinc_code: str
    display: str
    value: str | None = None
    unit: str | None = None
    reference_range: str | None = None
    abnormal_flag: Literal["H", "L", "HH", "LL", "A"] | None = None
    result_status: Literal["preliminary", "final", "corrected"]
    exception_code: str | None = Field(
        default=None,
        description="Specimen exception reported by the lab, e.g. `HEM` (hemolyzed) or `QNS` (quantity not sufficient).",
    )


class LabOrderOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
                    "accession_number": "Q7731-20240603-0042",
                    "partner": "quest",
                    "status": "resulted",
                    "requisition_pdf_url": (
                        "https://lumen-lab-docs.s3.us-west-2.amazonaws.com/req/Q7731-0042.pdf"
                        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIA4LMNQ7RT2XW9ZB3K%2F20240603%2Fus-west-2%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20240603T101500Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=443ea7061120879eea2c3f875c2d25ef010f0e8eee11503aca6cb66bda7fdfa4"
                    ),
                    "results": [],
                }
            ]
        }
    )

    id: UUID
    accession_number: str
    partner: LabPartner
    status: Literal["ordered", "collected", "in_lab", "resulted", "cancelled"]
    requisition_pdf_url: str | None = None
    results: list[LabResult] = []
    ordered_at: datetime | None = None


class LabPartnerConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partner": "labcorp",
                    "account_number": "LC-44120-07",
                    "hl7_endpoint": "mllp://10.44.2.19:6661",
                    "sftp_host": "sftp.labcorp.com",
                    "sftp_username": "lumen_results",
                    "sftp_password": "Kp7#wQ2z!Rt9vL",
                    "results_webhook_secret": "lrw_5Tq9Zk2mXv8Lp3Rn7Wb4Yc1d",
                    "client_cert_pem": "-----BEGIN CERTIFICATE-----\nMIIC2jCCAcKgAwIBAgIJAK7x1m9yQ2LhMA0GCSqGSIb3DQEBCwUAMBoxGDAWBgNV\nBAMMD2x1bWVuLWxhYi1jbGllbnQwHhcNMjQwMTAxMDAwMDAwWhcNMjYwMTAxMDAw\n-----END CERTIFICATE-----\n",
                    "enabled": True,
                }
            ]
        }
    )

    partner: LabPartner
    account_number: str = Field(description="Client account number assigned by the lab.")
    hl7_endpoint: str | None = None
    sftp_host: str | None = None
    sftp_username: str | None = None
    sftp_password: str | None = None
    results_webhook_secret: str
    client_cert_pem: str | None = Field(
        default=None, description="Client certificate presented to the lab (public part)."
    )
    enabled: bool = True


class LabPartnerConnectionUpdate(BaseModel):
    sftp_username: str = Field(max_length=64)
    sftp_password: str = Field(default="Lumen!Sftp2023", max_length=128)
    hl7_endpoint: str | None = Field(default="mllp://hl7-gw.lumen.home.arpa:2575", max_length=255)
    enabled: bool = True


class Hl7ResultBatch(BaseModel):
    partner: LabPartner
    messages: list[str] = Field(description="ORU^R01 messages, one per string.")


class Hl7ReplayRequest(BaseModel):
    accession_number: str = Field(max_length=40)
    since: datetime


# --------------------------------------------------------------------------- e-prescribing bridge


class NewRxRequest(BaseModel):
    PatientId: UUID
    PrescriberId: UUID
    DrugNdc: str = Field(pattern=r"^\d{11}$")
    DrugDescription: str = Field(max_length=200)
    Sig: str = Field(max_length=1000, description="Directions for use.")
    Quantity: int = Field(ge=1, le=1000)
    Refills: int = Field(ge=0, le=11)
    PharmacyNcpdpId: str = Field(pattern=r"^\d{7}$")
    IsControlled: bool = False


class RxStatus(BaseModel):
    PrescriptionId: str
    MessageId: str
    Status: Literal["Queued", "Sent", "Error", "Verified"]
    PharmacyName: str
    ErrorDescription: str | None = Field(
        default=None, description="Reason given by the pharmacy network, e.g. `Pharmacy not on network`."
    )


class PharmacyBridgeConfig(BaseModel):
    """Clinic-level settings for the e-prescribing partner (single sign-on into the prescribing UI)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ClinicId": "48213",
                    "ClinicKey": "Jq8vN2kLr5Xw9Tz3Pm7Yb4Hc6Df1Gs0A",
                    "UserId": "105522",
                    "SsoEndpoint": "https://my.dosespot.com/LoginSingleSignOn.aspx",
                    "RelayHost": "erx-relay.corp.lumenhealth.com",
                }
            ]
        }
    )

    ClinicId: str
    ClinicKey: str = Field(description="Shared secret used to sign the single sign-on request.")
    UserId: str
    SsoEndpoint: str
    RelayHost: str


class SmartConfiguration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "authorization_endpoint": "https://auth.lumenhealth.com/oauth2/authorize",
                    "token_endpoint": "https://auth.lumenhealth.com/oauth2/token",
                    "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_basic"],
                    "scopes_supported": ["launch/patient", "patient/Observation.read", "offline_access"],
                    "capabilities": ["launch-standalone", "client-confidential-asymmetric"],
                }
            ]
        }
    )

    authorization_endpoint: str
    token_endpoint: str
    token_endpoint_auth_methods_supported: list[str]
    scopes_supported: list[str]
    capabilities: list[str]


# --------------------------------------------------------------------------- errors


class OperationOutcomeIssue(BaseModel):
    severity: Literal["fatal", "error", "warning", "information"]
    code: str = Field(examples=["not-found"])
    detailsText: str | None = None


class OperationOutcome(BaseModel):
    resourceType: Literal["OperationOutcome"] = "OperationOutcome"
    issue: list[OperationOutcomeIssue]


class DebugContext(BaseModel):
    hostname: str = Field(examples=["api-7f9c4d-xk2lp.lumen-prod.internal"])
    threadName: str
    failedQuery: str | None = Field(default=None, description="SQL statement that raised, with bound parameters.")


class ServerFault(BaseModel):
    errorId: str = Field(description="Quote this id when you contact support.")
    message: str
    exceptionType: str = Field(examples=["psycopg.errors.DeadlockDetected"])
    stackTrace: list[str] = []
    debugContext: DebugContext | None = Field(default=None, description="Present when LUMEN_DEBUG_ERRORS=1.")


class PartnerGatewayError(BaseModel):
    provider: LabPartner
    partnerStatus: int | None = None
    retryAfter: int | None = None
    exceptionChain: list[str] = Field(
        default_factory=list, description="str() of each chained exception, outermost first."
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Lumen Health API",
    version="3.12.0",
    description=(
        "Telehealth API for Lumen Health clinics, patients and partner labs. "
        "Patient data is served through the FHIR facade at fhir-facade.lumen.local; do not call it directly."
    ),
    contact={"name": "Lumen API support", "email": "api-support@lumenhealth.com"},
    servers=[
        {"url": "https://api.lumenhealth.com/v3", "description": "Production"},
        {"url": "https://sandbox.api.lumenhealth.com/v3", "description": "Sandbox with synthetic patients"},
        {"url": "http://127.0.0.1:8000", "description": "Local"},
        {"url": "https://ehr-bridge.lumen.intranet", "description": "Clinic network EHR bridge"},
    ],
)

FAULTS = {
    404: {"model": OperationOutcome, "description": "Resource not found"},
    500: {"model": ServerFault, "description": "Unexpected error"},
}

patients = APIRouter(prefix="/patients", tags=["patients"], dependencies=[Depends(clinician_bearer)])
visits = APIRouter(prefix="/visits", tags=["visits"])
labs = APIRouter(tags=["labs"])
erx = APIRouter(prefix="/erx", tags=["e-prescribing"], dependencies=[Depends(clinician_bearer)])
support = APIRouter(prefix="/support", tags=["support"], dependencies=[Depends(clinician_bearer)])
ops = APIRouter(tags=["ops"])


@patients.get("", response_model=Bundle[PatientSummary])
def search_patients(
    q: str | None = Query(default=None, description="Name, MRN or date of birth"),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Bundle[PatientSummary]:
    return Bundle[PatientSummary](total=0, entry=[])


@patients.post("", response_model=PatientSummary, status_code=201, responses=FAULTS)
def create_patient(body: PatientCreate) -> PatientSummary:
    raise HTTPException(501)


@patients.get("/{patientId}", response_model=PatientChart, responses=FAULTS)
def get_chart(patientId: UUID) -> PatientChart:
    raise HTTPException(404)


@patients.put("/{patientId}/coverage", response_model=Coverage, responses=FAULTS)
def put_coverage(patientId: UUID, body: Coverage) -> Coverage:
    return body


@app.get("/specialties/internal-medicine/clinicians", response_model=list[ClinicianOut], tags=["clinicians"])
def internal_medicine_clinicians(
    state: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
) -> list[ClinicianOut]:
    """Clinicians practising internal medicine, optionally filtered by licence state."""
    return []


@app.get("/clinicians/{clinicianId}", response_model=ClinicianOut, responses=FAULTS, tags=["clinicians"])
def get_clinician(clinicianId: UUID) -> ClinicianOut:
    raise HTTPException(404)


@visits.post("", response_model=VisitOut, status_code=201, dependencies=[Depends(patient_oidc)])
def book_visit(body: VisitCreate) -> VisitOut:
    raise HTTPException(501)


@visits.get("/{visitId}", response_model=VisitOut, responses=FAULTS)
def get_visit(visitId: UUID) -> VisitOut:
    raise HTTPException(404)


@visits.post("/{visitId}/video-grants", response_model=VideoGrant, status_code=201, responses=FAULTS)
def mint_video_grant(visitId: UUID, body: VideoGrantRequest) -> VideoGrant:
    """Mint a participant token for the visit's video room.

    The SDK expects the raw token, for example
    `eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJpc3MiOiAiU0s3ZjNjMWE5ZSIsICJzdWIiOiAidmlzaXQtNTUyMSIsICJncmFudHMiOiB7InZpZGVvIjogeyJyb29tIjogInZpc2l0LTU1MjEifX0sICJleHAiOiAxNzE4MDAwMDAwfQ.U0f5wh-qUtoL4hxMImuHte2MTp2XWyNFDXgVyMUOaP0`.
    """
    raise HTTPException(501)


@visits.get("/{visitId}/private-notes", response_model=list[ClinicianNote], dependencies=[Depends(clinician_bearer)])
def private_notes(visitId: UUID) -> list[ClinicianNote]:
    """Clinician-only notes on a visit. Patients never see these."""
    return []


@labs.post(
    "/lab-orders",
    response_model=LabOrderOut,
    status_code=201,
    responses={502: {"model": PartnerGatewayError}, **FAULTS},
)
def create_lab_order(body: LabOrderCreate) -> LabOrderOut:
    raise HTTPException(502)


@labs.get("/lab-orders/{orderId}", response_model=LabOrderOut, responses=FAULTS)
def get_lab_order(orderId: UUID) -> LabOrderOut:
    raise HTTPException(404)


@labs.get("/lab-partners", response_model=list[LabPartnerConnection])
def list_lab_partners() -> list[LabPartnerConnection]:
    """Lab interfaces configured for this clinic."""
    return []


@labs.put("/lab-partners/{partner}", status_code=204, responses=FAULTS)
def update_lab_partner(partner: LabPartner, body: LabPartnerConnectionUpdate) -> None:
    pass


@labs.post("/partner/lab-results", status_code=202, responses={400: {"model": OperationOutcome}})
def receive_lab_results(
    body: Hl7ResultBatch,
    x_partner_key: Annotated[
        str,
        Header(
            alias="X-Partner-Key",
            max_length=128,
            openapi_examples={
                "live": {"summary": "Production key issued to Quest", "value": "lpk_live_R8vN2qXz7Lm4Tp9Wk3Yb6Hc1"},
                "template": {"summary": "Header shape", "value": "<partner-api-key>"},
            },
        ),
    ],
) -> None:
    """Inbound endpoint where partner labs push HL7 ORU results."""


@erx.post("/prescriptions", response_model=RxStatus, status_code=202, responses=FAULTS)
def send_new_rx(body: NewRxRequest) -> RxStatus:
    raise HTTPException(501)


@erx.get("/bridge-config", response_model=PharmacyBridgeConfig)
def bridge_config() -> PharmacyBridgeConfig:
    """Settings the web app needs to open the prescribing UI."""
    raise HTTPException(501)


@app.get("/.well-known/smart-configuration", response_model=SmartConfiguration, tags=["auth"])
def smart_configuration() -> SmartConfiguration:
    """SMART App Launch discovery document."""
    raise HTTPException(501)


@support.get("/patients/{patientId}", response_model=SupportPatientView)
def support_lookup(patientId: UUID) -> SupportPatientView:
    raise HTTPException(404)


@support.get("/_debug/visits/{visitId}/sip-trace", response_model=SipTrace)
def sip_trace(visitId: UUID) -> SipTrace:
    """Raw SIP ladder for a phone visit, pulled from the SBC at 172.21.8.40."""
    raise HTTPException(404)


@ops.get("/admin/clinicians/{clinicianId}/epcs", response_model=EpcsEnrollment, responses=FAULTS, tags=["admin"])
def epcs_enrollment(clinicianId: UUID) -> EpcsEnrollment:
    raise HTTPException(404)


@ops.get("/admin/video-provider", response_model=VideoProviderAccount, tags=["admin"])
def video_provider() -> VideoProviderAccount:
    raise HTTPException(501)


@ops.post("/internal/hl7/replay", status_code=202, tags=["internal"])
def replay_hl7(body: Hl7ReplayRequest) -> None:
    """Re-feed stored HL7 messages to the ingest listener at hl7-ingest.lumen.svc:2575."""


@ops.get(
    "/private/exports/patients.csv",
    response_class=Response,
    responses={
        200: {
            "description": "CSV export of the patient index",
            "content": {
                "text/csv": {"example": "mrn,given_name,family_name,ssn\n00412873,Dana,Whitfield,418-62-9053\n"}
            },
        }
    },
    tags=["internal"],
)
def export_patients() -> Response:
    return Response(media_type="text/csv")


@ops.post("/Internal/cache/flush", status_code=204, tags=["internal"])
def flush_cache() -> None:
    pass


app.include_router(patients)
app.include_router(visits)
app.include_router(labs)
app.include_router(erx)
app.include_router(support)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
