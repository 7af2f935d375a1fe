"""Heartline: dating app backend: profiles, discovery, matches, chat, safety/moderation and admin tools.

Generate the OpenAPI document with:  python heartline_app.py > heartline.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

bearer = HTTPBearer()

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None


# --------------------------------------------------------------------------- profiles


class Gender(str, Enum):
    woman = "woman"
    man = "man"
    nonbinary = "nonbinary"


class LookingFor(str, Enum):
    long_term = "long_term"
    short_term = "short_term"
    friends = "friends"
    not_sure = "not_sure"


class PhotoOut(BaseModel):
    id: UUID
    cdn_url: str = Field(examples=["https://cdn.heartline.app/p/7f3a9c/1080.jpg"])
    position: int
    is_primary: bool = False
    blurhash: str = Field(
        examples=["LKO2?U%2Tw=w]~RBVZRi};RPxuwH"],
        description="Compact placeholder rendered while the photo loads.",
    )


class PhotoUploadTicket(BaseModel):
    """Returned by POST /v1/me/photos/uploads: PUT the JPEG to `upload_url` within 15 minutes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "photo_id": "0f8e2a51-7b0c-4c7e-9d0a-4e1b2c3d4e5f",
                    "upload_url": (
                        "https://storage.googleapis.com/heartline-uploads/raw/0f8e2a51.jpg"
                        "?X-Goog-Algorithm=GOOG4-RSA-SHA256"
                        "&X-Goog-Credential=uploader%40heartline-prod.iam.gserviceaccount.com%2F20240611%2Fauto%2Fstorage%2Fgoog4_request"
                        "&X-Goog-Date=20240611T101500Z&X-Goog-Expires=900&X-Goog-SignedHeaders=content-type%3Bhost"
                        "&X-Goog-Signature=7c1e9a44b0d25f3e8a6b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"
                    ),
                    "expires_at": "2024-06-11T10:30:00Z",
                }
            ]
        }
    )

    photo_id: UUID
    upload_url: str
    expires_at: datetime


class PromptAnswer(BaseModel):
    question: str
    answer: str


class PublicProfile(BaseModel):
    id: UUID
    display_name: str
    age: int
    bio: Optional[str] = None
    photos: list[PhotoOut]
    distance_km: Optional[float] = None
    verified: bool = Field(default=False, description="Passed selfie and ID verification.")
    prompts: list[PromptAnswer] = []


class ConnectedAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "spotify",
                    "username": "alexm_music",
                    "access_token": "BQDx7fK2mP9qR4tV7wX1zA3cE6gJ0nL5sU8yB2dF4hK6mN9pQ1rT3vW5xZ7aC9eG1iK3mO5",
                    "token_expires_at": "2024-06-11T11:00:00Z",
                    "scopes": ["user-top-read"],
                }
            ]
        }
    )

    provider: Literal["instagram", "spotify"]
    username: str
    access_token: str = Field(description="Provider token used to refresh the photo strip / top artists.")
    token_expires_at: Optional[datetime] = None
    scopes: list[str] = []


class MyProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3c9f1a2e-5b7d-4e8f-a0b1-c2d3e4f5a6b7",
                    "email": "priya.raman@gmail.com",
                    "phone": "+44 7911 123456",
                    "display_name": "Priya",
                    "birthdate": "1993-04-18",
                    "gender": "woman",
                    "looking_for": "long_term",
                    "photos": [],
                    "two_factor_enabled": True,
                    "incognito": False,
                }
            ]
        }
    )

    id: UUID
    email: str
    phone: Optional[str] = None
    display_name: str
    birthdate: date
    gender: Gender
    looking_for: LookingFor
    bio: Optional[str] = None
    photos: list[PhotoOut]
    connected_accounts: list[ConnectedAccount] = []
    two_factor_enabled: bool = False
    password_updated_at: Optional[datetime] = Field(default=None, description="Last password change.")
    incognito: bool = Field(default=False, description="Only people you like can see you.")


class SignupRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "alex.morgan@example.com",
                    "password": "<choose-a-password>",
                    "display_name": "Alex",
                    "birthdate": "1994-07-02",
                    "gender": "nonbinary",
                }
            ]
        }
    )

    email: str = Field(max_length=254)
    password: str = Field(min_length=10, max_length=128)
    display_name: str = Field(max_length=40)
    birthdate: date
    gender: Gender
    referral_code: Optional[str] = None


class ProfileUpdate(BaseModel):
    display_name: Optional[str] = Field(default=None, max_length=40)
    bio: Optional[str] = None
    looking_for: Optional[LookingFor] = None
    interests: Optional[list[str]] = None
    incognito: Optional[bool] = None


class LoginRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    device_name: Optional[str] = Field(default=None, max_length=64)


class AuthTokens(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "<jwt>",
                "refresh_token": "<opaque-refresh-token>",
                "token_type": "Bearer",
                "expires_in": 900,
            }
        }
    )

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Seconds until access_token expires.")


class PasswordRules(BaseModel):
    min_length: int = 10
    require_digit: bool = True
    max_length: int = 128
    breached_password_check: bool = Field(default=True, description="Reject passwords found in known breach corpora.")


# --------------------------------------------------------------------------- chat keys, matches, messages


class PrekeyBundle(BaseModel):
    """Public half of a device's end-to-end encryption keys. Never contains private key material."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": 1,
                    "identity_key": "BXu6QIKVz4GMv5R4b3sS1q0a9lKzQm8yY2pV7cE5wJ0t",
                    "signed_prekey_id": 4021,
                    "signed_prekey": "BSt9nF3hQ1wXkR7mL2pV8cE5yJ0tA6bD4gH9uM1oZ3sW",
                    "signed_prekey_signature": "wq7Y2nK9pL4mR8tV1xZ3cB6dF0gH5jN2sU9vA4eW7kM3qP8yT1rX6bC0dE2fG4hJ5kL7mN9pQ1sU3vW5xZ7aC9eA==",
                    "one_time_prekeys": ["BQk2mP9qR4tV7wX1zA3cE6gJ0nL5sU8yB2dF4hK6mN9p"],
                }
            ]
        }
    )

    device_id: int = Field(ge=1, le=2**31 - 1)
    identity_key: str = Field(max_length=64, description="Curve25519 public identity key, base64.")
    signed_prekey_id: int = Field(ge=0, le=16_777_215)
    signed_prekey: str = Field(max_length=64, description="Public signed prekey, base64.")
    signed_prekey_signature: str = Field(max_length=128)
    one_time_prekeys: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=100)


class SwipeIn(BaseModel):
    target_id: UUID
    direction: Literal["like", "pass", "superlike"]


class SwipeResult(BaseModel):
    matched: bool
    match_id: Optional[UUID] = None
    likes_remaining: int = Field(description="Likes left in today's token bucket.")
    token_bucket_refill_seconds: int = Field(description="Seconds until the like bucket refills.")


class RateLimited(BaseModel):
    code: Literal["rate_limited"] = "rate_limited"
    message: str
    retry_after: int


class Match(BaseModel):
    id: UUID
    profile: PublicProfile
    matched_at: datetime
    last_message_preview: Optional[str] = None
    unread_count: int = 0


class MessageCreate(BaseModel):
    body: str = Field(max_length=2000)
    attachment_ids: list[UUID] = []
    client_nonce: str = Field(max_length=64, description="Client-generated id to de-duplicate retries.")


class MessageOut(BaseModel):
    id: UUID
    match_id: UUID
    sender_id: UUID
    body: str
    sent_at: datetime
    read_at: Optional[datetime] = None


# --------------------------------------------------------------------------- safety, subscription


class EmergencyContact(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "Jamie Chen", "phone": "+1-415-555-0137"}]})

    name: str = Field(max_length=80)
    phone: str = Field(max_length=20)


class Subscription(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "plan": "heartline_plus_monthly",
                    "store": "web",
                    "renews_at": "2024-07-01T00:00:00Z",
                    "card_brand": "visa",
                    "card_last4": "4242",
                    "receipt_id": "hl_rcpt_01J0Z8K4QW",
                }
            ]
        }
    )

    plan: str
    store: Literal["app_store", "play_store", "web"]
    renews_at: Optional[datetime] = None
    card_brand: Optional[str] = None
    card_last4: Optional[str] = None
    receipt_id: Optional[str] = None


# --------------------------------------------------------------------------- moderation


class ReportReason(str, Enum):
    spam = "spam"
    harassment = "harassment"
    underage = "underage"
    fake_profile = "fake_profile"
    scam = "scam"


class ReportCreate(BaseModel):
    reported_user_id: UUID
    reason: ReportReason
    details: Optional[str] = None
    message_ids: list[UUID] = Field(default_factory=list, max_length=50)


class ReportOut(BaseModel):
    id: UUID
    reason: ReportReason
    status: Literal["open", "actioned", "dismissed"]
    created_at: datetime


class DocumentType(str, Enum):
    passport = "passport"
    driving_licence = "driving_licence"
    national_id = "national_id"


class IdVerificationRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "user_id": "3c9f1a2e-5b7d-4e8f-a0b1-c2d3e4f5a6b7",
                    "status": "pending",
                    "document_type": "passport",
                    "document_number": "568214739",
                    "cpf": "529.982.247-25",
                    "issuing_country": "BR",
                    "document_last4": "4739",
                    "selfie_match_score": 0.97,
                }
            ]
        }
    )

    id: UUID
    user_id: UUID
    status: Literal["pending", "approved", "rejected"]
    document_type: DocumentType
    document_number: str = Field(description="Number as printed on the document (OCR).")
    cpf: Optional[str] = Field(
        default=None, description="Cadastro de Pessoas Fisicas, required for age checks in Brazil."
    )
    issuing_country: str
    document_last4: str
    selfie_match_score: float
    reviewed_by: Optional[UUID] = None


class AdminUserRecord(BaseModel):
    """Full account row, as used by trust & safety tooling."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "example": {
                "userId": "3c9f1a2e-5b7d-4e8f-a0b1-c2d3e4f5a6b7",
                "email": "dev.null@example.org",
                "passwordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$Wv1T0kqVq8bqk9r0V8m3s2kPj3Q7yC1cXoYf1b2K3hU",
                "totpSeed": "N4ZGCYLSMV2HKZLTOQ3WS4DB",
                "lastLoginIp": "172.18.4.21",
                "shadowBanned": False,
                "strikeCount": 1,
                "createdAt": "2022-11-03T18:22:10Z",
            }
        },
    )

    user_id: UUID
    email: str
    phone: Optional[str] = None
    password_hash: str
    totp_seed: Optional[str] = None
    recovery_codes: list[str] = []
    last_login_ip: Optional[str] = None
    shadow_banned: bool = False
    strike_count: int = 0
    created_at: datetime


