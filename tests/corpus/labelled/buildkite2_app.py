"""Buildkite2 CI/CD API: pipelines, builds, jobs, agents, secrets, artifacts, webhooks and SCM integration.

Generate the OpenAPI document with:  python buildkite2_app.py > buildkite2.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Literal, Optional
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

OrgSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
PipelineSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
BuildNumber = Annotated[int, Path(ge=1, le=10_000_000)]


class BuildState(str, Enum):
    scheduled = "scheduled"
    running = "running"
    passed = "passed"
    failed = "failed"
    canceled = "canceled"


class WebhookEvent(str, Enum):
    build_started = "build.started"
    build_finished = "build.finished"
    job_finished = "job.finished"
    agent_lost = "agent.lost"


# --------------------------------------------------------------------------- pipelines


class StepCache(BaseModel):
    key: str = Field(description="Cache key template.", examples=["v1-go-mod-{{ checksum 'go.sum' }}"])
    paths: list[str]


class Step(BaseModel):
    key: Optional[str] = Field(
        default=None, description="Step identifier, referenced by depends_on.", examples=["build-image"]
    )
    label: str
    command: str
    depends_on: list[str] = []
    agents: dict[str, str] = Field(default_factory=dict, description="Agent query rules, e.g. queue=linux-arm64.")
    timeout_in_minutes: Optional[int] = None
    on_exception: Literal["retry", "fail", "ignore"] = Field(
        default="fail", description="What to do when the step's command raises an unhandled exception."
    )
    cache: Optional[StepCache] = None


class PipelineCreate(BaseModel):
    name: str = Field(max_length=100)
    repository: str = Field(max_length=2048, examples=["git@github.com:acme/payments-api.git"])
    default_branch: str = Field(default="main", max_length=255)
    steps_yaml: str = Field(description="Pipeline definition (YAML).")
    env: dict[str, str] = Field(default_factory=dict, description="Plain (non-secret) environment variables.")
    skip_intermediate_builds: bool = False


class PipelineOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01906b6e-5b4a-7c1d-9e2f-3a4b5c6d7e8f",
                    "slug": "payments-api",
                    "name": "payments-api",
                    "repository": "https://ci-bot:ghp_Zk8Lq2Vx7Mn4Pr9Tw3Yb6Cd1Fg5Hj0Ks2Ua@github.com/acme/payments-api.git",
                    "default_branch": "main",
                    "badge_url": "https://badge.buildkite2.dev/3f9e2c1a7b5d.svg",
                    "steps": [{"key": "test", "label": ":go: test", "command": "go test ./..."}],
                }
            ]
        }
    )

    id: UUID
    slug: str
    name: str
    repository: str
    default_branch: str
    badge_url: str
    steps: list[Step]
    created_at: Optional[datetime] = None


class DebugLoggingToggle(BaseModel):
    enabled: bool
    ttl_minutes: int = Field(default=60, ge=5, le=1440)


class DebugLoggingState(BaseModel):
    enabled: bool
    expires_at: Optional[datetime] = None


# --------------------------------------------------------------------------- builds & jobs


class BuildAuthor(BaseModel):
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)


class BuildCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "commit": "9f3c2a1b7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b",
                    "branch": "main",
                    "message": "Release 4.2.0",
                    "author": {"name": "Priya Raman", "email": "priya.raman@fastmail.com"},
                    "env": {"DEPLOY_TARGET": "canary"},
                }
            ]
        }
    )

    commit: str = Field(pattern=r"^(HEAD|[0-9a-f]{7,40})$")
    branch: str = Field(max_length=255)
    message: Optional[str] = None
    author: Optional[BuildAuthor] = None
    env: dict[str, str] = Field(default_factory=dict)
    meta_data: dict[str, str] = Field(default_factory=dict)
    clean_checkout: bool = False


class TestFailure(BaseModel):
    """A failing test parsed from the job's JUnit report."""

    test_name: str
    exception_class: Optional[str] = Field(default=None, examples=["AssertionError"])
    traceback: Optional[str] = Field(default=None, description="Stack trace printed by the test runner.")
    file: Optional[str] = None
    line: Optional[int] = None


class JobOut(BaseModel):
    id: UUID
    name: str
    step_key: Optional[str] = None
    state: Literal["waiting", "running", "passed", "failed", "canceled", "timed_out"]
    exit_status: Optional[int] = None
    agent_id: Optional[UUID] = None
    retry_count: int = 0
    log_url: str
    test_failures: list[TestFailure] = []


