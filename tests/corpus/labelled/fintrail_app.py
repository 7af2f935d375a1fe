"""Fintrail: expense management with corporate cards, receipts OCR and reimbursements.

Generate the OpenAPI document with:  python fintrail_app.py > fintrail.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2, OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field

api_key = APIKeyHeader(name="Fintrail-Api-Key", scheme_name="apiKey")
partner_oauth = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(tokenUrl="https://auth.fintrail.io/oauth2/token", scopes={})
    ),
    scheme_name="partnerClientCredentials",
)
ops_sso = OAuth2PasswordBearer(tokenUrl="https://sso.fintrail.corp/adfs/oauth2/token", scheme_name="opsConsoleSSO")

T = TypeVar("T")

CardId = Annotated[str, Path(pattern=r"^card_[A-Za-z0-9]{8,24}$")]


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool = False
    next_page: Optional[str] = None


class Money(BaseModel):
    amount_minor: int = Field(description="Amount in the currency's minor unit (cents).")
    currency: str = Field(pattern=r"^[A-Z]{3}$")


# --------------------------------------------------------------------------- employees


class Address(BaseModel):
    line1: str = Field(max_length=120)
    line2: Optional[str] = Field(default=None, max_length=120)
    city: str = Field(max_length=80)
    region: Optional[str] = Field(default=None, max_length=80)
    postal_code: str = Field(max_length=16)
    country: str = Field(pattern=r"^[A-Z]{2}$")


class EmployeeCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_name": "Priya",
                    "last_name": "Raman",
                    "work_email": "priya.raman@example.com",
                    "department_code": "ENG-PLATFORM",
                    "cost_center": "CC-4100",
                }
            ]
        }
    )

    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    work_email: str = Field(max_length=254)
    department_code: str = Field(pattern=r"^[A-Z0-9-]{2,24}$")
    cost_center: str = Field(max_length=32)
    manager_id: Optional[UUID] = None
    home_address: Optional[Address] = None


class BankAccount(BaseModel):
    """Where reimbursements are paid. Routing data only; shared so the employee can receive money."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_holder": "Priya Raman",
                    "iban": "DE89370400440532013000",
                    "bic": "COBADEFFXXX",
                    "routing_number": None,
                    "account_number": None,
                    "account_number_last4": "3000",
                }
            ]
        }
    )

    account_holder: str
    iban: Optional[str] = None
    bic: Optional[str] = None
    routing_number: Optional[str] = None
    account_number: Optional[str] = None
    account_number_last4: str


class BankAccountIn(BaseModel):
    account_holder: str = Field(max_length=140)
    iban: Optional[str] = Field(default=None, pattern=r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
    bic: Optional[str] = Field(default=None, pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
    routing_number: Optional[str] = Field(default=None, pattern=r"^\d{9}$")
    account_number: Optional[str] = Field(default=None, pattern=r"^\d{4,17}$")


class EmployeeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2f8e4c1a-9b3d-4e7f-a6c5-0d1e2f3a4b5c",
                    "employee_number": "E-20417",
                    "first_name": "Priya",
                    "last_name": "Raman",
                    "work_email": "priya.raman@northwind-logistics.com",
                    "department_code": "ENG-PLATFORM",
                    "status": "active",
                    "card_count": 2,
                }
            ]
        }
    )

    id: UUID
    employee_number: str = Field(description="HRIS employee number.")
    first_name: str
    last_name: str
    work_email: str
    department_code: str
    cost_center: Optional[str] = None
    manager_id: Optional[UUID] = None
    status: Literal["invited", "active", "offboarded"]
    reimbursement_account: Optional[BankAccount] = None
    card_count: int = 0


