"""Shipyard: hosted container registry, pull-through mirrors and CI runners.

Generate the OpenAPI document with:  python shipyard_app.py > shipyard.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from fastapi.security import OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field

sso = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://login.shipyard.dev/oauth/authorize",
    tokenUrl="https://sso.corp.shipyard.dev/oauth/token",
    scheme_name="shipyardSSO",
)

T = TypeVar("T")

OrgSlug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,38}$", description="Organisation slug, e.g. `acme`.")]
ProjectId = Annotated[int, Path(ge=1, le=2_147_483_647)]


# --------------------------------------------------------------------------- generic


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    next_cursor: str | None = None


# --------------------------------------------------------------------------- orgs


class PullRateLimit(BaseModel):
    token_bucket_size: int = Field(description="Burst size of the anonymous-pull token bucket.")
    refill_per_second: float
    authenticated_multiplier: int = 10


class OrgOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b6f4f7e-2c1d-4d0a-9a51-6e3b2f1c8d90",
                    "slug": "acme",
                    "display_name": "Acme Robotics",
                    "plan": "team",
                    "billing_email": "billing@example.com",
                    "sso_enforced": True,
                    "robot_count": 14,
                    "pull_rate_limit": {
                        "token_bucket_size": 200,
                        "refill_per_second": 1.5,
                        "authenticated_multiplier": 10,
                    },
                }
            ]
        }
    )

    id: UUID
    slug: str
    display_name: str
    plan: Literal["free", "team", "enterprise"]
    billing_email: str
    sso_enforced: bool = False
    robot_count: int = 0
    pull_rate_limit: PullRateLimit


class OrgMember(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": "6d1c2b0a-5e4f-4a3b-9c8d-7e6f5a4b3c2d",
                    "display_name": "Lena Fischer",
                    "email": "lena.fischer@example.net",
                    "role": "owner",
                    "two_factor_enabled": True,
                }
            ]
        }
    )

    user_id: UUID
    display_name: str
    email: str
    role: Literal["owner", "maintainer", "developer", "guest"]
    two_factor_enabled: bool


class AuditEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "at": "2024-06-03T07:41:12Z",
                    "actor": "tomasz.krol84@gmail.com",
                    "action": "robot.secret_viewed",
                    "target": "robot$acme+ci-builder",
                    "source_ip": "fd4e:8a21:77c0::1f",
                }
            ]
        }
    )

    at: datetime
    actor: str
    action: str
    target: str
    source_ip: str


# --------------------------------------------------------------------------- robot accounts


class RobotScope(str, Enum):
    pull = "repository:pull"
    push = "repository:push"
    runner_register = "runner:register"
    pipeline_trigger = "pipeline:trigger"


class RobotCreate(BaseModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{2,63}$")
    description: str | None = None
    scopes: list[RobotScope]
    expires_in_days: int | None = Field(default=90, ge=1, le=730)


class RobotCredentials(BaseModel):
    """Returned once, when the robot account is created. Only a bcrypt digest of the secret is kept."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "robot_id": "a3f1c9e2-7b4d-4e8a-9f10-2c3d4e5f6a7b",
                    "username": "robot$acme+ci-builder",
                    "secret": "<shown-once>",
                    "secret_prefix": "syr_7Qk",
                    "expires_at": "2024-09-01T00:00:00Z",
                }
            ]
        }
    )

    robot_id: UUID
    username: str = Field(description="Use as the `docker login` user name.")
    secret: str = Field(description="Use as the `docker login` password. It cannot be shown again.")
    secret_prefix: str
    expires_at: datetime | None = None


class RobotOut(BaseModel):
    robot_id: UUID
    username: str
    description: str | None = None
    scopes: list[RobotScope]
    secret_prefix: str = Field(
        examples=["syr_7Qk"], description="First characters of the secret, to tell robots apart."
    )
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    disabled: bool = False


