"""Docketeer: legal e-discovery (matters, custodians, processing, review, productions)
and court e-filing (CM/ECF, state EFMs).

Generate the OpenAPI document with:  python docketeer_app.py > docketeer.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

sso = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://login.docketeer.law/oauth/authorize",
    tokenUrl="https://sso.corp.docketeer.law/oauth/token",
    description="Firm SSO (authorization-code flow).",
    auto_error=False,
)


class ResultSet(BaseModel, Generic[T]):
    items: list[T]
    total: int
    cursor: str | None = None


# --------------------------------------------------------------------------- matters


class Attorney(BaseModel):
    name: str = Field(max_length=120)
    bar_number: str = Field(
        pattern=r"^[0-9A-Z]{4,10}$", description="State bar admission number (public attorney registry)."
    )
    bar_state: str = Field(pattern=r"^[A-Z]{2}$")
    email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=24)


class ConfidentialityTier(str, Enum):
    standard = "STANDARD"
    confidential = "CONFIDENTIAL"
    aeo = "ATTORNEYS_EYES_ONLY"
    trade_secret = "TRADE_SECRET"


class MatterCreate(BaseModel):
    caption: str = Field(max_length=500)
    client_matter_number: str = Field(pattern=r"^\d{5}-\d{4}$")
    court_id: str = Field(pattern=r"^[a-z]{2,6}$", examples=["nysd"])
    docket_number: str | None = Field(default=None, max_length=40)
    lead_attorney: Attorney
    opposing_counsel: list[Attorney] = Field(default_factory=list)
    confidentiality_tier: ConfidentialityTier = ConfidentialityTier.confidential
    legal_hold_notes: str | None = None


class Matter(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "matter_id": "0b7f3c52-6a1d-4e8b-9c2f-71d0a5e4b913",
                    "caption": "Hartwell Freight LLC v. Quorum Logistics, Inc.",
                    "client_matter_number": "20417-0003",
                    "court_id": "nysd",
                    "docket_number": "1:24-cv-03318-JPO",
                    "status": "discovery",
                    "lead_attorney": {
                        "name": "Renée Okonkwo",
                        "bar_number": "5512873",
                        "bar_state": "NY",
                        "email": "r.okonkwo@hartwell-llp.com",
                        "phone": "+1 212 555 0147",
                    },
                    "confidentiality_tier": "TRADE_SECRET",
                }
            ]
        }
    )

    matter_id: UUID
    caption: str
    client_matter_number: str
    court_id: str
    docket_number: str | None = None
    status: Literal["intake", "hold", "discovery", "review", "production", "closed"]
    lead_attorney: Attorney
    opposing_counsel: list[Attorney] = []
    confidentiality_tier: ConfidentialityTier
    created_at: datetime | None = None


class AdministrativeOrder(BaseModel):
    court_id: str
    order_number: str = Field(examples=["M10-468"])
    title: str
    effective_on: date
    url: str = Field(examples=["https://www.nysd.uscourts.gov/rules/standing-orders"])


# --------------------------------------------------------------------------- custodians


class M365Source(BaseModel):
    kind: Literal["m365"] = "m365"
    tenant_id: UUID
    mailbox_upn: str = Field(max_length=254)
    delegated_refresh_token: str = Field(
        max_length=8192, description="Refresh token from the admin-consented collection app."
    )


class GWorkspaceSource(BaseModel):
    kind: Literal["gworkspace"] = "gworkspace"
    customer_id: str = Field(pattern=r"^C[0-9a-z]{8}$")
    impersonated_user: str = Field(max_length=254)
    service_account_json: str = Field(
        max_length=16384, description="Service-account key file (JSON) with domain-wide delegation."
    )


class ImapSource(BaseModel):
    kind: Literal["imap"] = "imap"
    imap_host: str = Field(max_length=253)
    port: int = Field(default=993, ge=1, le=65535)
    username: str = Field(max_length=254)
    password: str = Field(max_length=256)


MailboxSource = Annotated[M365Source | GWorkspaceSource | ImapSource, Field(discriminator="kind")]


class CustodianCreate(BaseModel):
    full_name: str = Field(max_length=120)
    work_email: str = Field(max_length=254)
    department: str | None = Field(default=None, max_length=80)
    title: str | None = Field(default=None, max_length=120)
    employee_number: str | None = Field(default=None, max_length=20)


class Custodian(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "custodian_id": "c5e1a9d0-3b7f-4c22-8e61-0f4d2b9a7c15",
                    "full_name": "Dana Whitfield",
                    "work_email": "dana.whitfield@quorumlogistics.com",
                    "department": "Finance",
                    "employee_number": "E-104722",
                    "hold_status": "acknowledged",
                    "source": {
                        "kind": "imap",
                        "imap_host": "imap.quorum.corp",
                        "port": 993,
                        "username": "dwhitfield",
                        "password": "Qu0rum!Mail22",
                    },
                }
            ]
        }
    )

    custodian_id: UUID
    full_name: str
    work_email: str
    department: str | None = None
    title: str | None = None
    employee_number: str | None = None
    hold_status: Literal["pending", "sent", "acknowledged", "released"]
    hold_acknowledged_at: datetime | None = None
    source: MailboxSource | None = None


class HoldAck(BaseModel):
    custodian_id: UUID
    acknowledged_at: datetime
    ip_address: str = Field(examples=["203.0.113.9"])
    user_agent: str | None = None


class LegalHoldNotice(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hold_id": "hold_2291",
                    "subject": "LEGAL HOLD: Hartwell v. Quorum - preserve all records",
                    "body_markdown": "Do not delete, alter or move any documents, including password-protected files and personal devices used for work.",
                    "sent_at": "2024-04-02T15:00:00Z",
                    "acknowledgements": [],
                }
            ]
        }
    )

    hold_id: str
    subject: str
    body_markdown: str
    sent_at: datetime
    acknowledgements: list[HoldAck] = []


# --------------------------------------------------------------------------- processing


class CollectionSource(BaseModel):
    """S3 location of a forensic collection. Omit the keys to use the cross-account role."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "bucket_uri": "s3://quorum-collection-2024",
                    "region": "us-east-1",
                    "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
                    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "prefix": "custodians/",
                }
            ]
        }
    )

    bucket_uri: str = Field(pattern=r"^s3://[a-z0-9.\-]{3,63}$")
    region: Literal["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
    aws_access_key_id: str | None = Field(default=None, pattern=r"^AKIA[0-9A-Z]{16}$")
    aws_secret_access_key: str | None = Field(default=None, max_length=128)
    prefix: str | None = Field(default=None, max_length=1024)


class ProcessingJobCreate(BaseModel):
    source: CollectionSource
    custodian_ids: list[UUID] = Field(max_length=500)
    dedupe_scope: Literal["none", "custodian", "global"] = "global"
    de_nist: bool = Field(default=True, description="Drop known system files (NSRL).")
    ocr_languages: list[str] = Field(default_factory=lambda: ["eng"])
    password_bank: list[str] = Field(
        default_factory=list, description="Passwords to try on encrypted containers and documents."
    )
    tokenizer: Literal["standard", "cjk", "whitespace"] = "standard"
    max_token_length: int = Field(default=255, ge=16, le=1024)


class ProcessingJob(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "pj_7Q2M",
                    "matter_id": "0b7f3c52-6a1d-4e8b-9c2f-71d0a5e4b913",
                    "status": "running",
                    "stage": "ocr",
                    "progress_pct": 63.5,
                    "documents_ingested": 284113,
                    "exceptions_count": 412,
                    "worker_node": "proc-worker-07.dkt.svc.cluster.local",
                    "tokenizer": "standard",
                    "max_token_length": 255,
                }
            ]
        }
    )

    job_id: str
    matter_id: UUID
    status: Literal["queued", "running", "completed", "failed", "cancelled"]
    stage: Literal["expand", "dedupe", "extract", "ocr", "index"]
    progress_pct: float
    documents_ingested: int
    exceptions_count: int = Field(description="Documents that could not be processed (see /exceptions).")
    source: CollectionSource
    password_bank: list[str] = []
    worker_node: str | None = None
    tokenizer: str
    max_token_length: int
    started_at: datetime | None = None


