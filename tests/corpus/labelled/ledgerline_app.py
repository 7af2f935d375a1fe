"""Ledgerline: open-banking account aggregation for fintech apps.

Bank connections (OBIE / Berlin Group ASPSPs and a few legacy screen-scrape banks),
consents, accounts, balances, transactions, webhooks and the ops console.

Generate the OpenAPI document with:  python ledgerline_app.py > ledgerline.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel, to_pascal

bearer = HTTPBearer(description="Ledgerline access token obtained from `POST /oauth/token`.")

T = TypeVar("T")

ConnId = Annotated[str, Path(pattern=r"^conn_[0-9A-Z]{10,26}$", description="Connection id, e.g. `conn_01HX4Q7RZ2`.")]
AccId = Annotated[str, Path(pattern=r"^acc_[0-9a-f]{12}$")]


class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Obie(BaseModel):
    # OBIE v3.1 read/write resources are PascalCase on the wire.
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True)


# --------------------------------------------------------------------------- institutions


class Institution(Camel):
    institution_id: str
    display_name: str
    country_code: str
    bic: Optional[str] = None
    auth_flow: Literal["redirect", "embedded", "decoupled"]
    supports_pkce: bool = True
    logo_url: Optional[str] = None


class ConsentPermission(str, Enum):
    accounts = "ReadAccountsDetail"
    balances = "ReadBalances"
    transactions = "ReadTransactionsDetail"
    party = "ReadParty"


# --------------------------------------------------------------------------- connections


class EmbeddedLogin(Camel):
    """Credentials for banks without a redirect flow. Sent once, at connection time."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"loginId": "<customer-number>", "password": "<bank-password>", "otp": None}]}
    )

    login_id: str = Field(max_length=64, description="Customer number or user id at the bank.")
    password: str = Field(max_length=128, description="Online-banking password.")
    otp: Optional[str] = Field(default=None, pattern=r"^\d{6,8}$")


class ConnectionCreate(Camel):
    institution_id: str = Field(max_length=64)
    redirect_uri: str = Field(max_length=2048)
    permissions: list[ConsentPermission]
    embedded_login: Optional[EmbeddedLogin] = None
    state: Optional[str] = Field(default=None, description="Opaque value echoed back on the redirect.")
    external_user_ref: str = Field(max_length=128, description="Your id for the end user (PSU).")


class ConnectionCreated(Camel):
    """Result of starting a connection. `linkToken` is only ever returned here."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "connectionId": "conn_01HX4Q7RZ2",
                    "authorisationUrl": "https://auth.bank.example/oauth2/authorize?client_id=ll-prod-4411&response_type=code%20id_token",
                    "linkToken": "<link-token>",
                    "linkTokenExpiresAt": "2024-05-01T09:10:00Z",
                }
            ]
        }
    )

    connection_id: str
    authorisation_url: Optional[str] = None
    link_token: str = Field(description="Short-lived token for the Ledgerline Connect widget.")
    link_token_expires_at: datetime


class ConnectionStatus(str, Enum):
    pending = "pending"
    active = "active"
    reauth_required = "reauth_required"
    revoked = "revoked"
    failed = "failed"


class Connection(Camel):
    connection_id: str
    institution: Institution
    status: ConnectionStatus
    consent_id: str
    consent_expires_at: Optional[datetime] = None
    token_expires_at: Optional[datetime] = Field(
        default=None, description="When the bank access token expires; a refresh is attempted five minutes before."
    )
    last_synced_at: Optional[datetime] = Field(
        default=None, description="Set by the sync scheduler (sched-01.ob.lan) after each successful pull."
    )
    external_user_ref: str


class AspspTokenSet(Camel):
    """Tokens issued to Ledgerline by the bank (ASPSP) for this connection."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tokenType": "Bearer",
                    "aspspAccessToken": "eyJhbGciOiJQUzI1NiIsImtpZCI6ImhzYmMtb2ItMjAyNC0xIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL29iLmhzYmMuY28udWsiLCJzdWIiOiJ1cm46aHNiYzpwc3U6NzczNDE5MCIsImF1ZCI6ImxsLXByb2QtNDQxMSIsInNjb3BlIjoiYWNjb3VudHMgb3BlbmlkIiwib3BlbmJhbmtpbmdfaW50ZW50X2lkIjoiYWFjLThkMmY0ZTFiLTdjM2EiLCJleHAiOjE3MTQ1NTc2MDAsImlhdCI6MTcxNDU1NDAwMH0.Rj9irULIiF-zrsScnDSh1KClWv2KqTDlt5lfLXuLYndjWZ2FcNWlKq977P7x7B8h7pdOTBJ4QvL7nTK_OTbYaA",
                    "aspspRefreshToken": "rt.eu1.7QmZk2Lw9Xc4Vb8Nf3Hd6Jp1Rs5Ty0UaE2gK",
                    "scope": "accounts openid",
                    "expiresAt": "2024-05-01T10:00:00Z",
                }
            ]
        }
    )

    token_type: str
    aspsp_access_token: str
    aspsp_refresh_token: Optional[str] = None
    scope: str
    expires_at: datetime


