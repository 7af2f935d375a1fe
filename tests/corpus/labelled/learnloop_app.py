"""LearnLoop: corporate learning platform - employees, courses, SCORM packages, SSO/SCIM, certificates, reporting.

Generate the OpenAPI document with:  python learnloop_app.py > learnloop.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

oauth2 = OAuth2AuthorizationCodeBearer(authorizationUrl="/oauth/authorize", tokenUrl="/oauth/token")

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int


# --------------------------------------------------------------------------- employees


class EmployeeBase(BaseModel):
    email: str = Field(max_length=254)
    given_name: str = Field(max_length=80)
    family_name: str = Field(max_length=80)
    department: Optional[str] = Field(default=None, max_length=80)
    employee_number: Optional[str] = Field(default=None, max_length=32, description="Employee number from the HRIS.")
    manager_id: Optional[UUID] = None


class EmployeeCreate(EmployeeBase):
    password: Optional[str] = Field(
        default=None,
        min_length=12,
        max_length=128,
        description="Only for contractors without SSO. Employees on SSO never get a local password.",
    )


class EmployeeOut(EmployeeBase):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                    "email": "sam.okoro@example.com",
                    "given_name": "Sam",
                    "family_name": "Okoro",
                    "department": "Finance",
                    "employee_number": "E-10442",
                    "sso_linked": True,
                    "local_login_enabled": False,
                    "created_at": "2023-09-04T08:00:00Z",
                }
            ]
        }
    )

    id: UUID
    sso_linked: bool
    local_login_enabled: bool = False
    last_login_at: Optional[datetime] = None
    created_at: datetime


class EmployeeInDB(EmployeeOut):
    """Raw employee row (support tooling)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
                    "email": "r.baptiste@globex-industries.com",
                    "given_name": "Renee",
                    "family_name": "Baptiste",
                    "department": "Field Sales",
                    "employee_number": "C-2231",
                    "sso_linked": False,
                    "local_login_enabled": True,
                    "created_at": "2024-01-15T09:30:00Z",
                    "password_hash": "pbkdf2_sha256$600000$Xr4TqL9m2VwZ$3vQm8Lk2Xp9Rt4Yn7Wc1Zb6Df0Gs5Ha8Jk3Nm2Pq4=",
                    "mfa_recovery_codes": ["7H3K-9QXM", "P2LW-4RZT"],
                    "scim_external_id": "00u8f2h1QzLm4Rt0x5d7",
                }
            ]
        }
    )

    password_hash: Optional[str] = None
    mfa_recovery_codes: list[str] = Field(default_factory=list)
    scim_external_id: Optional[str] = Field(default=None, description="User id at the identity provider.")


class AdministratorOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employee_id": "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                    "name": "Sam Okoro",
                    "email": "sam.okoro@example.com",
                    "scope": "department",
                    "department": "Finance",
                }
            ]
        }
    )

    employee_id: UUID
    name: str
    email: str
    scope: Literal["tenant", "department"]
    department: Optional[str] = None


# --------------------------------------------------------------------------- courses & SCORM


class CourseCreate(BaseModel):
    title: str = Field(max_length=200)
    summary: str
    duration_minutes: int = Field(ge=1, le=6000)
    passing_score: int = Field(default=80, ge=0, le=100)
    skills: list[str] = Field(default_factory=list)
    mandatory_for_groups: list[UUID] = Field(default_factory=list, max_length=500)


class CourseOut(BaseModel):
    id: UUID
    title: str
    summary: str
    duration_minutes: int
    passing_score: int
    skills: list[str]
    scorm_package_id: Optional[UUID] = None
    published: bool


class LearningPathOut(BaseModel):
    id: UUID
    name: str = Field(examples=["Internal mobility: first-time managers"])
    course_ids: list[UUID]


class EnrolmentCreate(BaseModel):
    employee_ids: list[UUID] = Field(max_length=1000)
    due_date: Optional[date] = None


