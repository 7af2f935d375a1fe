"""Discoverly: legal e-discovery platform: matters, custodians, collections, document review, productions, audit.

Generate the OpenAPI document with:  python discoverly_app.py > discoverly.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field, computed_field
from pydantic.alias_generators import to_camel

oauth = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://login.discoverly.com/oauth2/authorize",
    tokenUrl="https://login.discoverly.com/oauth2/token",
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next_cursor: Optional[str] = None


# --------------------------------------------------------------------------- matters, custodians


class MatterCreate(BaseModel):
    name: str = Field(max_length=200)
    client_name: str = Field(max_length=200)
    matter_number: str = Field(pattern=r"^[A-Z]{2,5}-\d{4}-\d{3,5}$", examples=["ACME-2024-0117"])
    region: Literal["us", "eu"]
    description: Optional[str] = None


class MatterOut(BaseModel):
    id: UUID
    name: str
    client_name: str
    matter_number: str
    region: Literal["us", "eu"]
    status: Literal["active", "on_hold", "closed"]
    document_count: int
    privilege_review_enabled: bool = True
    created_at: datetime


class Custodian(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "full_name": "Dana Whitfield",
                    "email": "dana.whitfield@example.com",
                    "employee_id": "E104233",
                    "department": "Finance",
                    "ssn": "412-67-9038",
                    "hold_status": "acknowledged",
                }
            ]
        }
    )

    full_name: str = Field(max_length=160)
    email: str = Field(max_length=254)
    employee_id: str = Field(max_length=32)
    department: Optional[str] = Field(default=None, max_length=80)
    ssn: Optional[str] = Field(
        default=None, pattern=r"^\d{3}-\d{2}-\d{4}$", description="Used to match HR and payroll collections."
    )
    hold_status: Literal["pending", "sent", "acknowledged", "released"] = "pending"

    @computed_field
    @property
    def display_label(self) -> str:
        return f"{self.full_name} ({self.department or 'n/a'})"


class HoldNoticeCreate(BaseModel):
    subject: str = Field(max_length=200)
    body: str
    custodian_ids: list[UUID]
    reminder_days: int = Field(default=14, ge=1, le=90)


class HoldNoticeOut(BaseModel):
    id: UUID
    subject: str
    sent_to: int
    acknowledged: int
    sent_at: datetime


# --------------------------------------------------------------------------- collection sources


class SourceCreate(BaseModel):
    kind: Literal["m365", "google_workspace", "slack"]
    display_name: str = Field(max_length=80)
    tenant_id: str = Field(max_length=64)
    client_id: str = Field(max_length=64)
    client_secret: str = Field(max_length=256)


class SourceOut(BaseModel):
    id: UUID
    kind: Literal["m365", "google_workspace", "slack"]
    display_name: str
    tenant_id: str = Field(examples=["3f1c9a7e-2b4d-4e6f-8a0b-1c2d3e4f5a6b"])
    client_id: str = Field(examples=["b7e2d1c0-9f8e-4d7c-a6b5-c4d3e2f1a0b9"])
    secret_hint: str = Field(
        examples=["\u2022\u2022\u2022\u2022Q8x"], description="Last characters of the client secret."
    )
    credential_expires_at: Optional[datetime] = None
    status: Literal["connected", "expired", "error"]


class SourceRecord(BaseModel):
    """Raw connector row including the OAuth grant, for support escalations."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "sourceId": "5c4b3a29-1807-4f6e-9d5c-4b3a29180706",
                    "kind": "google_workspace",
                    "clientId": "418273645091-5f3kq9v2m7x8p1r4t6w0y3z5b2c8d1e4.apps.googleusercontent.com",
                    "clientSecret": "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",
                    "refreshToken": "1//0gLq7Zr2Xv9Kp4Tm8Wb3Nc6Hd1Fy5Gs0Jq2Ae7Ru4Wi9Lo3Mx6Pz1Vk8Bt5Cn2",
                    "scopes": ["https://www.googleapis.com/auth/ediscovery"],
                }
            ]
        },
    )

    source_id: UUID
    kind: Literal["m365", "google_workspace", "slack"]
    client_id: str
    client_secret: str
    refresh_token: Optional[str] = None
    service_account_key_json: Optional[str] = Field(default=None, description="Google service-account key file (JSON).")
    scopes: list[str] = []
    last_sync_cursor: Optional[str] = None


# --------------------------------------------------------------------------- password bank, documents, review


