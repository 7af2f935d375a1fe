"""RxPress: e-prescribing, patient records, claims adjudication and pharmacy integrations.

Generate the OpenAPI document with:  python rxpress_app.py > rxpress.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field, computed_field

T = TypeVar("T")

oauth2 = OAuth2PasswordBearer(
    tokenUrl="https://auth.rxpress.health/oauth2/token",
    description="Prescriber and pharmacy staff sign-in (OAuth 2.0 password grant, EPCS step-up for C-II).",
)
partner_key = APIKeyHeader(
    name="X-RxPress-Partner-Key",
    description="Partner key from the RxPress partner portal, sent as `X-RxPress-Partner-Key: <partner-key>`.",
    auto_error=False,
)


# --------------------------------------------------------------------------- shared


class Paginated(BaseModel, Generic[T]):
    results: list[T]
    totalCount: int
    nextCursor: Optional[str] = Field(default=None, description="Opaque cursor for the next page.")


class Address(BaseModel):
    line1: str = Field(max_length=120)
    line2: Optional[str] = None
    city: str = Field(max_length=80)
    state: str = Field(pattern=r"^[A-Z]{2}$")
    zip: str = Field(pattern=r"^\d{5}(-\d{4})?$")


# --------------------------------------------------------------------------- auth


class TokenRequest(BaseModel):
    grant_type: Literal["password", "refresh_token"] = "password"
    username: str = Field(max_length=254)
    password: str = Field(max_length=128)
    epcs_otp: Optional[str] = Field(
        default=None, pattern=r"^\d{6}$", description="One-time code from the EPCS hard token."
    )


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "<access-token>",
                    "token_type": "Bearer",
                    "expires_in": 900,
                    "refresh_token": "<refresh-token>",
                }
            ]
        }
    )

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: Optional[str] = None
    scope: Optional[str] = None


# --------------------------------------------------------------------------- prescribers


class StateLicense(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{2}$")
    licenseNumber: str = Field(description="State medical board licence number (public board lookup).")
    expiresOn: date


class PrescriberProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prescriberId": "prs_7K2M9Q",
                    "npi": "1487652390",
                    "firstName": "Priya",
                    "lastName": "Raman",
                    "specialty": "Internal Medicine",
                    "practicePhone": "+1-312-555-0163",
                    "stateLicenses": [{"state": "IL", "licenseNumber": "036.118842", "expiresOn": "2026-07-31"}],
                    "epcsEnabled": True,
                }
            ]
        }
    )

    prescriberId: str
    npi: str = Field(pattern=r"^\d{10}$", description="National Provider Identifier (public NPPES registry).")
    firstName: str
    lastName: str
    specialty: Optional[str] = None
    practiceAddress: Optional[Address] = None
    practicePhone: Optional[str] = None
    stateLicenses: list[StateLicense] = []
    epcsEnabled: bool = Field(default=False, description="Prescriber completed EPCS identity proofing.")


class PrescriberBilling(BaseModel):
    taxpayerId: str = Field(description="TIN used on 1099s.")
    bankRoutingNumber: Optional[str] = None
    bankAccountNumber: Optional[str] = None
    payoutMethod: Literal["ach", "check"] = "ach"


class PrescriberAccount(BaseModel):
    """Full prescriber row, used by the support console."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "prescriberId": "prs_7K2M9Q",
                    "loginEmail": "dr.priya.raman@northshore-im.com",
                    "passwordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHlzYWx0MTIz$Vt3cFg9yQd2Jb6mWkXh1rP0sLz4nA8eUoTqI7yGvB5c",
                    "epcsOtpSeed": "HX7QK2MZ5RWT3LPA6YVN4BCJ",
                    "lastLoginIp": "10.14.2.77",
                    "billing": {"taxpayerId": "36-4817725", "bankRoutingNumber": "071000013", "payoutMethod": "ach"},
                    "lockedOut": False,
                }
            ]
        }
    )

    prescriberId: str
    profile: PrescriberProfile
    loginEmail: str
    passwordHash: str
    epcsOtpSeed: Optional[str] = Field(default=None, description="Base32 TOTP seed provisioned on the EPCS soft token.")
    lastLoginIp: Optional[str] = None
    billing: Optional[PrescriberBilling] = None
    lockedOut: bool = False
    passwordChangedAt: Optional[datetime] = None


