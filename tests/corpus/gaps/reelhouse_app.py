"""Reelhouse Studios distribution API: titles and rights, licensees, watermarked screeners,
royalty statements and the delivery pipeline.

Generate the OpenAPI document with:  python reelhouse_app.py > reelhouse.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader, OpenIdConnect
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_pascal

T = TypeVar("T")

oidc = OpenIdConnect(
    openIdConnectUrl="https://login.reelhouse.com/.well-known/openid-configuration",
    scheme_name="ReelhouseLogin",
)
apim_key = APIKeyHeader(
    name="Ocp-Apim-Subscription-Key",
    scheme_name="ApimSubscription",
    description="Subscription key from the partner portal (Products → Distribution v3).",
)

TITLE_ID = Annotated[str, Path(pattern=r"^ttl_[A-Z0-9]{4,12}$")]
LICENSEE_ID = Annotated[str, Path(pattern=r"^lic_[a-z0-9]{3,24}$")]


class ResultSet(BaseModel, Generic[T]):
    results: list[T]
    continuationToken: str | None = Field(default=None, description="Opaque cursor; pass it back to get the next page.")


# --------------------------------------------------------------------------- errors (.NET-style problem details)


class ProblemDetails(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    traceId: str = Field(examples=["00-84b7c1e0f2a34d5b9c8e7f6a5b4c3d2e-1a2b3c4d5e6f7a8b-00"])


class RightsConflict(BaseModel):
    type: str = "https://api.reelhouse.com/problems/rights-conflict"
    title: str = "Territory not licensed for this media"
    status: int = 409
    detail: str | None = None
    conflictingWindowIds: list[str] = Field(default_factory=list)


class InnerException(BaseModel):
    exceptionType: str
    stackTrace: str


class DeveloperProblemDetails(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    traceId: str
    exceptionType: str = Field(examples=["Npgsql.PostgresException"])
    exceptionMessage: str
    stackTrace: str
    innerException: InnerException | None = None
    failedStatement: str | None = Field(
        default=None, description="SQL statement that raised, when the failure came from the rights DB."
    )


E404 = {404: {"model": ProblemDetails, "description": "Not found"}}
E500 = {500: {"model": DeveloperProblemDetails, "description": "Unhandled exception"}}


# --------------------------------------------------------------------------- titles and rights


class KeyArtAsset(BaseModel):
    assetId: str
    kind: Literal["poster", "banner", "thumbnail", "logo"]
    locale: str = Field(examples=["fr-FR"])
    url: str = Field(examples=["https://img.reelhouse.com/keyart/RH2291/poster_fr-FR_2000x3000.jpg"])
    width: int
    height: int


class AvailabilityWindow(BaseModel):
    windowId: str
    territory: str = Field(examples=["FR"])
    media: Literal["Theatrical", "TVOD", "SVOD", "AVOD", "PayTV", "FreeTV"]
    start: date
    end: date
    exclusive: bool
    holdbackDays: int = 0


class Title(BaseModel):
    titleId: str
    eidrId: str = Field(
        examples=["10.5240/7791-8534-2C23-9030-8610-5"], description="EIDR content id (public registry)."
    )
    title: str
    originalTitle: str | None = Field(default=None, examples=["Il porto d'inverno"])
    releaseYear: int
    runtimeMin: int
    keyArt: list[KeyArtAsset] = Field(default_factory=list)
    keyCast: list[str] = Field(default_factory=list, description="Top-billed cast, as contracted for marketing.")
    keywords: list[str] = Field(default_factory=list)
    windows: list[AvailabilityWindow] = Field(default_factory=list)


class PrivateScreening(BaseModel):
    screeningId: str
    venue: str
    city: str
    startsAt: datetime
    capacity: int
    inviteOnly: bool = True


class DrmConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keyId": "2f6b7c1e-9a3d-4e8f-b5c2-7d1a0e9f3b64",
                    "contentKey": "929da4f89a0145a0bd75c207026f09dc",
                    "pssh": "AAAAW3Bzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAADsIARIQL2t8HpqdTo+1wn0aDp87ZBoNd2lkZXZpbmVfdGVzdCIQcmgyMjkxX2ZyX3R2b2Q=",
                    "licenseServerUrl": "https://drm.reelhouse.com/widevine/license",
                }
            ]
        }
    )

    keyId: UUID
    contentKey: str = Field(description="AES-128 content encryption key (hex).")
    pssh: str
    licenseServerUrl: str


class SignedDownload(BaseModel):
    url: str
    expiresAt: datetime


# --------------------------------------------------------------------------- licensees


class LicenseeContact(BaseModel):
    name: str
    role: str
    email: str
    phone: str | None = None


class AsperaEndpoint(BaseModel):
    kind: Literal["aspera"] = "aspera"
    host: str
    username: str
    password: str
    targetRateMbps: int = 500


class SftpEndpoint(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "sftp",
                    "host": "sftp.nordicscreen.se",
                    "port": 22,
                    "username": "reelhouse",
                    "privateKeyPem": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBk3Lq8Vx2mT7rP0sK3dF5gH7jL9nW4qY1bC6eA8uZ2xQAAAJgV7c3kFe3N\n5AAAAAtzc2gtZWQyNTUxOQAAACBk3Lq8Vx2mT7rP0sK3dF5gH7jL9nW4qY1bC6eA8uZ2xQ\n-----END OPENSSH PRIVATE KEY-----",
                    "hostKeyFingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
                }
            ]
        }
    )

    kind: Literal["sftp"] = "sftp"
    host: str
    port: int = 22
    username: str
    privateKeyPem: str
    hostKeyFingerprint: str


class S3Endpoint(BaseModel):
    kind: Literal["s3"] = "s3"
    bucket: str
    region: str
    prefix: str = ""
    awsAccessKeyId: str
    awsSecretAccessKey: str


class FtpEndpoint(BaseModel):
    """Legacy FTP drop used by some French broadcasters (field names from their spec)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "ftp",
                    "hote": "10.60.2.15",
                    "port": 21,
                    "utilisateur": "rh_livraison",
                    "motDePasse": "Cin3ma!Livraison",
                    "repertoire": "/depot/reelhouse",
                }
            ]
        }
    )

    kind: Literal["ftp"] = "ftp"
    hote: str
    port: int = 21
    utilisateur: str
    motDePasse: str
    repertoire: str = "/"


