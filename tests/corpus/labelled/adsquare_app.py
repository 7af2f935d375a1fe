"""AdSquare: ad-tech bidding platform (advertisers, campaigns, creatives, bid requests, attribution, postbacks).

Generate the OpenAPI document with:  python adsquare_app.py > adsquare.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

api_key = APIKeyHeader(name="X-AdSquare-Key", description="Account API key from the AdSquare console.")


# --------------------------------------------------------------------------- OpenRTB


class Geo(BaseModel):
    country: Optional[str] = Field(default=None, pattern=r"^[A-Z]{3}$")
    lat: Optional[float] = Field(default=None, ge=-90, le=90)
    lon: Optional[float] = Field(default=None, ge=-180, le=180)


class Device(BaseModel):
    ua: Optional[str] = Field(default=None, max_length=512)
    ip: Optional[str] = Field(default=None, max_length=45)
    ifa: Optional[str] = Field(default=None, max_length=64, description="Advertising id (IDFA / GAID).")
    os: Optional[str] = Field(default=None, max_length=32)
    geo: Optional[Geo] = None


class User(BaseModel):
    id: Optional[str] = Field(default=None, max_length=64)
    buyeruid: Optional[str] = Field(default=None, max_length=64)
    consent: Optional[str] = Field(default=None, max_length=4096, description="IAB TCF v2 consent string.")


class Deal(BaseModel):
    id: str = Field(max_length=64)
    bidfloor: float = Field(default=0, ge=0, le=1000)


class Pmp(BaseModel):
    private_auction: int = Field(default=0, ge=0, le=1)
    deals: list[Deal] = Field(default_factory=list)


class Imp(BaseModel):
    id: str = Field(max_length=36)
    tagid: Optional[str] = None
    bidfloor: float = Field(default=0, ge=0, le=1000)
    bidfloorcur: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    pmp: Optional[Pmp] = None


class BidRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8f1d6c2a-77e4-4b1a-9c55-2d3e4f5a6b7c",
                    "imp": [{"id": "1", "tagid": "homepage-top", "bidfloor": 0.85}],
                    "device": {
                        "ua": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
                        "ip": "203.0.113.77",
                        "ifa": "6D92078A-8246-4BA4-AE5B-76104861E7DC",
                        "os": "iOS",
                    },
                    "user": {
                        "buyeruid": "AQEBAQH3x8kAAA",
                        "consent": "CPzHq4APzHq4AAHABBENDHCsAP_AAH_AAAqIJNNf_X__b2_r-_5_f_t0eY1P9_7__-0zjhfdl-8N3f_X_L8X52M7vF36tq4KuR4ku1bBIQdlHOHcTUmw6okVryPsbk2cr7NKJ7PEmnMbO2dYGH9_n1_z-ZKY7___f__z_v-v___9____7-3f3__5_3---_e_V_99zbn9_____9nP___9v-_9________8A",
                    },
                    "tmax": 120,
                }
            ]
        }
    )

    id: str = Field(max_length=64)
    imp: list[Imp] = Field(max_length=20)
    device: Optional[Device] = None
    user: Optional[User] = None
    tmax: int = Field(default=120, ge=10, le=1000)
    bcat: list[str] = Field(default_factory=list, description="Blocked IAB content categories.")


class Bid(BaseModel):
    id: str
    impid: str
    price: float
    adm: Optional[str] = None
    nurl: Optional[str] = Field(default=None, description="Win notice URL.")
    burl: Optional[str] = Field(default=None, description="Billing notice URL.")
    adomain: list[str] = Field(default_factory=list)
    crid: str
    dealid: Optional[str] = None


class SeatBid(BaseModel):
    seat: str
    bid: list[Bid]


class BidResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8f1d6c2a-77e4-4b1a-9c55-2d3e4f5a6b7c",
                    "seatbid": [
                        {
                            "seat": "adsq-42",
                            "bid": [
                                {
                                    "id": "b-1",
                                    "impid": "1",
                                    "price": 1.12,
                                    "nurl": "http://10.4.12.9:8080/win?auction=${AUCTION_ID}&price=${AUCTION_PRICE}",
                                    "burl": "https://track.adsquare.io/bill?a=${AUCTION_ID}&p=${AUCTION_PRICE}",
                                    "adomain": ["nordlicht-brewing.de"],
                                    "crid": "cr_5521",
                                }
                            ],
                        }
                    ],
                    "cur": "USD",
                }
            ]
        }
    )

    id: str
    seatbid: list[SeatBid]
    cur: str = "USD"


# --------------------------------------------------------------------------- campaigns & creatives


class Campaign(BaseModel):
    id: Optional[str] = Field(default=None, max_length=32, description="Assigned by the server.")
    advertiser_id: str = Field(max_length=32)
    name: str = Field(max_length=120)
    daily_budget: Decimal = Field(ge=0, le=10_000_000, decimal_places=2)
    max_bid_cpm: Decimal = Field(ge=0, le=500, decimal_places=2)
    start_date: date
    end_date: Optional[date] = None
    keywords: list[str] = Field(default_factory=list, description="Contextual keyword targeting.")
    key_values: dict[str, list[str]] = Field(
        default_factory=dict, description="Ad-server key-value targeting, e.g. {'section': ['sports']}."
    )
    frequency_cap: Optional[int] = Field(default=None, ge=1, description="Impressions per user per day.")
    private_auction_only: bool = False


class CreativeFormat(str, Enum):
    banner = "banner"
    video = "video"
    native = "native"


class CreativeCreate(BaseModel):
    format: CreativeFormat
    width: int = Field(ge=1, le=4096)
    height: int = Field(ge=1, le=4096)
    asset_base64: str = Field(description="The creative file, base64-encoded.")
    click_url: str = Field(max_length=2048)
    passback_tag: Optional[str] = None


class CreativeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "cr_5521",
                    "campaign_id": "cmp_3090",
                    "format": "banner",
                    "width": 300,
                    "height": 250,
                    "asset_url": "https://adsq-creatives-prod.s3.eu-west-1.amazonaws.com/adv_118/cr_5521.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7VQ3M2X5LJ4HN6P%2F20240611%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240611T101500Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature=3f1c9a0e2b7d4c6f8a1e5b9d2c7f0a3e6b8d1c4f7a0e3b6d9c2f5a8e1b4d7c0f",
                    "click_url": "https://nordlicht-brewing.de/sommer?utm_source=adsquare",
                    "checksum_md5": "9e107d9d372bb6826bd81d3542a419d6",
                    "passback_tag": '<script src="https://cdn.adsquare.io/pb.js" data-slot="homepage-top"></script>',
                    "review_status": "approved",
                }
            ]
        }
    )

    id: str
    campaign_id: str
    format: CreativeFormat
    width: int
    height: int
    asset_url: str = Field(description="Download link for the uploaded asset.")
    click_url: str
    checksum_md5: str
    passback_tag: Optional[str] = Field(default=None, description="Tag served when we pass on an impression.")
    review_status: Literal["pending", "approved", "rejected"]
    rejection_message: Optional[str] = None


class PreviewLink(BaseModel):
    url: str
    token: str = Field(description="Signed preview token, valid for 24 hours.")
    expires_at: datetime


class DealOut(BaseModel):
    id: str
    name: str
    exchange: str
    floor_cpm: float
    private_auction: bool = True
    seats: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- advertisers & integrations


class AdvertiserOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "adv_118",
                    "name": "Nordlicht Brauerei GmbH",
                    "domain": "nordlicht-brewing.de",
                    "billing_email": "j.hoffmann@nordlicht-brewing.de",
                    "billing_phone": "+49 30 9018 2274",
                    "balance_cents": 1250000,
                    "currency": "EUR",
                }
            ]
        }
    )

    id: str
    name: str
    domain: str
    billing_email: str
    billing_phone: Optional[str] = None
    balance_cents: int
    currency: str


class GoogleAdsLinkCreate(BaseModel):
    authorization_code: str = Field(max_length=512, description="OAuth code from the Google consent screen.")
    customer_id: str = Field(pattern=r"^\d{3}-\d{3}-\d{4}$")


class GoogleAdsLink(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "482-193-7710",
                    "login_customer_id": "118-220-3345",
                    "developer_token": "Zx9Kq2Lm5Nv8Bp3Rt6Yw1C",
                    "oauth_refresh_token": "1//0gLxR7vK2mQ9pCgYIARAAGBASNwF-L9IrT4nX8bW2yZ6cE1dH5jK3sU7vA0fG4hJ",
                    "linked_at": "2024-02-20T09:00:00Z",
                    "sync_enabled": True,
                }
            ]
        }
    )

    customer_id: str
    login_customer_id: Optional[str] = None
    developer_token: str
    oauth_refresh_token: str
    linked_at: datetime
    sync_enabled: bool = True


class LogExportConfig(BaseModel):
    """Hourly export of impression / click logs to the advertiser's own S3 bucket."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "bucket": "nordlicht-adsquare-logs",
                    "prefix": "impressions/",
                    "region": "eu-central-1",
                    "awsAccessKeyId": "AKIA4QF7Z2XK9LM3NP5R",
                    "awsSecretAccessKey": "wJ7rXz2Kq9Lm4Np8Rt3Vy6Bc1Df5Gh0Jk2Mn7Pq",
                    "samplingRatio": "1.0",
                    "enabled": True,
                }
            ]
        },
    )

    bucket: str = Field(max_length=63)
    prefix: str = Field(default="", max_length=256)
    region: str = Field(max_length=32)
    aws_access_key_id: str = Field(max_length=32)
    aws_secret_access_key: str = Field(max_length=64)
    sampling_ratio: Decimal = Field(default=Decimal("1.0"), ge=0, le=1)
    enabled: bool = True


