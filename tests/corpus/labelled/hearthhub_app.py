"""HearthHub: cloud + local API for the HearthHub smart-home hub.

Devices (Zigbee / Z-Wave / Thread / Matter), firmware and OTA, hub pairing,
camera streams, voice-assistant links and the installer portal.

Generate the OpenAPI document with:  python hearthhub_app.py > hearthhub.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import PlainTextResponse, Response
from fastapi.security import OAuth2AuthorizationCodeBearer
from pydantic import BaseModel, ConfigDict, Field, computed_field

oauth = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://auth.hearthhub.io/oauth2/authorize",
    tokenUrl="https://auth.hearthhub.io/oauth2/token",
    scopes={"devices": "Control devices", "cameras": "View cameras", "installer": "Installer portal"},
)

T = TypeVar("T")

HubId = Annotated[str, Path(pattern=r"^HH[0-9]-[0-9A-F]{4}-[0-9]{4}$", description="Hub serial, e.g. `HH2-4F2A-9931`.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: Optional[str] = None


# --------------------------------------------------------------------------- devices


class DeviceKind(str, Enum):
    thermostat = "thermostat"
    smart_lock = "smart_lock"
    camera = "camera"
    plug = "plug"
    contact_sensor = "contact_sensor"
    smoke_alarm = "smoke_alarm"


class DeviceOut(BaseModel):
    device_id: UUID
    hub_id: str
    name: str
    room: Optional[str] = None
    kind: DeviceKind
    protocol: Literal["zigbee", "zwave", "thread", "wifi", "matter"]
    firmware_version: str = Field(examples=["10.2.7"])
    lan_ip: Optional[str] = Field(
        default=None, examples=["192.168.1.42"], description="Last DHCP lease reported by the hub (Wi-Fi devices only)."
    )
    mac_address: Optional[str] = None
    battery_pct: Optional[int] = None
    keypad_lockout_enabled: bool = False
    last_seen_at: Optional[datetime] = None


class DeviceSettings(BaseModel):
    debug_logging: bool = Field(default=False, description="Verbose on-device logging, for support sessions.")
    auto_lock_seconds: Optional[int] = Field(default=None, ge=0, le=3600)
    led_brightness: int = Field(default=60, ge=0, le=100)
    keypad_beep: bool = True
    temperature_unit: Literal["C", "F"] = "C"


class DeviceCommand(BaseModel):
    command: Literal["lock", "unlock", "set_temperature", "on", "off", "identify"]
    args: dict[str, Union[int, float, str, bool]] = {}


class CommandAccepted(BaseModel):
    command_id: UUID
    status: Literal["queued", "sent", "acked"]


class AccessSchedule(BaseModel):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(max_length=7)
    start: time
    end: time
    exception_dates: list[date] = Field(
        default=[], max_length=50, description="Days on which the schedule does not apply (bank holidays)."
    )


class LockCodeCreate(BaseModel):
    slot: int = Field(ge=1, le=30)
    label: str = Field(max_length=40)
    pin: str = Field(pattern=r"^\d{4,8}$", description="Keypad PIN. Hashed on the hub; never returned.")
    schedule: Optional[AccessSchedule] = None


class LockCodeSlot(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slot": 3,
                    "label": "Dog walker",
                    "pin_hash": "$2b$10$Xy7kQ2pLm9vN3rT8wZ4cHe5dF1gJ6sA0uB2iK8oP4yR7tM3nQ9wLe",
                    "code_length": 6,
                    "created_by": "owner",
                }
            ]
        }
    )

    slot: int
    label: str
    pin_hash: str = Field(description="bcrypt hash of the keypad PIN, as synced to the lock.")
    code_length: int
    schedule: Optional[AccessSchedule] = None
    created_by: Literal["owner", "member", "installer"]


# --------------------------------------------------------------------------- hubs


class ZigbeeNetwork(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "channel": 15,
                    "pan_id": "0x1A62",
                    "extended_pan_id": "dd7f12004ba3910c",
                    "network_key": "5fc8ac8cf7e962900da094f283fa2276",
                }
            ]
        }
    )

    channel: int = Field(ge=11, le=26)
    pan_id: str = Field(description="16-bit Zigbee PAN id of the hub's network.")
    extended_pan_id: str
    network_key: str = Field(description="128-bit AES network key (hex), needed to re-form the mesh after a hub swap.")


class ThreadNetwork(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "network_name": "HearthHub-4F2A",
                    "channel": 20,
                    "pan_id": "0x4f2a",
                    "border_router_addr": "fd7a:31c2:9e44:0:4c1e:8ff:fe21:93b0",
                }
            ]
        }
    )

    network_name: str
    channel: int
    pan_id: str
    border_router_addr: Optional[str] = None


class HubOut(BaseModel):
    hub_id: str
    model: Literal["HH-200", "HH-210", "HH-300"]
    firmware_version: str
    online: bool
    zigbee: Optional[ZigbeeNetwork] = None
    thread: Optional[ThreadNetwork] = None
    owner_user_id: UUID


class WifiCredentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ssid": "Kowalski-Home-5G", "psk": "Maple-Kitchen-2291", "security": "wpa2", "hidden": False}]
        }
    )

    ssid: str = Field(max_length=32)
    psk: str = Field(min_length=8, max_length=63, description="WPA pre-shared key (the Wi-Fi password).")
    security: Literal["wpa2", "wpa3", "wpa2_wpa3"] = "wpa2"
    hidden: bool = False

    @computed_field
    @property
    def security_label(self) -> str:
        return {"wpa2": "WPA2-Personal", "wpa3": "WPA3-SAE", "wpa2_wpa3": "WPA2/WPA3 transition"}[self.security]


class MqttBridge(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "broker_uri": "mqtt://homeassistant:Lk29!fpzQ@192.168.1.20:1883",
                    "base_topic": "hearthhub/4f2a",
                    "retain": True,
                    "tls": False,
                }
            ]
        }
    )

    broker_uri: str = Field(description="Broker connection URI; the broker account is embedded in the userinfo part.")
    base_topic: str
    retain: bool = False
    tls: bool = True


class MatterFabric(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"fabric_id": "0x0000000012A4F9C1", "vendor_id": 65521, "node_id": "0x00000000000001F4"}]
        }
    )

    fabric_id: str
    vendor_id: int
    node_id: str


class IntegrationConfig(BaseModel):
    enabled: bool
    mqtt: Optional[MqttBridge] = None
    matter: Optional[MatterFabric] = None


class PairingRequest(BaseModel):
    mode: Literal["zigbee", "zwave", "thread", "matter"]
    duration_s: int = Field(default=120, ge=10, le=254)


class PairingSession(BaseModel):
    """Opens the hub's join window. `pairing_token` is shown to the companion app once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": "ps_7d21",
                    "pairing_token": "<pairing-token>",
                    "expires_at": "2024-05-01T08:02:00Z",
                }
            ]
        }
    )

    session_id: str
    pairing_token: str
    expires_at: datetime


