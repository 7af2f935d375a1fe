"""StreamForge: video-on-demand and live streaming with a global CDN.

Generate the OpenAPI document with:  python streaming_app.py > streaming.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class ListResponse(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str | None = Field(default=None, examples=["CiAKGjBpNWVhbGdvcGJ0eHR3Nm9rOHRiaG1iMGEQAQ"])


class AssetStatus(str, Enum):
    uploading = "uploading"
    transcoding = "transcoding"
    ready = "ready"
    errored = "errored"


class Privacy(str, Enum):
    public = "public"
    unlisted = "unlisted"
    private = "private"


class Rendition(BaseModel):
    resolution: Literal["240p", "480p", "720p", "1080p", "2160p"]
    bitrate_kbps: int = Field(examples=[4500])
    codec: str = Field(examples=["avc1.640028"])
    keyframe_interval_s: float = Field(default=2.0, ge=0.5, le=10, description="GOP length in seconds.")


class AssetCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Spring launch keynote",
                    "source_url": "https://uploads.example.com/keynote-master.mov",
                    "privacy": "unlisted",
                    "tags": ["keynote", "2024"],
                }
            ]
        }
    )

    title: str = Field(max_length=200)
    description: str | None = None
    source_url: str = Field(max_length=2048)
    privacy: Privacy = Privacy.public
    tags: list[str] = Field(default_factory=list, max_length=20)
    renditions: list[Rendition] = Field(default_factory=list, max_length=8)


class TranscodeJob(BaseModel):
    job_id: str = Field(examples=["tj_5f2c9a1e"])
    progress: float = Field(ge=0, le=100)
    last_error: str | None = Field(default=None, examples=["Source has no audio track"])
    worker_region: str = Field(examples=["eu-central-1"])


class AssetOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b2e4c1a-6f3d-4e8b-a7c5-2d1f0e9b8a7c",
                    "title": "Spring launch keynote",
                    "status": "ready",
                    "privacy": "unlisted",
                    "duration_s": 3721.4,
                    "poster_url": "https://img.streamforge.tv/9b2e4c1a/poster.jpg",
                    "hls_url": "https://cdn.streamforge.tv/vod/9b2e4c1a/master.m3u8",
                    "content_hash": "md5:9e107d9d372bb6826bd81d3542a419d6",
                    "etag": '"33a64df551425fcc55e4d42a148795d9f25f89d4"',
                    "created_at": "2024-03-18T16:20:00Z",
                }
            ]
        }
    )

    id: UUID
    title: str
    status: AssetStatus
    privacy: Privacy
    duration_s: float | None = None
    poster_url: str | None = None
    hls_url: str | None = None
    content_hash: str | None = None
    etag: str | None = None
    renditions: list[Rendition] = []
    transcode: TranscodeJob | None = None
    created_at: datetime


class SignedPlayback(BaseModel):
    """Time-limited playback URL minted for one viewer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "playback_url": "https://d3x9k2m1p0q7r8.cloudfront.net/vod/9b2e4c1a/master.m3u8?Expires=1717430400&Signature=Hu3k~Zt9qL2vXb8Nw4Yc7Rm1Pa5Sd0Fg6Jh2Kl9Qw3Er7Ty1Ui4Op8As5Df0Gh-Jk2Lz&Key-Pair-Id=K2JCJMDEHXQW5F",
                    "expires_at": "2024-06-03T16:00:00Z",
                    "drm_key_id": "a7e61c373e219033c21091fa607bf3b8",
                }
            ]
        }
    )

    playback_url: str
    expires_at: datetime
    drm_key_id: str | None = Field(default=None, description="Widevine/PlayReady KID (key id).")


class LiveStreamCreate(BaseModel):
    name: str = Field(max_length=120)
    latency_mode: Literal["standard", "low", "ultra_low"] = "low"
    record: bool = True


class LiveStreamOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ls_3Kq8Zm2x",
                    "name": "Friday match day",
                    "ingest_url": "rtmps://live.streamforge.tv:443/app",
                    "backup_ingest_url": "rtmp://10.12.0.5:1935/app",
                    "stream_key": "live_sk_4f9d1b7e2a8c6f3e0d5b9a1c7e4f2d8b",
                    "playback_id": "pb_Yx7Qw2Lm9N",
                    "status": "idle",
                }
            ]
        }
    )

    id: str
    name: str
    ingest_url: str
    backup_ingest_url: str | None = None
    stream_key: str = Field(description="Secret key the encoder (OBS, Wirecast) uses to publish.")
    playback_id: str
    status: Literal["idle", "active", "disconnected"]


class OriginStorage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bucket": "sf-origin-eu",
                    "region": "eu-central-1",
                    "access_key_id": "AKIA4KX2QZ7RMN3TVW8P",
                    "secret_access_key": "pL9wQ2xZ7vN4mK8tR1yB6cH3jF0sD5gA2eU7iO9q",
                    "endpoint": "https://s3.eu-central-1.amazonaws.com",
                }
            ]
        }
    )

    bucket: str
    region: str
    access_key_id: str
    secret_access_key: str
    endpoint: str


class WebhookEndpoint(BaseModel):
    id: str = Field(examples=["we_88Jd2"])
    url: str = Field(examples=["https://hooks.example.net/streamforge"])
    signature_algorithm: Literal["ed25519"] = "ed25519"
    verification_public_key: str = Field(
        examples=["MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="],
        description="Ed25519 public key used to verify `X-SF-Signature` headers.",
    )


class CacheRule(BaseModel):
    path_pattern: str = Field(max_length=256, examples=["/vod/*/segments/*.ts"])
    ttl_seconds: int = Field(ge=0, le=31_536_000, examples=[86400])
    token_bucket_rps: int = Field(default=500, ge=1, le=100_000, description="Per-POP token-bucket rate limit.")


class EdgePop(BaseModel):
    code: str = Field(examples=["FRA1"])
    hostname: str = Field(examples=["edge-fra1.streamforge.net"])
    anycast_ip: str = Field(examples=["198.51.100.24"])
    origin_shield: str = Field(examples=["shield-eu.streamforge.net"])


class ErrorResponse(BaseModel):
    error: str = Field(examples=["asset_not_found"])
    message: str
    request_id: str
    provider: str | None = Field(default=None, examples=["cloudfront"])


class TranscoderCrash(BaseModel):
    error: str
    message: str
    exception_chain: list[str] = Field(
        default_factory=list, description="`repr()` of each exception in the `__cause__` chain."
    )
    source_location: str | None = Field(default=None, examples=["transcoder/pipeline.py:418"])


app = FastAPI(
    title="StreamForge Video API",
    version="2024-05-01",
    description=(
        "# StreamForge\n\nUpload, transcode and deliver video worldwide.\n\n"
        "* Playback is served from `cdn.streamforge.tv`.\n"
        "* Uploads go straight to origin storage; the transcoder fleet pulls from "
        "`[fd4e:2a1b:77c0::12]:9000` over the private backbone."
    ),
    servers=[
        {"url": "https://api.streamforge.tv", "description": "Production"},
        {"url": "http://localhost:8080", "description": "Local development"},
        {"url": "http://origin-01.media.consul:8080", "description": "Origin API (service mesh)"},
    ],
)

ERR = {404: {"model": ErrorResponse}, 502: {"model": ErrorResponse, "description": "CDN upstream error"}}
CRASH = {500: {"model": TranscoderCrash, "description": "Transcoder failure"}}

assets = APIRouter(prefix="/v1/assets", tags=["assets"])
live = APIRouter(prefix="/v1/live-streams", tags=["live"])
cdn = APIRouter(prefix="/v1/cdn", tags=["cdn"])


@assets.post("", response_model=AssetOut, status_code=201, responses={**ERR, **CRASH})
def create_asset(body: AssetCreate) -> AssetOut:
    raise HTTPException(501)


