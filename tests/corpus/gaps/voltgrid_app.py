"""VoltGrid: public EV charging network (CPO) - charge points, RFID, OCPI roaming, tariffs, billing, field tools.

Generate the OpenAPI document with:  python voltgrid_app.py > voltgrid.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Path, Query
from fastapi.security import APIKeyHeader, HTTPBasic, OpenIdConnect
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

cp_basic = HTTPBasic(
    scheme_name="ChargePointBasic",
    description="OCPP security profile 1/2: the station authenticates with its charge box id and AuthorizationKey.",
)
ocpi_token = APIKeyHeader(
    name="Authorization",
    scheme_name="OcpiToken",
    description="OCPI 2.2.1: `Authorization: Token <base64 credentials token>`.",
)
field_oidc = OpenIdConnect(
    openIdConnectUrl="https://idp.voltgrid-internal.net/realms/field-techs/.well-known/openid-configuration",
    scheme_name="FieldTechOIDC",
)

CHARGE_BOX_ID = Path(pattern=r"^[A-Z0-9-]{4,36}$", examples=["VG-DE-BER-00412"])


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --------------------------------------------------------------------------- charge points (OCPP-style camelCase)


class ConnectorStatus(CamelModel):
    """Last StatusNotification received for a connector."""

    connector_id: int = Field(ge=0, le=16)
    status: Literal["Available", "Preparing", "Charging", "SuspendedEV", "Finishing", "Faulted", "Unavailable"]
    error_code: Literal[
        "NoError", "GroundFailure", "OverCurrentFailure", "ConnectorLockFailure", "InternalError", "OtherError"
    ] = Field(default="NoError", description="OCPP ChargePointErrorCode reported by the station.")
    vendor_error_code: str | None = Field(default=None, examples=["E-1042"])
    info: str | None = None


class OcppConfigValue(CamelModel):
    value: str | None = None
    readonly: bool = False


class SiteNetwork(BaseModel):
    """Site router details as recorded by the commissioning tool (PascalCase, legacy)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "RouterModel": "Teltonika RUTX11",
                    "GatewayIp": "192.168.50.1",
                    "WifiSsid": "VG-DEPOT-CHARGERS",
                    "WifiPsk": "Depot!Charge#2291",
                    "RouterAdminUser": "vgadmin",
                    "RouterAdminPassword": "Rut-9x4-Vg77",
                }
            ]
        }
    )

    RouterModel: str
    GatewayIp: str
    WifiSsid: str | None = None
    WifiPsk: str | None = Field(default=None, description="WPA2 passphrase of the chargers' Wi-Fi.")
    RouterAdminUser: str | None = None
    RouterAdminPassword: str | None = None
    SimIccid: str | None = None


class SiteSummary(CamelModel):
    site_id: UUID
    name: str
    city: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    network: SiteNetwork | None = None


class ChargePointOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "chargeBoxId": "VG-DE-BER-00412",
                    "vendor": "ABB",
                    "model": "Terra AC W22-T-RD-M-0",
                    "firmwareVersion": "1.8.33",
                    "ocppVersion": "1.6J",
                    "securityProfile": 2,
                    "basicAuthPassword": "********",
                    "configuration": {
                        "HeartbeatInterval": {"value": "300", "readonly": False},
                        "MeterValueSampleInterval": {"value": "60", "readonly": False},
                        "LocalAuthListEnabled": {"value": "true", "readonly": False},
                    },
                    "lastKnownIp": "10.64.18.33",
                    "ipv6Address": "fd4e:2a91:7c03:1::1b",
                    "lastHeartbeatAt": "2024-06-11T07:59:12Z",
                }
            ]
        }
    )

    charge_box_id: str
    vendor: str
    model: str
    firmware_version: str
    ocpp_version: Literal["1.6J", "2.0.1"]
    security_profile: int = Field(
        ge=0, le=3, description="0 = none, 1 = basic auth, 2 = TLS + basic auth, 3 = TLS client certificates."
    )
    basic_auth_password: str | None = Field(
        default=None, description="Password the station presents in the Basic header of the WebSocket upgrade."
    )
    connectors: list[ConnectorStatus] = []
    configuration: dict[str, OcppConfigValue] = Field(
        default_factory=dict, description="Result of the last GetConfiguration, keyed by OCPP configuration key."
    )
    last_known_ip: str | None = None
    ipv6_address: str | None = None
    last_heartbeat_at: datetime | None = None
    site: SiteSummary | None = None