class EmployeeRecord(BaseModel):
    """Full HR record as synced from the HRIS, for KYC on cardholders (ops console)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "legal_name": "Priya Raman",
                    "date_of_birth": "1990-03-14",
                    "ssn": "529-38-4417",
                    "driver_license_no": "R512-7730-4419",
                    "personal_email": "priya.raman88@yahoo.com",
                    "mobile": "+1 646 201 7734",
                }
            ]
        }
    )

    employee: EmployeeOut
    legal_name: str
    date_of_birth: date
    ssn: Optional[str] = None
    driver_license_no: Optional[str] = None
    personal_email: Optional[str] = None
    mobile: Optional[str] = None
    home_address: Optional[Address] = None


# --------------------------------------------------------------------------- cards


class SpendControls(BaseModel):
    limit: Money
    interval: Literal["per_transaction", "daily", "monthly", "total"] = "monthly"
    allowed_mcc: list[str] = Field(default_factory=list, max_length=50, description="Merchant category codes.")


class CardIssueRequest(BaseModel):
    cardholder_id: UUID
    type: Literal["virtual", "physical"]
    nickname: Optional[str] = Field(default=None, max_length=40)
    spend_controls: SpendControls
    shipping_address: Optional[Address] = None


class CardOut(BaseModel):
    card_id: str = Field(examples=["card_8Hq2LmX9"])
    cardholder_id: UUID
    type: Literal["virtual", "physical"]
    network: Literal["visa", "mastercard"]
    last_four: str = Field(examples=["0932"])
    exp_month: int
    exp_year: int
    status: Literal["active", "frozen", "canceled"]
    pin_set: bool = False
    spend_controls: SpendControls
    issuing_bank: str = Field(examples=["Northbeam Bank, N.A."])


class CardRevealToken(BaseModel):
    """Single-use token for the partner bank's card-details iframe. Only returned by POST .../reveal-token."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reveal_token": "<ephemeral-token>",
                    "iframe_url": "https://reveal.northbeambank.com/v1/embed",
                    "expires_at": "2024-06-03T12:05:00Z",
                }
            ]
        }
    )

    reveal_token: str
    iframe_url: str
    expires_at: datetime


