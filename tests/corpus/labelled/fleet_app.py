"""Voltiq Fleet: provisioning, credentials, telemetry, OTA firmware and data sinks for
connected thermostats and sensors.

Generate the OpenAPI document with:  python fleet_app.py > fleet.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int = 0


class DeviceModel(str, Enum):
    tstat_3 = "tstat-3"
    airq_1 = "airq-1"
    hub_2 = "hub-2"


class DeviceState(str, Enum):
    provisioning = "provisioning"
    online = "online"
    offline = "offline"
    retired = "retired"


# --------------------------------------------------------------------------- devices


class DeviceCreate(BaseModel):
    serial: str = Field(pattern=r"^VQ[0-9A-F]{10}$")
    model: DeviceModel
    fleet_id: UUID
    claimCode: str = Field(pattern=r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", description="Code printed on the box sticker.")
    labels: dict[str, str] = Field(default_factory=dict)


class DeviceOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0c7e5b8a-2f4d-4c19-9b3e-6a1d8f2e7c40",
                    "serial": "VQ3F91A07C2D",
                    "model": "tstat-3",
                    "state": "online",
                    "firmware": "3.4.1",
                    "mqttClientId": "vq-3f91a07c2d",
                    "deviceCertFingerprint": "SHA256:pX4k9Q2mV7bN1cR8tW3yZ6fH0jL5sD2gA9eU4iO7kM=",
                    "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7bq2mK9vX3pR8tW1yZ4cF6dH0jL5\nsN2gA9eU4iO7kM3qP8rT1vW6yB5nC0xF2hJ9lQ4mS7dK1bG3zV8wE6aR==\n-----END PUBLIC KEY-----",
                    "last_seen_ip": "192.168.1.44",
                    "wan_ip": "198.51.100.23",
                    "local_hostname": "thermostat-3f.home.arpa",
                    "labels": {"site": "plant-4", "floor": "2"},
                }
            ]
        }
    )

    id: UUID
    serial: str
    model: DeviceModel
    state: DeviceState
    firmware: str
    mqttClientId: str
    deviceCertFingerprint: str
    publicKeyPem: str = Field(description="Device public key (P-256). Private keys never leave the secure element.")
    last_seen_ip: Optional[str] = None
    wan_ip: Optional[str] = None
    local_hostname: Optional[str] = None
    labels: dict[str, str] = {}


class DeviceProvisioned(BaseModel):
    """Response of POST /v2/devices. The bootstrap token is only returned here."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "0c7e5b8a-2f4d-4c19-9b3e-6a1d8f2e7c40",
                    "bootstrapToken": "vq_boot_REDACTED",
                    "bootstrapTokenExpiresAt": "2024-05-02T11:00:00Z",
                }
            ]
        }
    )

    device_id: UUID
    bootstrapToken: str = Field(description="One-time token the device presents on first connect.")
    bootstrapTokenExpiresAt: datetime


class DeviceCredentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "0c7e5b8a-2f4d-4c19-9b3e-6a1d8f2e7c40",
                    "mqttUsername": "vq-3f91a07c2d",
                    "mqttPassword": "f7Hq!2vLr9sK#wPz",
                    "privKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkq3mN9vX2pR7tW4yZ1cF8dH5jL0sQ6gA3eU9iO2kM7oAoGCCqGSM49\nAwEHoUQDQgAE7bq2mK9vX3pR8tW1yZ4cF6dH0jL5sN2gA9eU4iO7kM3qP8rT1vW6\n-----END EC PRIVATE KEY-----",
                    "certificatePem": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZ3q9mK2vX7pR4tW8yZ1cF5dH0jLwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----",
                    "caBundleUrl": "https://pki.voltiq.io/ca-bundle.pem",
                }
            ]
        }
    )

    device_id: UUID
    mqttUsername: str
    mqttPassword: str
    privKey: str = Field(description="PEM-encoded device private key (legacy devices without a secure element).")
    certificatePem: str
    caBundleUrl: str


class DeviceSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "keypadLockEnabled": True,
                    "pin_protected": True,
                    "adminPinHash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQxMjM0$Zk8mR2vX7pQ4tW1yZ9cF3dH6jL0sN5gA8eU2iO",
                    "telemetry_interval_s": 60,
                    "secure_boot_enabled": True,
                    "cmd_token_bucket_size": 20,
                }
            ]
        }
    )

    keypadLockEnabled: bool = False
    pin_protected: bool = False
    adminPinHash: Optional[str] = Field(default=None, description="Hash of the on-device installer PIN.")
    telemetry_interval_s: int = 60
    secure_boot_enabled: bool = True
    cmd_token_bucket_size: int = Field(default=20, description="Token-bucket size for command rate limiting.")


