"""FleetPulse: telemetry and device-management API for vehicle-fleet IoT trackers.

Generate the OpenAPI document with:  python fleetpulse_app.py > fleetpulse.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal, Optional
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

operator_key = APIKeyHeader(name="X-FleetPulse-Key")

DeviceId = Annotated[str, Path(pattern=r"^dev_[0-9A-Z]{10}$", description="FleetPulse device id")]


class DeviceModel(str, Enum):
    tracker3 = "FP-T3"
    obd2 = "FP-OBD2"
    dashcam = "FP-CAM1"


class DeviceStatus(str, Enum):
    provisioning = "provisioning"
    online = "online"
    offline = "offline"
    retired = "retired"


# --------------------------------------------------------------------------- devices


class DeviceRegister(BaseModel):
    serial_number: str = Field(pattern=r"^FP[0-9A-Z]{10}$")
    model: DeviceModel
    vehicle_id: Optional[UUID] = None
    label: Optional[str] = None
    tags: dict[str, str] = {}


class DeviceOut(BaseModel):
    id: str = Field(examples=["dev_01HZX3K8QW"])
    serial_number: str = Field(examples=["FP3A7K2M9Q1Z"])
    imei: str = Field(examples=["356938035643809"], description="Cellular modem IMEI (hardware identifier).")
    vin: Optional[str] = Field(
        default=None, examples=["1FTFW1ET5DFC10312"], description="Vehicle identification number."
    )
    model: DeviceModel
    status: DeviceStatus
    firmware_version: str = Field(examples=["3.8.2"])
    last_seen_at: Optional[datetime] = None
    last_seen_ip: Optional[str] = Field(default=None, examples=["198.51.100.42"])
    mqtt_client_id: str


class ProvisioningBundle(BaseModel):
    """Returned once by POST /devices/{device_id}/provision. Flash it onto the device; it cannot be fetched again."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "dev_01HZX3K8QW",
                    "mqtt_host": "mqtt.fleetpulse.io",
                    "mqtt_port": 8883,
                    "mqtt_username": "dev_01HZX3K8QW",
                    "mqtt_password": "<generated-at-provisioning>",
                    "client_certificate_pem": (
                        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUO3f8x2bQ1kZ9mV7tP4rC5yN0aEwwCgYIKoZIzj0EAwIw\n"
                        "-----END CERTIFICATE-----\n"
                    ),
                    "private_key_pem": (
                        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIGk3tR9vX2mQ7pL4wZ8cN1bF5hJ0dK6sE3yU9aT2oV7qoAoGCCqGSM49\n"
                        "AwEHoUQDQgAE4fK8mP2qR7tV1wX9zA3cE6gJ0nL5sU8yB2dF4hK6mN9pQ1rT3vW5\n-----END EC PRIVATE KEY-----\n"
                    ),
                    "ca_bundle_url": "https://pki.fleetpulse.io/ca/fleetpulse-root-2024.pem",
                }
            ]
        }
    )

    device_id: str
    mqtt_host: str
    mqtt_port: int = 8883
    mqtt_username: str
    mqtt_password: str
    client_certificate_pem: str
    private_key_pem: str = Field(
        description="Device private key (ECDSA P-256). Generated server-side for devices without a secure element."
    )
    ca_bundle_url: str


class CredentialSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "device_id": "dev_01HZX3K8QW",
                    "mqtt_username": "dev_01HZX3K8QW",
                    "cert_fingerprint_sha256": "3b7e1f0c9a2d4e6f8b0a1c3e5f7a9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e",
                    "cert_not_after": "2026-09-01T00:00:00Z",
                    "key_id": "fpk_2024_09_a1",
                    "password_rotated_at": "2024-09-01T08:00:00Z",
                    "rotation_days": 90,
                }
            ]
        }
    )

    device_id: str
    mqtt_username: str
    cert_fingerprint_sha256: str
    cert_not_after: datetime
    key_id: str
    password_rotated_at: Optional[datetime] = None
    rotation_days: int = Field(description="Credential rotation period (credential_rotation_days).")


class WifiConfig(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"ssid": "Depot-Yard-5G", "psk": "Forklift#2291"}})

    ssid: str = Field(max_length=32)
    psk: Optional[str] = Field(default=None, max_length=63, description="WPA2 pre-shared key.")


class CellularConfig(BaseModel):
    apn: str = Field(max_length=100, examples=["iot.1nce.net"])
    apn_username: Optional[str] = Field(default=None, max_length=64)
    apn_password: Optional[str] = Field(default=None, max_length=64, alias="apn-password")
    roaming_allowed: bool = True