class ChargePointRegistration(CamelModel):
    charge_box_id: str = Field(pattern=r"^[A-Z0-9-]{4,36}$")
    vendor: str = Field(max_length=40)
    model: str = Field(max_length=40)
    ocpp_version: Literal["1.6J", "2.0.1"]
    site_id: UUID
    security_profile: int = Field(default=2, ge=0, le=3)


class ChargePointProvisioned(CamelModel):
    """Returned once when a station is registered."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "chargeBoxId": "VG-DE-BER-00412",
                    "ocppEndpoint": "wss://ocpp.voltgrid.energy/ocpp16/VG-DE-BER-00412",
                    "authorizationKey": "<shown-once>",
                    "issuedAt": "2024-06-01T10:00:00Z",
                }
            ]
        }
    )

    charge_box_id: str
    ocpp_endpoint: str
    authorization_key: str = Field(
        description="Basic-auth password for the station; write it to the AuthorizationKey configuration key."
    )
    issued_at: datetime


class OcppConnectionSettings(BaseModel):
    central_system_url: str = Field(max_length=255, examples=["wss://ocpp.voltgrid.energy/ocpp16"])
    basic_auth_password: str = Field(default="vg-ocpp-2022!", min_length=8, max_length=40)
    heartbeat_interval_s: int = Field(default=300, ge=30, le=3600)


class CentralSystemInfo(BaseModel):
    websocket_urls: list[str] = Field(
        examples=[["wss://ocpp.voltgrid.energy/ocpp16", "wss://ocpp.voltgrid.energy/ocpp201"]]
    )
    egress_ips: list[str] = Field(
        description="Source addresses of outbound calls; allow them in the site firewall.",
        examples=[["198.51.100.17", "172.32.4.10"]],
    )
    supported_versions: list[Literal["1.6J", "2.0.1"]]


class OcppFrame(BaseModel):
    direction: Literal["in", "out"]
    message_type_id: Literal[2, 3, 4]
    action: str | None = None
    payload: dict[str, object]
    received_at: datetime


# --------------------------------------------------------------------------- RFID


class RfidCardOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uid": "04A2B9C2D15E80",
                    "contractId": "DE-VGR-C00123456-7",
                    "visualNumber": "VGR 0012 3456",
                    "status": "active",
                    "holderName": "Lena Hoffmann",
                    "issuedOn": "2023-11-02",
                }
            ]
        }
    )

    uid: str = Field(description="Card UID as read by the station (idTag).")
    contract_id: str = Field(description="eMAID printed on the card.")
    visual_number: str
    status: Literal["active", "blocked", "lost", "expired"]
    holder_name: str
    fleet_account_id: UUID | None = None
    issued_on: date


class DriverAccountOut(CamelModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3c0b9a14-6f52-4d8e-8a31-0e7d2b5c9f46",
                    "displayName": "Lena H.",
                    "email": "lena.hoffmann@example.net",
                    "phone": "+49 1522 3876410",
                    "preferredLanguage": "de",
                    "marketingOptIn": False,
                }
            ]
        }
    )

    id: UUID
    display_name: str
    email: str
    phone: str | None = None
    preferred_language: str = "en"
    marketing_opt_in: bool = False
    cards: list[RfidCardOut] = []


class CardEncodingProfile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile_name": "desfire-ev2-2024",
                    "chip": "MIFARE_DESFIRE_EV2",
                    "aid": "F51230",
                    "key_version": 3,
                    "app_master_key": "63A8A220A375C0EC8F18495ACDD00800",
                    "key_diversification": "AN10922",
                }
            ]
        }
    )

    profile_name: str
    chip: Literal["MIFARE_DESFIRE_EV2", "MIFARE_CLASSIC_1K"]
    aid: str = Field(description="DESFire application id.")
    key_version: int
    app_master_key: str = Field(description="AES-128 application master key used when writing new cards.")
    key_diversification: Literal["AN10922", "none"] = "AN10922"


# --------------------------------------------------------------------------- OCPI (snake_case, as in the spec)


class OcpiResponse(BaseModel, Generic[T]):
    data: T | None = None
    status_code: int = Field(examples=[1000])
    status_message: str | None = None
    timestamp: datetime


class BusinessDetails(BaseModel):
    name: str = Field(max_length=100)
    website: str | None = Field(default=None, max_length=255)


class CredentialsRole(BaseModel):
    role: Literal["CPO", "EMSP", "HUB", "NSP"]
    party_id: str = Field(pattern=r"^[A-Z0-9]{3}$")
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    business_details: BusinessDetails


class OcpiCredentials(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "<credentials-token>",
                    "url": "https://ocpi.voltgrid.energy/ocpi/versions",
                    "roles": [
                        {
                            "role": "CPO",
                            "party_id": "VGR",
                            "country_code": "DE",
                            "business_details": {"name": "VoltGrid GmbH", "website": "https://voltgrid.energy"},
                        }
                    ],
                }
            ]
        }
    )

    token: str = Field(max_length=64, description="Credentials token the other party uses to call this platform.")
    url: str = Field(max_length=255)
    roles: list[CredentialsRole] = Field(max_length=8)


class OcpiToken(BaseModel):
    """OCPI Token object: identifies a driver's RFID card or app account (an identifier, not a secret)."""

    country_code: str
    party_id: str
    uid: str = Field(examples=["04A2B9C2D15E80"])
    type: Literal["AD_HOC_USER", "APP_USER", "OTHER", "RFID"]
    contract_id: str = Field(examples=["DE-VGR-C00123456-7"])
    visual_number: str | None = None
    issuer: str
    valid: bool
    whitelist: Literal["ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER"]
    last_updated: datetime