class DeviceSettingsPatch(BaseModel):
    keypadLockEnabled: Optional[bool] = None
    adminPin: Optional[str] = Field(default=None, pattern=r"^\d{4,8}$")
    telemetry_interval_s: Optional[int] = Field(default=None, ge=10, le=86_400)
    cmd_token_bucket_size: Optional[int] = Field(default=None, ge=1, le=1000)


# --------------------------------------------------------------------------- commands


class CommandName(str, Enum):
    reboot = "reboot"
    set_wifi = "set_wifi"
    factory_reset = "factory_reset"
    set_setpoint = "set_setpoint"


class DeviceCommand(BaseModel):
    name: CommandName
    params: dict[str, Union[str, int, bool]] = Field(default_factory=dict)
    ttl_s: int = Field(default=300, ge=1, le=86_400)


class CommandAck(BaseModel):
    command_id: str
    queued_at: datetime
    status: Literal["queued", "delivered", "expired"]


# --------------------------------------------------------------------------- telemetry


class Metric(str, Enum):
    temperature = "temperature"
    humidity = "humidity"
    co2 = "co2"
    battery = "battery"


class TelemetryPoint(BaseModel):
    ts: datetime
    metric: Metric
    value: float


class CrashReport(BaseModel):
    """Crash dump uploaded by a device after a watchdog reset."""

    id: str
    device_id: UUID
    firmware: str
    exception: str = Field(examples=["HardFault"], description="CPU exception that triggered the reset.")
    fault_address: str = Field(examples=["0x0800F3A2"])
    backtrace: list[str]
    uploaded_at: datetime


class DeviceLog(BaseModel):
    device_id: UUID
    lines: list[str]


# --------------------------------------------------------------------------- firmware


class FirmwareRelease(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": "3.4.1",
                    "model": "tstat-3",
                    "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
                    "signature": "MEUCIQDx3q9mK2vX7pR4tW8yZ1cF5dH0jL3sN6gA9eU2iO7kMwIgR8tW1yZ4cF6dH0jL5sN2gA9eU4iO7kM3qP8rT1vW6yB5=",
                    "download_url": "https://cdn.voltiq.io/fw/tstat-3/3.4.1.bin",
                    "build_host": "ci-runner-07.build.voltiq.lan",
                    "release_notes": "Fixes the Wi-Fi password not being kept after a power cut.",
                }
            ]
        }
    )

    version: str
    model: DeviceModel
    sha256: str
    signature: str = Field(description="ECDSA signature over the image, verified by the bootloader.")
    download_url: str
    build_host: Optional[str] = None
    release_notes: Optional[str] = None


class OtaRollout(BaseModel):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    percent: int = Field(ge=1, le=100)
    device_labels: dict[str, str] = Field(default_factory=dict, description="Only devices with these labels.")


class OtaRolloutStatus(BaseModel):
    rollout_id: str
    version: str
    percent: int
    started_at: datetime


# --------------------------------------------------------------------------- sinks


class SinkKind(str, Enum):
    postgres = "postgres"
    s3 = "s3"
    mqtt_bridge = "mqtt_bridge"