class HeartbeatIn(BaseModel):
    uptime_s: int = Field(ge=0, le=10**9)
    firmware_version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    rssi: int = Field(ge=-120, le=0)


class HeartbeatAck(BaseModel):
    server_time: datetime
    next_checkin_s: int
    token_bucket_remaining: int = Field(description="Remaining burst capacity of the hub's command rate limiter.")


# --------------------------------------------------------------------------- users & links


class UserProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": "0f5c2a9e-1b7d-4c3e-9a8f-6d2e1b0c7a54",
                    "email": "owner@example.net",
                    "display_name": "Marta K.",
                    "home_timezone": "Europe/Warsaw",
                    "mfa_enabled": True,
                    "alarm_passcode_enabled": True,
                }
            ]
        }
    )

    user_id: UUID
    email: str
    display_name: str
    home_timezone: str
    mfa_enabled: bool = False
    alarm_passcode_enabled: bool = Field(
        default=False, description="Whether disarming the alarm requires the household passcode."
    )
    created_at: Optional[datetime] = None


class LinkedService(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "service": "alexa",
                    "linked_at": "2023-11-20T18:30:00Z",
                    "scopes": ["alexa::devices:all:read", "alexa::devices:all:control"],
                    "account_label": "Kitchen Echo",
                    "oauth_refresh_token": "Atzr|IwEBIA7xQ2Lm9pKf3Rt8Vz1Nc6Hb4Jd0Ws5Ye2Ug7Ko3Pq9Mi1Lh8Gf4Dx6Cs2Ba0",
                }
            ]
        }
    )

    service: Literal["alexa", "google_home", "ifttt", "smartthings"]
    linked_at: datetime
    scopes: list[str]
    account_label: Optional[str] = None
    oauth_refresh_token: str = Field(description="Refresh token we hold for the partner's account-linking grant.")