class AuthorizationInfo(BaseModel):
    allowed: Literal["ALLOWED", "BLOCKED", "EXPIRED", "NO_CREDIT", "NOT_ALLOWED"]
    token: OcpiToken
    authorization_reference: str | None = Field(default=None, max_length=36)


class LocationReferences(BaseModel):
    location_id: str = Field(max_length=36)
    evse_uids: list[str] = Field(default=[], max_length=20)


class PartnerCredentialView(BaseModel):
    token: str = Field(description="Token C: what we present when calling this partner.")
    token_fingerprint: str = Field(description="sha256 of the token, for support tickets.")
    rotated_at: datetime | None = None


class RoamingPartnerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "a7e1c3d9-2b46-4f80-9d15-6c8e0b2f4a37",
                    "name": "ChargeFlow Mobility B.V.",
                    "country_code": "NL",
                    "party_id": "CFM",
                    "role": "EMSP",
                    "versions_url": "https://ocpi.chargeflow.eu/ocpi/versions",
                    "outbound": {
                        "token": "UCsMehGAkWvj7FAc9QeWJKY40uvSwMFL",
                        "token_fingerprint": "sha256:5f0c3b6e9a2d41c87e0b5a9f3d6c2e18b4a7f0d9c3e6b1a8f5d2c9e7b4a1f036",
                        "rotated_at": "2024-03-15T00:00:00Z",
                    },
                    "inbound_token_last4": "a9Qe",
                }
            ]
        }
    )

    id: UUID
    name: str
    country_code: str
    party_id: str
    role: Literal["CPO", "EMSP", "HUB"]
    versions_url: str
    outbound: PartnerCredentialView
    inbound_token_last4: str | None = None


class OcpiDebugInfo(BaseModel):
    exception_type: str
    stacktrace: list[str]
    source_location: str = Field(examples=["ocpi/modules/tokens/authorize.py:88"])


class OcpiErrorResponse(BaseModel):
    status_code: int = Field(examples=[2001], description="OCPI 2xxx client error / 3xxx server error.")
    status_message: str
    timestamp: datetime
    debug: OcpiDebugInfo | None = Field(default=None, description="Attached when OCPI_DEBUG is set on the node.")


# --------------------------------------------------------------------------- tariffs


class PriceComponent(BaseModel):
    type: Literal["ENERGY", "FLAT", "PARKING_TIME", "TIME"]
    price: Decimal = Field(ge=0, le=100, description="Excl. VAT, per unit.")
    vat: float | None = Field(default=None, ge=0, le=100)
    step_size: int = Field(ge=1, description="Billing increment (Wh for ENERGY, seconds for TIME).")


class TariffRestrictions(BaseModel):
    start_time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    end_time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    min_kwh: float | None = Field(default=None, ge=0, le=1000)
    max_power: float | None = Field(default=None, ge=0, le=1000)
    day_of_week: list[Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]] = Field(
        default=[], max_length=7
    )


class TariffElement(BaseModel):
    price_components: list[PriceComponent]
    restrictions: TariffRestrictions | None = None


class TariffIn(BaseModel):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    type: Literal["AD_HOC_PAYMENT", "PROFILE_CHEAPEST", "PROFILE_FASTEST", "REGULAR"] = "REGULAR"
    display_text: str | None = None
    elements: list[TariffElement]
    valid_from: datetime | None = None


class TariffOut(BaseModel):
    id: str = Field(examples=["DE-AC22-STD"])
    currency: str
    type: Literal["AD_HOC_PAYMENT", "PROFILE_CHEAPEST", "PROFILE_FASTEST", "REGULAR"]
    display_text: str | None = None
    elements: list[TariffElement]
    valid_from: datetime | None = None
    published: bool = False


