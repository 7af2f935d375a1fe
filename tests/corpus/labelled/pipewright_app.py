"""Pipewright: hosted CI/CD (pipelines, builds, runners, artifacts).

Generate the OpenAPI document with:  python pipewright_app.py > pipewright.openapi.json
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field

pw_token = APIKeyHeader(
    name="X-Pipewright-Token", description="Personal access token (`pw_pat_...`) or project API key."
)

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    results: list[T]
    count: int
    next: Optional[str] = None


class Envelope(BaseModel, Generic[T]):
    data: T
    warnings: list[str] = []


class BuildStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    CANCELED = "canceled"


# --------------------------------------------------------------------------- pipelines


class PipelineOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 77,
                    "slug": "tools",
                    "repoUrl": "https://github.com/pipewright/internal-tools.git",
                    "defaultBranch": "main",
                    "stack": "go",
                    "cacheKey": 'go-mod-{{ checksum "go.sum" }}',
                    "env": {"CGO_ENABLED": "0"},
                    "secretEnv": {},
                },
                {
                    "id": 78,
                    "slug": "platform-api",
                    "repoUrl": "https://git.internal.pipewright.dev/platform/api.git",
                    "defaultBranch": "main",
                    "stack": "node",
                    "cacheKey": 'node-modules-{{ checksum "package-lock.json" }}',
                    "env": {"NODE_ENV": "production", "API_BASE": "http://10.12.0.40:3000"},
                    "secretEnv": {
                        "NPM_TOKEN": "npm_Yq3Lx8Kp2Wz7Rv5Tn1Bc9Hm4Js6Df0Ga2Qe",
                        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    },
                },
            ]
        }
    )

    id: int
    slug: str
    repoUrl: str
    defaultBranch: str
    stack: Literal["node", "python", "go", "jvm"] = Field(
        description="Language stack used to pick the default build image."
    )
    cacheKey: Optional[str] = Field(default=None, description="Template for the dependency cache key.")
    env: dict[str, str] = {}
    secretEnv: dict[str, str] = Field(
        default_factory=dict, description="Encrypted variables, decrypted for the pipeline view."
    )
    createdAt: Optional[datetime] = None


class PipelineCreate(BaseModel):
    slug: str = Field(pattern=r"^[a-z0-9-]{2,40}$")
    repoUrl: str = Field(max_length=2048)
    defaultBranch: str = Field(default="main", max_length=255)
    yaml: str = Field(description="Pipeline definition (pipewright.yml contents).")
    env: dict[str, str] = {}
    secretEnv: dict[str, str] = {}


class Actor(BaseModel):
    login: str
    email: Optional[str] = None
    avatarUrl: Optional[str] = None


class JobOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 99120,
                    "name": "test:unit",
                    "status": "failed",
                    "runnerHost": "runner-17.build.pipewright.internal",
                    "cacheEndpoint": "redis-cache.ci.svc",
                    "exitCode": 1,
                    "onException": "retry",
                    "retries": 2,
                }
            ]
        }
    )

    id: int
    name: str
    status: BuildStatus
    runnerHost: Optional[str] = None
    cacheEndpoint: Optional[str] = None
    exitCode: Optional[int] = None
    onException: Literal["retry", "fail", "ignore"] = Field(
        default="fail", description="What to do when the job's script raises."
    )
    retries: int = 0


class Stage(BaseModel):
    name: str
    status: BuildStatus
    jobs: list[JobOut]


class BuildOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 500231,
                    "number": 1842,
                    "pipelineId": 78,
                    "status": "failed",
                    "branch": "feature/ledger-export",
                    "commitSha": "9fceb02d0ae598e95dc970b74767f19372d61af8",
                    "triggeredBy": {"login": "lbrandt", "email": "lena.brandt@hey.com"},
                    "stages": [],
                }
            ]
        }
    )

    id: int
    number: int
    pipelineId: int
    status: BuildStatus
    branch: str
    commitSha: str
    triggeredBy: Actor
    stages: list[Stage] = []
    startedAt: Optional[datetime] = None
    finishedAt: Optional[datetime] = None


class TriggerBuild(BaseModel):
    branch: str = Field(max_length=255)
    commitSha: Optional[str] = Field(default=None, pattern=r"^[0-9a-f]{40}$")
    env: dict[str, str] = {}
    reason: Optional[str] = None


class ArtifactOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "coverage.xml",
                    "sizeBytes": 48211,
                    "sha256": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                    "downloadUrl": "https://pw-artifacts.s3.amazonaws.com/500231/coverage.xml?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA4MTWJR7XKQ2PZL5N%2F20240610%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240610T120000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host&X-Amz-Signature=b2754f5e9d6c1a3e8f0d7c4b2a9e6f1d3c8b5a7e0f2d4c6b8a1e3f5d7c9b0a2e",
                    "expiresAt": "2024-06-10T12:10:00Z",
                }
            ]
        }
    )

    name: str
    sizeBytes: int
    sha256: str
    downloadUrl: str
    expiresAt: datetime


# --------------------------------------------------------------------------- artifact store


class S3Credentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "s3",
                    "accessKeyId": "AKIA5QWRTY7ZXCVB2NMJ",
                    "secretAccessKey": "Zp4r9W1kq7X2mV8nL3tB6yC0dF5gH2jK9sA1eQ7u",
                }
            ]
        }
    )

    type: Literal["s3"] = "s3"
    accessKeyId: str
    secretAccessKey: str
    sessionToken: Optional[str] = None


class GcsCredentials(BaseModel):
    type: Literal["gcs"] = "gcs"
    serviceAccountEmail: str
    serviceAccountKeyJson: str = Field(description="Contents of the service-account JSON key file.")


class AzureSasCredentials(BaseModel):
    type: Literal["azure_sas"] = "azure_sas"
    accountName: str
    sasToken: str


StoreCredentials = Annotated[Union[S3Credentials, GcsCredentials, AzureSasCredentials], Field(discriminator="type")]


class ArtifactStoreIn(BaseModel):
    bucket: str = Field(max_length=63)
    region: Optional[str] = Field(default=None, max_length=32)
    credentials: StoreCredentials


class ArtifactStoreOut(BaseModel):
    bucket: str
    region: Optional[str] = None
    credentials: StoreCredentials
    lastVerifiedAt: Optional[datetime] = None


# --------------------------------------------------------------------------- runners


class RunnerRegister(BaseModel):
    name: str = Field(max_length=64)
    tags: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list, max_length=20)
    registrationToken: str = Field(pattern=r"^pwreg_[A-Za-z0-9]{24}$")


class RunnerRegistered(BaseModel):
    """Returned once by POST /v1/runners."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": 4410, "authToken": "<runner-auth-token>", "tokenPrefix": "pwrt_9c1e"}]}
    )

    id: int
    authToken: str
    tokenPrefix: str


class RunnerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 4410,
                    "name": "mac-arm-01",
                    "tags": ["macos", "arm64"],
                    "version": "3.14.2",
                    "ipAddress": "192.0.2.44",
                    "ipv6": "2001:db8:85a3::8a2e:370:7334",
                    "tokenPrefix": "pwrt_9c1e",
                },
                {
                    "id": 4411,
                    "name": "linux-x64-07",
                    "tags": ["linux", "docker"],
                    "version": "3.14.2",
                    "ipAddress": "172.22.8.14",
                    "ipv6": "fd00:10:96::a",
                    "tokenPrefix": "pwrt_77ab",
                },
            ]
        }
    )

    id: int
    name: str
    tags: list[str]
    version: str
    ipAddress: Optional[str] = None
    ipv6: Optional[str] = None
    tokenPrefix: str
    lastContactAt: Optional[datetime] = None


class Heartbeat(BaseModel):
    busyJobs: int = Field(ge=0, le=64)
    load1: float = Field(ge=0, le=1024)


# --------------------------------------------------------------------------- keys, registries, scm


class DeployKeyOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 31,
                    "title": "deploy-prod",
                    "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl pipewright-deploy",
                    "fingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
                    "privateKeyPem": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDjKqp5Fc65tEnRulDqKiy7Gm4B+QvaJFotHYdpfRiiZQAAAJgX4Y3+F+GN\n-----END OPENSSH PRIVATE KEY-----",
                    "readOnly": True,
                }
            ]
        }
    )

    id: int
    title: str
    publicKey: str
    fingerprint: str
    privateKeyPem: Optional[str] = None
    readOnly: bool = True


class DeployKeyCreate(BaseModel):
    title: str = Field(max_length=64)
    readOnly: bool = True


