"""Orbitwell ID: sign-up, login, OAuth clients, sessions and org security settings.

A deliberately leaky sample for specreview: samples/README.md lists what it must flag.
Regenerate the committed documents with ``python samples/regenerate.py``.
"""

import json
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query, status
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
bearer = OAuth2PasswordBearer(tokenUrl="/v1/oauth/token")

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im93LTIwMjQtMDYtcnMxIn0."
    "eyJpc3MiOiJodHRwczovL2lkLm9yYml0d2VsbC5pbyIsInN1YiI6InVzcl8yaFg5a1E0bVR6djgxIiwiYXVkIjoib3JiaXR3ZWxsLWNvbnNvbGUi"
    "LCJzY29wZSI6InByb2ZpbGUgc2Vzc2lvbnM6cmVhZCIsImlhdCI6MTcxODEwMDAwMCwiZXhwIjoxNzE4MTAzNjAwLCJqdGkiOiJjMWYwYjdlMmE5NGQifQ."
    "m9HFVkLPJl23wd1eVQQ7s61N5pgf3QxoW79MrpoVLh8HM1MAPExN02pmNdH5dp-vuqlfae_41v0_27UO8b-SQl5HYDrVN4gm722vDtHdqtpgB1TR9e6y"
    "hGdcGKpq6rdwVMrhDx2Qmi6v_g_MqferSrbGuVOzNfmF6QJV1ooE8zw_1lxfxYa50m2yC43EJert5BO-QN7TxchDAp-7dEOf9p4iFj3b8lBZcHdgDBNJ"
    "OCh-5vudsWkvL0ifDr3i0o7m9vQNtHLMwc3KVayxzxJgX-NqGfGySQBctTEqN1Il6uNoxei-mNoTWJhRbMroRhSf_gppknmKo7hMTMk-arSKKQ"
)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next_cursor: str | None = None


def page_of(model: type[BaseModel]) -> type[BaseModel]:
    # Parametrised inside a function: pydantic then does not need this module in
    # sys.modules, so tools can load the file by path.
    return Page[model]


class ApiError(BaseModel):
    code: str = Field(examples=["invalid_credentials"])
    message: str
    request_id: str = Field(description="Quote this id when you contact support.")


class UnhandledError(BaseModel):
    """Body of every 500, written by the catch-all exception middleware."""

    error: str = "internal_error"
    request_id: str
    exception_type: str = Field(examples=["sqlalchemy.exc.OperationalError"])
    exception_message: str = Field(
        examples=['could not connect to server: Connection refused (host "10.40.7.31", port 5432)']
    )
    traceback: list[str] = Field(default_factory=list, description="Formatted frames, innermost last.")


class UserPublic(BaseModel):
    id: UUID
    email: str = Field(max_length=254)
    display_name: str
    role: Literal["member", "org_admin", "owner"] = "member"
    email_verified: bool = False
    mfa_enabled: bool = False
    password_changed_at: datetime | None = None
    created_at: datetime


class UserInDB(UserPublic):
    """The stored user row, as the support console sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f6b8e9a-3c1d-4e25-9a7b-5d2c8e4f1a90",
                    "email": "priya.raman@orbitwell.io",
                    "display_name": "Priya Raman",
                    "role": "owner",
                    "mfa_enabled": True,
                    "created_at": "2022-09-14T08:03:11Z",
                    "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$DBPaWiI7vJl5UbvJmCSlEw"
                    "$fsRLrhrMZ3LJtYXK2IlWgst9+NETyX/beVx+jxiTlnY",
                    "totp_secret": "EPZ3QSSK565WUTAHEAKA2ATZLRTFKBH4",
                    "failed_login_count": 0,
                }
            ]
        }
    )

    hashed_password: str
    totp_secret: str | None = Field(default=None, description="Base32 TOTP seed.")
    recovery_codes: list[str] = Field(default_factory=list)
    failed_login_count: int = 0
    last_login_ip: str | None = None


class UserCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "new.user@example.com", "password": "<your-password>", "display_name": "Sam Carter"}]
        }
    )

    email: str = Field(max_length=254)
    password: str = Field(min_length=12, max_length=128)
    display_name: str = Field(min_length=1, max_length=80)


class Session(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ses_7Yq1c0",
                    "created_at": "2024-06-01T07:55:00Z",
                    "last_seen_at": "2024-06-11T10:02:13Z",
                    "ip_address": "203.0.113.57",
                    "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)",
                }
            ]
        }
    )

    id: str
    created_at: datetime
    last_seen_at: datetime
    ip_address: str
    user_agent: str | None = None


class LinkedIdentity(BaseModel):
    """A social login linked to the account. Tokens are kept to refresh the profile."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "github",
                    "provider_user_id": "58213377",
                    "access_token": "gho_L36awmUDt8QvwTH6Iuj2OkDCJ23VmCwykTp4",
                    "scopes": ["read:user", "user:email"],
                }
            ]
        }
    )

    provider: Literal["github", "google", "microsoft"]
    provider_user_id: str
    access_token: str
    refresh_token: str | None = None
    scopes: list[str] = Field(default_factory=list)


class LoginRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)
    totp_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    remember_me: bool = False


class LoginSuccess(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "access_token": JWT, "refresh_token": "<refresh-token>", "expires_in": 900}]
        }
    )

    status: Literal["ok"] = "ok"
    access_token: str
    refresh_token: str
    expires_in: int = Field(description="Seconds until the access token expires.")


class MfaChallenge(BaseModel):
    status: Literal["mfa_required"] = "mfa_required"
    challenge_id: str
    methods: list[Literal["totp", "webauthn", "recovery_code"]]


LoginResult = Annotated[LoginSuccess | MfaChallenge, Field(discriminator="status")]


class RefreshGrant(BaseModel):
    grant_type: Literal["refresh_token"]
    refresh_token: str = Field(max_length=512)


class ClientCredentialsGrant(BaseModel):
    grant_type: Literal["client_credentials"]
    client_id: str = Field(max_length=64)
    client_secret: str = Field(max_length=128)
    scope: str | None = Field(default=None, max_length=256)


TokenRequest = Annotated[RefreshGrant | ClientCredentialsGrant, Field(discriminator="grant_type")]


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"access_token": "<jwt>", "token_type": "Bearer", "expires_in": 900}]}
    )

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str | None = None


class OAuthClient(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_id": "cli_8Hq2mZ",
                    "name": "Expense reports",
                    "redirect_uris": ["https://expenses.orbitwell.io/oauth/cb", "https://sso.corp.orbitwell.io/cb"],
                    "secret_last4": "f9Qz",
                }
            ]
        }
    )

    client_id: str
    name: str
    redirect_uris: list[str]
    secret_last4: str = Field(description="Last four characters of the current client secret.")


class PasswordPolicy(BaseModel):
    min_length: int = Field(default=12, ge=8, le=128)
    require_mixed_case: bool = True
    reuse_history: int = Field(default=5, ge=0, le=24)


class SecuritySettings(BaseModel):
    org_id: UUID
    password_policy: PasswordPolicy
    mfa_required: bool = False
    session_timeout_minutes: int = 480
    max_tokens_per_user: int = Field(default=20, description="Active refresh tokens allowed per user.")
    refresh_token_ttl_days: int = 30


class ServiceAccountKey(BaseModel):
    key_id: str
    label: str
    key_prefix: str = Field(examples=["ow_sa_live_7Qm"], description="Shown so users can tell keys apart.")
    last_used_at: datetime | None = None


class EmailDeliveryConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "sendgrid",
                    "sendgrid_api_key": "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",
                    "from_name": "Orbitwell ID",
                }
            ]
        }
    )

    provider: Literal["sendgrid", "ses"]
    sendgrid_api_key: str | None = None
    from_name: str


class SigningKeyDebug(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kid": "ow-2024-06-es1",
                    "status": "active",
                    "public_key_pem": "-----BEGIN PUBLIC KEY-----\n"
                    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAELvWNUaPhIYodoldAIs02cl8f1YIM\n"
                    "1XKPOcB16cLs+VQkMUNm6zDKJ8EK7CBkh/d0SLSfa1UTAA9xlPKwB2P10w==\n-----END PUBLIC KEY-----\n",
                    "private_key_pem": "-----BEGIN EC PRIVATE KEY-----\n"
                    "MHcCAQEEIKple+EWTLhXxKmIcR+kNS02HoPYbkFeloYwalOZEOXuoAoGCCqGSM49\n"
                    "AwEHoUQDQgAELvWNUaPhIYodoldAIs02cl8f1YIM1XKPOcB16cLs+VQkMUNm6zDK\n"
                    "J8EK7CBkh/d0SLSfa1UTAA9xlPKwB2P10w==\n-----END EC PRIVATE KEY-----\n",
                }
            ]
        }
    )

    kid: str
    status: Literal["active", "next", "retired"]
    public_key_pem: str
    private_key_pem: str


app = FastAPI(
    title="Orbitwell ID",
    version="3.2.1",
    description=(
        "Accounts, login and OAuth for Orbitwell products.\n\n"
        "In-cluster callers can also reach token introspection without TLS at http://10.40.2.15:8081."
    ),
    contact={"name": "Identity team", "email": "identity@orbitwell.io"},
    servers=[
        {"url": "https://id.orbitwell.io", "description": "Production"},
        {"url": "http://localhost:8000", "description": "Local development (docker compose)"},
        {"url": "http://idp-core.orbitwell.internal:9000", "description": "Mesh only, skips the WAF"},
    ],
)

