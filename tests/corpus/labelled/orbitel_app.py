"""Orbitel SIM provisioning: SIM inventory, subscribers, number porting, eSIM partners.

Generate the OpenAPI document with:  python orbitel_app.py > orbitel.openapi.json
"""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar

from fastapi import APIRouter, Body, Cookie, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

ICCID = Annotated[str, Path(pattern=r"^89\d{17,18}$", description="19/20-digit ICCID printed on the card.")]
MSISDN = Annotated[str, Path(pattern=r"^\+?\d{8,15}$")]


class Page(BaseModel, Generic[T]):
    data: list[T]
    page: int
    per_page: int
    total: int


class SimState(str, Enum):
    inventory = "inventory"
    active = "active"
    suspended = "suspended"
    terminated = "terminated"


class SimForm(str, Enum):
    physical = "physical"
    esim = "esim"


class SimSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iccid": "8944110068256270054",
                    "imsi": "234150999999999",
                    "msisdn": "+447700900123",
                    "state": "active",
                    "form": "physical",
                    "pin_enabled": True,
                    "pin_retries_left": 3,
                }
            ]
        }
    )

    iccid: str
    imsi: str = Field(description="International Mobile Subscriber Identity (subscriber id on the network).")
    msisdn: Optional[str] = None
    state: SimState
    form: SimForm
    pin_enabled: bool
    pin_retries_left: int


class SimDetail(SimSummary):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iccid": "8944110068256270054",
                    "imsi": "234150999999999",
                    "msisdn": "+447700900123",
                    "state": "active",
                    "form": "physical",
                    "pin_enabled": True,
                    "pin_retries_left": 3,
                    "KI": "A3F19C0E5B7D24816E9F0C3A5B7D9E1F",
                    "OPc": "7C2E4A91B3D5F60718293A4B5C6D7E8F",
                    "pin1": "4821",
                    "puk1": "73920461",
                    "adm1_key_ref": "ADM1-KEYSET-7",
                    "batch": "B-2024-031",
                }
            ]
        }
    )

    KI: str = Field(description="128-bit subscriber authentication key (hex).")
    OPc: str = Field(description="Operator variant algorithm configuration field, derived per SIM.")
    pin1: Optional[str] = None
    puk1: str
    adm1_key_ref: str = Field(description="Reference to the ADM1 key in the HSM (not the key).")
    batch: str


class SimImportRecord(BaseModel):
    iccid: str = Field(pattern=r"^89\d{17,18}$")
    imsi: str = Field(pattern=r"^\d{15}$")
    ki: str = Field(pattern=r"^[0-9A-F]{32}$")
    opc: str = Field(pattern=r"^[0-9A-F]{32}$")
    puk1: str = Field(pattern=r"^\d{8}$")


class SimImportBatch(BaseModel):
    batch: str = Field(max_length=32)
    records: list[SimImportRecord] = Field(max_length=10000)


class ImportResult(BaseModel):
    accepted: int
    rejected: int
    batch: str


class ActivateRequest(BaseModel):
    plan_id: str = Field(max_length=32)
    msisdn: Optional[str] = Field(default=None, pattern=r"^\+?\d{8,15}$")
    activation_note: Optional[str] = None


class Subscriber(BaseModel):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "msisdn": "+447911123456",
                    "full_name": "Aisha Rahman",
                    "email": "aisha.rahman@btinternet.com",
                    "date_of_birth": "1987-06-14",
                    "postcode": "M1 1AE",
                    "nino": "JG103759A",
                    "idDocType": "passport",
                    "idDocNumber": "533401372",
                    "id_doc_expiry": "2031-02-28",
                    "billing_account_number": "00412377",
                }
            ]
        },
    )

    msisdn: str
    full_name: str
    email: Optional[str] = None
    date_of_birth: Optional[date] = None
    postcode: Optional[str] = None
    nino: Optional[str] = Field(default=None, description="UK National Insurance number, captured for credit checks.")
    idDocType: Optional[Literal["passport", "driving_licence", "national_id"]] = None
    idDocNumber: Optional[str] = None
    id_doc_expiry: Optional[date] = None
    billing_account_number: Optional[str] = None


