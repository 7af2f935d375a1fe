"""Arcadia platform API: player accounts, matchmaking & fleets, Sentinel anti-cheat,
store purchases and the studio/partner API.

Generate the OpenAPI document with:  python arcadia_app.py > arcadia.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import APIKeyHeader, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

player_bearer = HTTPBearer(description="Player session JWT: `Authorization: Bearer <jwt>`.", auto_error=False)
studio_key = APIKeyHeader(name="X-Studio-Key", description="Studio API key (see the studio tag).", auto_error=False)


class Paged(BaseModel, Generic[T]):
    data: list[T]
    page: int
    pageSize: int
    hasMore: bool


class Region(str, Enum):
    na_east = "na-east"
    eu_central = "eu-central"
    ap_northeast = "ap-northeast"
    sa_east = "sa-east"


# --------------------------------------------------------------------------- players


class PlayerSignup(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "gamertag": "NeonViper",
                    "email": "new.player@example.net",
                    "password": "<choose-a-password>",
                    "dateOfBirth": "2004-05-09",
                    "recoveryPhone": "+44 7700 900461",
                    "region": "eu-central",
                }
            ]
        }
    )

    gamertag: str = Field(pattern=r"^[A-Za-z0-9_]{3,16}$")
    email: str = Field(max_length=254)
    password: str = Field(min_length=10, max_length=128)
    dateOfBirth: date
    recoveryPhone: Optional[str] = Field(default=None, max_length=20)
    region: Region
    marketingOptIn: bool = False


class LoginRequest(BaseModel):
    login: str = Field(max_length=254, description="Gamertag or e-mail.")
    password: str = Field(max_length=128)
    totpCode: Optional[str] = Field(default=None, pattern=r"^\d{6}$")


class SessionTokens(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"accessToken": "<jwt>", "refreshToken": "<refresh-token>", "expiresIn": 3600}]}
    )

    accessToken: str
    refreshToken: str
    expiresIn: int


class LinkedAccount(BaseModel):
    platform: Literal["steam", "psn", "xbox", "epic", "twitch"]
    externalUserId: str
    displayName: Optional[str] = None
    linkedAt: datetime
    oauthRefreshToken: Optional[str] = Field(
        default=None, description="Platform refresh token, used to sync friends lists and achievements."
    )


class PlayerSettings(BaseModel):
    crossplayEnabled: bool = True
    streamerModeEnabled: bool = False
    profanityFilter: Literal["off", "mild", "strict"] = "mild"
    chatTokenBucketSize: int = Field(default=8, description="Burst size of the chat rate limiter.")
    chatTokensPerMinute: int = Field(default=20, description="Refill rate of the chat rate limiter.")


class PlayerProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "playerId": "2f6d8c1e-9b4a-4e0f-8a7d-5c3b1e9f0a42",
                    "gamertag": "NeonViper",
                    "level": 57,
                    "prestigeTier": 2,
                    "region": "eu-central",
                    "linkedAccounts": [
                        {
                            "platform": "twitch",
                            "externalUserId": "48213377",
                            "displayName": "neonviper_tv",
                            "linkedAt": "2024-01-14T19:22:05Z",
                            "oauthRefreshToken": "k7m2x9qv4b8rtw1zn5yc3hj6df0sga8e2pl4u7",
                        },
                        {
                            "platform": "steam",
                            "externalUserId": "76561198092841733",
                            "linkedAt": "2023-11-02T10:01:44Z",
                        },
                    ],
                    "keybinds": {"jump": "Space", "reload": "R", "ping": "Mouse4"},
                    "keyboardLayout": "de-qwertz",
                }
            ]
        }
    )

    playerId: UUID
    gamertag: str
    avatarUrl: Optional[str] = None
    level: int
    xp: int = 0
    prestigeTier: int = 0
    region: Region
    createdAt: Optional[datetime] = None
    linkedAccounts: list[LinkedAccount] = []
    keybinds: dict[str, str] = Field(default_factory=dict, description="Action -> key binding.")
    keyboardLayout: Optional[str] = None
    settings: PlayerSettings = Field(default_factory=PlayerSettings)


class PlayerProfileUpdate(BaseModel):
    bio: Optional[str] = None
    avatarUrl: Optional[str] = Field(default=None, max_length=2048)
    keybinds: Optional[dict[str, str]] = None
    keyboardLayout: Optional[str] = Field(default=None, max_length=16)


class VirtualWallet(BaseModel):
    gems: int
    coins: int
    arcadeTokens: int = Field(description="Arcade tokens earned in events; spendable in the token shop.")
    seasonPassActive: bool = False


class PrivacySettings(BaseModel):
    profileVisibility: Literal["public", "friends", "private"] = "friends"
    showOnlineStatus: bool = True
    allowFriendRequests: bool = True


class ParentalConsent(BaseModel):
    consentId: str
    guardianName: str
    guardianEmail: str
    method: Literal["kr_rrn", "card_check", "id_upload"]
    residentRegistrationNo: Optional[str] = Field(
        default=None, description="Guardian's RRN, required for Korean age verification."
    )
    verifiedAt: datetime


class PlayerAccountRecord(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "playerId": "2f6d8c1e-9b4a-4e0f-8a7d-5c3b1e9f0a42",
                    "gamertag": "xXminseoXx",
                    "email": "minseo.kim.gg@naver.com",
                    "pwHash": "pbkdf2_sha256$600000$Lq8vZ2mR4tW7yB1c$N3pX9kQ2mF7vT1wR5yZ8bC4dE6gH0jL2sU9aV3xK5qM=",
                    "mfaSecret": "P3LQ7X2KVA5MZR4T",
                    "lastLoginIp": "198.51.100.77",
                    "bannedUntil": None,
                    "parentalConsent": {
                        "consentId": "pc_7712",
                        "guardianName": "Kim Jihye",
                        "guardianEmail": "guardian@example.com",
                        "method": "kr_rrn",
                        "residentRegistrationNo": "780315-2456781",
                        "verifiedAt": "2023-08-01T03:00:00Z",
                    },
                }
            ]
        }
    )

    playerId: UUID
    gamertag: str
    email: str
    pwHash: str
    pwSalt: Optional[str] = None
    mfaSecret: Optional[str] = None
    recoveryCodes: list[str] = []
    lastLoginIp: Optional[str] = None
    bannedUntil: Optional[datetime] = None
    banReason: Optional[str] = None
    parentalConsent: Optional[ParentalConsent] = None
    wallet: Optional[VirtualWallet] = None


class PlayerLookupResult(BaseModel):
    playerId: UUID
    gamertag: str
    lastSeenAt: Optional[datetime] = None
    banned: bool = False


class GuildMember(BaseModel):
    playerId: UUID
    gamertag: str
    role: Literal["owner", "admin", "officer", "member"]
    joinedAt: datetime


# --------------------------------------------------------------------------- matchmaking


class Playlist(str, Enum):
    ranked_5v5 = "ranked-5v5"
    casual_5v5 = "casual-5v5"
    br_squads = "br-squads"
    arena_2v2 = "arena-2v2"


class MatchmakingTicketRequest(BaseModel):
    playlist: Playlist
    partyMemberIds: list[UUID] = Field(default_factory=list)
    skillRating: Optional[float] = Field(default=None, ge=0)
    regionLatenciesMs: dict[str, int] = Field(default_factory=dict, description="Measured ping per region.")
    crossplay: bool = True
    inputDevice: Literal["kbm", "controller", "touch"] = "kbm"


class MatchAssignment(BaseModel):
    matchId: str
    serverAddress: str = Field(examples=["203.0.113.40:7777"])
    region: Region
    team: Literal["red", "blue"]


class MatchmakingTicket(BaseModel):
    ticketId: str
    status: Literal["queued", "searching", "found", "expired", "cancelled"]
    estimatedWaitSec: Optional[int] = None
    createdAt: datetime
    assignment: Optional[MatchAssignment] = None


class MatchJoinCredentials(BaseModel):
    """Issued when the player accepts the match; presented to the game server on connect."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"matchId": "m_88fq2", "connectToken": "<connect-token>", "expiresAt": "2024-06-01T12:00:30Z"}]
        }
    )

    matchId: str
    connectToken: str
    expiresAt: datetime


class PrivateMatchCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"playlist": "arena-2v2", "lobbyPassword": "<lobby-password>", "maxPlayers": 4, "region": "na-east"}
            ]
        }
    )

    playlist: Playlist
    lobbyPassword: Optional[str] = Field(default=None, max_length=32)
    maxPlayers: int = Field(ge=2, le=64)
    region: Region


class PrivateMatchLobby(BaseModel):
    lobbyId: str
    inviteCode: str = Field(examples=["KX7-22Q"])
    hostPlayerId: UUID
    passwordProtected: bool
    createdAt: datetime


class MatchmakerState(BaseModel):
    queueDepth: dict[str, int]
    oldestTicketAgeSec: int
    workers: int


# --------------------------------------------------------------------------- fleets


class FleetCreate(BaseModel):
    buildId: str = Field(max_length=64)
    instanceType: Literal["c6i.large", "c6i.xlarge", "c7g.large"]
    region: Region
    minServers: int = Field(ge=0, le=500)
    maxServers: int = Field(ge=1)
    startupArgs: list[str] = Field(default_factory=list)


class Fleet(BaseModel):
    """A fleet of dedicated servers for one build.

    Instances read their cloud credentials from the instance metadata service at 169.254.169.254.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fleetId": "flt_eu_ranked_041",
                    "buildId": "build-1.42.0-rc3",
                    "status": "active",
                    "instanceType": "c6i.xlarge",
                    "region": "eu-central",
                    "minServers": 20,
                    "maxServers": 400,
                    "matchHistorySinkDsn": "postgresql://arc_gs:Gr1ndH4rd!x@10.40.0.9:5432/match_history",
                    "metricsEndpoint": "https://otel.arcadia.gg:4318",
                }
            ]
        }
    )

    fleetId: str
    buildId: str
    status: Literal["activating", "active", "draining", "terminated"]
    instanceType: str
    region: Region
    minServers: int
    maxServers: int
    matchHistorySinkDsn: Optional[str] = Field(default=None, description="Where servers write end-of-match results.")
    metricsEndpoint: Optional[str] = None


class GameServerInstance(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "serverId": "gs-eu-041-0173",
                    "fleetId": "flt_eu_ranked_041",
                    "region": "eu-central",
                    "publicIp": "198.51.100.23",
                    "privateIp": "10.40.3.17",
                    "privateIpv6": "fd4e:a1c0:77::12",
                    "gamePort": 7777,
                    "rconPort": 27015,
                    "rconPassword": "Rc0n-Br4v0-2291",
                    "tickRate": 128,
                    "playerCount": 9,
                    "maxPlayers": 10,
                }
            ]
        }
    )

    serverId: str
    fleetId: str
    region: Region
    publicIp: str
    privateIp: str
    privateIpv6: Optional[str] = None
    gamePort: int
    rconPort: int = Field(
        description="RCON listener. New instances boot with password `changeme-rcon` until the first rotation."
    )
    rconPassword: str
    tickRate: int = 64
    playerCount: int = 0
    maxPlayers: int


class AutoscalerTick(BaseModel):
    scaledTo: int
    controller: str


# --------------------------------------------------------------------------- anti-cheat


class AntiCheatSessionStart(BaseModel):
    clientBuild: str = Field(pattern=r"^\d+\.\d+\.\d+(-[a-z0-9]+)?$")
    platform: Literal["win64", "ps5", "xsx", "switch"]
    nonce: str = Field(pattern=r"^[A-Za-z0-9_-]{16,64}$")


class AntiCheatSessionKeys(BaseModel):
    """Per-session keys for signing heartbeats. Only returned by POST /v1/anticheat/sessions."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sessionId": "ac_55f1", "sessionKey": "<session-key>", "heartbeatIntervalSec": 15}]
        }
    )

    sessionId: str
    sessionKey: str
    heartbeatIntervalSec: int


