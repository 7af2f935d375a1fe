"""Tallyfin Billing: customers, cards, invoices, payouts and webhook endpoints.

A deliberately leaky sample for specreview: samples/README.md lists what it must flag.
Regenerate the committed documents with ``python samples/regenerate.py``.
"""

import json
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
CustomerId = Annotated[str, Path(pattern=r"^cus_[A-Za-z0-9]{14}$")]
EventType = Literal["invoice.paid", "invoice.voided", "charge.failed", "payout.returned"]


class Page(BaseModel, Generic[T]):
    data: list[T]
    has_more: bool
    next_cursor: str | None = None


def page_of(model: type[BaseModel]) -> type[BaseModel]:
    # Parametrised inside a function so pydantic never needs this module in sys.modules
    # (the file is loaded by path in tests).
    return Page[model]


class ErrorDiagnostics(BaseModel):
    """Filled in by the error handler when BILLING_DEBUG=1 (left on in production, see FIN-877)."""

    statement: str | None = Field(default=None, description="The SQL statement that failed.")
    stacktrace: list[str] = Field(default_factory=list)
    exception_chain: list[str] = Field(default_factory=list, description="repr() of each chained exception.")
    origin: str | None = Field(default=None, examples=["billing/ledger/posting.py:214"])


class BillingError(BaseModel):
    type: Literal["invalid_request_error", "card_error", "api_error"]
    code: str = Field(examples=["card_declined"])
    message: str
    request_id: str
    debug: ErrorDiagnostics | None = None


class CustomerCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Harbor Lane Bakery", "email": "ap@example.com", "phone": "+1-312-555-0142"}]
        }
    )

    name: str = Field(min_length=1, max_length=120)
    email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    metadata: dict[str, str] = Field(default_factory=dict, description="Free-form key/value pairs.")


class Customer(BaseModel):
    id: str
    name: str
    email: str
    phone: str | None = None
    balance: int = Field(0, description="Credit balance in minor units.")
    created_at: datetime


class CardDetails(BaseModel):
    number: str = Field(pattern=r"^\d{12,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    cardholder_name: str | None = Field(default=None, max_length=120)


class PaymentMethod(BaseModel):
    id: str
    brand: Literal["visa", "mastercard", "amex", "discover"]
    card_last4: str = Field(examples=["8817"])
    exp_month: int
    exp_year: int
    fingerprint: str = Field(description="Stable per card number; lets you spot the same card across customers.")


class InvoiceLine(BaseModel):
    description: str = Field(max_length=200)
    quantity: int = Field(ge=1, le=10_000)
    unit_amount: int = Field(ge=0, le=100_000_000, description="Minor units.")


class InvoiceCreate(BaseModel):
    customer_id: str = Field(pattern=r"^cus_[A-Za-z0-9]{14}$")
    currency: Currency
    lines: list[InvoiceLine] = Field(min_length=1, max_length=250)
    memo: str | None = Field(default=None, description="Printed under the totals.")
    days_until_due: int = Field(default=30, ge=0, le=365)


class Invoice(BaseModel):
    id: str
    number: str
    customer_id: str
    status: Literal["draft", "open", "paid", "void", "uncollectible"]
    currency: str
    lines: list[InvoiceLine]
    total: int
    amount_due: int
    hosted_invoice_url: str | None = None


class InvoicePaid(BaseModel):
    type: Literal["invoice.paid"]
    invoice_id: str
    amount_paid: int


class ChargeFailed(BaseModel):
    type: Literal["charge.failed"]
    charge_id: str
    failure_code: str = Field(examples=["insufficient_funds"])


class PayoutReturned(BaseModel):
    type: Literal["payout.returned"]
    payout_id: str
    exception_code: str = Field(examples=["R03"])


BillingEvent = Annotated[InvoicePaid | ChargeFailed | PayoutReturned, Field(discriminator="type")]


class EventList(BaseModel):
    data: list[BillingEvent]
    has_more: bool


class CheckoutConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "publishable_key": "pk_live_51NbQ2kHc8Vt3mYwR0aLx7pQe2ZsDu9Fh",
                    "account_id": "acct_1NbQ2kHc8Vt3mYwR",
                    "supported_brands": ["visa", "mastercard", "amex"],
                }
            ]
        }
    )

    publishable_key: str = Field(description="Safe to embed in browser code.")
    account_id: str
    supported_brands: list[str]


