"""CoinVault exchange API: accounts, API keys, wallets, withdrawals, KYC, market data and ops.

Generate the OpenAPI document with:  python coinvault_app.py > coinvault.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, Header, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


# --------------------------------------------------------------------------- shared


class Cursor(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: Optional[str] = None


class Side(str, Enum):
    buy = "buy"
    sell = "sell"


class OrderType(str, Enum):
    limit = "limit"
    market = "market"
    stop_limit = "stop_limit"


class Permission(str, Enum):
    read = "read"
    trade = "trade"
    withdraw = "withdraw"


# --------------------------------------------------------------------------- account


class AccountOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uid": 10448217,
                    "email": "dmitri.volkov@protonmail.com",
                    "phone": "+44 7911 123456",
                    "display_name": "dvolkov",
                    "tier": "vip2",
                    "referral_code": "CVREF-7KQ2M",
                    "created_at": "2022-11-03T17:20:00Z",
                }
            ]
        }
    )

    uid: int
    email: str
    phone: Optional[str] = None
    display_name: str
    tier: Literal["standard", "vip1", "vip2", "vip3", "market_maker"]
    referral_code: str = Field(description="Public invite code; share it to earn fee rebates.")
    created_at: datetime


class PasswordRules(BaseModel):
    min_length: int = 10
    require_digit: bool = True
    require_symbol: bool = True


class TrustedDevice(BaseModel):
    device_id: str
    user_agent: str
    last_ip: str = Field(examples=["198.51.100.23"])
    last_seen_at: datetime


class SecuritySettings(BaseModel):
    two_factor_method: Literal["totp", "sms", "security_key"] = "totp"
    totp_enabled: bool
    anti_phishing_code_set: bool = Field(description="Whether the user configured an anti-phishing phrase for e-mails.")
    fund_password_enabled: bool = Field(description="Withdrawals require a separate fund password.")
    password_changed_at: Optional[datetime] = None
    login_password_rules: PasswordRules
    withdrawal_lock_hours: int = Field(
        default=24, description="Withdrawals are locked for this long after a password reset."
    )
    session_timeout_minutes: int = 30
    trusted_devices: list[TrustedDevice] = []


class ApiKeyCreate(BaseModel):
    label: str = Field(max_length=40)
    permissions: list[Permission]
    ip_allowlist: list[str] = Field(default_factory=list, description="Requests from other IPs are rejected.")


class ApiKeyCredentials(BaseModel):
    """API key pair. Used for both the create response and the key detail view."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "keyId": "ak_01HZ4V9K2M",
                    "label": "grid-bot",
                    "apiKey": "cvk_live_Q3hT9mLx2VbR7nWp4KdY8sZc1FgJ6uEa",
                    "apiSecret": "cvs_live_f8K2nQ7rT1vX4zB9mC3pL6wY0hJ5dG2sA8eU",
                    "permissions": ["read", "trade"],
                    "createdAt": "2024-06-01T12:00:00Z",
                }
            ]
        },
    )

    key_id: str = Field(alias="keyId")
    label: str
    api_key: str = Field(alias="apiKey", description="Sent in the CV-ACCESS-KEY header.")
    api_secret: str = Field(alias="apiSecret", description="HMAC-SHA256 signing secret for CV-ACCESS-SIGN.")
    permissions: list[Permission]
    created_at: datetime = Field(alias="createdAt")


class ApiKeyListItem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key_id: str = Field(alias="keyId")
    label: str
    api_key_prefix: str = Field(alias="apiKeyPrefix", examples=["cvk_live_Q3hT"])
    permissions: list[Permission]
    last_used_at: Optional[datetime] = Field(default=None, alias="lastUsedAt")


# --------------------------------------------------------------------------- market data


class TokenInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "symbol": "USDT",
                    "name": "Tether USD",
                    "token_standard": "ERC-20",
                    "token_contract": "0xdAC17F958D2ee523a2206206994597C13D831ec7",
                    "token_decimals": 6,
                    "networks": ["ethereum", "tron"],
                }
            ]
        }
    )

    symbol: str
    name: str
    token_standard: Optional[str] = None
    token_contract: Optional[str] = Field(default=None, description="Public on-chain contract address.")
    token_decimals: int
    networks: list[str]