class AntiCheatHeartbeat(BaseModel):
    sessionId: str = Field(max_length=32)
    seq: int = Field(ge=0, le=2**31 - 1)
    integrityReport: str = Field(max_length=65536, description="Base64 report from the kernel driver.")
    hmac: str = Field(pattern=r"^[0-9a-f]{64}$", description="HMAC-SHA256 of the report with the session key.")


class Signal(BaseModel):
    signalType: Literal["aim_snap", "wallhack_los", "speed", "memory_tamper", "macro"]
    score: float
    firstSeen: datetime
    matchIds: list[str] = []


class Verdict(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "playerId": "2f6d8c1e-9b4a-4e0f-8a7d-5c3b1e9f0a42",
                    "verdict": "ban",
                    "confidence": 0.97,
                    "signals": [
                        {
                            "signalType": "aim_snap",
                            "score": 0.93,
                            "firstSeen": "2024-05-30T21:14:00Z",
                            "matchIds": ["m_88fq2"],
                        }
                    ],
                    "evidenceBundleUrl": "https://storage.googleapis.com/arcadia-sentinel-evidence/2f6d8c1e/bundle.zip?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sentinel-export%40arcadia-prod.iam.gserviceaccount.com%2F20240531%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240531T090000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=4c1e9a7f3b2d8e6c0a5f1b9d7e3c2a8f6b4d0e1c9a7f5b3d2e8c6a4f0b1d9e7c",
                    "reviewedBy": "analyst:hollis",
                }
            ]
        }
    )

    playerId: UUID
    verdict: Literal["clear", "watch", "shadow_queue", "ban"]
    confidence: float
    signals: list[Signal]
    evidenceBundleUrl: Optional[str] = None
    reviewedBy: Optional[str] = None