class StoredBankLogin(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"loginId": "04418273", "pwd": "Bordeaux!1987", "lastUsedAt": "2024-04-30T22:00:00Z"}]
        }
    )

    login_id: str
    pwd: str = Field(
        description="Customer's online-banking password, encrypted at rest and decrypted for each scrape run."
    )
    last_used_at: Optional[datetime] = None


class ConnectionDiagnostics(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "aspspEndpoint": "https://ob-proxy-03.ledgerline.internal/aspsp/hsbc-uk/v3.1",
                    "lastHttpStatus": 200,
                    "syncLagSeconds": 42,
                }
            ]
        }
    )

    connection: Connection
    tokens: Optional[AspspTokenSet] = None
    scraper_login: Optional[StoredBankLogin] = None
    aspsp_endpoint: str
    last_http_status: Optional[int] = None
    sync_lag_seconds: int


# --------------------------------------------------------------------------- consents


class ConsentAuditEntry(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"at": "2024-04-01T08:00:00Z", "event": "authorised", "actor": "psu", "sourceIp": "192.0.2.33"},
                {"at": "2024-04-03T17:45:10Z", "event": "revoked", "actor": "ops", "sourceIp": "10.20.9.44"},
            ]
        }
    )

    at: datetime
    event: Literal["created", "authorised", "rejected", "revoked", "expired"]
    actor: Literal["psu", "tpp", "aspsp", "ops"]
    source_ip: str


class Consent(Camel):
    consent_id: str
    connection_id: str
    status: Literal["AwaitingAuthorisation", "Authorised", "Rejected", "Revoked", "Expired"]
    permissions: list[ConsentPermission]
    expiration_date_time: Optional[datetime] = None
    transaction_from_date_time: Optional[datetime] = None
    transaction_to_date_time: Optional[datetime] = None
    audit: list[ConsentAuditEntry] = []


# --------------------------------------------------------------------------- accounts (OBIE style)


class Amount(Obie):
    amount: str = Field(pattern=r"^\d{1,13}\.\d{1,5}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class AccountIdentifier(Obie):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"SchemeName": "UK.OBIE.IBAN", "Identification": "GB29NWBK60161331926819", "Name": "O BRENNAN"}
            ]
        }
    )

    scheme_name: Literal["UK.OBIE.SortCodeAccountNumber", "UK.OBIE.IBAN", "UK.OBIE.BBAN"]
    identification: str = Field(description="Sort code + account number, IBAN or BBAN, depending on SchemeName.")
    name: Optional[str] = None
    secondary_identification: Optional[str] = Field(default=None, description="Building-society roll number.")