# --------------------------------------------------------------------------- sessions & billing


class MeterValueSample(CamelModel):
    timestamp: datetime
    measurand: Literal["Energy.Active.Import.Register", "Power.Active.Import", "SoC", "Current.Import"]
    value: float
    unit: Literal["Wh", "kWh", "W", "kW", "Percent", "A"]


class SessionPayment(CamelModel):
    method: Literal["rfid", "app", "adhoc_card"]
    card_brand: str | None = Field(default=None, examples=["mastercard"])
    card_last4: str | None = Field(default=None, examples=["5778"])
    psp_reference: str | None = Field(default=None, examples=["TKX4Q2WJ8LMN5R7Z"])


class ChargingSessionOut(CamelModel):
    id: UUID
    transaction_id: int
    charge_box_id: str
    connector_id: int
    id_tag: str | None = Field(default=None, description="RFID uid or app token uid that started the session.")
    started_at: datetime
    stopped_at: datetime | None = None
    meter_start_wh: int
    meter_stop_wh: int | None = None
    stop_reason: (
        Literal["EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot", "Remote"]
        | None
    ) = None
    cost: Decimal | None = None
    currency: str = "EUR"
    tariff_id: str | None = None
    payment: SessionPayment | None = None
    samples: list[MeterValueSample] = []


class TerminalLogEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "at": "2024-05-28T17:42:09Z",
                    "terminal_id": "PAX-IM30-0081",
                    "pan": "5232184906135778",
                    "pan_sequence_number": "01",
                    "cvm_result": "1F0302",
                    "approval_code": "083154",
                    "amount_minor": 2450,
                }
            ]
        }
    )

    at: datetime
    terminal_id: str
    pan: str = Field(description="Primary account number as logged by the unattended terminal.")
    pan_sequence_number: str | None = Field(default=None, description="EMV tag 5F34.")
    cvm_result: str | None = Field(default=None, description="EMV tag 9F34 (cardholder verification method result).")
    approval_code: str | None = Field(default=None, description="Issuer approval code printed on the receipt.")
    amount_minor: int


class DisputeEvidence(BaseModel):
    dispute_id: str
    session_id: UUID
    reason: Literal["fraudulent", "duplicate", "not_received", "other"]
    terminal_log: list[TerminalLogEntry]
    opened_at: datetime


class PspConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "adyen",
                    "merchant_account": "VoltGridDE_ECOM",
                    "environment": "live",
                    "client_key": "live_7JZQ2KXRHBCDPLMNV3T5YWQA8SE4UG6F",
                    "api_key": "AQEyhmfxKonIYxZGw0m/n3Q5qf3VaY9UCJ1+XWZe9W27jmlZiv4PD4jhfNMofnLr2K5i8/0QwV1bDb7kfNy1WIxIIkxgBw==-c2LjkTq3ZW0sVxE0qYkHg2XNnF2cdsZdhsfJL2/cwJU=-i1i9gTr4Yh5Hm3LZ",
                    "hmac_key": "65cc65a5bfc7a930dacf62f28a05fc39dcf8b58dc764d9f89f68782cbccca8da",
                }
            ]
        }
    )

    provider: Literal["adyen", "stripe"]
    merchant_account: str
    environment: Literal["test", "live"]
    client_key: str = Field(description="Client-side key for the web checkout (safe to publish).")
    api_key: str
    hmac_key: str = Field(description="Key used to verify notification webhooks.")


class BillingFault(BaseModel):
    error: str = Field(examples=["invoice_generation_failed"])
    trace_id: str
    retry_after: int | None = Field(default=None, description="Seconds.")
    failed_statement: str | None = Field(default=None, description="SQL statement that raised, if any.")


class InvoiceLine(BaseModel):
    session_id: UUID
    description: str
    kwh: float
    amount: Decimal


class InvoiceOut(BaseModel):
    invoice_no: str = Field(examples=["VG-2024-0061187"])
    issued_on: date
    lines: list[InvoiceLine]
    total: Decimal
    currency: str
    pdf_url: str = Field(examples=["https://billing.voltgrid.energy/invoices/VG-2024-0061187.pdf"])


# --------------------------------------------------------------------------- field technician tools


class DiagnosticsBundle(BaseModel):
    request_id: str
    status: Literal["requested", "uploading", "uploaded", "failed"]
    file_name: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARN", "ERROR"] = "INFO"
    debug_logging: bool = Field(default=False, description="Whether verbose station logging was on during capture.")
    requested_at: datetime