class ApiTokenCreate(BaseModel):
    name: str = Field(max_length=60)
    scopes: list[Literal["devices", "cameras", "installer"]] = Field(max_length=3)


class ApiTokenCreated(BaseModel):
    """Personal access token. The full token is only returned by this call."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token_id": "pat_51b0",
                    "name": "home-assistant",
                    "token": "hhpat_9Zq4Kx2Lm7Rv3Nc8Tw1Bp6Yd0Fs5GhE",
                    "token_hint": "5GhE",
                }
            ]
        }
    )

    token_id: str
    name: str
    token: str
    token_hint: str = Field(description="Last four characters of the token.")


class ApiTokenSummary(BaseModel):
    token_id: str
    name: str
    token_hint: str
    last_used_at: Optional[datetime] = None


class ApiLimits(BaseModel):
    token_bucket_capacity: int = Field(description="Burst size of the per-user request token bucket.")
    token_refill_per_second: float
    key_count: int = Field(description="Personal access tokens currently active.")
    max_devices: int


# --------------------------------------------------------------------------- cameras


class CameraOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "camera_id": "7d1e4b2a-90c3-4f5e-8a17-2b6c9d0e3f41",
                    "name": "Driveway",
                    "model": "HH-Cam Pro 2",
                    "resolution": "2k",
                    "privacy_shutter_closed": False,
                    "local_rtsp_url": "rtsp://admin:Cam2291!drv@192.168.1.64:554/Streaming/Channels/101",
                    "onvif_username": "admin",
                    "last_snapshot_url": "https://snapshots.hearthhub.io/cam/7d1e/latest.jpg?Expires=1714550700&Signature=Hk3Xq9vLm2Rz7Tb4Nc8Wp1Yd6Fs0Gj5Ua2Ke9Mi3Lh7Qo4Bx8Cv1Dn6Sw0Ry5Tz2Pe7Af3Gu9Hj1Ki4Lo8Mp2Nq6Rs0Tu5Vw9Xy3Zb7Ac1De5Fg~&Key-Pair-Id=K2JCJMDEHXQW5F",
                    "motion_sensitivity": 6,
                }
            ]
        }
    )

    camera_id: UUID
    name: str
    model: str
    resolution: Literal["1080p", "2k", "4k"]
    privacy_shutter_closed: bool = False
    local_rtsp_url: Optional[str] = Field(
        default=None, description="RTSP URL on the home network, with the camera's ONVIF account embedded."
    )
    onvif_username: Optional[str] = None
    last_snapshot_url: Optional[str] = Field(
        default=None, description="Signed CDN link to the latest snapshot, valid for 15 minutes."
    )
    motion_sensitivity: int = Field(default=5, ge=1, le=10)


class StreamSessionRequest(BaseModel):
    quality: Literal["auto", "hd", "sd"] = "auto"
    max_duration_s: int = Field(default=600, ge=30, le=3600)


class StreamSession(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "session_id": "ss_81b2",
                    "hls_url": "https://stream.hearthhub.io/live/ss_81b2/index.m3u8",
                    "stream_token": "<stream-token>",
                    "expires_at": "2024-05-01T08:10:00Z",
                }
            ]
        }
    )

    session_id: str
    hls_url: str
    stream_token: str = Field(description="Bearer for the HLS edge; valid for this session only.")
    expires_at: datetime


class PrivacyZone(BaseModel):
    zone_id: str
    label: Optional[str] = None
    polygon: list[list[float]] = Field(description="Normalised (0..1) x/y vertices masked out of recordings.")


# --------------------------------------------------------------------------- firmware


class FirmwareRelease(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": "10.2.7",
                    "channel": "stable",
                    "hw_models": ["HH-200", "HH-210"],
                    "sha256": "5fa951923ffc853ec7f79bb844a7005c2f4d55ae7ebfd0230d56c0a1da8c730e",
                    "signature": "sB/LkIEbnTGrvveaYJGIhdmJXxJm83GcCepSMDpIDGUSe6AEQApDb4lSLaeuhIijAQ2XiyaaAdlZymWzqNOQyw==",
                    "signing_key_id": "fw-ed25519-2024a",
                    "download_url": "https://cdn.hearthhub.io/fw/hh-200/10.2.7/hub.bin",
                    "release_notes": "Fixes Zigbee rejoin after power loss.",
                    "mandatory": False,
                }
            ]
        }
    )

    version: str
    channel: Literal["stable", "beta", "canary"]
    hw_models: list[str]
    sha256: str
    signature: str = Field(description="Ed25519 signature over the image, base64.")
    signing_key_id: str
    download_url: str
    release_notes: Optional[str] = None
    mandatory: bool = False


class FirmwareReleaseCreate(BaseModel):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    channel: Literal["stable", "beta", "canary"]
    hw_models: list[str]
    notes: Optional[str] = None
    rollout_pct: int = Field(default=5, ge=0)
    artifact_upload_id: UUID


class SigningKey(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": "fw-ed25519-2024a",
                    "algorithm": "ed25519",
                    "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAIUktrDEPDMuct+j5/t8/ZgcYehar3olyeNdbx/RjBHI=\n-----END PUBLIC KEY-----",
                    "private_key_pem": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPfFq/64IUr6ZAqpLgtxyHJ++v9WWLp7O1AFwsVkG93t\n-----END PRIVATE KEY-----",
                    "created_at": "2024-01-08T00:00:00Z",
                    "retired": False,
                }
            ]
        }
    )

    key_id: str
    algorithm: Literal["ed25519"] = "ed25519"
    public_key_pem: str
    private_key_pem: str
    created_at: datetime
    retired: bool = False


class OtaRolloutRequest(BaseModel):
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    percent: int = Field(ge=0, le=100)
    cohort: Literal["all", "beta_testers", "installers"] = "all"


class TelemetryPoint(BaseModel):
    device_id: UUID
    metric: str = Field(max_length=64)
    value: float
    ts: datetime


class MqttEcho(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "topic": "hh/4f2a/state",
                    "payload": '{"armed": false}',
                    "broker": "emqx-0.emqx-headless.mqtt.svc.cluster.local:1883",
                }
            ]
        }
    )

    topic: str
    payload: str
    broker: str


# --------------------------------------------------------------------------- installer


class InstallerProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "installer_id": "inst_0931",
                    "company_name": "Brightwire Electrical Ltd",
                    "contractor_license_no": "NICEIC-604218",
                    "region": "Yorkshire",
                    "installer_pin_hash": "pbkdf2_sha256$600000$Jw2cQm8xTz$yX4kN7pL2vR9sB3wQ6hF1dG8jK0mZ5cT4uA7eI2oP9Y=",
                    "certifications": ["HH-Pro Level 2"],
                }
            ]
        }
    )

    installer_id: str
    company_name: str
    contractor_license_no: Optional[str] = Field(
        default=None, description="Public trade-body registration (e.g. NICEIC, NAPIT)."
    )
    region: str
    installer_pin_hash: str = Field(description="PBKDF2 hash of the installer's six-digit service PIN.")
    certifications: list[str] = []


class InstallJob(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job_id": "job_22817",
                    "scheduled_for": "2024-05-03T09:00:00Z",
                    "address_line": "14 Larch Avenue",
                    "postcode": "LS6 2QT",
                    "customer_name": "Dana Whitfield",
                    "customer_phone": "+44 7811 203957",
                    "customer_email": "dana.whitfield@icloud.com",
                    "hub_serial": "HH2-4F2A-9931",
                    "notes": "Side gate, dog on premises",
                },
                {
                    "job_id": "job_22818",
                    "scheduled_for": "2024-05-03T13:00:00Z",
                    "address_line": "2 Mill Lane",
                    "postcode": "LS6 1AB",
                    "customer_name": "Sam Taylor",
                    "customer_phone": "07700 900461",
                    "customer_email": "sam.taylor@example.org",
                    "hub_serial": "HH2-77C1-0042",
                    "notes": None,
                },
            ]
        }
    )

    job_id: str
    scheduled_for: datetime
    address_line: str
    postcode: str
    customer_name: str
    customer_phone: Optional[str] = None
    customer_email: Optional[str] = None
    hub_serial: Optional[str] = None
    notes: Optional[str] = None


class LanInfo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hub_ip": "192.168.1.10",
                    "gateway_ip": "192.168.1.1",
                    "dns_servers": ["1.1.1.1", "9.9.9.9"],
                    "mdns_name": "hearthhub-4f2a.local",
                    "link_local_fallback": "169.254.37.112",
                }
            ]
        }
    )

    hub_ip: Optional[str] = None
    gateway_ip: Optional[str] = None
    dns_servers: list[str] = []
    mdns_name: Optional[str] = None
    link_local_fallback: Optional[str] = Field(default=None, description="Address self-assigned when DHCP fails.")


class HubDiagnostics(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"uptime_s": 864000, "debug_level": "off", "wan_state": "up", "ntp_server": "time.cloudflare.com"}
            ]
        }
    )

    uptime_s: int
    debug_level: Literal["off", "info", "verbose"] = Field(default="off", description="Hub log verbosity.")
    wan_state: Literal["up", "down", "captive"]
    lan: Optional[LanInfo] = None
    ntp_server: Optional[str] = None


class InstallerTool(BaseModel):
    name: str
    url: str
    description: Optional[str] = None


# --------------------------------------------------------------------------- errors


class HubError(BaseModel):
    error: str = Field(examples=["hub_offline"])
    message: str
    hint: Optional[str] = None
    request_id: str


class DeviceCommandFailure(BaseModel):
    error_code: str = Field(examples=["device_timeout"])
    message: str
    device_id: Optional[UUID] = None
    request_id: str
    exc_repr: Optional[str] = Field(
        default=None, examples=["TimeoutError('zigbee: no ACK from 0x1a62 after 3 retries')"]
    )
    exception_chain: list[str] = Field(default=[], description="Chained exceptions, innermost last.")
    src_file: Optional[str] = None
    src_line: Optional[int] = None


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="HearthHub API",
    version="4.3.0",
    description=(
        "Cloud and local API for HearthHub hubs and the devices paired to them. IPv6 samples "
        "use the 2001:db8::/32 documentation prefix. Security reports: https://hearthhub.io/security"
    ),
    contact={"name": "HearthHub Platform", "email": "platform@hearthhub.io"},
    servers=[
        {"url": "https://api.hearthhub.io/v1", "description": "Cloud API"},
        {"url": "https://api.eu.hearthhub.io/v1", "description": "EU data residency"},
        {"url": "http://localhost:8123/v1", "description": "Hub simulator (`hh-sim`)"},
        {"url": "http://hearthhub-hub.local:8080/v1", "description": "On-LAN hub API, discovered over mDNS"},
    ],
)

ERR = {400: {"model": HubError}, 404: {"model": HubError}}
DEVICE_ERR = {
    **ERR,
    502: {"model": DeviceCommandFailure, "description": "Hub or device rejected the command"},
    504: {"model": DeviceCommandFailure, "description": "Device did not answer"},
}

secured = [Depends(oauth)]
devices = APIRouter(prefix="/devices", tags=["devices"], dependencies=secured)
hubs = APIRouter(prefix="/hubs", tags=["hubs"], dependencies=secured)
me = APIRouter(prefix="/me", tags=["account"], dependencies=secured)
cameras = APIRouter(prefix="/cameras", tags=["cameras"], dependencies=secured)
firmware = APIRouter(tags=["firmware"], dependencies=secured)
installer = APIRouter(prefix="/installer", tags=["installer"], dependencies=secured)
plumbing = APIRouter(tags=["internal"])


@devices.get("", response_model=Page[DeviceOut])
def list_devices(
    hub_id: Optional[str] = Query(default=None, pattern=r"^HH[0-9]-[0-9A-F]{4}-[0-9]{4}$"),
    kind: Optional[DeviceKind] = None,
    room: Optional[str] = Query(default=None, description="Room name, case-insensitive."),
    cursor: Optional[str] = Query(default=None, max_length=128),
) -> Page[DeviceOut]:
    return Page[DeviceOut](items=[])


@devices.get("/{device_id}", response_model=DeviceOut, responses=ERR)
def get_device(device_id: UUID) -> DeviceOut:
    raise HTTPException(404)


@devices.get("/{device_id}/settings", response_model=DeviceSettings, responses=ERR)
def get_device_settings(device_id: UUID) -> DeviceSettings:
    raise HTTPException(404)


@devices.put("/{device_id}/settings", response_model=DeviceSettings, responses=DEVICE_ERR)
def put_device_settings(device_id: UUID, body: DeviceSettings) -> DeviceSettings:
    return body


@devices.post("/{device_id}/commands", response_model=CommandAccepted, status_code=202, responses=DEVICE_ERR)
def send_command(device_id: UUID, body: DeviceCommand) -> CommandAccepted:
    raise HTTPException(504)


@devices.get("/{device_id}/lock/codes", response_model=list[LockCodeSlot], responses=ERR)
def list_lock_codes(device_id: UUID) -> list[LockCodeSlot]:
    return []


@devices.post("/{device_id}/lock/codes", response_model=LockCodeSlot, status_code=201, responses=DEVICE_ERR)
def add_lock_code(device_id: UUID, body: LockCodeCreate) -> LockCodeSlot:
    raise HTTPException(504)


@devices.get("/{device_id}/debug-log", response_class=PlainTextResponse, responses=ERR)
def device_debug_log(device_id: UUID, lines: Annotated[int, Query(ge=1, le=5000)] = 500) -> str:
    """Download the device's rolling log so you can attach it to a support ticket."""
    return ""