class PartnerCardRecord(BaseModel):
    """Card as returned by the issuing processor's API, passed through unchanged (camelCase)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "processorCardId": "c_7f3a9e21",
                    "pan": "4716294831057720",
                    "cvvNumber": "731",
                    "expiration": "0928",
                    "state": "ACTIVE",
                }
            ]
        }
    )

    processorCardId: str
    pan: str
    cvvNumber: str
    expiration: str
    pinHash: Optional[str] = None
    state: str


class SimulatedAuthorization(BaseModel):
    """Sandbox only: push a fake authorization through the card's spend controls."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "pan": "4000056655665556",
                    "cvc": "123",
                    "exp_month": 12,
                    "exp_year": 2030,
                    "amount_minor": 4599,
                    "merchant_name": "Blue Bottle Coffee",
                    "mcc": "5814",
                }
            ]
        }
    )

    pan: str = Field(pattern=r"^\d{12,19}$")
    cvc: str = Field(pattern=r"^\d{3,4}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    amount_minor: int = Field(ge=1, le=10_000_000)
    merchant_name: str = Field(max_length=80)
    mcc: str = Field(pattern=r"^\d{4}$")


class PolicyException(BaseModel):
    rule_id: str
    rule_name: str = Field(examples=["Meals over $75 need attendees"])
    severity: Literal["soft", "hard"]
    exception_reason: Optional[str] = Field(
        default=None, description="Employee's justification for the out-of-policy spend."
    )


class CardTransaction(BaseModel):
    id: str
    card_id: str
    merchant_name: str
    mcc: str
    amount: Money
    authorization_id: str = Field(examples=["auth_3Kq9Wm2L"])
    network_reference: Optional[str] = None
    status: Literal["pending", "posted", "declined", "reversed"]
    policy_exceptions: list[PolicyException] = []
    receipt_id: Optional[UUID] = None


# --------------------------------------------------------------------------- receipts


class OcrToken(BaseModel):
    text: str
    bbox: list[float]
    confidence: float


class OcrResult(BaseModel):
    merchant: Optional[str] = None
    total_minor: Optional[int] = None
    currency: Optional[str] = None
    tokens: list[OcrToken] = Field(default_factory=list, description="Words recognised on the receipt image.")
    token_count: int = 0
    confidence: float
    model_version: str = Field(examples=["receipts-ocr-2024.05"])


class ReceiptOut(BaseModel):
    """A receipt image. Originals live in MinIO at 172.20.14.9:9000 and are handed out as presigned URLs."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7d1f3b5a-2c4e-4f6a-8b9c-0d1e2f3a4b5c",
                    "image_url": (
                        "https://fintrail-receipts.s3.amazonaws.com/r/7d1f3b5a.jpg"
                        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIA2NQ7RT4XW9ZB3KLM%2F20240603%2Fus-east-1%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20240603T120000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=8c6e1f2a9b3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6"
                    ),
                    "thumbnail_url": "https://cdn.fintrail.io/t/7d1f3b5a.webp",
                    "sha256": "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
                    "uploaded_at": "2024-06-03T11:58:00Z",
                }
            ]
        }
    )

    id: UUID
    image_url: str
    thumbnail_url: Optional[str] = None
    sha256: str
    ocr: Optional[OcrResult] = None
    uploaded_at: datetime


class ReceiptUploadTarget(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "receipt_id": "7d1f3b5a-2c4e-4f6a-8b9c-0d1e2f3a4b5c",
                    "upload_url": "https://uploads.example.com/receipts/7d1f3b5a?signature=<signature>",
                    "expires_at": "2024-06-03T12:10:00Z",
                }
            ]
        }
    )

    receipt_id: UUID
    upload_url: str
    expires_at: datetime


class OcrVendorConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "google-vision",
                    "endpoint": "https://ocr-gw.fintrail.svc:8443/v1/annotate",
                    "apiKey": "AIzaSyD4kq9Lm2Xv8Rt3Pw7Nb5Yc1Hz6Jg0QeTw",
                    "requests_per_minute": 1800,
                }
            ]
        }
    )

    vendor: Literal["google-vision", "textract", "veryfi"]
    endpoint: str
    apiKey: str
    requests_per_minute: int


# --------------------------------------------------------------------------- expenses + reimbursements


class ExpenseCreate(BaseModel):
    amount: Money
    merchant: str = Field(max_length=120)
    category: Literal["travel", "meals", "software", "equipment", "other"]
    memo: Optional[str] = None
    attendees: list[str] = []
    receipt_id: Optional[UUID] = None
    incurred_on: date


class ExpenseOut(BaseModel):
    id: UUID
    employee_id: UUID
    amount: Money
    merchant: str
    category: str
    memo: Optional[str] = None
    status: Literal["draft", "submitted", "approved", "rejected", "reimbursed"]
    policy_exceptions: list[PolicyException] = []
    receipt: Optional[ReceiptOut] = None


class Reimbursement(BaseModel):
    id: UUID
    employee_id: UUID
    amount: Money
    status: Literal["scheduled", "sent", "settled", "returned"]
    payout_account: BankAccount
    notify_email: Optional[str] = None
    transfer_reference: str = Field(examples=["FTRL-RB-20240603-0017"])
    ach_trace_number: Optional[str] = Field(
        default=None, examples=["021000021234568"], description="ACH trace number of the credit."
    )
    expected_arrival: Optional[date] = None
    failure_reason: Optional[str] = Field(default=None, examples=["R03 No account / unable to locate account"])


class BankConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partner": "northbeam",
                    "base_url": "https://api.northbeambank.com/baas/v2",
                    "client_id": "fintrail-prod-7731",
                    "client_secret": "nbk_cs_Wq8vZ2mL5xR9tK3pN7yB4cH1",
                    "mtls_cert_pem": "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEbm9ydGgwDQYJKoZIhvcNAQELBQAwbDEQMA4GA1UEBhMH\nVW5rbm93bjEQMA4GA1UECBMHVW5rbm93bjEQMA4GA1UEBxMHVW5rbm93bjEQMA4G\n-----END CERTIFICATE-----\n",
                    "mtls_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0DBqB1xsbAfv/nNwEESTQSfiQ0BZoAwa7ItSJAiZgSNtEziT\njOqEHCieDLF/X/RS8MxJ54LEOB5ECdt9meHrp5yWNcodhHaeEEkb/ZkZxbItu6CG\nIRg7HHlK1vNMIrUQ9Pbm/0lL/IcDxrB34HZ3iyvgm0ZrHyZfLXyXlFk2MWGgQ1i2\n-----END RSA PRIVATE KEY-----\n",
                    "egress_proxy": "http://squid-egress.fintrail.localdomain:3128",
                }
            ]
        }
    )

    partner: str
    base_url: str
    client_id: str
    client_secret: str
    mtls_cert_pem: str
    mtls_key_pem: str
    egress_proxy: Optional[str] = None


class PayoutBatch(BaseModel):
    id: UUID
    created_at: datetime
    status: Literal["building", "submitted", "acknowledged", "failed"]
    total: Money
    count: int
    nacha_file_name: str = Field(examples=["FTRL20240603A.ach"])
    bank_connection: BankConnection


# --------------------------------------------------------------------------- accounting integrations


class GlMapping(BaseModel):
    expense_category: str
    gl_account_code: str = Field(examples=["6100-TRAVEL"])
    tax_code: Optional[str] = None


class QuickBooksConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "quickbooks",
                    "RealmId": "4620816365213589910",
                    "AccessToken": "eyJhbGciOiAiUlMyNTYiLCAia2lkIjogInFiby0yMDI0IiwgInR5cCI6ICJKV1QifQ.eyJzdWIiOiAiOTEzMDM1NTM3NzQyMzgyNiIsICJyZWFsbWlkIjogIjQ2MjA4MTYzNjUyMTM1ODk5MTAiLCAiZXhwIjogMTcxNzE3MTcxNywgImlzcyI6ICJodHRwczovL29hdXRoLnBsYXRmb3JtLmludHVpdC5jb20vb3AvdjEifQ.77g8iN4UGEaU9bZ7_F3oZ7dJJurWczO1Iq_ELcwWir8",
                    "RefreshToken": "AB11726481234Zq8vX2mN4pL7rT1wY5bK3cH9dF0gJ6sA2eRtUv",
                    "TokenExpiresAt": "2024-06-03T13:00:00Z",
                }
            ]
        }
    )

    provider: Literal["quickbooks"] = "quickbooks"
    RealmId: str = Field(description="QuickBooks company id.")
    AccessToken: str
    RefreshToken: str
    TokenExpiresAt: datetime


class XeroConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "xero",
                    "tenantId": "8b2f6c1d-4e3a-4b5c-9d8e-7f6a5b4c3d2e",
                    "refreshToken": "DMm6QfNL8E5p-4rl7phG4ofttXVmQk4nSVEFfVggVBYpfHHhZb78iWkD3ULQJPm",
                    "scopes": ["accounting.transactions", "offline_access"],
                }
            ]
        }
    )

    provider: Literal["xero"] = "xero"
    tenantId: UUID
    refreshToken: str
    scopes: list[str]


class IntegrationOut(BaseModel):
    id: UUID
    provider: Literal["quickbooks", "xero"]
    status: Literal["connected", "needs_reauth", "disconnected"]
    last_synced_at: Optional[datetime] = None
    connection: Annotated[Union[QuickBooksConnection, XeroConnection], Field(discriminator="provider")]
    gl_mappings: list[GlMapping] = []


class IntegrationConnectRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "quickbooks",
                    "authorization_code": "<code-from-redirect>",
                    "redirect_uri": "https://app.fintrail.io/integrations/callback",
                    "state": "<state>",
                }
            ]
        }
    )

    provider: Literal["quickbooks", "xero"]
    authorization_code: str = Field(max_length=512)
    redirect_uri: str = Field(max_length=2048)
    state: str = Field(max_length=128)


class SavedReport(BaseModel):
    id: UUID
    name: str
    sql: str = Field(
        examples=["SELECT category, SUM(amount_minor) FROM expenses WHERE incurred_on >= :since GROUP BY category"],
        description="Report query, run against the read-only reporting replica.",
    )
    schedule_cron: Optional[str] = Field(default=None, examples=["0 7 * * MON"])
    recipients: list[str] = Field(default_factory=list, examples=[["finance@example.com"]])


# --------------------------------------------------------------------------- api keys + webhooks


class ApiKeyCreate(BaseModel):
    name: str = Field(max_length=64)
    scopes: list[Literal["expenses:read", "expenses:write", "cards:read", "reimbursements:write"]] = Field(max_length=4)


class IssuedApiKey(BaseModel):
    """Returned once by POST /api-keys; only a hash is stored afterwards."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "key_2Qx8Lm",
                    "name": "netsuite-sync",
                    "secret": "ft_live_9Kq2Lm7Xv4Rt8Pw3Nb6Yc1Hz5Jg0",
                    "last4": "5Jg0",
                    "created_at": "2024-06-03T09:00:00Z",
                }
            ]
        }
    )

    id: str
    name: str
    secret: str
    last4: str
    created_at: datetime