class RobotRecord(RobotOut):
    """Raw row from the robots table (support tooling)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "robot_id": "a3f1c9e2-7b4d-4e8a-9f10-2c3d4e5f6a7b",
                    "username": "robot$acme+ci-builder",
                    "scopes": ["repository:pull", "repository:push"],
                    "secret_prefix": "syr_7Qk",
                    "secret_bcrypt": "$2y$10$Hq7vWm2XoP9sLk4Tn8Rb3uYcZ1dEf5gAh6jKl0MnOp2QrS4tUvW7e",
                    "disabled": False,
                }
            ]
        }
    )

    secret_bcrypt: str


# --------------------------------------------------------------------------- registry / mirrors


class RepositoryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "acme/payments-api",
                    "visibility": "private",
                    "pull_command": "docker pull cr.shipyard.dev/acme/payments-api:1.14.2",
                    "tag_count": 212,
                    "size_bytes": 48213377024,
                }
            ]
        }
    )

    name: str
    visibility: Literal["public", "private"]
    pull_command: str
    tag_count: int
    size_bytes: int
    last_pushed_at: datetime | None = None


class Layer(BaseModel):
    digest: str
    size: int
    media_type: str = "application/vnd.oci.image.layer.v1.tar+gzip"


class SignatureBundle(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "cosign-2024q3",
                    "signature": "MEUCIQDx3nq7Lk2vT9pW4yZ8bR1cF6gH0jM5sA2eU7oK3wN9QIgB4tY6vX1zC8dE2fG5hJ9kL3mN7pQ0rS4uW6yA1bD3eF8=",
                    "certificate_pem": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2hpcHlhcmQtY29zaWduLTIwMjRxMzAKBggqhkjOPQQD\nAjAfMR0wGwYDVQQDDBRTaGlweWFyZCBTaWduaW5nIENBMB4XDTI0MDcwMTAwMDAw\n-----END CERTIFICATE-----\n",
                }
            ]
        }
    )

    key_id: str
    signature: str
    certificate_pem: str | None = None


class ManifestOut(BaseModel):
    digest: str = Field(examples=["sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"])
    media_type: str
    config_digest: str
    layers: list[Layer]
    signatures: list[SignatureBundle] = []


class Catalog(BaseModel):
    repositories: list[str]


class UpstreamAuthIn(BaseModel):
    username: str = Field(max_length=128)
    password: str = Field(max_length=512, description="Password or access token for the upstream registry.")
    aws_access_key_id: str | None = Field(default=None, pattern=r"^(AKIA|ASIA)[A-Z0-9]{16}$")
    aws_secret_access_key: str | None = Field(default=None, max_length=128)


class MirrorCreate(BaseModel):
    upstream_url: str = Field(max_length=2048)
    upstream_kind: Literal["dockerhub", "ghcr", "quay", "ecr", "generic"]
    auth: UpstreamAuthIn | None = None
    sync_interval_minutes: int = Field(default=60, ge=5, le=10_080)
    include_tags: list[str] = Field(default_factory=list, description="Glob patterns of tags to mirror.")


class UpstreamCredential(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "shipyard-mirror",
                    "password": "Rq4!vT8zKp2#Lw6n",
                    "aws_access_key_id": "AKIAZ4QX7LMB2NPR6TWE",
                    "aws_secret_access_key": "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",
                    "region": "eu-central-1",
                }
            ]
        }
    )

    username: str
    password: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    region: str | None = None


class SyncState(BaseModel):
    last_synced_at: datetime | None = None
    manifests_synced: int = 0
    last_error_code: str | None = Field(default=None, examples=["TOOMANYREQUESTS"])


class MirrorOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5e2d7c1b-3a49-4f8e-b6d0-91c2a3e4f5a6",
                    "upstream_url": "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com",
                    "upstream_kind": "ecr",
                    "cache_endpoint": "https://mirror-cache-internal.shipyard.dev/v2/",
                    "sync": {
                        "last_synced_at": "2024-06-03T06:00:00Z",
                        "manifests_synced": 1840,
                        "last_error_code": None,
                    },
                }
            ]
        }
    )

    id: UUID
    upstream_url: str
    upstream_kind: Literal["dockerhub", "ghcr", "quay", "ecr", "generic"]
    credentials: UpstreamCredential | None = None
    cache_endpoint: str
    sync: SyncState


# --------------------------------------------------------------------------- signing keys


class SigningKeyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "cosign-2024q3",
                    "algorithm": "ecdsa-p256",
                    "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8Jq3vLm2XoP9sLk4Tn8Rb3uYcZ1d\nEf5gAh6jKl0MnOp2QrS4tUvW7eXy1zA3bC5dE9gH0jK6sU8vA2xF4kQ==\n-----END PUBLIC KEY-----\n",
                    "fingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
                    "created_at": "2024-07-01T00:00:00Z",
                }
            ]
        }
    )

    key_id: str
    algorithm: Literal["ecdsa-p256", "ed25519"]
    public_key_pem: str
    fingerprint: str
    created_at: datetime


class SigningKeyExport(BaseModel):
    """Escrow export of an org signing key, used by SRE for disaster recovery."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "cosign-2024q3",
                    "algorithm": "ecdsa-p256",
                    "private_key_pem": "-----BEGIN EC PRIVATE KEY-----\nC03Q3rPju36Tra978G8KvzULBGcLuhbuttOfIvRrmC0+U82UBlznfuLg05GSmh0C\nEFHV6WXHS/REFXASHT0v3Mhhq3vxZLmIJPzwgHc3qUVxvGuWw4CIVEM/6CJMInbA\nCVagdTARLA7XDsPOuHWkcmbFJEccyqp5rg==\n-----END EC PRIVATE KEY-----\n",
                    "passphrase": "harbour-lights-7731-Kestrel",
                }
            ]
        }
    )

    key_id: str
    algorithm: Literal["ecdsa-p256", "ed25519"]
    private_key_pem: str
    passphrase: str | None = Field(default=None, description="Passphrase protecting the exported key.")


