"""HarvestIQ: farm sensors, irrigation controllers, field maps, co-op payouts, agronomist tools.

Generate the OpenAPI document with:  python harvestiq_app.py > harvestiq.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar, Union

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Response
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field, computed_field

T = TypeVar("T")

keycloak = OAuth2PasswordBearer(
    tokenUrl="http://keycloak.iam.svc.cluster.local:8080/realms/harvestiq/protocol/openid-connect/token",
    scheme_name="Keycloak",
)
device_key = APIKeyHeader(
    name="X-Device-Key", scheme_name="DeviceKey", description="Per-device key issued at provisioning."
)

FARM_ID = Annotated[str, Path(pattern=r"^farm_[a-z0-9]{3,20}$")]
CONTROLLER_ID = Annotated[str, Path(pattern=r"^ctl_[a-z0-9]{4,16}$")]
SENSOR_ID = Annotated[str, Path(pattern=r"^snr_[0-9]{2,10}$")]
GROWER_ID = Annotated[str, Path(pattern=r"^grw_[0-9]{2,10}$")]


class Paged(BaseModel, Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int


# --------------------------------------------------------------------------- errors


class ApiError(BaseModel):
    code: str = Field(examples=["field_not_found"])
    detail: str
    correlation_id: str


class StackFrame(BaseModel):
    filename: str = Field(examples=["/srv/harvestiq/app/payouts/calc.py"])
    lineno: int


class ExcInfo(BaseModel):
    exc_type: str = Field(examples=["psycopg.errors.DeadlockDetected"])
    exc_repr: str
    cause: Optional[str] = Field(default=None, description="repr() of `__cause__`, when the error was chained.")


class ServerFault(BaseModel):
    code: str = "internal_error"
    detail: str
    correlation_id: str
    exc_info: Optional[ExcInfo] = None
    frames: list[StackFrame] = Field(default_factory=list, description="Innermost frame last.")


class ControllerOffline(BaseModel):
    detail: str = "controller offline"
    last_seen: Optional[datetime] = None
    retry_after: int = Field(description="Seconds before the edge gateway retries the uplink.")


E4 = {404: {"model": ApiError, "description": "Not found"}}
E5 = {500: {"model": ServerFault, "description": "Unexpected error"}}


# --------------------------------------------------------------------------- sensors


class SensorKind(str, Enum):
    soil_moisture = "soil_moisture"
    leaf_wetness = "leaf_wetness"
    weather_station = "weather_station"
    flow_meter = "flow_meter"


class Sensor(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sensor_id": "snr_8841",
                    "kind": "soil_moisture",
                    "field_id": "fld_talhao12",
                    "dev_eui": "70B3D57ED005A1F2",
                    "join_eui": "70B3D57ED0000001",
                    "app_key": "8A3F0C21D94E7B56A1C2E3F4B5D60718",
                    "gateway_host": "lorawan-gw-03.local",
                    "firmware": "2.4.1",
                    "battery_mv": 3612,
                }
            ]
        }
    )

    sensor_id: str
    kind: SensorKind
    field_id: str
    dev_eui: str = Field(description="LoRaWAN DevEUI, printed on the device label.")
    join_eui: str
    app_key: str = Field(description="LoRaWAN 1.0.x AppKey used for the OTAA join.")
    gateway_host: Optional[str] = None
    firmware: str
    battery_mv: Optional[int] = None
    last_seen: Optional[datetime] = None


class SensorReading(BaseModel):
    ts: datetime
    vwc_pct: Optional[float] = Field(default=None, description="Volumetric water content.")
    soil_temp_c: Optional[float] = None
    ec_ds_m: Optional[float] = Field(default=None, description="Bulk electrical conductivity, dS/m.")
    rssi_dbm: Optional[int] = None
    battery_mv: Optional[int] = None


class ProvisioningBundle(BaseModel):
    """Returned once by POST /v1/sensors/{sensor_id}/provision."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sensor_id": "snr_8841",
                    "device_token": "<device-token>",
                    "mqtt_topic": "hiq/farm_boavista/snr_8841/up",
                    "expires_at": "2025-06-01T00:00:00Z",
                }
            ]
        }
    )

    sensor_id: str
    device_token: str
    mqtt_topic: str
    expires_at: datetime