@hubs.get("/{hub_id}", response_model=HubOut, responses=ERR)
def get_hub(hub_id: HubId) -> HubOut:
    raise HTTPException(404)


@hubs.get("/{hub_id}/wifi", response_model=WifiCredentials, responses=ERR)
def get_hub_wifi(hub_id: HubId) -> WifiCredentials:
    """Wi-Fi network the hub joins (used by the app's 'move hub to new router' flow)."""
    raise HTTPException(404)


@hubs.put("/{hub_id}/wifi", response_model=WifiCredentials, responses=ERR)
def put_hub_wifi(hub_id: HubId, body: WifiCredentials) -> WifiCredentials:
    return body


@hubs.get("/{hub_id}/integrations", response_model=dict[str, IntegrationConfig], responses=ERR)
def hub_integrations(hub_id: HubId) -> dict[str, IntegrationConfig]:
    """Local integrations keyed by name (`mqtt`, `matter`)."""
    return {}


@hubs.post("/{hub_id}/pairing-sessions", response_model=PairingSession, status_code=201, responses=ERR)
def open_pairing(hub_id: HubId, body: PairingRequest) -> PairingSession:
    raise HTTPException(404)


@hubs.post("/{hub_id}/heartbeat", response_model=HeartbeatAck, tags=["hub-agent"])
def heartbeat(
    hub_id: HubId,
    body: HeartbeatIn,
    x_hub_secret: Annotated[str, Header(max_length=64)] = "hhsec_4c1f9a0e7b3d2c5f8a6e1d9b0c7f3a2e",
) -> HeartbeatAck:
    """Called by the hub agent every 60 s."""
    raise HTTPException(501)