class Party(Obie):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "PartyId": "pty_7c21a9",
                    "PartyType": "Sole",
                    "Name": "Olivia Brennan",
                    "EmailAddress": "olivia.brennan@outlook.com",
                    "Mobile": "+44 7723 418902",
                    "DateOfBirth": "1988-04-17",
                    "NationalIdentifier": "JT482193C",
                }
            ]
        }
    )

    party_id: str
    party_type: Literal["Sole", "Joint", "Delegate"]
    name: str
    email_address: Optional[str] = None
    mobile: Optional[str] = None
    date_of_birth: Optional[date] = None
    national_identifier: Optional[str] = Field(
        default=None,
        description="National identification number from the bank's KYC record (e.g. NI number, Steuer-ID).",
    )


class Account(Obie):
    account_id: str
    currency: str
    account_type: Literal["Personal", "Business"]
    account_sub_type: Literal["CurrentAccount", "Savings", "CreditCard", "Loan"]
    nickname: Optional[str] = None
    identifiers: list[AccountIdentifier]
    parties: list[Party] = []
    opening_date: Optional[date] = None


class Balance(Obie):
    amount: Amount
    credit_debit_indicator: Literal["Credit", "Debit"]
    type: Literal["InterimAvailable", "InterimBooked", "ClosingBooked"]
    date_time: datetime


class MerchantDetails(Obie):
    merchant_name: Optional[str] = None
    merchant_category_code: Optional[str] = Field(default=None, examples=["5411"])


class CardInstrument(Obie):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "CardSchemeName": "VISA",
                    "AuthorisationType": "PIN",
                    "Name": "O BRENNAN",
                    "MaskedPan": "************4821",
                }
            ]
        }
    )

    card_scheme_name: Literal["VISA", "MASTERCARD", "AMEX"]
    authorisation_type: Literal["ConsumerDevice", "Contactless", "PIN", "None"]
    name: Optional[str] = None
    masked_pan: str


class Transaction(Obie):
    transaction_id: str
    booking_date_time: datetime
    value_date_time: Optional[datetime] = None
    status: Literal["Booked", "Pending"]
    amount: Amount
    credit_debit_indicator: Literal["Credit", "Debit"]
    transaction_information: Optional[str] = None
    merchant: Optional[MerchantDetails] = None
    card_instrument: Optional[CardInstrument] = None
    creditor_account: Optional[AccountIdentifier] = None
    debtor_account: Optional[AccountIdentifier] = None
    category: Optional[str] = Field(default=None, description="Ledgerline enrichment category, e.g. `groceries`.")
    exception_reason: Optional[Literal["None", "Returned", "Reversed", "Chargeback"]] = Field(
        default=None, description="Exception-item classification from the bank's returns file."
    )


class Links(Obie):
    self: str
    next: Optional[str] = None


class Meta(Obie):
    total_pages: int


class ObPage(Obie, Generic[T]):
    data: list[T]
    links: Links
    meta: Meta


# --------------------------------------------------------------------------- webhooks


class WebhookEvent(str, Enum):
    reauth = "connection.reauth_required"
    transactions = "transactions.available"
    revoked = "consent.revoked"
    balance_low = "account.balance_low"


class WebhookSubscriptionCreate(Camel):
    url: str = Field(max_length=2048)
    events: list[WebhookEvent] = Field(max_length=10)
    description: Optional[str] = None
    signing_secret: Optional[str] = Field(
        default=None, min_length=32, max_length=128, description="Bring your own secret; otherwise one is generated."
    )


class WebhookSubscription(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subscriptionId": "whs_3kR9",
                    "url": "https://hooks.budgetbee.co.uk/ledgerline",
                    "events": ["transactions.available"],
                    "active": True,
                    "signingSecret": "llwhk_live_2b9Fq7Xz4Pn8Rt1Vc6Mh3Kd5Wj0YsA",
                    "secretRotatedAt": "2024-02-11T09:00:00Z",
                    "signatureScheme": "hmac-sha256",
                }
            ]
        }
    )

    subscription_id: str
    url: str
    events: list[WebhookEvent]
    active: bool = True
    signing_secret: str = Field(description="Secret used to compute the `Ledgerline-Signature` HMAC.")
    secret_rotated_at: Optional[datetime] = None
    signature_scheme: Literal["hmac-sha256"] = "hmac-sha256"


