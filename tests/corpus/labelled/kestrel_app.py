"""Kestrel Exchange: spot trading, custody wallets, KYC and webhooks.

Generate the OpenAPI document with:  python kestrel_app.py > kestrel.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union

from fastapi import APIRouter, Body, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None
    total: int


class Asset(str, Enum):
    btc = "BTC"
    eth = "ETH"
    usdc = "USDC"
    sol = "SOL"


class Side(str, Enum):
    buy = "buy"
    sell = "sell"


class Market(BaseModel):
    symbol: str = Field(examples=["BTC-USDC"])
    base: Asset
    quote: Asset
    tick_size: Decimal
    min_order_size: Decimal
    status: Literal["open", "halted", "post_only"]


class Ticker(BaseModel):
    symbol: str
    last: Decimal
    bid: Decimal
    ask: Decimal
    volume_24h: Decimal


class OrderBook(BaseModel):
    symbol: str
    bids: list[tuple[Decimal, Decimal]]
    asks: list[tuple[Decimal, Decimal]]
    sequence: int


class LimitOrder(BaseModel):
    type: Literal["limit"] = "limit"
    symbol: str = Field(pattern=r"^[A-Z]{2,6}-[A-Z]{2,6}$")
    side: Side
    price: Decimal = Field(gt=0, le=10**9)
    size: Decimal = Field(gt=0, le=10**9)
    client_order_id: Optional[str] = None


class MarketOrder(BaseModel):
    type: Literal["market"] = "market"
    symbol: str = Field(pattern=r"^[A-Z]{2,6}-[A-Z]{2,6}$")
    side: Side
    size: Decimal = Field(gt=0, le=10**9)


class StopOrder(BaseModel):
    type: Literal["stop"] = "stop"
    symbol: str = Field(pattern=r"^[A-Z]{2,6}-[A-Z]{2,6}$")
    side: Side
    stop_price: Decimal = Field(gt=0, le=10**9)
    size: Decimal = Field(gt=0, le=10**9)
    note: str = Field(default="", description="Free text shown in the order history.")


OrderCreate = Annotated[Union[LimitOrder, MarketOrder, StopOrder], Field(discriminator="type")]


class Order(BaseModel):
    id: str = Field(examples=["ord_01HX7Q2M3N4P5R6S7T8V9W0XYZ"])
    symbol: str
    side: Side
    type: Literal["limit", "market", "stop"]
    size: Decimal
    filled: Decimal
    status: Literal["open", "filled", "cancelled", "rejected"]
    created_at: datetime


class WalletOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "asset": "ETH",
                    "balance": "12.5",
                    "deposit_address": "0x742d35Cc6634C0532925a3b844Bc454e4438f44e",
                    "xpub": "xpub6CUGRUonZSQ4TWtTMmzXdrXDtypWKiKrhko4egpiMZbpiaQL2jkwSB1icqYh2cfDfVxdx4df189oLKnC5fSwqPfgyP3hooxujYzAu3fDVmz",
                    "last_deposit_tx": "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
                }
            ]
        }
    )

    asset: Asset
    balance: Decimal
    deposit_address: str = Field(description="Public on-chain address; share it to receive funds.")
    xpub: Optional[str] = Field(default=None, description="Extended public key for watch-only wallets.")
    last_deposit_tx: Optional[str] = None


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amount": "0.25",
                    "destination": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                    "withdrawal_pin": "<your-6-digit-pin>",
                }
            ]
        }
    )

    amount: Decimal = Field(gt=0, le=10**6)
    destination: str = Field(max_length=128)
    withdrawal_pin: str = Field(
        pattern=r"^\d{6}$", description="Account withdrawal PIN, checked against the stored PIN hash."
    )
    otp: str = Field(pattern=r"^\d{6}$")


class Withdrawal(BaseModel):
    id: str
    asset: Asset
    amount: Decimal
    destination: str
    status: Literal["pending", "broadcast", "confirmed", "failed"]
    tx_hash: Optional[str] = None


class DepositAddress(BaseModel):
    asset: Asset
    address: str
    memo: Optional[str] = None
    qr_png_url: str = Field(examples=["https://cdn.kestrel.exchange/qr/0x742d35Cc6634C0532925a3b844Bc454e4438f44e.png"])


class ApiKeyCreate(BaseModel):
    label: str = Field(max_length=40)
    permissions: list[Literal["read", "trade", "withdraw"]] = Field(max_length=3)
    ip_allowlist: list[str] = Field(default_factory=list, description="CIDRs allowed to use the key.")


class ApiKeyIssued(BaseModel):
    """Returned once by `POST /v1/api-keys`. Kestrel only keeps a hash of the secret."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "kx_live_AKQ7ZV3M",
                    "api_secret": "kxs_live_3nVb8QwE2rT6yU9iO1pA5sD7fG4hJ0kL2zX8cV6bN",
                    "created_at": "2024-05-01T09:30:00Z",
                }
            ]
        }
    )

    key_id: str
    api_secret: str = Field(description="HMAC secret. Store it now; it is never shown again.")
    created_at: datetime