@me.get("", response_model=UserProfile)
def read_me() -> UserProfile:
    raise HTTPException(401)


@me.get("/linked-services", response_model=list[LinkedService])
def linked_services() -> list[LinkedService]:
    """Voice assistants and automation services linked to this household."""
    return []


@me.post("/api-tokens", response_model=ApiTokenCreated, status_code=201)
def create_api_token(body: ApiTokenCreate) -> ApiTokenCreated:
    raise HTTPException(501)


@me.get("/api-tokens", response_model=list[ApiTokenSummary])
def list_api_tokens() -> list[ApiTokenSummary]:
    return []


@me.get("/limits", response_model=ApiLimits)
def limits() -> ApiLimits:
    return ApiLimits(token_bucket_capacity=120, token_refill_per_second=2.0, key_count=0, max_devices=200)


@cameras.get("", response_model=list[CameraOut])
def list_cameras() -> list[CameraOut]:
    return []


@cameras.get("/{camera_id}", response_model=CameraOut, responses=ERR)
def get_camera(camera_id: UUID) -> CameraOut:
    raise HTTPException(404)


@cameras.post("/{camera_id}/stream-sessions", response_model=StreamSession, status_code=201, responses=ERR)
def start_stream(camera_id: UUID, body: StreamSessionRequest) -> StreamSession:
    raise HTTPException(404)