class WebhookSecretRotation(Camel):
    """Returned once by the rotate call; the previous secret keeps working for 24 hours."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"newSigningSecret": "<new-signing-secret>", "previousSecretValidUntil": "2024-05-02T09:00:00Z"}
            ]
        }
    )

    new_signing_secret: str
    previous_secret_valid_until: datetime


class WebhookDelivery(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "deliveryId": "dlv_9a1f",
                    "event": "transactions.available",
                    "attemptedAt": "2024-05-01T09:00:03Z",
                    "responseStatus": 200,
                    "requestHeaders": {
                        "Content-Type": "application/json",
                        "Ledgerline-Signature": "t=1714554003,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
                    },
                    "resolvedIp": "198.51.100.23",
                }
            ]
        }
    )

    delivery_id: str
    event: WebhookEvent
    attempted_at: datetime
    response_status: Optional[int] = None
    request_headers: dict[str, str] = {}
    resolved_ip: Optional[str] = None


# --------------------------------------------------------------------------- oauth


class ClientCredentialsGrant(BaseModel):
    grant_type: Literal["client_credentials"]
    client_id: str = Field(max_length=64)
    client_secret: str = Field(max_length=256)
    scope: Optional[str] = Field(default=None, max_length=256)


class AccessTokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "<access-token>",
                    "token_type": "Bearer",
                    "expires_in": 900,
                    "scope": "connections accounts",
                }
            ]
        }
    )

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    scope: str


# --------------------------------------------------------------------------- ops / admin


class DisputeCase(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "disputeId": "dsp_55120",
                    "transactionId": "tx_8b2e61f0",
                    "accountId": "acc_3f9c01d2aa71",
                    "cardPan": "5496192891864048",
                    "reasonCode": "4853",
                    "openedAt": "2024-04-22T13:05:00Z",
                }
            ]
        }
    )

    dispute_id: str
    transaction_id: str
    account_id: str
    card_pan: str = Field(description="Full PAN from the issuer's chargeback file.")
    reason_code: str
    amount: Amount
    opened_at: datetime


class ExportDestination(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "destinationId": "exp_12",
                    "kind": "s3",
                    "bucket": "budgetbee-ledgerline-exports",
                    "region": "eu-west-2",
                    "prefix": "daily/",
                    "awsAccessKeyId": "AKIA4YFQ7NZ2HJ3KXW5P",
                    "awsSecretAccessKey": "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",
                    "kmsKeyArn": "arn:aws:kms:eu-west-2:418273645091:key/6f1d2c3b-8a9e-4b7c-9d0e-1f2a3b4c5d6e",
                }
            ]
        }
    )

    destination_id: str
    kind: Literal["s3"] = "s3"
    bucket: str
    region: str
    prefix: str = ""
    aws_access_key_id: str
    aws_secret_access_key: str
    kms_key_arn: Optional[str] = Field(default=None, description="KMS key used for SSE-KMS (ARN only).")
    last_export_at: Optional[datetime] = None


class TppRegistration(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "registrationId": "reg_hsbc_uk",
                    "softwareId": "4aJd81kPqZ3tVx2Lw9",
                    "clientId": "5f2c8e1a-3b7d-4e9f-a1c6-0d8b2e4f6a13",
                    "clientSecret": "8Q~hRk2Lx9.Tz4Wm_Vb7Nc3Pq6Ys1Ud5FgAe0",
                    "tokenEndpointAuthMethod": "private_key_jwt",
                    "transportCertPem": "-----BEGIN CERTIFICATE-----\nMIICFTCCAbugAwIBAgIURHNAPDF9m5Hh3O6QUDoFivAbOaYwCgYIKoZIzj0EAwIw\nYDELMAkGA1UEBhMCR0IxFzAVBgNVBAoMDkxlZGdlcmxpbmUgTHRkMRswGQYDVQQL\nDBIwMDE1ODAwMDAxWkVaM2hBQUgxGzAZBgNVBAMMEjRhSmQ4MWtQcVozdFZ4Mkx3\nOTAeFw0yNjEyMDQwOTE3MjNaFw0yNzEyMDQwOTE3MjNaMGAxCzAJBgNVBAYTAkdC\nMRcwFQYDVQQKDA5MZWRnZXJsaW5lIEx0ZDEbMBkGA1UECwwSMDAxNTgwMDAwMVpF\nWjNoQUFIMRswGQYDVQQDDBI0YUpkODFrUHFaM3RWeDJMdzkwWTATBgcqhkjOPQIB\nBggqhkjOPQMBBwNCAARUMqw26izZweqtfTJ+abMyf6d6t7kAN8PRNcSyJ7bL0tPq\njIsnTj7p/3kdBJ+UUxbCvNJ5bAkHz5eMBiQ9c2HCo1MwUTAdBgNVHQ4EFgQU47pu\nhLAF8Jp7t4UktQYuFSS2p9EwHwYDVR0jBBgwFoAU47puhLAF8Jp7t4UktQYuFSS2\np9EwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiB9FFATtC/4ZN2S\nwJtVJssID+xzrmDTQ2K0uGQFmKXaKgIhAJp1XN55hQYLZpnNKgzqeWf00ZEHU36O\nqv3jOVLb6OjB\n-----END CERTIFICATE-----",
                    "transportPrivateKeyPem": "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrGfnHAxR2LHEB8iV\nL8ODiqm6C0fKIN2IezZhCn8PMZKhRANCAAQr7uvKZszyaOoGt0BE12jWdEkRNlOT\nkWPpK5s1f9E4Sc0uomw0JU+rnNA6ubZ96aLR35lTQ7OgXL7CeAS4d0k0\n-----END PRIVATE KEY-----",
                    "qwacSha256Fingerprint": "3A:9F:0C:7E:55:12:B8:4D:E1:06:9A:73:C2:5F:88:14:AB:37:90:6E:D4:21:0B:F9:5C:68:E3:7A:12:4B:C0:9D",
                }
            ]
        }
    )

    registration_id: str
    software_id: str
    client_id: str
    client_secret: str
    token_endpoint_auth_method: Literal["client_secret_basic", "private_key_jwt", "tls_client_auth"]
    transport_cert_pem: str = Field(description="OBWAC/QWAC certificate presented on mTLS to the ASPSP.")
    transport_private_key_pem: str
    qwac_sha256_fingerprint: str
    redirect_uris: list[str] = []


class DbPoolStatus(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "poolName": "ledger-primary",
                    "size": 40,
                    "inUse": 17,
                    "waiting": 0,
                    "dsn": "postgresql://ledger_app:Vq8nR2xT4kLp@10.20.7.31:5432/ledger?sslmode=require",
                }
            ]
        }
    )

    pool_name: str
    size: int
    in_use: int
    waiting: int
    dsn: str = Field(description="Effective connection string of the pool.")


class EgressInfo(Camel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ips": ["203.0.113.10", "203.0.113.11"], "updatedAt": "2024-03-01T00:00:00Z"}]}
    )

    ips: list[str]
    updated_at: datetime


class ConsentCacheStats(Camel):
    entries: int
    hit_ratio: float
    oldest_entry_age_s: int


class ControlsDocument(Camel):
    title: str
    version: str
    pdf_url: str


# --------------------------------------------------------------------------- errors


class ProblemDetails(Camel):
    """RFC 9457 problem details, plus our error code and trace id."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    error_code: Optional[str] = Field(default=None, examples=["consent_expired"])
    trace_id: Optional[str] = None