# --------------------------------------------------------------------------- partners, postbacks, attribution


class PartnerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ptn_appsflyer",
                    "name": "AppsFlyer",
                    "postback_url_template": "https://postbacks.adsquare.io/v1/postback?click_id={clickid}&event={event_name}&sig={signature}",
                    "hmac_key_id": "hk_2024_03",
                    "hmac_key": "3q2+7wAAAAB9k1x0Y0tqL5m8vN2pR4sT6uW8yA1cE3g=",
                    "allowed_ips": ["198.51.100.0/24"],
                    "status": "active",
                }
            ]
        }
    )

    id: str
    name: str
    postback_url_template: str
    hmac_key_id: str
    hmac_key: str = Field(description="Shared key the partner uses to sign postbacks (HMAC-SHA256).")
    allowed_ips: list[str] = Field(default_factory=list)
    status: Literal["active", "paused"]


class PostbackAck(BaseModel):
    accepted: bool
    attribution_id: Optional[str] = None


class ConversionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "cv_99120",
                    "click_id": "clk_7a1b2c3d",
                    "gclid": "EAIaIQobChMIwb2k8tLH_QIVAg0GAB3x8gM1EAAYASAAEgJ9nvD_BwE",
                    "campaign_id": "cmp_3090",
                    "event_name": "purchase",
                    "revenue": 42.5,
                    "hashed_email": "b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514",
                    "attributed_at": "2024-06-11T10:20:00Z",
                    "model": "last_click",
                }
            ]
        }
    )

    id: str
    click_id: str
    gclid: Optional[str] = None
    campaign_id: str
    event_name: str
    revenue: Optional[float] = None
    hashed_email: Optional[str] = Field(default=None, description="SHA-256 of the normalised e-mail, for match rates.")
    attributed_at: datetime
    model: Literal["last_click", "data_driven", "view_through"]