DeliveryEndpoint = Annotated[AsperaEndpoint | SftpEndpoint | S3Endpoint | FtpEndpoint, Field(discriminator="kind")]


class Licensee(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "licenseeId": "lic_canalvision",
                    "legalName": "Canal Vision SAS",
                    "territories": ["FR", "BE", "LU", "MC"],
                    "contacts": [
                        {
                            "name": "Amélie Fontaine",
                            "role": "Acquisitions",
                            "email": "a.fontaine@canalvision.fr",
                            "phone": "+33 6 12 48 93 07",
                        },
                        {
                            "name": "Delivery desk",
                            "role": "Operations",
                            "email": "ops@example.net",
                            "phone": "+44 7700 900417",
                        },
                    ],
                    "deliveryEndpoint": {
                        "kind": "s3",
                        "bucket": "canalvision-ingest",
                        "region": "eu-west-3",
                        "prefix": "reelhouse/",
                        "awsAccessKeyId": "AKIAQ4NV7XJ2KD3MZB8R",
                        "awsSecretAccessKey": "9sKd2Lq7Vx4Mz8Rt1Wb6Yn3Pc5Hf0Gj7Ea2Uo4Ti",
                    },
                }
            ]
        }
    )

    licenseeId: str
    legalName: str
    territories: list[str]
    contacts: list[LicenseeContact]
    deliveryEndpoint: DeliveryEndpoint | None = None


class LicenseeCreate(BaseModel):
    legalName: str = Field(max_length=200)
    territories: list[str]
    contacts: list[LicenseeContact] = Field(default_factory=list, max_length=20)