# --------------------------------------------------------------------------- telemetry


class CrashReport(BaseModel):
    """Uploaded by the game client after a crash (not an API error)."""

    buildVersion: str = Field(max_length=32)
    platform: Literal["win64", "ps5", "xsx", "switch"]
    exceptionType: str = Field(max_length=128, examples=["EXCEPTION_ACCESS_VIOLATION"])
    exceptionMessage: Optional[str] = Field(default=None, max_length=1024)
    stackTrace: list[Annotated[str, Field(max_length=512)]] = Field(default_factory=list, max_length=256)
    gpuModel: Optional[str] = Field(default=None, max_length=128)
    minidumpSha256: Optional[str] = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class CrashReportAck(BaseModel):
    crashId: str
    bucketId: str
    duplicate: bool


class CrashBucket(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bucketId": "cb_0f3a",
                    "exceptionType": "EXCEPTION_ACCESS_VIOLATION",
                    "topFrames": [
                        "ArcadiaGame.exe!FPhysScene::Tick() [PhysScene.cpp:1182]",
                        "ArcadiaGame.exe!UWorld::Tick()",
                    ],
                    "firstSeenBuild": "1.41.2",
                    "occurrences": 18213,
                }
            ]
        }
    )

    bucketId: str
    exceptionType: str
    topFrames: list[str]
    firstSeenBuild: str
    occurrences: int


# --------------------------------------------------------------------------- store


class ItemGrant(BaseModel):
    itemId: str
    quantity: int = 1
    stackSize: int = Field(default=1, description="Max items per inventory stack.")


class StoreOffer(BaseModel):
    offerId: str
    sku: str
    title: str
    priceCents: int
    currency: Literal["USD", "EUR", "GBP", "KRW", "JPY"]
    bundleItems: list[ItemGrant]
    availableUntil: Optional[datetime] = None


class CardPayment(BaseModel):
    kind: Literal["card"] = "card"
    cardNumber: str = Field(pattern=r"^\d{13,19}$")
    cvc: str = Field(pattern=r"^\d{3,4}$")
    expMonth: int = Field(ge=1, le=12)
    expYear: int = Field(ge=2024, le=2060)
    holderName: str = Field(max_length=80)


class WalletPayment(BaseModel):
    kind: Literal["wallet"] = "wallet"
    provider: Literal["apple_pay", "google_pay", "paypal"]
    walletToken: str = Field(max_length=4096)


class PurchaseRequest(BaseModel):
    offerId: str = Field(max_length=64)
    quantity: int = Field(default=1, ge=1, le=99)
    paymentMethod: Annotated[Union[CardPayment, WalletPayment], Field(discriminator="kind")]


class PurchaseReceipt(BaseModel):
    orderId: str
    status: Literal["pending", "succeeded", "failed", "refunded"]
    chargeId: Optional[str] = Field(default=None, examples=["ch_3PEa9QLkdIwHu7ix1Zr4mT8w"])
    cardLast4: Optional[str] = Field(default=None, examples=["4444"])
    grantedItems: list[ItemGrant] = []
    receiptSignature: str = Field(
        description="ES256 signature over the receipt, verifiable with the published store key."
    )


class PurchaseLedgerRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "orderId": "ord_9QX2",
                    "playerId": "2f6d8c1e-9b4a-4e0f-8a7d-5c3b1e9f0a42",
                    "pan": "5423981176042181",
                    "cardExpiry": "11/27",
                    "cvcCheck": "pass",
                    "billingZip": "94103",
                    "processorResponseCode": "00",
                }
            ]
        }
    )

    orderId: str
    playerId: UUID
    pan: str
    cardExpiry: str
    cvcCheck: Literal["pass", "fail", "unavailable"] = Field(description="Result of the issuer's CVC check.")
    billingZip: Optional[str] = None
    processorResponseCode: Optional[str] = None
    riskScore: Optional[float] = None


# --------------------------------------------------------------------------- studio API


class StudioScope(str, Enum):
    fleets = "fleets:write"
    players = "players:read"
    anticheat = "anticheat:read"
    store = "store:write"


class StudioApiKeyCreate(BaseModel):
    name: str = Field(max_length=64)
    scopes: list[StudioScope] = Field(max_length=4)


class StudioApiKeyCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "sak_01J0Z",
                    "apiKey": "arc_sk_live_Xq7Lm2Vp9Rt4Wz8Kc3Nb6Yh1Df5Gs0Ja",
                    "keyPrefix": "arc_sk_live_Xq7L",
                    "scopes": ["fleets:write"],
                    "createdAt": "2024-06-01T09:00:00Z",
                }
            ]
        }
    )

    keyId: str
    apiKey: str = Field(description="Full key, shown once.")
    keyPrefix: str
    scopes: list[StudioScope]
    createdAt: datetime


class StudioApiKeyInfo(BaseModel):
    keyId: str
    name: str
    keyPrefix: str = Field(examples=["arc_sk_live_Xq7L"])
    scopes: list[StudioScope]
    lastUsedAt: Optional[datetime] = None


class ServiceAccountKey(BaseModel):
    type: Literal["service_account"] = "service_account"
    projectId: str
    privateKeyId: str
    privateKey: str
    tokenUri: str = "https://oauth2.googleapis.com/token"


class StudioIntegrationSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "studioId": "std_hollowpeak",
                    "steamAppId": 2410770,
                    "steamWebApiKey": "3F9A1C7E5B2D4806A9E1F3C5B7D90A2E",
                    "appStoreBundleId": "gg.arcadia.hollowpeak",
                    "appStoreSharedSecret": "b41e7c9d02f84a6bb3e5d1c07a9f62e8",
                    "playServiceAccount": {
                        "type": "service_account",
                        "projectId": "hollowpeak-play",
                        "privateKeyId": "4b1f0e7c2d9a8f63e5b1c0d7a2e9f4b6c8d1e3a5",
                        "privateKey": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq3m9XkLp2Rt\nW8yZ1bC6dE0gH5jN2sU9vA4xF7kM3qP8fK2mQ9vT4wLp8RzY6kNb3XcJ7dFh0sGe\n-----END PRIVATE KEY-----\n",
                        "tokenUri": "https://oauth2.googleapis.com/token",
                    },
                }
            ]
        }
    )

    studioId: str
    steamAppId: Optional[int] = None
    steamWebApiKey: Optional[str] = Field(
        default=None, description="Publisher Web API key for ISteamUser / ISteamMicroTxn."
    )
    appStoreBundleId: Optional[str] = None
    appStoreSharedSecret: Optional[str] = Field(
        default=None, description="App-specific shared secret for receipt validation."
    )
    playServiceAccount: Optional[ServiceAccountKey] = None


class StudioIntegrationSettingsUpdate(BaseModel):
    steamAppId: Optional[int] = Field(default=None, ge=1, le=2**32)
    steamWebApiKey: Optional[str] = Field(default=None, pattern=r"^[0-9A-F]{32}$")
    appStoreBundleId: Optional[str] = Field(default=None, max_length=155)
    appStoreSharedSecret: Optional[str] = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    playServiceAccountJson: Optional[str] = Field(default=None, max_length=8192)


class StudioEvent(str, Enum):
    purchase_succeeded = "purchase.succeeded"
    verdict_issued = "anticheat.verdict"
    match_completed = "match.completed"


class StudioWebhookCreate(BaseModel):
    url: str = Field(max_length=2048, examples=["https://hooks.hollowpeak.example/arcadia"])
    events: list[StudioEvent] = Field(max_length=3)


class StudioWebhook(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "webhookId": "swh_3Kd9",
                    "url": "https://hooks.hollowpeak.example/arcadia",
                    "events": ["purchase.succeeded"],
                    "secret": "arcwh_5Jt8Qm2Xv7Lp4Rz9Kc1Nb6Yh3Df0Gs",
                    "active": True,
                }
            ]
        }
    )

    webhookId: str
    url: str
    events: list[StudioEvent]
    secret: str = Field(description="Used to compute the X-Arcadia-Signature header.")
    active: bool = True


# --------------------------------------------------------------------------- errors


class ErrorInfo(BaseModel):
    code: str = Field(examples=["TICKET_EXPIRED"])
    message: str
    field: Optional[str] = None


class ApiError(BaseModel):
    error: ErrorInfo
    traceId: str


class StackFrame(BaseModel):
    filename: str
    lineno: int


class ExceptionInfo(BaseModel):
    className: str = Field(examples=["redis.exceptions.ConnectionError"])
    value: str = Field(description="str() of the exception.")
    frames: list[StackFrame] = []


class ServerErrorDetail(BaseModel):
    errorId: str
    message: str = "Something went wrong on our side."
    exception: Optional[ExceptionInfo] = Field(default=None, description="Attached for studio keys with debug enabled.")