class PasswordBankEntryIn(BaseModel):
    password: str = Field(max_length=256)
    note: Optional[str] = Field(default=None, max_length=200)
    custodian_id: Optional[UUID] = None


class PasswordBankEntry(BaseModel):
    id: UUID
    password: str = Field(description="Candidate password tried against encrypted files during processing.")
    note: Optional[str] = None
    custodian_id: Optional[UUID] = None
    cracked_count: int = Field(default=0, description="Documents opened with this password so far.")
    added_at: datetime


class DocumentOut(BaseModel):
    id: UUID
    bates_begin: str = Field(examples=["ACME-0001234"])
    bates_end: str = Field(examples=["ACME-0001236"])
    custodian_id: UUID
    file_name: str
    file_type: str = Field(examples=["msg"])
    md5: str = Field(examples=["9e107d9d372bb6826bd81d3542a419d6"])
    sha1: str = Field(examples=["2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"])
    sent_at: Optional[datetime] = None
    is_password_protected: bool = False
    privilege: Literal["none", "attorney_client", "work_product"] = "none"
    tags: list[str] = []


class SearchRequest(BaseModel):
    query: str = Field(description="dtSearch-style boolean query, e.g. `(merger w/5 confidential) AND NOT privileged`.")
    filters: dict[str, str] = {}
    page_size: int = Field(default=50, ge=1, le=500)


class Coding(BaseModel):
    responsive: bool
    privilege: Literal["none", "attorney_client", "work_product"] = "none"
    issues: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=20)
    reviewer_comment: Optional[str] = Field(default=None, max_length=4000)


class SavedSearch(BaseModel):
    id: UUID
    name: str
    query: str
    sql: str = Field(description="Compiled SQL run against the analytics warehouse.")
    hit_count: int


class ProcessingException(BaseModel):
    """A file that could not be processed; review it manually or add its password to the password bank."""

    document_id: UUID
    file_name: str
    exception_type: Literal["password_protected", "corrupt", "unsupported_format", "timeout"]
    exception_message: str = Field(examples=["File is encrypted (AES-256)"])
    occurred_at: datetime


class ReviewerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
                    "full_name": "Rita Okafor",
                    "email": "r.okafor@example.net",
                    "role": "qc",
                    "bar_number": "CA 298114",
                    "docs_reviewed_today": 412,
                }
            ]
        }
    )

    id: UUID
    full_name: str
    email: str
    role: Literal["reviewer", "qc", "case_admin"]
    bar_number: Optional[str] = Field(default=None, description="State bar admission number (public registry).")
    docs_reviewed_today: int = 0


class Playbook(BaseModel):
    id: UUID
    title: str = Field(examples=["Internal investigation: whistleblower complaint"])
    steps: list[str]


# --------------------------------------------------------------------------- productions, tokens, settings


class ProductionCreate(BaseModel):
    name: str = Field(max_length=120)
    saved_search_id: UUID
    bates_prefix: str = Field(pattern=r"^[A-Z]{2,10}-$")
    format: Literal["native", "tiff", "pdf"] = "pdf"
    delivery: Literal["download", "sftp"] = "download"
    sftp_host: Optional[str] = Field(default=None, max_length=253)
    sftp_username: Optional[str] = Field(default=None, max_length=64)
    sftp_password: Optional[str] = Field(default="Discoverly2024!", max_length=128)
    encrypt_volume: bool = True


class ProductionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
                "name": "Production Vol. 003",
                "status": "complete",
                "document_count": 48210,
                "bates_range": "ACME-0001234 - ACME-0049443",
                "download_url": (
                    "https://dlyexports.blob.core.windows.net/prod/VOL003.zip"
                    "?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-10-01T00:00:00Z&spr=https"
                    "&sig=k3J9xqZ7mR2vT8wY1bC5dE0gH4jL6nP9sU3xA7fK2M%3D"
                ),
                "volume_password": "Vol003-Acme!",
                "sftp_target": "sftp://productions:Pr0duce-2024@files.morrisonlaw.com/incoming",
            }
        }
    )

    id: UUID
    name: str
    status: Literal["queued", "running", "complete", "failed"]
    document_count: int
    bates_range: Optional[str] = None
    download_url: Optional[str] = None
    volume_password: Optional[str] = Field(
        default=None, description="Password of the encrypted production volume; send it to opposing counsel separately."
    )
    sftp_target: Optional[str] = Field(default=None, description="Delivery target as a URL.")
    created_at: Optional[datetime] = None