class DiagnosticsRequest(BaseModel):
    """GetDiagnostics: where the station should upload its log bundle."""

    location: str = Field(
        max_length=2048,
        description="Upload target handed to the station (ftp, or an https signed URL).",
        examples=[
            "https://storage.googleapis.com/vg-diagnostics/VG-DE-BER-00412/diag-20240611.zip"
            "?X-Goog-Algorithm=GOOG4-RSA-SHA256"
            "&X-Goog-Credential=diag-uploader%40voltgrid-prod.iam.gserviceaccount.com%2F20240611%2Feurope-west3%2Fstorage%2Fgoog4_request"
            "&X-Goog-Date=20240611T081500Z&X-Goog-Expires=3600&X-Goog-SignedHeaders=host"
            "&X-Goog-Signature=0814cdfad7d2a8260a6620eb59a6db263c678cf22cfac68ae7b9cf615ae2614074269bbfedb36f066516daa6a55218e6c9234eccb37d613ff1ac1cdc62d301c8a66cfba87ec1e94c2b6194b1b591b2e8745b33a23986825d4f8f7670c60702af35a14fb8e72d604e6fa6a1a7c665fc40c8cc9f072bcfa06923eb74b02659baff"
        ],
    )
    start_time: datetime | None = None
    stop_time: datetime | None = None
    retries: int = Field(default=3, ge=0, le=10)


class ConfigurationChange(BaseModel):
    """OCPP ChangeConfiguration."""

    key: str = Field(max_length=50)
    value: str = Field(max_length=500)


class DepotOverview(BaseModel):
    depot_id: UUID
    name: str
    networks: dict[str, SiteNetwork] = Field(description="Router details per building, keyed by building code.")
    charge_point_count: int


class ResetRequest(BaseModel):
    type: Literal["Hard", "Soft"] = "Soft"
    reason: str


class DebugLoggingRequest(BaseModel):
    enabled: bool
    duration_minutes: int = Field(default=30, ge=1, le=240)


class InstalledCertificate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "certificate_type": "ChargingStationCertificate",
                    "serial_number": "4A:1F:9C:03:77:E2:5B:D0",
                    "certificate_pem": "-----BEGIN CERTIFICATE-----\n2lFe10yay4dJdf/UPh0OS+rCESOMphHt3po4Qqyqpa7wxyABiqaVN8g4wEN1rgqzWOizt+0auDyncCsWkjFuhtfT7XnsBlUDEci27Y0NdqOuIk0KOclz6tgxhOVWCIZeKJpysDRQifuraH044yM0CKPt8chNzaibaDwubQIaSz9WTbdCa2PgqDJGU1B0IcBXBxXTNoQm1ZGggnFLPn0TSWFEdIDutWX1+2NEXgyha135Hb/C8Pm+LafIuyBJpOA+N69UGEttFJ/luIL2jtDRNrib+EBhq\n-----END CERTIFICATE-----\n",
                    "private_key_pem": "-----BEGIN EC PRIVATE KEY-----\n9UiHrTy7UcFb016PQLM0uCPvhpKzoT4R2iItClVhtcygo9J66Y92B69iPEG8KJVlaVVL+GJuxUAsfNpgeCZanuKB09FlDTX2L1hQ6pnvbNusF1FpMiuN+E4RFFrV+HT7FiZ6VESX46xYcweYJZwzuryP4oNFYgbZAw==\n-----END EC PRIVATE KEY-----\n",
                    "valid_to": "2026-06-01T00:00:00Z",
                }
            ]
        }
    )

    certificate_type: Literal[
        "CentralSystemRootCertificate", "ManufacturerRootCertificate", "ChargingStationCertificate"
    ]
    serial_number: str
    certificate_pem: str
    private_key_pem: str | None = Field(
        default=None, description="Key generated for the station during commissioning (profile 3)."
    )
    valid_to: datetime


class FirmwareRelease(BaseModel):
    vendor: str
    model: str
    version: str = Field(examples=["1.8.33"])
    sha256: str = Field(examples=["b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"])
    signature: str | None = Field(
        default=None,
        description="Base64 firmware signature (OCPP 2.0.1 SignedUpdateFirmware).",
        examples=["HGg2XNnF2cdsZdhsfJL2/cwJURR73KLGPBylulqOhTUi08gTqy7qPrcEBAw3J+vXIPSYRQZ6DASO4twulXQhcA=="],
    )
    signing_certificate_pem: str | None = None
    download_location: str = Field(default="ftp://fw-mirror.depot.voltgrid.local/firmware/")
    release_notes: str | None = None


