"""TaxBridge: household tax filing, e-file transmission, refunds and the preparer back office.

Generate the OpenAPI document with:  python taxbridge_app.py > taxbridge.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import HTTPBearer, OpenIdConnect
from pydantic import BaseModel, ConfigDict, Field

oidc = OpenIdConnect(openIdConnectUrl="https://idp.corp.taxbridge.com/.well-known/openid-configuration")
preparer_bearer = HTTPBearer(
    bearerFormat="JWT", description="Preparer session token from the TaxBridge Pro desktop app."
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    results: list[T]
    count: int
    next: str | None = None


class Envelope(BaseModel, Generic[T]):
    ok: bool = False
    error: T
    request_id: str


# --------------------------------------------------------------------------- households & filers


class FilingStatus(str, Enum):
    single = "single"
    mfj = "married_filing_jointly"
    mfs = "married_filing_separately"
    hoh = "head_of_household"
    qss = "qualifying_surviving_spouse"


class HouseholdCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "display_name": "The Parks",
                    "contact_email": "the.parks@example.net",
                    "contact_phone": "+1 202-555-0117",
                    "state": "NY",
                }
            ]
        }
    )

    display_name: str = Field(max_length=80)
    contact_email: str = Field(max_length=254)
    contact_phone: str | None = Field(default=None, max_length=32)
    state: str = Field(pattern=r"^[A-Z]{2}$")


class FilerSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "filer_id": "b7e0c2a4-1f3d-4e8a-9c51-6d2f8a0e3b17",
                    "first_name": "Rhiannon",
                    "last_name": "Baptiste",
                    "role": "primary",
                    "tin_type": "SSN",
                    "tin_masked": "***-**-5504",
                    "tin_last4": "5504",
                }
            ]
        }
    )

    filer_id: UUID
    first_name: str
    last_name: str
    role: Literal["primary", "spouse"]
    tin_type: Literal["SSN", "ITIN"] = Field(description="Kind of taxpayer identification number on file.")
    tin_masked: str
    tin_last4: str


class HouseholdOut(BaseModel):
    household_id: UUID
    display_name: str
    state: str
    filers: list[FilerSummary]
    created_at: datetime


class IdentityVerification(BaseModel):
    document_type: Literal["drivers_license", "state_id", "passport"]
    id_document_number: str
    issuing_state: str | None = None
    expires_on: date | None = None


class FilerCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Jordan",
                    "last_name": "Park",
                    "date_of_birth": "1986-04-19",
                    "ssn": "XXX-XX-XXXX",
                    "email": "jordan.park@example.net",
                    "role": "primary",
                }
            ]
        }
    )

    first_name: str = Field(max_length=60)
    last_name: str = Field(max_length=60)
    date_of_birth: date
    ssn: str = Field(pattern=r"^\d{3}-\d{2}-\d{4}$|^XXX-XX-XXXX$")
    email: str | None = Field(default=None, max_length=254)
    role: Literal["primary", "spouse"]


class FilerDetail(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "filer_id": "b7e0c2a4-1f3d-4e8a-9c51-6d2f8a0e3b17",
                    "first_name": "Rhiannon",
                    "last_name": "Baptiste",
                    "date_of_birth": "1983-09-27",
                    "ssn": "372-19-5504",
                    "email": "rhiannon.baptiste@yahoo.com",
                    "phone": "(718) 442-3861",
                    "occupation": "Registered nurse",
                    "identity": {
                        "document_type": "drivers_license",
                        "id_document_number": "734 829 561",
                        "issuing_state": "NY",
                        "expires_on": "2028-09-27",
                    },
                }
            ]
        }
    )

    filer_id: UUID
    first_name: str
    last_name: str
    date_of_birth: date
    ssn: str
    email: str | None = None
    phone: str | None = None
    occupation: str | None = None
    identity: IdentityVerification | None = Field(
        default=None, description="ID checked at signing (state e-file requirement)."
    )


class DependentCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Maya",
                    "last_name": "Baptiste",
                    "date_of_birth": "2015-02-03",
                    "relationship": "daughter",
                    "tin": "412-86-3307",
                    "months_in_home": 12,
                }
            ]
        }
    )

    first_name: str = Field(max_length=60)
    last_name: str = Field(max_length=60)
    date_of_birth: date
    relationship: str
    tin: str = Field(pattern=r"^\d{3}-\d{2}-\d{4}$")
    months_in_home: int = Field(ge=0, le=12)


class Dependent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dependent_id": "5d1e9b70-2c4a-4f86-a3e0-7b9d1c2f4a68",
                    "first_name": "Maya",
                    "date_of_birth": "2015-02-03",
                    "relationship": "daughter",
                    "tin_type": "SSN",
                    "tin": "XXX-XX-XXXX",
                    "ctc_eligible": True,
                }
            ]
        }
    )

    dependent_id: UUID
    first_name: str
    date_of_birth: date
    relationship: str
    tin_type: Literal["SSN", "ITIN", "ATIN"]
    tin: str
    ctc_eligible: bool = Field(description="Qualifies for the child tax credit.")


# --------------------------------------------------------------------------- returns


class W2Wages(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employer_name": "Mount Sinai Health System",
                    "employee_ssn": "506-33-9184",
                    "wages_tips": "84210.55",
                    "federal_withheld": "9120.00",
                    "state_code": "NY",
                }
            ]
        }
    )

    employer_name: str = Field(max_length=120)
    employee_ssn: str = Field(pattern=r"^\d{3}-\d{2}-\d{4}$", description="Box a.")
    wages_tips: Decimal = Field(ge=0, le=100_000_000, decimal_places=2)
    federal_withheld: Decimal = Field(ge=0, le=100_000_000, decimal_places=2)
    state_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class Distribution1099R(BaseModel):
    payer_name: str
    gross_distribution: Decimal
    distribution_code: str = Field(examples=["1"])
    exception_code: str | None = Field(
        default=None,
        examples=["03"],
        description="Form 5329 exception number to the 10% additional tax on early distributions (03 = disability).",
    )


class RefundDisbursement(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "direct_deposit",
                    "routing_transit_number": "026009593",
                    "depositor_account_number": "4839201177",
                    "account_type": "checking",
                    "plaid_item_id": "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6",
                    "plaid_access_token": "access-production-3c91e2b4-7a5f-4d08-b6e1-f02a9c8d7e31",
                }
            ]
        }
    )

    method: Literal["direct_deposit", "paper_check", "refund_transfer"]
    routing_transit_number: str | None = None
    depositor_account_number: str | None = None
    account_type: Literal["checking", "savings"] | None = None
    plaid_item_id: str | None = None
    plaid_access_token: str | None = Field(
        default=None, description="Used to re-verify account ownership before the refund posts."
    )


class TaxReturnOut(BaseModel):
    return_id: UUID
    household_id: UUID
    tax_year: int
    filing_status: FilingStatus
    status: Literal["draft", "ready_to_sign", "signed", "transmitted", "accepted", "rejected"]
    w2s: list[W2Wages] = []
    retirement_distributions: list[Distribution1099R] = []
    agi: Decimal | None = None
    refund_amount: Decimal | None = None
    refund_disbursement: RefundDisbursement | None = None


class ReturnUpdate(BaseModel):
    filing_status: FilingStatus | None = None
    w2s: list[W2Wages] | None = None
    preparer_notes: str | None = None


class ReturnPdfRequest(BaseModel):
    include_worksheets: bool = False
    watermark: str | None = Field(default=None, max_length=40)
    owner_password: str = Field(
        default="TaxBridge2023!", max_length=64, description="PDF owner password (prevents editing)."
    )


class ReturnPdf(BaseModel):
    url: str
    sha256: str = Field(examples=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
    pages: int


class KeyDate(BaseModel):
    label: str
    due: date


class TaxCalendar(BaseModel):
    tax_year: int
    key_dates: list[KeyDate] = Field(description="Filing deadlines and estimated-payment dates.")


# --------------------------------------------------------------------------- e-file


class TransmitRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "self_select_pin": "<5-digit PIN>",
                    "ip_pin": "604218",
                    "consent_7216": True,
                }
            ]
        }
    )

    self_select_pin: str = Field(
        pattern=r"^\d{5}$|^<5-digit PIN>$", description="Taxpayer's e-file signature PIN (Form 8879)."
    )
    ip_pin: str | None = Field(
        default=None, pattern=r"^\d{6}$", description="IRS Identity Protection PIN, if one was issued."
    )
    consent_7216: bool


class SubmissionReceipt(BaseModel):
    submission_id: str = Field(examples=["71534420241120abc12x"], description="20-character MeF submission id.")
    status: Literal["queued", "transmitted"]
    queued_at: datetime


class MefValidationError(BaseModel):
    RuleNum: str = Field(examples=["IND-031-04"])
    SeverityCd: Literal["Reject and Stop", "Reject", "Alert"]
    ErrorMessageTxt: str
    XpathContent: str | None = None


class MefAcknowledgement(BaseModel):
    SubmissionId: str
    AcceptanceStatusTxt: Literal["Accepted", "Rejected", "Accepted with Alerts"]
    StatusDt: date
    ValidationErrorList: list[MefValidationError] = []


class MefIPAddress(BaseModel):
    IPv4AddressTxt: str | None = None
    IPv6AddressTxt: str | None = None


class TransmissionManifest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "SubmissionId": "71534420241120abc12x",
                    "TaxYr": "2024",
                    "ReturnTypeCd": "1040",
                    "PrimarySSN": "521-44-0917",
                    "SpouseSSN": "588-02-6643",
                    "SoftwareId": "24009876",
                    "OriginatorTypeCd": "OnlineFiler",
                    "IPAddress": {"IPv4AddressTxt": "198.51.100.77"},
                }
            ]
        }
    )

    SubmissionId: str
    TaxYr: str
    ReturnTypeCd: Literal["1040", "1040-SR", "1040-NR"]
    PrimarySSN: str
    SpouseSSN: str | None = None
    SoftwareId: str
    OriginatorTypeCd: Literal["OnlineFiler", "ERO", "ReportingAgent"]
    IPAddress: MefIPAddress


class SubmissionStatus(BaseModel):
    submission_id: str
    manifest: TransmissionManifest
    ack: MefAcknowledgement | None = None
    transmitted_via: str | None = Field(
        default=None, examples=["fd3a:9c1e:44::10"], description="A2A node that sent the batch."
    )


class RefundStatus(BaseModel):
    return_id: UUID
    stage: Literal["received", "approved", "sent", "deposited", "offset"]
    expected_date: date | None = None
    amount: Decimal | None = None
    ach_trace_number: str | None = Field(default=None, examples=["026009593000182"])


# --------------------------------------------------------------------------- preparer back office


class ClientRow(BaseModel):
    client_id: UUID
    display_name: str
    primary_tin_last4: str
    status: Literal["intake", "in_review", "awaiting_signature", "filed"]
    engagement_letter_signed: bool = False


class ThirdPartyPortalLogin(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "portal": "NY DTF Online Services",
                    "username": "rbaptiste83",
                    "password": "Brooklyn#2019",
                    "mfa_enabled": False,
                }
            ]
        }
    )

    portal: str
    username: str
    password: str
    mfa_enabled: bool = False


class PriorYearSummary(BaseModel):
    tax_year: int
    agi: Decimal
    refund_or_due: Decimal


class ClientDossier(BaseModel):
    client_id: UUID
    household: HouseholdOut
    filers: list[FilerDetail]
    prior_years: list[PriorYearSummary] = []
    portal_logins: dict[str, ThirdPartyPortalLogin] = Field(
        default_factory=dict, description="State and IRS online-account logins the client shared with the firm."
    )


class PreparerKeyCreate(BaseModel):
    label: str = Field(max_length=60)
    expires_in_days: int = Field(default=90, ge=1, le=365)


class PreparerKeyIssued(BaseModel):
    """Shown once. Only a hash of `secret` is stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "pk_9TQ21",
                    "prefix": "tbx_ero_",
                    "secret": "<shown-once>",
                    "expires_at": "2025-03-01T00:00:00Z",
                }
            ]
        }
    )

    key_id: str
    prefix: str
    secret: str
    expires_at: datetime


class PreparerKeySummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "pk_9TQ21",
                    "label": "Office desktop",
                    "prefix": "tbx_ero_",
                    "last_used_ip": "203.0.113.9",
                    "last_used_at": "2024-02-10T15:22:09Z",
                }
            ]
        }
    )

    key_id: str
    label: str
    prefix: str
    last_used_ip: str | None = None
    last_used_at: datetime | None = None


class FirmProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "firm_name": "Hollis & Park CPAs",
                    "signature_pad_enabled": True,
                    "signing_certificate_pem": (
                        "-----BEGIN CERTIFICATE-----\n"
                        "MIIDazCCAlOgAwIBAgIUY3Jd0kQ8v1xXl2c9oR4eWm7bT5swDQYJKoZIhvcNAQEL\n"
                        "BQAwRTELMAkGA1UEBhMCVVMxEzARBgNVBAgMCk5ldyBZb3JrMSEwHwYDVQQKDBhI\n"
                        "-----END CERTIFICATE-----"
                    ),
                    "session_timeout_minutes": 30,
                }
            ]
        }
    )

    firm_name: str
    signature_pad_enabled: bool = False
    signing_certificate_pem: str | None = Field(
        default=None, description="Public certificate used to verify Form 8879 e-signatures."
    )
    session_timeout_minutes: int = 30