@cameras.get(
    "/{camera_id}/snapshot",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "Latest JPEG frame"}, **ERR},
)
def snapshot(
    camera_id: UUID,
    access_token: Annotated[
        Optional[str],
        Query(
            max_length=512,
            description="Alternative to the Authorization header, for <img> tags.",
            openapi_examples={
                "widget": {
                    "summary": "Token embedded by the dashboard widget",
                    "value": "hhat_1f9Kq3Lz8Xw2Mv7Pn4Rb6Ty0Uc5JdGPVS",
                },
                "placeholder": {"summary": "Your token", "value": "<access-token>"},
            },
        ),
    ] = None,
) -> Response:
    raise HTTPException(404)


@cameras.get("/{camera_id}/privacy-zones", response_model=list[PrivacyZone], responses=ERR)
def privacy_zones(camera_id: UUID) -> list[PrivacyZone]:
    """Regions blacked out of live view and recordings."""
    return []


@firmware.get("/firmware/releases", response_model=list[FirmwareRelease])
def firmware_releases(
    channel: Literal["stable", "beta", "canary"] = "stable",
    hw_model: Optional[Literal["HH-200", "HH-210", "HH-300"]] = None,
) -> list[FirmwareRelease]:
    return []


@firmware.post("/admin/firmware/releases", response_model=FirmwareRelease, status_code=201, tags=["admin"])
def publish_release(body: FirmwareReleaseCreate) -> FirmwareRelease:
    raise HTTPException(501)


