"""Tollgate: API gateway control plane and developer portal.

Tenants, consumer apps and their keys, upstream services, route plugins,
rate plans and the operator console.

Generate the OpenAPI document with:  python tollgate_app.py > tollgate.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import APIKeyHeader, OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

portal_key = APIKeyHeader(
    name="X-Tollgate-Key",
    scheme_name="TollgateKey",
    description="Portal key of the calling developer (`tgk_live_…` / `tgk_test_…`).",
)
operator_sso = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://sso.tollgate.corp/oauth2/authorize",
    tokenUrl="https://sso.tollgate.corp/oauth2/token",
    scheme_name="OperatorSSO",
)

TENANT_ID = Annotated[str, Path(pattern=r"^tnt_[0-9A-Z]{6,26}$")]
APP_ID = Annotated[str, Path(pattern=r"^app_[0-9A-Za-z]{6,24}$")]
ROUTE_ID = Annotated[str, Path(pattern=r"^rt_[0-9a-z]{4,24}$")]


# --------------------------------------------------------------------------- shared


class Page(BaseModel, Generic[T]):
    data: list[T]
    nextCursor: Optional[str] = None
    totalCount: int


class GatewayError(BaseModel):
    """Error body for 4xx responses."""

    error_code: str = Field(examples=["route_not_found"])
    message: str
    trace_id: str = Field(examples=["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])
    retry_after: Optional[int] = Field(default=None, description="Seconds until the bucket refills (429 only).")


class DebugContext(BaseModel):
    sourceFile: str = Field(examples=["tollgate/plugins/jwt_verify.py"])
    lineNumber: int
    failingQuery: Optional[str] = Field(default=None, description="Control-plane SQL that failed, if any.")


class GatewayFault(BaseModel):
    """Error body for 5xx responses from the control plane."""

    error_code: str
    message: str
    trace_id: str
    exceptionClass: str = Field(examples=["sqlalchemy.exc.OperationalError"])
    stackTrace: list[str] = Field(default_factory=list)
    debugContext: Optional[DebugContext] = None


ERR_4XX = {
    401: {"model": GatewayError, "description": "Missing or invalid key"},
    404: {"model": GatewayError, "description": "Not found"},
    429: {"model": GatewayError, "description": "Rate limited"},
}
ERR_5XX = {
    500: {"model": GatewayFault, "description": "Control plane failure"},
    502: {"model": GatewayFault, "description": "Upstream failure"},
}


# --------------------------------------------------------------------------- tenants


class TenantPlan(str, Enum):
    free = "free"
    growth = "growth"
    enterprise = "enterprise"


class TenantCreate(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9-]{3,40}$")
    displayName: str = Field(max_length=80)
    plan: TenantPlan = TenantPlan.free
    ownerEmail: str = Field(max_length=254)
    notes: Optional[str] = Field(default=None, description="Free-form notes from the sales team.")


class TenantDataPlane(BaseModel):
    region: str
    clusterName: str
    rateLimitRedisUri: str = Field(
        description="Connection URI (including AUTH password) of the tenant's counter store."
    )
    analyticsDsn: str = Field(description="Where request logs for this tenant are written.")


class TenantSso(BaseModel):
    issuer: str
    clientId: str
    clientSecret: str
    tokenEndpointAuthMethod: Literal["client_secret_basic", "client_secret_post", "private_key_jwt"] = (
        "client_secret_basic"
    )
    jwksUri: str


class Tenant(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "tnt_01HXAZ4K7M",
                    "slug": "northwind-logistics",
                    "displayName": "Northwind Logistics",
                    "plan": "enterprise",
                    "createdAt": "2023-11-04T08:00:00Z",
                    "keyCount": 14,
                    "dataPlane": {
                        "region": "eu-west-1",
                        "clusterName": "dp-euw1-b",
                        "rateLimitRedisUri": "redis://:Rl-9vK2qTz7pWm4x@ratelimit-redis.tg-prod.svc.cluster.local:6379/2",
                        "analyticsDsn": "postgresql://tg_usage_rw:Uq8xT3mZ9vR2@10.40.12.7:5432/usage_events",
                    },
                    "sso": {
                        "issuer": "https://idp.example.com/",
                        "clientId": "0oa8f2k3lmNWQ7x9d5d7",
                        "clientSecret": "Gq7~Hf2pXv9.Lm3sRk8_Tz4wNb6YcJd1",
                        "tokenEndpointAuthMethod": "client_secret_basic",
                        "jwksUri": "https://idp.example.com/oauth2/v1/keys",
                    },
                }
            ]
        }
    )

    id: str
    slug: str
    displayName: str
    plan: TenantPlan
    createdAt: datetime
    keyCount: int = Field(default=0, description="Active consumer keys across all apps.")
    dataPlane: TenantDataPlane
    sso: Optional[TenantSso] = None


class TenantSummary(BaseModel):
    id: str
    slug: str
    displayName: str
    plan: TenantPlan
    keyCount: int


class TenantAdmin(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "ops-lead@example.com",
                    "displayName": "Priya Raman",
                    "role": "owner",
                    "invitedAt": "2024-01-09T10:00:00Z",
                }
            ]
        }
    )

    email: str
    displayName: str
    role: Literal["owner", "admin", "viewer"]
    invitedAt: datetime


class EventSink(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sinkId": "snk_2Qm8",
                    "kind": "webhook",
                    "url": "https://hooks.example.net/tollgate",
                    "hmacKeyId": "hk_2024_03",
                    "signingKey": "tgwh_sec_7Rk2Vx9Qm4Lz8Tn3Hp6Wb1Yc5Df0Gs",
                    "events": ["key.revoked", "quota.exceeded"],
                }
            ]
        }
    )

    sinkId: str
    kind: Literal["webhook", "kafka"]
    url: str
    hmacKeyId: str = Field(description="Identifier of the HMAC key, sent in `Tollgate-Signature-Key`.")
    signingKey: str = Field(description="HMAC-SHA256 key used to sign deliveries.")
    events: list[str]


# --------------------------------------------------------------------------- apps and keys


class ConsumerAppCreate(BaseModel):
    name: str = Field(max_length=64)
    redirectUris: list[str] = Field(default_factory=list)
    grantTypes: list[Literal["client_credentials", "authorization_code"]] = Field(max_length=2)


class ConsumerAppCreated(BaseModel):
    """Returned by POST /v2/apps only. The client secret is shown once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "appId": "app_7Hk2Qm9x",
                    "clientId": "tgc_5d0b1f3a9e",
                    "clientSecret": "<client-secret-shown-once>",
                    "issuedAt": "2024-06-01T12:00:00Z",
                }
            ]
        }
    )

    appId: str
    clientId: str
    clientSecret: str
    issuedAt: datetime