class ProcessingExceptionItem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "doc_id": "DOC-00912277",
                    "custodian_id": "c5e1a9d0-3b7f-4c22-8e61-0f4d2b9a7c15",
                    "file_path": "/Whitfield, Dana/Outlook/dwhitfield.pst/Inbox/Q3 forecast.xlsx",
                    "exception_type": "password_protected",
                    "exception_message": "Encrypted workbook; no password in the password bank matched.",
                    "resolution": "open",
                }
            ]
        }
    )

    doc_id: str
    custodian_id: UUID
    file_path: str
    exception_type: Literal["password_protected", "corrupt", "unsupported_format", "ocr_failed", "oversized"]
    exception_message: str
    resolution: Literal["open", "decrypted", "slip_sheeted", "waived"] = "open"


class Document(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "doc_id": "DOC-00912277",
                    "bates_number": "QL-0004412",
                    "custodian_id": "c5e1a9d0-3b7f-4c22-8e61-0f4d2b9a7c15",
                    "file_name": "RE: Q3 forecast.msg",
                    "email_from": "dana.whitfield@quorumlogistics.com",
                    "email_to": ["treasury@quorum.example"],
                    "md5": "9e107d9d372bb6826bd81d3542a419d6",
                    "sha1": "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
                    "is_key_document": True,
                    "privilege_status": "not_privileged",
                }
            ]
        }
    )

    doc_id: str
    bates_number: str | None = None
    custodian_id: UUID
    file_name: str
    email_from: str | None = None
    email_to: list[str] = []
    md5: str
    sha1: str
    is_key_document: bool = Field(default=False, description='Reviewer flagged this as a key ("hot") document.')
    privilege_status: Literal["not_reviewed", "not_privileged", "privileged", "partially_privileged"]