class DeviceConfig(BaseModel):
    report_interval_s: int = Field(default=30, ge=5, le=3600)
    harsh_brake_threshold_g: float = Field(default=0.45, ge=0.1, le=2.0)
    wifi: Optional[WifiConfig] = None
    cellular: CellularConfig
    ntp_server: str = Field(default="time.fleetpulse.io", max_length=253)
    local_gateway: str = Field(default="192.168.8.1", max_length=64, description="LAN address of the in-cab router.")
    syslog_host: Optional[str] = Field(default=None, max_length=253, examples=["syslog.depot3.localdomain"])


# --------------------------------------------------------------------------- telemetry


class TelemetryPoint(BaseModel):
    ts: datetime
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    speed_kph: Optional[float] = Field(default=None, ge=0, le=400)
    heading: Optional[int] = Field(default=None, ge=0, le=359)
    odometer_km: Optional[float] = Field(default=None, ge=0, le=5_000_000)
    engine_rpm: Optional[int] = Field(default=None, ge=0, le=20_000)
    fuel_level_pct: Optional[float] = Field(default=None, ge=0, le=100)


class TelemetryBatch(BaseModel):
    device_id: str = Field(max_length=32)
    firmware_version: str = Field(max_length=32)
    points: list[TelemetryPoint]


class IngestAck(BaseModel):
    accepted: int
    rejected: int
    duplicate: int = 0


# --------------------------------------------------------------------------- diagnostics


class DtcEvent(BaseModel):
    code: str = Field(examples=["P0420"])
    description: str = Field(examples=["Catalyst system efficiency below threshold (bank 1)"])
    severity: Literal["info", "warning", "critical"]
    exception_code: Optional[str] = Field(
        default=None,
        examples=["EXC-IDLE-DEPOT"],
        description="Fleet-rule exception that suppressed the alert, if any.",
    )
    freeze_frame: dict[str, float] = {}


class DiagnosticsSnapshot(BaseModel):
    device_id: str
    battery_mv: int
    signal_rssi_dbm: int
    uptime_s: int
    dtcs: list[DtcEvent]


class CrashReport(BaseModel):
    """Firmware crash dump uploaded by the device after a watchdog reset."""

    id: UUID
    device_id: str
    firmware_version: str
    exception_class: str = Field(examples=["HardFault"])
    backtrace: list[str] = Field(examples=[["0x0800a1c4 uart_isr", "0x08003f10 main_loop"]])
    registers: dict[str, str] = Field(examples=[{"pc": "0x0800a1c4", "lr": "0x08003f11"}])
    uploaded_at: datetime


class ShellCommand(BaseModel):
    command: str
    timeout_s: int = Field(default=10, ge=1, le=120)


class ShellResult(BaseModel):
    exit_code: int
    stdout: str
    stderr: str


# --------------------------------------------------------------------------- firmware / OTA


class FirmwareRelease(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": "3.8.2",
                    "model": "FP-T3",
                    "channel": "stable",
                    "sha256": "9c1e4b7a2d5f8e0b3c6a9d2f5e8b1c4a7d0f3e6b9c2a5d8f1e4b7c0a3d6f9e2b",
                    "signature_ed25519": "Mv8q3T6wZ1cF4hK7nQ0sV3yB6eH9kN2pS5vY8bE1gJ4mP7rU0xA3dG6jL9oR2tW5zC8fI1lO4qT7wZ0cF3hK6nA==",
                    "signing_key_id": "fw-signing-2024a",
                    "size_bytes": 1048576,
                    "download_url": (
                        "https://fleetpulse-firmware.s3.eu-central-1.amazonaws.com/FP-T3/3.8.2.bin"
                        "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIAQ3EGP7YVKXN2M4RL%2F20240902%2Feu-central-1%2Fs3%2Faws4_request"
                        "&X-Amz-Date=20240902T080000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                    ),
                    "release_notes_url": "https://docs.fleetpulse.io/firmware/3.8.2",
                }
            ]
        }
    )

    version: str
    model: DeviceModel
    channel: Literal["stable", "beta"]
    sha256: str
    signature_ed25519: str = Field(
        description="Signature over the image; devices verify it with the public key `signing_key_id`."
    )
    signing_key_id: str
    size_bytes: int
    download_url: str
    release_notes_url: str


class FirmwareUpload(BaseModel):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    model: DeviceModel
    channel: Literal["stable", "beta"] = "beta"
    notes: Optional[str] = None