class CloudSinkConfig(BaseModel):
    """Where telemetry is exported."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "snk_01HW3Q",
                    "kind": "postgres",
                    "connectionString": "postgresql://fleet_writer:Th3rm0stat!@10.20.3.5:5432/telemetry",
                    "aws_access_key_id": None,
                    "awsSecretAccessKey": None,
                    "bucket": None,
                    "region": None,
                },
                {
                    "id": "snk_01HW3R",
                    "kind": "s3",
                    "connectionString": None,
                    "aws_access_key_id": "AKIA4QWERTYZ2XB7LM3N",
                    "awsSecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "bucket": "voltiq-telemetry-eu",
                    "region": "eu-central-1",
                },
            ]
        }
    )

    id: str
    kind: SinkKind
    connectionString: Optional[str] = None
    aws_access_key_id: Optional[str] = None
    awsSecretAccessKey: Optional[str] = None
    bucket: Optional[str] = None
    region: Optional[str] = None


class CloudSinkCreate(BaseModel):
    kind: SinkKind
    connectionString: Optional[str] = Field(default=None, max_length=1024)
    aws_access_key_id: Optional[str] = Field(default=None, pattern=r"^AKIA[0-9A-Z]{16}$")
    awsSecretAccessKey: Optional[str] = Field(default=None, max_length=128)
    bucket: Optional[str] = Field(default=None, max_length=63)
    region: Optional[str] = Field(default=None, max_length=32)


# --------------------------------------------------------------------------- fleets


class Fleet(BaseModel):
    id: UUID
    name: str
    owner_email: str = Field(examples=["ops@plant.example"])
    device_count: int
    key_count: int = Field(default=0, description="Number of active signing keys for this fleet.")


class MaintenanceWindow(BaseModel):
    rrule: str = Field(max_length=256, examples=["FREQ=WEEKLY;BYDAY=SU;BYHOUR=3"])
    duration_min: int = Field(ge=5, le=720)
    exception_dates: list[date] = Field(
        default_factory=list, max_length=50, description="Dates on which the window is skipped."
    )


class PrivateNetwork(BaseModel):
    apn: str = Field(examples=["voltiq.m2m"])
    carrier: str
    sim_count: int


class AclSyncResult(BaseModel):
    topics: int
    took_ms: int


# --------------------------------------------------------------------------- errors


class FleetError(BaseModel):
    error_code: str = Field(examples=["device_not_found"])
    detail: str
    trace_id: str


class DebugBlob(BaseModel):
    exceptionChain: list[str]
    sourceFile: str
    lineNo: int
    workerHost: str


class GatewayFault(BaseModel):
    error: str
    retry_after: Optional[int] = None
    debug: Optional[DebugBlob] = Field(default=None, description="Present when the fleet runs with VQ_DEBUG=1.")


app = FastAPI(
    title="Voltiq Fleet API",
    version="2.7.0",
    description=(
        "Manage a fleet of Voltiq devices. If you filter egress, allow our webhook sources "
        "203.0.113.10 and 203.0.113.11."
    ),
    servers=[
        {"url": "https://api.voltiq.io/v2", "description": "Production"},
        {"url": "http://localhost:9000/v2", "description": "Local simulator"},
        {"url": "https://[fd12:3456:789a::10]:8443/v2", "description": "Plant edge gateway (site VPN)"},
        {"url": "https://fleet-internal.voltiq.io/v2", "description": "Support tooling"},
    ],
)

ERRS = {
    404: {"model": FleetError, "description": "Unknown device or fleet"},
    502: {"model": GatewayFault, "description": "Device broker unavailable"},
}

v2 = APIRouter(prefix="/v2")
DeviceId = Annotated[UUID, Path(description="Device id")]


@v2.get("/devices", response_model=Paged[DeviceOut], tags=["devices"])
def list_devices(
    fleet_id: Optional[UUID] = None,
    state: Optional[DeviceState] = None,
    label: Optional[str] = Query(default=None, description="`key=value` label selector"),
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Paged[DeviceOut]:
    """List devices. Devices connect to mqtt.voltiq.io:8883 over TLS."""
    return Paged[DeviceOut](items=[], total=0)


@v2.post("/devices", response_model=DeviceProvisioned, status_code=201, tags=["devices"], responses=ERRS)
def provision_device(body: DeviceCreate) -> DeviceProvisioned:
    raise HTTPException(501)


@v2.get("/devices/{device_id}", response_model=DeviceOut, tags=["devices"], responses=ERRS)
def get_device(device_id: DeviceId) -> DeviceOut:
    raise HTTPException(404)


@v2.get("/devices/{device_id}/credentials", response_model=DeviceCredentials, tags=["devices"], responses=ERRS)
def get_credentials(device_id: DeviceId) -> DeviceCredentials:
    """Current MQTT credentials. Edge gateways cache them and read them back from 169.254.169.254 at boot."""
    raise HTTPException(404)


@v2.post("/devices/{device_id}/credentials/rotate", response_model=DeviceCredentials, tags=["devices"], responses=ERRS)
def rotate_credentials(device_id: DeviceId) -> DeviceCredentials:
    raise HTTPException(404)


@v2.get("/devices/{device_id}/settings", response_model=DeviceSettings, tags=["devices"], responses=ERRS)
def get_settings(device_id: DeviceId) -> DeviceSettings:
    raise HTTPException(404)


@v2.patch("/devices/{device_id}/settings", response_model=DeviceSettings, tags=["devices"], responses=ERRS)
def patch_settings(device_id: DeviceId, body: DeviceSettingsPatch) -> DeviceSettings:
    raise HTTPException(404)


@v2.post("/devices/{device_id}/commands", response_model=CommandAck, status_code=202, tags=["commands"], responses=ERRS)
def send_command(
    device_id: DeviceId,
    body: Annotated[
        DeviceCommand,
        Body(
            openapi_examples={
                "reboot": {"summary": "Reboot", "value": {"name": "reboot", "params": {}}},
                "join-wifi": {
                    "summary": "Move the device to another Wi-Fi network",
                    "value": {"name": "set_wifi", "params": {"ssid": "PlantFloor-5G", "wifiPsk": "CorrectHorse42!"}},
                },
                "join-wifi-template": {
                    "summary": "Template",
                    "value": {"name": "set_wifi", "params": {"ssid": "<ssid>", "wifiPsk": "<wifi-password>"}},
                },
            }
        ),
    ],
) -> CommandAck:
    raise HTTPException(404)


@v2.get("/devices/{device_id}/telemetry", response_model=list[TelemetryPoint], tags=["telemetry"])
def telemetry(
    device_id: DeviceId,
    metric: Metric,
    since: Optional[datetime] = None,
    bucket: Optional[str] = Query(default=None, description="Aggregation bucket, e.g. `5m`"),
    limit: int = 1000,
) -> list[TelemetryPoint]:
    return []


@v2.get("/stream", tags=["telemetry"])
def stream(
    access_token: Annotated[
        str,
        Query(
            max_length=2048,
            description="Short-lived JWT for browser clients that cannot set headers.",
            openapi_examples={
                "browser": {
                    "summary": "Dashboard session",
                    "value": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZXZfN2YzYTkxIiwiZmxlZXQiOiJmbHRfMjA0IiwiaWF0IjoxNzE0NTU0MDAwLCJleHAiOjE3MTQ2NDA0MDB9.f-R6cWo5qPx9Um8_avrvajFL2O2jqR7jAklXecAdDC8",
                }
            },
        ),
    ],
) -> None:
    """Server-sent events with live telemetry for a fleet."""


@v2.get("/devices/{device_id}/crash-reports", response_model=list[CrashReport], tags=["diagnostics"], responses=ERRS)
def crash_reports(device_id: DeviceId) -> list[CrashReport]:
    return []


@v2.get("/devices/{device_id}/debug-log", response_model=DeviceLog, tags=["diagnostics"])
def device_debug_log(device_id: DeviceId, lines: Annotated[int, Query(ge=1, le=5000)] = 200) -> DeviceLog:
    """Last lines of the on-device debug log (uploaded on request)."""
    return DeviceLog(device_id=device_id, lines=[])


@v2.get("/firmware", response_model=list[FirmwareRelease], tags=["firmware"])
def list_firmware(model: Optional[DeviceModel] = None) -> list[FirmwareRelease]:
    return []


@v2.post(
    "/fleets/{fleet_id}/rollouts", response_model=OtaRolloutStatus, status_code=201, tags=["firmware"], responses=ERRS
)
def start_rollout(fleet_id: UUID, body: OtaRollout) -> OtaRolloutStatus:
    raise HTTPException(404)


@v2.get("/fleets", response_model=list[Fleet], tags=["fleets"])
def list_fleets() -> list[Fleet]:
    return []


@v2.put("/fleets/{fleet_id}/maintenance-window", response_model=MaintenanceWindow, tags=["fleets"])
def put_window(fleet_id: UUID, body: MaintenanceWindow) -> MaintenanceWindow:
    return body


@v2.get("/private-networks", response_model=list[PrivateNetwork], tags=["connectivity"])
def private_networks() -> list[PrivateNetwork]:
    """Private cellular APNs available to your SIMs."""
    return []


@v2.get("/sinks", response_model=list[CloudSinkConfig], tags=["sinks"])
def list_sinks() -> list[CloudSinkConfig]:
    return []


@v2.post("/sinks", response_model=CloudSinkConfig, status_code=201, tags=["sinks"], responses=ERRS)
def create_sink(body: CloudSinkCreate) -> CloudSinkConfig:
    raise HTTPException(501)


@v2.post("/fleets/{fleet_id}/admin/reboot-all", status_code=202, tags=["admin"], responses=ERRS)
def reboot_all(fleet_id: UUID, reason: Annotated[str, Body(embed=True)]) -> None:
    """Support-only: reboot every device in a fleet."""


@v2.post("/admin/firmware", response_model=FirmwareRelease, status_code=201, tags=["admin"])
def upload_firmware(body: FirmwareRelease) -> FirmwareRelease:
    return body


@v2.post("/__internal__/mqtt/acl-sync", response_model=AclSyncResult, tags=["internal"])
def acl_sync() -> AclSyncResult:
    """Push topic ACLs to the broker at mqtt.fleet.svc.cluster.local:8883."""
    return AclSyncResult(topics=0, took_ms=0)


app.include_router(v2)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