class Ticker(BaseModel):
    symbol: str
    last: float
    bid: float
    ask: float
    volume_24h: float
    change_24h_pct: float


class BookLevel(BaseModel):
    price: float
    size: float


class OrderBook(BaseModel):
    symbol: str
    bids: list[BookLevel]
    asks: list[BookLevel]
    sequence: int


class Trade(BaseModel):
    trade_id: int
    price: float
    size: float
    side: Side
    ts: datetime


# --------------------------------------------------------------------------- trading


class OrderCreate(BaseModel):
    symbol: str = Field(pattern=r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")
    side: Side
    type: OrderType
    price: Optional[float] = Field(default=None, gt=0)
    quantity: float = Field(gt=0, le=1_000_000_000)
    client_order_id: Optional[str] = Field(default=None, max_length=36)
    post_only: bool = False


class OrderOut(BaseModel):
    order_id: UUID
    client_order_id: Optional[str] = None
    symbol: str
    side: Side
    type: OrderType
    price: Optional[float] = None
    quantity: float
    filled: float
    status: Literal["open", "filled", "cancelled", "rejected"]
    created_at: datetime


# --------------------------------------------------------------------------- wallets


class Balance(BaseModel):
    asset: str
    available: float
    locked: float


class DepositAddress(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "asset": "BTC",
                    "network": "bitcoin",
                    "address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                    "memo": None,
                }
            ]
        }
    )

    asset: str
    network: str
    address: str
    memo: Optional[str] = Field(default=None, description="Destination tag / memo, required for XRP and XLM.")


class InternalTransferCreate(BaseModel):
    from_subaccount: UUID
    to_subaccount: UUID
    asset: str = Field(pattern=r"^[A-Z0-9]{2,10}$")
    amount: float = Field(gt=0, le=1_000_000_000)


class InternalTransferOut(BaseModel):
    transfer_id: UUID
    status: Literal["completed", "failed"]
    completed_at: Optional[datetime] = None


class WithdrawalCreate(BaseModel):
    asset: str = Field(pattern=r"^[A-Z0-9]{2,10}$")
    network: str = Field(max_length=32)
    address: str = Field(max_length=128)
    amount: float = Field(gt=0)
    memo: Optional[str] = None
    totp_code: str = Field(pattern=r"^\d{6}$")
    fund_password: str = Field(max_length=64, description="The account's separate withdrawal password.")


class TravelRuleInfo(BaseModel):
    beneficiary_name: str
    beneficiary_vasp: Optional[str] = None


class WithdrawalOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "withdrawal_id": "9a6f3c2e-1b4d-4e8a-9c7f-2d1e0b3a4c5d",
                    "asset": "ETH",
                    "network": "ethereum",
                    "address": "0x742d35Cc6634C0532925a3b844Bc454e4438f44e",
                    "amount": 1.25,
                    "fee": 0.0012,
                    "status": "broadcast",
                    "tx_hash": "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b",
                    "created_at": "2024-06-03T08:00:00Z",
                }
            ]
        }
    )

    withdrawal_id: UUID
    asset: str
    network: str
    address: str
    amount: float
    fee: float
    status: Literal["pending_review", "approved", "broadcast", "confirmed", "rejected"]
    tx_hash: Optional[str] = None
    travel_rule: Optional[TravelRuleInfo] = None
    created_at: datetime


# --------------------------------------------------------------------------- KYC


class KycSubmission(BaseModel):
    full_name: str = Field(max_length=120)
    date_of_birth: date
    nationality: str = Field(pattern=r"^[A-Z]{2}$")
    document_type: Literal["passport", "national_id", "driving_licence"]
    document_number: str = Field(max_length=32)
    codice_fiscale: Optional[str] = Field(
        default=None, pattern=r"^[A-Z0-9]{16}$", description="Italian residents only."
    )


class KycDocument(BaseModel):
    document_type: Literal["passport", "national_id", "driving_licence"]
    issuing_country: str
    document_number: str
    expires_on: Optional[date] = None