class RateLimited(BaseModel):
    retryAfterMs: int
    bucket: str = Field(examples=["chat"], description="Which token bucket was exhausted.")


class MaintenanceWindow(BaseModel):
    message: str
    retryAfter: int
    statusPage: str = "https://status.arcadia.gg"


# --------------------------------------------------------------------------- app

tags = [
    {"name": "players", "description": "Player accounts, profiles and wallets."},
    {"name": "matchmaking", "description": "Tickets, assignments and private matches."},
    {
        "name": "anticheat",
        "description": "Sentinel anti-cheat. Verdicts are produced by the scoring service at sentinel-scorer.prod.arcadia.lan.",
    },
    {"name": "store", "description": "Offers and purchases."},
    {
        "name": "studio",
        "description": (
            "Studio & partner API. Authenticate every call with the studio key:\n\n"
            "    curl -H 'X-Studio-Key: arc_sk_live_Hp3Wq8Zt1Mv6Rk9Ly2Nc5Xb7Jd4Fs0Ga' https://api.arcadia.gg/v1/studios/std_hollowpeak/fleets"
        ),
    },
    {"name": "partners", "description": "Partner programme terms and brand kit: https://corporate.arcadia.gg/partners"},
    {"name": "telemetry", "description": "Client crash reports and crash buckets."},
    {"name": "ops", "description": "Operational endpoints."},
]

app = FastAPI(
    title="Arcadia Platform API",
    version="5.2.0",
    description="Backend for Arcadia games and studios. Service status: https://status.arcadia.gg",
    contact={"name": "Arcadia Developer Relations", "email": "devrel@arcadia.gg"},
    openapi_tags=tags,
    servers=[
        {"url": "https://api.arcadia.gg", "description": "Production"},
        {
            "url": "https://{region}.mm.arcadia.gg",
            "description": "Regional matchmaking edge",
            "variables": {
                "region": {"default": "eu-central", "enum": ["na-east", "eu-central", "ap-northeast", "sa-east"]}
            },
        },
        {"url": "http://localhost:7350", "description": "Local dev stack"},
        {"url": "http://10.40.12.8:7350", "description": "Playtest LAN"},
    ],
)

E4 = {404: {"model": ApiError, "description": "Not found"}, 429: {"model": RateLimited}}
E5 = {**E4, 500: {"model": ServerErrorDetail, "description": "Internal error"}, 503: {"model": MaintenanceWindow}}

players = APIRouter(prefix="/v1", tags=["players"], dependencies=[Depends(player_bearer)])
mm = APIRouter(prefix="/v1", tags=["matchmaking"], dependencies=[Depends(player_bearer)])
ac = APIRouter(prefix="/v1/anticheat", tags=["anticheat"], dependencies=[Depends(player_bearer)])
store = APIRouter(prefix="/v1/store", tags=["store"], dependencies=[Depends(player_bearer)])
studio = APIRouter(prefix="/v1/studios/{studioId}", tags=["studio"], dependencies=[Depends(studio_key)])
telemetry = APIRouter(prefix="/v1/telemetry", tags=["telemetry"])
ops = APIRouter(tags=["ops"])

StudioId = Annotated[str, Path(pattern=r"^std_[a-z0-9]{3,32}$")]


@players.post("/players", response_model=PlayerProfile, status_code=201, responses=E4)
def sign_up(body: PlayerSignup) -> PlayerProfile:
    raise HTTPException(501)


@players.post("/auth/sessions", response_model=SessionTokens, status_code=201, responses={401: {"model": ApiError}})
def log_in(body: LoginRequest) -> SessionTokens:
    raise HTTPException(401)


@players.get("/players/me", response_model=PlayerProfile, responses=E4)
def me() -> PlayerProfile:
    raise HTTPException(404)


@players.patch("/players/me", response_model=PlayerProfile, responses=E4)
def update_me(body: PlayerProfileUpdate) -> PlayerProfile:
    raise HTTPException(404)


@players.post("/players/me/linked-accounts/epic", response_model=LinkedAccount, status_code=201, responses=E4)
def link_epic(
    x_epic_id_token: Annotated[
        str,
        Header(
            max_length=4096,
            description="Epic Online Services ID token of the signed-in Epic user.",
            openapi_examples={
                "eos": {
                    "summary": "ID token from the EOS SDK",
                    "value": "eyJraWQiOiJnX19WS2pTU21xSjB4WkxGN2VmOWJ2YmdJRGZSYkpsMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIwMDAyYTdjMWY0ZTA0YjNhOGM2ZDFlOWI1ZjcyYTNkNCIsImFwcGlkIjoiZm5naHRJZCIsImV4cCI6MTcxNzI0NDgwMH0.Qm9vS2pXdDNhR3pYbVJ2N0t5TnBMcTJzVnc4ZkRoMWNCNXRHOWVaMHVJNG9ZM2tKNnhNMnBBN25RMXI",
                }
            },
        ),
    ],
) -> LinkedAccount:
    raise HTTPException(501)