# --------------------------------------------------------------------------- admin / internal


class BankPartnerConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bank_name": "Republic Refund Bank",
                    "ach_originator_id": "1234567890",
                    "sftp_host": "sftp-01.refundxfer.intranet",
                    "sftp_username": "taxbridge_rt",
                    "sftp_password": "Rf!2024-batch#7",
                    "pgp_public_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBGXz3q4BCADJ9uR2k1Lw8hZ0yVq3cT7pN5sE4fG6hJ8kL0mO2qS4uW6yA8cE\n-----END PGP PUBLIC KEY BLOCK-----",
                    "pgp_private_key": "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGXz3q4BCADJ9uR2k1Lw8hZ0yVq3cT7pN5sE4fG6hJ8kL0mO2qS4uW6yA8cE\nAAf/Xq2Lz7Vn4Rk9Tp1Hw6Jy3Bc8Md5Fg0Ks2Lx7Qv4Ne9Pr1Tu6Wz3Ab8Cd5Ef\n-----END PGP PRIVATE KEY BLOCK-----",
                }
            ]
        }
    )

    bank_name: str
    ach_originator_id: str
    sftp_host: str
    sftp_username: str
    sftp_password: str
    pgp_public_key: str
    pgp_private_key: str = Field(description="Decrypts the bank's daily funding file.")


class TransmitterCredentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "app_sys_id": "TBRIDGE-A2A-0042",
                    "keystore_password": "Mef#A2A-prod-2024!",
                    "soap_client_key_pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7k2Xq9Lm4Rt8V\nn3Jw6Yp1Hc5Zd8Kf2Gs0Qb7Tu4Ne9Xr1Mv6Wz3Ac8Le5Ig0Ok2Py7Sx4Uh9Bj1Df\n-----END PRIVATE KEY-----",
                    "cert_not_after": "2025-11-30T23:59:59Z",
                }
            ]
        }
    )

    app_sys_id: str = Field(description="MeF A2A application system id.")
    keystore_password: str
    soap_client_key_pem: str
    cert_not_after: datetime


class CalcStep(BaseModel):
    line: str = Field(examples=["1040:11"])
    formula: str
    value: Decimal


class CalcTrace(BaseModel):
    return_id: UUID
    engine_version: str
    steps: list[CalcStep]


# --------------------------------------------------------------------------- errors


class FieldIssue(BaseModel):
    pointer: str
    reason: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldIssue] = []


class FaultBody(BaseModel):
    code: str = Field(examples=["calc_engine_unavailable"])
    detail: str
    exc_type: str | None = Field(default=None, examples=["psycopg.errors.DeadlockDetected"])
    exc_message: str | None = None
    traceback: str | None = None
    sql_statement: str | None = Field(default=None, description="Statement being executed when the fault occurred.")