class KycStatusOut(BaseModel):
    level: int = Field(ge=0, le=3)
    status: Literal["none", "pending", "approved", "rejected"]
    submitted_at: Optional[datetime] = None
    document_number_last4: Optional[str] = Field(default=None, examples=["7731"])
    documents: list[KycDocument] = []
    rejection_reason: Optional[str] = None


class KycCase(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": 55120,
                    "uid": 10448217,
                    "full_name": "Giulia Ferrari",
                    "date_of_birth": "1985-12-10",
                    "codice_fiscale": "FRRGLI85T50H501Z",
                    "documents": [
                        {
                            "document_type": "passport",
                            "issuing_country": "IT",
                            "document_number": "YA4718263",
                            "expires_on": "2031-04-30",
                        }
                    ],
                    "selfie_url": "https://cv-kyc-uploads.s3.eu-central-1.amazonaws.com/selfies/55120.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA3KQZ7RWXBL4TNM2P%2F20240603%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20240603T080000Z&X-Amz-Expires=900&X-Amz-Signature=4c8b1f0e9d2a7b3c6e5f4a1d0c9b8e7f6a5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
                    "risk_score": 12,
                }
            ]
        }
    )

    case_id: int
    uid: int
    full_name: str
    date_of_birth: date
    codice_fiscale: Optional[str] = None
    documents: list[KycDocument]
    selfie_url: str
    risk_score: int


# --------------------------------------------------------------------------- ops


class HotWallet(BaseModel):
    wallet_id: str
    asset: str
    xpub: str = Field(description="BIP32 extended public key, used to derive deposit addresses.")
    xprv: str = Field(
        description="BIP32 extended private key of the hot wallet.",
        examples=[
            "xprv9s21ZrQH143K2JF8RafpqtKiTbsbaxEeUaMnNHsm5o6wCW3z8ySyH4UxFVSfZ8n7ESu7fgir8imbZKLYVBxFPND1pniTZ81vKfd45EHKX73"
        ],
    )
    node_rpc_url: str = Field(
        description="JSON-RPC endpoint of the signing node, including rpcuser:rpcpassword.",
        examples=["http://cvrpc:Tr0ub4dor-RPC-2024@10.20.1.5:8332"],
    )
    balance: float
    signing_threshold: int = Field(description="Number of co-signers required above the hot-wallet limit.")


class FreezeResult(BaseModel):
    uid: int
    frozen: bool
    reason: str


class EngineState(BaseModel):
    symbols: int
    resting_orders: int
    last_sequence: int


class ReconcileReport(BaseModel):
    checked_accounts: int
    mismatches: int


# --------------------------------------------------------------------------- errors


class ErrorOut(BaseModel):
    code: str = Field(examples=["insufficient_balance"])
    message: str
    request_id: str
    retry_after: Optional[int] = Field(default=None, description="Seconds to wait before retrying (429 only).")


class EngineUnavailable(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    code: Literal["engine_unavailable"] = "engine_unavailable"
    message: str
    engine_exception: Optional[str] = Field(
        default=None, alias="engineException", examples=["grpc.RpcError: StatusCode.UNAVAILABLE"]
    )
    stack_trace: Optional[list[str]] = Field(default=None, alias="stackTrace")


class LedgerError(BaseModel):
    error_code: str
    detail: str
    failed_query: Optional[str] = Field(
        default=None,
        description="The SQL statement that was rolled back.",
        examples=["UPDATE balances SET available = available - 1.25 WHERE uid = 10448217 AND asset = 'ETH'"],
    )
    trace_id: str


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="CoinVault Exchange API",
    version="3.2.1",
    description=(
        "Spot trading, wallets and account management for CoinVault.\n\n"
        "Private endpoints are signed: send `CV-ACCESS-KEY`, `CV-ACCESS-TIMESTAMP` and "
        "`CV-ACCESS-SIGN` (HMAC-SHA256 of timestamp + method + path + body). Quick test:\n\n"
        "```\ncurl -H 'CV-ACCESS-KEY: cvk_live_Zp4Lq8Rt2Wx6Nv1Bm9Kc3Hd7' \\\n"
        "     -H 'CV-ACCESS-SECRET: cvs_live_Hn5Tq1Vw8Xz3Lm6Pk2Rb9Jc4Fd7Gs0Ay' \\\n"
        "     https://api.coinvault.exchange/v1/account\n```"
    ),
    contact={
        "name": "CoinVault API support",
        "email": "api-support@coinvault.exchange",
        "url": "https://coinvault.exchange/support",
    },
    servers=[
        {"url": "https://api.coinvault.exchange", "description": "Production"},
        {"url": "https://sandbox.coinvault.exchange", "description": "Sandbox (test funds only)"},
        {"url": "http://[fd12:3456:789a:1::20]:8080", "description": "Matching-engine gateway (ops VPN)"},
    ],
)