class UplinkEvent(BaseModel):
    devEUI: str = Field(pattern=r"^[0-9A-F]{16}$")
    fCnt: int = Field(ge=0, le=2**32 - 1)
    fPort: int = Field(ge=1, le=223)
    data: str = Field(description="Base64 FRMPayload")


# --------------------------------------------------------------------------- irrigation


class ValveZone(BaseModel):
    zone_no: int = Field(ge=1, le=64)
    crop: str
    flow_lpm: float = Field(ge=0, le=20_000)


class IrrigationController(BaseModel):
    controller_id: str = Field(pattern=r"^ctl_[a-z0-9]{4,16}$")
    vendor: Literal["lindsay", "valley", "netafim", "rainbird"]
    model: str = Field(max_length=40)
    lan_address: str = Field(max_length=255, description="Hostname or IP on the farm LAN, e.g. `pivot-07.local`.")
    mqtt_username: str = Field(max_length=64)
    mqtt_password: str = Field(max_length=128)
    keypad_lockout: bool = Field(default=False, description="Disable the controller's front-panel keypad.")
    zones: list[ValveZone] = Field(max_length=64)

    @computed_field
    @property
    def zone_count(self) -> int:
        return len(self.zones)


class IrrigationSchedule(BaseModel):
    controller_id: str
    rrule: str = Field(examples=["FREQ=DAILY;BYHOUR=4;BYMINUTE=30"])
    duration_min: int
    exception_dates: list[date] = Field(
        default_factory=list, description="Days the schedule is skipped (harvest, rain)."
    )
    et_adjust_pct: int = Field(default=100, description="Scale run time by reference evapotranspiration.")


class ValveCommand(BaseModel):
    zone_no: int = Field(ge=1, le=64)
    action: Literal["open", "close"]
    duration_min: Optional[int] = Field(default=None, ge=1, le=720)


class CommandAck(BaseModel):
    command_id: str
    queued_at: datetime


class FirmwareInfo(BaseModel):
    version: str
    sha256: str = Field(examples=["4f1c9a7e2b3d5f6a8c0e1b2d3f4a5c6e7b8d9f0a1c2e3b4d5f6a7c8e9b0d1f2a"])
    signing_cert_pem: str = Field(description="X.509 certificate the controller uses to verify the image.")
    release_notes: str


class EdgeGateway(BaseModel):
    gateway_id: str
    wan_ip: str
    lan_ipv6: Optional[str] = None
    mgmt_url: Optional[str] = None
    uptime_s: int


# --------------------------------------------------------------------------- fields


class GeoJSONPolygon(BaseModel):
    type: Literal["Polygon"] = "Polygon"
    coordinates: list[list[list[float]]]


class FieldBoundaryCreate(BaseModel):
    name: str
    crop: Literal["soja", "milho", "cafe", "algodao", "wheat", "corn"]
    boundary: GeoJSONPolygon
    soil_texture: Optional[str] = Field(default=None, max_length=40)


class FieldBoundary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "field_id": "fld_talhao12",
                    "name": "Talhão 12 – Sede",
                    "crop": "soja",
                    "area_ha": 84.6,
                    "centroid_lat": -18.9186,
                    "centroid_lon": -48.2772,
                    "boundary": {
                        "type": "Polygon",
                        "coordinates": [[[-48.28, -18.91], [-48.27, -18.91], [-48.27, -18.92], [-48.28, -18.91]]],
                    },
                }
            ]
        }
    )

    field_id: str
    name: str
    crop: str
    area_ha: float
    centroid_lat: float
    centroid_lon: float
    boundary: GeoJSONPolygon


class ScoutingNoteCreate(BaseModel):
    body: str
    pest: Optional[str] = Field(default=None, max_length=80)
    severity: int = Field(ge=0, le=5)


class ScoutingNote(BaseModel):
    note_id: str
    field_id: str
    body: str
    pest: Optional[str] = None
    severity: int
    created_at: datetime


# --------------------------------------------------------------------------- co-op payouts