class SubscriberUpdate(BaseModel):
    email: Optional[str] = Field(default=None, max_length=254)
    postcode: Optional[str] = Field(default=None, max_length=10)
    marketing_opt_in: Optional[bool] = None


class Plan(BaseModel):
    id: str
    name: str
    data_gb: Optional[int] = None
    key_features: list[str] = Field(examples=[["5G", "EU roaming", "Wi-Fi calling"]])
    monthly_price_pence: int


class UsageRecord(BaseModel):
    day: date
    data_mb: int
    voice_min: int
    sms: int


class PortDirection(str, Enum):
    port_in = "in"
    port_out = "out"


class PortInRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "msisdn": "+447700900456",
                    "donor_network": "VODA",
                    "pac": "<pac-code>",
                    "requested_date": "2024-06-03",
                }
            ]
        }
    )

    msisdn: str = Field(pattern=r"^\+?\d{8,15}$")
    donor_network: Literal["VODA", "EE", "O2", "THREE"]
    pac: str = Field(pattern=r"^[A-Z]{3}\d{6}$", description="Porting authorisation code from the donor network.")
    requested_date: date


class PortRequest(BaseModel):
    id: str
    msisdn: str
    direction: PortDirection
    status: Literal["submitted", "scheduled", "completed", "rejected"]
    port_out_pin: Optional[str] = Field(default=None, description="Subscriber's port-out PIN as stored by the carrier.")
    account_number: Optional[str] = None
    scheduled_for: Optional[date] = None


class Cell(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cell_id": "234-15-4021-117",
                    "rat": "NR",
                    "site_name": "MAN-PICCADILLY-03",
                    "public_ip": "203.0.113.50",
                    "mgmt_addrs": ["10.200.3.17", "fd00:abcd:12::7"],
                    "ems_url": "https://ems.ran.orbitel.corp/sites/MAN-PICCADILLY-03",
                }
            ]
        }
    )

    cell_id: str
    rat: Literal["LTE", "NR"]
    site_name: str
    public_ip: Optional[str] = None
    mgmt_addrs: list[str] = Field(default_factory=list)
    ems_url: Optional[str] = None


class PartnerProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partner_id": "prt_0042",
                    "name": "Roamly Ltd",
                    "SMDP_CLIENT_ID": "roamly-smdp",
                    "SMDP_CLIENT_SECRET": "Zr9pQ2vL8mX4tW7yB1nC6dK3",
                    "callback_url": "https://api.roamly.io/orbitel/callback",
                    "contact_phone": "+44 7700 900861",
                }
            ]
        }
    )

    partner_id: str
    name: str
    SMDP_CLIENT_ID: str
    SMDP_CLIENT_SECRET: str
    callback_url: str
    contact_phone: Optional[str] = None


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    scope: str


class ProvisioningError(BaseModel):
    code: str = Field(examples=["SIM_NOT_FOUND"])
    message: str
    correlation_id: str


class HssFault(BaseModel):
    errorCode: str = Field(examples=["HSS_WRITE_FAILED"])
    dbError: Optional[str] = Field(default=None, description="Driver error returned by the subscriber DB.")
    queryText: Optional[str] = Field(default=None, examples=["UPDATE auc SET sqn = :sqn WHERE imsi = :imsi"])
    sourceLine: Optional[str] = Field(default=None, examples=["hss_sync/writer.py:212"])
    correlation_id: str