class AppCredential(BaseModel):
    credentialId: str
    kind: Literal["hmac", "jwt-rs256"]
    hmacSecret: Optional[str] = Field(default=None, description="Shared secret for `hmac` credentials.")
    rsaPublicKey: Optional[str] = Field(default=None, description="PEM public key for `jwt-rs256` credentials.")
    createdAt: datetime


class ConsumerApp(BaseModel):
    appId: str
    name: str
    clientId: str
    redirectUris: list[str]
    credentials: list[AppCredential]


class KeyCreate(BaseModel):
    label: str = Field(max_length=48)
    environment: Literal["live", "test"] = "live"
    ratePlanId: Optional[str] = Field(default=None, pattern=r"^rp_[a-z0-9]{3,20}$")


class IssuedKey(BaseModel):
    """Returned by POST /v2/apps/{appId}/keys only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "key_01HY2B7",
                    "apiKey": "<api-key>",
                    "keyPrefix": "tgk_live_4Rf8",
                    "expiresAt": None,
                }
            ]
        }
    )

    keyId: str
    apiKey: str = Field(description="Full key. Tollgate stores only a hash; copy it now.")
    keyPrefix: str
    expiresAt: Optional[datetime] = None


class KeyListing(BaseModel):
    keyId: str
    label: str
    keyPrefix: str = Field(examples=["tgk_live_4Rf8"])
    last4: str = Field(examples=["Q2xd"])
    sha256Fingerprint: str = Field(examples=["SHA256:9b7f1c2e4d6a8b0c1e3f5a7b9d1c3e5f7a9b1d3c5e7f9a1b3d5c7e9f1a3b5d7c"])
    status: Literal["active", "revoked", "expired"]
    lastUsedAt: Optional[datetime] = None


class QuotaWindow(BaseModel):
    """Token-bucket state for one key."""

    keyId: str
    bucketCapacity: int
    tokensRemaining: int
    refillTokensPerSec: float
    resetAt: datetime


class PrivateLinkConfig(BaseModel):
    vpcEndpointServiceName: str = Field(examples=["com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f67890"])
    allowedPrincipals: list[str] = Field(examples=[["arn:aws:iam::123456789012:root"]])
    enabled: bool = False


class ClientCredentialsGrant(BaseModel):
    grant_type: Literal["client_credentials"] = "client_credentials"
    client_id: str = Field(pattern=r"^tgc_[0-9a-f]{10}$")
    client_secret: str = Field(max_length=128)
    scope: Optional[str] = Field(default=None, max_length=512)


class AccessTokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"access_token": "<jwt>", "token_type": "Bearer", "expires_in": 900, "scope": "orders:read"}]
        }
    )

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    scope: Optional[str] = None


# --------------------------------------------------------------------------- upstreams


class UpstreamTarget(BaseModel):
    host: str
    port: int = Field(ge=1, le=65535)
    weight: int = Field(default=100, ge=0, le=1000)


class BasicUpstreamAuth(BaseModel):
    type: Literal["basic"] = "basic"
    username: str
    passwd: str


class BearerUpstreamAuth(BaseModel):
    type: Literal["bearer"] = "bearer"
    tokenHeader: str = Field(default="Authorization", description="Header the gateway puts the token in.")
    bearerToken: str = Field(description="Static token forwarded to the upstream.")


class MtlsUpstreamAuth(BaseModel):
    type: Literal["mtls"] = "mtls"
    clientCertPem: str = Field(
        examples=[
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIUQm9yZGVyLWNhLTIwMjQtMDYwDQYJKoZIhvcNAQELBQAw\nSzELMAkGA1UEBhMCREUxETAPBgNVBAoMCFRvbGxnYXRlMSkwJwYDVQQDDCBUb2xs\n-----END CERTIFICATE-----"
        ]
    )
    clientKeyPem: str
    caBundleSha256: str = Field(examples=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])


class AwsSigV4UpstreamAuth(BaseModel):
    type: Literal["sigv4"] = "sigv4"
    region: str
    service: str = "execute-api"
    accessKeyId: str
    secretAccessKey: str


UpstreamAuth = Annotated[
    Union[BasicUpstreamAuth, BearerUpstreamAuth, MtlsUpstreamAuth, AwsSigV4UpstreamAuth],
    Field(discriminator="type"),
]


class UpstreamService(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ups_billing_v2",
                    "name": "billing-v2",
                    "protocol": "https",
                    "targets": [
                        {"host": "billing-v2.payments.svc.cluster.local", "port": 8443, "weight": 100},
                        {"host": "10.12.4.31", "port": 8443, "weight": 10},
                    ],
                    "auth": {
                        "type": "sigv4",
                        "region": "eu-west-1",
                        "service": "execute-api",
                        "accessKeyId": "AKIA5WQH3ZT7LNQJ2XRM",
                        "secretAccessKey": "h4Tq9Xv2Lm8Rk3Wz7Bn1Yc6Pd0Fs5Gj2Ka9Ue4Q",
                    },
                    "retries": 2,
                }
            ]
        }
    )

    id: str
    name: str
    protocol: Literal["http", "https", "grpc", "grpcs"]
    targets: list[UpstreamTarget]
    auth: Optional[UpstreamAuth] = None
    retries: int = 2


class UpstreamServiceCreate(BaseModel):
    name: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    protocol: Literal["http", "https", "grpc", "grpcs"] = "https"
    targets: list[UpstreamTarget] = Field(max_length=32)
    basicUser: Optional[str] = Field(default=None, max_length=128)
    basicPassword: Optional[str] = Field(default=None, max_length=256, description="Stored encrypted; never returned.")
    retries: int = Field(default=2, ge=0, le=5)


# --------------------------------------------------------------------------- routes and plugins


class PluginConfig(BaseModel):
    enabled: bool = True
    order: int = 0
    exceptionHandling: Literal["fail-open", "fail-closed"] = Field(
        default="fail-closed", description="What the gateway does when the plugin itself errors."
    )
    debugHeaders: bool = Field(default=False, description="Add `X-Tollgate-Plugin-*` timing headers to responses.")
    sharedSecret: Optional[str] = Field(default=None, description="HS256 secret for `jwt-verify`.")
    collectorEndpoint: str = Field(default="http://otel-collector.observability.svc:4317")


class RoutePolicy(BaseModel):
    routeId: str
    pluginStack: list[str] = Field(
        description="Plugins in execution order.", examples=[["cors", "jwt-verify", "rate-limiting"]]
    )
    plugins: dict[str, PluginConfig]
    headersToAdd: dict[str, str] = Field(default_factory=dict)


class RoutePolicyUpdate(BaseModel):
    pluginStack: list[Literal["cors", "jwt-verify", "rate-limiting", "request-transformer", "debug-headers"]] = Field(
        max_length=16
    )
    plugins: dict[str, PluginConfig] = Field(default_factory=dict)
    headersToAdd: dict[str, str] = Field(default_factory=dict)


class PluginDescriptor(BaseModel):
    name: str
    version: str
    configSchemaUrl: str = Field(examples=["https://docs.tollgate.io/plugins/debug-headers/schema.json"])
    summary: str


class TraceHop(BaseModel):
    plugin: str
    decision: Literal["continue", "short-circuit", "error"]
    durationUs: int


class RouteTrace(BaseModel):
    routeId: str
    hops: list[TraceHop]


# --------------------------------------------------------------------------- plans, billing


class RatePlan(BaseModel):
    id: str
    name: str
    monthlyPriceCents: int
    requestsPerMonth: int
    burstTokens: int = Field(description="Size of the token bucket.")
    tokenRefillPerSec: float


class CardSetupRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "4242424242424242",
                    "expMonth": 11,
                    "expYear": 2029,
                    "cvc": "314",
                    "holder": "Dana Whitfield",
                }
            ]
        }
    )

    number: str = Field(pattern=r"^\d{13,19}$")
    expMonth: int = Field(ge=1, le=12)
    expYear: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    holder: str = Field(max_length=120)


class PaymentMethodSummary(BaseModel):
    brand: Literal["visa", "mastercard", "amex"]
    last4: str = Field(examples=["4242"])
    expMonth: int
    expYear: int


# --------------------------------------------------------------------------- operator console


class ConsoleLogin(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"username": "root", "password": "<operator-password>"}]})

    username: str = Field(max_length=64)
    password: str = Field(max_length=128)


class ConsoleSession(BaseModel):
    session_token: str
    expires_at: datetime


class ConsoleOverview(BaseModel):
    tenants: int
    requests_per_sec: float
    p99_latency_ms: float
    error_rate_pct: float


class OperatorAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "operator_id": 3,
                    "email": "d.kowalczyk@tollgate.io",
                    "role": "superuser",
                    "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$Zm9vYmFyc2FsdDEyMw$3J8kQ2rX9mLpV7tW1yZ4cB6dE0gH5jN2sU9vA4xF7kM",
                    "mfa_seed": "N4ZT6QYV2XKJ7LBM3HWC5RPA",
                    "mfa_enforced": True,
                    "last_password_change": "2024-02-20T16:41:00Z",
                }
            ]
        }
    )

    operator_id: int
    email: str
    role: Literal["superuser", "support", "billing"]
    password_hash: str
    mfa_seed: Optional[str] = None
    recovery_codes: list[str] = Field(default_factory=list)
    mfa_enforced: bool = True
    last_password_change: Optional[datetime] = None


class StoredCard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tenant_id": "tnt_01HXAZ4K7M",
                    "holder": "Northwind Logistics GmbH",
                    "pan": "4716291038456622",
                    "cvv": "731",
                    "exp": "08/27",
                }
            ]
        }
    )

    tenant_id: str
    holder: str
    pan: str
    cvv: str
    exp: str


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Tollgate Control Plane & Developer Portal",
    version="3.7.1",
    description=(
        "Manage tenants, consumer apps, keys, upstreams and route plugins. Status page: https://status.tollgate.io."
    ),
    contact={"name": "Tollgate platform team", "email": "platform@tollgate.io"},
    servers=[
        {"url": "https://api.tollgate.io", "description": "Production"},
        {"url": "https://sandbox.tollgate.io", "description": "Sandbox (test keys only)"},
        {"url": "http://localhost:8001", "description": "docker compose"},
        {
            "url": "http://internal-tg-ctrl-1834261507.eu-west-1.elb.amazonaws.com",
            "description": "Control plane ALB (VPN)",
        },
    ],
    openapi_tags=[
        {"name": "tenants", "description": "Tenants and their data planes."},
        {"name": "apps", "description": "Consumer apps, credentials and keys."},
        {
            "name": "upstreams",
            "description": "Upstream services. Active health checks run from hc-runner.service.tg.consul.",
        },
        {"name": "routes", "description": "Route policies and plugins."},
        {"name": "billing", "description": "Rate plans and payment methods."},
        {"name": "console", "description": "Operator console."},
    ],
)

tenants = APIRouter(prefix="/v2/tenants", tags=["tenants"], dependencies=[Depends(portal_key)])
apps = APIRouter(prefix="/v2/apps", tags=["apps"], dependencies=[Depends(portal_key)])
upstreams = APIRouter(prefix="/v2/upstreams", tags=["upstreams"], dependencies=[Depends(portal_key)])
routes = APIRouter(prefix="/v2", tags=["routes"], dependencies=[Depends(portal_key)])
billing = APIRouter(prefix="/v2", tags=["billing"], dependencies=[Depends(portal_key)])
console = APIRouter(prefix="/console", tags=["console"])


@tenants.get("", response_model=Page[TenantSummary], responses=ERR_4XX)
def list_tenants(
    q: Optional[str] = Query(default=None, description="Matches slug or display name"),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[TenantSummary]:
    return Page[TenantSummary](data=[], totalCount=0)


@tenants.post("", response_model=Tenant, status_code=201, responses={**ERR_4XX, **ERR_5XX})
def create_tenant(body: TenantCreate) -> Tenant:
    raise HTTPException(501)


@tenants.get("/{tenantId}", response_model=Tenant, responses={**ERR_4XX, **ERR_5XX})
def get_tenant(tenantId: TENANT_ID) -> Tenant:
    raise HTTPException(404)


@tenants.get("/{tenantId}/admins", response_model=list[TenantAdmin], responses=ERR_4XX)
def list_tenant_admins(tenantId: TENANT_ID) -> list[TenantAdmin]:
    """People who can manage this tenant in the portal."""
    return []


@tenants.get("/{tenantId}/event-sinks", response_model=list[EventSink], responses=ERR_4XX)
def list_event_sinks(tenantId: TENANT_ID) -> list[EventSink]:
    return []


@apps.post("", response_model=ConsumerAppCreated, status_code=201, responses=ERR_4XX)
def create_app(body: ConsumerAppCreate) -> ConsumerAppCreated:
    raise HTTPException(501)


@apps.get("/{appId}", response_model=ConsumerApp, responses=ERR_4XX)
def get_app(appId: APP_ID) -> ConsumerApp:
    raise HTTPException(404)


@apps.post("/{appId}/keys", response_model=IssuedKey, status_code=201, responses=ERR_4XX)
def issue_key(appId: APP_ID, body: KeyCreate) -> IssuedKey:
    """Issue a consumer key. The full key is only in this response."""
    raise HTTPException(501)


@apps.get("/{appId}/keys", response_model=list[KeyListing], responses=ERR_4XX)
def list_keys(appId: APP_ID) -> list[KeyListing]:
    return []


@apps.get("/{appId}/keys/{keyId}/quota", response_model=QuotaWindow, responses=ERR_4XX)
def key_quota(appId: APP_ID, keyId: Annotated[str, Path(pattern=r"^key_[0-9A-Z]{4,26}$")]) -> QuotaWindow:
    raise HTTPException(404)


@apps.get("/{appId}/private-networking", response_model=PrivateLinkConfig, responses=ERR_4XX)
def private_networking(appId: APP_ID) -> PrivateLinkConfig:
    """AWS PrivateLink settings for consumers that call the gateway from their own VPC."""
    raise HTTPException(404)


@app.post("/oauth/token", response_model=AccessTokenResponse, tags=["apps"], responses={401: {"model": GatewayError}})
def oauth_token(body: ClientCredentialsGrant) -> AccessTokenResponse:
    """Client-credentials grant for consumer apps."""
    raise HTTPException(401)


@app.get("/v2/echo", tags=["apps"], response_model=dict[str, str])
def echo(
    x_consumer_key: Annotated[
        str,
        Header(
            alias="X-Consumer-Key",
            max_length=64,
            description="Consumer key to test.",
            openapi_examples={
                "placeholder": {"summary": "Your key", "value": "<your-consumer-key>"},
                "live": {
                    "summary": "Key from the quick-start video",
                    "value": "tgk_live_9Qw3Zr7Hx2Lk5Vn8Tb4Pm6Yc1Ds0Fj",
                },
            },
        ),
    ],
) -> dict[str, str]:
    """Echo back the headers the gateway would forward upstream."""
    return {}


@upstreams.get("", response_model=Page[UpstreamService], responses=ERR_4XX)
def list_upstreams(cursor: Annotated[Optional[str], Query(max_length=64)] = None) -> Page[UpstreamService]:
    return Page[UpstreamService](data=[], totalCount=0)


@upstreams.post("", response_model=UpstreamService, status_code=201, responses={**ERR_4XX, **ERR_5XX})
def create_upstream(body: UpstreamServiceCreate) -> UpstreamService:
    raise HTTPException(501)


@routes.get("/routes/{routeId}/policy", response_model=RoutePolicy, responses=ERR_4XX)
def get_policy(routeId: ROUTE_ID) -> RoutePolicy:
    raise HTTPException(404)


@routes.put("/routes/{routeId}/policy", response_model=RoutePolicy, responses={**ERR_4XX, **ERR_5XX})
def put_policy(routeId: ROUTE_ID, body: RoutePolicyUpdate) -> RoutePolicy:
    raise HTTPException(404)


@routes.get("/plugins", response_model=list[PluginDescriptor])
def list_plugins() -> list[PluginDescriptor]:
    return []


@routes.get("/plugins/debug-headers", response_model=PluginDescriptor)
def debug_headers_plugin() -> PluginDescriptor:
    """Descriptor of the `debug-headers` plugin, which adds per-plugin timing headers."""
    raise HTTPException(404)


@routes.get("/debug/route-trace/{routeId}", response_model=RouteTrace)
def route_trace(
    routeId: ROUTE_ID,
    sampleToken: Annotated[
        str,
        Query(
            max_length=4096,
            description="Bearer token to replay through the plugin chain.",
            openapi_examples={
                "captured": {
                    "value": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InRnLTIwMjQtMDUifQ.eyJzdWIiOiJhcHBfN0hrMlFtIiwidGlkIjoidG50XzAxSFhBWjQiLCJzY29wZSI6Im9yZGVyczpyZWFkIiwiaWF0IjoxNzE3NDAwMDAwLCJleHAiOjE3MTc0MDM2MDB9.gCZ2nhSGfEZUzepINwTUCLocbSisKN3i6R2utOPQ-FI"
                }
            },
        ),
    ],
) -> RouteTrace:
    """Dry-run a request through the route's plugin chain (TG-5120)."""
    raise HTTPException(404)