class ApiTokenCreate(BaseModel):
    name: str = Field(max_length=64)
    scopes: list[Literal["matters:read", "documents:read", "productions:write"]] = Field(max_length=3)
    expires_in_days: int = Field(default=90, ge=1, le=365)


class ApiToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pat_01J8M2",
                    "name": "relativity-sync",
                    "token": "dsc_pat_********",
                    "token_prefix": "dsc_pat_7Kq2",
                    "scopes": ["matters:read"],
                    "created_at": "2024-08-01T12:00:00Z",
                    "expires_at": "2024-10-30T12:00:00Z",
                }
            ]
        }
    )

    id: str
    name: str
    token: str = Field(description="Personal access token (Bearer).")
    token_prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime


class ApiTokenSummary(BaseModel):
    id: str
    name: str
    token_prefix: str = Field(examples=["dsc_pat_7Kq2"])
    last_used_at: Optional[datetime] = None


class SamlSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "idp_entity_id": "https://sts.windows.net/3f1c9a7e-2b4d-4e6f-8a0b-1c2d3e4f5a6b/",
                    "idp_sso_url": "https://login.microsoftonline.com/3f1c9a7e-2b4d-4e6f-8a0b-1c2d3e4f5a6b/saml2",
                    "idp_x509_certificate": "-----BEGIN CERTIFICATE-----\nMIIC8DCCAdigAwIBAgIQb2Yx7kL3pN9qR4tV1wX8zDANBgkqhkiG9w0BAQsFADA0\n-----END CERTIFICATE-----",
                    "sp_entity_id": "https://app.discoverly.com/saml/acme",
                    "sp_private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7vJ3kX9mQ2pL7\n-----END PRIVATE KEY-----",
                    "want_assertions_signed": True,
                    "session_timeout_minutes": 480,
                }
            ]
        }
    )

    idp_entity_id: str
    idp_sso_url: str
    idp_x509_certificate: str = Field(description="IdP signing certificate (public).")
    sp_entity_id: str
    sp_private_key: str = Field(description="Key used to sign AuthnRequests and decrypt assertions.")
    want_assertions_signed: bool = True
    session_timeout_minutes: int = 480


class SamlSettingsUpdate(BaseModel):
    idp_entity_id: Optional[str] = Field(default=None, max_length=512)
    idp_sso_url: Optional[str] = Field(default=None, max_length=2048)
    idp_x509_certificate: Optional[str] = Field(default=None, max_length=8192)
    sp_private_key: Optional[str] = Field(default=None, max_length=8192)
    want_assertions_signed: Optional[bool] = None
    session_timeout_minutes: Optional[int] = Field(default=None, ge=15, le=1440)


class AuditEntry(BaseModel):
    at: datetime
    actor_email: str
    action: Literal["document.viewed", "document.coded", "production.downloaded", "login"]
    target: str
    ip_address: str
    user_agent: Optional[str] = None


class ApplianceStatus(BaseModel):
    version: str
    node_address: str = Field(
        examples=["fd7a:115c:a1e0::12"], description="Address of the review node on the customer network."
    )
    index_healthy: bool


# --------------------------------------------------------------------------- errors


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None
    correlation_id: Optional[str] = None