app = FastAPI(
    title="Orbitel Provisioning API",
    version="2.7.0",
    description=(
        "Provision SIMs and eSIM profiles on the Orbitel network.\n\n"
        "```\ncurl -H 'Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwcnRfMDA0MiIsInNjb3BlIjoic2ltczp3cml0ZSIsImlhdCI6MTcxNjQ2NzIwMH0.kV3h9QxR2mL7pT4wZ1bC8dN5fG0jK6sY' \\\n"
        "     https://prov.eu1.orbitel.net/v2/sims\n```\n\n"
        "Operator guide: see `/administration-guide`."
    ),
    servers=[
        {
            "url": "https://{host}",
            "description": "Regional provisioning endpoints",
            "variables": {
                "host": {
                    "default": "prov.eu1.orbitel.net",
                    "enum": ["prov.eu1.orbitel.net", "prov.us1.orbitel.net", "prov.staging-internal.orbitel.net"],
                    "description": "Staging is reachable from the office VPN only.",
                }
            },
        },
        {"url": "https://sandbox.orbitel.net", "description": "Partner sandbox"},
        {"url": "http://[fd7a:115c:a1e0::21]:8080", "description": "HSS gateway (core network)"},
    ],
)

ERR = {404: {"model": ProvisioningError}, 409: {"model": ProvisioningError}}
HSS = {502: {"model": HssFault, "description": "HSS/AuC write failed"}}

sims = APIRouter(prefix="/v2/sims", tags=["sims"])
subs = APIRouter(prefix="/v2/subscribers", tags=["subscribers"])
porting = APIRouter(prefix="/v2/porting", tags=["porting"])
ops = APIRouter(prefix="/v2", tags=["ops"])


@sims.get("", response_model=Page[SimSummary])
def list_sims(
    state: Optional[SimState] = None,
    batch: Optional[str] = Query(default=None, description="Manufacturer batch"),
    page: int = Query(default=1, ge=1, le=5000),
    per_page: int = Query(default=100, ge=1, le=500),
    x_partner_token: Annotated[
        Optional[str],
        Header(
            max_length=128,
            openapi_examples={
                "prod": {"summary": "Production partner token", "value": "otk_prod_Hq7Lm2Vx9Rt4Yp8Kc3Wn6Zb1"},
                "docs": {"summary": "Placeholder", "value": "<partner-token>"},
            },
        ),
    ] = None,
) -> Page[SimSummary]:
    return Page[SimSummary](data=[], page=page, per_page=per_page, total=0)


@sims.get("/{iccid}", response_model=SimDetail, responses=ERR)
def get_sim(iccid: ICCID) -> SimDetail:
    """Full SIM record, including the auth keys needed to personalise the profile."""
    raise HTTPException(404)


@sims.post("/batch-import", response_model=ImportResult, status_code=202, responses=HSS)
def import_batch(body: SimImportBatch) -> ImportResult:
    """Upload a manufacturer output file (ICCID, IMSI, Ki, OPc, PUK). Keys go straight to the AuC."""
    return ImportResult(accepted=0, rejected=0, batch=body.batch)


@sims.post("/{iccid}/activate", response_model=SimSummary, responses={**ERR, **HSS})
def activate(iccid: ICCID, body: ActivateRequest) -> SimSummary:
    raise HTTPException(404)


@sims.post("/{iccid}/suspend", response_model=SimSummary, responses={**ERR, **HSS})
def suspend(
    iccid: ICCID,
    reason: Annotated[Literal["lost", "stolen", "non_payment", "fraud"], Body(embed=True)],
) -> SimSummary:
    raise HTTPException(404)


@sims.get("/{iccid}/usage", response_model=list[UsageRecord], responses=ERR)
def sim_usage(
    iccid: ICCID,
    since: Annotated[date, Query()],
    access_token: Annotated[
        str, Query(deprecated=True, description="Legacy query-string auth. Use the Authorization header.")
    ] = "otk_prod_Nc4Xw8Lq2Tz6Rb9Vm1Hy5Pd3",
) -> list[UsageRecord]:
    return []


@subs.get("/{msisdn}", response_model=Subscriber, responses=ERR)
def get_subscriber(msisdn: MSISDN) -> Subscriber:
    raise HTTPException(404)