class BrazilTaxProfile(BaseModel):
    country: Literal["BR"] = "BR"
    cpf: str = Field(description="CPF do produtor rural.")


class UsTaxProfile(BaseModel):
    country: Literal["US"] = "US"
    tin_type: Literal["SSN", "EIN"]
    tin: str
    tin_last4: str


TaxProfile = Annotated[Union[BrazilTaxProfile, UsTaxProfile], Field(discriminator="country")]


class BankDetails(BaseModel):
    banco: Optional[str] = Field(default=None, description="Código do banco (COMPE).")
    agencia: Optional[str] = None
    conta: Optional[str] = None
    routing_number: Optional[str] = None
    account_number: Optional[str] = None


class GrowerPayee(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "grower_id": "grw_3321",
                    "display_name": "João Pereira",
                    "email": "joao.pereira@gmail.com",
                    "telefone": "+55 34 99172-4408",
                    "tax_profile": {"country": "BR", "cpf": "529.982.247-25"},
                    "bank": {"banco": "756", "agencia": "3142", "conta": "20871-4"},
                }
            ]
        }
    )

    grower_id: str
    display_name: str
    email: Optional[str] = None
    telefone: Optional[str] = None
    tax_profile: TaxProfile
    bank: BankDetails


class PayoutLine(BaseModel):
    commodity: Literal["soja", "milho", "cafe", "wheat", "corn"]
    quantity: float = Field(description="Sacas de 60 kg (BR) or bushels (US).")
    unit_price: float
    gross: float


class Payout(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payout_id": "po_2024_0611_0042",
                    "currency": "USD",
                    "status": "paid",
                    "net_amount": 48211.37,
                    "withholding": 0.0,
                    "grower": {
                        "grower_id": "grw_0912",
                        "display_name": "Hendricks Family Farms",
                        "email": "bill.hendricks@hendricksfarms.com",
                        "telefone": "+1 515-555-0142",
                        "tax_profile": {"country": "US", "tin_type": "SSN", "tin": "412-67-9031", "tin_last4": "9031"},
                        "bank": {"routing_number": "073000228", "account_number": "000123456789"},
                    },
                    "lines": [{"commodity": "corn", "quantity": 11250.0, "unit_price": 4.31, "gross": 48487.5}],
                }
            ]
        }
    )

    payout_id: str
    currency: Literal["BRL", "USD"]
    status: Literal["pending", "approved", "paid", "held"]
    net_amount: float
    withholding: float = Field(description="FUNRURAL / backup withholding deducted.")
    grower: GrowerPayee
    lines: list[PayoutLine]
    paid_at: Optional[datetime] = None


class HaulerDriver(BaseModel):
    nome: str
    cnh_numero: str = Field(description="Número da CNH do motorista.")
    cnh_categoria: Literal["C", "D", "E"]
    transportadora: Optional[str] = None


class ScaleTicket(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticket_no": "BAL-2024-118233",
                    "grower_id": "grw_3321",
                    "commodity": "soja",
                    "gross_kg": 48720,
                    "tare_kg": 16340,
                    "moisture_pct": 15.8,
                    "exception_code": "HIGH_MOISTURE",
                    "truck_plate": "QRX4F21",
                    "driver": {
                        "nome": "Carlos Mendes",
                        "cnh_numero": "04821937562",
                        "cnh_categoria": "E",
                        "transportadora": "Rodocerrado",
                    },
                }
            ]
        }
    )

    ticket_no: str
    grower_id: str
    commodity: str
    gross_kg: int
    tare_kg: int
    moisture_pct: float
    exception_code: Optional[Literal["HIGH_MOISTURE", "FOREIGN_MATERIAL", "DAMAGED_KERNELS"]] = Field(
        default=None, description="Grading exception that triggered a discount."
    )
    truck_plate: str
    driver: HaulerDriver


class CoopAdmin(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"nome": "Ana Lúcia Prado", "papel": "tesouraria", "email": "tesouraria@coop.example"}]
        }
    )

    nome: str
    papel: Literal["presidente", "tesouraria", "conselho"]
    email: str


