"""Matchbox: dating-app API (profiles, discovery, matches, chat, ID verification,
trust & safety moderation and subscriptions).

Generate the OpenAPI document with:  python matchbox_app.py > matchbox.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

bearer = HTTPBearer(bearerFormat="JWT")

T = TypeVar("T")

UserId = Annotated[str, Path(pattern=r"^u_[0-9A-Za-z]{6,12}$")]
MatchId = Annotated[str, Path(pattern=r"^m_[0-9A-Za-z]{6,16}$")]


class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class EnvelopeMeta(Camel):
    request_id: str
    next_cursor: Optional[str] = None


class ApiEnvelope(Camel, Generic[T]):
    data: T
    meta: Optional[EnvelopeMeta] = None


# --------------------------------------------------------------------------- profiles


class Photo(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "photoId": "ph_01",
                    "url": "https://img.matchbox.app/u/5G7xQ2/ph_01.webp",
                    "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                    "width": 1080,
                    "height": 1350,
                    "isPrimary": True,
                }
            ]
        }
    )

    photo_id: str
    url: str = Field(
        description="CDN URL. Originals are kept on img-origin.matchbox.intranet and never exposed directly."
    )
    blurhash: Optional[str] = Field(default=None, description="BlurHash placeholder shown while the image loads.")
    width: int
    height: int
    is_primary: bool = False
    moderation_state: Literal["pending", "approved", "rejected"] = "approved"


class PromptAnswer(Camel):
    prompt_id: str = Field(pattern=r"^pr_[a-z0-9_]{2,32}$")
    answer: str = Field(max_length=300)


class ProfileCard(Camel):
    user_id: str
    first_name: str
    age: int
    bio: Optional[str] = None
    photos: list[Photo] = []
    prompts: list[PromptAnswer] = []
    distance_km: Optional[float] = None
    job_title: Optional[str] = None
    verified_badge: bool = False
    passport_mode_city: Optional[str] = Field(
        default=None, description="City the user is browsing from while Passport (travel mode) is on."
    )


class SpotifyLink(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "displayName": "priya.n",
                    "topArtists": ["Phoebe Bridgers", "Khruangbin", "Arooj Aftab"],
                    "spotifyRefreshToken": "AQDx7Lw3k9Qm2Zr8Vb4Nc1Hf6Jt0Ps5Yd2Ug7Ko3Xe9Mi1Lh8Gf4Dn6Cs2Ba0Wq5Ry7Tz",
                    "linkedAt": "2024-02-14T20:11:00Z",
                }
            ]
        }
    )

    display_name: str
    top_artists: list[str] = []
    spotify_refresh_token: str = Field(description="Used by the nightly job that refreshes top artists.")
    linked_at: datetime


class MyProfile(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "userId": "u_5G7xQ2",
                    "email": "priya.natarajan@gmail.com",
                    "phone": "+1-646-555-0134",
                    "dateOfBirth": "1994-09-02",
                    "gender": "woman",
                    "interestedIn": ["man"],
                    "tokenBalance": 140,
                    "superLikeTokens": 3,
                    "secretAdmirerEnabled": True,
                    "passportModeEnabled": False,
                    "incognito": False,
                    "twoFactorEnabled": True,
                    "pinnedPromptId": "pr_sunday_plans",
                }
            ]
        }
    )

    user_id: str
    email: str
    phone: Optional[str] = None
    date_of_birth: date
    gender: Literal["woman", "man", "nonbinary"]
    interested_in: list[Literal["woman", "man", "nonbinary"]]
    bio: Optional[str] = None
    photos: list[Photo] = []
    prompts: list[PromptAnswer] = []
    pinned_prompt_id: Optional[str] = None
    spotify: Optional[SpotifyLink] = None
    token_balance: int = Field(default=0, description="Sparks (in-app currency) balance.")
    super_like_tokens: int = 0
    secret_admirer_enabled: bool = False
    passport_mode_enabled: bool = False
    incognito: bool = False
    two_factor_enabled: bool = False
    password_updated_at: Optional[datetime] = None


class ProfileUpdate(Camel):
    bio: Optional[str] = Field(default=None, max_length=500)
    job_title: Optional[str] = None
    height_cm: Optional[int] = Field(default=None, ge=90)
    prompts: Optional[list[PromptAnswer]] = None
    passport_mode_city: Optional[str] = Field(default=None, max_length=80)


class PrivacySettings(Camel):
    show_distance: bool = True
    show_age: bool = True
    read_receipts: bool = True
    incognito: bool = False


class DatingEvent(Camel):
    event_id: str
    city: str
    title: str
    starts_at: datetime
    price_cents: int
    venue: str


# --------------------------------------------------------------------------- matches & chat


class Match(Camel):
    match_id: str
    other_user: ProfileCard
    matched_at: datetime
    last_message_preview: Optional[str] = None
    unread_count: int = 0


class MessageCreate(Camel):
    body: str = Field(max_length=2000)
    attachment_ids: list[UUID] = []


class Message(Camel):
    message_id: str
    sender_id: str
    body: str
    sent_at: datetime


# --------------------------------------------------------------------------- auth


class PasswordLogin(Camel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=128)
    device_id: UUID


class SessionTokens(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "accessToken": "<access-token>",
                    "refreshToken": "<refresh-token>",
                    "expiresIn": 3600,
                    "tokenType": "Bearer",
                }
            ]
        }
    )

    access_token: str
    refresh_token: str
    expires_in: int
    token_type: Literal["Bearer"] = "Bearer"


class SmsVerify(Camel):
    phone: str = Field(pattern=r"^\+[1-9]\d{6,14}$")
    code: str = Field(pattern=r"^\d{6}$")


# --------------------------------------------------------------------------- verification


class IdDocumentSubmission(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "documentType": "passport",
                    "documentNumber": "<document-number>",
                    "issuingCountry": "US",
                    "frontUploadId": "3b9f6c1e-2d4a-4e8b-9c7f-1a0d5e6b2c84",
                    "selfieUploadId": "a4e2d7c9-5b1f-4c3a-8e6d-0f9b2a7c1d35",
                }
            ]
        }
    )

    document_type: Literal["passport", "drivers_license", "national_id"]
    document_number: str = Field(max_length=32)
    issuing_country: str = Field(pattern=r"^[A-Z]{2}$")
    front_upload_id: UUID
    back_upload_id: Optional[UUID] = None
    selfie_upload_id: UUID


class VerificationStatus(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "state": "approved",
                    "documentType": "passport",
                    "documentLast4": "8924",
                    "documentExpiry": "2031-06-30",
                    "livenessScore": 0.97,
                    "reviewedAt": "2024-03-02T11:20:00Z",
                }
            ]
        }
    )

    state: Literal["not_started", "pending", "approved", "rejected"]
    document_type: Optional[Literal["passport", "drivers_license", "national_id"]] = None
    document_last4: Optional[str] = None
    document_expiry: Optional[date] = None
    liveness_score: Optional[float] = None
    reviewed_at: Optional[datetime] = None


# Trust & safety tooling (snake_case: owned by the T&S team, shared with the vendor integration)


class IdDocumentRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "document_type": "passport",
                    "passport_no": "A41926738",
                    "full_name": "Priya Natarajan",
                    "date_of_birth": "1994-09-02",
                    "expiry_date": "2031-06-30",
                    "issuing_country": "US",
                },
                {
                    "document_type": "drivers_license",
                    "dl_number": "D412-7785-3310",
                    "ssn_last4": "2097",
                    "full_name": "Marcus Bell",
                    "date_of_birth": "1991-02-14",
                    "expiry_date": "2027-02-14",
                    "issuing_country": "US",
                },
            ]
        }
    )

    document_type: Literal["passport", "drivers_license", "national_id"]
    passport_no: Optional[str] = None
    dl_number: Optional[str] = Field(default=None, description="Driving-licence number as read by OCR.")
    ssn_last4: Optional[str] = Field(default=None, description="Last four SSN digits (US payouts only).")
    full_name: str
    date_of_birth: date
    expiry_date: Optional[date] = None
    issuing_country: str


class VerificationCase(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "vc_30412",
                    "user_id": "u_5G7xQ2",
                    "submitted_at": "2024-03-02T10:58:00Z",
                    "face_match_score": 0.93,
                    "vendor": "persona",
                    "vendor_ref": "inq_7Xk2Lm9Qp4RtVb8N",
                }
            ]
        }
    )

    case_id: str
    user_id: str
    submitted_at: datetime
    id_doc: IdDocumentRecord
    selfie_url: Optional[str] = None
    face_match_score: Optional[float] = None
    vendor: Literal["persona", "onfido", "in_house"]
    vendor_ref: Optional[str] = None


class ModerationItem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "item_id": "mod_88123",
                    "kind": "report",
                    "reporter_email": "k.osei@yahoo.com",
                    "reason": "fake_profile",
                    "ml_scores": {"nsfw": 0.02, "scam": 0.81},
                    "stack_rank": 4,
                    "created_at": "2024-05-01T07:44:00Z",
                }
            ]
        }
    )

    item_id: str
    kind: Literal["photo", "bio", "message", "report"]
    reporter_email: Optional[str] = None
    reported_user: ProfileCard
    reason: str
    ml_scores: dict[str, float] = {}
    stack_rank: int = Field(description="Position in the reviewer's work stack (1 = next).")
    created_at: datetime


class ModerationAction(BaseModel):
    item_id: str = Field(pattern=r"^mod_\d{1,12}$")
    action: Literal["approve", "remove", "warn", "ban", "shadowban", "escalate"]
    note: Optional[str] = None


class UserAccountRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": "u_8Hd2Pq",
                    "email": "ana.souza@proton.me",
                    "phone": "+1 646 201 7734",
                    "created_at": "2023-07-19T16:02:00Z",
                    "last_login_at": "2024-05-01T06:58:12Z",
                    "last_login_ip": "172.18.0.7",
                    "pw_hash": "$argon2id$v=19$m=65536,t=3,p=4$yw1034DVoNHcUDKwrFjVTQ$0U0qaCMN5mMuhQMHtUp8/MxhRC59GMSm/EehdO/z9bU",
                    "totp_seed": "QRAES5EIFH3YHXO3",
                    "backup_codes": ["7392-1846", "5510-9027"],
                    "banned": False,
                    "shadowbanned": False,
                    "strikes": 1,
                }
            ]
        }
    )

    user_id: str
    email: str
    phone: Optional[str] = None
    created_at: datetime
    last_login_at: Optional[datetime] = None
    last_login_ip: Optional[str] = None
    pw_hash: str
    pw_salt: Optional[str] = Field(default=None, description="Per-user salt (legacy sha256 accounts only).")
    totp_seed: Optional[str] = None
    backup_codes: list[str] = Field(default=[], description="Unused 2FA recovery codes.")
    banned: bool = False
    shadowbanned: bool = False
    strikes: int = 0


class MatchScoreDebug(BaseModel):
    score: float
    features: dict[str, float]
    model_version: str


# --------------------------------------------------------------------------- billing


class Plan(Camel):
    plan_id: Literal["plus", "gold", "platinum"]
    name: str
    price_cents: int
    currency: str
    interval: Literal["week", "month", "half_year"]
    features: list[str] = []


class CardDetails(Camel):
    number: str = Field(pattern=r"^\d{13,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    holder_name: str = Field(max_length=80)


class SubscribeRequest(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "planId": "gold",
                    "card": {
                        "number": "5555555555554444",
                        "expMonth": 3,
                        "expYear": 2030,
                        "cvc": "737",
                        "holderName": "Jordan Test",
                    },
                    "promoCode": "SPRING24",
                }
            ]
        }
    )

    plan_id: Literal["plus", "gold", "platinum"]
    card: CardDetails
    promo_code: Optional[str] = Field(default=None, max_length=24)


class PaymentMethodSummary(Camel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"brand": "mc", "last4": "4444", "expMonth": 3, "expYear": 2030, "fingerprint": "Xt5EWLLDS7FJjR1c"}
            ]
        }
    )

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str = Field(description="Stable card fingerprint, used to detect one card shared by many accounts.")


class Subscription(Camel):
    plan_id: Literal["plus", "gold", "platinum"]
    status: Literal["active", "past_due", "cancelled"]
    renews_at: Optional[datetime] = None
    payment_method: Optional[PaymentMethodSummary] = None


class ChargeRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "charge_id": "chg_20240501_0042",
                    "user_id": "u_8Hd2Pq",
                    "amount_cents": 2999,
                    "currency": "USD",
                    "card_no": "4716387156430090",
                    "card_cvc": "381",
                    "card_exp": "09/27",
                    "psp_reference": "8835571402871236",
                    "avs_result": "Y",
                    "created_at": "2024-05-01T07:00:00Z",
                }
            ]
        }
    )

    charge_id: str
    user_id: str
    amount_cents: int
    currency: str
    card_no: str = Field(description="PAN captured by the legacy in-app checkout (pre-tokenisation).")
    card_cvc: Optional[str] = None
    card_exp: Optional[str] = None
    psp_reference: str = Field(description="Adyen PSP reference of the authorisation.")
    avs_result: Optional[str] = None
    created_at: datetime


class PaymentsConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "psp": "adyen",
                    "environment": "live",
                    "merchant_account": "MatchboxLtdECOM",
                    "live_endpoint_prefix": "1797a841fbb37ca7-MatchboxLtd",
                    "adyen_api_key": "AQEyhmfxKo3NaRZDw0m/n3Q5qf3VaY9UCJ1+XWZe9W27jmlZiv5PyrgrPb9PnO6kIQMUsRy/jt+ngBtB5iwZPEXCP90fnQG7Kd90Edf4d6nC-qHgAGUugJOiKqGHOxt1/SCD2wgGoAGMfv461aNrr0ZE=-i1i9Qs7Kz3RmXv",
                    "hmac_key": "abd426f262d82ae35361a3c40cd446304291886d9910848d50690e76beae98a1",
                }
            ]
        }
    )

    psp: Literal["adyen"] = "adyen"
    environment: Literal["live", "test"]
    merchant_account: str
    live_endpoint_prefix: Optional[str] = None
    adyen_api_key: str
    hmac_key: str = Field(description="Key used to verify Adyen notification HMAC signatures.")


# --------------------------------------------------------------------------- errors


class ApiError(Camel):
    error_code: str = Field(examples=["match_not_found"])
    message: str
    trace_id: str
    retry_after: Optional[int] = Field(default=None, description="Seconds until the swipe quota resets (429 only).")


class StackFrame(Camel):
    file_name: str
    line_number: int


class ServerFault(Camel):
    error_code: str = "internal_error"
    message: str
    trace_id: str
    exception_message: Optional[str] = None
    call_stack: list[StackFrame] = []


class DbUnavailable(Camel):
    message: str
    trace_id: str
    failed_query: Optional[str] = Field(
        default=None,
        examples=["SELECT * FROM swipes WHERE swiper_id = 'u_5G7xQ2' AND created_at > now() - interval '1 day'"],
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Matchbox API",
    version="3.12.0",
    description="API behind the Matchbox iOS, Android and web apps. Swipe quotas reset at local midnight (MBX-4410).",
    contact={"name": "Matchbox Mobile Platform", "email": "mobile-platform@matchbox.app"},
    servers=[
        {"url": "https://api.matchbox.app/v3", "description": "Production"},
        {"url": "https://staging-api.matchbox.app/v3", "description": "Staging"},
        {"url": "http://[::1]:8000/v3", "description": "Local"},
        {"url": "https://api.matchbox-internal.net/v3", "description": "Office / VPN only"},
    ],
)

ERR = {
    404: {"model": ApiError, "description": "Not found"},
    500: {"model": ServerFault, "description": "Internal error"},
}
QUOTA = {429: {"model": ApiError, "description": "Swipe quota exceeded"}}
DB = {503: {"model": DbUnavailable, "description": "Database failover in progress"}}

secured = [Depends(bearer)]
auth = APIRouter(prefix="/auth", tags=["auth"])
profiles = APIRouter(tags=["profiles"], dependencies=secured)
matches = APIRouter(tags=["matches"], dependencies=secured)
verification = APIRouter(prefix="/verification", tags=["verification"], dependencies=secured)
billing = APIRouter(prefix="/billing", tags=["billing"], dependencies=secured)
trust = APIRouter(tags=["trust-and-safety"], dependencies=secured)
admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=secured)
backend = APIRouter(tags=["internal"])


@auth.post("/login", response_model=SessionTokens, responses={401: {"model": ApiError}})
def login(body: PasswordLogin) -> SessionTokens:
    """Sign in with e-mail and password. Five failed password attempts lock the account for 15 minutes."""
    raise HTTPException(401)


@auth.post("/sms/verify", status_code=204, responses={400: {"model": ApiError}})
def verify_sms(body: SmsVerify) -> None:
    """Confirm the phone number with the six-digit code we texted."""


@profiles.get("/me", response_model=ApiEnvelope[MyProfile], responses=ERR)
def read_me() -> ApiEnvelope[MyProfile]:
    """Your own profile.

    ```
    curl https://api.matchbox.app/v3/me \\
      -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzVHN3hRMiIsInNpZCI6InNfOTFhZCIsInJvbGUiOiJtZW1iZXIiLCJpYXQiOjE3MTYyMDEwMDAsImV4cCI6MTcxNjIwNDYwMH0.o4lkA3CGQcC8s7bn2u4dJa2ZXUCzOrzZtIUUpyCzWXU'
    ```
    """
    raise HTTPException(401)


@profiles.patch("/me", response_model=ApiEnvelope[MyProfile], responses={**ERR, **DB})
def update_me(body: ProfileUpdate) -> ApiEnvelope[MyProfile]:
    raise HTTPException(500)


@profiles.get("/me/photos/private", response_model=list[Photo], responses=ERR)
def private_album() -> list[Photo]:
    """Photos in your private album (visible only to matches you grant access)."""
    return []


@profiles.get("/me/privacy-settings", response_model=PrivacySettings)
def get_privacy_settings() -> PrivacySettings:
    return PrivacySettings()


@profiles.get("/discover", response_model=ApiEnvelope[list[ProfileCard]], responses={**ERR, **QUOTA, **DB})
def discover(
    lat: Annotated[float, Query(ge=-90, le=90)],
    lng: Annotated[float, Query(ge=-180, le=180)],
    radius_km: Annotated[int, Query(ge=1)] = 50,
    age_min: Annotated[int, Query(ge=18, le=99)] = 18,
    age_max: Annotated[int, Query(ge=18, le=99)] = 99,
    vibe: Optional[str] = Query(default=None, description="Free-text vibe filter, e.g. `hiking`."),
) -> ApiEnvelope[list[ProfileCard]]:
    raise HTTPException(500)


@profiles.get("/users/{user_id}", response_model=ProfileCard, responses=ERR)
def get_user(user_id: UserId) -> ProfileCard:
    raise HTTPException(404)


@profiles.get("/events/private-dining", response_model=list[DatingEvent])
def private_dining_events(city: Annotated[str, Query(pattern=r"^[a-z-]{2,40}$")]) -> list[DatingEvent]:
    """Ticketed singles dinners in your city."""
    return []


@matches.get("/matches", response_model=ApiEnvelope[list[Match]], responses=ERR)
def list_matches(cursor: Annotated[Optional[str], Query(max_length=64)] = None) -> ApiEnvelope[list[Match]]:
    raise HTTPException(500)


@matches.get("/matches/{match_id}/messages", response_model=list[Message], responses=ERR)
def list_messages(match_id: MatchId, before: Optional[datetime] = None) -> list[Message]:
    return []


@matches.post("/matches/{match_id}/messages", response_model=Message, status_code=201, responses=ERR)
def send_message(match_id: MatchId, body: MessageCreate) -> Message:
    raise HTTPException(404)


@verification.post("/id-document", response_model=VerificationStatus, status_code=201, responses=ERR)
def submit_id_document(body: IdDocumentSubmission) -> VerificationStatus:
    """Submit a government ID and a selfie for the blue 'ID verified' badge."""
    raise HTTPException(500)


@verification.get("/status", response_model=VerificationStatus, responses=ERR)
def verification_status() -> VerificationStatus:
    raise HTTPException(404)


@billing.get("/plans", response_model=list[Plan])
def plans() -> list[Plan]:
    return []


@billing.post("/subscribe", response_model=Subscription, status_code=201, responses={402: {"model": ApiError}, **ERR})
def subscribe(body: SubscribeRequest) -> Subscription:
    raise HTTPException(402)


@billing.get("/subscription", response_model=Subscription, responses=ERR)
def current_subscription() -> Subscription:
    raise HTTPException(404)


@trust.post("/moderation/actions", status_code=204, responses=ERR)
def moderation_action(body: ModerationAction) -> None:
    """Record a reviewer decision (moderator role required)."""


@admin.get("/moderation/queue", response_model=list[ModerationItem])
def moderation_queue(kind: Optional[Literal["photo", "bio", "message", "report"]] = None) -> list[ModerationItem]:
    return []


@admin.get("/verifications/{case_id}", response_model=VerificationCase, responses=ERR)
def verification_case(case_id: Annotated[str, Path(pattern=r"^vc_\d{1,10}$")]) -> VerificationCase:
    raise HTTPException(404)


@admin.get("/users/{user_id}", response_model=ApiEnvelope[UserAccountRecord], responses=ERR)
def admin_user(user_id: UserId) -> ApiEnvelope[UserAccountRecord]:
    raise HTTPException(404)


@admin.get("/payments/charges/{charge_id}", response_model=ChargeRecord, responses=ERR)
def admin_charge(charge_id: Annotated[str, Path(pattern=r"^chg_[0-9_]{6,24}$")]) -> ChargeRecord:
    raise HTTPException(404)


@admin.get("/payments/config", response_model=PaymentsConfig)
def admin_payments_config() -> PaymentsConfig:
    raise HTTPException(500)


@backend.post("/internal/feed/rebuild", status_code=202)
def rebuild_feed(
    redis_url: Annotated[str, Query(max_length=256)] = "redis://:r3d1s-Pr0d-K3y@10.4.0.12:6379/2",
    shard: Annotated[Optional[int], Query(ge=0, le=63)] = None,
) -> None:
    """Recompute discovery feeds. Runs on the feed-builder pool (feed-builder.matchbox.svc:9000)."""


@backend.get("/v1/debug/match-score", response_model=MatchScoreDebug)
def debug_match_score(
    user_a: Annotated[str, Query(pattern=r"^u_[0-9A-Za-z]{6,12}$")],
    user_b: Annotated[str, Query(pattern=r"^u_[0-9A-Za-z]{6,12}$")],
) -> MatchScoreDebug:
    raise HTTPException(501)


app.include_router(auth)
app.include_router(profiles)
app.include_router(matches)
app.include_router(verification)
app.include_router(billing)
app.include_router(trust)
app.include_router(admin)
app.include_router(backend)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