class TerminalTestCharge(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"pan": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123", "amount_minor": 100}
            ]
        }
    )

    pan: str = Field(pattern=r"^\d{12,19}$")
    exp_month: int = Field(ge=1, le=12)
    exp_year: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")
    amount_minor: int = Field(ge=1, le=10_000)


class SiteContact(BaseModel):
    role: Literal["site_admin", "facility_manager", "billing"]
    name: str
    email: str = Field(examples=["facilities@example.com"])
    phone: str | None = Field(default=None, examples=["+1-206-555-0164"])


class InternalConsumptionReport(BaseModel):
    """Energy drawn by VoltGrid's own depot fleet (not billed to customers)."""

    month: str = Field(examples=["2024-05"])
    kwh: float
    sessions: int


class FaultSimulation(BaseModel):
    charge_box_id: str = Field(max_length=36)
    error_code: Literal["GroundFailure", "OverCurrentFailure", "InternalError"]


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="VoltGrid Network API",
    version="2024.6.1",
    description=(
        "APIs for the VoltGrid charging network: station management, RFID cards, OCPI roaming, "
        "tariffs, sessions and billing, and the field technician app."
    ),
    contact={
        "name": "VoltGrid Platform",
        "email": "platform@voltgrid.energy",
        "url": "https://developer.voltgrid.energy",
    },
    servers=[
        {"url": "https://api.voltgrid.energy", "description": "Production"},
        {"url": "https://sandbox.voltgrid.energy", "description": "Sandbox with simulated stations"},
        {"url": "http://10.20.0.5:9000", "description": "Central system, plant network"},
    ],
)

OCPI_ERR = {
    400: {"model": OcpiErrorResponse},
    404: {"model": OcpiErrorResponse},
    500: {"model": OcpiErrorResponse},
}
BILLING_ERR = {500: {"model": BillingFault, "description": "Billing backend failure"}}

stations = APIRouter(prefix="/v1", tags=["charge-points"])
rfid = APIRouter(prefix="/v1", tags=["rfid"])
ocpi = APIRouter(prefix="/ocpi/2.2.1", tags=["ocpi"], dependencies=[Depends(ocpi_token)])
roaming = APIRouter(prefix="/v1/roaming", tags=["roaming"])
tariffs = APIRouter(tags=["tariffs"])
billing = APIRouter(prefix="/v1", tags=["billing"])
tech = APIRouter(prefix="/tech", tags=["field-tools"], dependencies=[Depends(field_oidc)])
ops = APIRouter(tags=["ops"])


@stations.get("/charge-points/{chargeBoxId}", response_model=ChargePointOut)
def get_charge_point(chargeBoxId: Annotated[str, CHARGE_BOX_ID]) -> ChargePointOut:
    raise HTTPException(404)


@stations.get("/charge-points", response_model=list[ChargePointOut])
def list_charge_points(
    site_id: Annotated[UUID | None, Query(alias="siteId")] = None,
    status: Literal["online", "offline", "faulted"] | None = None,
    search: str | None = None,
) -> list[ChargePointOut]:
    return []


@stations.post("/charge-points", response_model=ChargePointProvisioned, status_code=201)
def register_charge_point(body: ChargePointRegistration) -> ChargePointProvisioned:
    """Register a station. The AuthorizationKey is generated here and returned only in this response."""
    raise HTTPException(501)


@stations.put("/charge-points/{chargeBoxId}/ocpp-connection", response_model=ChargePointOut)
def set_ocpp_connection(chargeBoxId: Annotated[str, CHARGE_BOX_ID], body: OcppConnectionSettings) -> ChargePointOut:
    raise HTTPException(501)


@stations.get("/depots/{depotId}", response_model=DepotOverview)
def get_depot(depotId: UUID) -> DepotOverview:
    """Fleet depot overview for depot operators."""
    raise HTTPException(404)


@stations.get("/ocpp/central-system", response_model=CentralSystemInfo)
def central_system_info() -> CentralSystemInfo:
    """Connection details for station installers."""
    raise HTTPException(501)


@app.get(
    "/cp/v1/firmware/latest", response_model=FirmwareRelease, tags=["charge-points"], dependencies=[Depends(cp_basic)]
)
def station_firmware_check(
    model: Annotated[str, Query(max_length=40)],
    current: Annotated[str, Query(max_length=32)],
) -> FirmwareRelease:
    """Polled by stations that cannot receive UpdateFirmware."""
    raise HTTPException(404)