# --------------------------------------------------------------------------- runners


class S3CacheConfig(BaseModel):
    """Mirrors the `[runners.cache.s3]` section of the runner's config.toml."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ServerAddress": "minio.build-cache.svc:9000",
                    "BucketName": "runner-cache",
                    "BucketLocation": "eu-central-1",
                    "AccessKey": "AKIAW2KR4TQ9ZB7XLP3M",
                    "SecretKey": "Hn3pV8xQ2mL7rT4wY1bK9cF5dG0jS6zA3eRtUvWq",
                    "Insecure": False,
                }
            ]
        }
    )

    ServerAddress: str
    BucketName: str
    BucketLocation: str | None = None
    AccessKey: str
    SecretKey: str
    Insecure: bool = False


class RunnerConfig(BaseModel):
    executor: Literal["docker", "kubernetes", "shell", "docker+machine"]
    concurrent: int = 4
    docker_host: str | None = Field(default=None, examples=["tcp://dind.build-pool.local:2376"])
    privileged: bool = False
    debug_trace: bool = Field(
        default=False,
        description="Sets CI_DEBUG_TRACE for every job on this runner (very verbose job logs).",
    )
    cache_backends: dict[str, S3CacheConfig] = {}
    feature_flags: dict[str, bool] = Field(default_factory=dict, examples=[{"FF_NETWORK_PER_BUILD": True}])


class RunnerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 8812,
                    "description": "arm64 autoscaler pool",
                    "tags": ["arm64", "docker"],
                    "status": "online",
                    "ip_address": "10.60.3.21",
                    "public_ip": "198.51.100.77",
                    "version": "17.2.0",
                }
            ]
        }
    )

    id: int
    description: str
    tags: list[str]
    status: Literal["online", "offline", "stale", "paused"]
    ip_address: str | None = None
    public_ip: str | None = None
    version: str
    config: RunnerConfig | None = None
    contacted_at: datetime | None = None


class RunnerRegister(BaseModel):
    description: str = Field(max_length=255)
    tags: list[str] = Field(default_factory=list, max_length=32)
    executor: Literal["docker", "kubernetes", "shell", "docker+machine"] = "docker"
    run_untagged: bool = False


class RunnerToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "runner_id": 8812,
                    "authentication_token": "syrt_xK29fLq8vN3mPw7RbT4zHcYd",
                    "token_expires_at": "2024-12-31T00:00:00Z",
                }
            ]
        }
    )

    runner_id: int
    authentication_token: str
    token_expires_at: datetime | None = None


# --------------------------------------------------------------------------- pipelines


class PipelineVariable(BaseModel):
    """A plain (non-secret) build variable. Credentials belong in pipeline secrets."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"key": "DOCKER_BUILDKIT", "value": "1", "protected": False, "environment_scope": "*"}]
        }
    )

    key: str = Field(pattern=r"^[A-Z_][A-Z0-9_]{0,254}$")
    value: str = Field(max_length=10_000)
    protected: bool = False
    environment_scope: str = Field(default="*", max_length=255)


class PipelineSecretCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "NPM_TOKEN", "value": "<npm-automation-token>", "protected": True}]}
    )

    name: str = Field(pattern=r"^[A-Z_][A-Z0-9_]{0,127}$")
    value: str = Field(max_length=65_536)
    protected: bool = True