class DebugContext(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sqlStatement": "UPDATE consents SET status = 'Revoked' WHERE consent_id = $1",
                    "sourceLocation": "ledgerline/sync/aspsp_client.py:418",
                    "workerHost": "sync-worker-7.ledgerline.internal",
                }
            ]
        }
    )

    sql_statement: Optional[str] = None
    source_location: Optional[str] = None
    worker_host: Optional[str] = None


class GatewayFault(Camel):
    fault_code: str = Field(examples=["ASPSP_UNAVAILABLE"])
    message: str
    correlation_id: str
    upstream_status: Optional[int] = Field(default=None, description="HTTP status returned by the bank, if any.")
    exception_class: Optional[str] = Field(default=None, examples=["requests.exceptions.SSLError"])
    stack_trace: Optional[str] = None
    debug_context: Optional[DebugContext] = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Ledgerline Open Banking API",
    version="2.7.1",
    description=(
        "Account-information aggregation across 2,400 European banks. Webhook deliveries "
        "originate from 203.0.113.10 and 203.0.113.11; allow-list both. Rate limits are "
        "per client id (see LL-1290)."
    ),
    contact={
        "name": "Ledgerline Developer Relations",
        "email": "devrel@ledgerline.io",
        "url": "https://docs.ledgerline.io",
    },
    servers=[
        {
            "url": "https://api.ledgerline.io/v2",
            "description": "Production (origin pool ob-origin-01.ledgerline.internal)",
        },
        {"url": "https://sandbox.ledgerline.io/v2", "description": "Sandbox with mock banks"},
        {"url": "http://127.0.0.1:8080/v2", "description": "Local docker-compose"},
        {"url": "http://10.20.4.15:8000/v2", "description": "Staging (VPN)"},
    ],
)