class GatewayError(BaseModel):
    detail: str
    correlation_id: str
    retry_after: int | None = Field(default=None, description="Seconds until the IRS transmission window reopens.")
    upstream_exception_repr: str | None = Field(
        default=None, examples=["ZeepFault('Transmitter not authorized for ETIN', code='soap:Client')"]
    )
    source_location: str | None = Field(default=None, examples=["taxbridge/efile/a2a_client.py:214"])


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="TaxBridge API",
    version="2024.11.1",
    description=(
        "Filing API for TaxBridge households and TaxBridge Pro preparers. Tax computations are delegated "
        "to the calc engine (taxcalc-01.prod.taxbridge.consul). Compliance questions: TB-COMP-77."
    ),
    servers=[
        {"url": "https://api.taxbridge.com", "description": "Production"},
        {"url": "https://api.taxbridge-staging.com", "description": "Staging"},
        {"url": "http://[::1]:8080", "description": "Local IPv6 loopback"},
        {"url": "http://10.44.0.8:8000", "description": "Filing season surge cluster"},
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    409: {"model": Problem, "description": "Return is locked"},
    500: {"model": Envelope[FaultBody], "description": "Server fault"},
}

hh = APIRouter(prefix="/v2", dependencies=[Depends(oidc)])
bo = APIRouter(prefix="/backoffice", tags=["back-office"], dependencies=[Depends(preparer_bearer)])
ops = APIRouter(tags=["ops"])


@hh.post("/households", response_model=HouseholdOut, status_code=201, responses=ERRORS, tags=["households"])
def create_household(body: HouseholdCreate) -> HouseholdOut:
    raise HTTPException(500)


@hh.get("/households/{household_id}", response_model=HouseholdOut, responses=ERRORS, tags=["households"])
def get_household(household_id: UUID) -> HouseholdOut:
    raise HTTPException(404)


@hh.post(
    "/households/{household_id}/filers", response_model=FilerDetail, status_code=201, responses=ERRORS, tags=["filers"]
)
def add_filer(household_id: UUID, body: FilerCreate) -> FilerDetail:
    raise HTTPException(409)


@hh.get("/households/{household_id}/filers/{filer_id}", response_model=FilerDetail, responses=ERRORS, tags=["filers"])
def get_filer(household_id: UUID, filer_id: UUID) -> FilerDetail:
    raise HTTPException(404)


@hh.get("/households/{household_id}/dependents", response_model=list[Dependent], tags=["dependents"])
def list_dependents(household_id: UUID) -> list[Dependent]:
    return []


@hh.post(
    "/households/{household_id}/dependents",
    response_model=Dependent,
    status_code=201,
    responses=ERRORS,
    tags=["dependents"],
)
def add_dependent(household_id: UUID, body: DependentCreate) -> Dependent:
    raise HTTPException(409)


@hh.get("/returns/{return_id}", response_model=TaxReturnOut, responses=ERRORS, tags=["returns"])
def get_return(return_id: UUID) -> TaxReturnOut:
    raise HTTPException(404)


@hh.patch("/returns/{return_id}", response_model=TaxReturnOut, responses=ERRORS, tags=["returns"])
def update_return(return_id: UUID, body: ReturnUpdate) -> TaxReturnOut:
    raise HTTPException(409)


@hh.post("/returns/{return_id}/pdf", response_model=ReturnPdf, responses=ERRORS, tags=["returns"])
def render_pdf(return_id: UUID, body: ReturnPdfRequest) -> ReturnPdf:
    raise HTTPException(404)


@hh.post(
    "/returns/{return_id}/transmit",
    response_model=SubmissionReceipt,
    status_code=202,
    responses={**ERRORS, "default": {"model": GatewayError, "description": "E-file gateway failure"}},
    tags=["e-file"],
)
def transmit(return_id: UUID, body: TransmitRequest) -> SubmissionReceipt:
    """Sign and queue the return for e-file.

    Submissions are batched by the A2A gateway (mef-a2a.efile.svc.cluster.local) and sent to the IRS
    MeF endpoint at https://la.alt.www4.irs.gov/a2a/mef during the transmission window.
    """
    raise HTTPException(409)


@hh.get("/efile/submissions/{submission_id}", response_model=SubmissionStatus, responses=ERRORS, tags=["e-file"])
def submission_status(submission_id: Annotated[str, Path(pattern=r"^[0-9a-z]{20}$")]) -> SubmissionStatus:
    raise HTTPException(404)


@hh.get("/returns/{return_id}/refund", response_model=RefundStatus, responses=ERRORS, tags=["refunds"])
def refund_status(return_id: UUID) -> RefundStatus:
    raise HTTPException(404)