class PipelineSecretOut(BaseModel):
    """A pipeline secret. Values are decrypted through Vault at vault.service.consul:8200 before they are returned."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "DOCKERHUB_TOKEN",
                    "value": "dckr_pat_3uQv8LmZr2KxN7pTfW9yB4cHs1E",
                    "version": 3,
                    "updated_at": "2024-05-28T13:02:00Z",
                    "updated_by": "robot$acme+ci-builder",
                }
            ]
        }
    )

    name: str
    value: str
    version: int
    updated_at: datetime
    updated_by: str


class TestCase(BaseModel):
    classname: str
    name: str
    status: Literal["passed", "failed", "skipped", "error"]
    duration_s: float
    failure_message: str | None = None
    stackTrace: str | None = Field(
        default=None, description="Stack trace of the failing test, copied from the JUnit XML the job uploaded."
    )


class JUnitReport(BaseModel):
    total: int
    failed: int
    cases: list[TestCase]


class JobOut(BaseModel):
    id: int
    name: str
    stage: str
    status: Literal["created", "pending", "running", "success", "failed", "canceled"]
    runner_id: int | None = None
    cache_key: str | None = Field(default=None, examples=["node-modules-5f3a9c1e"])
    test_report: JUnitReport | None = None


class PipelineRun(BaseModel):
    id: int
    ref: str
    sha: str
    status: Literal["created", "running", "success", "failed", "canceled"]
    jobs: list[JobOut]
    triggered_by: str


class TerminalSession(BaseModel):
    websocket_url: str = Field(examples=["wss://term.shipyard.dev/sessions/8c4f2e10"])
    expires_at: datetime


# --------------------------------------------------------------------------- source + webhooks


class SourceConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "github",
                    "repository": "acme/payments-api",
                    "clone_url": "https://github.com/acme/payments-api.git",
                    "authenticated_remote": "https://x-access-token:ghs_Zq8vX2mN4pL7rT1wY5bK3cH9dF0gJ6sA2eRt@github.com/acme/payments-api.git",
                    "installation_access_token": "ghs_Zq8vX2mN4pL7rT1wY5bK3cH9dF0gJ6sA2eRt",
                    "ssh_deploy_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDe9ncLMsRFmU+91abN40SRIa0ZCyhnmgewYSqWdEX+gZHqZiQgfu7KAGFw\nHN/1vlWq3E8yd6X8DjXYJHlsqEjsY2h9yEaVG97kfuY7y+B/eZEWChRNkJICaum2SakORX\n-----END OPENSSH PRIVATE KEY-----\n",
                    "ssh_public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN73ZwsyxEWZT73Vps3jRJGrRkLKGeaB7BhKpZ1xF/oG deploy@shipyard",
                    "host_key_fingerprint": "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
                }
            ]
        }
    )

    provider: Literal["github", "gitlab", "bitbucket"]
    repository: str
    clone_url: str
    authenticated_remote: str = Field(
        description="Remote URL with the installation token embedded, as used by the runner's `git fetch`."
    )
    installation_access_token: str
    token_expires_at: datetime | None = None
    ssh_deploy_key: str | None = Field(default=None, description="OpenSSH private half of the deploy key.")
    ssh_public_key: str | None = None
    host_key_fingerprint: str


class WebhookOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "webhookId": "wh_01J0ZK4D8S",
                    "targetUrl": "https://hooks.example.com/shipyard",
                    "events": ["image.pushed", "pipeline.finished"],
                    "hmacSecret": "whk_9Fq2LmX7vR4tN8pZ3cW6yB1d",
                    "secretLast4": "yB1d",
                    "active": True,
                }
            ]
        }
    )

    webhookId: str
    targetUrl: str
    events: list[str]
    hmacSecret: str = Field(description="Key for the X-Shipyard-Signature HMAC-SHA256 header.")
    secretLast4: str
    active: bool = True


class WebhookCreate(BaseModel):
    targetUrl: str = Field(max_length=2048)
    events: list[Literal["image.pushed", "image.deleted", "pipeline.finished", "runner.offline"]] = Field(max_length=4)
    active: bool = True


# --------------------------------------------------------------------------- docker token auth


class RegistryToken(BaseModel):
    """Docker registry v2 bearer token, minted by POST /v2/token."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "<jwt>", "expires_in": 300, "issued_at": "2024-06-03T07:41:12Z"}]}
    )

    token: str
    expires_in: int
    issued_at: datetime