ERRORS = {
    400: {"model": ErrorOut, "description": "Bad request"},
    404: {"model": ErrorOut, "description": "Not found"},
    429: {"model": ErrorOut, "description": "Rate limited"},
}
ENGINE_ERRORS = {**ERRORS, 503: {"model": EngineUnavailable, "description": "Matching engine unavailable"}}

account = APIRouter(prefix="/v1/account", tags=["account"])
market = APIRouter(prefix="/v1", tags=["market-data"])
trading = APIRouter(prefix="/v1/orders", tags=["trading"])
wallets = APIRouter(prefix="/v1", tags=["wallets"])
kyc = APIRouter(prefix="/v1", tags=["kyc"])
ops = APIRouter(tags=["ops"])


@account.get("", response_model=AccountOut, responses=ERRORS)
def get_account() -> AccountOut:
    raise HTTPException(404)


@account.get("/security", response_model=SecuritySettings)
def get_security() -> SecuritySettings:
    raise HTTPException(501)


@account.post("/api-keys", response_model=ApiKeyCredentials, status_code=201, responses=ERRORS)
def create_api_key(body: ApiKeyCreate) -> ApiKeyCredentials:
    """Create an API key pair."""
    raise HTTPException(501)


@account.get("/api-keys", response_model=list[ApiKeyListItem])
def list_api_keys() -> list[ApiKeyListItem]:
    return []


@account.get("/api-keys/{key_id}", response_model=ApiKeyCredentials, responses=ERRORS)
def get_api_key(key_id: Annotated[str, Path(pattern=r"^ak_[0-9A-Z]{10}$")]) -> ApiKeyCredentials:
    """Key detail, including permissions and credentials."""
    raise HTTPException(404)


@market.get("/assets/{symbol}", response_model=TokenInfo, responses=ERRORS)
def get_asset(symbol: Annotated[str, Path(pattern=r"^[A-Z0-9]{2,10}$")]) -> TokenInfo:
    raise HTTPException(404)