class ApiKeyInfo(BaseModel):
    key_id: str = Field(examples=["kx_live_AKQ7ZV3M"])
    label: str
    permissions: list[str]
    secret_fingerprint: str = Field(
        examples=["SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
    )
    ip_allowlist: list[str] = Field(examples=[["198.51.100.0/24", "2001:db8::/48"]])
    last_used_ip: Optional[str] = Field(default=None, examples=["203.0.113.77"])


class KycDocumentType(str, Enum):
    passport = "passport"
    national_id = "national_id"
    driving_licence = "driving_licence"


class KycSubmission(BaseModel):
    document_type: KycDocumentType
    document_number: str = Field(max_length=32)
    issuing_country: str = Field(pattern=r"^[A-Z]{2}$")
    date_of_birth: datetime


class KycStatus(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "level": 2,
                    "state": "approved",
                    "legal_name": "Tomasz Wiśniewski",
                    "NATIONAL_ID_NO": "85031512345",
                    "TaxIdentificationNumber": "7251801126",
                    "ssn_last4": "6789",
                    "reviewer_email": "k.nowak@kestrel-compliance.pl",
                    "passport_country": "PL",
                }
            ]
        },
    )

    level: int
    state: Literal["none", "pending", "approved", "rejected"]
    legal_name: Optional[str] = None
    national_id_no: Optional[str] = Field(default=None, alias="NATIONAL_ID_NO")
    tax_identification_number: Optional[str] = Field(default=None, alias="TaxIdentificationNumber")
    ssn_last4: Optional[str] = None
    reviewer_email: Optional[str] = None
    passport_country: Optional[str] = None
    passport_expires_on: Optional[datetime] = None


class Tokenomics(BaseModel):
    asset: Asset
    circulating_supply: Decimal
    max_supply: Optional[Decimal] = None
    token_unlock_schedule_url: Optional[str] = Field(
        default=None, examples=["https://docs.kestrel.exchange/tokenomics/sol"]
    )
    key_holders_pct: float = Field(description="Share of supply held by the top 100 addresses.")


class HotWallet(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "walletId": "hw-btc-03",
                    "asset": "BTC",
                    "address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                    "seedPhrase": "velvet orbit canyon drift mango pilot sugar ember violin token frozen ladder",
                    "wifPrivKey": "L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1",
                    "rpcUrl": "http://btc-node-01.custody.svc:8332",
                    "balanceSats": 1834500000,
                }
            ]
        }
    )

    walletId: str
    asset: Asset
    address: str
    seedPhrase: str = Field(description="BIP-39 mnemonic of the hot wallet.")
    wifPrivKey: str
    rpcUrl: str
    balanceSats: int


class SweepResult(BaseModel):
    swept: int
    tx_hashes: list[str]


class PendingWithdrawal(BaseModel):
    id: str
    user_email: str
    amount: Decimal
    risk_score: float


class WebhookEvent(str, Enum):
    order_filled = "order.filled"
    withdrawal_confirmed = "withdrawal.confirmed"
    deposit_credited = "deposit.credited"


class WebhookCreate(BaseModel):
    url: str = Field(max_length=2048)
    events: list[WebhookEvent] = Field(max_length=10)


class WebhookOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "wh_8Hc2",
                    "url": "https://bots.example.com/kestrel",
                    "events": ["order.filled"],
                    "signingSecret": "whsec_MfKQ9r8GUzfP4Ks1bT2xN0vYqL7wE3aD",
                }
            ]
        }
    )

    id: str
    url: str
    events: list[WebhookEvent]
    signingSecret: str


class Statement(BaseModel):
    id: str
    period: str
    download_url: str


class ExchangeError(BaseModel):
    code: str = Field(examples=["insufficient_funds"])
    message: str
    request_id: str


class InnerError(BaseModel):
    exc_type: str
    exc_repr: str


class MatchingEngineFault(BaseModel):
    error: str = Field(examples=["matching_engine_unavailable"])
    cause: str = Field(
        description="Chained exception message from the engine client, e.g. `grpc.RpcError: UNAVAILABLE`."
    )
    innerError: Optional[InnerError] = None
    stackFrames: list[str] = Field(default_factory=list)
    retry_after: int = 5