@assets.get("", response_model=ListResponse[AssetOut])
def list_assets(
    status: AssetStatus | None = None,
    tag: str | None = None,
    page_token: Annotated[str | None, Query(max_length=512)] = None,
    page_size: Annotated[int, Query(ge=1, le=100)] = 25,
) -> ListResponse[AssetOut]:
    return ListResponse[AssetOut](items=[])


@assets.get("/{asset_id}", response_model=AssetOut, responses=ERR)
def get_asset(asset_id: UUID) -> AssetOut:
    raise HTTPException(404)


@assets.patch("/{asset_id}/privacy", response_model=AssetOut, responses=ERR)
def set_privacy(asset_id: UUID, privacy: Annotated[Privacy, Body(embed=True)]) -> AssetOut:
    raise HTTPException(404)


@assets.post("/{asset_id}/playback", response_model=SignedPlayback, responses=ERR)
def sign_playback(
    asset_id: UUID,
    viewer_id: Annotated[str, Body(embed=True)],
    ttl_seconds: Annotated[int, Body(embed=True, ge=60, le=86400)] = 3600,
) -> SignedPlayback:
    """Mint a signed playback URL for one viewer (credential issuance)."""
    raise HTTPException(404)


@assets.get("/{asset_id}/transcode", response_model=TranscodeJob, responses={**ERR, **CRASH})
def transcode_status(asset_id: UUID) -> TranscodeJob:
    raise HTTPException(404)


@app.get("/v1/private-videos", response_model=ListResponse[AssetOut], tags=["assets"])
def private_videos(owner: Annotated[str, Query(max_length=64)]) -> ListResponse[AssetOut]:
    """Videos the caller has marked `private`."""
    return ListResponse[AssetOut](items=[])


@live.post("", response_model=LiveStreamOut, status_code=201, responses=ERR)
def create_live(body: LiveStreamCreate) -> LiveStreamOut:
    raise HTTPException(501)


@live.get("/{stream_id}", response_model=LiveStreamOut, responses=ERR)
def get_live(stream_id: Annotated[str, Path(pattern=r"^ls_[A-Za-z0-9]{8}$")]) -> LiveStreamOut:
    raise HTTPException(404)


@live.post("/{stream_id}/reset-key", response_model=LiveStreamOut, responses=ERR)
def reset_key(stream_id: str) -> LiveStreamOut:
    raise HTTPException(404)


@cdn.get("/pops", response_model=list[EdgePop])
def list_pops() -> list[EdgePop]:
    return []


@cdn.get("/cache-rules", response_model=list[CacheRule])
def list_cache_rules() -> list[CacheRule]:
    return []


@cdn.put("/cache-rules", response_model=list[CacheRule])
def put_cache_rules(rules: list[CacheRule]) -> list[CacheRule]:
    return rules


@cdn.post("/purge", status_code=202, responses=ERR)
def purge(
    paths: Annotated[
        list[str],
        Body(
            openapi_examples={"segments": {"summary": "Purge one asset", "value": ["/vod/9b2e4c1a/*"]}},
        ),
    ],
) -> None:
    raise HTTPException(501)


@app.get("/v1/webhooks", response_model=list[WebhookEndpoint], tags=["webhooks"])
def list_webhooks() -> list[WebhookEndpoint]:
    return []


@app.get("/v1/settings/origin-storage", response_model=OriginStorage, tags=["settings"])
def get_origin_storage() -> OriginStorage:
    raise HTTPException(501)


@app.post("/v1/Internal/transcode-callback", status_code=204, tags=["ops"], responses=CRASH)
def transcode_callback(
    job_id: Annotated[str, Body(embed=True, max_length=64)], state: Annotated[str, Body(embed=True)]
) -> None:
    """Called by transcoder workers at 10.12.4.0/24 when a job changes state."""


@app.delete("/_private/cache/purge-all", status_code=202, tags=["ops"])
def purge_all() -> None:
    """Flush every edge cache. Requires on-call approval."""


app.include_router(assets)
app.include_router(live)
app.include_router(cdn)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