class PrivilegeLogEntry(BaseModel):
    entry_id: str
    bates_begin: str
    bates_end: str
    doc_date: date | None = None
    author: str
    recipients: list[str] = []
    privilege_basis: Literal["attorney_client", "work_product", "common_interest"]
    description: str


class SavedSearch(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "search_id": "ss_118",
                    "name": "Kickback terms near invoices",
                    "dt_search_syntax": "(kickback OR rebate) w/5 invoice*",
                    "compiled_sql": "SELECT doc_id FROM doc_terms WHERE term_group = 17 AND within_5(term_a, term_b)",
                    "hit_count": 1382,
                }
            ]
        }
    )

    search_id: str
    name: str
    dt_search_syntax: str
    compiled_sql: str = Field(description="Query as run against the review index.")
    hit_count: int


# --------------------------------------------------------------------------- productions


class ProductionEncryption(BaseModel):
    algorithm: Literal["AES-256"] = "AES-256"
    archive_password: str
    password_delivery: Literal["separate_email", "portal", "phone"] = Field(
        default="separate_email", description="How the archive password is sent to receiving counsel."
    )


class ProductionCreate(BaseModel):
    volume_name: str = Field(pattern=r"^[A-Z]{2,6}_VOL\d{3}$")
    bates_prefix: str = Field(pattern=r"^[A-Z]{2,6}-$")
    saved_search_id: str | None = Field(default=None, max_length=32)
    doc_query: str | None = Field(default=None, description="dtSearch syntax, if no saved search is given.")
    include_natives: bool = False
    encrypt: bool = True
    load_file_format: Literal["concordance_dat", "opticon_opt", "relativity_csv"] = "concordance_dat"


class Production(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "production_id": "prod_0031",
                    "volume_name": "QL_VOL001",
                    "bates_prefix": "QL-",
                    "bates_start": 1,
                    "bates_end": 18220,
                    "doc_count": 4471,
                    "encryption": {
                        "algorithm": "AES-256",
                        "archive_password": "Quorum#Vol001!",
                        "password_delivery": "separate_email",
                    },
                    "download_url": "https://dktprod.blob.core.windows.net/productions/QL_VOL001.zip?sv=2023-11-03&se=2024-07-01T00%3A00%3A00Z&sr=b&sp=r&sig=Xk3p9Qm2Vw7Lr4Tz8Nb1Cd6Ef0Gh5Js2Ua9Vx4Kq7Pm3%3D",
                    "sha256": "5d41402abc4b2a76b9719d911017c592ae2d8f6b7c1e4a3f9b0d2c8e6a1f7b3d",
                    "load_file_format": "concordance_dat",
                }
            ]
        }
    )

    production_id: str
    volume_name: str
    bates_prefix: str
    bates_start: int
    bates_end: int
    doc_count: int
    encryption: ProductionEncryption | None = None
    download_url: str | None = None
    sha256: str | None = None
    load_file_format: Literal["concordance_dat", "opticon_opt", "relativity_csv"]