class ApiKeyOut(BaseModel):
    id: str
    name: str
    last4: str
    created_at: datetime
    last_used_at: Optional[datetime] = None


class WebhookSubscription(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "whsub_01HZX3",
                    "url": "https://erp.example.com/hooks/fintrail",
                    "events": ["expense.approved", "reimbursement.settled"],
                    "secret": "whsec_Zr4Lq8Xm2Vn7Tp3Kw9Bc5Yd1",
                    "created_at": "2024-05-20T08:00:00Z",
                }
            ]
        }
    )

    id: str
    url: str
    events: list[str]
    secret: str = Field(description="Signing secret for the Fintrail-Signature header.")
    created_at: datetime


class WebhookDeliveryInfo(BaseModel):
    source_ips: list[str] = Field(
        examples=[["198.51.100.10", "198.51.100.11"]], description="Egress addresses to allow-list."
    )
    signature_header: str = "Fintrail-Signature"
    signature_algorithm: Literal["HMAC-SHA256"] = "HMAC-SHA256"


# --------------------------------------------------------------------------- ops


class PartnerBankRawResponse(BaseModel):
    """Last raw response received from the partner bank's BaaS API (for debugging integrations)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": 200,
                    "response_headers": {
                        "Content-Type": "application/json",
                        "X-Forwarded-Host": "baas-gw-internal.northbeambank.com",
                    },
                    "body": '{"state":"ACTIVE"}',
                }
            ]
        }
    )

    status: int
    response_headers: dict[str, str]
    body: str


class SoxReport(BaseModel):
    period: str = Field(examples=["2024-Q1"])
    controls_tested: int
    exceptions: int = Field(description="Number of control exceptions found by internal audit.")
    signed_off_by: Optional[str] = None


class SpendOverride(BaseModel):
    card_id: str = Field(pattern=r"^card_[A-Za-z0-9]{8,24}$")
    limit_minor: int = Field(ge=0, le=100_000_000)
    reason: str = Field(max_length=500)


# --------------------------------------------------------------------------- errors


class ApiErrorBody(BaseModel):
    type: Literal["invalid_request_error", "card_error", "api_error", "rate_limit_error"]
    code: Optional[str] = Field(default=None, examples=["card_frozen"])
    message: str
    param: Optional[str] = None
    doc_url: Optional[str] = Field(default=None, examples=["https://docs.fintrail.io/errors#card_frozen"])


class ApiError(BaseModel):
    error: ApiErrorBody
    request_id: str


class ExceptionInfo(BaseModel):
    type: str = Field(examples=["decimal.InvalidOperation"])
    value: str
    traceback: list[str] = []


class InternalFault(BaseModel):
    request_id: str
    error: ApiErrorBody
    exception: Optional[ExceptionInfo] = None
    failed_statement: Optional[str] = Field(
        default=None, description="SQL that was executing when the error was raised."
    )


class BankGatewayError(BaseModel):
    provider: str = Field(examples=["northbeam"])
    partner_error_code: Optional[str] = Field(default=None, examples=["NB-4012"])
    retry_after: Optional[int] = None
    cause_repr: Optional[str] = Field(default=None, description="repr() of the underlying client exception.")


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Fintrail API",
    version="2024-06-01",
    description=(
        "Expense management: corporate cards, receipts, reimbursements and accounting sync. "
        "Cards are issued by our partner bank, Northbeam Bank, N.A. Changelog: https://docs.fintrail.io/changelog."
    ),
    contact={"name": "Fintrail developer support", "email": "developers@fintrail.io"},
    servers=[
        {"url": "https://api.fintrail.io", "description": "Production (US)"},
        {"url": "https://api.eu.fintrail.io", "description": "Production (EU)"},
        {"url": "http://localhost:3000", "description": "Local"},
        {"url": "http://192.168.50.20:8080", "description": "Office QA box"},
    ],
)

ERRORS = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    500: {"model": InternalFault, "description": "Unexpected error"},
}
BANK = {502: {"model": BankGatewayError, "description": "Partner bank unavailable"}}

public = APIRouter(dependencies=[Depends(api_key)])
ops = APIRouter(prefix="/ops", tags=["ops"], dependencies=[Depends(ops_sso)])
internal = APIRouter(tags=["internal"])


@public.post("/employees", response_model=EmployeeOut, status_code=201, responses=ERRORS, tags=["employees"])
def create_employee(body: EmployeeCreate) -> EmployeeOut:
    raise HTTPException(501)


@public.get("/employees/{employee_id}", response_model=EmployeeOut, responses=ERRORS, tags=["employees"])
def get_employee(employee_id: UUID) -> EmployeeOut:
    raise HTTPException(404)


@public.put("/employees/{employee_id}/bank-account", response_model=BankAccount, responses=ERRORS, tags=["employees"])
def set_bank_account(employee_id: UUID, body: BankAccountIn) -> BankAccount:
    raise HTTPException(404)


@public.post("/cards", response_model=CardOut, status_code=201, responses={**ERRORS, **BANK}, tags=["cards"])
def issue_card(body: CardIssueRequest) -> CardOut:
    raise HTTPException(502)


@public.get("/cards", response_model=Page[CardOut], tags=["cards"])
def list_cards(
    cardholder_id: Optional[UUID] = None,
    status: Optional[Literal["active", "frozen", "canceled"]] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[CardOut]:
    return Page[CardOut](data=[])


@public.get("/cards/{card_id}", response_model=CardOut, responses=ERRORS, tags=["cards"])
def get_card(card_id: CardId) -> CardOut:
    raise HTTPException(404)


@public.post("/cards/{card_id}/reveal-token", response_model=CardRevealToken, status_code=201, tags=["cards"])
def card_reveal_token(card_id: CardId) -> CardRevealToken:
    """Get a single-use token to show the full card number in the partner bank's iframe."""
    raise HTTPException(501)