@firmware.get("/admin/firmware/signing-keys", response_model=list[SigningKey], tags=["admin"])
def signing_keys() -> list[SigningKey]:
    return []


@installer.get("/me", response_model=InstallerProfile)
def installer_me() -> InstallerProfile:
    raise HTTPException(401)


@installer.get("/jobs", response_model=list[InstallJob])
def installer_jobs(
    day: Optional[date] = None,
    status: Optional[Literal["scheduled", "in_progress", "done", "cancelled"]] = None,
    postcode_prefix: Optional[str] = Query(default=None, description="Outward code, e.g. `LS6`."),
) -> list[InstallJob]:
    return []


@installer.get("/hubs/{hub_id}/diagnostics", response_model=HubDiagnostics, responses=ERR)
def hub_diagnostics(hub_id: HubId) -> HubDiagnostics:
    raise HTTPException(404)


@installer.post("/hubs/{hub_id}/factory-reset", status_code=202, responses=ERR)
def factory_reset(hub_id: HubId) -> None:
    """Wipe the hub and return it to setup mode.

    After the reset the hub's local web UI accepts the factory login `installer` / `hh-setup-2291`
    until the new owner claims it in the app.
    """


@installer.get("/admin-tools", response_model=list[InstallerTool])
def installer_admin_tools() -> list[InstallerTool]:
    """Links to the installer toolbox (Zigbee sniffer guide, signal survey sheet, ...)."""
    return []


@plumbing.post("/internal/ota/rollout", status_code=202)
def ota_rollout(body: OtaRolloutRequest) -> None:
    """Push a rollout plan to ota-orchestrator.ota.svc.cluster.local, which fans it out over MQTT."""


@plumbing.get("/debug/mqtt/echo", response_model=MqttEcho)
def mqtt_echo(topic: str) -> MqttEcho:
    """Publish a probe on `topic` and return what the broker echoes back."""
    raise HTTPException(501)


@plumbing.post("/private/telemetry/ingest", status_code=204)
def ingest_telemetry(points: list[TelemetryPoint]) -> None:
    pass


app.include_router(devices)
app.include_router(hubs)
app.include_router(me)
app.include_router(cameras)
app.include_router(firmware)
app.include_router(installer)
app.include_router(plumbing)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