PROBLEMS = {
    400: {"model": ProblemDetails, "description": "Bad request"},
    404: {"model": ProblemDetails, "description": "Not found"},
}
UPSTREAM = {
    502: {"model": GatewayFault, "description": "The bank returned an error or timed out"},
    "default": {"model": GatewayFault, "description": "Unexpected error"},
}

secured = [Depends(bearer)]
auth = APIRouter(tags=["auth"])
conns = APIRouter(prefix="/connections", tags=["connections"], dependencies=secured)
data = APIRouter(tags=["accounts"], dependencies=secured)
hooks = APIRouter(prefix="/webhooks", tags=["webhooks"], dependencies=secured)
ops = APIRouter(prefix="/ops", tags=["ops"], dependencies=secured)
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=secured)
internal = APIRouter(prefix="/internal", tags=["internal"])
docs = APIRouter(tags=["docs"])


@auth.get("/institutions", response_model=list[Institution])
def list_institutions(
    q: Optional[str] = Query(default=None, description="Free-text search on bank name or BIC."),
    country: Optional[str] = Query(default=None, pattern=r"^[A-Z]{2}$"),
    auth_flow: Optional[Literal["redirect", "embedded", "decoupled"]] = None,
) -> list[Institution]:
    return []


@auth.post("/oauth/token", response_model=AccessTokenResponse, responses={401: {"model": ProblemDetails}})
def issue_token(body: ClientCredentialsGrant) -> AccessTokenResponse:
    """Client-credentials grant for your backend.

    ```
    curl -X POST https://api.ledgerline.io/v2/oauth/token \\
      -H 'Content-Type: application/json' \\
      -d '{"grant_type": "client_credentials", "client_id": "ll_cli_7f3a91", "client_secret": "llcs_live_Qm4rT8vX2nB6kP9sW3yZ5cH1dJ7"}'
    ```
    """
    raise HTTPException(401)