@stations.get("/sites/{siteId}/admin-contacts", response_model=list[SiteContact])
def site_admin_contacts(siteId: UUID) -> list[SiteContact]:
    """Contacts at the host site (site administrators, facility managers)."""
    return []


@rfid.get("/rfid-cards", response_model=list[RfidCardOut])
def search_cards(
    holder_email: Annotated[
        str | None,
        Query(
            alias="holderEmail",
            max_length=254,
            openapi_examples={"lookup": {"summary": "Find a driver's cards", "value": "lena.hoffmann@web.de"}},
        ),
    ] = None,
    uid: Annotated[str | None, Query(pattern=r"^[0-9A-F]{8,20}$")] = None,
    status: Literal["active", "blocked", "lost", "expired"] | None = None,
) -> list[RfidCardOut]:
    return []


@rfid.get("/drivers/{driverId}", response_model=DriverAccountOut)
def get_driver(driverId: UUID) -> DriverAccountOut:
    raise HTTPException(404)


@rfid.post("/rfid-cards/{uid}/block", response_model=RfidCardOut)
def block_card(
    uid: Annotated[str, Path(pattern=r"^[0-9A-F]{8,20}$")], note: Annotated[str | None, Body(embed=True)] = None
) -> RfidCardOut:
    raise HTTPException(404)


@ocpi.get("/credentials", response_model=OcpiResponse[OcpiCredentials], responses=OCPI_ERR)
def ocpi_get_credentials() -> OcpiResponse[OcpiCredentials]:
    """OCPI credentials module: the credentials object registered for the calling party."""
    raise HTTPException(404)


@ocpi.post("/credentials", response_model=OcpiResponse[OcpiCredentials], responses=OCPI_ERR)
def ocpi_register(body: OcpiCredentials) -> OcpiResponse[OcpiCredentials]:
    """Credentials handshake (Token A -> Token B/C exchange)."""
    raise HTTPException(501)


@ocpi.get("/tokens/{country_code}/{party_id}/{token_uid}", response_model=OcpiResponse[OcpiToken], responses=OCPI_ERR)
def ocpi_get_token(
    country_code: Annotated[str, Path(pattern=r"^[A-Z]{2}$")],
    party_id: Annotated[str, Path(pattern=r"^[A-Z0-9]{3}$")],
    token_uid: Annotated[str, Path(max_length=36)],
) -> OcpiResponse[OcpiToken]:
    raise HTTPException(404)


@ocpi.post("/tokens/{token_uid}/authorize", response_model=OcpiResponse[AuthorizationInfo], responses=OCPI_ERR)
def ocpi_authorize(
    token_uid: Annotated[str, Path(max_length=36)],
    body: LocationReferences | None = None,
) -> OcpiResponse[AuthorizationInfo]:
    """Real-time authorization of a token at one of our locations."""
    raise HTTPException(404)


@roaming.get("/partners", response_model=list[RoamingPartnerOut])
def list_partners(role: Literal["CPO", "EMSP", "HUB"] | None = None) -> list[RoamingPartnerOut]:
    return []


@roaming.post("/hubs/{hub}/sync", status_code=202)
def sync_hub(hub: Literal["hubject", "gireve", "e-clearing"]) -> None:
    """Push locations and tariffs to a roaming hub.

    Pre-production Hubject account for the test operator: user `voltgrid-cpo`, password `Hbj#Tst-2023vg`.
    Outbound traffic goes through egress-proxy.roaming.svc:3128.
    """


@tariffs.get("/v1/tariffs", response_model=list[TariffOut])
def list_tariffs(currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None) -> list[TariffOut]:
    return []


@tariffs.post("/v1/tariffs", response_model=TariffOut, status_code=201)
def create_tariff(body: TariffIn) -> TariffOut:
    raise HTTPException(501)


@tariffs.post("/admin/tariffs/{tariff_id}/publish", response_model=TariffOut)
def publish_tariff(tariff_id: Annotated[str, Path(max_length=36)]) -> TariffOut:
    """Publish to OCPI partners and the price boards (PAngV)."""
    raise HTTPException(501)