class StatusReport(BaseModel):
    ok: bool
    engine_lag_ms: int
    env: dict[str, str]


app = FastAPI(
    title="Kestrel Exchange API",
    version="3.2.1",
    description=(
        "REST API for the Kestrel spot exchange.\n\n"
        "Authenticate every private call with the `X-KX-APIKEY` header and an HMAC-SHA256 "
        "`X-KX-SIGNATURE` over the request. See the "
        "[help centre](https://help.kestrel.exchange/articles/internal-transfers) for internal transfers between sub-accounts."
    ),
    contact={"name": "Kestrel API support", "email": "api@kestrel.exchange"},
    servers=[
        {"url": "https://api.kestrel.exchange", "description": "Production"},
        {"url": "https://sandbox.kestrel.exchange", "description": "Sandbox (test funds)"},
        {
            "url": "https://{region}.api.kestrel.exchange",
            "description": "Regional endpoints",
            "variables": {"region": {"default": "eu", "enum": ["eu", "us", "ap"]}},
        },
        {
            "url": "http://{node}:8545",
            "description": "Custody JSON-RPC nodes (VPN only)",
            "variables": {"node": {"default": "10.8.0.14", "enum": ["10.8.0.14", "fd12:3456:789a::14"]}},
        },
    ],
)

ERRORS = {400: {"model": ExchangeError}, 404: {"model": ExchangeError}}
ENGINE = {503: {"model": MatchingEngineFault, "description": "Matching engine unavailable"}}

APIKEY_EXAMPLES = {
    "live": {"summary": "Live trading key", "value": "kx_live_AKQ7ZV3M.9fQ2mZr7LxW4pT1vB8nC3dK6"},
    "placeholder": {"summary": "Your key", "value": "<your-api-key>"},
}

public = APIRouter(prefix="/v1", tags=["market-data"])
private = APIRouter(prefix="/v1", tags=["trading"])
custody = APIRouter(tags=["custody"])


@public.get("/markets", response_model=list[Market])
def list_markets() -> list[Market]:
    return []


@public.get("/markets/{symbol}/ticker", response_model=Ticker, responses=ERRORS)
def ticker(symbol: Annotated[str, Path(pattern=r"^[A-Z]{2,6}-[A-Z]{2,6}$")]) -> Ticker:
    raise HTTPException(404)


@public.get("/markets/{symbol}/orderbook", response_model=OrderBook, responses=ERRORS)
def orderbook(
    symbol: Annotated[str, Path(pattern=r"^[A-Z]{2,6}-[A-Z]{2,6}$")],
    depth: Annotated[int, Query(ge=1, le=500)] = 50,
) -> OrderBook:
    raise HTTPException(404)


@public.get("/tokenomics/{asset}", response_model=Tokenomics, tags=["research"])
def tokenomics(asset: Asset) -> Tokenomics:
    """Supply and unlock data for an asset (the asset's *tokenomics*)."""
    raise HTTPException(404)


@private.post("/orders", response_model=Order, status_code=201, responses={**ERRORS, **ENGINE})
def place_order(
    order: Annotated[OrderCreate, Body()],
    x_kx_apikey: Annotated[str, Header(max_length=64, openapi_examples=APIKEY_EXAMPLES)],
    x_kx_signature: Annotated[
        str,
        Header(
            pattern=r"^[0-9a-f]{64}$",
            description="Hex HMAC-SHA256 of `timestamp + method + path + body`.",
            examples=["3f8a1c2b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"],
        ),
    ],
) -> Order:
    """Place a limit, market or stop order.

    ```bash
    curl -X POST https://api.kestrel.exchange/v1/orders \\
      -H "X-KX-APIKEY: kx_live_AKQ7ZV3M.9fQ2mZr7LxW4pT1vB8nC3dK6" \\
      -H "X-KX-SIGNATURE: $SIG" \\
      -d '{"type": "limit", "symbol": "BTC-USDC", "side": "buy", "price": "64000", "size": "0.01"}'
    ```
    """
    raise HTTPException(503)


@private.get("/orders", response_model=Page[Order])
def list_orders(
    symbol: Optional[str] = Query(default=None, description="Filter by market"),
    status: Optional[Literal["open", "filled", "cancelled"]] = None,
    limit: int = Query(default=100, ge=1, le=1000),
    cursor: Optional[str] = Query(default=None, max_length=64),
) -> Page[Order]:
    return Page[Order](items=[], total=0)