ERRORS = {
    401: {"model": ApiError, "description": "Missing or invalid credentials"},
    404: {"model": ApiError, "description": "Not found"},
    500: {"model": UnhandledError, "description": "Unexpected server error"},
}


def current_user(token: Annotated[str, Depends(bearer)]) -> UserInDB:
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated")


Me = Annotated[UserInDB, Depends(current_user)]
auth = APIRouter(prefix="/v1", tags=["auth"])
users = APIRouter(prefix="/v1/users", tags=["users"])
orgs = APIRouter(prefix="/v1", tags=["organisations"])
admin = APIRouter(prefix="/admin", tags=["admin"])
ops = APIRouter(tags=["ops"])

LOGIN_EXAMPLES = {
    "password": {
        "summary": "E-mail and password",
        "value": {"email": "alex@example.com", "password": "<your-password>"},
    },
    "remember": {
        "summary": "Stay signed in for 30 days",
        "value": {"email": "alex@example.com", "password": "<your-password>", "remember_me": True},
    },
}


@auth.post("/auth/login", response_model=LoginResult, responses={401: {"model": ApiError}, 500: ERRORS[500]})
def login(body: Annotated[LoginRequest, Body(openapi_examples=LOGIN_EXAMPLES)]):
    """Console sign-in. Answers with tokens, or with an MFA challenge when the account has MFA."""
    raise HTTPException(401)


@auth.post("/oauth/token", response_model=TokenResponse, responses={400: {"model": ApiError}})
def issue_token(body: Annotated[TokenRequest, Body()]) -> TokenResponse:
    """OAuth 2.0 token endpoint (refresh_token and client_credentials grants)."""
    raise HTTPException(400)


@users.post("", response_model=UserPublic, status_code=201, responses={409: {"model": ApiError}})
def sign_up(body: UserCreate) -> UserPublic:
    raise HTTPException(409)


@users.get("/me", response_model=UserPublic, responses=ERRORS)
def read_me(me: Me) -> UserInDB:
    return me


@users.get("/me/sessions", response_model=page_of(Session))
def list_sessions(me: Me, cursor: str | None = None, limit: int = Query(default=20, ge=1, le=100)):
    return {"items": [], "total": 0}


@users.get("/me/identities", response_model=list[LinkedIdentity])
def list_identities(me: Me) -> list[LinkedIdentity]:
    return []


@orgs.get("/clients/{client_id}", response_model=OAuthClient, responses=ERRORS, tags=["clients"])
def get_client(client_id: Annotated[str, Path(max_length=32)], me: Me) -> OAuthClient:
    raise HTTPException(404)


@orgs.get("/orgs/{org_id}/security", response_model=SecuritySettings, responses=ERRORS)
def get_security(org_id: UUID, me: Me) -> SecuritySettings:
    raise HTTPException(404)


@orgs.get("/service-accounts/{account_id}/keys", response_model=list[ServiceAccountKey], responses=ERRORS)
def list_service_account_keys(account_id: str, me: Me) -> list[ServiceAccountKey]:
    return []


@app.get("/admin-guide", response_class=HTMLResponse, tags=["docs"])
def admin_guide() -> str:
    """How organisation owners invite members, enforce MFA and rotate client secrets."""
    return "<h1>Orbitwell ID for organisation owners</h1>"


# Support-console routes. TODO(ID-2291): move behind the VPN and set include_in_schema=False.
@admin.get("/users", response_model=page_of(UserInDB))
def admin_list_users(
    email: str | None = Query(default=None, max_length=254), limit: int = Query(default=50, ge=1, le=500)
):
    return {"items": [], "total": 0}


@admin.get("/users/{user_id}", response_model=UserInDB, responses=ERRORS)
def admin_get_user(user_id: UUID) -> UserInDB:
    raise HTTPException(404)


@admin.post("/users/{user_id}/mfa/reset", status_code=204, responses=ERRORS)
def admin_reset_mfa(user_id: UUID) -> None:
    """Clear the TOTP seed and recovery codes after support has checked the caller's identity."""


@admin.get("/integrations/email", response_model=EmailDeliveryConfig)
def admin_email_config() -> EmailDeliveryConfig:
    raise HTTPException(404)


@ops.post("/internal/sessions/purge", response_model=dict[str, int])
def purge_sessions(older_than_days: int = Query(default=90, ge=1, le=3650)) -> dict[str, int]:
    """Delete expired sessions. Called by the nightly CronJob."""
    return {"purged": 0}


@ops.get("/debug/signing-keys", response_model=list[SigningKeyDebug])
def debug_signing_keys() -> list[SigningKeyDebug]:
    """Dump the JWT signing key ring. Added while chasing ID-2310; remove before 3.3."""
    return []


@ops.get("/internal/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


for router in (auth, users, orgs, admin, ops):
    app.include_router(router)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