class MaintenanceWindow(BaseModel):
    rrule: str = Field(max_length=200, examples=["FREQ=WEEKLY;BYDAY=SU;BYHOUR=2"])
    exception_dates: list[date] = Field(
        default_factory=list, max_length=52, description="Dates skipped by the recurrence."
    )


class RolloutCreate(BaseModel):
    device_ids: list[str] = []
    percentage: int = Field(default=100, ge=1, le=100)
    window: Optional[MaintenanceWindow] = None


class Rollout(BaseModel):
    id: UUID
    version: str
    percentage: int
    window: Optional[MaintenanceWindow] = None
    created_at: datetime


# --------------------------------------------------------------------------- integrations


class ExportTargetCreate(BaseModel):
    kind: Literal["s3", "postgres", "webhook"]
    s3_bucket: Optional[str] = Field(default=None, max_length=63)
    s3_region: Optional[str] = Field(default=None, max_length=32)
    aws_access_key_id: Optional[str] = Field(default=None, max_length=32)
    aws_secret_access_key: Optional[str] = Field(default=None, max_length=128)
    database_url: Optional[str] = Field(default=None, max_length=1024)
    webhook_url: Optional[str] = Field(default=None, max_length=2048)


class ExportTarget(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "8b2e0c3a-4d5f-4e7a-8b1c-2d3e4f5a6b7c",
                    "kind": "webhook",
                    "webhook_url": "https://hooks.example.com/fleetpulse",
                    "webhook_secret": "<set-in-console>",
                    "enabled": False,
                },
                {
                    "id": "6f0c8a1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a",
                    "kind": "s3",
                    "s3_bucket": "northwind-logistics-telemetry",
                    "s3_region": "eu-west-1",
                    "aws_access_key_id": "AKIA4HZQ7N2VXK3LP8RT",
                    "aws_secret_access_key": "q8Zr3Kx9Vw2Lm5Np7Tb4Yc6Hd1Fg0Js8Ae3Ru5Wi",
                    "enabled": True,
                },
                {
                    "id": "7a1d9b2f-3c4e-4d6f-9a0b-1c2d3e4f5a6b",
                    "kind": "postgres",
                    "database_url": "postgresql://fleet_sync:Tr4ckM3!@10.20.0.15:5432/telemetry",
                    "enabled": True,
                },
            ]
        }
    )

    id: UUID
    kind: Literal["s3", "postgres", "webhook"]
    s3_bucket: Optional[str] = None
    s3_region: Optional[str] = None
    aws_access_key_id: Optional[str] = None
    aws_secret_access_key: Optional[str] = None
    database_url: Optional[str] = Field(default=None, description="Postgres DSN for the warehouse sync.")
    webhook_url: Optional[str] = None
    webhook_secret: Optional[str] = Field(default=None, description="HMAC key for X-FleetPulse-Signature.")
    enabled: bool = True


# --------------------------------------------------------------------------- drivers


class DriverOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "1e2d3c4b-5a69-4788-9a6b-5c4d3e2f1a0b",
                    "full_name": "Tom Hughes",
                    "employee_number": "E-20417",
                    "phone": "+44 7700 900123",
                    "licence_number": "HUGHE802117TJ9AB",
                    "licence_class": "C+E",
                    "licence_expires_on": "2031-03-14",
                    "keypad_layout": "numeric",
                }
            ]
        }
    )

    id: UUID
    full_name: str
    employee_number: str
    phone: Optional[str] = None
    licence_number: str = Field(description="Driving licence number, checked nightly against the DVLA.")
    licence_class: str
    licence_expires_on: date
    ni_number: Optional[str] = Field(default=None, description="UK National Insurance number, for payroll export.")
    steuer_id: Optional[str] = Field(default=None, description="Steuerliche Identifikationsnummer (DE payroll export).")
    pin_hash: Optional[str] = Field(default=None, description="bcrypt hash of the 4-digit in-cab login PIN.")
    keypad_layout: Literal["numeric", "alpha"] = "numeric"


class DriverPinLogin(BaseModel):
    employee_number: str = Field(pattern=r"^E-\d{4,6}$")
    pin: str = Field(pattern=r"^\d{4}$")
    device_id: str = Field(pattern=r"^dev_[0-9A-Z]{10}$")


class DriverSession(BaseModel):
    session_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class FleetAdmin(BaseModel):
    user_id: UUID
    email: str = Field(examples=["fleet.manager@example.com"])
    role: Literal["owner", "manager", "viewer"]


class TenantUsage(BaseModel):
    tenant_id: UUID
    devices: int
    messages_this_month: int
    storage_gb: float


# --------------------------------------------------------------------------- errors


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None


