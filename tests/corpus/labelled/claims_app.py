"""ClaimDesk: property & motor insurance claims, policies, adjusters, payouts, partner repair shops.

Generate the OpenAPI document with:  python claims_app.py > claims.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Generic, Optional, TypeVar

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Paginated(BaseModel, Generic[T]):
    data: list[T]
    total: int
    cursor: Optional[str] = Field(default=None, examples=["eyJvZmZzZXQiOjUwfQ"])


class ClaimStatus(str, Enum):
    fnol = "fnol"
    under_review = "under_review"
    approved = "approved"
    denied = "denied"
    paid = "paid"


class LossType(str, Enum):
    collision = "collision"
    theft = "theft"
    hail = "hail"
    water_damage = "water_damage"
    fire = "fire"


class Vehicle(BaseModel):
    vin: str = Field(pattern=r"^[A-HJ-NPR-Z0-9]{17}$", examples=["1HGCM82633A004352"])
    license_plate: str = Field(max_length=12, examples=["7XKD291"])
    plate_state: str = Field(pattern=r"^[A-Z]{2}$", examples=["CA"])
    make: str = Field(max_length=40, examples=["Honda"])
    model: str = Field(max_length=40, examples=["Accord"])
    year: int = Field(ge=1950, le=2030, examples=[2019])


class ClaimCreate(BaseModel):
    """First notice of loss (FNOL)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "policy_number": "PA-2024-00918273",
                    "loss_type": "collision",
                    "loss_date": "2024-06-02",
                    "description": "Rear-ended at a red light on Market St.",
                    "reporter_email": "dana.kim@example.com",
                    "reporter_phone": "+1-415-555-0136",
                    "vehicle": {
                        "vin": "1HGCM82633A004352",
                        "license_plate": "7XKD291",
                        "plate_state": "CA",
                        "make": "Honda",
                        "model": "Accord",
                        "year": 2019,
                    },
                }
            ]
        }
    )

    policy_number: str = Field(pattern=r"^[A-Z]{2}-\d{4}-\d{8}$")
    loss_type: LossType
    loss_date: date
    description: str
    reporter_email: str = Field(max_length=254)
    reporter_phone: Optional[str] = Field(default=None, max_length=32)
    vehicle: Optional[Vehicle] = None
    witness_names: list[str] = Field(default_factory=list)


class Claimant(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Graham Whitfield",
                    "email": "graham.whitfield@btinternet.com",
                    "phone": "+44 7700 900481",
                    "postcode": "LS1 4DY",
                    "date_of_birth": "1979-03-14",
                    "national_insurance_number": "JG 10 37 28 D",
                    "drivers_licence_no": "WHITF703149GR9AB",
                }
            ]
        }
    )

    full_name: str
    email: str
    phone: Optional[str] = None
    postcode: str
    date_of_birth: date
    national_insurance_number: str = Field(description="HMRC National Insurance number of the policyholder.")
    drivers_licence_no: Optional[str] = Field(default=None, description="DVLA licence number, for motor claims.")
    licence_verified: bool = False


class CoverageException(BaseModel):
    """A policy exclusion that applies to this loss (e.g. wear and tear)."""

    clause: str = Field(examples=["4.2(b)"])
    exception_text: str = Field(examples=["Damage caused by gradual wear and tear is excluded."])


class ClaimOut(BaseModel):
    id: int = Field(examples=[9007199254740993])
    claim_number: str = Field(examples=["CLM-24-0061842"])
    policy_number: str = Field(examples=["PA-2024-00918273"])
    status: ClaimStatus
    loss_type: LossType
    loss_date: date
    reserve_amount: Decimal = Field(examples=["4250.00"])
    currency: str = Field(default="GBP", pattern=r"^[A-Z]{3}$")
    claimant: Claimant
    vehicle: Optional[Vehicle] = None
    exclusions: list[CoverageException] = []
    adjuster_id: Optional[int] = None
    created_at: datetime


