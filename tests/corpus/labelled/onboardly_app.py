"""Onboardly: HR onboarding, background checks, right-to-work and payroll setup.

Generate the OpenAPI document with:  python onboardly_app.py > onboardly.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query
from fastapi.openapi.models import OAuthFlowAuthorizationCode, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

sso = OAuth2(
    flows=OAuthFlows(
        authorizationCode=OAuthFlowAuthorizationCode(
            authorizationUrl="https://login.onboardly.com/oauth2/authorize",
            tokenUrl="https://sso-internal.onboardly.com/oauth2/token",
            scopes={
                "candidates:read": "Read candidate files",
                "payroll:write": "Edit payroll profiles",
                "ops": "HR operations console",
            },
        )
    ),
    scheme_name="OnboardlySSO",
    description="Workforce SSO. Customers federate their IdP through login.onboardly.com.",
)
vendor_key = APIKeyHeader(name="X-Onboardly-Vendor-Key", scheme_name="VendorKey")


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Page(CamelModel, Generic[T]):
    results: list[T]
    next_cursor: Optional[str] = None
    total_count: int


# --------------------------------------------------------------------------- candidates


class CandidateStage(str, Enum):
    applied = "applied"
    offer_extended = "offer_extended"
    offer_accepted = "offer_accepted"
    pre_boarding = "pre_boarding"
    hired = "hired"
    withdrawn = "withdrawn"


class CandidateCreate(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "firstName": "Dana",
                    "lastName": "Whitfield",
                    "personalEmail": "dana.whitfield@example.org",
                    "mobilePhone": "+1-312-555-0117",
                    "ssn": "XXX-XX-XXXX",
                    "requisitionId": "REQ-2024-0419",
                }
            ]
        }
    )

    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    personal_email: str = Field(max_length=254)
    mobile_phone: Optional[str] = Field(default=None, max_length=32)
    ssn: Optional[str] = Field(
        default=None,
        pattern=r"^\d{3}-?\d{2}-?\d{4}$",
        description="US Social Security number, collected once for E-Verify; only the last four digits are ever returned.",
    )
    requisition_id: str = Field(max_length=32)
    recruiter_notes: Optional[str] = None


class RightToWorkDocType(str, Enum):
    us_passport = "us_passport"
    permanent_resident_card = "permanent_resident_card"
    employment_authorization = "employment_authorization"
    uk_brp = "uk_brp"
    eu_id_card = "eu_id_card"


class RightToWorkDoc(CamelModel):
    doc_type: RightToWorkDocType
    issuing_country: str = Field(pattern=r"^[A-Z]{2}$")
    passport_number: Optional[str] = Field(
        default=None, description="Machine-readable passport number as captured by the OCR step."
    )
    expiry_date: Optional[date] = None
    scan_id: UUID
    page_count: int = 1
    sha256: str = Field(
        description="Checksum of the stored scan.",
        examples=["3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8551"],
    )
    verified_by: Optional[str] = None


class BackgroundCheckStatus(str, Enum):
    pending = "pending"
    in_progress = "in_progress"
    consider = "consider"
    clear = "clear"
    suspended = "suspended"


class MotorVehicleReport(CamelModel):
    dl_number: str = Field(description="Driver's licence number used for the MVR pull.")
    dl_state: str = Field(pattern=r"^[A-Z]{2}$")
    license_class: Optional[str] = None
    violations: list[str] = []


class BackgroundCheckOut(CamelModel):
    id: UUID
    candidate_id: UUID
    package_name: str = Field(examples=["tasker_pro"])
    status: BackgroundCheckStatus
    vendor: Literal["checkr", "sterling", "hireright"]
    vendor_reference_id: str = Field(examples=["7f2d91c04be3a6a9"])
    mvr: Optional[MotorVehicleReport] = None
    completed_at: Optional[datetime] = None


class BackgroundCheckOrder(CamelModel):
    candidate_id: UUID
    package_name: str = Field(max_length=64)
    include_mvr: bool = False
    work_location_state: str = Field(pattern=r"^[A-Z]{2}$")


class CandidateOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0d8f6a52-3c1e-4f6b-9a77-2b1f8e4c9d10",
                    "firstName": "Priya",
                    "lastName": "Raman",
                    "personalEmail": "priya.raman84@gmail.com",
                    "mobilePhone": "+1 (646) 832-4471",
                    "stage": "offer_accepted",
                    "ssnLast4": "9038",
                    "dateOfBirth": "1984-09-02",
                    "referralCode": "PRIYA-R-22",
                }
            ]
        }
    )

    id: UUID
    first_name: str
    last_name: str
    personal_email: str
    mobile_phone: Optional[str] = None
    stage: CandidateStage
    ssn_last4: Optional[str] = Field(default=None, description="Last four digits of the SSN, for matching only.")
    date_of_birth: Optional[date] = None
    referral_code: Optional[str] = None
    documents: list[RightToWorkDoc] = []
    background_check: Optional[BackgroundCheckOut] = None


class CandidateSummary(CamelModel):
    id: UUID
    first_name: str
    last_name: str
    stage: CandidateStage


class RecruiterNote(CamelModel):
    id: int
    author: str
    body: str
    created_at: datetime


class PortalInvite(CamelModel):
    """Invitation to the candidate pre-boarding portal, issued once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "inviteId": "inv_01J0K3T9",
                    "magicLinkToken": "<issued-token>",
                    "expiresAt": "2024-06-18T00:00:00Z",
                }
            ]
        }
    )

    invite_id: str
    magic_link_token: str = Field(description="One-time sign-in token embedded in the invitation e-mail.")
    expires_at: datetime