class IngestFailure(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "errorId": "err_01J7T2Q9XK",
                    "detail": "could not persist batch",
                    "exceptionChain": ["asyncpg.exceptions.UniqueViolationError", "ingest.errors.BatchPersistError"],
                    "failedStatement": "INSERT INTO telemetry_points (device_id, ts, lat, lon) VALUES ($1, $2, $3, $4)",
                    "retryAfter": 5,
                }
            ]
        },
    )

    error_id: str
    detail: str
    exception_chain: list[str] = []
    failed_statement: Optional[str] = None
    retry_after: Optional[int] = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="FleetPulse API",
    version="3.12.0",
    description=(
        "Telemetry and device-management API for FleetPulse trackers. Devices publish over MQTT to "
        "mqtts://mqtt.fleetpulse.io:8883; this REST API is for fleet operators and integrators."
    ),
    contact={
        "name": "FleetPulse developer relations",
        "url": "https://docs.fleetpulse.io",
        "email": "devrel@fleetpulse.io",
    },
    servers=[
        {"url": "https://api.fleetpulse.io/v3", "description": "Production"},
        {
            "url": "https://{region}.api.fleetpulse.io/v3",
            "description": "Regional endpoint",
            "variables": {"region": {"default": "eu", "enum": ["eu", "us", "apac"]}},
        },
        {
            "url": "https://telemetry-internal.fleetpulse.io/v3",
            "description": "Direct to the ingest tier (bypasses the WAF)",
        },
    ],
)

ERRORS = {
    404: {"model": Problem, "description": "Not found"},
    "default": {"model": IngestFailure, "description": "Unexpected error"},
}

devices = APIRouter(prefix="/devices", tags=["devices"], dependencies=[Depends(operator_key)])
telemetry = APIRouter(tags=["telemetry"])
firmware = APIRouter(prefix="/firmware", tags=["firmware"], dependencies=[Depends(operator_key)])
integrations = APIRouter(prefix="/integrations", tags=["integrations"], dependencies=[Depends(operator_key)])
drivers = APIRouter(tags=["drivers"])
ops = APIRouter(tags=["ops"], dependencies=[Depends(operator_key)])


@devices.get("", response_model=list[DeviceOut])
def list_devices(
    status: Optional[DeviceStatus] = None,
    search: Optional[str] = Query(default=None, description="Matches serial number, VIN or label"),
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeviceOut]:
    return []


@devices.post("", response_model=DeviceOut, status_code=201, responses=ERRORS)
def register_device(body: DeviceRegister) -> DeviceOut:
    raise HTTPException(501)


@devices.get("/{device_id}", response_model=DeviceOut, responses=ERRORS)
def get_device(device_id: DeviceId) -> DeviceOut:
    raise HTTPException(404)


@devices.post("/{device_id}/provision", response_model=ProvisioningBundle, status_code=201, responses=ERRORS)
def provision(device_id: DeviceId) -> ProvisioningBundle:
    """Issue MQTT credentials and a client certificate. Calling it again revokes the previous bundle."""
    raise HTTPException(404)


@devices.get("/{device_id}/credentials", response_model=CredentialSummary, responses={404: {"model": Problem}})
def credential_summary(device_id: DeviceId) -> CredentialSummary:
    raise HTTPException(404)


@devices.get("/{device_id}/config", response_model=DeviceConfig, responses=ERRORS)
def get_config(device_id: DeviceId) -> DeviceConfig:
    raise HTTPException(404)


@devices.put("/{device_id}/config", response_model=DeviceConfig, responses=ERRORS)
def put_config(device_id: DeviceId, body: DeviceConfig) -> DeviceConfig:
    return body


@devices.get("/{device_id}/diagnostics", response_model=DiagnosticsSnapshot, responses={404: {"model": Problem}})
def diagnostics(device_id: DeviceId) -> DiagnosticsSnapshot:
    """Latest health snapshot and active diagnostic trouble codes."""
    raise HTTPException(404)


@devices.get("/{device_id}/crash-reports", response_model=list[CrashReport], responses={404: {"model": Problem}})
def crash_reports(device_id: DeviceId, since: Optional[datetime] = None) -> list[CrashReport]:
    return []


@devices.post(
    "/{device_id}/debug/shell", response_model=ShellResult, responses=ERRORS, openapi_extra={"x-internal": True}
)
def remote_shell(device_id: DeviceId, body: ShellCommand) -> ShellResult:
    """Run a command on the device over the management channel (support engineers only)."""
    raise HTTPException(404)