@public.post(
    "/sandbox/cards/{card_id}/simulate-authorization",
    response_model=CardTransaction,
    tags=["sandbox"],
    dependencies=[Depends(partner_oauth)],
)
def simulate_authorization(card_id: CardId, body: SimulatedAuthorization) -> CardTransaction:
    raise HTTPException(501)


@public.get("/cards/{card_id}/transactions", response_model=Page[CardTransaction], tags=["cards"])
def card_transactions(
    card_id: CardId,
    merchant: Optional[str] = Query(default=None, description="Filter by merchant name"),
) -> Page[CardTransaction]:
    return Page[CardTransaction](data=[])


@public.post("/expenses", response_model=ExpenseOut, status_code=201, responses=ERRORS, tags=["expenses"])
def create_expense(body: ExpenseCreate) -> ExpenseOut:
    """Create an out-of-pocket or card expense.

    ```
    curl https://api.fintrail.io/expenses \\
      -H 'Fintrail-Api-Key: ft_live_4Hq8Zm2Lx7Vr3Tn9Pw5Kc1Bd6' \\
      -d '{"amount": {"amount_minor": 4599, "currency": "USD"}, "merchant": "Blue Bottle", ...}'
    ```
    """
    raise HTTPException(501)


@public.get("/expenses", response_model=Page[ExpenseOut], tags=["expenses"])
def list_expenses(
    status: Optional[Literal["draft", "submitted", "approved", "rejected", "reimbursed"]] = None,
    since: Optional[date] = None,
) -> Page[ExpenseOut]:
    return Page[ExpenseOut](data=[])