# --------------------------------------------------------------------------- e-filing


class EfilingAccountCreate(BaseModel):
    court_id: str = Field(pattern=r"^[a-z]{2,6}$")
    pacer_username: str = Field(max_length=64)
    pacer_password: str = Field(max_length=128)
    filer_type: Literal["attorney", "pro_se", "trustee"] = "attorney"
    mfa_totp_seed: str | None = Field(default=None, pattern=r"^[A-Z2-7]{16,64}$")


class EfilingAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_id": "efa_41",
                    "court_id": "nysd",
                    "pacer_username": "okonkwo_r",
                    "pacer_password": "Ecf!Filing2024",
                    "filer_id": "9518823",
                    "mfa_totp_seed": "Q7TK4M2XWZ5PR3LA",
                    "password_expires_at": "2024-12-31T00:00:00Z",
                }
            ]
        }
    )

    account_id: str
    court_id: str
    pacer_username: str
    pacer_password: str
    filer_id: str | None = None
    mfa_totp_seed: str | None = None
    last_verified_at: datetime | None = None
    password_expires_at: datetime | None = Field(
        default=None, description="PACER forces a password change every 180 days."
    )


class FilingDocument(BaseModel):
    file_name: str = Field(max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(ge=1, le=52_428_800)
    document_type: Literal["complaint", "motion", "memorandum", "exhibit", "declaration", "proposed_order"]
    redaction_certified: bool = Field(
        description="Filer certifies SSNs are reduced to the last four digits (FRCP 5.2)."
    )


class FeePayment(BaseModel):
    card_number: str = Field(pattern=r"^\d{15,16}$")
    cvv: str = Field(pattern=r"^\d{3,4}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2060)
    cardholder: str = Field(max_length=80)
    billing_zip: str = Field(pattern=r"^\d{5}$")


class FilingSubmission(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "court_id": "nysd",
                    "case_number": "1:24-cv-03318",
                    "lead_document": {
                        "file_name": "motion_to_compel.pdf",
                        "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "size_bytes": 482113,
                        "document_type": "motion",
                        "redaction_certified": True,
                    },
                    "filing_fee": {
                        "card_number": "378282246310005",
                        "cvv": "1234",
                        "exp_month": 4,
                        "exp_year": 2031,
                        "cardholder": "Renée Okonkwo",
                        "billing_zip": "10007",
                    },
                }
            ]
        }
    )

    court_id: str = Field(pattern=r"^[a-z]{2,6}$")
    case_number: str = Field(pattern=r"^\d:\d{2}-[a-z]{2}-\d{5}$")
    lead_document: FilingDocument
    attachments: list[FilingDocument] = Field(default_factory=list)
    filing_fee: FeePayment | None = None
    notes_to_clerk: str | None = None
    parties_served: list[str] = Field(default_factory=list)


class FilingReceipt(BaseModel):
    filing_id: str
    nef_id: str = Field(description="Notice of Electronic Filing id.")
    docket_entry_number: int | None = None
    filed_at: datetime
    fee_receipt_number: str | None = Field(default=None, examples=["ANYSDC-29418812"])
    card_last4: str | None = Field(default=None, examples=["0005"])


class CourtConnector(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "court_id": "nysd",
                    "efm_vendor": "cmecf",
                    "ecf_base_url": "https://ecf.nysd.uscourts.gov",
                    "soap_relay_url": "http://ecf-relay.dkt-internal.net:8080/soap/v2",
                    "client_certificate_pem": "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEbX2k7DANBgkqhkiG9w0BAQsFADBsMRAwDgYDVQQGEwdV\n-----END CERTIFICATE-----\n",
                    "client_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi4mQ2vT8wLp8RzY6kNb3XcJ7dF\n-----END RSA PRIVATE KEY-----\n",
                    "efm_api_key": "tyl_efm_live_Wq4Zr8Lp2Vx6Mk9Tn3Hb7Yc1Df5Gs0Ja",
                }
            ]
        }
    )

    court_id: str
    efm_vendor: Literal["cmecf", "tyler_odyssey", "file_and_serve"]
    ecf_base_url: str
    soap_relay_url: str | None = None
    client_certificate_pem: str | None = Field(
        default=None, description="Public client certificate presented to the court."
    )
    client_key_pem: str | None = None
    efm_api_key: str | None = None


