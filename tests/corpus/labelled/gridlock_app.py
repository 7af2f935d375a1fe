"""Gridlock: backend-as-a-service for multiplayer games (players, fleets, leaderboards, economy, live ops).

Generate the OpenAPI document with:  python gridlock_app.py > gridlock.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Literal, Optional, Union

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2
from pydantic import BaseModel, ConfigDict, Field

studio_oauth = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(
            tokenUrl="https://login.gridlock.gg/oauth2/token",
            refreshUrl="http://sts.gridlock.localdomain/oauth2/refresh",
            scopes={"titles:write": "Manage titles", "liveops": "Run live-ops tools"},
        )
    ),
    scheme_name="StudioOAuth",
)
title_secret = APIKeyHeader(
    name="X-Gridlock-SecretKey",
    scheme_name="TitleSecretKey",
    description="Title secret key; only for dedicated servers and studio back ends.",
)
entity_token = APIKeyHeader(name="X-EntityToken", scheme_name="EntityToken")


class Platform(str, Enum):
    steam = "Steam"
    xbox = "XboxLive"
    psn = "PSN"
    apple = "GameCenter"
    google = "GooglePlayGames"
    discord = "Discord"


# --------------------------------------------------------------------------- player auth


class LoginWithDeviceRequest(BaseModel):
    TitleId: str = Field(pattern=r"^[A-Z0-9]{5}$")
    DeviceId: str = Field(max_length=128)
    CreateAccount: bool = False


class EntityTokenInfo(BaseModel):
    EntityToken: str
    TokenExpiration: datetime


class LoginResult(BaseModel):
    """Issued by a login call; clients send SessionTicket / EntityToken on later requests."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "PlayerId": "P-8F21C9A0D3",
                    "SessionTicket": "<session-ticket>",
                    "EntityToken": {"EntityToken": "<entity-token>", "TokenExpiration": "2024-06-22T12:00:00Z"},
                    "NewlyCreated": False,
                }
            ]
        }
    )

    PlayerId: str
    SessionTicket: str
    EntityToken: EntityTokenInfo
    NewlyCreated: bool = False


class RegisterPlayerRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"Email": "newplayer@example.org", "Password": "Fr4gM4ster!2024", "DisplayName": "NightOwl"}]
        }
    )

    Email: str = Field(max_length=254)
    Password: str = Field(min_length=8, max_length=100)
    DisplayName: str = Field(min_length=3, max_length=25)


class RegisterPlayerResult(BaseModel):
    PlayerId: str
    DisplayName: str


class LinkXboxRequest(BaseModel):
    XboxToken: str = Field(
        max_length=4096, description="`XBL3.0 x=<userhash>;<token>` from the console's GetTokenAndSignature."
    )
    ForceLink: bool = False


class LinkedAccountSummary(BaseModel):
    Platform: Platform
    PlatformUserId: str
    Username: Optional[str] = None


class RateLimitPolicy(BaseModel):
    BurstTokens: int
    TokensPerInterval: int
    IntervalSeconds: int


class PlayerProfile(BaseModel):
    PlayerId: str
    DisplayName: str
    AvatarUrl: Optional[str] = None
    Created: datetime
    LastLogin: Optional[datetime] = None
    LinkedAccounts: list[LinkedAccountSummary] = []
    Keybindings: dict[str, str] = Field(default_factory=dict, description="Action name -> key, synced across devices.")
    SecretAchievementsUnlocked: int = Field(default=0, description="Count of hidden achievements earned.")


class ChatMessage(BaseModel):
    From: str
    Body: str
    SentAt: datetime


# --------------------------------------------------------------------------- studios & titles


class TitleOut(BaseModel):
    TitleId: str
    Name: str
    SessionTimeoutMinutes: int = 1440
    RateLimits: RateLimitPolicy


class TitleSecretKeySummary(BaseModel):
    KeyId: str
    Prefix: str = Field(examples=["gl_sk_live_4f"])
    Active: bool
    CreatedAt: datetime