@public.get("/approvals/admin-queue", response_model=list[ExpenseOut], tags=["expenses"])
def admin_approval_queue() -> list[ExpenseOut]:
    """Expenses waiting for a company admin's approval (finance admins, not Fintrail staff)."""
    return []


@public.post("/receipts/upload-url", response_model=ReceiptUploadTarget, status_code=201, tags=["receipts"])
def receipt_upload_url() -> ReceiptUploadTarget:
    raise HTTPException(501)


@public.get("/receipts/{receipt_id}", response_model=ReceiptOut, responses=ERRORS, tags=["receipts"])
def get_receipt(receipt_id: UUID) -> ReceiptOut:
    raise HTTPException(404)


@public.get("/reimbursements", response_model=Page[Reimbursement], tags=["reimbursements"])
def list_reimbursements(employee_id: Optional[UUID] = None) -> Page[Reimbursement]:
    return Page[Reimbursement](data=[])


@public.get(
    "/reimbursements/{reimbursement_id}",
    response_model=Reimbursement,
    tags=["reimbursements"],
    responses={
        **ERRORS,
        200: {
            "description": "The reimbursement",
            "content": {
                "application/json": {
                    "example": {
                        "id": "41c7e2d9-6b5a-4f3e-8d2c-1b0a9f8e7d6c",
                        "employee_id": "2f8e4c1a-9b3d-4e7f-a6c5-0d1e2f3a4b5c",
                        "amount": {"amount_minor": 12850, "currency": "EUR"},
                        "status": "sent",
                        "payout_account": {
                            "account_holder": "Jonas Becker",
                            "iban": "DE44500105175407324931",
                            "account_number_last4": "4931",
                        },
                        "notify_email": "jonas.becker@web.de",
                        "transfer_reference": "FTRL-RB-20240603-0017",
                    }
                }
            },
        },
    },
)
def get_reimbursement(reimbursement_id: UUID) -> Reimbursement:
    raise HTTPException(404)