class BuildOut(BaseModel):
    id: UUID
    number: int
    state: BuildState
    commit: str
    branch: str
    message: Optional[str] = None
    author: Optional[BuildAuthor] = None
    jobs: list[JobOut]
    web_url: str
    created_at: datetime


class JobEnv(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                    "env": {
                        "CI": "true",
                        "BUILDKITE2_BRANCH": "main",
                        "DATABASE_URL": "postgres://app:pg-Pr0d-2024@db-primary.ci.svc.cluster.local:5432/app",
                    },
                }
            ]
        }
    )

    job_id: UUID
    env: dict[str, str] = Field(description="Environment the job ran with (after secret injection).")


class ArtifactOut(BaseModel):
    id: UUID
    path: str = Field(examples=["dist/payments-api-linux-amd64.tar.gz"])
    size_bytes: int
    sha256sum: str = Field(examples=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
    mime_type: Optional[str] = None
    uploaded_at: datetime


# --------------------------------------------------------------------------- secrets


class SecretCreate(BaseModel):
    name: str = Field(pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")
    value: str = Field(max_length=65_536)


class SecretSummary(BaseModel):
    name: str
    masked_value: str = Field(examples=["********"])
    fingerprint: str = Field(
        description="SHA-256 of the value, to detect drift without revealing it.", examples=["SHA256:4f2a9c1e7b3d5f80"]
    )
    updated_at: datetime
    updated_by: Optional[str] = None


class SecretDetail(BaseModel):
    name: str = Field(examples=["AWS_ACCESS_KEY_ID"])
    value: str = Field(description="Decrypted secret value.", examples=["AKIA4QWXJ7V2KLM3NP5R"])
    version: int
    updated_at: datetime


# --------------------------------------------------------------------------- agents


class AgentRegisterRequest(BaseModel):
    registration_token: str = Field(pattern=r"^bk2r_[A-Za-z0-9]{32}$")
    hostname: str = Field(max_length=253)
    os: Literal["linux", "darwin", "windows"]
    arch: Literal["amd64", "arm64"]
    tags: list[str] = Field(default_factory=list, description="e.g. queue=default, docker=true")
    meta_data: dict[str, str] = Field(default_factory=dict)


class AgentSession(BaseModel):
    """Returned once when an agent registers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "agent_id": "0190c4d2-1e2f-7a3b-8c4d-5e6f7a8b9c0d",
                    "access_token": "<agent-access-token>",
                    "token_type": "Bearer",
                    "expires_in": 86400,
                    "ping_interval_seconds": 10,
                }
            ]
        }
    )

    agent_id: UUID
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    ping_interval_seconds: int = 10


class AgentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0190c4d2-1e2f-7a3b-8c4d-5e6f7a8b9c0d",
                    "hostname": "i-0a7f3c9e21b4d5f60",
                    "ip_address": "10.0.3.44",
                    "version": "3.71.0",
                    "connection_state": "connected",
                    "tags": ["queue=linux-arm64"],
                    "ssh_host_key_fingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
                }
            ]
        }
    )

    id: UUID
    hostname: str
    ip_address: Optional[str] = None
    version: str
    connection_state: Literal["connected", "disconnected", "lost", "stopped"]
    tags: list[str]
    job_token_ttl_seconds: int = Field(default=3600, description="Lifetime of the per-job tokens handed to this agent.")
    ssh_host_key_fingerprint: Optional[str] = None


class AgentTokenCreate(BaseModel):
    description: str = Field(max_length=200)


class AgentToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0190d0e1-2f3a-7b4c-9d5e-6f7a8b9c0d1e",
                    "description": "autoscaling group linux-arm64",
                    "token": "bk2r_Jq7Xv2Lm9Rt4Wz8Kc3Np6Yb1Dh5Fg0Sa",
                    "created_at": "2024-05-20T09:00:00Z",
                }
            ]
        }
    )

    id: UUID
    description: str
    token: str = Field(description="Registration token agents use to join the cluster.")
    created_at: datetime


class SshTarget(BaseModel):
    host: str = Field(examples=["bk2-agent-07.ci.buildkite2.internal"])
    port: int = 22
    user: str = "buildkite2-agent"
    host_key_fingerprint: str


# --------------------------------------------------------------------------- webhooks


class WebhookCreate(BaseModel):
    url: str = Field(max_length=2048, examples=["https://hooks.example.com/ci"])
    events: list[WebhookEvent]


class WebhookOut(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "wh_7Gq2",
                    "url": "https://hooks.example.com/ci",
                    "events": ["build.finished"],
                    "signingKey": "bk2wh_N4vR8tK2qL6mX9pZ3cB7yD1fH5jW0sA",
                    "signatureHeader": "X-Buildkite2-Signature",
                    "signatureAlgorithm": "hmac-sha256",
                    "createdAt": "2024-05-01T10:00:00Z",
                }
            ]
        },
    )

    id: str
    url: str
    events: list[WebhookEvent]
    signing_key: str = Field(description="HMAC key for the X-Buildkite2-Signature header.")
    signature_header: str = "X-Buildkite2-Signature"
    signature_algorithm: Literal["hmac-sha256"] = "hmac-sha256"
    created_at: datetime


class WebhookDelivery(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 918273,
                    "event": "build.finished",
                    "status_code": 200,
                    "duration_ms": 184,
                    "request_headers": {
                        "Content-Type": "application/json",
                        "X-Buildkite2-Signature": "sha256=8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92",
                        "Authorization": "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImJrMi0yMDI0In0.eyJpc3MiOiJodHRwczovL2FwaS5idWlsZGtpdGUyLmRldiIsInN1YiI6Im9yZzphY21lIn0.c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmUtMTIzNDU2Nzg5MA",
                    },
                }
            ]
        }
    )

    id: int
    event: WebhookEvent
    status_code: int
    duration_ms: int
    request_headers: dict[str, str]


# --------------------------------------------------------------------------- SCM & cloud


class GitHubAppSetup(BaseModel):
    app_id: int = Field(ge=1, le=10**9)
    installation_id: int = Field(ge=1, le=10**12)
    private_key_pem: str = Field(max_length=8192, description="The GitHub App's private key (PEM).")
    webhook_secret: str = Field(max_length=256)


class GitHubAppStatus(BaseModel):
    app_id: int
    installation_id: int
    app_slug: str
    public_key_fingerprint: str = Field(examples=["SHA256:Yq3xH8p0u2m6cW1k9vN4rT7bZ5sD2fL0aJ8eG6hQ1o4="])
    connected: bool


class DeployKey(BaseModel):
    id: int
    title: str
    public_key: str = Field(
        examples=["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG4v1bKxL2pQ7mR9sT3wY8zA5cE0fH6jN1uV4xB7dK2q buildkite2-deploy"]
    )
    read_only: bool = True


class AwsIntegration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role_arn": "arn:aws:iam::123456789012:role/bk2-ci-deployer",
                    "region": "us-east-1",
                    "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
                    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "credential_rotation_days": 90,
                }
            ]
        }
    )

    role_arn: Optional[str] = None
    region: str
    aws_access_key_id: Optional[str] = Field(
        default=None, description="Static credentials (legacy; prefer role_arn + OIDC)."
    )
    aws_secret_access_key: Optional[str] = None
    credential_rotation_days: int = 90


# --------------------------------------------------------------------------- ops


class ImpersonationToken(BaseModel):
    access_token: str
    expires_in: int


class HeapProfile(BaseModel):
    inuse_bytes: int
    objects: int
    top: list[str]


class DrainResult(BaseModel):
    queue: str
    drained_jobs: int


# --------------------------------------------------------------------------- errors


class ApiError(BaseModel):
    message: str
    errors: list[str] = []
    documentation_url: Optional[str] = Field(
        default=None, examples=["https://docs.buildkite2.dev/api/errors#not_found"]
    )


class ConflictError(BaseModel):
    message: str
    conflicting_build_number: Optional[int] = None


class Frame(BaseModel):
    filename: str
    lineno: int
    function: str


class DebugContext(BaseModel):
    exception_type: str
    exception_message: str
    frames: list[Frame]


class ServerErrorBody(BaseModel):
    message: str = "Internal server error"
    request_id: str
    debug: Optional[DebugContext] = Field(
        default=None, description="Present when the controller runs with BK2_DEBUG=1."
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Buildkite2 REST API",
    version="2.9.0",
    description="Manage pipelines, builds, agents and integrations. Authenticate with `Authorization: Bearer <api-token>`.",
    servers=[
        {"url": "https://api.buildkite2.dev", "description": "Production"},
        {"url": "http://127.0.0.1:3000", "description": "Local controller (docker compose)"},
        {"url": "https://ci-api-internal.buildkite2.dev", "description": "Employee-only API (SSO)"},
    ],
)

ERRORS = {
    404: {"model": ApiError, "description": "Not found"},
    500: {"model": ServerErrorBody, "description": "Controller error"},
}

orgs = APIRouter(prefix="/v2/organizations/{org}", tags=["pipelines"])
agents = APIRouter(prefix="/v2", tags=["agents"])
ops = APIRouter(tags=["ops"])


@orgs.post(
    "/pipelines", response_model=PipelineOut, status_code=201, responses={**ERRORS, 409: {"model": ConflictError}}
)
def create_pipeline(org: OrgSlug, body: PipelineCreate) -> PipelineOut:
    raise HTTPException(501)


@orgs.get("/pipelines", response_model=list[PipelineOut], responses=ERRORS)
def list_pipelines(
    org: OrgSlug,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: int = Query(default=30, ge=1),
) -> list[PipelineOut]:
    return []


@orgs.get("/pipelines/{slug}", response_model=PipelineOut, responses=ERRORS)
def get_pipeline(org: OrgSlug, slug: PipelineSlug) -> PipelineOut:
    raise HTTPException(404)


@orgs.put("/pipelines/{slug}/debug-logs", response_model=DebugLoggingState, responses=ERRORS)
def toggle_debug_logs(org: OrgSlug, slug: PipelineSlug, body: DebugLoggingToggle) -> DebugLoggingState:
    """Turn on verbose agent logging (`BUILDKITE2_AGENT_DEBUG=true`) for this pipeline's jobs."""
    raise HTTPException(404)


@orgs.post(
    "/pipelines/{slug}/builds",
    response_model=BuildOut,
    status_code=201,
    responses={**ERRORS, 409: {"model": ConflictError}},
)
def create_build(org: OrgSlug, slug: PipelineSlug, body: BuildCreate) -> BuildOut:
    raise HTTPException(501)


@orgs.get("/pipelines/{slug}/builds/{number}", response_model=BuildOut, responses=ERRORS)
def get_build(org: OrgSlug, slug: PipelineSlug, number: BuildNumber) -> BuildOut:
    raise HTTPException(404)


@orgs.get("/pipelines/{slug}/builds/{number}/jobs/{job_id}/env", response_model=JobEnv, responses=ERRORS, tags=["jobs"])
def job_env(org: OrgSlug, slug: PipelineSlug, number: BuildNumber, job_id: UUID) -> JobEnv:
    raise HTTPException(404)


@orgs.get(
    "/pipelines/{slug}/builds/{number}/artifacts",
    response_model=list[ArtifactOut],
    responses=ERRORS,
    tags=["artifacts"],
)
def list_artifacts(org: OrgSlug, slug: PipelineSlug, number: BuildNumber) -> list[ArtifactOut]:
    return []


@app.get(
    "/v2/artifacts/{artifact_id}/download",
    status_code=302,
    tags=["artifacts"],
    responses={302: {"description": "Redirect to a short-lived signed URL"}, **ERRORS},
)
def download_artifact(artifact_id: UUID) -> None:
    """Redirects to the object store, e.g.

    `https://bk2-artifacts.s3.us-east-1.amazonaws.com/acme/payments-api/4711/dist.tar.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA5TQHN2WLXK7RBM4E%2F20240520%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240520T091500Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=7d3f0b8a2c6e4f1a9b5d3c7e0f2a4b6c8d0e1f3a5b7c9d2e4f6a8b0c1d3e5f7a`

    The link expires after five minutes.
    """
    raise HTTPException(404)


@orgs.post(
    "/pipelines/{slug}/secrets", response_model=SecretSummary, status_code=201, responses=ERRORS, tags=["secrets"]
)
def create_secret(org: OrgSlug, slug: PipelineSlug, body: SecretCreate) -> SecretSummary:
    raise HTTPException(501)


@orgs.get("/pipelines/{slug}/secrets", response_model=list[SecretSummary], responses=ERRORS, tags=["secrets"])
def list_secrets(org: OrgSlug, slug: PipelineSlug) -> list[SecretSummary]:
    return []


@orgs.get("/pipelines/{slug}/secrets/{name}", response_model=SecretDetail, responses=ERRORS, tags=["secrets"])
def get_secret(
    org: OrgSlug, slug: PipelineSlug, name: Annotated[str, Path(pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")]
) -> SecretDetail:
    raise HTTPException(404)


@orgs.get("/agents", response_model=list[AgentOut], responses=ERRORS, tags=["agents"])
def list_agents(org: OrgSlug, hostname: Optional[str] = None) -> list[AgentOut]:
    return []


@orgs.post("/agent-tokens", response_model=AgentToken, status_code=201, responses=ERRORS, tags=["agents"])
def create_agent_token(org: OrgSlug, body: AgentTokenCreate) -> AgentToken:
    raise HTTPException(501)


@orgs.get("/agent-tokens", response_model=list[AgentToken], responses=ERRORS, tags=["agents"])
def list_agent_tokens(org: OrgSlug) -> list[AgentToken]:
    return []


@orgs.post("/webhooks", response_model=WebhookOut, status_code=201, responses=ERRORS, tags=["webhooks"])
def create_webhook(org: OrgSlug, body: WebhookCreate) -> WebhookOut:
    raise HTTPException(501)


@orgs.get("/webhooks", response_model=list[WebhookOut], responses=ERRORS, tags=["webhooks"])
def list_webhooks(org: OrgSlug) -> list[WebhookOut]:
    return []


@orgs.get(
    "/webhooks/{webhook_id}/deliveries", response_model=list[WebhookDelivery], responses=ERRORS, tags=["webhooks"]
)
def list_deliveries(
    org: OrgSlug, webhook_id: Annotated[str, Path(pattern=r"^wh_[A-Za-z0-9]{4,16}$")]
) -> list[WebhookDelivery]:
    return []


@orgs.post("/scm/github-app", response_model=GitHubAppStatus, responses=ERRORS, tags=["scm"])
def connect_github_app(
    org: OrgSlug,
    body: Annotated[
        GitHubAppSetup,
        Body(
            openapi_examples={
                "placeholder": {
                    "summary": "Shape of the request",
                    "value": {
                        "app_id": 123456,
                        "installation_id": 98765432,
                        "private_key_pem": "<paste the .pem downloaded from GitHub>",
                        "webhook_secret": "<your-webhook-secret>",
                    },
                },
                "acme": {
                    "summary": "Acme's production app",
                    "value": {
                        "app_id": 381027,
                        "installation_id": 44018263,
                        "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\nLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n-----END RSA PRIVATE KEY-----\n",
                        "webhook_secret": "ghwh_7fK2mQ9xR4tV1wZ8bN3cL6pY0sJ5dH",
                    },
                },
            }
        ),
    ],
) -> GitHubAppStatus:
    raise HTTPException(501)


@orgs.get("/deploy-keys", response_model=list[DeployKey], responses=ERRORS, tags=["scm"])
def list_deploy_keys(org: OrgSlug) -> list[DeployKey]:
    return []


@orgs.get("/integrations/aws", response_model=AwsIntegration, responses=ERRORS, tags=["integrations"])
def get_aws_integration(org: OrgSlug) -> AwsIntegration:
    raise HTTPException(404)


@agents.post("/agents/register", response_model=AgentSession, status_code=201, responses={401: {"model": ApiError}})
def register_agent(body: AgentRegisterRequest) -> AgentSession:
    """Exchange a registration token for an agent session."""
    raise HTTPException(401)


@ops.post("/private/agents/{agent_id}/ssh-session", response_model=SshTarget, responses=ERRORS)
def agent_ssh(agent_id: UUID) -> SshTarget:
    """Open a break-glass SSH session to an agent host (SRE only)."""
    raise HTTPException(404)


@ops.post("/v2/admin/organizations/{org}/impersonate", response_model=ImpersonationToken, responses=ERRORS)
def impersonate(org: OrgSlug, reason: Annotated[str, Query(max_length=200)]) -> ImpersonationToken:
    """Support staff: act as the organisation's owner for 15 minutes."""
    raise HTTPException(501)


@ops.get("/debug/pprof/heap", response_model=HeapProfile)
def heap_profile(gc: bool = False) -> HeapProfile:
    return HeapProfile(inuse_bytes=0, objects=0, top=[])


@ops.post(
    "/_internal/queues/{queue}/drain",
    response_model=DrainResult,
    responses={500: {"model": ServerErrorBody}},
    openapi_extra={"x-internal": True},
)
def drain_queue(queue: str) -> DrainResult:
    """Drain a job queue. Talks directly to redis://default:r3d1s-ci-pass@10.12.0.9:6379/2."""
    return DrainResult(queue=queue, drained_jobs=0)


@ops.get("/internal/healthz/deep", include_in_schema=False)
def deep_health() -> dict[str, str]:
    return {}


app.include_router(orgs)
app.include_router(agents)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