class OfflineConversion(BaseModel):
    email: Optional[str] = None
    order_id: str = Field(max_length=64)
    value: float = Field(ge=0)
    occurred_at: datetime


class OfflineConversionBatch(BaseModel):
    conversions: list[OfflineConversion]


class ReportRequest(BaseModel):
    dimensions: list[Literal["campaign", "creative", "day", "exchange", "country"]]
    metrics: list[Literal["impressions", "clicks", "spend", "conversions"]] = Field(max_length=10)
    date_from: date
    date_to: date
    filters: dict[str, str] = Field(default_factory=dict)


class ReportJob(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "rpt_8812",
                    "status": "done",
                    "query_sql": "SELECT campaign_id, sum(spend) FROM impressions WHERE day >= '2024-06-01' GROUP BY campaign_id",
                    "download_url": "https://reports.adsquare.io/download/rpt_8812",
                }
            ]
        }
    )

    id: str
    status: Literal["queued", "running", "done", "failed"]
    query_sql: str = Field(description="The saved query this report runs.")
    failure_reason: Optional[str] = None
    download_url: Optional[str] = None


class QuotaOut(BaseModel):
    requests_remaining: int
    token_bucket_capacity: int = Field(description="Burst size of the rate limiter.")
    tokens_refill_per_second: float