@conns.post(
    "",
    response_model=ConnectionCreated,
    status_code=201,
    responses={**PROBLEMS, 409: {"model": ProblemDetails}, **UPSTREAM},
)
def create_connection(
    body: Annotated[
        ConnectionCreate,
        Body(
            openapi_examples={
                "redirect": {
                    "summary": "Redirect flow (most UK/EU banks)",
                    "value": {
                        "institutionId": "ob-monzo",
                        "redirectUri": "https://app.budgetbee.co.uk/ob/callback",
                        "permissions": ["ReadAccountsDetail", "ReadTransactionsDetail"],
                        "externalUserRef": "usr_8842",
                    },
                },
                "embedded": {
                    "summary": "Embedded credentials (legacy banks without OAuth)",
                    "value": {
                        "institutionId": "scr-credit-agricole-fr",
                        "redirectUri": "https://app.budgetbee.co.uk/ob/callback",
                        "permissions": ["ReadAccountsDetail", "ReadBalances"],
                        "embeddedLogin": {"loginId": "04418273", "password": "Soleil#Pau2024"},
                        "externalUserRef": "usr_8843",
                    },
                },
            }
        ),
    ],
) -> ConnectionCreated:
    """Start a bank connection. Redirect the user to `authorisationUrl`, or open the Connect widget with `linkToken`."""
    raise HTTPException(501)


@conns.get("", response_model=list[Connection])
def list_connections(
    status: Optional[ConnectionStatus] = None,
    external_user_ref: Optional[str] = Query(default=None, max_length=128),
) -> list[Connection]:
    return []


@conns.get("/{connection_id}", response_model=Connection, responses=PROBLEMS)
def get_connection(connection_id: ConnId) -> Connection:
    raise HTTPException(404)


@conns.delete("/{connection_id}", status_code=204, responses=PROBLEMS)
def delete_connection(connection_id: ConnId) -> None:
    """Revoke the consent at the bank and delete all synced data."""


@data.get("/consents/{consent_id}", response_model=Consent, responses=PROBLEMS, tags=["consents"])
def get_consent(consent_id: Annotated[str, Path(pattern=r"^aac-[0-9a-f-]{8,40}$")]) -> Consent:
    raise HTTPException(404)


@data.get("/accounts", response_model=list[Account], responses=UPSTREAM)
def list_accounts(connection_id: Annotated[str, Query(pattern=r"^conn_[0-9A-Z]{10,26}$")]) -> list[Account]:
    return []


@data.get("/accounts/{account_id}/balances", response_model=list[Balance], responses={**PROBLEMS, **UPSTREAM})
def balances(account_id: AccId) -> list[Balance]:
    return []


@data.get("/accounts/{account_id}/transactions", response_model=ObPage[Transaction], responses={**PROBLEMS, **UPSTREAM})
def transactions(
    account_id: AccId,
    from_booking_date_time: Optional[datetime] = Query(default=None, alias="fromBookingDateTime"),
    to_booking_date_time: Optional[datetime] = Query(default=None, alias="toBookingDateTime"),
    category: Optional[str] = Query(default=None, description="Enrichment category filter."),
    min_amount: Optional[float] = Query(default=None, alias="minAmount", ge=0),
    limit: int = Query(default=100, ge=1),
    cursor: Optional[str] = Query(default=None, max_length=200),
) -> ObPage[Transaction]:
    raise HTTPException(404)


@data.get("/accounts/{account_id}/parties", response_model=list[Party], responses={**PROBLEMS, **UPSTREAM})
def parties(account_id: AccId) -> list[Party]:
    """Account holders as reported by the bank (requires the `ReadParty` permission)."""
    return []


@hooks.post("", response_model=WebhookSubscription, status_code=201, responses=PROBLEMS)
def create_webhook(body: WebhookSubscriptionCreate) -> WebhookSubscription:
    raise HTTPException(501)


@hooks.get("", response_model=list[WebhookSubscription])
def list_webhooks() -> list[WebhookSubscription]:
    return []