# --------------------------------------------------------------------------- patients


class PatientCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "firstName": "Alex",
                    "lastName": "Moreno",
                    "dateOfBirth": "1979-03-02",
                    "ssn": "XXX-XX-XXXX",
                    "email": "alex.moreno@example.org",
                    "mobile": "+1-312-555-0148",
                }
            ]
        }
    )

    firstName: str = Field(max_length=60)
    lastName: str = Field(max_length=60)
    dateOfBirth: date
    sexAtBirth: Literal["F", "M", "U"] = "U"
    ssn: Optional[str] = Field(
        default=None, pattern=r"^\d{3}-\d{2}-\d{4}$", description="Optional; used for PDMP matching only."
    )
    email: Optional[str] = Field(default=None, max_length=254)
    mobile: Optional[str] = Field(default=None, max_length=20)


class Coverage(BaseModel):
    payerName: str
    bin: str = Field(description="Pharmacy benefit BIN (6 digits).")
    pcn: Optional[str] = None
    rxGroup: Optional[str] = None
    memberId: str
    personCode: Optional[str] = None
    relationshipCode: Literal["1", "2", "3", "4"] = "1"


class PatientIdentity(BaseModel):
    """Identity proofing captured at pick-up of a controlled substance."""

    idType: Literal["drivers_license", "state_id", "passport"]
    governmentIdNumber: str
    issuingState: Optional[str] = None
    expiresOn: Optional[date] = None
    verifiedAt: datetime
    verifiedByStaffId: str


class Allergy(BaseModel):
    substance: str
    reaction: Optional[str] = None
    severity: Literal["mild", "moderate", "severe"] = "moderate"


class PatientRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "patientId": "pat_01HX4Z",
                    "mrn": "MRN-00448812",
                    "firstName": "Lena",
                    "lastName": "Kowalczyk",
                    "dateOfBirth": "1984-07-19",
                    "ssnLast4": "4410",
                    "email": "lena.kowalczyk84@gmail.com",
                    "mobile": "(773) 284-9916",
                    "coverage": [
                        {
                            "payerName": "Prime Therapeutics",
                            "bin": "610014",
                            "pcn": "MEDDPRIME",
                            "rxGroup": "BCIL01",
                            "memberId": "XOF448812930",
                        }
                    ],
                }
            ]
        }
    )

    patientId: str
    mrn: str = Field(description="Medical record number at the dispensing pharmacy.")
    firstName: str
    lastName: str
    dateOfBirth: date
    ssnLast4: Optional[str] = None
    email: Optional[str] = None
    mobile: Optional[str] = None
    homeAddress: Optional[Address] = None
    coverage: list[Coverage] = []
    allergies: list[Allergy] = []
    identityProof: Optional[PatientIdentity] = None
    pickupPinEnabled: bool = False


class SupportPatientView(BaseModel):
    """Everything the support console needs to match a caller to a patient."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "patientId": "pat_01HX4Z",
                    "fullName": "Lena Kowalczyk",
                    "ssn": "518-44-2093",
                    "callbackNumber": "+1 (872) 410-6637",
                    "portalPasswordResetUrl": "https://my.rxpress.health/reset",
                }
            ]
        }
    )

    patientId: str
    fullName: str
    ssn: Optional[str] = None
    callbackNumber: Optional[str] = None
    portalPasswordResetUrl: str = Field(description="Link to send when the caller forgot their portal password.")
    openTickets: int = 0


class ImpersonationRequest(BaseModel):
    patientId: str = Field(max_length=32)
    reason: Literal["caller_verified", "escalation", "qa_review"]
    ticketRef: str = Field(pattern=r"^RXS-\d{1,7}$")


class ImpersonationGrant(BaseModel):
    """Short-lived portal session for a support agent acting as the patient."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sessionToken": "<session-token>", "expiresInSeconds": 600, "auditRef": "imp_55d1"}]
        }
    )

    sessionToken: str
    expiresInSeconds: int
    auditRef: str