# --------------------------------------------------------------------------- SRE


class StorageBackend(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "blobs-westeurope",
                    "driver": "azure",
                    "container": "registry-blobs",
                    "connection_string": "DefaultEndpointsProtocol=https;AccountName=shipyardblobs;AccountKey=0fv8865M9nwVDhyuzSa/5LoasJeTZ9uU7MR475G53dRRg7sxVHRU2Nw1YIYf+65rb1YqAr5f7K7GcoKCRVprFQ==;EndpointSuffix=core.windows.net",
                    "readonly": False,
                }
            ]
        }
    )

    name: str
    driver: Literal["s3", "gcs", "azure"]
    container: str
    connection_string: str | None = Field(
        default=None, description="Azure storage connection string (includes the account key)."
    )
    credentials_json: str | None = Field(
        default=None, description="GCP service-account key file (JSON) for gcs backends."
    )
    readonly: bool = False


class GcRequest(BaseModel):
    dry_run: bool = True
    older_than_days: int = Field(default=14, ge=1, le=365)
    repositories: list[str] = []


class QuotaUpdate(BaseModel):
    storage_gb: int = Field(ge=0, le=100_000)
    max_runners: int = Field(ge=0, le=5_000)


# --------------------------------------------------------------------------- errors


class RegistryErrorItem(BaseModel):
    code: str = Field(examples=["MANIFEST_UNKNOWN"])
    message: str
    detail: dict[str, str] | None = None


class RegistryErrors(BaseModel):
    """Error body defined by the OCI distribution spec."""

    errors: list[RegistryErrorItem]


class StackFrame(BaseModel):
    filename: str
    lineno: int
    source_line: str | None = None


class ServiceFault(BaseModel):
    error_code: str = Field(examples=["internal_error"])
    message: str
    trace_id: str
    exception_class: str = Field(examples=["sqlalchemy.exc.OperationalError"])
    exception_message: str
    stack_frames: list[StackFrame] = []


class UpstreamFailure(BaseModel):
    provider: str = Field(examples=["dockerhub"])
    upstream_status: int | None = None
    retry_after: int | None = None
    exc_repr: str = Field(
        description="repr() of the exception raised by the upstream client.", examples=["ReadTimeout('timed out')"]
    )


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Shipyard Registry & CI API",
    version="3.8.1",
    description=(
        "Container registry, pull-through mirrors and hosted CI runners. "
        "Service status: https://status.shipyard.dev. Owned by team-registry (#reg-oncall, REG-4410)."
    ),
    contact={"name": "Registry team", "email": "registry-team@shipyard.dev"},
    servers=[
        {"url": "https://api.shipyard.dev", "description": "Production"},
        {"url": "http://localhost:5080", "description": "docker compose dev stack"},
        {"url": "https://eu.api.shipyard.dev", "description": "EU data residency"},
        {"url": "http://registry-api.ci.svc.cluster.local:8080", "description": "In-cluster (runners only)"},
    ],
)

FAULTS = {
    404: {"model": RegistryErrors, "description": "Unknown repository, manifest or blob"},
    500: {"model": ServiceFault, "description": "Unhandled server error"},
}

orgs = APIRouter(prefix="/orgs/{org}", tags=["orgs"], dependencies=[Depends(sso)])
registry = APIRouter(prefix="/v2", tags=["registry"])
runners = APIRouter(prefix="/runners", tags=["runners"], dependencies=[Depends(sso)])
projects = APIRouter(prefix="/projects/{project_id}", tags=["pipelines"], dependencies=[Depends(sso)])
sre = APIRouter(tags=["sre"])


@orgs.get("", response_model=OrgOut, responses=FAULTS)
def get_org(org: OrgSlug) -> OrgOut:
    raise HTTPException(404)


@orgs.get("/admins", response_model=list[OrgMember])
def list_org_admins(org: OrgSlug) -> list[OrgMember]:
    """Members with the owner or maintainer role."""
    return []


@orgs.get("/audit", response_model=Page[AuditEntry], responses=FAULTS)
def org_audit(org: OrgSlug, action: str | None = None) -> Page[AuditEntry]:
    return Page[AuditEntry](items=[], total=0)