class ErpLink(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "erp": "totvs",
                    "host": "10.1.20.5",
                    "empresa": "01",
                    "usuario": "integracao_hiq",
                    "senha": "Coop@2024int",
                }
            ]
        }
    )

    erp: Literal["totvs", "sap-b1"]
    host: str
    empresa: str
    usuario: str
    senha: str = Field(description="Senha do usuário de integração do ERP.")


# --------------------------------------------------------------------------- agronomy / integrations


class SavedQuery(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query_id": 17,
                    "title": "Fields below 18% VWC this week",
                    "sql": "SELECT field_id, avg(vwc_pct) FROM readings WHERE ts > now() - interval '7 days' GROUP BY 1 HAVING avg(vwc_pct) < 18",
                    "owner_email": "agronomo@example.org",
                }
            ]
        }
    )

    query_id: int
    title: str
    sql: str
    owner_email: str


class ImageryProvider(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "planet",
                    "org_id": "org-48213",
                    "api_key": "PLAKd6f0a93b7c2e4f18a5d0c9b3e7f1a264",
                    "max_cloud_cover_pct": 20,
                }
            ]
        }
    )

    provider: Literal["planet", "sentinel-hub"]
    org_id: str
    api_key: str
    max_cloud_cover_pct: int = 20


class DeereConnection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "deere_org_id": "412207",
                    "connected_by": "grw_3321",
                    "refresh_token": "Jk9xT3Vw7mLp2Rz8Vw4Nq6Yb1Hc5Df0Gs3KaP7eR2tY",
                    "token_expires_at": "2024-07-01T00:00:00Z",
                    "scopes": ["ag1", "ag2", "eq1", "offline_access"],
                }
            ]
        }
    )

    deere_org_id: str
    connected_by: str
    refresh_token: str
    token_expires_at: datetime
    scopes: list[str]


class ZoneRate(BaseModel):
    zone: int
    rate: float


class PrescriptionCreate(BaseModel):
    field_id: str = Field(pattern=r"^fld_[a-z0-9]{3,24}$")
    product: str = Field(max_length=80)
    unit: Literal["kg/ha", "L/ha", "seeds/ha"]
    rates: list[ZoneRate]


class Prescription(BaseModel):
    prescription_id: str
    field_id: str
    product: str
    unit: str
    rates: list[ZoneRate]
    shapefile_url: str


class ProductLabel(BaseModel):
    sku: str
    name: str
    active_ingredient: str
    rate_l_ha: float


class MqttBridgeConfig(BaseModel):
    broker_url: str = "mqtts://bridge:Qw7!harvest@mqtt.farmnet.lan:8883"
    client_id: str = "hiq-bridge-01"
    topics: list[str] = ["hiq/+/+/up"]
    qos: int = 1


class ImpersonationGrant(BaseModel):
    access_token: str
    expires_in: int


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="HarvestIQ Platform API",
    version="5.2.0",
    description="Sensors, irrigation, field maps and co-op settlement for HarvestIQ farms.",
    contact={
        "name": "HarvestIQ developer relations",
        "email": "devrel@harvestiq.ag",
        "url": "https://developers.harvestiq.ag",
    },
    servers=[
        {"url": "https://api.harvestiq.ag", "description": "Production"},
        {"url": "https://api.staging.harvestiq.ag", "description": "Staging"},
        {"url": "http://192.168.50.10:8080", "description": "On-farm edge box (offline mode)"},
    ],
)

devices = APIRouter(prefix="/v1", tags=["devices"], dependencies=[Depends(keycloak)])
fields = APIRouter(prefix="/v1", tags=["fields"], dependencies=[Depends(keycloak)])
coop = APIRouter(prefix="/v1/coop", tags=["coop"], dependencies=[Depends(keycloak)])
agro = APIRouter(prefix="/v1", tags=["agronomy"], dependencies=[Depends(keycloak)])
ops = APIRouter(tags=["ops"])


@devices.get("/farms/{farm_id}/sensors", response_model=Paged[Sensor], responses={**E4, **E5})
def list_sensors(farm_id: FARM_ID, page: Annotated[int, Query(ge=1, le=1000)] = 1) -> Paged[Sensor]:
    return Paged[Sensor](items=[], page=page, page_size=100, total=0)