# --------------------------------------------------------------------------- prescriptions


class Schedule(str, Enum):
    none = "none"
    c2 = "CII"
    c3 = "CIII"
    c4 = "CIV"
    c5 = "CV"


class NewRxRequest(BaseModel):
    patientId: str = Field(max_length=32)
    prescriberId: str = Field(max_length=32)
    pharmacyNcpdpId: str = Field(pattern=r"^\d{7}$")
    ndc: str = Field(pattern=r"^\d{5}-\d{4}-\d{2}$")
    drugDescription: str = Field(max_length=200)
    sig: str = Field(description="Directions for use, e.g. 'Take 1 tablet by mouth twice daily'.")
    quantity: Decimal = Field(gt=0, description="Dispense quantity in the NCPDP unit of measure.")
    daysSupply: int = Field(ge=1, le=365)
    refills: int = Field(default=0, ge=0, le=11)
    substitutionAllowed: bool = True
    schedule: Schedule = Schedule.none
    notesToPharmacist: Optional[str] = None
    diagnosisCodes: list[str] = Field(default_factory=list, description="ICD-10-CM codes.")
    epcsTwoFactorCode: Optional[str] = Field(default=None, pattern=r"^\d{6}$")


class RefillSchedule(BaseModel):
    startOn: date
    intervalDays: int
    remaining: int
    exceptionDates: list[date] = Field(
        default_factory=list, description="Dates skipped by the auto-refill run (holiday closures)."
    )


class PrescriptionOut(BaseModel):
    rxId: str
    status: Literal["draft", "signed", "transmitted", "received", "dispensed", "cancelled"]
    ndc: str
    drugDescription: str
    sig: str
    quantity: Decimal
    daysSupply: int
    refills: int
    schedule: Schedule
    digitalSignature: Optional[str] = Field(default=None, description="Detached EPCS signature over the NewRx message.")
    signingCertThumbprint: Optional[str] = Field(
        default=None, examples=["3F:A9:1C:77:0B:E2:54:9D:AA:10:6E:C3:81:F4:2B:97:D0:5A:68:13"]
    )
    surescriptsMessageId: Optional[str] = None
    refillSchedule: Optional[RefillSchedule] = None


class PrescriptionPdf(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "rxId": "rx_4410XB",
                    "downloadUrl": "https://rxpress-docs-prod.s3.us-east-2.amazonaws.com/rx/rx_4410XB.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAQ3EGTN7SWV4YH2LK%2F20240611%2Fus-east-2%2Fs3%2Faws4_request&X-Amz-Date=20240611T141500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=6f1e4b8d2c9a7e3f0b5d1c8a4e7f2b9c6d3a0e5f8b1c4d7a2e9f6b3c0d5a8e1f",
                    "sha256": "a3f1c9e07b52d4e8f6019c2b7d3e5a4f8c1b0d9e2f7a6c5b4d3e2f1a0b9c8d7e",
                    "pages": 1,
                }
            ]
        }
    )

    rxId: str
    downloadUrl: str
    sha256: str
    pages: int


class FormularyExceptionRequest(BaseModel):
    rxId: str = Field(max_length=32)
    exceptionType: Literal["formulary", "tiering", "quantity_limit", "step_therapy"]
    clinicalJustification: str = Field(max_length=4000)
    urgent: bool = False


class FormularyExceptionStatus(BaseModel):
    exceptionId: str
    rxId: str
    exceptionType: Literal["formulary", "tiering", "quantity_limit", "step_therapy"]
    status: Literal["submitted", "approved", "denied", "more_info"]
    payerDecisionReason: Optional[str] = None
    decidedAt: Optional[datetime] = None


# --------------------------------------------------------------------------- claims


class ClaimSubmission(BaseModel):
    rxId: str = Field(max_length=32)
    bin: str = Field(pattern=r"^\d{6}$")
    pcn: Optional[str] = Field(default=None, max_length=10)
    groupId: Optional[str] = Field(default=None, max_length=15)
    cardholderId: str = Field(max_length=20)
    ingredientCostSubmitted: Decimal = Field(ge=0, le=1_000_000)
    dispensingFeeSubmitted: Decimal = Field(ge=0, le=10_000)
    usualAndCustomaryCharge: Decimal = Field(ge=0)
    priorAuthNumber: Optional[str] = Field(default=None, max_length=11)