class EnrolmentOut(BaseModel):
    id: UUID
    course_id: UUID
    employee_id: UUID
    status: Literal["assigned", "in_progress", "completed", "overdue"]
    due_date: Optional[date] = None


class ScormImport(BaseModel):
    source_url: str = Field(max_length=2048, description="HTTPS URL of the zipped SCORM package.")
    scorm_version: Literal["1.2", "2004"] = "2004"


class ScormPackageOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5d2c8e1a-3b4f-4a6e-9c7d-1e0f2a3b4c5d",
                    "course_id": "e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b",
                    "scorm_version": "2004",
                    "title": "Anti-bribery essentials",
                    "size_bytes": 48213990,
                    "manifest_sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "storage_key": "tenants/acme/scorm/pkg_5521/v3.zip",
                    "launch_url": (
                        "https://learnloop-scorm-prod.s3.eu-west-1.amazonaws.com/tenants/acme/scorm/pkg_5521/index_lms.html"
                        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ7Q4RMXN2LKP3VWD%2F20240514%2Feu-west-1%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20240514T091500Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=4f0a5c2d9b7e1f3a8c6d0e2b4f6a8c0e2d4f6a8b0c2e4d6f8a0b2c4d6e8f0a2b"
                    ),
                    "uploaded_at": "2024-05-14T09:14:00Z",
                }
            ]
        }
    )

    id: UUID
    course_id: UUID
    scorm_version: Literal["1.2", "2004"]
    title: str
    size_bytes: int
    manifest_sha256: str
    storage_key: str = Field(description="Object key in the package bucket.")
    launch_url: str = Field(description="Short-lived URL that opens the package in the player.")
    uploaded_at: datetime


# --------------------------------------------------------------------------- SSO / SCIM / HRIS


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class SamlConfigIn(BaseModel):
    idp_entity_id: str = Field(max_length=512)
    idp_sso_url: str = Field(max_length=2048)
    idp_certificate: str = Field(max_length=8192, description="The IdP's signing certificate (PEM).")
    want_assertions_signed: bool = True


class SamlConfigOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "idp_entity_id": "http://www.okta.com/exk8f2h1QzLm4Rt0x5d7",
                    "idp_sso_url": "https://acme.okta.com/app/learnloop/exk8f2h1QzLm4Rt0x5d7/sso/saml",
                    "idp_certificate": "-----BEGIN CERTIFICATE-----\nMIIDqDCCApCgAwIBAgIGAYxQ2k7rMA0GCSqGSIb3DQEBCwUAMIGUMQswCQYDVQQGEwJVUzETMBEG\nA1UECAwKQ2FsaWZvcm5pYTEWMBQGA1UEBwwNU2FuIEZyYW5jaXNjbzENMAsGA1UECgwET2t0YTEU\n-----END CERTIFICATE-----",
                    "sp_entity_id": "https://acme.learnloop.com/saml/metadata",
                    "sp_acs_url": "https://acme.learnloop.com/saml/acs",
                    "sp_private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R\n4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxj\n-----END PRIVATE KEY-----",
                    "want_assertions_signed": True,
                    "updated_at": "2024-03-01T12:00:00Z",
                }
            ]
        }
    )

    idp_entity_id: str
    idp_sso_url: str
    idp_certificate: str
    sp_entity_id: str
    sp_acs_url: str
    sp_private_key: str = Field(
        description="Service-provider key that signs AuthnRequests and decrypts assertions (PEM)."
    )
    want_assertions_signed: bool
    updated_at: datetime


class OidcConnectionIn(CamelModel):
    issuer: str = Field(max_length=2048)
    client_id: str = Field(max_length=255)
    client_secret: str = Field(max_length=512)
    scopes: list[Literal["openid", "profile", "email", "groups"]] = Field(max_length=4)