class SeatOut(BaseModel):
    seat_id: str
    exchange_id: str
    buyer_name: str
    spend_cap_usd: Optional[float] = None
    exchange_api_token: Optional[str] = Field(
        default=None, description="Token we use for the exchange's reporting API."
    )


class PacingReset(BaseModel):
    campaign_ids: list[str]


# --------------------------------------------------------------------------- errors


class ApiError(BaseModel):
    error: str = Field(examples=["campaign_not_found"])
    message: str
    request_id: str
    retry_after: Optional[int] = None


class BidderFault(BaseModel):
    error: str = "bidder_fault"
    message: str
    request_id: str
    failing_query: Optional[str] = Field(default=None, description="ClickHouse query that failed, verbatim.")
    source_location: Optional[str] = Field(default=None, examples=["bidder/auction/pacing.py:412"])
    exception_repr: Optional[str] = None


class UpstreamTimeout(BaseModel):
    error: Literal["upstream_timeout"] = "upstream_timeout"
    provider: str
    timeout_ms: int


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="AdSquare Bidding & Attribution API",
    version="5.0.3",
    description=(
        "OpenRTB 2.6 bidder, campaign management, creatives and attribution for AdSquare. "
        "Escalations: RTB-2207, #rtb-oncall."
    ),
    terms_of_service="https://adsquare.io/terms/api",
    contact={"name": "AdSquare Partner Engineering", "email": "partners@adsquare.io"},
    openapi_tags=[
        {
            "name": "bidding",
            "description": "OpenRTB endpoints called by exchanges.",
            "externalDocs": {
                "description": "Bidder design doc",
                "url": "https://wiki.adsquare.corp/display/RTB/Bidder",
            },
        },
        {"name": "campaigns"},
        {"name": "creatives"},
        {"name": "deals", "description": "Private marketplace (PMP) deals."},
        {"name": "advertisers"},
        {"name": "attribution", "description": "Postbacks from measurement partners and conversion lookups."},
        {"name": "reports"},
        {"name": "admin"},
        {"name": "debug"},
    ],
    servers=[
        {"url": "https://api.adsquare.io", "description": "Campaign and reporting API"},
        {
            "url": "https://{region}.bid.adsquare.io",
            "description": "Regional bidder endpoints",
            "variables": {"region": {"default": "eu-west-1", "enum": ["eu-west-1", "us-east-1", "ap-southeast-1"]}},
        },
        {
            "url": "http://{bidder_host}:9090",
            "description": "A single bidder pod, for load tests",
            "variables": {"bidder_host": {"default": "10.64.3.17"}},
        },
    ],
)

ERRORS = {
    404: {"model": ApiError, "description": "Not found"},
    500: {"model": BidderFault, "description": "Unhandled error"},
}