class RejectCode(BaseModel):
    code: str = Field(examples=["75"])
    message: str = Field(examples=["Prior Authorization Required"])


class ClaimLine(BaseModel):
    lineNumber: int
    ndc: str
    amountPaid: Decimal
    patientPayAmount: Decimal


class ClaimResponse(BaseModel):
    claimId: str
    transactionStatus: Literal["P", "R", "D"] = Field(description="P = paid, R = rejected, D = duplicate of paid.")
    authorizationNumber: Optional[str] = None
    rejectCodes: list[RejectCode] = []
    lines: list[ClaimLine] = []
    payerMessage: Optional[str] = None


class CopayCard(BaseModel):
    pan: str = Field(pattern=r"^\d{13,19}$")
    expMonth: int = Field(ge=1, le=12)
    expYear: int = Field(ge=2024, le=2060)
    cvv: str = Field(pattern=r"^\d{3,4}$")
    postalCode: str = Field(pattern=r"^\d{5}$")


class CopayPayment(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amountCents": 1500,
                    "card": {
                        "pan": "4111111111111111",
                        "expMonth": 9,
                        "expYear": 2029,
                        "cvv": "123",
                        "postalCode": "60601",
                    },
                }
            ]
        }
    )

    amountCents: int = Field(ge=1, le=500_000)
    card: CopayCard


class CopayReceipt(BaseModel):
    receiptId: str
    claimId: str
    amountCents: int
    cardBrand: Literal["visa", "mastercard", "amex", "discover"]
    panLast4: str = Field(examples=["1111"])
    processorChargeId: str = Field(examples=["ch_3PDx81Hq2LmQ0aZ91kT7nRwE"])


class RawClaimRow(BaseModel):
    """Row from claims.adjudication_log, including the copay card used at POS."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "claimId": "clm_88V3QX",
                    "ncpdpTransmission": "D0B1 header, AM04 insurance, AM07 claim, AM11 pricing (truncated)",
                    "cardPan": "4716190207394368",
                    "cardCvv": "839",
                    "switchHost": "10.22.9.40",
                    "createdAt": "2024-06-11T14:02:55Z",
                }
            ]
        }
    )

    claimId: str
    ncpdpTransmission: str
    cardPan: Optional[str] = None
    cardCvv: Optional[str] = None
    switchHost: str
    createdAt: datetime


# --------------------------------------------------------------------------- shipments


class ShipmentStatus(BaseModel):
    orderId: str
    carrier: Literal["ups", "fedex", "usps"]
    trackingNumber: str
    status: Literal["label_created", "in_transit", "exception", "delivered"]
    exceptionCode: Optional[str] = Field(
        default=None, examples=["TEMP_EXCURSION"], description="Carrier exception, e.g. cold-chain breach."
    )
    exception: Optional[str] = Field(default=None, description="Carrier's exception text shown to the patient.")
    estimatedDelivery: Optional[date] = None


# --------------------------------------------------------------------------- pharmacies / integrations


class PharmacyDirectoryEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ncpdpId": "1456712",
                    "npi": "1093817265",
                    "name": "Lakeview Community Pharmacy",
                    "phone": "+1 312 555 0199",
                    "storeEmail": "store0421@lakeview-pharmacy.example",
                    "acceptsEpcs": True,
                }
            ]
        }
    )

    ncpdpId: str
    npi: str
    name: str
    address: Optional[Address] = None
    phone: Optional[str] = None
    storeEmail: Optional[str] = None
    acceptsEpcs: bool = True


class PharmacyIntegration(BaseModel):
    """Connection from RxPress to the pharmacy management system (PMS)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ncpdpId": "1456712",
                    "pmsVendor": "PioneerRx",
                    "endpointUrl": "https://pms-bridge.rxpress.health/hl7/1456712",
                    "sftpHost": "sftp01.pms.rxpress.internal",
                    "sftpUsername": "lakeview_1456712",
                    "sftpPassword": "Lkv!Sftp#2024q2",
                    "clearinghouseApiKey": "chx_live_4mQ9vT2wLp8RzY6kNb3XcJ7dFh0sGe5U",
                    "hl7Port": 2575,
                }
            ]
        }
    )

    ncpdpId: str = Field(pattern=r"^\d{7}$")
    pmsVendor: Literal["PioneerRx", "QS/1", "Liberty", "BestRx"]
    endpointUrl: str = Field(max_length=2048)
    sftpHost: str = Field(max_length=253)
    sftpUsername: str = Field(max_length=64)
    sftpPassword: str = Field(max_length=128)
    clearinghouseApiKey: Optional[str] = Field(default=None, max_length=128)
    hl7Port: int = Field(default=2575, ge=1, le=65535)

    @computed_field
    @property
    def connectionLabel(self) -> str:
        return f"{self.pmsVendor} @ {self.ncpdpId}"