@devices.get("/sensors/{sensor_id}/readings", response_model=list[SensorReading], responses=E4)
def readings(
    sensor_id: SENSOR_ID,
    since: Annotated[datetime, Query(alias="from")],
    until: Annotated[Optional[datetime], Query(alias="to")] = None,
) -> list[SensorReading]:
    return []


@devices.post("/sensors/{sensor_id}/provision", response_model=ProvisioningBundle, status_code=201, responses=E4)
def provision(sensor_id: SENSOR_ID) -> ProvisioningBundle:
    """Issue the device token the sensor uses for MQTT. Shown once."""
    raise HTTPException(404)


@devices.get("/controllers/{controller_id}", response_model=IrrigationController, responses={**E4, **E5})
def get_controller(controller_id: CONTROLLER_ID) -> IrrigationController:
    raise HTTPException(404)


@devices.put("/controllers/{controller_id}", response_model=IrrigationController, responses={**E4, **E5})
def put_controller(controller_id: CONTROLLER_ID, body: IrrigationController) -> IrrigationController:
    return body


@devices.get("/controllers/{controller_id}/schedule", response_model=IrrigationSchedule, responses=E4)
def get_schedule(controller_id: CONTROLLER_ID) -> IrrigationSchedule:
    raise HTTPException(404)


@devices.post(
    "/controllers/{controller_id}/commands",
    response_model=CommandAck,
    status_code=202,
    responses={409: {"model": ControllerOffline, "description": "Controller not reachable"}, **E5},
)
def send_command(controller_id: CONTROLLER_ID, body: ValveCommand) -> CommandAck:
    """Open or close a valve zone.

    Commands are relayed by the farm edge gateway (edge-gw.home.arpa) to the controller over Modbus TCP.
    """
    raise HTTPException(409)