@orgs.post("/robots", response_model=RobotCredentials, status_code=201, responses=FAULTS)
def create_robot(org: OrgSlug, body: RobotCreate) -> RobotCredentials:
    """Create a robot account for CI pulls and pushes. The secret is only in this response."""
    raise HTTPException(501)


@orgs.get("/robots", response_model=Page[RobotOut])
def list_robots(org: OrgSlug, cursor: Annotated[str | None, Query(max_length=128)] = None) -> Page[RobotOut]:
    return Page[RobotOut](items=[], total=0)


@orgs.get("/repositories", response_model=Page[RepositoryOut])
def list_repositories(
    org: OrgSlug,
    q: str | None = Query(default=None, description="Substring of the repository name"),
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[RepositoryOut]:
    return Page[RepositoryOut](items=[], total=0)


@orgs.post("/mirrors", response_model=MirrorOut, status_code=201, responses=FAULTS)
def create_mirror(
    org: OrgSlug,
    body: Annotated[
        MirrorCreate,
        Body(
            openapi_examples={
                "dockerhub": {
                    "summary": "Docker Hub with an access token",
                    "value": {
                        "upstream_url": "https://registry-1.docker.io",
                        "upstream_kind": "dockerhub",
                        "auth": {"username": "acmebot", "password": "<docker-hub-access-token>"},
                    },
                },
                "ecr": {
                    "summary": "Amazon ECR (keys from the AWS docs)",
                    "value": {
                        "upstream_url": "https://123456789012.dkr.ecr.eu-central-1.amazonaws.com",
                        "upstream_kind": "ecr",
                        "auth": {
                            "username": "AWS",
                            "password": "********",
                            "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
                            "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        },
                    },
                },
                "quay": {
                    "summary": "Quay with credentials in the URL (legacy)",
                    "value": {
                        "upstream_url": "https://svc-mirror:Vn8qLr2Tz4Wp@quay.io",
                        "upstream_kind": "quay",
                    },
                },
            }
        ),
    ],
) -> MirrorOut:
    raise HTTPException(501)


@orgs.get("/mirrors", response_model=list[MirrorOut])
def list_mirrors(org: OrgSlug) -> list[MirrorOut]:
    return []


@orgs.post("/mirrors/{mirror_id}/sync", status_code=202, responses={502: {"model": UpstreamFailure}, **FAULTS})
def sync_mirror(org: OrgSlug, mirror_id: UUID) -> None:
    """Start a sync from the upstream registry now instead of waiting for the schedule."""


@orgs.get("/signing-keys", response_model=list[SigningKeyOut])
def list_signing_keys(org: OrgSlug) -> list[SigningKeyOut]:
    """Public halves of the org's cosign keys, for `cosign verify`."""
    return []


@orgs.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(org: OrgSlug) -> list[WebhookOut]:
    return []


@orgs.post("/webhooks", response_model=WebhookOut, status_code=201)
def create_webhook(org: OrgSlug, body: WebhookCreate) -> WebhookOut:
    raise HTTPException(501)


@registry.post("/token", response_model=RegistryToken, responses={401: {"model": RegistryErrors}})
def registry_token(
    service: Annotated[str, Query(max_length=253)],
    scope: Annotated[str | None, Query(max_length=512)] = None,
    authorization: Annotated[
        str | None,
        Header(
            max_length=4096,
            description="HTTP Basic credentials of a user or robot account.",
            openapi_examples={
                "robot": {
                    "summary": "Robot account, as sent by `docker login`",
                    "value": "Basic cm9ib3QkYWNtZStjaS1idWlsZGVyOlpxOHZYMm1ONHBMN3JUMXdZNWJL",
                },
                "template": {"summary": "Shape of the header", "value": "Basic <base64(robot-name:secret)>"},
            },
        ),
    ] = None,
) -> RegistryToken:
    """Mint a short-lived bearer token for the registry (Docker token authentication)."""
    raise HTTPException(401)


@registry.get("/_catalog", response_model=Catalog)
def catalog(
    n: Annotated[int, Query(ge=1, le=1000)] = 100,
    last: Annotated[str | None, Query(max_length=255)] = None,
) -> Catalog:
    """Repositories visible to the caller (OCI distribution `_catalog` endpoint)."""
    return Catalog(repositories=[])


@registry.get("/{namespace}/{repo}/manifests/{reference}", response_model=ManifestOut, responses=FAULTS)
def get_manifest(namespace: str, repo: str, reference: Annotated[str, Path(max_length=128)]) -> ManifestOut:
    raise HTTPException(404)


@runners.post("", response_model=RunnerToken, status_code=201)
def register_runner(body: RunnerRegister) -> RunnerToken:
    """Register a runner. Use the returned token in the runner's config.toml."""
    raise HTTPException(501)


@runners.get("/{runner_id}", response_model=RunnerOut, responses=FAULTS)
def get_runner(runner_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> RunnerOut:
    """Runner details and effective configuration.

    Runners on EC2 fetch their instance role from
    http://169.254.169.254/latest/meta-data/iam/security-credentials/shipyard-runner.
    """
    raise HTTPException(404)


@runners.get("/{runner_id}/token", response_model=RunnerToken, responses=FAULTS)
def get_runner_token(runner_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> RunnerToken:
    """Current authentication token, for re-bootstrapping autoscaled machines."""
    raise HTTPException(404)


@projects.get("/source", response_model=SourceConnection, responses=FAULTS)
def get_source(project_id: ProjectId) -> SourceConnection:
    raise HTTPException(404)


@projects.get("/variables", response_model=list[PipelineVariable])
def list_variables(project_id: ProjectId) -> list[PipelineVariable]:
    return []


@projects.put("/variables", response_model=list[PipelineVariable])
def replace_variables(project_id: ProjectId, body: list[PipelineVariable]) -> list[PipelineVariable]:
    return body


@projects.post("/secrets", response_model=PipelineSecretOut, status_code=201)
def create_secret(project_id: ProjectId, body: PipelineSecretCreate) -> PipelineSecretOut:
    raise HTTPException(501)


@projects.get("/secrets", response_model=list[PipelineSecretOut])
def list_secrets(project_id: ProjectId) -> list[PipelineSecretOut]:
    return []


@projects.get("/pipelines/{pipeline_id}", response_model=PipelineRun, responses=FAULTS)
def get_pipeline(project_id: ProjectId, pipeline_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> PipelineRun:
    raise HTTPException(404)


@projects.post("/jobs/{job_id}/debug-shell", response_model=TerminalSession, status_code=201)
def open_debug_shell(project_id: ProjectId, job_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> TerminalSession:
    """Open an interactive terminal into a running job, to troubleshoot a failing build step."""
    raise HTTPException(501)


@app.get("/docs/private-registry-setup", response_class=HTMLResponse, tags=["docs"])
def private_registry_guide() -> str:
    """How to point Docker, containerd and Kubernetes at a private Shipyard registry."""
    return "<h1>Private registry setup</h1>"


# ----- SRE area: storage + GC. Mounted on the public app by mistake (REG-4471).


@sre.get("/sre/storage/backends", response_model=list[StorageBackend])
def storage_backends() -> list[StorageBackend]:
    return []


@sre.get("/sre/__debug__/config", response_model=dict[str, str])
def sre_debug_config() -> dict[str, str]:
    """Effective settings of this API pod.

    Typical entry: `DATABASE_URL=postgres://registry:Tr0ub4dor-93x@10.60.0.15:5432/registry`.
    """
    return {}


@sre.post("/_internal/gc/run", status_code=202)
def run_gc(body: GcRequest) -> None:
    """Trigger blob garbage collection. Runs on gc-worker-1.registry.svc.cluster.local."""


@sre.put("/Admin/Tenants/{tenant_id}/Quota", status_code=204)
def set_quota(tenant_id: UUID, body: QuotaUpdate) -> None:
    """Override a tenant quota. Writes go through internal-quota-svc-1931204485.eu-central-1.elb.amazonaws.com."""


@sre.post("/api/v2/private/billing-sync", status_code=202)
def billing_sync() -> None:
    """Push metered storage and runner minutes to billing."""


@sre.get("/admin/signing-keys/{key_id}/export", response_model=SigningKeyExport, responses=FAULTS)
def export_signing_key(key_id: Annotated[str, Path(max_length=64)]) -> SigningKeyExport:
    raise HTTPException(404)


@sre.get("/admin/robots/{robot_id}", response_model=RobotRecord, responses=FAULTS)
def admin_get_robot(robot_id: UUID) -> RobotRecord:
    raise HTTPException(404)


@sre.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(orgs)
app.include_router(registry)
app.include_router(runners)
app.include_router(projects)
app.include_router(sre)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