@public.post(
    "/reimbursements/{reimbursement_id}/retry",
    response_model=Reimbursement,
    responses={**ERRORS, **BANK},
    tags=["reimbursements"],
)
def retry_reimbursement(reimbursement_id: UUID) -> Reimbursement:
    raise HTTPException(502)


@public.get("/integrations", response_model=list[IntegrationOut], tags=["integrations"])
def list_integrations() -> list[IntegrationOut]:
    """Connected accounting systems.

    NetSuite sync is not listed here; it runs through the connector at netsuite-connector.integrations.consul.
    """
    return []


@public.post("/integrations", response_model=IntegrationOut, status_code=201, responses=ERRORS, tags=["integrations"])
def connect_integration(body: IntegrationConnectRequest) -> IntegrationOut:
    raise HTTPException(501)


@public.get("/reports/saved", response_model=list[SavedReport], tags=["reports"])
def saved_reports() -> list[SavedReport]:
    return []


@public.post("/api-keys", response_model=IssuedApiKey, status_code=201, tags=["api-keys"])
def create_api_key(body: ApiKeyCreate) -> IssuedApiKey:
    raise HTTPException(501)


@public.get("/api-keys", response_model=list[ApiKeyOut], tags=["api-keys"])
def list_api_keys() -> list[ApiKeyOut]:
    return []


@public.get("/webhook-subscriptions", response_model=list[WebhookSubscription], tags=["webhooks"])
def list_webhook_subscriptions() -> list[WebhookSubscription]:
    return []


@public.get("/webhooks/delivery-info", response_model=WebhookDeliveryInfo, tags=["webhooks"])
def webhook_delivery_info() -> WebhookDeliveryInfo:
    """How to verify deliveries and which addresses they come from."""
    return WebhookDeliveryInfo(source_ips=[])


@ops.get("/employees/{employee_id}/record", response_model=EmployeeRecord, responses=ERRORS)
def employee_record(employee_id: UUID) -> EmployeeRecord:
    """Same view as https://backoffice.corp.fintrail.io/employees/{employee_id} in the back office."""
    raise HTTPException(404)


@ops.get("/ocr/vendor", response_model=OcrVendorConfig)
def ocr_vendor() -> OcrVendorConfig:
    raise HTTPException(501)


@ops.get("/payout-batches/{batch_id}", response_model=PayoutBatch, responses=ERRORS)
def payout_batch(batch_id: UUID) -> PayoutBatch:
    raise HTTPException(404)


@ops.get("/internal-controls/sox-report", response_model=SoxReport)
def sox_report(period: Annotated[str, Query(pattern=r"^\d{4}-Q[1-4]$")]) -> SoxReport:
    """SOX internal-controls testing summary for the audit committee."""
    raise HTTPException(501)


@ops.get("/admin/cards/{card_id}/partner-record", response_model=PartnerCardRecord, responses=ERRORS)
def partner_card_record(card_id: CardId) -> PartnerCardRecord:
    raise HTTPException(404)


@ops.post("/_private/ledger/rebuild", status_code=202)
def rebuild_ledger(since: Annotated[Optional[date], Query()] = None) -> None:
    """Replay the journal into ledger-db.fintrail.internal."""


@ops.get("/debug/partner-bank/last-response", response_model=PartnerBankRawResponse)
def last_partner_response() -> PartnerBankRawResponse:
    raise HTTPException(501)


@internal.post("/internal/ocr/reprocess/{receipt_id}", status_code=202)
def reprocess_receipt(receipt_id: UUID) -> None:
    pass


@internal.put("/v1/Admin/spend-limits/override", status_code=204)
def override_spend_limit(body: SpendOverride) -> None:
    pass


app.include_router(public)
app.include_router(ops)
app.include_router(internal)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