@routes.get("/_internal/config-snapshot", response_model=dict[str, str])
def config_snapshot() -> dict[str, str]:
    """Merged runtime config as read from etcd-0.etcd.tollgate.svc:2379."""
    return {}


@billing.get("/rate-plans", response_model=list[RatePlan])
def rate_plans() -> list[RatePlan]:
    return []


@billing.get("/billing/payment-method", response_model=PaymentMethodSummary, responses=ERR_4XX)
def get_payment_method() -> PaymentMethodSummary:
    raise HTTPException(404)


@billing.put("/billing/payment-method", response_model=PaymentMethodSummary, responses=ERR_4XX)
def put_payment_method(body: CardSetupRequest) -> PaymentMethodSummary:
    raise HTTPException(501)


@console.post("/login", response_model=ConsoleSession, responses={401: {"model": GatewayError}})
def console_login(body: ConsoleLogin) -> ConsoleSession:
    """Sign in to the operator console.

    Fresh installs ship with the operator account `root` / `Tollgate!2023`; change it on first login.
    """
    raise HTTPException(401)


@console.get("/overview", response_model=ConsoleOverview, dependencies=[Depends(operator_sso)])
def console_overview() -> ConsoleOverview:
    """Fleet-wide traffic summary shown on the console landing page."""
    raise HTTPException(501)


@console.get("/_admin/operators", response_model=list[OperatorAccount], dependencies=[Depends(operator_sso)])
def list_operators() -> list[OperatorAccount]:
    return []


@console.get(
    "/_admin/billing/{tenantId}/card",
    response_model=StoredCard,
    dependencies=[Depends(operator_sso)],
    responses={**ERR_4XX, **ERR_5XX},
)
def stored_card(tenantId: TENANT_ID) -> StoredCard:
    """Card on file, for manual charge-backs."""
    raise HTTPException(404)


@console.get("/_internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(tenants)
app.include_router(apps)
app.include_router(upstreams)
app.include_router(routes)
app.include_router(billing)
app.include_router(console)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