# --------------------------------------------------------------------------- offers


class OfferCreate(CamelModel):
    candidate_id: UUID
    job_title: str = Field(max_length=120)
    base_salary: Decimal = Field(ge=0, le=10_000_000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    start_date: date
    equity_grant_units: Optional[int] = None
    custom_clauses: list[str] = []


class OfferOut(CamelModel):
    id: UUID
    candidate_id: UUID
    job_title: str
    base_salary: Decimal
    currency: str
    start_date: date
    status: Literal["draft", "sent", "signed", "declined", "expired"]
    docusign_envelope_id: Optional[UUID] = None


class SigningSession(CamelModel):
    """Embedded e-signature session for an offer letter (created on demand, never listed)."""

    signing_token: str
    embed_url: str = Field(examples=["https://sign.onboardly.com/embed/offer"])
    expires_at: datetime


# --------------------------------------------------------------------------- I-9


class CitizenshipStatus(str, Enum):
    citizen = "citizen"
    noncitizen_national = "noncitizen_national"
    lawful_permanent_resident = "lawful_permanent_resident"
    authorized_alien = "authorized_alien"


class I9Record(CamelModel):
    employee_id: UUID
    form_edition: str = Field(examples=["08/01/23"])
    citizenship_status: CitizenshipStatus
    ssn: str = Field(description="Section 1, as attested by the employee.")
    section1_signed_at: Optional[datetime] = None
    section2_completed_by: Optional[str] = None
    documents: list[RightToWorkDoc]
    e_verify_case_number: Optional[str] = None


class RightToWorkImport(CamelModel):
    """Pull a scan the customer already stores (e.g. from their own HRIS bucket)."""

    doc_type: RightToWorkDocType
    source_url: str = Field(
        max_length=2048,
        description="Link we download the scan from; must stay valid for at least 15 minutes.",
        examples=[
            "https://acme-hris-exports.s3.us-east-1.amazonaws.com/rtw/8812/passport-front.jpg"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7Q3MLR5TVW2KJ4N%2F20240611%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20240611T101500Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=8e6769e1d409f441f11c48d715d424e587d2fa4b58cdc90ec1a965000164446c"
        ],
    )


class RightToWorkUpload(CamelModel):
    doc_type: RightToWorkDocType
    issuing_country: str = Field(pattern=r"^[A-Z]{2}$")
    passport_number: Optional[str] = Field(default=None, pattern=r"^[A-Z0-9]{6,9}$")
    expiry_date: Optional[date] = None
    upload_id: UUID


# --------------------------------------------------------------------------- background-check vendors


class HireRightStatusCallback(BaseModel):
    """Status push from HireRight (their field names, PascalCase)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "OrderId": "HR-99812034",
                    "Status": "Completed",
                    "Disposition": "Eligible",
                    "CandidateSSN": "524-71-9038",
                    "CandidateDOB": "1991-04-17",
                }
            ]
        }
    )

    OrderId: str = Field(max_length=32)
    Status: Literal["Pending", "InProgress", "Completed", "Cancelled"]
    Disposition: Optional[str] = Field(default=None, max_length=32)
    CandidateSSN: Optional[str] = Field(default=None, pattern=r"^\d{3}-\d{2}-\d{4}$")
    CandidateDOB: Optional[date] = None


class VendorApiKeyAuth(CamelModel):
    kind: Literal["api_key"] = "api_key"
    api_key: str


class VendorBasicAuth(CamelModel):
    kind: Literal["basic"] = "basic"
    username: str
    password: str


class ScreeningVendorOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "checkr",
                    "accountName": "Onboardly - Acme Logistics",
                    "auth": {"kind": "api_key", "apiKey": "cc9850df179041c4011e958d311f7de7c22805e4"},
                    "callbackUrl": "http://vendor-hooks.onboardly.svc.cluster.local/hooks/checkr",
                    "webhookSecretRotatedAt": "2024-02-01T00:00:00Z",
                    "enabled": True,
                }
            ]
        }
    )

    vendor: Literal["checkr", "sterling", "hireright"]
    account_name: str
    auth: Annotated[Union[VendorApiKeyAuth, VendorBasicAuth], Field(discriminator="kind")]
    callback_url: str
    webhook_signing_secret: Optional[str] = Field(
        default=None, description="Shared secret used to verify the vendor's status callbacks."
    )
    webhook_secret_rotated_at: Optional[datetime] = None
    enabled: bool = True


class ScreeningVendorCredentialsIn(CamelModel):
    api_key: Optional[str] = Field(default=None, max_length=128)
    username: Optional[str] = Field(default=None, max_length=128)
    password: Optional[str] = Field(default=None, max_length=128)


class ScreeningVendorIn(CamelModel):
    account_name: str = Field(max_length=120)
    credentials: ScreeningVendorCredentialsIn
    enabled: bool = True


class VendorError(CamelModel):
    provider: str = Field(examples=["sterling"])
    code: str = Field(examples=["VENDOR_TIMEOUT"])
    message: str
    vendor_request_id: Optional[str] = None


# --------------------------------------------------------------------------- payroll


class BankDetails(BaseModel):
    account_holder: str
    bank_name: Optional[str] = None
    routing_number: Optional[str] = Field(default=None, examples=["021000021"])
    account_number: Optional[str] = Field(default=None, examples=["000123456789"])
    iban: Optional[str] = Field(default=None, examples=["DE89370400440532013000"])
    bic: Optional[str] = None


class DeLohnsteuerDaten(BaseModel):
    """German payroll master data (ELStAM)."""

    country: Literal["DE"] = "DE"
    steuer_id: str = Field(
        description="Steuerliche Identifikationsnummer (11 Ziffern).",
        examples=["47 036 892 816"],
    )
    steuerklasse: int = Field(ge=1, le=6, description="Lohnsteuerklasse I-VI.")
    kirchensteuer_pflichtig: bool = False
    sozialversicherungsnummer: str = Field(description="Rentenversicherungsnummer laut SV-Ausweis.")
    krankenkasse: Optional[str] = Field(default=None, examples=["Techniker Krankenkasse"])


class UkPayeDetails(BaseModel):
    country: Literal["GB"] = "GB"
    ni_number: str = Field(description="National Insurance number.")
    tax_code: str = Field(examples=["1257L"], description="PAYE allowance code issued by HMRC (not an identifier).")
    student_loan_plan: Optional[Literal["plan_1", "plan_2", "plan_4", "postgrad"]] = None


class UsW4Details(BaseModel):
    country: Literal["US"] = "US"
    filing_status: Literal["single", "married_joint", "head_of_household"]
    multiple_jobs: bool = False
    dependents_amount: Decimal = Decimal("0")
    extra_withholding: Decimal = Decimal("0")


class PayrollProfileOut(BaseModel):
    employee_id: UUID
    pay_group: str = Field(examples=["DE-MONTHLY"])
    bank: BankDetails
    statutory: Annotated[Union[DeLohnsteuerDaten, UkPayeDetails, UsW4Details], Field(discriminator="country")]
    updated_at: datetime


class BankDetailsIn(BaseModel):
    account_holder: str = Field(max_length=120)
    routing_number: Optional[str] = Field(default=None, pattern=r"^\d{9}$")
    account_number: Optional[str] = Field(default=None, pattern=r"^\d{4,17}$")
    iban: Optional[str] = Field(default=None, pattern=r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
    bic: Optional[str] = Field(default=None, pattern=r"^[A-Z0-9]{8,11}$")


class PayrollSftpSettings(BaseModel):
    host: str = Field(max_length=253, examples=["sftp.adp.com"])
    port: int = Field(default=22, ge=1, le=65535)
    sftp_username: str = Field(default="onboardly", max_length=64)
    sftp_password: str = Field(default="Welcome2Payroll!", max_length=128)
    remote_dir: str = Field(default="/inbound/new-hires", max_length=255)


class PayrollConnectionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "adp_workforce_now",
                    "client_id": "6f1c0e3b-2d7a-4a11-9e0b-58c2a1d4e7f3",
                    "client_secret": "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzd",
                    "token_url": "https://accounts.adp.com/auth/oauth/v2/token",
                    "last_synced_at": "2024-06-10T04:00:00Z",
                }
            ]
        }
    )

    provider: Literal["adp_workforce_now", "gusto", "datev"]
    client_id: str
    client_secret: str
    token_url: str
    last_synced_at: Optional[datetime] = None


class PayrollConnectionIn(BaseModel):
    provider: Literal["adp_workforce_now", "gusto", "datev"]
    client_id: str = Field(max_length=64)
    client_secret: str = Field(max_length=256)
    token_url: str = Field(max_length=2048)


class PayrollSyncRun(BaseModel):
    run_id: int
    started_at: datetime
    finished_at: Optional[datetime] = None
    employees_pushed: int
    status: Literal["running", "ok", "partial", "failed"]


# --------------------------------------------------------------------------- document storage


class DocumentStorageOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bucket": "onboardly-rtw-scans",
                    "region": "us-east-1",
                    "access_key_id": "AKIAZ7Q3MLR5TVW2KJ4N",
                    "secret_access_key": "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",
                    "kms_key_arn": "arn:aws:kms:us-east-1:418273645502:key/6b2f0c8e-91d4-4b7a-a3e5-0f9c2d7b1e64",
                    "sse_enabled": True,
                }
            ]
        }
    )

    bucket: str
    region: str
    endpoint: str = Field(
        default="https://minio.hr-docs.lan:9000",
        description="S3-compatible endpoint used for document scans.",
    )
    access_key_id: str
    secret_access_key: str
    kms_key_arn: Optional[str] = None
    sse_enabled: bool = True
    retention_days: int = Field(default=1095, description="I-9 retention: 3 years after hire.")


class DocumentStorageIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bucket": "my-company-hr-docs",
                    "region": "us-east-1",
                    "access_key_id": "AKIAIOSFODNN7EXAMPLE",
                    "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                }
            ]
        }
    )

    bucket: str = Field(max_length=63)
    region: str = Field(max_length=32)
    access_key_id: str = Field(max_length=128)
    secret_access_key: str = Field(max_length=128)


# --------------------------------------------------------------------------- ops


class EmployeeAccount(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employeeId": "a41e7b90-5d2c-4e8f-b1a3-7c6d9e0f2a15",
                    "workEmail": "m.kowalczyk@example.com",
                    "portalPasswordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$J2p4yE0bq1x8Zv7m3TtR9Q0WnH5uKcL2aF6dS8gV1eY",
                    "mfaEnabled": True,
                    "lastLoginAt": "2024-06-09T18:22:10Z",
                }
            ]
        }
    )

    employee_id: UUID
    work_email: str
    portal_password_hash: str
    recovery_codes: list[str] = Field(default_factory=list, description="Unused MFA recovery codes.")
    mfa_enabled: bool = False
    password_changed_at: Optional[datetime] = None
    last_login_at: Optional[datetime] = None


class WebhookReplayRequest(BaseModel):
    vendor: Literal["checkr", "sterling", "hireright"]
    since: datetime
    order_ids: list[str] = []


class SavedReport(BaseModel):
    id: int
    name: str = Field(examples=["New hires missing I-9 section 2"])
    sql: str = Field(
        description="Report definition, run read-only against the reporting warehouse.",
        examples=["SELECT employee_id FROM i9_forms WHERE section2_completed_at IS NULL"],
    )
    schedule_cron: Optional[str] = Field(default=None, examples=["0 7 * * MON"])
    owner: str


class AuditEvent(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "at": "2024-06-11T09:41:07Z",
                    "actor": "hr-ops:jlee",
                    "action": "i9.section2.completed",
                    "sourceIp": "203.0.113.77",
                }
            ]
        }
    )

    at: datetime
    actor: str
    action: str
    source_ip: Optional[str] = None


class InternalOpening(CamelModel):
    """A job posted internally before it goes to external boards."""

    id: UUID
    title: str
    department: str
    visible_from: date


class OnboardingApproval(CamelModel):
    step: Literal["it_equipment", "payroll", "badge", "manager_signoff"]
    approver: str
    approved_at: Optional[datetime] = None


class BadgeJob(CamelModel):
    job_id: str
    queued_at: datetime


# --------------------------------------------------------------------------- errors


class OnboardlyError(CamelModel):
    error_code: str = Field(examples=["CANDIDATE_NOT_FOUND"])
    message: str
    trace_id: str = Field(description="Quote this id when contacting Onboardly support.")


class OnboardlyServerFault(CamelModel):
    error_code: str = "INTERNAL"
    message: str
    trace_id: str
    exception_class: Optional[str] = Field(default=None, examples=["psycopg.errors.UniqueViolation"])
    stack_trace: Optional[list[str]] = None
    caused_by: Optional[list[str]] = Field(default=None, description="Chained exception messages, innermost last.")


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Onboardly API",
    version="3.12.0",
    description=(
        "Onboarding for HR teams: candidates, offers, right-to-work checks, background screening "
        "and payroll setup. Careers sites are served from https://corporate.onboardly.com."
    ),
    contact={"name": "Onboardly Developer Relations", "email": "developers@onboardly.com"},
    servers=[
        {"url": "https://api.onboardly.com", "description": "Production (US)"},
        {"url": "https://sandbox.onboardly.com", "description": "Sandbox, test vendors only"},
        {"url": "https://staging.hrplatform.intranet", "description": "Staging (office VPN)"},
    ],
)

ERR = {
    400: {"model": OnboardlyError},
    404: {"model": OnboardlyError},
    500: {"model": OnboardlyServerFault, "description": "Unhandled server error"},
}
VENDOR_ERR = {502: {"model": VendorError, "description": "Screening vendor failed"}}

secured = [Depends(sso)]
candidates = APIRouter(prefix="/v1/candidates", tags=["candidates"], dependencies=secured)
offers = APIRouter(prefix="/v1/offers", tags=["offers"], dependencies=secured)
employees = APIRouter(prefix="/v1/employees", tags=["employees"], dependencies=secured)
screening = APIRouter(tags=["screening"], dependencies=secured)
payroll = APIRouter(tags=["payroll"], dependencies=secured)
ops = APIRouter(tags=["hr-ops"], dependencies=secured)


@candidates.post("", response_model=CandidateOut, status_code=201, responses=ERR)
def create_candidate(body: CandidateCreate) -> CandidateOut:
    raise HTTPException(501)


@candidates.get("", response_model=Page[CandidateSummary])
def list_candidates(
    q: Optional[str] = Query(default=None, description="Free-text search over name and requisition"),
    stage: Optional[CandidateStage] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> Page[CandidateSummary]:
    return Page[CandidateSummary](results=[], total_count=0)


@candidates.get("/{candidateId}", response_model=CandidateOut, responses=ERR)
def get_candidate(candidateId: UUID) -> CandidateOut:
    raise HTTPException(404)


@candidates.get("/{candidateId}/private-notes", response_model=list[RecruiterNote], responses=ERR)
def recruiter_notes(candidateId: UUID) -> list[RecruiterNote]:
    """Recruiter-only notes. Hidden from the candidate portal and from hiring managers."""
    return []


@candidates.post("/{candidateId}/portal-invite", response_model=PortalInvite, status_code=201, responses=ERR)
def invite_to_portal(candidateId: UUID) -> PortalInvite:
    """Send the pre-boarding portal invitation. The sign-in token is only returned here."""
    raise HTTPException(501)


@offers.post("", response_model=OfferOut, status_code=201, responses=ERR)
def create_offer(body: OfferCreate) -> OfferOut:
    raise HTTPException(501)


@offers.get("/{offerId}", response_model=OfferOut, responses=ERR)
def get_offer(offerId: UUID) -> OfferOut:
    raise HTTPException(404)


@offers.post("/{offerId}/signing-sessions", response_model=SigningSession, status_code=201, responses=ERR)
def start_signing(offerId: UUID) -> SigningSession:
    """Create an embedded signing session for the candidate."""
    raise HTTPException(501)


@employees.get("/{employeeId}/i9", response_model=I9Record, responses=ERR)
def get_i9(employeeId: UUID) -> I9Record:
    raise HTTPException(404)


@employees.post("/{employeeId}/right-to-work/documents", response_model=RightToWorkDoc, status_code=201, responses=ERR)
def add_rtw_document(employeeId: UUID, body: RightToWorkUpload) -> RightToWorkDoc:
    raise HTTPException(501)


@employees.post("/{employeeId}/right-to-work/imports", response_model=RightToWorkDoc, status_code=201, responses=ERR)
def import_rtw_document(employeeId: UUID, body: RightToWorkImport) -> RightToWorkDoc:
    raise HTTPException(501)


@employees.get("/{employeeId}/payroll-profile", response_model=PayrollProfileOut, tags=["payroll"], responses=ERR)
def get_payroll_profile(employeeId: UUID) -> PayrollProfileOut:
    raise HTTPException(404)


@employees.put("/{employeeId}/payroll-profile/bank", response_model=PayrollProfileOut, tags=["payroll"], responses=ERR)
def put_bank_details(employeeId: UUID, body: BankDetailsIn) -> PayrollProfileOut:
    raise HTTPException(404)


@screening.post(
    "/v1/background-checks", response_model=BackgroundCheckOut, status_code=201, responses={**ERR, **VENDOR_ERR}
)
def order_check(body: BackgroundCheckOrder) -> BackgroundCheckOut:
    raise HTTPException(502)


@screening.get("/v1/background-checks/{checkId}", response_model=BackgroundCheckOut, responses=ERR)
def get_check(checkId: UUID) -> BackgroundCheckOut:
    raise HTTPException(404)


@screening.get("/v1/integrations/screening-vendors", response_model=list[ScreeningVendorOut])
def list_vendors() -> list[ScreeningVendorOut]:
    return []


@screening.put(
    "/v1/integrations/screening-vendors/{vendor}", response_model=ScreeningVendorOut, responses={**ERR, **VENDOR_ERR}
)
def configure_vendor(vendor: Literal["checkr", "sterling", "hireright"], body: ScreeningVendorIn) -> ScreeningVendorOut:
    raise HTTPException(501)


@app.post("/v1/webhooks/hireright", status_code=204, tags=["screening"], dependencies=[Depends(vendor_key)])
def hireright_callback(
    body: HireRightStatusCallback,
    x_hireright_signature: Annotated[str, Header(max_length=128, description="HMAC-SHA256 of the raw body.")],
) -> None:
    """Status callbacks from HireRight."""


@payroll.post("/v1/payroll/sftp-export", status_code=202, responses=ERR)
def configure_sftp_export(body: PayrollSftpSettings) -> None:
    """Push new-hire files to the payroll provider's SFTP drop."""


@payroll.get("/v1/settings/document-storage", response_model=DocumentStorageOut)
def get_document_storage() -> DocumentStorageOut:
    raise HTTPException(404)


@payroll.put("/v1/settings/document-storage", response_model=DocumentStorageOut, responses=ERR)
def put_document_storage(body: DocumentStorageIn) -> DocumentStorageOut:
    raise HTTPException(501)


@payroll.get("/admin/payroll-connection", response_model=PayrollConnectionOut)
def get_payroll_connection() -> PayrollConnectionOut:
    raise HTTPException(404)


@payroll.put("/admin/payroll-connection", response_model=PayrollConnectionOut, responses=ERR)
def put_payroll_connection(body: PayrollConnectionIn) -> PayrollConnectionOut:
    raise HTTPException(501)


@ops.get("/ops/payroll-sync/runs", response_model=list[PayrollSyncRun])
def payroll_sync_runs(limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[PayrollSyncRun]:
    """Recent payroll sync runs.

    Runs are read from the reporting replica
    `postgresql://payroll_ro:Tr0ub4dor-77@10.40.2.15:5432/payroll` (see HROPS-514).
    """
    return []


@ops.get("/ops/reports/{reportId}", response_model=SavedReport, responses=ERR)
def get_report(reportId: int) -> SavedReport:
    raise HTTPException(404)


@ops.get("/ops/audit-events", response_model=list[AuditEvent])
def audit_events(
    actor: Optional[str] = None,
    since: Optional[datetime] = None,
) -> list[AuditEvent]:
    return []


@ops.get("/ops/admin/accounts/{employeeId}", response_model=EmployeeAccount, responses=ERR)
def ops_get_account(employeeId: UUID) -> EmployeeAccount:
    """Support view of an employee's portal login."""
    raise HTTPException(404)


@ops.post("/ops/_internal/webhooks/replay", status_code=202)
def replay_webhooks(body: WebhookReplayRequest) -> None:
    """Re-deliver vendor callbacks that failed signature verification."""


@ops.get("/debug/vendor-sync/{vendor}", response_model=dict[str, str])
def debug_vendor_sync(vendor: str) -> dict[str, str]:
    """Last raw sync cursor per vendor account."""
    return {}


class CandidateImportRow(BaseModel):
    ExternalId: str = Field(max_length=64)
    FirstName: str = Field(max_length=80)
    LastName: str = Field(max_length=80)
    Email: str = Field(max_length=254)
    Notes: Optional[str] = None


class ImportResult(BaseModel):
    Imported: int
    Skipped: int


@ops.post("/legacy/Admin/ImportCandidates", response_model=ImportResult)
def legacy_import(rows: list[CandidateImportRow]) -> ImportResult:
    """Bulk import kept for the old ATS connector (PascalCase payloads)."""
    return ImportResult(Imported=len(rows), Skipped=0)


@app.get("/internal-mobility/openings", response_model=list[InternalOpening], tags=["careers"])
def internal_openings(department: Annotated[Optional[str], Query(max_length=64)] = None) -> list[InternalOpening]:
    """Internal mobility: openings visible to current employees before external posting."""
    return []


@app.get("/v1/onboarding/{caseId}/admin-approvals", response_model=list[OnboardingApproval], tags=["onboarding"])
def onboarding_approvals(caseId: UUID) -> list[OnboardingApproval]:
    """Approvals collected from the customer's own HR administrators."""
    return []


@app.post("/v1/onboarding/{caseId}/badge", response_model=BadgeJob, status_code=202, tags=["onboarding"])
def print_badge(
    caseId: UUID,
    printer_host: Annotated[
        str,
        Query(
            alias="printerHost",
            max_length=253,
            description="Badge printer on the customer's network.",
            openapi_examples={"hq": {"summary": "HQ lobby printer", "value": "badge-printer-2.hq.onboardly.corp"}},
        ),
    ],
) -> BadgeJob:
    raise HTTPException(501)


app.include_router(candidates)
app.include_router(offers)
app.include_router(employees)
app.include_router(screening)
app.include_router(payroll)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