@market.get("/markets/{symbol}/ticker", response_model=Ticker, responses=ERRORS)
def ticker(symbol: Annotated[str, Path(pattern=r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")]) -> Ticker:
    raise HTTPException(404)


@market.get("/markets/{symbol}/book", response_model=OrderBook, responses=ENGINE_ERRORS)
def order_book(
    symbol: Annotated[str, Path(pattern=r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")],
    depth: Annotated[int, Query(ge=1, le=500)] = 50,
) -> OrderBook:
    raise HTTPException(503)


@market.get("/markets/{symbol}/trades", response_model=list[Trade], responses=ERRORS)
def recent_trades(
    symbol: Annotated[str, Path(pattern=r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")],
    limit: int = Query(default=100, ge=1),
    since: Optional[str] = Query(default=None, description="Trade id or ISO timestamp"),
) -> list[Trade]:
    return []


@trading.post("", response_model=OrderOut, status_code=201, responses=ENGINE_ERRORS)
def place_order(body: OrderCreate) -> OrderOut:
    raise HTTPException(503)


@trading.get("", response_model=Cursor[OrderOut])
def list_orders(
    symbol: Annotated[Optional[str], Query(pattern=r"^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$")] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> Cursor[OrderOut]:
    return Cursor[OrderOut](data=[])


@trading.delete("/{order_id}", status_code=204, responses=ENGINE_ERRORS)
def cancel_order(order_id: UUID) -> None:
    raise HTTPException(503)


@wallets.get("/wallets/balances", response_model=list[Balance], tags=["wallets"])
def balances() -> list[Balance]:
    return []


@wallets.get("/wallets/{asset}/deposit-address", response_model=DepositAddress, responses=ERRORS)
def deposit_address(
    asset: Annotated[str, Path(pattern=r"^[A-Z0-9]{2,10}$")],
    network: Annotated[Optional[str], Query(max_length=32)] = None,
) -> DepositAddress:
    raise HTTPException(404)


@wallets.post(
    "/internal-transfers",
    response_model=InternalTransferOut,
    status_code=201,
    responses={400: {"model": ErrorOut}, "default": {"model": LedgerError, "description": "Ledger failure"}},
)
def internal_transfer(body: InternalTransferCreate) -> InternalTransferOut:
    """Move funds between your own sub-accounts. Instant and free of charge."""
    raise HTTPException(501)


@wallets.post("/withdrawals", response_model=WithdrawalOut, status_code=201, responses=ERRORS)
def create_withdrawal(
    body: Annotated[
        WithdrawalCreate,
        Body(
            openapi_examples={
                "btc": {
                    "summary": "Bitcoin withdrawal",
                    "value": {
                        "asset": "BTC",
                        "network": "bitcoin",
                        "address": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                        "amount": 0.05,
                        "fund_password": "<your-fund-password>",
                    },
                },
                "xrp_with_tag": {
                    "summary": "XRP to an exchange deposit address with a destination tag",
                    "value": {
                        "asset": "XRP",
                        "network": "ripple",
                        "address": "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
                        "amount": 250,
                        "memo": "104729",
                        "fund_password": "Satoshi!Nakamoto2024",
                    },
                },
            }
        ),
    ],
) -> WithdrawalOut:
    raise HTTPException(501)


@wallets.get("/withdrawals", response_model=Cursor[WithdrawalOut])
def list_withdrawals(
    status: Optional[Literal["pending_review", "approved", "broadcast", "confirmed", "rejected"]] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> Cursor[WithdrawalOut]:
    return Cursor[WithdrawalOut](data=[])


@kyc.post("/account/kyc", response_model=KycStatusOut, status_code=202, responses=ERRORS)
def submit_kyc(body: KycSubmission) -> KycStatusOut:
    raise HTTPException(501)


@kyc.get("/account/kyc", response_model=KycStatusOut)
def kyc_status() -> KycStatusOut:
    raise HTTPException(501)


@kyc.get("/compliance/admin/kyc-cases/{case_id}", response_model=KycCase, responses=ERRORS, tags=["compliance"])
def get_kyc_case(case_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> KycCase:
    """Full KYC case for the compliance review console."""
    raise HTTPException(404)


@ops.get("/ops/admin/hot-wallets", response_model=list[HotWallet])
def list_hot_wallets() -> list[HotWallet]:
    return []


@ops.post("/ops/admin/accounts/{uid}/freeze", response_model=FreezeResult, responses=ERRORS)
def freeze_account(
    uid: int,
    reason: Annotated[str, Query(max_length=200)],
    x_ops_token: Annotated[str, Header()] = "opstk_8Vn2Kq5Xr9Lw3Tz7Bp1Md4Hc6",
) -> FreezeResult:
    """Freeze trading and withdrawals for an account (fraud desk)."""
    raise HTTPException(404)


@ops.get(
    "/v1/_debug/matching-engine/state",
    response_model=EngineState,
    responses=ENGINE_ERRORS,
    openapi_extra={"x-internal": True},
)
def engine_state() -> EngineState:
    """Proxy to the primary matching engine at me-primary.coinvault.consul:7000/state."""
    raise HTTPException(503)


@ops.post(
    "/internal/ledger/reconcile",
    response_model=ReconcileReport,
    responses={"default": {"model": LedgerError}},
    openapi_extra={"x-internal": True},
)
def reconcile(as_of: Optional[datetime] = None) -> ReconcileReport:
    """Compare ledger balances against wallet balances (run hourly by cron)."""
    raise HTTPException(501)


@ops.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(account)
app.include_router(market)
app.include_router(trading)
app.include_router(wallets)
app.include_router(kyc)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