@subs.patch("/{msisdn}", response_model=Subscriber, responses=ERR)
def update_subscriber(msisdn: MSISDN, body: SubscriberUpdate) -> Subscriber:
    raise HTTPException(404)


@app.get("/v2/plans", response_model=list[Plan], tags=["catalogue"])
def list_plans(
    region: Annotated[
        Optional[str], Query(max_length=8, openapi_examples={"uk": {"value": "GB"}, "eu": {"value": "EU"}})
    ] = None,
) -> list[Plan]:
    return []


@app.get("/v2/numbers/available", response_model=list[str], tags=["numbers"])
def available_numbers(
    prefix: Annotated[
        str,
        Query(
            pattern=r"^\+?\d{2,10}$",
            openapi_examples={
                "fictional": {"summary": "Ofcom drama range", "value": "+447700900"},
                "us": {"summary": "NANP fictional", "value": "+1202555010"},
            },
        ),
    ],
    count: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[str]:
    """Free numbers for a new line. A reserved number for VIP customers, e.g. +44 7911 123456, is never returned."""
    return []


@porting.post("", response_model=PortRequest, status_code=201, responses=ERR)
def port_in(body: PortInRequest) -> PortRequest:
    raise HTTPException(409)


@porting.get("/{port_id}", response_model=PortRequest, responses=ERR)
def get_port(port_id: Annotated[str, Path(max_length=32)]) -> PortRequest:
    raise HTTPException(404)


@app.get("/v2/partners/me", response_model=PartnerProfile, tags=["partners"])
def partner_me(
    session: Annotated[
        Optional[str],
        Cookie(max_length=128, examples=["s%3Aj9Qx2LmV7pR4tW8yZ1bC3dK6.Hq2Xv9Lp4Rt8Yn3Kc6Wm1Zb5Df0Gs7Ue2Ia"]),
    ] = None,
) -> PartnerProfile:
    raise HTTPException(404)


@app.post("/v2/oauth/token", response_model=TokenResponse, tags=["partners"])
def oauth_token(
    grant_type: Annotated[Literal["client_credentials"], Body(embed=True)],
    client_id: Annotated[str, Body(embed=True, max_length=64)],
    client_secret: Annotated[str, Body(embed=True, max_length=128)],
) -> TokenResponse:
    """Client-credentials grant for eSIM partners."""
    return TokenResponse(access_token="", expires_in=3600, scope="sims:read")


@app.get("/v2/network/cells", response_model=list[Cell], tags=["network"])
def list_cells(site: Annotated[Optional[str], Query(max_length=40)] = None) -> list[Cell]:
    return []


@ops.get("/hlr/__private__/auth-vectors/{imsi}", response_model=dict[str, str], responses=HSS)
def auth_vectors(
    imsi: Annotated[str, Path(pattern=r"^\d{15}$")], n: Annotated[int, Query(ge=1, le=5)] = 1
) -> dict[str, str]:
    """Generate EPS authentication vectors straight from the AuC (fraud team only)."""
    return {}


@ops.post("/_internal/hss/sync", status_code=202, responses=HSS)
def hss_sync(full: bool = False) -> None:
    """Push pending subscriber changes to hss01.core.orbitel.corp and hss02.core.orbitel.corp."""


@ops.get("/ops/debug", response_model=dict[str, str])
def ops_debug() -> dict[str, str]:
    """Effective config. Alerts go to https://alerts.orbitel.net/hooks/prov?key=7f3c9a2e5b8d4f1a6c0e9b2d."""
    return {}


@app.get("/administration-guide", response_class=HTMLResponse, tags=["docs"])
def administration_guide() -> str:
    """Operator handbook: SIM lifecycle, porting windows, support contacts (07700 900077)."""
    return "<h1>Administration guide</h1>"


app.include_router(sims)
app.include_router(subs)
app.include_router(porting)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