bidding = APIRouter(tags=["bidding"])
campaigns = APIRouter(tags=["campaigns"], dependencies=[Depends(api_key)])
creatives = APIRouter(tags=["creatives"], dependencies=[Depends(api_key)])
deals = APIRouter(prefix="/deals", tags=["deals"], dependencies=[Depends(api_key)])
advertisers = APIRouter(prefix="/advertisers/{advertiser_id}", tags=["advertisers"], dependencies=[Depends(api_key)])
attribution = APIRouter(tags=["attribution"])
reports = APIRouter(prefix="/reports", tags=["reports"], dependencies=[Depends(api_key)])
ops = APIRouter()

AdvertiserId = Annotated[str, Path(max_length=32)]


@bidding.post(
    "/openrtb/2.6/bid",
    response_model=BidResponse,
    responses={
        204: {"description": "No bid"},
        500: {"model": BidderFault},
        504: {"model": UpstreamTimeout, "description": "Budget or model service timed out"},
    },
)
def bid(body: BidRequest) -> BidResponse:
    """OpenRTB 2.6 bid request.

    Exchanges authenticate with HTTP basic credentials embedded in the endpoint URL they are given, e.g.
    `https://openx:Rtb!2024pass@eu-west-1.bid.adsquare.io/openrtb/2.6/bid`.
    """
    raise HTTPException(204)


@campaigns.post("/campaigns", response_model=Campaign, status_code=201, responses=ERRORS)
def create_campaign(body: Campaign) -> Campaign:
    raise HTTPException(501)


@campaigns.get("/campaigns/{campaign_id}", response_model=Campaign, responses=ERRORS)
def get_campaign(campaign_id: Annotated[str, Path(max_length=32)]) -> Campaign:
    raise HTTPException(404)