class CourtConnectorUpdate(BaseModel):
    efm_vendor: Literal["cmecf", "tyler_odyssey", "file_and_serve"]
    ecf_base_url: str = Field(max_length=2048)
    client_certificate_pem: str | None = Field(default=None, max_length=8192)
    client_key_pem: str | None = Field(default=None, max_length=8192)
    efm_api_key: str | None = Field(default=None, max_length=128)


class ServiceTokenRequest(BaseModel):
    label: str = Field(max_length=64)
    ttl_days: int = Field(default=30, ge=1, le=365)


class ServiceTokenIssued(BaseModel):
    """Shown once; store it in your litigation-support tooling."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"token_id": "stk_19", "token": "<service-token>", "expires_at": "2024-08-01T00:00:00Z"}]
        }
    )

    token_id: str
    token: str
    expires_at: datetime


class ServiceTokenSummary(BaseModel):
    token_id: str
    label: str
    token_fingerprint: str = Field(examples=["SHA256:Tq3kV9mX2pL7wR4yZ8nB1cD6eF0gH5jU2sA9vK4xQ7m"])
    last_used_at: datetime | None = None
    expires_at: datetime


# --------------------------------------------------------------------------- ops


class WorkerNode(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"hostname": "proc-worker-07.dkt.svc.cluster.local", "ip": "172.22.14.9", "queue": "ocr", "busy": True}
            ]
        }
    )

    hostname: str
    ip: str
    queue: Literal["expand", "extract", "ocr", "index"]
    busy: bool


class WorkerPoolStatus(BaseModel):
    workers: list[WorkerNode]
    backlog: int


class SqlExplainRequest(BaseModel):
    sql: str


class SqlExplainResult(BaseModel):
    plan: list[str]
    estimated_cost: float


class ReindexAccepted(BaseModel):
    task_id: str
    queued_at: datetime


# --------------------------------------------------------------------------- errors


class DktError(BaseModel):
    error: str
    error_code: str = Field(examples=["MATTER_NOT_FOUND"])
    detail: str | None = None
    request_id: str


class DebugContext(BaseModel):
    local_vars: dict[str, str] = Field(description="repr() of the frame locals where the error was raised.")
    celery_task: str | None = Field(default=None, description="Task name and id, e.g. `ingest.expand_pst[5f2c...]`.")


class DktFault(BaseModel):
    error: str = "internal_error"
    request_id: str
    exception_repr: str | None = Field(
        default=None, examples=["OperationalError('could not serialize access due to concurrent update')"]
    )
    sql_query: str | None = None
    source_location: str | None = Field(default=None, examples=["docketeer/processing/expand.py:412"])
    debug_context: DebugContext | None = None


class CourtGatewayError(BaseModel):
    provider: Literal["PACER", "Tyler", "FileAndServe"]
    court_status_code: int
    message: str
    retry_after: int | None = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Docketeer API",
    version="2024.6.0",
    description=(
        "E-discovery and e-filing for litigation teams. "
        "Processing dashboards for support staff: https://grafana.ops.docketeer.intranet/d/ingest"
    ),
    contact={"name": "Docketeer Support", "email": "support@docketeer.law", "url": "https://help.docketeer.law"},
    servers=[
        {"url": "https://api.docketeer.law", "description": "Production"},
        {"url": "https://sandbox.docketeer.law", "description": "Sandbox (fictional matters only)"},
        {"url": "http://dkt-proc-01.docketeer.local:8443", "description": "On-prem processing appliance"},
    ],
)

ERR = {
    404: {"model": DktError, "description": "Not found"},
    500: {"model": DktFault, "description": "Unexpected failure"},
}
COURT_ERR = {**ERR, 502: {"model": CourtGatewayError, "description": "Court system error"}}

MatterId = Annotated[UUID, Path(description="Matter id")]

matters = APIRouter(prefix="/v1/matters", tags=["matters"], dependencies=[Depends(sso)])
filing = APIRouter(prefix="/v1", tags=["efiling"], dependencies=[Depends(sso)])
firms = APIRouter(prefix="/v1/firms/{firm_id}", tags=["firms"], dependencies=[Depends(sso)])
ops = APIRouter(prefix="/ops", tags=["ops"])


@matters.post("", response_model=Matter, status_code=201, responses=ERR)
def create_matter(body: MatterCreate) -> Matter:
    raise HTTPException(501)


@matters.get("", response_model=ResultSet[Matter], responses=ERR)
def list_matters(
    q: str | None = Query(default=None, description="Caption or client-matter number"),
    status: Literal["intake", "hold", "discovery", "review", "production", "closed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ResultSet[Matter]:
    return ResultSet[Matter](items=[], total=0)


@matters.get("/{matter_id}", response_model=Matter, responses=ERR)
def get_matter(matter_id: MatterId) -> Matter:
    raise HTTPException(404)


@matters.post("/{matter_id}/custodians", response_model=Custodian, status_code=201, responses=ERR)
def add_custodian(matter_id: MatterId, body: CustodianCreate) -> Custodian:
    raise HTTPException(501)


@matters.get("/{matter_id}/custodians", response_model=ResultSet[Custodian], responses=ERR)
def list_custodians(matter_id: MatterId, department: str | None = None) -> ResultSet[Custodian]:
    return ResultSet[Custodian](items=[], total=0)


@matters.put("/{matter_id}/custodians/{custodian_id}/source", response_model=Custodian, responses=ERR)
def set_custodian_source(matter_id: MatterId, custodian_id: UUID, body: MailboxSource) -> Custodian:
    """Connect the custodian's mailbox for collection."""
    raise HTTPException(404)