@billing.get("/sessions", response_model=list[ChargingSessionOut], responses=BILLING_ERR)
def list_sessions(
    charge_box_id: Annotated[str | None, Query(alias="chargeBoxId", max_length=36)] = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[ChargingSessionOut]:
    return []


@billing.get("/sessions/{sessionId}", response_model=ChargingSessionOut, responses=BILLING_ERR)
def get_session(sessionId: UUID) -> ChargingSessionOut:
    raise HTTPException(404)


@billing.get("/billing/invoices/{invoiceNo}", response_model=InvoiceOut, responses=BILLING_ERR)
def get_invoice(invoiceNo: Annotated[str, Path(pattern=r"^VG-\d{4}-\d{7}$")]) -> InvoiceOut:
    raise HTTPException(404)


@billing.get("/billing/disputes/{disputeId}", response_model=DisputeEvidence, responses=BILLING_ERR)
def get_dispute(disputeId: Annotated[str, Path(max_length=40)]) -> DisputeEvidence:
    """Evidence pack for a card-scheme chargeback."""
    raise HTTPException(404)


@billing.get("/billing/psp-config", response_model=PspConfig, responses=BILLING_ERR)
def get_psp_config() -> PspConfig:
    raise HTTPException(404)


@billing.get("/reports/internal-consumption", response_model=list[InternalConsumptionReport])
def internal_consumption(year: Annotated[int, Query(ge=2020, le=2100)]) -> list[InternalConsumptionReport]:
    return []


@tech.get("/charge-points/{chargeBoxId}/diagnostics", response_model=DiagnosticsBundle)
def get_diagnostics(chargeBoxId: Annotated[str, CHARGE_BOX_ID]) -> DiagnosticsBundle:
    raise HTTPException(404)


@tech.post("/charge-points/{chargeBoxId}/diagnostics", response_model=DiagnosticsBundle, status_code=202)
def request_diagnostics(chargeBoxId: Annotated[str, CHARGE_BOX_ID], body: DiagnosticsRequest) -> DiagnosticsBundle:
    raise HTTPException(501)


@tech.post("/charge-points/{chargeBoxId}/configuration", status_code=202)
def change_configuration(
    chargeBoxId: Annotated[str, CHARGE_BOX_ID],
    body: Annotated[
        ConfigurationChange,
        Body(
            openapi_examples={
                "heartbeat": {
                    "summary": "Lower heartbeat interval",
                    "value": {"key": "HeartbeatInterval", "value": "120"},
                },
                "rotate-auth-key": {
                    "summary": "Rotate the basic-auth password",
                    "value": {"key": "AuthorizationKey", "value": "4f7a2c9e81d3b6057e1a9c4d2f8b3e60"},
                },
            }
        ),
    ],
) -> None:
    """Send ChangeConfiguration to the station."""


@tech.post("/charge-points/{chargeBoxId}/reset", status_code=202)
def reset_station(chargeBoxId: Annotated[str, CHARGE_BOX_ID], body: ResetRequest) -> None:
    pass


@tech.put("/charge-points/{chargeBoxId}/debug-logging", status_code=204)
def set_debug_logging(chargeBoxId: Annotated[str, CHARGE_BOX_ID], body: DebugLoggingRequest) -> None:
    """Temporarily raise the station's log level for troubleshooting on site."""


@tech.get("/charge-points/{chargeBoxId}/certificates", response_model=list[InstalledCertificate])
def list_certificates(chargeBoxId: Annotated[str, CHARGE_BOX_ID]) -> list[InstalledCertificate]:
    return []


@tech.get("/sites/{siteId}/network", response_model=SiteNetwork)
def site_network(siteId: UUID) -> SiteNetwork:
    raise HTTPException(404)


@tech.get("/firmware", response_model=list[FirmwareRelease])
def firmware_catalogue(vendor: str | None = None) -> list[FirmwareRelease]:
    return []


@tech.get("/card-encoding-profiles", response_model=list[CardEncodingProfile])
def card_profiles() -> list[CardEncodingProfile]:
    return []


@tech.post("/terminals/{terminalId}/test-charge", status_code=202)
def terminal_test_charge(terminalId: Annotated[str, Path(max_length=32)], body: TerminalTestCharge) -> None:
    """Run a test authorisation on an unattended card terminal (test cards only)."""


@tech.post("/__debug__/simulate-fault", status_code=202)
def simulate_fault(body: FaultSimulation) -> None:
    """Inject a StatusNotification fault for training sessions."""


@ops.post("/internal/ocpp/{chargeBoxId}/disconnect", status_code=202)
def force_disconnect(chargeBoxId: Annotated[str, CHARGE_BOX_ID]) -> None:
    """Drop the station's WebSocket so it reconnects to another central-system node."""


@ops.get("/debug/ocpp-frames/{chargeBoxId}", response_model=list[OcppFrame])
def recent_frames(
    chargeBoxId: Annotated[str, CHARGE_BOX_ID], limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[OcppFrame]:
    return []


app.include_router(stations)
app.include_router(rfid)
app.include_router(ocpi)
app.include_router(roaming)
app.include_router(tariffs)
app.include_router(billing)
app.include_router(tech)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