@campaigns.get("/campaigns", response_model=list[Campaign])
def list_campaigns(
    advertiser_id: Optional[str] = None,
    name_contains: Annotated[Optional[str], Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Campaign]:
    return []


@creatives.post("/campaigns/{campaign_id}/creatives", response_model=CreativeOut, status_code=201, responses=ERRORS)
def upload_creative(campaign_id: Annotated[str, Path(max_length=32)], body: CreativeCreate) -> CreativeOut:
    raise HTTPException(501)


@creatives.get("/creatives/{creative_id}", response_model=CreativeOut, responses=ERRORS)
def get_creative(creative_id: Annotated[str, Path(max_length=32)]) -> CreativeOut:
    raise HTTPException(404)


@creatives.post("/creatives/{creative_id}/preview-links", response_model=PreviewLink, status_code=201, responses=ERRORS)
def preview_link(creative_id: Annotated[str, Path(max_length=32)]) -> PreviewLink:
    """Create a shareable preview link for the client to approve the creative."""
    raise HTTPException(404)


@deals.get("/private-marketplace", response_model=list[DealOut])
def pmp_deals(exchange: Optional[Literal["openx", "magnite", "pubmatic", "xandr"]] = None) -> list[DealOut]:
    """Private marketplace deals this account may bid on."""
    return []


@advertisers.get("", response_model=AdvertiserOut, responses=ERRORS)
def get_advertiser(advertiser_id: AdvertiserId) -> AdvertiserOut:
    raise HTTPException(404)


@advertisers.get("/links/google-ads", response_model=GoogleAdsLink, responses=ERRORS)
def get_google_ads_link(advertiser_id: AdvertiserId) -> GoogleAdsLink:
    raise HTTPException(404)


@advertisers.post("/links/google-ads", response_model=GoogleAdsLink, status_code=201, responses=ERRORS)
def link_google_ads(advertiser_id: AdvertiserId, body: GoogleAdsLinkCreate) -> GoogleAdsLink:
    """Exchange the OAuth code and store the link for conversion imports."""
    raise HTTPException(501)


@advertisers.get("/log-export", response_model=LogExportConfig, responses=ERRORS)
def get_log_export(advertiser_id: AdvertiserId) -> LogExportConfig:
    raise HTTPException(404)


@advertisers.put("/log-export", response_model=LogExportConfig, responses=ERRORS)
def put_log_export(advertiser_id: AdvertiserId, body: LogExportConfig) -> LogExportConfig:
    return body


@attribution.get("/partners", response_model=list[PartnerOut], dependencies=[Depends(api_key)])
def list_partners() -> list[PartnerOut]:
    return []


@attribution.get("/partners/{partner_id}", response_model=PartnerOut, responses=ERRORS, dependencies=[Depends(api_key)])
def get_partner(partner_id: Annotated[str, Path(max_length=32)]) -> PartnerOut:
    raise HTTPException(404)


@attribution.get("/v1/postback", response_model=PostbackAck, responses={403: {"model": ApiError}})
def postback(
    click_id: Annotated[str, Query(max_length=64)],
    event_name: Annotated[str, Query(pattern=r"^[a-z_]{1,40}$")],
    revenue: Annotated[Optional[float], Query(ge=0)] = None,
    currency: Annotated[str, Query(pattern=r"^[A-Z]{3}$")] = "USD",
    sig: Annotated[
        str,
        Query(
            max_length=128,
            description="Hex HMAC-SHA256 of the query string, keyed with the partner's hmac_key.",
            examples=["5d41402abc4b2a76b9719d911017c592d3f1e8a6b7c9d0e2f4a6b8c0d2e4f6a8"],
        ),
    ] = "",
    auth_token: Annotated[
        Optional[str],
        Query(
            max_length=64,
            description="Per-partner token, for partners that cannot sign requests.",
            openapi_examples={
                "appsflyer": {"summary": "AppsFlyer production", "value": "pbt_live_3Kx9Qm2Vr7Ln4Tz8Wc1Yh6Bd"},
                "template": {"summary": "Macro in the partner's template", "value": "{auth_token}"},
            },
        ),
    ] = None,
) -> PostbackAck:
    """Conversion postback from a measurement partner (S2S)."""
    return PostbackAck(accepted=True)


@attribution.get(
    "/attribution/conversions/{conversion_id}",
    response_model=ConversionOut,
    responses=ERRORS,
    dependencies=[Depends(api_key)],
)
def get_conversion(conversion_id: Annotated[str, Path(max_length=32)]) -> ConversionOut:
    raise HTTPException(404)


@attribution.post("/attribution/offline-conversions", status_code=202, dependencies=[Depends(api_key)])
def upload_offline(body: OfflineConversionBatch) -> dict[str, int]:
    return {"accepted": len(body.conversions)}


@reports.post("", response_model=ReportJob, status_code=202)
def create_report(body: ReportRequest) -> ReportJob:
    raise HTTPException(501)


@reports.get("/{report_id}", response_model=ReportJob, responses=ERRORS)
def get_report(report_id: Annotated[str, Path(max_length=32)]) -> ReportJob:
    raise HTTPException(404)


@ops.get("/quota", response_model=QuotaOut, tags=["ops"], dependencies=[Depends(api_key)])
def quota() -> QuotaOut:
    return QuotaOut(requests_remaining=0, token_bucket_capacity=0, tokens_refill_per_second=0)


@ops.get("/healthz", tags=["ops"])
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@ops.get("/admin/exchanges/{exchange_id}/seats", response_model=list[SeatOut], tags=["admin"])
def admin_seats(exchange_id: Annotated[str, Path(max_length=32)]) -> list[SeatOut]:
    return []


@ops.post("/debug/bid-simulator", response_model=BidResponse, tags=["debug"], responses={500: {"model": BidderFault}})
def bid_simulator(body: BidRequest, force_price: Optional[float] = None) -> BidResponse:
    """Run the auction logic without spending budget."""
    raise HTTPException(501)


@ops.post("/_private/pacing/reset", status_code=204, tags=["admin"], openapi_extra={"x-internal": True})
def pacing_reset(body: PacingReset) -> None:
    """Reset pacing counters in Redis for the given campaigns."""


app.include_router(bidding)
app.include_router(campaigns)
app.include_router(creatives)
app.include_router(deals)
app.include_router(advertisers)
app.include_router(attribution)
app.include_router(reports)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