class TitleSecretKeyCreated(BaseModel):
    """The full secret is returned only by this call."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "KeyId": "sk_01J0Z8K4",
                    "Prefix": "gl_sk_live_4f",
                    "SecretKey": "gl_sk_live_4fQ7mX2vR9pL3nT8wB5cZ1yH6dK0sJ4gA",
                    "CreatedAt": "2024-06-01T09:00:00Z",
                }
            ]
        }
    )

    KeyId: str
    Prefix: str
    SecretKey: str
    CreatedAt: datetime


class TitleSecretKeyCreate(BaseModel):
    Label: str = Field(max_length=40)


class SteamIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"AppId": 1840210, "WebApiKey": "3F9A2C71D0B84E6F95A1C2D3E4F5A6B7"}]}
    )

    AppId: int
    WebApiKey: str = Field(description="Publisher Web API key used to verify Steam session tickets.")


class AppleIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "BundleId": "gg.gridlock.arena",
                    "AppStoreSharedSecret": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
                    "IssuerId": "57246542-96fe-1a63-e053-0824d011072a",
                    "KeyId": "2X9R4HXF34",
                    "PrivateKeyP8": "-----BEGIN PRIVATE KEY-----\nMIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQgZk3xPq8LmT2vR7Wn\n-----END PRIVATE KEY-----",
                }
            ]
        }
    )

    BundleId: str
    AppStoreSharedSecret: Optional[str] = None
    IssuerId: Optional[str] = None
    KeyId: Optional[str] = Field(default=None, description="App Store Connect API key id.")
    PrivateKeyP8: Optional[str] = None


class GooglePlayIntegration(BaseModel):
    PackageName: str
    ServiceAccountJson: str = Field(description="Service-account key file used to call the Play Developer API.")


class TitleIntegrations(BaseModel):
    Steam: Optional[SteamIntegration] = None
    Apple: Optional[AppleIntegration] = None
    GooglePlay: Optional[GooglePlayIntegration] = None


class CloudScriptSettings(BaseModel):
    Runtime: Literal["node20", "dotnet8"] = "node20"
    TimeoutSeconds: int = 10
    ProfilerEndpoint: Optional[str] = Field(
        default="http://pyroscope.gridlock.lan:4040", description="Continuous profiler for script workers."
    )
    DebugLogging: bool = Field(default=False, description="Keep per-invocation logs for 24h.")


class StudioBilling(BaseModel):
    StudioId: str
    LegalName: str
    StripeCustomerId: str
    XsollaProjectId: int
    XsollaMerchantApiKey: str = Field(examples=["xs_mk_8d1f3a9c5e7b2d4f6a8c0e1b3d5f7a9c"])


# --------------------------------------------------------------------------- fleet


class ServerRegisterRequest(BaseModel):
    BuildId: str = Field(max_length=64)
    Region: Literal["EastUs", "WestUs", "NorthEurope", "JapanEast"]
    PublicIpV4: str = Field(max_length=15)
    Port: int = Field(ge=1, le=65535)
    RconPassword: str = Field(default="Rc0n!Arena2023", max_length=64)


class ServerRegistration(BaseModel):
    """Returned when a dedicated server registers; the heartbeat token is scoped to that server."""

    ServerId: str
    HeartbeatToken: str
    HeartbeatIntervalSeconds: int = 15


class GameServerInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ServerId": "srv-euw-0193",
                    "BuildId": "arena-1.4.2",
                    "Region": "NorthEurope",
                    "PublicIpV4": "203.0.113.45",
                    "PrivateIpV4": "10.0.12.7",
                    "Port": 7777,
                    "RconPassword": "arena-rcon-7Hq2",
                    "State": "Active",
                    "PlayerCount": 9,
                    "MaxPlayers": 12,
                }
            ]
        }
    )

    ServerId: str
    BuildId: str
    Region: str
    PublicIpV4: str
    PrivateIpV4: Optional[str] = None
    Port: int
    RconPassword: Optional[str] = None
    State: Literal["Initializing", "StandingBy", "Active", "Terminating"]
    PlayerCount: int
    MaxPlayers: int


class BuildManifest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "BuildId": "arena-1.4.2",
                    "ContainerImage": "registry.gridlock.gg/studio-a1b2c/arena:1.4.2",
                    "Sha256": "9b74c9897bac770ffc029102a200c5de8ae7c4e1f1b1a5d3e9f0c2b4a6d8e0f1",
                    "SizeBytes": 2147483648,
                    "EnvironmentVariables": {
                        "LOG_LEVEL": "info",
                        "REDIS_URL": "redis://matchmaker:Qm7vR2xT9@redis-mm.gridlock.internal:6379/0",
                    },
                }
            ]
        }
    )

    BuildId: str
    ContainerImage: str
    Sha256: str
    SizeBytes: int
    EnvironmentVariables: dict[str, str] = {}


class SymbolFile(BaseModel):
    BuildId: str
    Platform: Literal["win64", "linux", "ps5", "xsx"]
    Sha256: str
    UploadedAt: datetime


class GameServerEndpoint(BaseModel):
    IPV4Address: str = Field(examples=["198.51.100.23"])
    Port: int


class MatchmakingTicket(BaseModel):
    TicketId: str
    Status: Literal["WaitingForPlayers", "WaitingForMatch", "Matched", "Canceled"]
    ServerDetails: Optional[GameServerEndpoint] = None


class CreateTicketRequest(BaseModel):
    QueueName: str = Field(max_length=64)
    Attributes: dict[str, float] = Field(
        default_factory=dict, description="Skill, latency and other matching attributes."
    )
    GiveUpAfterSeconds: int = Field(default=120, ge=1, le=600)


class QueueDebugState(BaseModel):
    QueueName: str
    TicketsWaiting: int
    OldestTicketAgeSeconds: float


# --------------------------------------------------------------------------- leaderboards


class LeaderboardDefinition(BaseModel):
    StatisticName: str
    SortKey: Literal["Descending", "Ascending"] = "Descending"
    AggregationMethod: Literal["Last", "Min", "Max", "Sum"] = "Max"
    ResetFrequency: Literal["Never", "Hour", "Day", "Week", "Month"] = "Never"


class LeaderboardEntry(BaseModel):
    Position: int
    PlayerId: str
    DisplayName: Optional[str] = None
    StatValue: int


class LeaderboardPage(BaseModel):
    Definition: LeaderboardDefinition
    Leaderboard: list[LeaderboardEntry]
    Version: int
    NextReset: Optional[datetime] = None


# --------------------------------------------------------------------------- economy


class CatalogItem(BaseModel):
    ItemId: str
    DisplayName: str
    VirtualCurrencyPrices: dict[str, int] = {}
    Tags: list[str] = []


class GrantedItem(BaseModel):
    ItemInstanceId: str
    ItemId: str
    PurchaseDate: datetime


class PurchaseResult(BaseModel):
    Items: list[GrantedItem]


class ReceiptValidationRequest(BaseModel):
    ReceiptData: str = Field(description="Base64 App Store receipt.")
    CurrencyCode: str = Field(pattern=r"^[A-Z]{3}$")
    PurchasePrice: int = Field(ge=0, le=100_000)


class CardDetails(BaseModel):
    Number: str = Field(pattern=r"^\d{13,19}$")
    ExpMonth: int = Field(ge=1, le=12)
    ExpYear: int = Field(ge=2024, le=2100)
    Cvc: str = Field(pattern=r"^\d{3,4}$")


class WebCheckoutRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "BundleId": "gems_1200",
                    "Card": {"Number": "4000056655665556", "ExpMonth": 4, "ExpYear": 2029, "Cvc": "123"},
                    "BillingEmail": "buyer@example.com",
                }
            ]
        }
    )

    BundleId: str = Field(max_length=64)
    Card: CardDetails
    BillingEmail: str = Field(max_length=254)


class GrantCurrencyRequest(BaseModel):
    PlayerId: str = Field(max_length=32)
    Currency: str = Field(pattern=r"^[A-Z]{2}$")
    Amount: int = Field(ge=1, le=1_000_000)
    Reason: str


# --------------------------------------------------------------------------- anti-fraud & crash reports


class CrashReport(BaseModel):
    BuildVersion: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    Platform: Literal["win64", "linux", "ps5", "xsx", "ios", "android"]
    ExceptionType: str = Field(max_length=256)
    StackTrace: str = Field(max_length=65536, description="Symbolicated client stack trace.")
    Breadcrumbs: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=50)


class CrashReportAck(BaseModel):
    ReportId: str
    Deduplicated: bool


class CrashReportSummary(BaseModel):
    ReportId: str
    ExceptionType: str
    StackTrace: str
    Occurrences: int
    FirstSeen: datetime


class CheatReport(BaseModel):
    PlayerId: str = Field(max_length=32)
    Signature: str = Field(max_length=128, description="Id of the memory-pattern signature that matched.")
    HeuristicScore: float = Field(ge=0, le=1)


class FraudSignal(BaseModel):
    Kind: Literal["device_reuse", "velocity", "card_bin_mismatch", "vpn"]
    DeviceFingerprint: Optional[str] = None
    IpAddress: Optional[str] = None
    CardBin: Optional[str] = None
    Weight: float


class ChargebackDetail(BaseModel):
    ProcessorDisputeId: str
    Amount: int
    CardNumber: str
    CardholderEmail: Optional[str] = None


class FraudCase(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "CaseId": "fc_20240611_0042",
                    "PlayerId": "P-8F21C9A0D3",
                    "RiskScore": 0.93,
                    "Signals": [
                        {
                            "Kind": "card_bin_mismatch",
                            "DeviceFingerprint": "df_7c1e0a9b",
                            "IpAddress": "172.58.14.201",
                            "CardBin": "552947",
                            "Weight": 0.6,
                        }
                    ],
                    "Chargeback": {
                        "ProcessorDisputeId": "dp_1PQx8LkdIwHu7ixZ",
                        "Amount": 9999,
                        "CardNumber": "5529471188305621",
                        "CardholderEmail": "xxslayerxx99@hotmail.com",
                    },
                }
            ]
        }
    )

    CaseId: str
    PlayerId: str
    RiskScore: float
    Signals: list[FraudSignal] = []
    Chargeback: Optional[ChargebackDetail] = None


class LinkedIdentity(BaseModel):
    Platform: Platform
    PlatformUserId: str
    AccessToken: Optional[str] = None
    RefreshToken: Optional[str] = None


class UserAccountInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "PlayerId": "P-8F21C9A0D3",
                    "Username": "NightOwl",
                    "Email": "k.tanaka.gamer@gmail.com",
                    "PasswordHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHlzYWx0c2FsdA$Zq8mV2xR4tL7nP0wK3yB6cH9dF1gJ5sE8aU2iO4",
                    "TotpSeed": "KZXW6YTBOI4TQMZSGQ2DKNRXHA4DCMJQ",
                    "LinkedAccounts": [
                        {
                            "Platform": "GooglePlayGames",
                            "PlatformUserId": "g07349258812345678901",
                            "AccessToken": "ya29.a0AfB_byC3xQ9mL2vR7tW4nK8pZ1sD6fH0jG5bN3cV9eY2uI4oA7",
                        }
                    ],
                    "BannedUntil": None,
                }
            ]
        }
    )

    PlayerId: str
    Username: Optional[str] = None
    Email: Optional[str] = None
    PasswordHash: Optional[str] = None
    TotpSeed: Optional[str] = None
    RecoveryCodes: list[str] = []
    LinkedAccounts: list[LinkedIdentity] = []
    BannedUntil: Optional[datetime] = None


class BanRequest(BaseModel):
    Reason: str = Field(max_length=280)
    DurationHours: Optional[int] = Field(default=None, ge=1, le=87600)


class BanRecord(BaseModel):
    BanId: str
    PlayerId: str
    Reason: str
    Expires: Optional[datetime] = None


class GrantResult(BaseModel):
    PlayerId: str
    Currency: str
    Balance: int


class LobbyCreate(BaseModel):
    Name: str = Field(max_length=40)
    MaxPlayers: int = Field(ge=2, le=64)
    LobbyPassword: Optional[str] = Field(default=None, max_length=32)


class LobbyOut(BaseModel):
    LobbyId: str
    Name: str
    OwnerId: str
    MaxPlayers: int
    PasswordProtected: bool = False


class LiveOpsEvent(BaseModel):
    EventId: str
    Name: str
    StartsAt: datetime
    EndsAt: datetime


# --------------------------------------------------------------------------- errors


class GridlockError(BaseModel):
    Code: int = Field(examples=[400])
    Status: str = Field(examples=["BadRequest"])
    Error: str = Field(examples=["InvalidParams"])
    ErrorMessage: str
    ErrorDetails: Optional[dict[str, list[str]]] = None
    RequestId: str


class InnerFault(BaseModel):
    ExceptionType: str
    ExceptionMessage: str
    StackTrace: Optional[str] = None


class ServiceFault(BaseModel):
    Code: int = 500
    Status: str = "InternalServerError"
    Error: str = "InternalServerError"
    ErrorMessage: str
    RequestId: str
    ExceptionName: Optional[str] = Field(default=None, examples=["System.Data.SqlClient.SqlException"])
    StackTrace: Optional[str] = None
    InnerException: Optional[InnerFault] = None


class ScriptExecutionError(BaseModel):
    FunctionName: str
    Error: str = Field(examples=["CloudScriptFunctionTimeout"])
    ErrorMessage: str
    ScriptStackTrace: Optional[list[str]] = Field(
        default=None, description="Frames from the studio's function and the host runtime."
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Gridlock Game Services",
    version="5.8.0",
    description="Player identity, matchmaking, dedicated-server fleets, leaderboards and economy for Gridlock titles.",
    servers=[
        {
            "url": "https://{TitleId}.api.gridlock.gg",
            "description": "Per-title endpoint",
            "variables": {"TitleId": {"default": "A1B2C", "description": "Your five-character title id"}},
        },
        {"url": "https://api.gridlock.gg", "description": "Global"},
        {"url": "http://localhost:7350", "description": "Local emulator"},
        {"url": "https://gridlock-api-internal.euw1.gridlock.gg", "description": "EU ops cluster"},
    ],
)

ERR = {
    400: {"model": GridlockError, "description": "Bad request"},
    404: {"model": GridlockError, "description": "Not found"},
    500: {"model": ServiceFault, "description": "Service fault"},
}

client = APIRouter(prefix="/Client", tags=["Client"])
server = APIRouter(prefix="/Server", tags=["Server"], dependencies=[Depends(title_secret)])
studio = APIRouter(prefix="/Studio", tags=["Studio"], dependencies=[Depends(studio_oauth)])
liveops = APIRouter(tags=["LiveOps"], dependencies=[Depends(studio_oauth)])


@client.post("/LoginWithDeviceId", response_model=LoginResult, responses=ERR)
def login_with_device(body: LoginWithDeviceRequest) -> LoginResult:
    raise HTTPException(400)


@client.post("/RegisterPlayer", response_model=RegisterPlayerResult, status_code=201, responses=ERR)
def register_player(body: RegisterPlayerRequest) -> RegisterPlayerResult:
    raise HTTPException(400)


@client.post("/LinkXboxAccount", status_code=204, responses=ERR, dependencies=[Depends(entity_token)])
def link_xbox(
    body: Annotated[
        LinkXboxRequest,
        Body(
            openapi_examples={
                "console": {
                    "summary": "Token captured from a dev kit",
                    "value": {
                        "XboxToken": "XBL3.0 x=2535415836427117;eyJlbmMiOiJBMTI4Q0JDK0hTMjU2IiwiYWxnIjoiUlNBLU9BRVAiLCJjdHkiOiJKV1QiLCJ6aXAiOiJERUYiLCJ4NXQiOiIxZlVBejExYmtpWklFaE5KSVZnSDFTdTVzX2cifQ.kq8F2mVx9Lr4Tp7Wn3Yc6Hb1Jd5Gs0Qz",
                        "ForceLink": False,
                    },
                },
                "placeholder": {
                    "summary": "Shape only",
                    "value": {"XboxToken": "XBL3.0 x=<userhash>;<token>", "ForceLink": True},
                },
            }
        ),
    ],
) -> None:
    pass


@client.get(
    "/Players/{PlayerId}/Profile", response_model=PlayerProfile, responses=ERR, dependencies=[Depends(entity_token)]
)
def player_profile(PlayerId: Annotated[str, Path(max_length=32)]) -> PlayerProfile:
    """Public profile of a player.

    ```
    curl https://A1B2C.api.gridlock.gg/Client/Players/P-8F21C9A0D3/Profile \\
      -H 'X-EntityToken: eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJQLThGMjFDOUEwRDMiLCJ0aWQiOiJULTRCN0UiLCJzZXNzIjoiYzFlMCIsImlhdCI6MTcxOTAwMDAwMCwiZXhwIjoxNzE5MDg2NDAwfQ.JbJS8H7pUs85QKlyD4XqCHulAvbkJ_aUUldOibUH7neNoVrTSWJTeYbOLr0USO35959LJCPCZNnzGu4yD56nKw'
    ```
    """
    raise HTTPException(404)


@client.get(
    "/Players/{PlayerId}/PrivateMessages", response_model=list[ChatMessage], dependencies=[Depends(entity_token)]
)
def private_messages(
    PlayerId: Annotated[str, Path(max_length=32)], Since: Optional[datetime] = None
) -> list[ChatMessage]:
    """Direct messages between the caller and this player."""
    return []


@client.get("/Leaderboards/{StatisticName}", response_model=LeaderboardPage, responses=ERR)
def leaderboard(
    StatisticName: Annotated[str, Path(max_length=64)],
    StartPosition: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    MaxResultsCount: int = 100,
) -> LeaderboardPage:
    raise HTTPException(404)


@client.get("/Catalog", response_model=list[CatalogItem])
def catalog(Tag: Optional[str] = None) -> list[CatalogItem]:
    return []


@client.post("/ValidateIOSReceipt", response_model=PurchaseResult, responses=ERR, dependencies=[Depends(entity_token)])
def validate_ios_receipt(body: ReceiptValidationRequest) -> PurchaseResult:
    raise HTTPException(400)


@client.post("/WebStore/Checkout", response_model=PurchaseResult, responses=ERR, dependencies=[Depends(entity_token)])
def web_checkout(body: WebCheckoutRequest) -> PurchaseResult:
    raise HTTPException(400)


@client.post(
    "/Matchmaking/Tickets",
    response_model=MatchmakingTicket,
    status_code=201,
    responses=ERR,
    dependencies=[Depends(entity_token)],
)
def create_ticket(body: CreateTicketRequest) -> MatchmakingTicket:
    raise HTTPException(400)


@client.post("/Lobbies", response_model=LobbyOut, status_code=201, responses=ERR, dependencies=[Depends(entity_token)])
def create_lobby(body: LobbyCreate) -> LobbyOut:
    raise HTTPException(400)


@client.get("/Lobbies", response_model=list[LobbyOut], dependencies=[Depends(entity_token)])
def list_lobbies() -> list[LobbyOut]:
    return []


@client.post("/ReportCrash", response_model=CrashReportAck, status_code=202)
def report_crash(body: CrashReport) -> CrashReportAck:
    raise HTTPException(400)


@client.get("/CrashReports/{ReportId}", response_model=CrashReportSummary, responses=ERR)
def crash_report(ReportId: Annotated[str, Path(max_length=32)]) -> CrashReportSummary:
    raise HTTPException(404)


@client.post(
    "/ExecuteFunction",
    response_model=dict[str, Union[str, int, float, bool]],
    responses={
        424: {"model": ScriptExecutionError, "description": "The studio's function failed"},
        500: {"model": ServiceFault},
    },
    dependencies=[Depends(entity_token)],
)
def execute_function(
    FunctionName: Annotated[str, Body(embed=True, max_length=64)],
    FunctionParameter: Annotated[Optional[dict[str, str]], Body(embed=True)] = None,
) -> dict[str, Union[str, int, float, bool]]:
    raise HTTPException(424)


@server.post("/Fleet/Register", response_model=ServerRegistration, status_code=201, responses=ERR)
def register_server(
    body: ServerRegisterRequest,
    x_fleet_bootstrap_token: Annotated[
        str,
        Header(
            max_length=128,
            examples=["flt_bst_9Xk2Qv7Lm4Rp8Tn3Wc6Yb1Hd5"],
            description="One-time token baked into the build.",
        ),
    ],
) -> ServerRegistration:
    raise HTTPException(400)


@server.get("/Fleet/Servers", response_model=list[GameServerInfo])
def list_servers(
    Region: Optional[Literal["EastUs", "WestUs", "NorthEurope", "JapanEast"]] = None,
) -> list[GameServerInfo]:
    return []


@server.get("/Builds/{BuildId}", response_model=BuildManifest, responses=ERR)
def build_manifest(BuildId: Annotated[str, Path(max_length=64)]) -> BuildManifest:
    raise HTTPException(404)


@server.get("/Debugging/Symbols/{BuildId}", response_model=list[SymbolFile])
def debug_symbols(BuildId: Annotated[str, Path(max_length=64)]) -> list[SymbolFile]:
    """Debug symbol files (PDB / dSYM) uploaded for a build, used to symbolicate crash reports."""
    return []


@server.post("/AntiCheat/Reports", status_code=202, responses=ERR)
def anticheat_report(body: CheatReport) -> None:
    pass


@studio.get("/{StudioId}/Titles", response_model=list[TitleOut])
def list_titles(StudioId: Annotated[str, Path(max_length=32)]) -> list[TitleOut]:
    return []


@studio.get("/{StudioId}/Titles/{TitleId}/SecretKeys", response_model=list[TitleSecretKeySummary])
def list_secret_keys(
    StudioId: Annotated[str, Path(max_length=32)], TitleId: Annotated[str, Path(pattern=r"^[A-Z0-9]{5}$")]
) -> list[TitleSecretKeySummary]:
    return []


@studio.post("/{StudioId}/Titles/{TitleId}/SecretKeys", response_model=TitleSecretKeyCreated, status_code=201)
def create_secret_key(
    StudioId: Annotated[str, Path(max_length=32)],
    TitleId: Annotated[str, Path(pattern=r"^[A-Z0-9]{5}$")],
    body: TitleSecretKeyCreate,
) -> TitleSecretKeyCreated:
    raise HTTPException(501)


@studio.get("/{StudioId}/Titles/{TitleId}/Integrations", response_model=TitleIntegrations, responses=ERR)
def title_integrations(
    StudioId: Annotated[str, Path(max_length=32)], TitleId: Annotated[str, Path(pattern=r"^[A-Z0-9]{5}$")]
) -> TitleIntegrations:
    raise HTTPException(404)


@studio.get("/{StudioId}/Titles/{TitleId}/CloudScript", response_model=CloudScriptSettings, responses=ERR)
def cloudscript_settings(
    StudioId: Annotated[str, Path(max_length=32)], TitleId: Annotated[str, Path(pattern=r"^[A-Z0-9]{5}$")]
) -> CloudScriptSettings:
    raise HTTPException(404)


@liveops.get("/LiveOps/Events", response_model=list[LiveOpsEvent], tags=["LiveOps"])
def liveops_events(TitleId: Annotated[str, Query(pattern=r"^[A-Z0-9]{5}$")]) -> list[LiveOpsEvent]:
    return []


@liveops.get("/LiveOps/Fraud/Cases", response_model=list[FraudCase], tags=["LiveOps"])
def fraud_cases(Status: Literal["open", "chargeback", "closed"] = "open") -> list[FraudCase]:
    return []


@liveops.get("/Guilds/{GuildId}/Admins", response_model=list[str], tags=["Guilds"])
def guild_admins(GuildId: Annotated[str, Path(max_length=32)]) -> list[str]:
    """Player ids of the guild's officers."""
    return []