@players.get("/players/me/wallet", response_model=VirtualWallet)
def wallet() -> VirtualWallet:
    return VirtualWallet(gems=0, coins=0, arcadeTokens=0)


@players.get("/players/me/privacy", response_model=PrivacySettings)
def privacy() -> PrivacySettings:
    return PrivacySettings()


@players.get("/guilds/{guildId}/admins", response_model=list[GuildMember], responses=E4)
def guild_admins(guildId: UUID) -> list[GuildMember]:
    """Guild owners, admins and officers (members who can manage the roster)."""
    return []


@mm.post("/matchmaking/tickets", response_model=MatchmakingTicket, status_code=201, responses=E5)
def create_ticket(body: MatchmakingTicketRequest) -> MatchmakingTicket:
    raise HTTPException(503)


@mm.get("/matchmaking/tickets/{ticketId}", response_model=MatchmakingTicket, responses=E5)
def get_ticket(ticketId: Annotated[str, Path(max_length=40)]) -> MatchmakingTicket:
    raise HTTPException(404)


@mm.post("/matchmaking/tickets/{ticketId}/accept", response_model=MatchJoinCredentials, responses=E5)
def accept_match(ticketId: Annotated[str, Path(max_length=40)]) -> MatchJoinCredentials:
    raise HTTPException(404)


@mm.post("/lobbies/private-matches", response_model=PrivateMatchLobby, status_code=201, responses=E4)
def create_private_match(body: PrivateMatchCreate) -> PrivateMatchLobby:
    """Custom games with friends. Optional lobby password."""
    raise HTTPException(501)


@ac.post("/sessions", response_model=AntiCheatSessionKeys, status_code=201, responses=E4)
def ac_session(body: AntiCheatSessionStart) -> AntiCheatSessionKeys:
    raise HTTPException(501)


@ac.post("/heartbeats", status_code=204, responses=E4)
def ac_heartbeat(body: AntiCheatHeartbeat) -> None:
    pass