@private.delete("/orders/{order_id}", status_code=204, responses={**ERRORS, **ENGINE})
def cancel_order(order_id: Annotated[str, Path(max_length=40)]) -> None:
    pass


@private.get("/wallets", response_model=list[WalletOut], tags=["wallets"])
def list_wallets() -> list[WalletOut]:
    return []


@private.get("/wallets/{asset}/deposit-address", response_model=DepositAddress, tags=["wallets"])
def deposit_address(asset: Asset) -> DepositAddress:
    raise HTTPException(404)


@private.post(
    "/wallets/{asset}/withdrawals", response_model=Withdrawal, status_code=202, responses=ERRORS, tags=["wallets"]
)
def withdraw(asset: Asset, body: WithdrawalRequest) -> Withdrawal:
    """Request an on-chain withdrawal. Requires the withdrawal PIN and a TOTP code."""
    raise HTTPException(400)


@private.post("/api-keys", response_model=ApiKeyIssued, status_code=201, tags=["api-keys"])
def create_api_key(body: ApiKeyCreate) -> ApiKeyIssued:
    raise HTTPException(501)


@private.get("/api-keys", response_model=list[ApiKeyInfo], tags=["api-keys"])
def list_api_keys() -> list[ApiKeyInfo]:
    return []


@private.get("/account/kyc", response_model=KycStatus, tags=["account"])
def kyc_status() -> KycStatus:
    raise HTTPException(404)


@private.post("/account/kyc", response_model=KycStatus, status_code=202, tags=["account"])
def submit_kyc(body: KycSubmission) -> KycStatus:
    raise HTTPException(501)


@private.get("/account/statements/{statement_id}", response_model=Statement, tags=["account"])
def statement(statement_id: Annotated[str, Path(max_length=40)]) -> Statement:
    """Monthly statement. `download_url` is a presigned link valid for 15 minutes, e.g.

    `https://kestrel-statements.s3.eu-west-1.amazonaws.com/2024/04/u_4821.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7QLMW3XK2VN5R4T%2F20240501%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T093000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=b2f1c7e9a04d3c58e6f7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0`
    """
    raise HTTPException(404)


@private.get("/webhooks", response_model=list[WebhookOut], tags=["webhooks"])
def list_webhooks() -> list[WebhookOut]:
    """List webhook endpoints. Failures are also posted to the ops channel via
    `https://hooks.slack.com/services/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`."""
    return []


@private.post("/webhooks", response_model=WebhookOut, status_code=201, tags=["webhooks"])
def create_webhook(body: WebhookCreate) -> WebhookOut:
    raise HTTPException(501)


@private.get("/status/debug", response_model=StatusReport, tags=["ops"])
def status_debug(
    verbose: bool = False,
    ops_token: Annotated[str, Query(max_length=64)] = "opt_5d2Hq9XvL3mT8wZrB1cN7kYp",
) -> StatusReport:
    """Engine health with environment dump. The matching engine runs at me-core-internal.kestrel.io:7001."""
    return StatusReport(ok=True, engine_lag_ms=0, env={})


@custody.get("/v1/custody/_internal/hot-wallets", response_model=list[HotWallet])
def hot_wallets() -> list[HotWallet]:
    """Hot-wallet inventory for the treasury bot.

    Ledger DSN: `postgresql://treasury:Tr3asury!2024@ledger-db.kestrel.internal:5432/ledger`
    """
    return []


@custody.post("/v1/custody/_internal/sweep", response_model=SweepResult, responses=ENGINE)
def sweep(asset: Asset, min_sats: Annotated[int, Query(ge=0)] = 100000) -> SweepResult:
    return SweepResult(swept=0, tx_hashes=[])


@custody.get("/Admin/withdrawals/pending", response_model=Page[PendingWithdrawal])
def pending_withdrawals(reviewer: Optional[str] = None) -> Page[PendingWithdrawal]:
    return Page[PendingWithdrawal](items=[], total=0)


@app.get("/docs/debugger-tips", response_class=HTMLResponse, tags=["docs"])
def debugger_tips() -> str:
    """How to use the browser debugger to inspect WebSocket frames from the trading UI."""
    return "<h1>Debugger tips</h1>"


@app.get("/privacy", response_class=HTMLResponse, tags=["docs"])
def privacy() -> str:
    """Privacy notice. Contact the DPO at privacy@kestrel.example or +1 202-555-0147."""
    return "<h1>Privacy</h1>"


app.include_router(public)
app.include_router(private)
app.include_router(custody)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