@hooks.get("/{subscription_id}", response_model=WebhookSubscription, responses=PROBLEMS)
def get_webhook(subscription_id: Annotated[str, Path(pattern=r"^whs_[A-Za-z0-9]{4,24}$")]) -> WebhookSubscription:
    raise HTTPException(404)


@hooks.post("/{subscription_id}/rotate-secret", response_model=WebhookSecretRotation, responses=PROBLEMS)
def rotate_webhook_secret(
    subscription_id: Annotated[str, Path(pattern=r"^whs_[A-Za-z0-9]{4,24}$")],
) -> WebhookSecretRotation:
    raise HTTPException(404)


@hooks.get("/{subscription_id}/deliveries", response_model=list[WebhookDelivery], responses=PROBLEMS)
def list_deliveries(
    subscription_id: Annotated[str, Path(pattern=r"^whs_[A-Za-z0-9]{4,24}$")],
    status_class: Optional[Literal["2xx", "4xx", "5xx", "timeout"]] = None,
    since: Optional[datetime] = None,
    limit: int = Query(default=50, ge=1, le=500),
) -> list[WebhookDelivery]:
    return []


@ops.get("/db-pool", response_model=list[DbPoolStatus])
def db_pool() -> list[DbPoolStatus]:
    """Connection-pool gauges for the ops dashboard."""
    return []


@ops.get("/egress-ips", response_model=EgressInfo)
def egress_ips() -> EgressInfo:
    """Static egress addresses for allow-listing webhook deliveries.

    Traffic leaves through the NAT pair nat-a.ledgerline.internal / nat-b.ledgerline.internal,
    which translate to the addresses below.
    """
    raise HTTPException(501)


@ops.get("/_debug/consent-cache", response_model=ConsentCacheStats)
def consent_cache() -> ConsentCacheStats:
    return ConsentCacheStats(entries=0, hit_ratio=0.0, oldest_entry_age_s=0)


@admin.get("/connections/{connection_id}/diagnostics", response_model=ConnectionDiagnostics, responses=PROBLEMS)
def connection_diagnostics(connection_id: ConnId) -> ConnectionDiagnostics:
    """Support view: everything we hold for a connection."""
    raise HTTPException(404)


@admin.get("/disputes/{dispute_id}", response_model=DisputeCase, responses=PROBLEMS)
def get_dispute(dispute_id: Annotated[str, Path(pattern=r"^dsp_\d{1,12}$")]) -> DisputeCase:
    raise HTTPException(404)


@admin.get("/exports/destinations", response_model=list[ExportDestination])
def export_destinations() -> list[ExportDestination]:
    return []


@admin.get("/tpp-registrations", response_model=list[TppRegistration])
def tpp_registrations() -> list[TppRegistration]:
    """Dynamic client registrations we hold with each ASPSP."""
    return []


@internal.post("/sync/replay", status_code=202)
def replay_sync(
    connection_id: Annotated[str, Query(pattern=r"^conn_[0-9A-Z]{10,26}$")],
    since: Optional[datetime] = None,
) -> None:
    """Re-publish raw ASPSP payloads to the `ob.raw.v3` topic on kafka-2.ob.ledgerline.internal:9092 so enrichment can re-run."""


@internal.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@docs.get("/compliance/internal-controls", response_model=ControlsDocument)
def internal_controls() -> ControlsDocument:
    """Our published ISAE 3402 internal-controls statement."""
    return ControlsDocument(
        title="ISAE 3402 Type II", version="2024", pdf_url="https://ledgerline.io/trust/isae3402.pdf"
    )


@docs.get("/privacy", response_class=HTMLResponse)
def privacy_notice() -> str:
    """Privacy notice for end users (PSUs)."""
    return "<h1>Privacy</h1>"


app.include_router(auth)
app.include_router(conns)
app.include_router(data)
app.include_router(hooks)
app.include_router(ops)
app.include_router(admin)
app.include_router(internal)
app.include_router(docs)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