class Photo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ph_01HZX3K9",
                    "thumbnail_url": "https://cdn.claimdesk.com/thumbs/ph_01HZX3K9.jpg",
                    "download_url": "https://claimdesk-evidence.s3.eu-west-2.amazonaws.com/claims/61842/ph_01HZX3K9.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAQX7RZT3MVN4KJ2PD%2F20240602%2Feu-west-2%2Fs3%2Faws4_request&X-Amz-Date=20240602T101500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=5c1f0e3a9b7d2c4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e",
                    "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
                    "taken_at": "2024-06-02T10:12:44Z",
                }
            ]
        }
    )

    id: str
    thumbnail_url: str
    download_url: str
    sha256: str
    taken_at: Optional[datetime] = None


class Adjuster(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 311,
                    "name": "Tomasz Nowak",
                    "email": "tomasz.nowak@claimdesk-adjusting.co.uk",
                    "npn": "17482930",
                    "region": "North West",
                    "max_open_claims": 40,
                }
            ]
        }
    )

    id: int
    name: str
    email: str
    npn: str = Field(description="National Producer Number (public NIPR registry).")
    region: str
    max_open_claims: int


class PayoutCreate(BaseModel):
    amount: Decimal = Field(gt=0, le=1_000_000)
    iban: str = Field(pattern=r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$", examples=["GB33BUKB20201555555555"])
    bic: str = Field(pattern=r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$", examples=["BUKBGB22"])
    reference: str = Field(max_length=140)
    memo: str = ""


class PayoutOut(BaseModel):
    id: str = Field(examples=["po_7Hc2LmQ9"])
    claim_id: int
    amount: Decimal
    iban: str
    bic: str
    status: str = Field(examples=["settled"])
    bank_reference: str = Field(examples=["FPS-20240605-8836120457"])


class RepairShopIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "shop_id": "rs_4471",
                    "shop_name": "Kwik Body Repairs Ltd",
                    "estimate_api_base": "https://api.kwikbody.co.uk/v3",
                    "estimate_api_key": "kbr_live_9Qm2Xt7Lw4Zp1Vn8Rc3Hs6Jd0Fy5Gb",
                    "sftp_host": "172.20.14.9",
                    "sftp_user": "claimdesk",
                    "sftp_password": "Kw1kB0dy!2024",
                    "api_key_last4": "5Gb0",
                }
            ]
        }
    )

    shop_id: str
    shop_name: str
    estimate_api_base: str
    estimate_api_key: str
    sftp_host: str
    sftp_user: str
    sftp_password: str
    api_key_last4: str


class PartnerToken(BaseModel):
    access_token: str = Field(examples=["<issued-token>"])
    token_type: str = "bearer"
    expires_in: int = 3600


class FraudScore(BaseModel):
    claim_id: int
    score: float = Field(ge=0, le=1)
    signals: list[str] = Field(examples=[["duplicate_vin", "late_notice"]])


class ApiError(BaseModel):
    code: str = Field(examples=["CLAIM_LOCKED"])
    message: str
    trace_id: str = Field(examples=["4bf92f3577b34da6a3ce929d0e0e4736"])
    retry_after: Optional[int] = None


class UnhandledError(BaseModel):
    code: str = "INTERNAL"
    message: str
    exception_type: Optional[str] = Field(default=None, examples=["sqlalchemy.exc.OperationalError"])
    stacktrace: Optional[str] = None
    failed_query: Optional[str] = Field(default=None, description="The SQL statement that raised, when applicable.")


app = FastAPI(
    title="ClaimDesk Claims API",
    version="3.4.1",
    description=(
        "## ClaimDesk\n\nClaims intake and settlement for motor and home policies.\n\n"
        "Questions go to the `#claims-internal` Slack channel; roadmap in CLM-2207."
    ),
    contact={"name": "ClaimDesk API team", "email": "api-team@claimdesk.com"},
    servers=[
        {"url": "https://api.claimdesk.com/v3", "description": "Production"},
        {"url": "https://sandbox.api.claimdesk.com/v3", "description": "Sandbox"},
        {"url": "https://claims-api.corp.claimdesk.com/v3", "description": "Corporate network"},
    ],
)

ERRORS = {
    404: {"model": ApiError, "description": "Not found"},
    409: {"model": ApiError, "description": "Conflict"},
    500: {"model": UnhandledError, "description": "Unhandled server error"},
}