@hh.get("/calendar/{tax_year}", response_model=TaxCalendar, tags=["reference"])
def calendar(tax_year: Annotated[int, Path(ge=2019, le=2030)]) -> TaxCalendar:
    return TaxCalendar(tax_year=tax_year, key_dates=[])


@app.get("/v2/reference/internal-revenue-code/{section}", response_model=dict[str, str], tags=["reference"])
def irc_section(section: Annotated[str, Path(pattern=r"^\d{1,4}[A-Z]?$")]) -> dict[str, str]:
    """Plain-English summary of a section of the Internal Revenue Code (e.g. 24 = child tax credit)."""
    return {}


@bo.get("/clients", response_model=Page[ClientRow])
def bo_clients(
    q: str | None = None,
    status: Literal["intake", "in_review", "awaiting_signature", "filed"] | None = None,
    x_preparer_key: Annotated[
        str | None,
        Header(
            max_length=80,
            description="Firm API key, for scripted access without a desktop session.",
            openapi_examples={
                "firm_key": {"summary": "Firm integration key", "value": "tbx_ero_live_5Jc8Qw2Rv7Lx3Pn9Tb4Mz6Hk1"},
                "docs": {"summary": "Placeholder", "value": "<your-preparer-key>"},
            },
        ),
    ] = None,
) -> Page[ClientRow]:
    return Page[ClientRow](results=[], count=0)


@bo.get("/clients/{client_id}/dossier", response_model=ClientDossier, responses=ERRORS)
def bo_dossier(client_id: UUID) -> ClientDossier:
    """Everything the firm holds for one client.

    ```
    curl https://api.taxbridge.com/backoffice/clients/3f0c.../dossier \\
      -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJlcm9fNDQ4MjEiLCJmaXJtIjoiSG9sbGlzICYgUGFyayBDUEFzIiwicm9sZSI6InByZXBhcmVyIiwiaWF0IjoxNzA3MzAwMDAwLCJleHAiOjE3MDczMDM2MDB9.b2Y33VbE0PnLpVgRZz2Z-aVRhsiC4F8Xl5HqCzhSQsQ'
    ```
    """
    raise HTTPException(404)


@bo.post("/api-keys", response_model=PreparerKeyIssued, status_code=201)
def bo_create_key(body: PreparerKeyCreate) -> PreparerKeyIssued:
    raise HTTPException(501)


@bo.get("/api-keys", response_model=list[PreparerKeySummary])
def bo_list_keys() -> list[PreparerKeySummary]:
    return []


@bo.get("/firm", response_model=FirmProfile)
def bo_firm() -> FirmProfile:
    raise HTTPException(501)


@ops.get("/admin/refund-banks", response_model=list[BankPartnerConfig], tags=["admin"])
def refund_banks() -> list[BankPartnerConfig]:
    return []


@ops.get("/admin/filers/search", response_model=list[FilerDetail], tags=["admin"])
def admin_filer_search(
    ssn: Annotated[str, Query(pattern=r"^\d{3}-\d{2}-\d{4}$", examples=["318-62-4471"])],
) -> list[FilerDetail]:
    """Look up a filer by SSN (identity-theft desk)."""
    return []


@ops.get("/v2/private/mef/transmitter", response_model=TransmitterCredentials, tags=["admin"])
def transmitter_credentials() -> TransmitterCredentials:
    raise HTTPException(501)


@ops.post("/internal/efile/retry-rejected", status_code=202, tags=["ops"])
def retry_rejected(tax_year: Annotated[int, Query(ge=2019, le=2030)]) -> None:
    """Requeue submissions rejected for transient reasons.

    Publishes to amqp://efile:Q9w!zP4tLr7@mq-efile.taxbridge.internal:5672/%2f (exchange `mef.retry`).
    """


@ops.get("/debug/returns/{return_id}/calc-trace", response_model=CalcTrace, tags=["ops"])
def calc_trace(return_id: UUID) -> CalcTrace:
    raise HTTPException(404)


@ops.get("/__debug__/queries", response_model=list[str], tags=["ops"])
def debug_queries(limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[str]:
    """Most recent SQL statements (django-debug-toolbar style)."""
    return []


@ops.get("/internal/readyz", include_in_schema=False)
def readyz() -> dict[str, bool]:
    return {"ready": True}


app.include_router(hh)
app.include_router(bo)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