class LicenseeAdminUser(BaseModel):
    userId: str
    displayName: str
    role: Literal["LicenseeAdmin", "LicenseeViewer"]
    lastLoginAt: datetime | None = None


# --------------------------------------------------------------------------- screeners


class WatermarkSpec(BaseModel):
    mode: Literal["visible", "forensic", "both"] = "both"
    overlayText: str | None = Field(
        default=None, max_length=60, description="Visible burn-in, e.g. the recipient's name."
    )
    debugOverlay: bool = Field(
        default=False, description="Also burn the forensic payload id into the corner (QC only)."
    )


class ScreenerCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "titleId": "ttl_RH2291",
                    "recipientEmail": "festival.programmer@example.org",
                    "expiresInHours": 72,
                    "watermark": {"mode": "both", "overlayText": "FOR AWARDS CONSIDERATION"},
                    "passcode": "Premiere2024!",
                }
            ]
        }
    )

    titleId: str = Field(pattern=r"^ttl_[A-Z0-9]{4,12}$")
    recipientEmail: str = Field(max_length=254)
    expiresInHours: int = Field(default=72, ge=1, le=720)
    watermark: WatermarkSpec = WatermarkSpec()
    passcode: str | None = Field(default=None, max_length=32, description="Optional passcode the viewer must enter.")
    note: str | None = Field(default=None, description="Shown to the recipient on the landing page.")


class Screener(BaseModel):
    screenerId: str
    titleId: str
    recipientEmail: str
    status: Literal["active", "expired", "revoked"]
    watermark: WatermarkSpec
    watermarkPayloadId: str = Field(description="Forensic payload embedded in this copy; used to trace leaks.")
    passcodeRequired: bool
    passcode: str | None = None
    viewCount: int
    expiresAt: datetime