class FaultReport(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    type: str = "about:blank"
    title: str = "Internal Server Error"
    status: int = 500
    correlation_id: str
    error_class: Optional[str] = Field(default=None, examples=["psycopg.errors.QueryCanceled"])
    source_location: Optional[str] = Field(default=None, examples=["discoverly/review/coding.py:212"])
    causes: list[str] = Field(default_factory=list, description="Chained exception messages, outermost first.")
    sql_statement: Optional[str] = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Discoverly API",
    version="2024.09",
    description=(
        "Matters, custodians, collections, review and productions for the Discoverly e-discovery platform. "
        "Matter data stays in the region chosen when the matter is created."
    ),
    contact={"name": "Discoverly support", "url": "https://help.discoverly.com", "email": "support@discoverly.com"},
    servers=[
        {"url": "https://api.discoverly.com/v1", "description": "Production (US)"},
        {"url": "https://api.eu.discoverly.com/v1", "description": "Production (EU)"},
        {"url": "https://sandbox.discoverly.com/v1", "description": "Sandbox"},
        {"url": "https://review.discoverly.corp/v1", "description": "On-prem review appliance (customer VPN)"},
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    500: {"model": FaultReport, "description": "Internal error"},
}

matters = APIRouter(prefix="/matters", tags=["matters"], dependencies=[Depends(oauth)])
account = APIRouter(tags=["account"], dependencies=[Depends(oauth)])
ops = APIRouter(tags=["ops"], dependencies=[Depends(oauth)])


@matters.get("", response_model=Page[MatterOut])
def list_matters(
    q: Optional[str] = None,
    status: Optional[Literal["active", "on_hold", "closed"]] = None,
    cursor: Annotated[Optional[str], Query(max_length=128)] = None,
) -> Page[MatterOut]:
    return Page[MatterOut](items=[], total=0)


@matters.post("", response_model=MatterOut, status_code=201, responses=ERRORS)
def create_matter(body: MatterCreate) -> MatterOut:
    raise HTTPException(501)


@matters.get("/{matter_id}", response_model=MatterOut, responses=ERRORS)
def get_matter(matter_id: UUID) -> MatterOut:
    raise HTTPException(404)


@matters.get("/{matter_id}/custodians", response_model=list[Custodian], responses=ERRORS)
def list_custodians(matter_id: UUID) -> list[Custodian]:
    return []


@matters.post("/{matter_id}/custodians", response_model=Custodian, status_code=201, responses=ERRORS)
def add_custodian(matter_id: UUID, body: Custodian) -> Custodian:
    return body


@matters.post("/{matter_id}/holds", response_model=HoldNoticeOut, status_code=201, responses=ERRORS)
def send_hold(matter_id: UUID, body: HoldNoticeCreate) -> HoldNoticeOut:
    raise HTTPException(501)


@matters.get("/{matter_id}/sources", response_model=list[SourceOut])
def list_sources(matter_id: UUID) -> list[SourceOut]:
    return []


@matters.post("/{matter_id}/sources", response_model=SourceOut, status_code=201, responses=ERRORS)
def connect_source(matter_id: UUID, body: SourceCreate) -> SourceOut:
    raise HTTPException(501)


@matters.get(
    "/{matter_id}/password-bank",
    response_model=list[PasswordBankEntry],
    responses={
        200: {
            "content": {
                "application/json": {
                    "examples": {
                        "finance": {
                            "summary": "Passwords gathered from the finance custodians",
                            "value": [
                                {
                                    "id": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
                                    "password": "Q3-Forecast!",
                                    "note": "from D. Whitfield interview",
                                    "cracked_count": 37,
                                    "added_at": "2024-08-12T15:04:00Z",
                                }
                            ],
                        },
                        "empty": {"summary": "No passwords yet", "value": []},
                    }
                }
            }
        },
        **ERRORS,
    },
)
def password_bank(matter_id: UUID) -> list[PasswordBankEntry]:
    """Passwords tried against encrypted containers and documents during processing."""
    return []


@matters.post("/{matter_id}/password-bank", response_model=PasswordBankEntry, status_code=201, responses=ERRORS)
def add_password(
    matter_id: UUID,
    body: Annotated[
        PasswordBankEntryIn,
        Body(
            openapi_examples={
                "known": {
                    "summary": "Password supplied by the custodian",
                    "value": {"password": "Whitfield1987", "note": "personal laptop"},
                },
                "template": {
                    "summary": "Shape only",
                    "value": {"password": "<password-from-custodian>", "note": "where it came from"},
                },
            }
        ),
    ],
) -> PasswordBankEntry:
    raise HTTPException(501)


@matters.post("/{matter_id}/documents/search", response_model=Page[DocumentOut], responses=ERRORS)
def search_documents(matter_id: UUID, body: SearchRequest) -> Page[DocumentOut]:
    return Page[DocumentOut](items=[], total=0)


@matters.put("/{matter_id}/documents/{document_id}/coding", response_model=Coding, responses={404: {"model": Problem}})
def code_document(matter_id: UUID, document_id: UUID, body: Coding) -> Coding:
    return body


@matters.get("/{matter_id}/saved-searches", response_model=list[SavedSearch])
def saved_searches(matter_id: UUID) -> list[SavedSearch]:
    return []


@matters.get("/{matter_id}/processing/exceptions", response_model=list[ProcessingException])
def processing_exceptions(matter_id: UUID) -> list[ProcessingException]:
    """Files that failed processing (encrypted, corrupt, unsupported)."""
    return []


@matters.get("/{matter_id}/reviewers", response_model=list[ReviewerOut])
def reviewers(matter_id: UUID) -> list[ReviewerOut]:
    return []


@matters.post("/{matter_id}/productions", response_model=ProductionOut, status_code=201, responses=ERRORS)
def create_production(matter_id: UUID, body: ProductionCreate) -> ProductionOut:
    raise HTTPException(501)


@matters.get("/{matter_id}/productions/{production_id}", response_model=ProductionOut, responses=ERRORS)
def get_production(matter_id: UUID, production_id: UUID) -> ProductionOut:
    raise HTTPException(404)


@matters.get(
    "/{matter_id}/audit",
    response_model=list[AuditEntry],
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "at": "2024-09-03T14:21:40Z",
                            "actor_email": "reviewer1@example.com",
                            "action": "document.viewed",
                            "target": "ACME-0001234",
                            "ip_address": "198.51.100.7",
                        },
                        {
                            "at": "2024-09-03T14:22:05Z",
                            "actor_email": "jwhitfield@morrisonlaw.com",
                            "action": "production.downloaded",
                            "target": "VOL003",
                            "ip_address": "10.50.1.20",
                        },
                    ]
                }
            }
        }
    },
)
def audit(
    matter_id: UUID,
    since: Optional[datetime] = None,
    actor: Optional[str] = Query(default=None, description="Filter by actor e-mail"),
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntry]:
    return []