class OidcConnectionOut(CamelModel):
    issuer: str
    client_id: str
    client_secret: str
    scopes: list[str]
    discovery_url: str = Field(
        examples=[
            "https://login.microsoftonline.com/6f1c2e8a-4b3d-4e5f-9a8b-7c6d5e4f3a2b/v2.0/.well-known/openid-configuration"
        ]
    )
    enabled: bool


class ScimTokenCreate(BaseModel):
    label: str = Field(max_length=64)
    expires_in_days: int = Field(default=365, ge=1, le=730)


class ScimTokenCreated(BaseModel):
    """Returned once by `POST /integrations/scim/tokens`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "sct_0192",
                    "label": "Okta provisioning",
                    "token": "<shown-once>",
                    "token_prefix": "llscim_4Tq9",
                    "expires_at": "2025-05-14T00:00:00Z",
                }
            ]
        }
    )

    id: str
    label: str
    token: str = Field(description="Bearer token for your IdP's SCIM connector. Copy it now: it is not shown again.")
    token_prefix: str
    expires_at: datetime


class ScimTokenOut(BaseModel):
    id: str
    label: str
    token_prefix: str = Field(examples=["llscim_4Tq9"])
    created_by: str
    last_used_at: Optional[datetime] = None
    expires_at: datetime


class HrisSyncOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "sftp_csv",
                    "sftp_url": "sftp://learnloop_sync:Wd%212024sync@sftp.hr.globex-industries.com/exports/employees.csv",
                    "schedule_cron": "0 2 * * *",
                    "last_run_at": "2024-05-14T02:00:05Z",
                    "last_status": "ok",
                }
            ]
        }
    )

    provider: Literal["workday", "bamboohr", "sftp_csv"]
    sftp_url: Optional[str] = Field(
        default=None,
        description="SFTP URL of the nightly CSV export we collect, including the SFTP login (user name and password).",
    )
    schedule_cron: str
    last_run_at: Optional[datetime] = None
    last_status: Literal["ok", "failed", "never_run"] = "never_run"


# --------------------------------------------------------------------------- certificates & reporting


class CertificateOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "cert_8KQ2MX7P",
                    "employee_id": "4c1d2e3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                    "course_id": "e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c5b",
                    "course_title": "Anti-bribery essentials",
                    "issued_at": "2024-05-20T15:42:00Z",
                    "expires_at": "2025-05-20T15:42:00Z",
                    "verification_url": "https://verify.learnloop.com/c/8KQ2-MX7P",
                    "signature": "MEUCIQDx7Lq2Vm9Kp4Rt8Yn3Wc6Zb1Df5Gs0HaJk3Nm2Pq4AIgR8tW6yZ1bC5dE0gH2jK4mN7pQ9sU3vX6zA8cE1fG5h=",
                    "signing_key_id": "ll-cert-2024-01",
                }
            ]
        }
    )

    id: str
    employee_id: UUID
    course_id: UUID
    course_title: str
    issued_at: datetime
    expires_at: Optional[datetime] = None
    verification_url: str
    signature: str = Field(
        description="ECDSA signature over the certificate payload; verify with the key in signing_key_id."
    )
    signing_key_id: str


class CompletionReportRow(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employee_id": "7b6a5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
                    "employee_number": "E-20917",
                    "full_name": "Oliver Grant",
                    "department": "Warehouse",
                    "course_title": "Manual handling",
                    "completed_at": "2024-04-02T11:20:00Z",
                    "score": 92,
                    "ni_number": "JT482910B",
                }
            ]
        }
    )

    employee_id: UUID
    employee_number: Optional[str] = None
    full_name: str
    department: Optional[str] = None
    course_title: str
    completed_at: Optional[datetime] = None
    score: Optional[int] = None
    ni_number: Optional[str] = Field(
        default=None, description="National Insurance number, for the UK compliance register."
    )


class ReportSchedule(BaseModel):
    rrule: str = Field(max_length=256, examples=["FREQ=WEEKLY;BYDAY=MO;BYHOUR=7"])
    exception_dates: list[date] = Field(
        default_factory=list,
        max_length=366,
        description="Dates on which the scheduled run is skipped (public holidays).",
    )
    timezone: str = Field(max_length=64, examples=["Europe/London"])
    recipients: list[Annotated[str, Field(max_length=254)]] = Field(default_factory=list, max_length=20)


class SavedReportIn(BaseModel):
    name: str = Field(max_length=120)
    sql: str = Field(max_length=20_000, description="Read-only query over the reporting warehouse.")
    schedule: Optional[ReportSchedule] = None


class SavedReportOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 311,
                    "name": "Weekly completions by department",
                    "sql": "SELECT department, count(*) FROM completions WHERE completed_at >= :since GROUP BY 1",
                    "schedule": {
                        "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=7",
                        "exception_dates": ["2024-12-25"],
                        "timezone": "Europe/London",
                        "recipients": ["l-and-d@example.com"],
                    },
                    "created_by": "Sam Okoro",
                }
            ]
        }
    )

    id: int
    name: str
    sql: str
    schedule: Optional[ReportSchedule] = None
    created_by: str
    last_run_at: Optional[datetime] = None


# --------------------------------------------------------------------------- errors


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None


class DbDiagnostics(BaseModel):
    statement: str
    bind_params: dict[str, str] = Field(default_factory=dict)


class InternalProblem(Problem):
    trace_id: str
    exception_repr: Optional[str] = Field(
        default=None,
        examples=["IntegrityError('duplicate key value violates unique constraint \"enrolments_pkey\"')"],
    )
    db: Optional[DbDiagnostics] = Field(default=None, description="Database diagnostics; populated when LL_DEBUG=1.")


class ReplayResult(BaseModel):
    replayed: int
    still_failing: int


# --------------------------------------------------------------------------- app

tags_metadata = [
    {"name": "employees"},
    {"name": "courses"},
    {"name": "scorm", "description": "Upload and launch SCORM 1.2 / 2004 packages."},
    {"name": "integrations", "description": "SAML, OIDC, SCIM 2.0 and HRIS sync."},
    {"name": "certificates", "description": "Issued certificates and public verification."},
    {"name": "reports"},
    {"name": "admin"},
]

app = FastAPI(
    title="LearnLoop API",
    version="3.2.0",
    description=(
        "Corporate learning platform: courses, SCORM content, enrolments, certificates and compliance "
        "reporting. Outbound webhooks and SFTP collection originate from 198.51.100.17 and "
        "198.51.100.18; add both to your allowlist."
    ),
    terms_of_service="https://learnloop.com/legal/terms",
    contact={
        "name": "LearnLoop Integrations",
        "url": "https://learnloop.com/support",
        "email": "integrations@learnloop.com",
    },
    license_info={"name": "Commercial", "url": "https://learnloop.com/legal/license"},
    openapi_tags=tags_metadata,
    servers=[
        {
            "url": "https://{tenant}.learnloop.com/api/v1",
            "description": "Your tenant",
            "variables": {"tenant": {"default": "acme", "description": "Your LearnLoop subdomain"}},
        },
        {"url": "http://localhost:8080/api/v1", "description": "Local development"},
        {"url": "https://lms-api.intranet.learnloop.com/api/v1", "description": "Staff network (VPN)"},
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    500: {"model": InternalProblem, "description": "Internal error"},
}

employees = APIRouter(prefix="/employees", tags=["employees"], dependencies=[Depends(oauth2)])
courses = APIRouter(prefix="/courses", tags=["courses"], dependencies=[Depends(oauth2)])
integrations = APIRouter(prefix="/integrations", tags=["integrations"], dependencies=[Depends(oauth2)])
certs = APIRouter(prefix="/certificates", tags=["certificates"])
reports = APIRouter(prefix="/reports", tags=["reports"], dependencies=[Depends(oauth2)])
admin = APIRouter(prefix="/admin", tags=["admin"])
private = APIRouter(tags=["admin"])


@employees.get("", response_model=Page[EmployeeOut])
def list_employees(
    department: Optional[str] = Query(default=None, max_length=80),
    page: int = Query(default=1, ge=1, le=5000),
) -> Page[EmployeeOut]:
    return Page[EmployeeOut](items=[], total=0, page=page)


@employees.post("", response_model=EmployeeOut, status_code=201, responses=ERRORS)
def create_employee(body: EmployeeCreate) -> EmployeeOut:
    raise HTTPException(501)


@employees.get("/{employee_id}", response_model=EmployeeOut, responses=ERRORS)
def get_employee(employee_id: UUID) -> EmployeeOut:
    raise HTTPException(404)


@employees.get("/{employee_id}/certificates", response_model=list[CertificateOut])
def employee_certificates(employee_id: UUID) -> list[CertificateOut]:
    return []


@app.get("/administrators", response_model=list[AdministratorOut], tags=["employees"])
def list_administrators() -> list[AdministratorOut]:
    """People who can manage courses and reports in this tenant."""
    return []


@courses.get("", response_model=Page[CourseOut])
def list_courses(search: Optional[str] = None, page: int = Query(default=1, ge=1, le=5000)) -> Page[CourseOut]:
    return Page[CourseOut](items=[], total=0, page=page)


@courses.post("", response_model=CourseOut, status_code=201, responses=ERRORS)
def create_course(body: CourseCreate) -> CourseOut:
    raise HTTPException(501)


@courses.get("/{course_id}", response_model=CourseOut, responses=ERRORS)
def get_course(course_id: UUID) -> CourseOut:
    raise HTTPException(404)


@courses.post("/{course_id}/enrolments", response_model=list[EnrolmentOut], status_code=201, responses=ERRORS)
def enrol(course_id: UUID, body: EnrolmentCreate) -> list[EnrolmentOut]:
    return []


@courses.post("/{course_id}/scorm", response_model=ScormPackageOut, status_code=202, tags=["scorm"], responses=ERRORS)
def import_scorm(course_id: UUID, body: ScormImport) -> ScormPackageOut:
    """Fetch a SCORM zip from `source_url` and attach it to the course."""
    raise HTTPException(501)


@courses.get("/{course_id}/scorm", response_model=ScormPackageOut, tags=["scorm"], responses=ERRORS)
def get_scorm(course_id: UUID) -> ScormPackageOut:
    raise HTTPException(404)


@app.get("/learning-paths/internal-mobility", response_model=list[LearningPathOut], tags=["courses"])
def internal_mobility_paths() -> list[LearningPathOut]:
    """Curated paths for employees moving into a new role inside the company."""
    return []


@integrations.get("/saml", response_model=SamlConfigOut, responses=ERRORS)
def get_saml() -> SamlConfigOut:
    raise HTTPException(404)


@integrations.put("/saml", response_model=SamlConfigOut)
def put_saml(body: SamlConfigIn) -> SamlConfigOut:
    raise HTTPException(501)


@integrations.get("/oidc", response_model=OidcConnectionOut, responses=ERRORS)
def get_oidc() -> OidcConnectionOut:
    raise HTTPException(404)


@integrations.put("/oidc", response_model=OidcConnectionOut)
def put_oidc(
    body: Annotated[
        OidcConnectionIn,
        Body(
            openapi_examples={
                "entra": {
                    "summary": "Microsoft Entra ID",
                    "value": {
                        "issuer": "https://login.microsoftonline.com/6f1c2e8a-4b3d-4e5f-9a8b-7c6d5e4f3a2b/v2.0",
                        "clientId": "0b7d3c4e-2f1a-4e8d-9c6b-5a4f3e2d1c0b",
                        "clientSecret": "Q~r8Kx2.Lm9pWv_3Tz7Yb4Cd6Fg1Hj0KsN5aE8u",
                        "scopes": ["openid", "email", "groups"],
                    },
                },
                "template": {
                    "summary": "Generic OIDC provider",
                    "value": {
                        "issuer": "https://idp.example.com",
                        "clientId": "<client-id>",
                        "clientSecret": "<client-secret>",
                        "scopes": ["openid", "email"],
                    },
                },
            }
        ),
    ],
) -> OidcConnectionOut:
    raise HTTPException(501)


@integrations.post("/scim/tokens", response_model=ScimTokenCreated, status_code=201)
def create_scim_token(body: ScimTokenCreate) -> ScimTokenCreated:
    raise HTTPException(501)


@integrations.get("/scim/tokens", response_model=list[ScimTokenOut])
def list_scim_tokens() -> list[ScimTokenOut]:
    return []


@integrations.delete("/scim/tokens/{token_id}", status_code=204, responses=ERRORS)
def revoke_scim_token(token_id: Annotated[str, Path(pattern=r"^sct_[0-9]{1,8}$")]) -> None:
    pass


@integrations.get("/hris", response_model=HrisSyncOut)
def get_hris() -> HrisSyncOut:
    raise HTTPException(404)


@integrations.post("/hris/sync", status_code=202, responses=ERRORS)
def run_hris_sync() -> None:
    """Start an HRIS sync now instead of waiting for the nightly run.

    The sync worker pulls through internal-hris-sync-1842093311.eu-west-1.elb.amazonaws.com.
    """


@certs.get("/verify/{code}", response_model=CertificateOut, responses=ERRORS)
def verify_certificate(code: Annotated[str, Path(pattern=r"^[0-9A-Z]{4}-[0-9A-Z]{4}$")]) -> CertificateOut:
    """Public: anyone holding the code printed on the certificate can check it."""
    raise HTTPException(404)


@certs.get("/{certificate_id}", response_model=CertificateOut, responses=ERRORS, dependencies=[Depends(oauth2)])
def get_certificate(certificate_id: Annotated[str, Path(max_length=32)]) -> CertificateOut:
    raise HTTPException(404)


@reports.get("/completions", response_model=list[CompletionReportRow], responses=ERRORS)
def completions_report(
    department: Optional[str] = None,
    course_id: Optional[UUID] = None,
    since: Optional[date] = None,
    until: Optional[date] = None,
    format: Literal["json", "csv"] = "json",
) -> list[CompletionReportRow]:
    return []


@reports.get("/saved", response_model=list[SavedReportOut])
def list_saved_reports() -> list[SavedReportOut]:
    return []


@reports.post("/saved", response_model=SavedReportOut, status_code=201, responses=ERRORS)
def save_report(body: SavedReportIn) -> SavedReportOut:
    raise HTTPException(501)


@admin.get("/employees/{employee_id}", response_model=EmployeeInDB, responses=ERRORS)
def admin_get_employee(employee_id: UUID) -> EmployeeInDB:
    raise HTTPException(404)


@app.post("/internal/scim/replay", response_model=ReplayResult, tags=["admin"], openapi_extra={"x-internal": True})
def replay_scim(
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    x_scim_token: Annotated[str, Header()] = "Bearer llscim_4Tq9mX2vL8pR3tW7yZ1bC6dE0gH5jN",
) -> ReplayResult:
    """Replay failed SCIM pushes from the dead-letter queue (worker: scim-dlq.learnloop.internal)."""
    return ReplayResult(replayed=0, still_failing=0)


@private.get("/private/feature-flags", response_model=dict[str, bool])
def feature_flags() -> dict[str, bool]:
    """Per-tenant feature flags (LL-4410)."""
    return {}


for r in (employees, courses, integrations, certs, reports, admin, private):
    app.include_router(r)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