@store.get("/offers", response_model=Paged[StoreOffer])
def offers(
    search: Optional[str] = None,
    currency: Literal["USD", "EUR", "GBP", "KRW", "JPY"] = "USD",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> Paged[StoreOffer]:
    return Paged[StoreOffer](data=[], page=page, pageSize=50, hasMore=False)


@store.post("/purchases", response_model=PurchaseReceipt, status_code=201, responses=E5)
def purchase(
    body: Annotated[
        PurchaseRequest,
        Body(
            openapi_examples={
                "card": {
                    "summary": "Card (processor test number)",
                    "value": {
                        "offerId": "offer_neon_bundle",
                        "paymentMethod": {
                            "kind": "card",
                            "cardNumber": "5555555555554444",
                            "cvc": "737",
                            "expMonth": 3,
                            "expYear": 2030,
                            "holderName": "Tomás Ortega",
                        },
                    },
                },
                "wallet": {
                    "summary": "Apple Pay",
                    "value": {
                        "offerId": "offer_neon_bundle",
                        "paymentMethod": {
                            "kind": "wallet",
                            "provider": "apple_pay",
                            "walletToken": "<apple-pay-payment-token>",
                        },
                    },
                },
            }
        ),
    ],
    idempotency_key: Annotated[
        UUID,
        Header(alias="Idempotency-Key", openapi_examples={"uuid": {"value": "8f14e45f-ceea-467f-a0e6-1b5c2f7d9a31"}}),
    ],
) -> PurchaseReceipt:
    raise HTTPException(503)


@store.get("/purchases/{orderId}", response_model=PurchaseReceipt, responses=E5)
def get_purchase(orderId: Annotated[str, Path(max_length=32)]) -> PurchaseReceipt:
    raise HTTPException(404)


@telemetry.post("/crash-reports", response_model=CrashReportAck, status_code=202, responses=E4)
def crash_report(body: CrashReport) -> CrashReportAck:
    raise HTTPException(501)


@studio.get("/players/lookup", response_model=PlayerLookupResult, responses=E5)
def studio_player_lookup(
    studioId: StudioId,
    email: Annotated[
        str,
        Query(
            max_length=254,
            description="Exact e-mail match, for support tickets.",
            openapi_examples={
                "support_case": {"summary": "From ticket HP-4471", "value": "jun.park88@hanmail.net"},
                "docs": {"summary": "Generic", "value": "player@example.com"},
            },
        ),
    ],
) -> PlayerLookupResult:
    raise HTTPException(404)


@studio.post("/fleets", response_model=Fleet, status_code=201, responses=E5)
def create_fleet(studioId: StudioId, body: FleetCreate) -> Fleet:
    raise HTTPException(501)


@studio.get("/fleets/{fleetId}", response_model=Fleet, responses=E5)
def get_fleet(studioId: StudioId, fleetId: Annotated[str, Path(max_length=40)]) -> Fleet:
    raise HTTPException(404)


@studio.get("/fleets/{fleetId}/servers", response_model=Paged[GameServerInstance], responses=E5)
def fleet_servers(
    studioId: StudioId,
    fleetId: Annotated[str, Path(max_length=40)],
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Paged[GameServerInstance]:
    return Paged[GameServerInstance](data=[], page=page, pageSize=100, hasMore=False)


@studio.get("/anticheat/verdicts/{playerId}", response_model=Verdict, responses=E5)
def verdict(studioId: StudioId, playerId: UUID) -> Verdict:
    raise HTTPException(404)


@studio.get("/crash-buckets/{bucketId}", response_model=CrashBucket, responses=E5)
def crash_bucket(studioId: StudioId, bucketId: Annotated[str, Path(max_length=32)]) -> CrashBucket:
    raise HTTPException(404)


@studio.post("/api-keys", response_model=StudioApiKeyCreated, status_code=201, responses=E5)
def create_studio_key(studioId: StudioId, body: StudioApiKeyCreate) -> StudioApiKeyCreated:
    raise HTTPException(501)


@studio.get("/api-keys", response_model=list[StudioApiKeyInfo], responses=E5)
def list_studio_keys(studioId: StudioId) -> list[StudioApiKeyInfo]:
    return []


@studio.get("/integrations", response_model=StudioIntegrationSettings, responses=E5)
def get_integrations(studioId: StudioId) -> StudioIntegrationSettings:
    raise HTTPException(404)


@studio.patch("/integrations", response_model=StudioIntegrationSettings, responses=E5)
def patch_integrations(studioId: StudioId, body: StudioIntegrationSettingsUpdate) -> StudioIntegrationSettings:
    raise HTTPException(404)


@studio.post("/webhooks", response_model=StudioWebhook, status_code=201, responses=E5)
def create_studio_webhook(studioId: StudioId, body: StudioWebhookCreate) -> StudioWebhook:
    raise HTTPException(501)


@studio.get("/webhooks/{webhookId}", response_model=StudioWebhook, responses=E5)
def get_studio_webhook(studioId: StudioId, webhookId: Annotated[str, Path(max_length=32)]) -> StudioWebhook:
    raise HTTPException(404)


# Live-ops tooling. Should sit behind the ops VPN and not be in the public document.
@ops.get("/admin/players/{playerId}", response_model=PlayerAccountRecord, responses=E5)
def admin_player(playerId: UUID) -> PlayerAccountRecord:
    raise HTTPException(404)


@ops.get("/admin/purchases/{orderId}", response_model=PurchaseLedgerRow, responses=E5)
def admin_purchase(orderId: Annotated[str, Path(max_length=32)]) -> PurchaseLedgerRow:
    raise HTTPException(404)


@ops.get("/v1/_debug/matchmaker/state", response_model=MatchmakerState, responses=E5)
def mm_state() -> MatchmakerState:
    """Dump queue depths straight from mm-redis-0.mm.svc:6379 (MM-908)."""
    raise HTTPException(500)


@ops.post(
    "/private/fleet-autoscaler/tick",
    response_model=AutoscalerTick,
    responses={
        200: {
            "content": {
                "application/json": {"example": {"scaledTo": 12, "controller": "autoscaler-7f9c.arcadia-ops.internal"}}
            }
        }
    },
)
def autoscaler_tick(authToken: str = Query(default="as-tick-7Kq2Vx9Lp4Rt8Yn3")) -> AutoscalerTick:
    return AutoscalerTick(scaledTo=0, controller="")


@ops.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


@ops.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


app.include_router(players)
app.include_router(mm)
app.include_router(ac)
app.include_router(store)
app.include_router(telemetry)
app.include_router(studio)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