class ModerationCase(BaseModel):
    id: UUID
    report: ReportOut
    reported_profile: PublicProfile
    account: AdminUserRecord
    verification: Optional[IdVerificationRecord] = None
    priority: int


class NoteCreate(BaseModel):
    body: str = Field(max_length=5000)
    visible_to: Literal["moderators", "leads"] = "moderators"


class CaseNote(BaseModel):
    id: UUID
    case_id: UUID
    author_id: UUID
    body: str
    created_at: datetime


class BanRequest(BaseModel):
    reason: str
    duration_days: Optional[int] = None
    notify_user: bool = True


class NotificationProviderConfig(BaseModel):
    twilio_account_sid: str = Field(examples=["ACa1b2c3d4e5f60718293a4b5c6d7e8f90"])
    twilio_auth_token: str = Field(examples=["9f3b2c1d4e5a6b7c8d9e0f1a2b3c4d5e"])
    twilio_verify_service_sid: str = Field(examples=["VA0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
    sendgrid_api_key: str = Field(
        default="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",
        description="Used for match and message e-mail digests.",
    )
    from_address: str = Field(default="no-reply@mail.heartline.example")
    sms_otp_length: int = 6


# --------------------------------------------------------------------------- errors


class ApiError(BaseModel):
    code: str = Field(examples=["match_not_found"])
    message: str
    trace_id: str


class DebugCtx(BaseModel):
    module: str = Field(examples=["heartline/matching/score.py"])
    lineno: int
    db_statement: Optional[str] = None


class ServerFault(BaseModel):
    code: Literal["internal_error"] = "internal_error"
    message: str = "Something went wrong"
    trace_id: str
    exception_repr: Optional[str] = Field(default=None, examples=["KeyError('match_id')"])
    stack_trace: Optional[list[str]] = None
    debug_ctx: Optional[DebugCtx] = Field(default=None, description="Attached when HEARTLINE_DEBUG is set.")


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Heartline API",
    version="5.2.0",
    description=(
        "Backend for the Heartline iOS and Android apps. Photos are served from cdn.heartline.app. "
        "On-call: #heartline-backend (runbook HL-880)."
    ),
    contact={"name": "Heartline Platform", "email": "platform@heartline.app"},
    servers=[
        {"url": "https://api.heartline.app", "description": "Production"},
        {"url": "https://api.staging.heartline.app", "description": "Staging"},
        {"url": "http://localhost:8080", "description": "docker-compose"},
        {"url": "http://192.168.40.12:8080", "description": "QA rack in the Lisbon office"},
    ],
)

ERRORS = {
    404: {"model": ApiError, "description": "Not found"},
    500: {"model": ServerFault, "description": "Unhandled error"},
}

auth = APIRouter(prefix="/v1/auth", tags=["auth"])
me = APIRouter(prefix="/v1/me", tags=["me"], dependencies=[Depends(bearer)])
social = APIRouter(prefix="/v1", tags=["discovery"], dependencies=[Depends(bearer)])
moderation = APIRouter(prefix="/v1/moderation", tags=["moderation"], dependencies=[Depends(bearer)])
admin = APIRouter(prefix="/v1/admin", tags=["admin"], dependencies=[Depends(bearer)])
ops = APIRouter(tags=["ops"])


@auth.post("/signup", response_model=MyProfile, status_code=201, responses=ERRORS)
def signup(body: SignupRequest) -> MyProfile:
    raise HTTPException(501)


@auth.post("/login", response_model=AuthTokens, responses={401: {"model": ApiError}})
def login(body: LoginRequest) -> AuthTokens:
    """Exchange e-mail and password for tokens.

    For QA use the seeded account `qa.swiper@heartline.app` / `Swipe-Right-2024` on staging.
    """
    raise HTTPException(401)


@auth.get("/password-rules", response_model=PasswordRules)
def password_rules() -> PasswordRules:
    """Rules the sign-up form enforces client-side."""
    return PasswordRules()


@me.get("", response_model=MyProfile, responses=ERRORS)
def read_me() -> MyProfile:
    raise HTTPException(404)


@me.patch("", response_model=MyProfile, responses=ERRORS)
def update_me(body: ProfileUpdate) -> MyProfile:
    raise HTTPException(404)


@me.post("/photos/uploads", response_model=PhotoUploadTicket, status_code=201)
def start_photo_upload(content_type: Literal["image/jpeg", "image/heic"] = "image/jpeg") -> PhotoUploadTicket:
    raise HTTPException(501)


@me.get("/subscription", response_model=Subscription)
def my_subscription() -> Subscription:
    raise HTTPException(404)


@me.put("/safety/emergency-contact", response_model=EmergencyContact)
def set_emergency_contact(body: EmergencyContact) -> EmergencyContact:
    return body


@me.put("/prekey-bundle", response_model=PrekeyBundle)
def upload_prekeys(body: PrekeyBundle) -> PrekeyBundle:
    return body


@social.get("/discover", response_model=Page[PublicProfile])
def discover(
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    max_distance_km: Annotated[int, Query(ge=1, le=500)] = 50,
    limit: int = 20,
    cursor: Optional[str] = None,
) -> Page[PublicProfile]:
    return Page[PublicProfile](items=[])


@social.get("/profiles/{profile_id}", response_model=PublicProfile, responses=ERRORS)
def get_profile(profile_id: UUID) -> PublicProfile:
    raise HTTPException(404)


@social.get("/users/{user_id}/prekey-bundle", response_model=PrekeyBundle, responses={404: {"model": ApiError}})
def get_prekeys(user_id: UUID) -> PrekeyBundle:
    """Fetch a match's public keys to start an end-to-end encrypted conversation."""
    raise HTTPException(404)


@social.post("/swipes", response_model=SwipeResult, responses={429: {"model": RateLimited}})
def swipe(body: SwipeIn) -> SwipeResult:
    raise HTTPException(429)


@social.get("/matches", response_model=Page[Match])
def list_matches(cursor: Annotated[Optional[str], Query(max_length=128)] = None) -> Page[Match]:
    return Page[Match](items=[])


@social.get("/matches/{match_id}/messages", response_model=Page[MessageOut], responses=ERRORS)
def list_messages(
    match_id: UUID,
    before: Optional[datetime] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[MessageOut]:
    return Page[MessageOut](items=[])


@social.post("/matches/{match_id}/messages", response_model=MessageOut, status_code=201, responses=ERRORS)
def send_message(match_id: UUID, body: MessageCreate) -> MessageOut:
    raise HTTPException(404)


@social.post("/reports", response_model=ReportOut, status_code=201)
def report_user(body: ReportCreate) -> ReportOut:
    raise HTTPException(501)


@moderation.get("/queue", response_model=Page[ModerationCase])
def moderation_queue(
    q: Optional[str] = Query(default=None, description="Free-text search over report details"),
    reason: Optional[ReportReason] = None,
) -> Page[ModerationCase]:
    return Page[ModerationCase](items=[])


@moderation.get("/verifications/{verification_id}", response_model=IdVerificationRecord, responses=ERRORS)
def get_verification(verification_id: UUID) -> IdVerificationRecord:
    raise HTTPException(404)


@moderation.post("/cases/{case_id}/private-notes", response_model=CaseNote, status_code=201)
def add_case_note(case_id: UUID, body: NoteCreate) -> CaseNote:
    """Moderator-only note on a case. Never shown to either member."""
    raise HTTPException(501)


@app.get(
    "/v1/_admin/users/{user_id}",
    response_model=AdminUserRecord,
    responses=ERRORS,
    tags=["admin"],
    openapi_extra={"x-internal": True},
)
def admin_get_user(user_id: UUID) -> AdminUserRecord:
    raise HTTPException(404)


@admin.post("/users/{user_id}/ban", status_code=204, responses=ERRORS)
def admin_ban(user_id: UUID, body: BanRequest) -> None:
    raise HTTPException(404)


@admin.get("/notification-provider", response_model=NotificationProviderConfig)
def admin_notification_provider() -> NotificationProviderConfig:
    raise HTTPException(501)


@ops.post("/internal/matching/recompute", status_code=202, openapi_extra={"x-internal": True})
def recompute_scores(region: Annotated[str, Query(max_length=8)] = "eu") -> None:
    """Kick the nightly compatibility-score job on ml-scoring.heartline.corp."""


@ops.get("/debug/echo-headers", response_model=dict[str, str])
def echo_headers() -> dict[str, str]:
    """Echo request headers as seen behind the load balancer (instance metadata at 169.254.169.254 is blocked)."""
    return {}


@ops.get("/internal/healthz/deep", include_in_schema=False)
def deep_health() -> dict[str, str]:
    return {}


app.include_router(auth)
app.include_router(me)
app.include_router(social)
app.include_router(moderation)
app.include_router(admin)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