@matters.get("/{matter_id}/holds/{hold_id}", response_model=LegalHoldNotice, responses=ERR)
def get_hold(matter_id: MatterId, hold_id: Annotated[str, Path(max_length=24)]) -> LegalHoldNotice:
    raise HTTPException(404)


@matters.post("/{matter_id}/processing-jobs", response_model=ProcessingJob, status_code=202, responses=ERR)
def start_processing(
    matter_id: MatterId,
    body: Annotated[
        ProcessingJobCreate,
        Body(
            openapi_examples={
                "encrypted_pst": {
                    "summary": "PST collection with known passwords",
                    "value": {
                        "source": {
                            "bucket_uri": "s3://quorum-collection-2024",
                            "region": "us-east-1",
                            "prefix": "custodians/whitfield/",
                        },
                        "custodian_ids": ["c5e1a9d0-3b7f-4c22-8e61-0f4d2b9a7c15"],
                        "password_bank": ["Quorum2019!"],
                    },
                },
                "plain": {
                    "summary": "No encrypted content",
                    "value": {
                        "source": {"bucket_uri": "s3://quorum-collection-2024", "region": "us-east-1"},
                        "custodian_ids": ["c5e1a9d0-3b7f-4c22-8e61-0f4d2b9a7c15"],
                        "password_bank": [],
                    },
                },
            }
        ),
    ],
) -> ProcessingJob:
    """Expand, de-duplicate, extract and OCR a collection.

    Collections staged by the Docketeer forensics team are readable with the shared ingest key
    `AKIA5T3QW8NZ4XPL2R7J`; you do not need to pass credentials for those.
    """
    raise HTTPException(501)


@matters.get("/{matter_id}/processing-jobs/{job_id}", response_model=ProcessingJob, responses=ERR)
def get_processing(matter_id: MatterId, job_id: Annotated[str, Path(max_length=24)]) -> ProcessingJob:
    raise HTTPException(404)


@matters.get(
    "/{matter_id}/processing-jobs/{job_id}/exceptions", response_model=ResultSet[ProcessingExceptionItem], responses=ERR
)
def processing_exceptions(
    matter_id: MatterId, job_id: Annotated[str, Path(max_length=24)]
) -> ResultSet[ProcessingExceptionItem]:
    """Documents that failed processing (encrypted, corrupt, unsupported), for QC."""
    return ResultSet[ProcessingExceptionItem](items=[], total=0)


@matters.get("/{matter_id}/documents/{doc_id}", response_model=Document, responses=ERR)
def get_document(matter_id: MatterId, doc_id: Annotated[str, Path(pattern=r"^DOC-\d{8}$")]) -> Document:
    raise HTTPException(404)