class FaxRoutingUpdate(BaseModel):
    faxNumber: str = Field(pattern=r"^\+1\d{10}$")
    faxGatewayUser: str = Field(default="rxfax", max_length=64)
    faxGatewayPassword: str = Field(default="Fax2020!rx", max_length=64)
    coverSheet: bool = True


class FaxRouting(BaseModel):
    faxNumber: str
    faxGatewayUser: str
    coverSheet: bool
    updatedAt: datetime


class WebhookEvent(str, Enum):
    rx_received = "rx.received"
    rx_dispensed = "rx.dispensed"
    claim_rejected = "claim.rejected"
    shipment_exception = "shipment.exception"


class WebhookSubscriptionCreate(BaseModel):
    callbackUrl: str = Field(max_length=2048, examples=["https://hooks.partner.example/rxpress"])
    events: list[WebhookEvent] = Field(max_length=10)


class WebhookSubscription(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subscriptionId": "wsub_19QZ",
                    "callbackUrl": "https://hooks.partner.example/rxpress",
                    "events": ["rx.received"],
                    "hmacSecret": "rxwh_sec_T8kP2vQm6Lz9Xw4Nc1Rb7Jh3Yd5Fg0Sa",
                    "createdAt": "2024-05-20T08:00:00Z",
                }
            ]
        }
    )

    subscriptionId: str
    callbackUrl: str
    events: list[WebhookEvent]
    hmacSecret: str = Field(description="Shared secret for the X-RxPress-Signature HMAC-SHA256 header.")
    createdAt: datetime


class PartnerCredentialCreate(BaseModel):
    label: str = Field(max_length=64)
    environment: Literal["sandbox", "production"] = "sandbox"