class PlaybackSession(BaseModel):
    """Created by POST /v3/screeners/{screenerId}/playback-sessions only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hlsUrl": "https://play.reelhouse.com/s/8c1e0f/master.m3u8",
                    "drmLicenseToken": "<drm-license-jwt>",
                    "expiresAt": "2024-06-12T10:00:00Z",
                }
            ]
        }
    )

    hlsUrl: str
    drmLicenseToken: str
    expiresAt: datetime


class WatermarkVendorConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "nexguard",
                    "apiBaseUrl": "https://wm-preproc-01.reelhouse.corp/api/v2",
                    "operatorId": "op-2291",
                    "apiKey": "ngx_live_5Tq8Rz2Vm7Lx4Nk9Pw3Hb6Yc1Dj0Fs",
                }
            ]
        }
    )

    vendor: Literal["nexguard", "civolution"]
    apiBaseUrl: str
    operatorId: str
    apiKey: str


# --------------------------------------------------------------------------- delivery pipeline


class TransferEvent(BaseModel):
    at: datetime
    source: str
    destination: str
    agentIp: str
    bytes: int
    protocol: Literal["aspera", "sftp", "s3", "ftp"]


class QcCheck(BaseModel):
    name: str
    result: Literal["pass", "warn", "fail"]
    note: str | None = None


class DeliveryJob(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "jobId": "dlv_01J0C8R4",
                    "licenseeId": "lic_canalvision",
                    "titleId": "ttl_RH2291",
                    "package": "IMF",
                    "status": "exception",
                    "exceptionCode": "QC_LOUDNESS_OUT_OF_SPEC",
                    "qc": [{"name": "EBU R128 loudness", "result": "fail", "note": "-19.4 LUFS on reel 3"}],
                    "transfers": [
                        {
                            "at": "2024-06-11T22:14:05Z",
                            "source": "smb://nas-post-02.reelhouse.local/masters/RH-2291/IMF",
                            "destination": "s3://canalvision-ingest/reelhouse/",
                            "agentIp": "172.19.8.40",
                            "bytes": 412316860416,
                            "protocol": "s3",
                        }
                    ],
                    "manifestSha256": "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
                }
            ]
        }
    )

    jobId: str
    licenseeId: str
    titleId: str
    package: Literal["IMF", "ProRes", "DCP", "H264Mezz"]
    status: Literal["queued", "transcoding", "qc", "transferring", "delivered", "exception"]
    exceptionCode: str | None = Field(default=None, description="Why the job is parked in the `exception` state.")
    qc: list[QcCheck] = Field(default_factory=list)
    transfers: list[TransferEvent] = Field(default_factory=list)
    manifestSha256: str | None = None


class DeliveryRequest(BaseModel):
    licenseeId: str = Field(pattern=r"^lic_[a-z0-9]{3,24}$")
    titleId: str = Field(pattern=r"^ttl_[A-Z0-9]{4,12}$")
    package: Literal["IMF", "ProRes", "DCP", "H264Mezz"]
    territory: str = Field(pattern=r"^[A-Z]{2}$")
    specialInstructions: str | None = None


# --------------------------------------------------------------------------- royalties (finance team, PascalCase wire format)


class PascalModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True)


class PayeeBank(PascalModel):
    iban: str
    bic: str
    account_name: str


class Participant(PascalModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ParticipantId": "par_0001",
                    "DisplayName": "Sample Participant",
                    "Role": "Writer",
                    "TaxId": "XXX-XX-XXXX",
                    "PassportNumber": "<passport-number>",
                    "W8BenOnFile": False,
                    "PayeeEmail": "payee@example.com",
                    "Bank": {
                        "Iban": "DE89370400440532013000",
                        "Bic": "COBADEFFXXX",
                        "AccountName": "Sample Participant",
                    },
                },
                {
                    "ParticipantId": "par_0417",
                    "DisplayName": "Ruth Okonkwo-Hale",
                    "Role": "Director",
                    "TaxId": "531-84-2270",
                    "PassportNumber": "C03891745",
                    "W8BenOnFile": True,
                    "PayeeEmail": "r.okonkwo-hale@btinternet.com",
                    "Bank": {"Iban": "GB33BUKB20201555555555", "Bic": "BUKBGB22", "AccountName": "R Okonkwo-Hale"},
                },
            ]
        }
    )

    participant_id: str
    display_name: str
    role: Literal["Director", "Writer", "Producer", "Performer", "Composer"]
    tax_id: str = Field(description="SSN/ITIN for US persons; foreign TIN otherwise.")
    passport_number: str | None = None
    w8_ben_on_file: bool = Field(default=False, alias="W8BenOnFile")
    payee_email: str
    bank: PayeeBank


class RoyaltyLine(PascalModel):
    title_id: str
    territory: str
    media: str
    gross_receipts: float
    distribution_fee_pct: float
    participation_pct: float
    amount: float


class RoyaltyStatement(PascalModel):
    """Participation statement for one period.

    Generated nightly by the participations engine (rh-royalty-internal.reelhouse.com); figures are final
    once Status is `issued`.
    """

    statement_id: str
    period: str = Field(examples=["2024-Q1"])
    participant: Participant
    lines: list[RoyaltyLine]
    amount_payable: float
    currency: Literal["USD", "EUR", "GBP"]
    status: Literal["draft", "issued", "disputed"]


class RecalcRequest(BaseModel):
    period: str = Field(pattern=r"^\d{4}-Q[1-4]$")


# --------------------------------------------------------------------------- debug


class ActiveSession(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sessionId": "ses_7c1d",
                    "userEmail": "k.nakamura@reelhouse.com",
                    "clientIp": "10.60.4.22",
                    "accessToken": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1XzQ4MjEzIiwiZW1haWwiOiJrLm5ha2FtdXJhQHJlZWxob3VzZS5jb20iLCJyb2xlcyI6WyJkaXN0cmlidXRpb24uZmluYW5jZSJdLCJpYXQiOjE3MTc1MDAwMDAsImV4cCI6MTcxNzUwMzYwMH0.tV0jcPSp1AR9sz1Gp-9XWaoTEMytTTkNcu2DyHIemP8",
                    "startedAt": "2024-06-04T11:20:00Z",
                }
            ]
        }
    )

    sessionId: str
    userEmail: str
    clientIp: str
    accessToken: str
    startedAt: datetime


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Reelhouse Distribution API",
    version="3.12.0",
    description=(
        "Content licensing and distribution API for Reelhouse Studios licensees and partners. "
        "Corporate site: https://corporate.reelhouse.com."
    ),
    contact={"name": "Distribution Technology", "email": "distribution-tech@reelhouse.com"},
    servers=[
        {"url": "https://api.reelhouse.com/distribution/v3", "description": "Production"},
        {"url": "https://international.reelhouse.com/distribution/v3", "description": "EMEA/APAC partner gateway"},
        {"url": "https://uat-distribution.intranet.reelhouse.com", "description": "UAT (studio network)"},
    ],
)

titles = APIRouter(prefix="/v3/titles", tags=["titles"], dependencies=[Depends(apim_key)])
licensees = APIRouter(prefix="/v3/licensees", tags=["licensees"], dependencies=[Depends(oidc)])
screeners = APIRouter(prefix="/v3/screeners", tags=["screeners"], dependencies=[Depends(oidc)])
deliveries = APIRouter(prefix="/v3/deliveries", tags=["deliveries"], dependencies=[Depends(oidc)])
royalties = APIRouter(prefix="/v3", tags=["royalties"], dependencies=[Depends(oidc)])
ops = APIRouter(prefix="/v3", tags=["ops"])


@titles.get("", response_model=ResultSet[Title], responses=E500)
def search_titles(
    search: str | None = None,
    territory: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    continuationToken: Annotated[str | None, Query(max_length=512)] = None,
) -> ResultSet[Title]:
    """Search the catalogue.

    ```
    curl -H "Ocp-Apim-Subscription-Key: 3f9c2a7d41b84e0f9a6c5d2e1b7f8a90" \\
      "https://api.reelhouse.com/distribution/v3/titles?search=harbour&territory=FR"
    ```
    """
    return ResultSet[Title](results=[])


@titles.get("/{titleId}", response_model=Title, responses={**E404, **E500})
def get_title(titleId: TITLE_ID) -> Title:
    raise HTTPException(404)


@titles.get("/{titleId}/key-art", response_model=list[KeyArtAsset], responses=E404)
def key_art(titleId: TITLE_ID) -> list[KeyArtAsset]:
    """Posters and banners licensees may use in their storefronts."""
    return []


@titles.get("/{titleId}/private-screenings", response_model=list[PrivateScreening], responses=E404)
def private_screenings(titleId: TITLE_ID) -> list[PrivateScreening]:
    """Invite-only premieres and press screenings for the title."""
    return []


@titles.get("/{titleId}/drm", response_model=DrmConfig, responses={**E404, **E500})
def drm_config(titleId: TITLE_ID) -> DrmConfig:
    raise HTTPException(404)


@titles.post(
    "/{titleId}/assets/{assetId}/download-links",
    response_model=SignedDownload,
    status_code=201,
    responses={
        201: {
            "content": {
                "application/json": {
                    "example": {
                        "url": (
                            "https://rh-masters-usw2.s3.us-west-2.amazonaws.com/RH-2291/IMF/CPL_8c1e.xml"
                            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAW7RM2QZK5TXN3HBD%2F20240612%2Fus-west-2%2Fs3%2Faws4_request"
                            "&X-Amz-Date=20240612T093000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                            "&X-Amz-Signature=7a1c9e3b5d2f8a4c6e0b9d7f1a3c5e8b2d4f6a0c9e7b1d3f5a8c2e4b6d0f9a1c"
                        ),
                        "expiresAt": "2024-06-12T10:30:00Z",
                    }
                }
            }
        },
        **E404,
    },
)
def create_download_link(
    titleId: TITLE_ID, assetId: Annotated[str, Path(pattern=r"^ast_[a-z0-9]{4,16}$")]
) -> SignedDownload:
    """Create a short-lived download link for a master asset."""
    raise HTTPException(404)


@licensees.post("", response_model=Licensee, status_code=201, responses=E500)
def create_licensee(body: LicenseeCreate) -> Licensee:
    raise HTTPException(501)


@licensees.get("/{licenseeId}", response_model=Licensee, responses={**E404, **E500})
def get_licensee(licenseeId: LICENSEE_ID) -> Licensee:
    raise HTTPException(404)


@licensees.get("/{licenseeId}/administrators", response_model=list[LicenseeAdminUser], responses=E404)
def licensee_admins(licenseeId: LICENSEE_ID) -> list[LicenseeAdminUser]:
    """Users at the licensee who can manage deliveries and screeners."""
    return []


@screeners.post("", response_model=Screener, status_code=201, responses=E500)
def create_screener(body: ScreenerCreate) -> Screener:
    """Create a watermarked screener link for one recipient."""
    raise HTTPException(501)


@screeners.get("/{screenerId}", response_model=Screener, responses=E404)
def get_screener(screenerId: Annotated[str, Path(pattern=r"^scr_[a-z0-9]{6,20}$")]) -> Screener:
    raise HTTPException(404)


@screeners.post("/{screenerId}/playback-sessions", response_model=PlaybackSession, status_code=201, responses=E404)
def start_playback(screenerId: Annotated[str, Path(pattern=r"^scr_[a-z0-9]{6,20}$")]) -> PlaybackSession:
    raise HTTPException(404)


@deliveries.post(
    "",
    response_model=DeliveryJob,
    status_code=202,
    responses={409: {"model": RightsConflict, "description": "Title not licensed in that territory"}, **E500},
)
def create_delivery(body: DeliveryRequest) -> DeliveryJob:
    """Queue a delivery to a licensee.

    Packages are transcoded on the Vantage farm (vantage-ctl.post.reelhouse.lan) before transfer.
    """
    raise HTTPException(409)


@deliveries.get("", response_model=ResultSet[DeliveryJob])
def list_deliveries(
    status: Literal["queued", "transcoding", "qc", "transferring", "delivered", "exception"] | None = None,
    continuationToken: Annotated[str | None, Query(max_length=512)] = None,
) -> ResultSet[DeliveryJob]:
    return ResultSet[DeliveryJob](results=[])


@deliveries.get("/{jobId}", response_model=DeliveryJob, responses={**E404, **E500})
def get_delivery(jobId: Annotated[str, Path(pattern=r"^dlv_[0-9A-Z]{6,26}$")]) -> DeliveryJob:
    raise HTTPException(404)


@royalties.get("/royalty-statements/{statementId}", response_model=RoyaltyStatement, responses={**E404, **E500})
def get_statement(statementId: Annotated[str, Path(pattern=r"^rs_[0-9]{4}Q[1-4]_[a-z0-9]{4,12}$")]) -> RoyaltyStatement:
    raise HTTPException(404)


@royalties.get("/participants/{participantId}", response_model=Participant, responses=E404)
def get_participant(participantId: Annotated[str, Path(pattern=r"^par_[0-9]{4,8}$")]) -> Participant:
    raise HTTPException(404)


@ops.get("/help/debugging-playback", response_class=HTMLResponse, tags=["docs"])
def help_debugging_playback() -> str:
    """Licensee guide: troubleshooting screener playback (browser support, HDCP, VPN blocks)."""
    return "<h1>Debugging playback</h1>"


@ops.get("/_admin/watermark-vendors", response_model=list[WatermarkVendorConfig])
def watermark_vendors() -> list[WatermarkVendorConfig]:
    return []


@ops.post("/private/royalty-engine/recalculate", status_code=202)
def recalc_royalties(body: RecalcRequest) -> None:
    """Queue a participations recalculation for a closed period."""


@ops.get("/debug/active-sessions", response_model=list[ActiveSession])
def active_sessions() -> list[ActiveSession]:
    return []


app.include_router(titles)
app.include_router(licensees)
app.include_router(screeners)
app.include_router(deliveries)
app.include_router(royalties)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