@devices.get(
    "/controllers/{controller_id}/firmware/latest",
    status_code=307,
    dependencies=[Depends(device_key)],
    response_class=Response,
    responses={
        307: {
            "description": (
                "Redirect to the image, e.g. `Location: https://harvestiq-firmware.s3.sa-east-1.amazonaws.com/pivot/4.2.1.bin"
                "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAZ3QK7TRV2MXN4LPA%2F20240611%2Fsa-east-1%2Fs3%2Faws4_request"
                "&X-Amz-Date=20240611T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                "&X-Amz-Signature=5d6f0a9c3b7e2d1f4a8c6b0e9d3f7a1c5e2b8d4f0a6c9e3b7d1f5a2c8e4b0d6f`"
            )
        },
        **E4,
    },
)
def latest_firmware(controller_id: CONTROLLER_ID) -> Response:
    return Response(status_code=307)


@devices.get("/firmware/{version}", response_model=FirmwareInfo, responses=E4)
def firmware_info(version: Annotated[str, Path(pattern=r"^\d+\.\d+\.\d+$")]) -> FirmwareInfo:
    raise HTTPException(404)


@devices.get(
    "/farms/{farm_id}/edge-gateways",
    response_model=list[EdgeGateway],
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": [
                        {
                            "gateway_id": "egw_boavista_01",
                            "wan_ip": "203.0.113.50",
                            "lan_ipv6": "fd12:3456:789a:1::20",
                            "mgmt_url": "http://169.254.10.1/",
                            "uptime_s": 864210,
                        }
                    ]
                }
            }
        }
    },
)
def edge_gateways(farm_id: FARM_ID) -> list[EdgeGateway]:
    return []


@fields.get("/farms/{farm_id}/fields", response_model=list[FieldBoundary], responses=E4)
def list_fields(farm_id: FARM_ID) -> list[FieldBoundary]:
    return []


@fields.post("/farms/{farm_id}/fields", response_model=FieldBoundary, status_code=201, responses={**E4, **E5})
def create_field(farm_id: FARM_ID, body: FieldBoundaryCreate) -> FieldBoundary:
    raise HTTPException(501)


@fields.post("/fields/{field_id}/scouting-notes", response_model=ScoutingNote, status_code=201, responses=E4)
def add_scouting_note(
    field_id: Annotated[str, Path(pattern=r"^fld_[a-z0-9]{3,24}$")], body: ScoutingNoteCreate
) -> ScoutingNote:
    raise HTTPException(404)


@coop.get("/payouts", response_model=Paged[Payout], responses=E5)
def list_payouts(
    grower_name: Optional[str] = Query(default=None, description="Nome (ou parte) do cooperado"),
    status: Optional[Literal["pending", "approved", "paid", "held"]] = None,
) -> Paged[Payout]:
    return Paged[Payout](items=[], page=1, page_size=50, total=0)


@coop.get("/growers/lookup", response_model=GrowerPayee, responses=E4)
def lookup_grower(
    email: Annotated[
        str,
        Query(
            max_length=254,
            openapi_examples={
                "sandbox": {"summary": "Sandbox grower", "value": "grower@harvestiq.test"},
                "member": {"summary": "Cooperado", "value": "maria.souza@coopercampo.com.br"},
            },
        ),
    ],
) -> GrowerPayee:
    raise HTTPException(404)


@coop.get("/growers/{grower_id}", response_model=GrowerPayee, responses=E4)
def get_grower(grower_id: GROWER_ID) -> GrowerPayee:
    raise HTTPException(404)


@coop.get("/scale-tickets/{ticket_no}", response_model=ScaleTicket, responses=E4)
def scale_ticket(ticket_no: Annotated[str, Path(pattern=r"^BAL-\d{4}-\d{6}$")]) -> ScaleTicket:
    raise HTTPException(404)


@coop.get("/administradores", response_model=list[CoopAdmin])
def coop_admins() -> list[CoopAdmin]:
    """Diretoria e tesouraria da cooperativa (contatos públicos)."""
    return []


@coop.get("/erp-link", response_model=ErpLink, responses=E5)
def erp_link() -> ErpLink:
    """Connection used to post settlements into the co-op's ERP."""
    raise HTTPException(501)


@agro.get("/agronomy/saved-queries", response_model=list[SavedQuery])
def saved_queries() -> list[SavedQuery]:
    return []


@agro.post("/agronomy/prescriptions", response_model=Prescription, status_code=201, responses={**E4, **E5})
def create_prescription(body: PrescriptionCreate) -> Prescription:
    raise HTTPException(501)


@agro.get("/agronomy/private-label-products", response_model=list[ProductLabel])
def private_label_products() -> list[ProductLabel]:
    """Co-op private-label inputs (own-brand adjuvants and foliar fertilisers)."""
    return []


@agro.get("/agronomy/imagery-providers", response_model=list[ImageryProvider])
def imagery_providers() -> list[ImageryProvider]:
    return []


@agro.get("/integrations/john-deere", response_model=DeereConnection, responses=E4)
def deere_connection() -> DeereConnection:
    raise HTTPException(404)


@ops.post("/private/ingest/lora-uplink", status_code=204)
def lora_uplink(
    body: UplinkEvent,
    x_webhook_token: Annotated[
        str,
        Header(
            alias="X-Webhook-Token",
            max_length=128,
            openapi_examples={"chirpstack": {"value": "hiq_whk_Vb82nQz4Lr7Tx1Mk9Pw3Yc6Hd0Fs5Ja2"}},
        ),
    ],
) -> None:
    """Uplink webhook called by the ChirpStack network server."""


@ops.get("/v1/__debug__/mqtt-bridge", response_model=MqttBridgeConfig)
def mqtt_bridge() -> MqttBridgeConfig:
    return MqttBridgeConfig()


@ops.post("/v1/_internal/et0/recompute", status_code=202)
def recompute_et0(day: Optional[date] = None) -> None:
    """Recompute reference ET0 from station data pulled from weather-ingest.intranet.harvestiq.ag."""


@ops.post("/v1/admin/growers/{grower_id}/impersonate", response_model=ImpersonationGrant)
def impersonate(grower_id: GROWER_ID) -> ImpersonationGrant:
    """Support tool: act as the grower in the app."""
    raise HTTPException(501)


app.include_router(devices)
app.include_router(fields)
app.include_router(coop)
app.include_router(agro)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