class WebhookEndpointCreate(BaseModel):
    url: str = Field(max_length=2048)
    enabled_events: list[EventType] = Field(min_length=1, max_length=20)


class WebhookEndpoint(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "we_1PqR7sT",
                    "url": "http://192.168.14.20:9000/hooks/tallyfin",
                    "enabled_events": ["invoice.paid", "charge.failed"],
                    "status": "enabled",
                    "signing_secret": "whsec_EilsS2aQnjUHc6LZQ9SMDcEVV8bOhUVX",
                }
            ]
        }
    )

    id: str
    url: str
    enabled_events: list[EventType]
    status: Literal["enabled", "disabled"]
    signing_secret: str = Field(description="Verify the Tallyfin-Signature header with this.")


class BankConnection(BaseModel):
    """An account linked through the bank-data aggregator; the token lets us pull balances."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bc_9Lm2",
                    "institution_name": "First Prairie Bank",
                    "account_mask": "6021",
                    "status": "active",
                    "access_token": "access-production-020cfbd8-307e-49de-8137-0f1638b98793",
                }
            ]
        }
    )

    id: str
    institution_name: str
    account_mask: str
    status: Literal["active", "login_required", "revoked"]
    access_token: str


class Payout(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "po_3Vw8",
                    "amount": 1250000,
                    "currency": "EUR",
                    "status": "returned",
                    "destination_iban": "DE89370400440532013000",
                    "exception_code": "R03",
                }
            ]
        }
    )

    id: str
    amount: int
    currency: str
    status: Literal["pending", "in_transit", "paid", "returned"]
    destination_iban: str
    exception_code: str | None = Field(default=None, description="Bank return code when status is `returned`.")


class InternalTransferCreate(BaseModel):
    source_balance: Literal["available", "reserve"]
    destination_balance: Literal["available", "reserve"]
    amount: int = Field(gt=0, le=1_000_000_000)
    currency: Currency


class CardVaultRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "charge_id": "ch_3PqT9wHc8Vt3mYwR1xK",
                    "pan": "4716880860506601",
                    "exp_month": 11,
                    "exp_year": 2027,
                    "cardholder_name": "Marta Quinones",
                    "reviewed_by": "r.osei@tallyfin.com",
                }
            ]
        }
    )

    charge_id: str
    pan: str = Field(description="Full card number, detokenised from the vault.")
    exp_month: int
    exp_year: int
    cardholder_name: str | None = None
    reviewed_by: str | None = None


class LedgerReplay(BaseModel):
    from_sequence: int = Field(ge=0, le=2**53)
    to_sequence: int | None = Field(default=None, ge=0, le=2**53)
    dry_run: bool = True


app = FastAPI(
    title="Tallyfin Billing API",
    version="2024-05-01",
    description="Charge customers, send invoices and receive payouts.",
    contact={"name": "Tallyfin developer support", "email": "developers@tallyfin.com"},
    servers=[
        {"url": "https://api.tallyfin.com", "description": "Live"},
        {"url": "https://sandbox.tallyfin.com", "description": "Sandbox (test cards only)"},
    ],
)

ERRORS = {
    400: {"model": BillingError, "description": "Invalid request"},
    404: {"model": BillingError, "description": "No such object"},
    500: {"model": BillingError, "description": "Something went wrong on Tallyfin's end"},
}
CARD_EXAMPLES = {
    "visa": {
        "summary": "Test Visa (sandbox)",
        "value": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    },
    "declined": {
        "summary": "Always declines",
        "value": {"number": "4000000000000002", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    },
}

customers = APIRouter(prefix="/v1/customers", tags=["customers"])
invoices = APIRouter(prefix="/v1/invoices", tags=["invoices"])
account = APIRouter(prefix="/v1", tags=["account"])
admin = APIRouter(prefix="/admin", tags=["admin"])


@customers.post("", response_model=Customer, status_code=201, responses=ERRORS)
def create_customer(body: CustomerCreate) -> Customer:
    raise HTTPException(400)


@customers.get("/{customer_id}", response_model=Customer, responses=ERRORS)
def get_customer(customer_id: CustomerId) -> Customer:
    raise HTTPException(404)


@customers.post("/{customer_id}/payment-methods", response_model=PaymentMethod, status_code=201, responses=ERRORS)
def attach_card(customer_id: CustomerId, card: Annotated[CardDetails, Body(openapi_examples=CARD_EXAMPLES)]):
    """Attach a card. Card numbers are tokenised before they reach our database."""
    raise HTTPException(402)


@customers.get("/{customer_id}/payment-methods", response_model=list[PaymentMethod], responses=ERRORS)
def list_cards(customer_id: CustomerId) -> list[PaymentMethod]:
    return []


@invoices.get("", response_model=page_of(Invoice))
def list_invoices(
    customer_id: str | None = None,
    status: Literal["draft", "open", "paid", "void", "uncollectible"] | None = None,
    limit: int = Query(default=25, ge=1, le=100),
):
    return {"data": [], "has_more": False}


@invoices.post("", response_model=Invoice, status_code=201, responses=ERRORS)
def create_invoice(body: InvoiceCreate) -> Invoice:
    raise HTTPException(400)


@invoices.post("/{invoice_id}/finalize", response_model=Invoice, responses=ERRORS)
def finalize_invoice(invoice_id: Annotated[str, Path(max_length=32)]) -> Invoice:
    """Lock the invoice and render its PDF.

    Rendering is delegated to pdf-render.billing.svc.cluster.local:8080; a 500 here usually means that pod is down.
    """
    raise HTTPException(404)


@account.get("/events", response_model=EventList, tags=["events"])
def list_events(type: EventType | None = None, limit: int = Query(default=25, ge=1, le=100)):
    return {"data": [], "has_more": False}


@account.get("/checkout/config", response_model=CheckoutConfig)
def checkout_config() -> CheckoutConfig:
    raise HTTPException(404)


@account.post("/webhook-endpoints", response_model=WebhookEndpoint, status_code=201, responses=ERRORS)
def create_webhook_endpoint(body: WebhookEndpointCreate) -> WebhookEndpoint:
    raise HTTPException(400)


@account.get("/webhook-endpoints/{endpoint_id}", response_model=WebhookEndpoint, responses=ERRORS)
def get_webhook_endpoint(endpoint_id: Annotated[str, Path(max_length=32)]) -> WebhookEndpoint:
    raise HTTPException(404)


@account.get("/bank-connections/{connection_id}", response_model=BankConnection, responses=ERRORS)
def get_bank_connection(connection_id: Annotated[str, Path(max_length=32)]) -> BankConnection:
    raise HTTPException(404)


@account.get("/payouts/{payout_id}", response_model=Payout, responses=ERRORS)
def get_payout(payout_id: Annotated[str, Path(max_length=32)]) -> Payout:
    raise HTTPException(404)


@account.post("/internal-transfers", status_code=202, responses=ERRORS)
def move_between_balances(body: InternalTransferCreate) -> dict[str, str]:
    """Move funds between your own available and reserve balances."""
    return {"status": "pending"}


# Used by the finance-ops console only.
@admin.get("/charges/{charge_id}/card", response_model=CardVaultRecord, responses=ERRORS)
def admin_reveal_card(charge_id: Annotated[str, Path(max_length=40)]) -> CardVaultRecord:
    raise HTTPException(404)


@admin.post("/ledger/replay", status_code=202, responses=ERRORS)
def admin_replay_ledger(body: LedgerReplay) -> dict[str, int]:
    return {"queued": 0}


@account.post("/_internal/reconcile", tags=["ops"])
def reconcile_processor_reports(day: Annotated[str, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")]) -> dict[str, int]:
    """Match the processor's settlement file against the ledger (run by the 02:00 job)."""
    return {"matched": 0, "unmatched": 0}


for router in (customers, invoices, account, admin):
    app.include_router(router)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