class DeployKeyCreated(BaseModel):
    """Key pair generated by POST; the private half is shown only here."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": 32, "publicKey": "ssh-ed25519 AAAAC3Nza... pipewright-deploy", "privateKeyPem": "<shown-once>"}
            ]
        }
    )

    id: int
    publicKey: str
    privateKeyPem: str


class RegistryCredentialIn(BaseModel):
    server: str = Field(max_length=253)
    username: str = Field(max_length=128)
    passwd: str = Field(max_length=512)


class RegistryCredentialOut(BaseModel):
    id: int
    server: str
    username: str
    passwd: str
    createdAt: datetime


class ScmConnectionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "github",
                    "installationId": 41822093,
                    "accountLogin": "pipewright-demo",
                    "oauthRefresh": "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
                    "oauthAccessExpiresAt": "2024-06-10T20:00:00Z",
                    "scopes": ["repo:status", "read:org"],
                }
            ]
        }
    )

    provider: Literal["github", "gitlab", "bitbucket"]
    installationId: Optional[int] = None
    accountLogin: str
    oauthRefresh: Optional[str] = Field(default=None, description="Refresh token for the provider's OAuth app.")
    oauthAccessExpiresAt: Optional[datetime] = None
    scopes: list[str] = []


class ProjectSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "platform",
                    "retentionDays": 30,
                    "maxParallelJobs": 8,
                    "deployKeyCount": 2,
                    "signingKeyId": "sk-2024-05",
                    "apiKeyV2": "pwk2_live_Tz8Qm3Lr6Xv1Nc9Wb4Hk7Ys2Dp5Ja0Fe",
                    "secretKey2": "********",
                }
            ]
        }
    )

    name: str
    retentionDays: int
    maxParallelJobs: int
    deployKeyCount: int = 0
    signingKeyId: Optional[str] = None
    apiKeyV2: Optional[str] = Field(default=None, description="Project API key (v2 format).")
    secretKey2: Optional[str] = Field(
        default=None, description="Secondary artifact-signing secret while a rotation is in progress."
    )


class ProjectSettingsPatch(BaseModel):
    retentionDays: Optional[int] = Field(default=None, ge=1, le=400)
    maxParallelJobs: Optional[int] = Field(default=None, ge=1)


class PersonalTokenCreate(BaseModel):
    name: str = Field(max_length=64)
    scopes: list[Literal["read", "write", "admin"]] = Field(max_length=3)
    expiresInDays: int = Field(default=90, ge=1, le=365)


class PersonalTokenCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 9001,
                    "token": "pw_pat_Vq7Zc2Lm9Xr4Tn1Wb8Hk3Ys6Dj0Fa5Ge",
                    "tokenHint": "pw_pat_Vq7Z…a5Ge",
                    "expiresAt": "2024-09-08T00:00:00Z",
                }
            ]
        }
    )

    id: int
    token: str
    tokenHint: str
    expiresAt: datetime


class PersonalTokenOut(BaseModel):
    id: int
    name: str
    tokenHint: str
    scopes: list[str]
    lastUsedAt: Optional[datetime] = None


class RateLimitStatus(BaseModel):
    tokensRemaining: int = Field(description="Tokens left in the request bucket.")
    bucketSize: int
    refillPerSecond: float
    resetAt: datetime


class InsightQuery(BaseModel):
    id: int
    name: str
    sql: str = Field(
        examples=[
            "SELECT pipeline_id, avg(duration_s) FROM builds WHERE finished_at > now() - interval '7 days' GROUP BY 1"
        ]
    )


class OidcConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "issuer": "https://token.pipewright.dev",
                    "jwks_uri": "https://token.pipewright.dev/v1/oidc/jwks",
                    "id_token_signing_alg_values_supported": ["RS256"],
                }
            ]
        }
    )

    issuer: str
    jwks_uri: str
    id_token_signing_alg_values_supported: list[str]


class JWK(BaseModel):
    kty: str
    kid: str
    use: str = "sig"
    n: str
    e: str


class JWKS(BaseModel):
    keys: list[JWK]


class DebugSymbolsOut(BaseModel):
    buildId: int
    files: int
    platform: str


class TenantOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "slug": "acme",
                    "plan": "enterprise",
                    "region": "us-east-1",
                    "dbDsn": "postgresql://tenant_acme:Vx9!qL2m@10.20.3.7:5432/pw_acme",
                }
            ]
        }
    )

    id: int
    slug: str
    plan: str
    region: str
    dbDsn: str


class QueueDepth(BaseModel):
    queue: str
    depth: int
    oldestAgeS: float


class WhoAmI(BaseModel):
    login: str
    email: str
    orgs: list[str]


# --------------------------------------------------------------------------- errors


class ErrorOut(BaseModel):
    error_code: str = Field(examples=["pipeline_not_found"])
    message: str
    correlation_id: str
    docs: Optional[str] = Field(default=None, examples=["https://pipewright.dev/docs/errors#pipeline_not_found"])


class Frame(BaseModel):
    filename: str
    lineno: int
    func: str
    source: Optional[str] = None


class ExcInfo(BaseModel):
    excType: str
    excValue: str = Field(description="repr() of the exception.")
    frames: list[Frame] = []


class InternalFault(BaseModel):
    error_code: Literal["internal"] = "internal"
    message: str
    correlation_id: str
    exc: Optional[ExcInfo] = Field(default=None, description="Present when the tenant has debug mode on.")


class Maintenance(BaseModel):
    message: str
    retry_after: int


# --------------------------------------------------------------------------- app

DESCRIPTION = """
Pipewright runs your pipelines on hosted or self-hosted runners.