@app.get("/productions/{production_id}/download", status_code=302, tags=["matters"])
def download_production(
    production_id: UUID,
    token: Annotated[
        str,
        Query(
            max_length=2048,
            description="Short-lived download token from the production e-mail.",
            openapi_examples={
                "signed": {
                    "summary": "Token from the e-mail link",
                    "value": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJwcm9kIjoiVk9MMDAzIiwic3ViIjoiandoaXRmaWVsZCIsImV4cCI6MTcyNzc0MDgwMH0.b3VfZ9kR2mL7tQ4wZ8cN1bF5hJ0dK6sE3yU9aT2oV7q",
                },
                "placeholder": {"summary": "Shape only", "value": "<download-token>"},
            },
        ),
    ],
) -> None:
    raise HTTPException(302)


@account.post("/api-tokens", response_model=ApiToken, status_code=201)
def create_token(body: ApiTokenCreate) -> ApiToken:
    """Create a personal access token."""
    raise HTTPException(501)


@account.get("/api-tokens", response_model=list[ApiTokenSummary])
def list_tokens() -> list[ApiTokenSummary]:
    return []


@account.get("/api-tokens/{token_id}", response_model=ApiToken, responses=ERRORS)
def get_token(token_id: Annotated[str, Path(max_length=32)]) -> ApiToken:
    raise HTTPException(404)


@account.get("/settings/sso", response_model=SamlSettings, responses=ERRORS)
def get_sso() -> SamlSettings:
    raise HTTPException(404)


@account.put("/settings/sso", response_model=SamlSettings, responses=ERRORS)
def put_sso(body: SamlSettingsUpdate) -> SamlSettings:
    raise HTTPException(404)


@account.get("/playbooks/internal-investigations", response_model=list[Playbook])
def investigation_playbooks() -> list[Playbook]:
    """Workflow templates for internal-investigation matters."""
    return []


@account.get("/appliance/status", response_model=ApplianceStatus)
def appliance_status() -> ApplianceStatus:
    """Health of the on-prem review appliance, if the tenant has one."""
    raise HTTPException(404)


@ops.get("/admin/sources/{source_id}/raw", response_model=SourceRecord, responses=ERRORS, tags=["admin"])
def admin_source_raw(source_id: UUID) -> SourceRecord:
    raise HTTPException(404)


@ops.post("/private/ocr/requeue", status_code=202, openapi_extra={"x-internal": True})
def requeue_ocr(document_ids: Annotated[list[UUID], Body(embed=True)]) -> None:
    """Re-queue pages on the OCR farm (ocr-01.dfw.discoverly.intranet)."""


@ops.get("/__debug__/search-plan", response_model=dict[str, Any])
def search_plan(q: str) -> dict[str, Any]:
    """Explain how a query is rewritten before it reaches the index."""
    return {}


@ops.post("/internal/warmup", include_in_schema=False)
def warmup() -> None:
    pass


app.include_router(matters)
app.include_router(account)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