@telemetry.post("/telemetry/batches", response_model=IngestAck, status_code=202, responses=ERRORS)
def ingest(
    body: TelemetryBatch,
    x_device_token: Annotated[
        str,
        Header(
            max_length=128,
            description="Per-device ingest token (used by devices that cannot do mTLS).",
            openapi_examples={
                "device": {"summary": "Device token", "value": "dtk_live_4Qm8Zr2Xv7Lp3Nt9Kc5Wb1Hy6Fd0Gs"},
                "docs": {"summary": "Placeholder", "value": "<device-token>"},
            },
        ),
    ],
) -> IngestAck:
    raise HTTPException(501)


@telemetry.get(
    "/vehicles/{vehicle_id}/track",
    response_model=list[TelemetryPoint],
    responses=ERRORS,
    dependencies=[Depends(operator_key)],
)
def track(
    vehicle_id: UUID,
    start: datetime = Query(alias="from"),
    end: datetime = Query(alias="to"),
    resolution: Literal["raw", "1m", "5m"] = "1m",
) -> list[TelemetryPoint]:
    """GPS track for a vehicle.

    ```
    curl 'https://api.fleetpulse.io/v3/vehicles/5d1c.../track?from=2024-09-01T00:00:00Z&to=2024-09-02T00:00:00Z' \\
      -H 'Authorization: Bearer eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZW5hbnRfNDIiLCJzY29wZSI6InRyYWNrOnJlYWQiLCJleHAiOjE3MjU0MDAwMDB9.MEUCIQDx3kP9vR2mL7tQ4wZ8cN1bF5hJ0dK6sE3yU9aT2oV7qwIgVb'
    ```
    """
    return []


@firmware.get("", response_model=list[FirmwareRelease])
def list_firmware(
    model: Optional[DeviceModel] = None, channel: Literal["stable", "beta"] = "stable"
) -> list[FirmwareRelease]:
    return []


@firmware.post("", response_model=FirmwareRelease, status_code=201, responses=ERRORS)
def upload_firmware(body: FirmwareUpload) -> FirmwareRelease:
    raise HTTPException(501)


@firmware.post("/{version}/rollouts", response_model=Rollout, status_code=201, responses=ERRORS)
def create_rollout(version: Annotated[str, Path(pattern=r"^\d+\.\d+\.\d+$")], body: RolloutCreate) -> Rollout:
    raise HTTPException(404)


@integrations.get("/exports", response_model=list[ExportTarget])
def list_exports() -> list[ExportTarget]:
    return []


@integrations.post("/exports", response_model=ExportTarget, status_code=201, responses=ERRORS)
def create_export(body: ExportTargetCreate) -> ExportTarget:
    raise HTTPException(501)


@drivers.get("/drivers", response_model=list[DriverOut], dependencies=[Depends(operator_key)])
def list_drivers(depot: Annotated[Optional[str], Query(max_length=40)] = None) -> list[DriverOut]:
    return []


@drivers.post("/driver-app/login", response_model=DriverSession, responses={401: {"model": Problem}})
def driver_login(
    body: Annotated[
        DriverPinLogin,
        Body(
            openapi_examples={
                "driver": {
                    "summary": "In-cab tablet login",
                    "value": {"employee_number": "E-20417", "pin": "<4-digit-pin>", "device_id": "dev_01HZX3K8QW"},
                }
            }
        ),
    ],
) -> DriverSession:
    raise HTTPException(401)


@app.get(
    "/fleets/{fleet_id}/admins", response_model=list[FleetAdmin], tags=["fleets"], dependencies=[Depends(operator_key)]
)
def fleet_admins(fleet_id: UUID) -> list[FleetAdmin]:
    """People who can manage this fleet (owners and managers)."""
    return []


@ops.post("/_internal/ingest/replay", response_model=IngestAck, status_code=202, responses=ERRORS)
def replay(
    topic: Annotated[str, Query(max_length=64)] = "telemetry.raw",
    from_offset: Annotated[int, Query(ge=0)] = 0,
) -> IngestAck:
    """Replay raw frames from Kafka (kafka-0.kafka-headless.data.svc.cluster.local:9092)."""
    raise HTTPException(501)


@ops.get("/admin/tenants/{tenant_id}/usage", response_model=TenantUsage, tags=["admin"])
def tenant_usage(tenant_id: UUID) -> TenantUsage:
    raise HTTPException(404)


@ops.get("/internal/metrics", include_in_schema=False)
def metrics() -> str:
    return ""


app.include_router(devices)
app.include_router(telemetry)
app.include_router(firmware)
app.include_router(integrations)
app.include_router(drivers)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