class PartnerCredentialIssued(BaseModel):
    """Returned once. Store the client secret now; it is never shown again."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "clientId": "rxp_cli_8842",
                    "clientSecret": "<client-secret>",
                    "secretLast4": "Q7x2",
                    "issuedAt": "2024-06-01T00:00:00Z",
                }
            ]
        }
    )

    clientId: str
    clientSecret: str
    secretLast4: str
    issuedAt: datetime


class PartnerCredentialSummary(BaseModel):
    clientId: str
    label: str
    secretLast4: str
    credentialRotationDays: int = 90
    issuedAt: datetime
    lastUsedAt: Optional[datetime] = None


class DirectorySyncResult(BaseModel):
    pharmaciesUpserted: int
    prescribersUpserted: int
    tookMs: int


# --------------------------------------------------------------------------- errors


class ProblemDetails(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    traceId: Optional[str] = None


class RxServerFault(BaseModel):
    errorCode: str = Field(examples=["RX_INTERNAL"])
    message: str
    correlationId: str
    exceptionClass: Optional[str] = Field(default=None, examples=["psycopg.errors.UniqueViolation"])
    stackTrace: list[str] = Field(default_factory=list)
    failedStatement: Optional[str] = Field(
        default=None, description="SQL statement that raised, with bound parameters."
    )
    causeChain: list[str] = Field(
        default_factory=list, description="Chained exceptions (__cause__ / __context__), outermost first."
    )


class ClearinghouseUnavailable(BaseModel):
    provider: Literal["surescripts", "change_healthcare", "relayhealth"]
    message: str
    retryAfterSeconds: int


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="RxPress e-Prescribing API",
    version="3.8.1",
    description=(
        "E-prescribing (NewRx / CancelRx / RxRenewal over Surescripts), patient records, "
        "pharmacy claims (NCPDP D.0) and pharmacy-system integrations. "
        "Certification questions: see runbook RXP-2041 or #rx-partner-cert."
    ),
    contact={"name": "RxPress Partner Engineering", "email": "partner-eng@rxpress.health"},
    servers=[
        {"url": "https://api.rxpress.health", "description": "Production"},
        {"url": "https://sandbox.rxpress.health", "description": "Certification sandbox (synthetic patients only)"},
        {"url": "http://127.0.0.1:8080", "description": "Local docker-compose"},
        {
            "url": "https://rx-api.corp.rxpress.health",
            "description": "Corp VPN, reached through rx-bastion.corp.rxpress.health",
        },
    ],
)

ERRS = {
    404: {"model": ProblemDetails, "description": "Not found"},
    500: {"model": RxServerFault, "description": "Unhandled server error"},
}
CLAIM_ERRS = {**ERRS, 503: {"model": ClearinghouseUnavailable, "description": "Switch or payer unavailable"}}

auth = APIRouter(prefix="/oauth2", tags=["auth"])
prescribers = APIRouter(prefix="/v1/prescribers", tags=["prescribers"], dependencies=[Depends(oauth2)])
patients = APIRouter(prefix="/v1/patients", tags=["patients"], dependencies=[Depends(oauth2)])
rx = APIRouter(prefix="/v1", tags=["prescriptions"], dependencies=[Depends(oauth2)])
claims = APIRouter(prefix="/v1/claims", tags=["claims"], dependencies=[Depends(oauth2)])
pharm = APIRouter(prefix="/v1/pharmacies", tags=["pharmacies"])
partners = APIRouter(prefix="/v1", tags=["partners"], dependencies=[Depends(partner_key)])
support = APIRouter(prefix="/v1/support-console", tags=["support"], dependencies=[Depends(oauth2)])
ops = APIRouter(tags=["ops"])


@auth.post("/token", response_model=TokenResponse, responses={401: {"model": ProblemDetails}})
def issue_token(body: TokenRequest) -> TokenResponse:
    """Password grant for staff users; C-II signing additionally requires `epcs_otp`."""
    raise HTTPException(401)


@prescribers.get("/{prescriberId}", response_model=PrescriberProfile, responses=ERRS)
def get_prescriber(prescriberId: Annotated[str, Path(max_length=32)]) -> PrescriberProfile:
    raise HTTPException(404)


@prescribers.get("", response_model=Paginated[PrescriberProfile])
def search_prescribers(
    name: Optional[str] = Query(default=None, description="Last name prefix"),
    npi: Annotated[Optional[str], Query(pattern=r"^\d{10}$")] = None,
    state: Annotated[Optional[str], Query(pattern=r"^[A-Z]{2}$")] = None,
) -> Paginated[PrescriberProfile]:
    return Paginated[PrescriberProfile](results=[], totalCount=0)


@patients.post("", response_model=PatientRecord, status_code=201, responses=ERRS)
def create_patient(body: PatientCreate) -> PatientRecord:
    raise HTTPException(501)


@patients.get("/{patientId}", response_model=PatientRecord, responses=ERRS)
def get_patient(patientId: Annotated[str, Path(max_length=32)]) -> PatientRecord:
    raise HTTPException(404)


@patients.get("/{patientId}/shipments/{orderId}", response_model=ShipmentStatus, responses=ERRS)
def shipment(
    patientId: Annotated[str, Path(max_length=32)], orderId: Annotated[str, Path(max_length=32)]
) -> ShipmentStatus:
    raise HTTPException(404)


@rx.post("/prescriptions", response_model=PrescriptionOut, status_code=201, responses=ERRS)
def new_rx(body: NewRxRequest) -> PrescriptionOut:
    """Create and sign a NewRx. Controlled substances need `epcsTwoFactorCode`."""
    raise HTTPException(501)


@rx.get("/prescriptions/{rxId}", response_model=PrescriptionOut, responses=ERRS)
def get_rx(rxId: Annotated[str, Path(max_length=32)]) -> PrescriptionOut:
    raise HTTPException(404)


@rx.get("/prescriptions/{rxId}/pdf", response_model=PrescriptionPdf, responses=ERRS)
def rx_pdf(rxId: Annotated[str, Path(max_length=32)]) -> PrescriptionPdf:
    """Printable copy of the prescription (short-lived download link)."""
    raise HTTPException(404)


@rx.post("/prior-auth/exceptions", response_model=FormularyExceptionStatus, status_code=201, responses=ERRS)
def request_exception(body: FormularyExceptionRequest) -> FormularyExceptionStatus:
    """Ask the payer for a formulary, tiering or quantity-limit exception."""
    raise HTTPException(501)


@rx.get("/prior-auth/exceptions/{exceptionId}", response_model=FormularyExceptionStatus, responses=ERRS)
def get_exception(exceptionId: Annotated[str, Path(max_length=32)]) -> FormularyExceptionStatus:
    raise HTTPException(404)


@claims.post("", response_model=ClaimResponse, responses=CLAIM_ERRS)
def submit_claim(body: ClaimSubmission) -> ClaimResponse:
    """Adjudicate a B1 billing request in real time.

    ```
    curl -X POST https://api.rxpress.health/v1/claims \\
      -H 'Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6InJ4cC0yMDI0LTA2In0.eyJzdWIiOiJwaGFybWFjeToxNDU2NzEyIiwic2NvcGUiOiJjbGFpbXM6d3JpdGUiLCJleHAiOjE3MjYwMDAwMDB9.Jk3v9Qm2pXw7LrT4yZ8nB1cD6eF0gH5sU2aV9xK4qP7mN3tR8wY1zC6bE0dG5hJ2' \\
      -d @claim.json
    ```
    """
    raise HTTPException(503)


@claims.post("/{claimId}/copay", response_model=CopayReceipt, status_code=201, responses=CLAIM_ERRS)
def pay_copay(claimId: Annotated[str, Path(max_length=32)], body: CopayPayment) -> CopayReceipt:
    raise HTTPException(501)


@claims.get("/eligibility", response_model=list[Coverage], responses=CLAIM_ERRS)
def eligibility(
    memberId: Annotated[str, Query(max_length=20)],
    dateOfService: date,
    x_clearinghouse_token: Annotated[
        Optional[str],
        Header(
            max_length=256,
            description="Per-partner clearinghouse token, forwarded to the E1 eligibility check.",
            openapi_examples={
                "live": {
                    "summary": "Token captured from the Lakeview integration",
                    "value": "chtok_Rz5Qm8Vx2Kp7Lw3Nt9Hb4Yc6Df1Gs0Ja",
                },
                "docs": {"summary": "Placeholder", "value": "<clearinghouse-token>"},
            },
        ),
    ] = None,
) -> list[Coverage]:
    return []


@pharm.get("", response_model=Paginated[PharmacyDirectoryEntry])
def find_pharmacies(
    zip: Annotated[str, Query(pattern=r"^\d{5}$")],
    radiusMiles: int = Query(default=10, ge=1),
    acceptsEpcs: Optional[bool] = None,
) -> Paginated[PharmacyDirectoryEntry]:
    return Paginated[PharmacyDirectoryEntry](results=[], totalCount=0)


@pharm.get("/{ncpdpId}/integration", response_model=PharmacyIntegration, responses=ERRS, dependencies=[Depends(oauth2)])
def get_integration(ncpdpId: Annotated[str, Path(pattern=r"^\d{7}$")]) -> PharmacyIntegration:
    raise HTTPException(404)


@pharm.put("/{ncpdpId}/integration", response_model=PharmacyIntegration, responses=ERRS, dependencies=[Depends(oauth2)])
def put_integration(
    ncpdpId: Annotated[str, Path(pattern=r"^\d{7}$")], body: PharmacyIntegration
) -> PharmacyIntegration:
    """Create or replace the PMS connection.

    If no SFTP account is given, the legacy drop box is used with user `rxdrop` and password `Dr0pB0x!2019`.
    """
    return body


@pharm.put("/{ncpdpId}/fax-routing", response_model=FaxRouting, responses=ERRS, dependencies=[Depends(oauth2)])
def put_fax_routing(ncpdpId: Annotated[str, Path(pattern=r"^\d{7}$")], body: FaxRoutingUpdate) -> FaxRouting:
    """Fallback route for prescriptions that cannot be sent electronically."""
    raise HTTPException(404)


@partners.post("/webhooks", response_model=WebhookSubscription, status_code=201)
def create_webhook(body: WebhookSubscriptionCreate) -> WebhookSubscription:
    raise HTTPException(501)


@partners.get("/webhooks", response_model=list[WebhookSubscription])
def list_webhooks() -> list[WebhookSubscription]:
    return []


@partners.post("/partners/{partnerId}/credentials", response_model=PartnerCredentialIssued, status_code=201)
def issue_partner_credential(
    partnerId: Annotated[str, Path(max_length=32)], body: PartnerCredentialCreate
) -> PartnerCredentialIssued:
    raise HTTPException(501)


@partners.get("/partners/{partnerId}/credentials", response_model=list[PartnerCredentialSummary])
def list_partner_credentials(partnerId: Annotated[str, Path(max_length=32)]) -> list[PartnerCredentialSummary]:
    return []


@support.get("/patients/{patientId}", response_model=SupportPatientView, responses=ERRS)
def support_patient(patientId: Annotated[str, Path(max_length=32)]) -> SupportPatientView:
    """Caller verification screen in the support console."""
    raise HTTPException(404)


@support.post("/impersonation", response_model=ImpersonationGrant, status_code=201, responses=ERRS)
def impersonate(body: ImpersonationRequest) -> ImpersonationGrant:
    """Open the patient portal as the patient (audited)."""
    raise HTTPException(501)


@app.get("/v1/privacy-notice", tags=["docs"])
def privacy_notice() -> dict[str, str]:
    """HIPAA Notice of Privacy Practices, as markdown."""
    return {}


@app.get("/docs/admin-onboarding", tags=["docs"])
def admin_onboarding() -> dict[str, str]:
    """Checklist for pharmacy owners setting up their first staff accounts."""
    return {}


# Support-console back end. Meant to be mounted on the staff ingress only.
@ops.get("/_admin/prescribers/{prescriberId}", response_model=PrescriberAccount, responses=ERRS)
def admin_prescriber(prescriberId: str) -> PrescriberAccount:
    raise HTTPException(404)


@ops.get("/_admin/claims", response_model=Paginated[RawClaimRow], responses=ERRS)
def admin_claims(
    ncpdpId: Optional[str] = None,
    since: Optional[datetime] = None,
    limit: int = 100,
) -> Paginated[RawClaimRow]:
    return Paginated[RawClaimRow](results=[], totalCount=0)


@ops.post("/internal/surescripts/directory-sync", response_model=DirectorySyncResult)
def directory_sync(full: bool = False) -> DirectorySyncResult:
    """Pull the Surescripts directory delta.

    Runs from the cron pod; reads from ss-dirsync.rxp-prod.svc.cluster.local and the
    credentials at vault.service.dc2.consul.
    """
    return DirectorySyncResult(pharmaciesUpserted=0, prescribersUpserted=0, tookMs=0)


@ops.post("/v1/Debug/echo-claim", response_model=dict[str, str])
def echo_claim(raw: Annotated[str, Body(embed=True)]) -> dict[str, str]:
    """Parse a raw NCPDP transmission and return the segments (cert testing, RXP-1877)."""
    return {}


app.include_router(auth)
app.include_router(prescribers)
app.include_router(patients)
app.include_router(rx)
app.include_router(claims)
app.include_router(pharm)
app.include_router(partners)
app.include_router(support)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