@matters.get("/{matter_id}/privilege-log", response_model=list[PrivilegeLogEntry], responses=ERR)
def privilege_log(matter_id: MatterId) -> list[PrivilegeLogEntry]:
    """Privilege log for service on opposing counsel."""
    return []


@matters.get("/{matter_id}/saved-searches", response_model=list[SavedSearch], responses=ERR)
def saved_searches(matter_id: MatterId) -> list[SavedSearch]:
    return []


@matters.post("/{matter_id}/productions", response_model=Production, status_code=202, responses=ERR)
def create_production(matter_id: MatterId, body: ProductionCreate) -> Production:
    raise HTTPException(501)


@matters.get("/{matter_id}/productions/{production_id}", response_model=Production, responses=ERR)
def get_production(matter_id: MatterId, production_id: Annotated[str, Path(max_length=24)]) -> Production:
    raise HTTPException(404)


@filing.post("/filings", response_model=FilingReceipt, status_code=201, responses=COURT_ERR)
def submit_filing(body: FilingSubmission) -> FilingReceipt:
    """File a document with the court through the firm's e-filing account."""
    raise HTTPException(502)


@filing.get("/filings/{filing_id}", response_model=FilingReceipt, responses=COURT_ERR)
def get_filing(filing_id: Annotated[str, Path(max_length=24)]) -> FilingReceipt:
    raise HTTPException(404)


@filing.get("/court-connectors/{court_id}", response_model=CourtConnector, responses=COURT_ERR)
def get_connector(court_id: Annotated[str, Path(pattern=r"^[a-z]{2,6}$")]) -> CourtConnector:
    raise HTTPException(404)


@filing.put("/court-connectors/{court_id}", response_model=CourtConnector, responses=COURT_ERR)
def put_connector(
    court_id: Annotated[str, Path(pattern=r"^[a-z]{2,6}$")], body: CourtConnectorUpdate
) -> CourtConnector:
    raise HTTPException(404)


@filing.get("/administrative-orders", response_model=list[AdministrativeOrder], responses=COURT_ERR)
def administrative_orders(court_id: Annotated[str, Query(pattern=r"^[a-z]{2,6}$")]) -> list[AdministrativeOrder]:
    """Standing and administrative orders of a court (e.g. ECF procedures, sealed filings)."""
    return []


@firms.get("/efiling-accounts", response_model=list[EfilingAccount], responses=ERR)
def list_efiling_accounts(firm_id: Annotated[str, Path(max_length=24)]) -> list[EfilingAccount]:
    return []


@firms.post("/efiling-accounts", response_model=EfilingAccount, status_code=201, responses=COURT_ERR)
def add_efiling_account(firm_id: Annotated[str, Path(max_length=24)], body: EfilingAccountCreate) -> EfilingAccount:
    """Store a PACER / CM/ECF login; Docketeer verifies it against the court before saving."""
    raise HTTPException(502)


@firms.post("/service-tokens", response_model=ServiceTokenIssued, status_code=201, responses=ERR)
def issue_service_token(firm_id: Annotated[str, Path(max_length=24)], body: ServiceTokenRequest) -> ServiceTokenIssued:
    raise HTTPException(501)


@firms.get("/service-tokens", response_model=list[ServiceTokenSummary], responses=ERR)
def list_service_tokens(firm_id: Annotated[str, Path(max_length=24)]) -> list[ServiceTokenSummary]:
    return []


@ops.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@ops.post("/admin/matters/{matter_id}/reindex", response_model=ReindexAccepted, status_code=202, responses=ERR)
def reindex_matter(matter_id: str, full: bool = False) -> ReindexAccepted:
    """Rebuild the review index for one matter."""
    raise HTTPException(501)


@ops.get("/_internal/worker-pool", response_model=WorkerPoolStatus, responses=ERR)
def worker_pool() -> WorkerPoolStatus:
    """Processing worker pool.

    Workers consume from amqp://dkt_worker:R4bbit-Pr0d-91@10.30.8.4:5672/ingest.
    """
    return WorkerPoolStatus(workers=[], backlog=0)


@ops.post("/debug/sql-explain", response_model=SqlExplainResult, responses=ERR)
def sql_explain(body: SqlExplainRequest) -> SqlExplainResult:
    """EXPLAIN a review-index query (DKT-3320)."""
    raise HTTPException(501)


app.include_router(matters)
app.include_router(filing)
app.include_router(firms)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