* Authentication: `X-Pipewright-Token` header with a personal access token.
* Operators of self-hosted installs: see <https://pipewright.dev/administrator-docs>.
* On-prem appliances answer on `https://pipewright.home.arpa` by default.
"""

app = FastAPI(
    title="Pipewright API",
    version="1.31.0",
    description=DESCRIPTION,
    contact={"name": "Pipewright support", "email": "support@pipewright.dev"},
    servers=[
        {"url": "https://api.pipewright.dev", "description": "Production (US)"},
        {"url": "https://api.eu.pipewright.dev", "description": "Production (EU)"},
        {"url": "https://{tenant}.pipewright.dev", "variables": {"tenant": {"default": "acme"}}},
        {"url": "http://ci-api.service.pipewright.consul:8080", "description": "Service discovery"},
        {
            "url": "{scheme}://{host}/api",
            "description": "In-cluster",
            "variables": {
                "scheme": {"default": "https", "enum": ["http", "https"]},
                "host": {"default": "pw-api.ci.svc.cluster.local"},
            },
        },
    ],
)

E4 = {404: {"model": ErrorOut, "description": "Not found"}, 409: {"model": ErrorOut}}
E5 = {500: {"model": InternalFault}, 503: {"model": Maintenance, "description": "Maintenance window"}}
ERRS = {**E4, **E5}

v1 = APIRouter(prefix="/v1", dependencies=[Depends(pw_token)])
public = APIRouter()
ops = APIRouter(tags=["ops"])


@v1.get("/pipelines", response_model=Page[PipelineOut], tags=["pipelines"])
def list_pipelines(
    q: Optional[str] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[PipelineOut]:
    return Page[PipelineOut](results=[], count=0)


@v1.post("/pipelines", response_model=PipelineOut, status_code=201, tags=["pipelines"], responses=ERRS)
def create_pipeline(body: PipelineCreate) -> PipelineOut:
    raise HTTPException(501)


@v1.get("/pipelines/{pipeline_id}", response_model=PipelineOut, tags=["pipelines"], responses=ERRS)
def get_pipeline(pipeline_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> PipelineOut:
    raise HTTPException(404)


@v1.delete("/pipelines/{pipeline_id}", status_code=204, tags=["pipelines"], responses=ERRS)
def delete_pipeline(pipeline_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> None:
    pass


@v1.post("/pipelines/{pipeline_id}/builds", response_model=BuildOut, status_code=201, tags=["builds"], responses=ERRS)
def trigger_build(pipeline_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: TriggerBuild) -> BuildOut:
    """Start a build.

    ```bash
    curl -X POST https://api.pipewright.dev/v1/pipelines/78/builds \\
      -H "X-Pipewright-Token: pw_pat_4Lq9Zx2Wv7Nb3Tk8Rm1Hs6Jd0Fc5Ga" \\
      -d '{"branch": "main"}'
    ```
    """
    raise HTTPException(501)


@v1.get("/builds", response_model=Page[BuildOut], tags=["builds"])
def list_builds(
    branch: Optional[str] = None,
    status: Optional[BuildStatus] = None,
    commit: Annotated[
        Optional[str], Query(pattern=r"^[0-9a-f]{7,40}$", examples=["9fceb02d0ae598e95dc970b74767f19372d61af8"])
    ] = None,
) -> Page[BuildOut]:
    return Page[BuildOut](results=[], count=0)


@v1.get("/builds/{build_id}", response_model=BuildOut, tags=["builds"], responses=ERRS)
def get_build(build_id: Annotated[int, Path(ge=1, le=2**53)]) -> BuildOut:
    raise HTTPException(404)


@v1.post("/builds/{build_id}/cancel", status_code=202, tags=["builds"], responses=ERRS)
def cancel_build(build_id: Annotated[int, Path(ge=1, le=2**53)]) -> None:
    pass


@v1.post("/builds/{build_id}/retry", response_model=BuildOut, tags=["builds"], responses=ERRS)
def retry_build(build_id: Annotated[int, Path(ge=1, le=2**53)], reason: Annotated[str, Body(embed=True)]) -> BuildOut:
    raise HTTPException(404)


@v1.get("/builds/{build_id}/jobs/{job_id}/log", response_class=PlainTextResponse, tags=["builds"], responses=ERRS)
def job_log(
    build_id: Annotated[int, Path(ge=1, le=2**53)],
    job_id: Annotated[int, Path(ge=1, le=2**53)],
    offset: Annotated[int, Query(ge=0, description="Byte offset to resume from")] = 0,
) -> str:
    return ""


@v1.get("/builds/{build_id}/artifacts", response_model=list[ArtifactOut], tags=["builds"], responses=ERRS)
def artifacts(build_id: Annotated[int, Path(ge=1, le=2**53)]) -> list[ArtifactOut]:
    return []


@v1.get("/settings/artifact-store", response_model=ArtifactStoreOut, tags=["settings"], responses=ERRS)
def get_artifact_store() -> ArtifactStoreOut:
    raise HTTPException(404)


@v1.put("/settings/artifact-store", response_model=ArtifactStoreOut, tags=["settings"], responses=ERRS)
def put_artifact_store(body: ArtifactStoreIn) -> ArtifactStoreOut:
    raise HTTPException(501)


@v1.get("/runners", response_model=Page[RunnerOut], tags=["runners"])
def list_runners(tag: Annotated[Optional[str], Query(max_length=32)] = None) -> Page[RunnerOut]:
    return Page[RunnerOut](results=[], count=0)


@v1.post("/runners", response_model=RunnerRegistered, status_code=201, tags=["runners"], responses=E4)
def register_runner(body: RunnerRegister) -> RunnerRegistered:
    raise HTTPException(501)


@v1.get("/runners/{runner_id}", response_model=RunnerOut, tags=["runners"], responses=ERRS)
def get_runner(runner_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> RunnerOut:
    raise HTTPException(404)


@public.post("/v1/runners/{runner_id}/heartbeat", status_code=204, tags=["runners"])
def heartbeat(
    runner_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: Heartbeat,
    x_runner_token: Annotated[str, Header(max_length=64, examples=["pwrt_9c1eLq7Zx3Wv8Nb2Tk5Rm0Hs"])],
) -> None:
    """Runners call this every 10 s with their auth token."""


@v1.get("/pipelines/{pipeline_id}/deploy-keys", response_model=list[DeployKeyOut], tags=["pipelines"], responses=ERRS)
def list_deploy_keys(pipeline_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> list[DeployKeyOut]:
    return []


@v1.post(
    "/pipelines/{pipeline_id}/deploy-keys",
    response_model=DeployKeyCreated,
    status_code=201,
    tags=["pipelines"],
    responses=ERRS,
)
def create_deploy_key(pipeline_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: DeployKeyCreate) -> DeployKeyCreated:
    raise HTTPException(501)


@v1.get("/registries", response_model=list[RegistryCredentialOut], tags=["settings"])
def list_registries() -> list[RegistryCredentialOut]:
    return []


@v1.post("/registries", response_model=RegistryCredentialOut, status_code=201, tags=["settings"], responses=ERRS)
def add_registry(
    body: Annotated[
        RegistryCredentialIn,
        Body(
            openapi_examples={
                "gitlab": {
                    "summary": "GitLab container registry",
                    "value": {
                        "server": "registry.gitlab.com",
                        "username": "ci-bot",
                        "passwd": "glpat-Xk29LmQz7Vr1Tb8Wn4Hc",
                    },
                },
                "generic": {
                    "summary": "Any registry",
                    "value": {"server": "registry.example.com", "username": "<user>", "passwd": "<token>"},
                },
            }
        ),
    ],
) -> RegistryCredentialOut:
    raise HTTPException(501)


@v1.get("/scm/connections", response_model=list[ScmConnectionOut], tags=["settings"])
def scm_connections() -> list[ScmConnectionOut]:
    return []


@public.get("/v1/scm/github/callback", status_code=302, tags=["settings"])
def github_callback(code: str, state: Annotated[str, Query(max_length=128)]) -> None:
    """OAuth redirect target for the GitHub app."""


@v1.get("/projects/{project_id}/settings", response_model=Envelope[ProjectSettings], tags=["settings"], responses=ERRS)
def get_project_settings(project_id: UUID) -> Envelope[ProjectSettings]:
    raise HTTPException(404)


@v1.patch(
    "/projects/{project_id}/settings", response_model=Envelope[ProjectSettings], tags=["settings"], responses=ERRS
)
def patch_project_settings(project_id: UUID, body: ProjectSettingsPatch) -> Envelope[ProjectSettings]:
    raise HTTPException(404)


@v1.get("/tokens", response_model=list[PersonalTokenOut], tags=["tokens"])
def list_tokens() -> list[PersonalTokenOut]:
    return []


@v1.post("/tokens", response_model=PersonalTokenCreated, status_code=201, tags=["tokens"])
def create_token(body: PersonalTokenCreate) -> PersonalTokenCreated:
    """Create a personal access token. The token is shown once."""
    raise HTTPException(501)


@v1.get("/rate-limit", response_model=RateLimitStatus, tags=["tokens"])
def rate_limit() -> RateLimitStatus:
    raise HTTPException(501)


@v1.get(
    "/whoami",
    response_model=WhoAmI,
    tags=["tokens"],
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {"login": "rtanaka", "email": "r.tanaka@pipewright.dev", "orgs": ["platform"]}
                }
            }
        }
    },
)
def whoami() -> WhoAmI:
    raise HTTPException(401)


@v1.get("/insights", response_model=list[InsightQuery], tags=["insights"])
def insights() -> list[InsightQuery]:
    return []


@public.post("/v1/hooks/github", status_code=202, tags=["webhooks"])
def github_webhook(
    payload: Annotated[dict[str, Any], Body()],
    x_hub_signature_256: Annotated[
        str,
        Header(
            pattern=r"^sha256=[0-9a-f]{64}$",
            examples=["sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"],
        ),
    ],
    x_github_event: Annotated[Literal["push", "pull_request", "check_suite"], Header()],
    x_github_delivery: Annotated[UUID, Header()],
) -> None:
    """Receiver for GitHub App events.

    ```bash
    curl -X POST https://api.pipewright.dev/v1/hooks/github \\
      -H "X-GitHub-Event: push" \\
      -H "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" \\
      -d @payload.json
    ```
    """


@v1.get("/metrics/export", response_class=PlainTextResponse, tags=["insights"])
def metrics_export(
    target: Annotated[
        str, Query(max_length=2048, description="Prometheus remote-read endpoint")
    ] = "http://prometheus.monitoring.svc:9090",
) -> str:
    return ""


@public.get("/.well-known/openid-configuration", response_model=OidcConfig, tags=["oidc"])
def oidc_config() -> OidcConfig:
    raise HTTPException(501)


@public.get("/v1/oidc/jwks", response_model=JWKS, tags=["oidc"])
def oidc_jwks() -> JWKS:
    return JWKS(keys=[])


@v1.post("/debug-symbols/{build_id}", response_model=DebugSymbolsOut, status_code=201, tags=["builds"])
def upload_debug_symbols(
    build_id: Annotated[int, Path(ge=1, le=2**53)],
    platform: Annotated[Literal["ios", "android", "windows", "linux"], Query()],
) -> DebugSymbolsOut:
    """Register dSYM / PDB files produced by a build, for crash symbolication."""
    raise HTTPException(501)


@public.get("/administrator-docs", response_class=HTMLResponse, tags=["docs"])
def administrator_docs() -> str:
    """Operator guide for self-hosted installs."""
    return "<h1>Administrator docs</h1>"


# ----- operator / maintenance endpoints -----


@ops.post("/internal/runners/{runner_id}/drain", status_code=202, responses=ERRS)
def drain_runner(runner_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> None:
    """Stop scheduling onto a runner. The agent finds its task via the ECS metadata endpoint http://169.254.170.2/v4."""


@ops.get("/v1/admin/tenants", response_model=list[TenantOut], responses=ERRS)
def admin_tenants() -> list[TenantOut]:
    return []


@ops.get("/_debug/queues", response_model=list[QueueDepth])
def debug_queues() -> list[QueueDepth]:
    return []


@ops.get("/internal/pprof", include_in_schema=False)
def pprof() -> str:
    return ""


app.include_router(v1)
app.include_router(public)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