@liveops.get("/Admin/GetUserAccountInfo", response_model=UserAccountInfo, responses=ERR, tags=["Admin"])
def admin_get_user(
    PlayerId: Annotated[Optional[str], Query(max_length=32)] = None, Email: Optional[str] = None
) -> UserAccountInfo:
    raise HTTPException(404)


@liveops.post("/Admin/Economy/GrantCurrency", response_model=GrantResult, responses=ERR, tags=["Admin"])
def admin_grant(body: GrantCurrencyRequest) -> GrantResult:
    raise HTTPException(400)


@liveops.post("/Admin/Players/{PlayerId}/Ban", response_model=BanRecord, status_code=201, responses=ERR, tags=["Admin"])
def admin_ban(PlayerId: Annotated[str, Path(max_length=32)], body: BanRequest) -> BanRecord:
    raise HTTPException(404)


@liveops.get("/Private/Studios/{StudioId}/BillingProfile", response_model=StudioBilling, tags=["Admin"])
def studio_billing(StudioId: Annotated[str, Path(max_length=32)]) -> StudioBilling:
    raise HTTPException(404)


@app.get("/_debug/matchmaker/queues", response_model=list[QueueDebugState], tags=["Ops"])
def debug_queues() -> list[QueueDebugState]:
    """Live queue depth, read straight from the matchmaker at 172.22.8.14:7070."""
    return []


@app.post("/internal/fleet/drain", status_code=202, tags=["Ops"])
def drain_fleet(Region: Literal["EastUs", "WestUs", "NorthEurope", "JapanEast"]) -> None:
    """Mark every server in a region for drain.

    Each host agent polls its drain flag from the instance metadata service at 169.254.169.254.
    """


@app.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(client)
app.include_router(server)
app.include_router(studio)
app.include_router(liveops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