claims = APIRouter(prefix="/claims", tags=["claims"])
partners = APIRouter(prefix="/partners", tags=["partners"])
admin = APIRouter(prefix="/admin", tags=["admin"])


@claims.post("", response_model=ClaimOut, status_code=201, responses=ERRORS)
def create_claim(body: ClaimCreate) -> ClaimOut:
    raise HTTPException(501)


@claims.get("", response_model=Paginated[ClaimOut])
def list_claims(
    status: Optional[ClaimStatus] = None,
    policy_number: Annotated[Optional[str], Query(pattern=r"^[A-Z]{2}-\d{4}-\d{8}$")] = None,
    plate: Optional[str] = Query(default=None, description="Filter by licence plate, e.g. `7XKD291`."),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Paginated[ClaimOut]:
    return Paginated[ClaimOut](data=[], total=0)


@claims.get("/{claim_id}", response_model=ClaimOut, responses=ERRORS)
def get_claim(claim_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> ClaimOut:
    raise HTTPException(404)


@claims.get("/{claim_id}/photos", response_model=list[Photo], responses=ERRORS)
def list_photos(claim_id: int) -> list[Photo]:
    return []


@claims.post("/{claim_id}/admin-notes", status_code=201, responses=ERRORS)
def add_admin_note(
    claim_id: Annotated[int, Path(ge=1, le=2**63 - 1)], note: Annotated[str, Body(embed=True, max_length=4000)]
) -> None:
    """Add a note from claims administration (back-office) staff to the claim file."""


@claims.post("/{claim_id}/payouts", response_model=PayoutOut, status_code=201, responses=ERRORS)
def create_payout(claim_id: int, body: PayoutCreate) -> PayoutOut:
    raise HTTPException(501)


@claims.get("/{claim_id}/payouts", response_model=list[PayoutOut], responses=ERRORS)
def list_payouts(claim_id: int) -> list[PayoutOut]:
    return []


@claims.get("/{claim_id}/exclusions", response_model=list[CoverageException], responses=ERRORS)
def exclusions(claim_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> list[CoverageException]:
    return []


@app.get("/adjusters", response_model=list[Adjuster], tags=["adjusters"])
def list_adjusters(region: Optional[str] = None) -> list[Adjuster]:
    return []


@app.get("/private-label/brands", response_model=list[str], tags=["white-label"])
def private_label_brands() -> list[str]:
    """Insurer brands sold under ClaimDesk's private-label programme."""
    return []


@partners.post("/token", response_model=PartnerToken, tags=["partners"])
def partner_token(
    client_id: Annotated[str, Body(embed=True, max_length=64)],
    client_secret: Annotated[
        str,
        Body(embed=True, max_length=128, examples=["<client-secret>"]),
    ],
) -> PartnerToken:
    """OAuth2 client-credentials grant for repair-shop partners."""
    raise HTTPException(501)


@partners.get("/repair-shops/{shop_id}", response_model=RepairShopIntegration, responses=ERRORS)
def get_repair_shop(shop_id: str) -> RepairShopIntegration:
    raise HTTPException(404)


@admin.get("/claims/{claim_id}/claimant", response_model=Claimant, responses=ERRORS)
def admin_claimant(claim_id: int) -> Claimant:
    raise HTTPException(404)


@admin.post("/adjusters/{adjuster_id}/reassign", status_code=202, responses=ERRORS)
def admin_reassign(adjuster_id: int, to_adjuster_id: Annotated[int, Body(embed=True)]) -> None:
    raise HTTPException(404)


@app.get("/v3/_internal/fraud-score/{claim_id}", response_model=FraudScore, tags=["ops"])
def fraud_score(claim_id: int) -> FraudScore:
    """Proxy to the fraud model served at fraud-scorer.risk.svc.cluster.local:8501."""
    raise HTTPException(501)


@app.get("/__debug__/claims/{claim_id}/trace", tags=["ops"], responses={500: {"model": UnhandledError}})
def debug_trace(claim_id: int) -> dict:
    raise HTTPException(501)


app.include_router(claims)
app.include_router(partners)
app.include_router(admin)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
