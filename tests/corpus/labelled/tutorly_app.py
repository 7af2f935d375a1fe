"""Tutorly: online tutoring marketplace - tutors, students and guardians, lessons, payouts, safeguarding.

Generate the OpenAPI document with:  python tutorly_app.py > tutorly.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal, Optional
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query
from fastapi.openapi.models import OAuthFlowAuthorizationCode, OAuthFlows
from fastapi.responses import PlainTextResponse
from fastapi.security import APIKeyHeader, OAuth2
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

tutorly_oauth = OAuth2(
    flows=OAuthFlows(
        authorizationCode=OAuthFlowAuthorizationCode(
            authorizationUrl="https://auth.tutorly.app/oauth/authorize",
            tokenUrl="https://auth.tutorly.app/oauth/token",
            refreshUrl="https://auth.corp.tutorly.io/oauth/refresh",
            scopes={
                "lessons": "Book and join lessons",
                "payouts": "Tutor payouts",
                "trust_safety": "Safeguarding console",
            },
        )
    ),
    scheme_name="TutorlyOAuth",
)
partner_key = APIKeyHeader(name="X-Tutorly-Partner-Key", scheme_name="SchoolPartnerKey", auto_error=False)


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --------------------------------------------------------------------------- tutors


class AvailabilityWindow(BaseModel):
    weekday: int = Field(ge=0, le=6)
    start: time
    end: time


class Availability(BaseModel):
    timezone: str = Field(examples=["America/Sao_Paulo"])
    weekly: list[AvailabilityWindow]
    exception_dates: list[date] = Field(default=[], description="Days the tutor is away (holidays, exam weeks).")


class TutorPublicProfile(BaseModel):
    id: UUID
    display_name: str
    headline: str = Field(examples=["Maths & physics for IGCSE and ENEM"])
    subjects: list[str]
    tech_stack: list[str] = Field(default=[], description="For coding tutors: languages and frameworks taught.")
    hourly_rate: Decimal
    currency: str
    rating: Optional[float] = None
    languages: list[str] = []
    intro_video_url: Optional[str] = None
    availability: Availability


class PayoutAccount(BaseModel):
    method: Literal["stripe_connect", "pix", "bank_transfer"]
    stripe_account_id: Optional[str] = Field(default=None, examples=["acct_1OqZ8d2eZvKYlo2C"])
    iban: Optional[str] = None
    bank_code: Optional[str] = Field(default=None, examples=["341"])
    account_number: Optional[str] = None
    routing_number: Optional[str] = None
    payout_schedule: Literal["weekly", "biweekly", "monthly"] = "weekly"


class TaxInfo(BaseModel):
    country: Literal["BR", "MX", "IN", "US"]
    cpf: Optional[str] = Field(default=None, description="Cadastro de Pessoas Físicas (Brazil).")
    rfc: Optional[str] = Field(default=None, description="Registro Federal de Contribuyentes (Mexico).")
    pan_number: Optional[str] = Field(default=None, description="Permanent Account Number, the Indian income-tax id.")
    w9_on_file: bool = False
    withholding_rate: Optional[float] = Field(default=None, ge=0, le=1)


class CalendarLink(BaseModel):
    provider: Literal["google", "microsoft"]
    calendar_id: str = Field(examples=["primary"])
    refresh_token: str = Field(description="Offline-access token used to keep the tutor's calendar in sync.")
    access_token_expires_at: Optional[datetime] = None
    scopes: list[str] = []


class TutorAccount(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5521c0de-8a1b-4f2e-9c3d-7e6f5a4b3c2d",
                    "email": "rafael.monteiro@example.com",
                    "display_name": "Rafael M.",
                    "payout": {"method": "pix", "bank_code": "341", "payout_schedule": "weekly"},
                    "tax_info": {"country": "BR", "cpf": "348.157.902-05", "w9_on_file": False},
                    "calendars": [
                        {
                            "provider": "google",
                            "calendar_id": "primary",
                            "refresh_token": "1//0gLx3vQm8Tn2CgYIARAAGBASNwF-L9IrZk7c2pQeX4hW0aVnB5sJ8yUo1tRmG3dK6fH9jPcE2wNbLxA7",
                            "access_token_expires_at": "2024-06-11T11:00:00Z",
                        }
                    ],
                    "two_factor_enabled": True,
                }
            ]
        }
    )

    id: UUID
    email: str
    display_name: str
    phone: Optional[str] = None
    payout: PayoutAccount
    tax_info: Optional[TaxInfo] = None
    calendars: list[CalendarLink] = []
    two_factor_enabled: bool = False


class TutorApplication(BaseModel):
    display_name: str = Field(max_length=60)
    subjects: list[str] = Field(max_length=12)
    bio: str
    hourly_rate: Decimal = Field(ge=5, le=500)
    tax_country: Literal["BR", "MX", "IN", "US"]
    tax_id: str = Field(max_length=20, description="CPF, RFC, PAN or SSN/ITIN depending on tax_country.")


# --------------------------------------------------------------------------- students & guardians


class ParentalControls(BaseModel):
    require_approval_for_bookings: bool = True
    approval_pin_enabled: bool = False
    approval_pin_hash: Optional[str] = Field(
        default=None, description="Hash of the 4-digit PIN guardians use to approve bookings."
    )
    weekly_spend_limit: Optional[Decimal] = None


class GuardianOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "9b7d0e21-4c3a-4e5f-8a6b-1d2c3e4f5a6b",
                    "full_name": "Mariana Costa",
                    "email": "mariana.costa@uol.com.br",
                    "phone": "+55 21 99734-1182",
                    "relationship": "mother",
                    "controls": {
                        "require_approval_for_bookings": True,
                        "approval_pin_enabled": True,
                        "approval_pin_hash": "pbkdf2_sha256$600000$Xk2pQ9vLmT4r$3m6KqW8yZ1bC5dE0gH2jN7sU9vA4xF7kM3qP8tR2wLo=",
                        "weekly_spend_limit": "150.00",
                    },
                }
            ]
        }
    )

    id: UUID
    full_name: str
    email: str
    phone: Optional[str] = None
    relationship: Literal["mother", "father", "legal_guardian", "other"]
    controls: ParentalControls


class StudentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
                    "first_name": "Lucas",
                    "grade_level": "9",
                    "date_of_birth": "2010-03-14",
                    "school_name": "Colégio Santo Inácio",
                }
            ]
        }
    )

    id: UUID
    first_name: str
    grade_level: str
    date_of_birth: Optional[date] = None
    school_name: Optional[str] = None
    learning_needs: Optional[str] = Field(default=None, description="Shared with booked tutors only.")
    guardians: list[GuardianOut] = []


class GuardianInvite(BaseModel):
    email: str = Field(max_length=254)
    relationship: Literal["mother", "father", "legal_guardian", "other"]
    message: Optional[str] = None


# --------------------------------------------------------------------------- lessons & video


class VideoRoom(BaseModel):
    provider: Literal["twilio", "daily"]
    room_name: str
    join_url: str = Field(examples=["https://meet.tutorly.app/r/alg2-7f3k"])
    moderator_token: Optional[str] = Field(
        default=None, description="Host token for the tutor, minted at booking time."
    )
    recording_enabled: bool = False


class LessonOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7731a9e0-2f4b-4c6d-8e1f-3a5b7c9d0e2f",
                    "tutor_id": "5521c0de-8a1b-4f2e-9c3d-7e6f5a4b3c2d",
                    "student_id": "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b",
                    "subject": "Algebra II",
                    "starts_at": "2024-06-11T18:00:00Z",
                    "duration_minutes": 60,
                    "status": "scheduled",
                    "room": {
                        "provider": "twilio",
                        "room_name": "alg2-7f3k",
                        "join_url": "https://meet.tutorly.app/r/alg2-7f3k",
                        "moderator_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJqdGkiOiJTSzNmOWEwYzJlN2IxZDQ4YTZiNWM0ZTNmMmExYjBjOWQ4LTE3MTgwOTM0MDAiLCJpc3MiOiJTSzNmOWEwYzJlN2IxZDQ4YTZiNWM0ZTNmMmExYjBjOWQ4Iiwic3ViIjoiQUM2ZTJkMWMwYjlhOGY3ZTZkNWM0YjNhMmYxZTBkOWM4YiIsImV4cCI6MTcxODEwMDYwMCwiZ3JhbnRzIjp7ImlkZW50aXR5IjoidHV0b3JfNTUyMSIsInZpZGVvIjp7InJvb20iOiJhbGcyLTdmM2sifX19.fRFW15B1ifNB69dctsTR5-Rhh4c3f4M7Mkz5n2loOtI",
                        "recording_enabled": True,
                    },
                    "price": "38.00",
                    "currency": "USD",
                }
            ]
        }
    )

    id: UUID
    tutor_id: UUID
    student_id: UUID
    subject: str
    starts_at: datetime
    duration_minutes: int
    status: Literal["requested", "scheduled", "in_progress", "completed", "cancelled", "no_show"]
    room: Optional[VideoRoom] = None
    price: Decimal
    currency: str


class LessonBooking(BaseModel):
    tutor_id: UUID
    student_id: UUID
    subject: str = Field(max_length=80)
    starts_at: datetime
    duration_minutes: int = Field(ge=30, le=180)
    note_for_tutor: Optional[str] = None


class RoomAccessGrant(BaseModel):
    """Short-lived participant token, minted per join."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"token": "<jwt>", "identity": "student_e1f2", "expires_in": 14400}]}
    )

    token: str
    identity: str
    expires_in: int


class RecordingExport(BaseModel):
    destination_url: str = Field(
        max_length=2048,
        description="Writable container URL at the school's storage account.",
        examples=[
            "https://lincolnhs-media.blob.core.windows.net/tutoring-recordings/2024-06/lesson-7731.mp4"
            "?sv=2022-11-02&ss=b&srt=o&sp=cw&se=2024-07-01T00:00:00Z&st=2024-06-01T00:00:00Z&spr=https"
            "&sig=q3Xk9vT2%2BmLr8Yb4Wn6Zc1Pd7Fh0Js5Ga3Qe9Ru2Tt8%3D"
        ],
    )
    format: Literal["mp4", "webm"] = "mp4"


class RecordingOut(BaseModel):
    lesson_id: UUID
    duration_seconds: int
    size_bytes: int
    sha256: str = Field(examples=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])
    available_until: date


class VideoProviderSettings(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "twilio",
                    "account_sid": "AC6e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b",
                    "api_key_sid": "SK3f9a0c2e7b1d48a6b5c4e3f2a1b0c9d8",
                    "api_key_secret": "ZDe1f8rESQedUStPKR0CsTy4UCsMehGA",
                    "status_callback_url": "http://video-events.tutorly.internal/twilio/status",
                    "max_participants": 4,
                }
            ]
        }
    )

    provider: Literal["twilio", "daily"]
    account_sid: str
    api_key_sid: str = Field(description="Identifier of the API key (not the secret).")
    api_key_secret: str
    status_callback_url: str
    max_participants: int = 4


# --------------------------------------------------------------------------- payments & payouts


class PayoutOut(BaseModel):
    id: UUID
    amount: Decimal
    currency: str
    status: Literal["pending", "in_transit", "paid", "failed"]
    arrival_date: Optional[date] = None
    stripe_transfer_id: Optional[str] = Field(default=None, examples=["tr_1PQr7s2eZvKYlo2CkLm0NoPq"])
    failure_code: Optional[str] = Field(default=None, examples=["account_closed"])
    failure_message: Optional[str] = None


class SavedCard(BaseModel):
    id: str = Field(examples=["pm_1PQr9t2eZvKYlo2CaB3cD4eF"])
    brand: str
    last4: str = Field(examples=["4242"])
    exp_month: int
    exp_year: int
    fingerprint: str = Field(examples=["Xt5EWLLDS7FJjR1c"])


class CardSnapshot(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"brand": "visa", "number": "4000000000000002", "cvv": "123", "exp_month": 8, "exp_year": 2027}
            ]
        }
    )

    brand: str
    number: str
    cvv: Optional[str] = None
    exp_month: int
    exp_year: int


class FailedCharge(BaseModel):
    id: str
    guardian_id: UUID
    amount: Decimal
    currency: str
    decline_code: Optional[str] = Field(default=None, examples=["insufficient_funds"])
    card: CardSnapshot
    attempted_at: datetime


class PayoutRunResult(BaseModel):
    batch_id: str
    transfers_created: int
    total_amount: Decimal


# --------------------------------------------------------------------------- safeguarding


class IdVerification(BaseModel):
    provider: Literal["veriff", "onfido"]
    provider_session_id: str
    document_type: Literal["passport", "national_id", "drivers_license"]
    document_country: str
    passport_number: Optional[str] = None
    curp: Optional[str] = Field(default=None, description="Clave Única de Registro de Población (Mexican tutors).")
    document_last4: Optional[str] = None
    selfie_match_score: Optional[float] = Field(default=None, ge=0, le=1)
    decision: Literal["approved", "declined", "resubmission_requested"]
    decided_at: datetime


class BackgroundScreening(BaseModel):
    scheme: Literal["uk_dbs_enhanced", "us_checkr", "br_antecedentes"]
    status: Literal["pending", "clear", "consider"]
    checked_at: Optional[date] = None
    renew_by: Optional[date] = None


class SafeguardingCase(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "SG-2024-0193",
                    "tutor_id": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
                    "category": "off_platform_contact",
                    "severity": "high",
                    "status": "under_review",
                    "reviewer": "ts-lead:amara",
                    "summary": "Tutor shared a personal messaging handle with a 14-year-old student.",
                    "id_verification": {
                        "provider": "veriff",
                        "provider_session_id": "f04bd7c6-3e21-4a8f-9b5d-2c7e1a6f8d90",
                        "document_type": "national_id",
                        "document_country": "MX",
                        "curp": "GOMC850312HDFRRL09",
                        "decision": "approved",
                        "decided_at": "2023-09-02T14:10:00Z",
                    },
                    "opened_at": "2024-06-03T08:12:00Z",
                }
            ]
        }
    )

    id: str
    tutor_id: UUID
    category: Literal[
        "off_platform_contact", "inappropriate_content", "payment_outside_platform", "background_check", "other"
    ]
    severity: Literal["low", "medium", "high", "critical"]
    status: Literal["open", "under_review", "actioned", "closed"]
    reviewer: Optional[str] = None
    summary: str
    id_verification: Optional[IdVerification] = None
    background: Optional[BackgroundScreening] = None
    opened_at: datetime


class SafeguardingCaseSummary(BaseModel):
    id: str
    category: str
    severity: Literal["low", "medium", "high", "critical"]
    status: Literal["open", "under_review", "actioned", "closed"]
    opened_at: datetime


class ConcernReport(BaseModel):
    lesson_id: Optional[UUID] = None
    tutor_id: UUID
    category: Literal["off_platform_contact", "inappropriate_content", "payment_outside_platform", "other"]
    description: str
    evidence_links: list[str] = []


class Escalation(BaseModel):
    case_id: str = Field(max_length=20)
    escalate_to: Literal["police_liaison", "lado", "conselho_tutelar"]
    notes: str = Field(max_length=4000)


# --------------------------------------------------------------------------- schools & integrations


class SamlConfig(BaseModel):
    idp_entity_id: str
    idp_sso_url: str = Field(examples=["https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/saml2"])
    idp_certificate: str = Field(description="IdP signing certificate (PEM).")
    sp_private_key: str = Field(description="Our SP signing key for this school's federation (PEM).")
    want_assertions_signed: bool = True


class SchoolPartnerOut(BaseModel):
    id: UUID
    name: str
    email_domain: str = Field(examples=["lincolnhs.example.org"])
    seats: int
    sso: Optional[SamlConfig] = None


class SchoolAdministrator(BaseModel):
    """A staff member at the partner school who manages seats (a customer role)."""

    name: str
    email: str
    title: Optional[str] = Field(default=None, examples=["Assistant Principal"])


class LtiToolConfigIn(BaseModel):
    lms: Literal["canvas", "moodle", "schoology"]
    launch_url: str = Field(max_length=2048, examples=["https://lti.tutorly.app/launch"])
    client_id: str = Field(max_length=64)
    shared_secret: str = Field(default="tutorly-lti-2019", max_length=128)


class LtiToolConfigOut(BaseModel):
    lms: Literal["canvas", "moodle", "schoology"]
    launch_url: str
    client_id: str = Field(examples=["10000000000042"])
    deployment_id: Optional[str] = None
    shared_secret: str


class ActiveSession(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "ses_01J05QF3ZC",
                    "device": "iPad (Tutorly 5.12)",
                    "ip_address": "203.0.113.50",
                    "last_seen_at": "2024-06-11T09:30:00Z",
                    "current": True,
                }
            ]
        }
    )

    id: str
    device: str
    ip_address: str
    last_seen_at: datetime
    current: bool


class ProgressReportExport(BaseModel):
    student_id: UUID
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    email_to: str = Field(max_length=254)
    mail_relay: str = Field(default="mx1.intranet.tutorly.io", max_length=253)


class StudentDashboard(CamelModel):
    """Mobile home screen (camelCase BFF)."""

    student: StudentOut
    upcoming_lessons: list[LessonOut]
    unread_messages: int
    streak_days: int


class OfferingType(BaseModel):
    slug: Literal["private-lessons", "small-group", "exam-bootcamp"]
    title: str
    min_price: Decimal


# --------------------------------------------------------------------------- errors


class ApiError(BaseModel):
    error: str = Field(examples=["lesson_not_found"])
    message: str
    request_id: str
    docs_url: Optional[str] = Field(default=None, examples=["https://developers.tutorly.app/errors#lesson_not_found"])


class StackFrame(BaseModel):
    filename: str = Field(examples=["/srv/tutorly/app/lessons/booking.py"])
    lineno: int
    function: str


class DebugContext(BaseModel):
    exception: str = Field(examples=["sqlalchemy.exc.IntegrityError: duplicate key value violates unique constraint"])
    frames: list[StackFrame]
    sql: Optional[str] = None
    sql_params: dict[str, str] = {}


class ServerError(BaseModel):
    error: str = "internal_error"
    request_id: str
    debug: Optional[DebugContext] = Field(default=None, description="Present when TUTORLY_DEBUG_ERRORS=1.")


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Tutorly API",
    version="5.12.0",
    description="Marketplace API for Tutorly web and mobile apps: tutors, students, guardians, lessons and payouts.",
    contact={"name": "Tutorly Engineering", "email": "api@tutorly.app"},
    servers=[
        {"url": "https://api.tutorly.app", "description": "Production"},
        {"url": "http://localhost:8000", "description": "Local"},
        {"url": "http://172.18.0.4:8000", "description": "docker-compose network on the shared dev VM"},
    ],
)

ERR = {
    400: {"model": ApiError},
    404: {"model": ApiError},
    409: {"model": ApiError},
    500: {"model": ServerError},
}
DEFAULT_ERR = {"default": {"model": ServerError, "description": "Unexpected error"}}

secured = [Depends(tutorly_oauth)]
tutors = APIRouter(prefix="/tutors", tags=["tutors"], dependencies=secured)
families = APIRouter(tags=["students"], dependencies=secured)
lessons = APIRouter(prefix="/lessons", tags=["lessons"], dependencies=secured)
money = APIRouter(tags=["payments"], dependencies=secured)
trust = APIRouter(prefix="/safeguarding", tags=["safeguarding"], dependencies=secured)
schools = APIRouter(tags=["schools"], dependencies=secured)
staff = APIRouter(tags=["staff"], dependencies=secured)


@tutors.get("/search", response_model=list[TutorPublicProfile], responses=ERR)
def search_tutors(
    subject: Annotated[str, Query(max_length=60)],
    q: Optional[str] = None,
    max_rate: Annotated[Optional[Decimal], Query(ge=0, le=1000)] = None,
) -> list[TutorPublicProfile]:
    """Ranked tutor search. Results come from the ranking service at ranker.service.consul:7070."""
    return []


@tutors.get("/{tutor_id}", response_model=TutorPublicProfile, responses=ERR)
def get_tutor(tutor_id: UUID) -> TutorPublicProfile:
    raise HTTPException(404)


@tutors.get("/me/account", response_model=TutorAccount, responses=ERR)
def my_tutor_account() -> TutorAccount:
    raise HTTPException(404)


@tutors.post("/applications", status_code=202, responses=ERR)
def apply_as_tutor(body: TutorApplication) -> None:
    """Start a tutor application (ID verification and background screening follow)."""


@families.get("/students/{student_id}", response_model=StudentOut, responses=ERR)
def get_student(student_id: UUID) -> StudentOut:
    raise HTTPException(404)


@families.post("/students/{student_id}/guardians", response_model=GuardianOut, status_code=201, responses=ERR)
def invite_guardian(student_id: UUID, body: GuardianInvite) -> GuardianOut:
    raise HTTPException(501)


@families.get("/v2/students/{student_id}/dashboard", response_model=StudentDashboard, responses=DEFAULT_ERR)
def student_dashboard(student_id: UUID) -> StudentDashboard:
    raise HTTPException(404)


@families.post("/reports/progress/export", status_code=202, responses=ERR)
def export_progress_report(body: ProgressReportExport) -> None:
    """E-mail a monthly progress report to a guardian."""


@lessons.post("", response_model=LessonOut, status_code=201, responses=ERR)
def book_lesson(body: LessonBooking) -> LessonOut:
    raise HTTPException(501)


@lessons.get("/{lesson_id}", response_model=LessonOut, responses=ERR)
def get_lesson(lesson_id: UUID) -> LessonOut:
    raise HTTPException(404)


@lessons.post("/{lesson_id}/room-token", response_model=RoomAccessGrant, status_code=201, responses=ERR)
def mint_room_token(lesson_id: UUID) -> RoomAccessGrant:
    """Mint a participant token for the lesson's video room."""
    raise HTTPException(404)


@lessons.get("/{lesson_id}/recording", response_model=RecordingOut, responses=ERR)
def get_recording(lesson_id: UUID) -> RecordingOut:
    """Recording metadata. The media is fetched from object storage with the node's instance role
    (http://169.254.169.254/latest/meta-data/iam/security-credentials/) and streamed to the player."""
    raise HTTPException(404)


@lessons.post("/{lesson_id}/recording/export", status_code=202, responses=ERR)
def export_recording(lesson_id: UUID, body: RecordingExport) -> None:
    """Copy a lesson recording to a partner school's own storage."""


@app.get("/catalog/private-lessons", response_model=list[OfferingType], tags=["catalog"])
def private_lesson_offerings() -> list[OfferingType]:
    """1:1 private lesson formats and starting prices."""
    return []


@app.get("/study-guides/debugging-basics", response_class=PlainTextResponse, tags=["catalog"])
def debugging_guide() -> str:
    """Free study guide for coding students: reading stack traces and using a debugger."""
    return ""


@money.get("/payouts", response_model=list[PayoutOut], responses=ERR)
def my_payouts(
    status: Optional[Literal["pending", "in_transit", "paid", "failed"]] = None,
    page_size: int = 50,
) -> list[PayoutOut]:
    return []


@money.get("/billing/cards", response_model=list[SavedCard])
def saved_cards() -> list[SavedCard]:
    return []


@money.get("/account/sessions", response_model=list[ActiveSession], tags=["account"])
def active_sessions() -> list[ActiveSession]:
    return []


@trust.get("/cases", response_model=list[SafeguardingCaseSummary], responses=ERR)
def list_cases(
    status: Optional[Literal["open", "under_review", "actioned", "closed"]] = None,
    reviewer: Optional[str] = None,
) -> list[SafeguardingCaseSummary]:
    return []


@trust.get("/cases/{case_id}", response_model=SafeguardingCase, responses=ERR)
def get_case(case_id: Annotated[str, Path(max_length=20)]) -> SafeguardingCase:
    raise HTTPException(404)


@trust.post("/reports", status_code=201, responses=ERR)
def report_concern(body: ConcernReport) -> None:
    """Report a safeguarding concern about a tutor or lesson."""


@schools.get("/schools/{school_id}", response_model=SchoolPartnerOut, responses=ERR)
def get_school(school_id: UUID) -> SchoolPartnerOut:
    raise HTTPException(404)


@schools.get("/schools/{school_id}/administrators", response_model=list[SchoolAdministrator], responses=ERR)
def school_admins(school_id: UUID) -> list[SchoolAdministrator]:
    return []


@schools.get("/schools/{school_id}/lti", response_model=LtiToolConfigOut, responses=ERR)
def get_lti(school_id: UUID) -> LtiToolConfigOut:
    raise HTTPException(404)


@schools.put("/schools/{school_id}/lti", response_model=LtiToolConfigOut, responses=ERR)
def put_lti(school_id: UUID, body: LtiToolConfigIn) -> LtiToolConfigOut:
    raise HTTPException(501)


@app.get(
    "/partner/v1/roster.csv", response_class=PlainTextResponse, tags=["schools"], dependencies=[Depends(partner_key)]
)
def roster_csv(
    api_key: Annotated[
        Optional[str],
        Query(
            max_length=64,
            description="Alternative to the X-Tutorly-Partner-Key header, for SIS tools that can only fetch a URL.",
            openapi_examples={
                "live": {"summary": "Lincoln HS production key", "value": "tpk_live_9hQ2mX7vL4rT8pK3wN6yB1cD5fG0jZ8s"},
                "placeholder": {"summary": "Your key", "value": "<partner-api-key>"},
            },
        ),
    ] = None,
) -> str:
    return ""


@staff.get("/admin/integrations/video", response_model=VideoProviderSettings)
def admin_video_settings() -> VideoProviderSettings:
    raise HTTPException(404)


@staff.get("/admin/payments/failed", response_model=list[FailedCharge], responses=DEFAULT_ERR)
def admin_failed_payments(since: Optional[date] = None) -> list[FailedCharge]:
    return []


@staff.post("/admin/safeguarding/escalations", status_code=201)
def admin_escalate(body: Escalation) -> None:
    """Escalate a case to an external authority."""


@staff.post("/internal/payouts/run", response_model=PayoutRunResult)
def run_payouts(dry_run: bool = False) -> PayoutRunResult:
    """Weekly payout batch through Stripe Connect.

    The cron job calls this with the platform key
    sk_live_51OqZ8d2eZvKYlo2Cq8Vt3LmX9pR4tW7yZ1bN6dE0gH5jK2sU9vA4xF7kM3qP8 (rotation: PAY-221).
    """
    raise HTTPException(501)


@staff.get("/v2/_debug/lesson-room/{lesson_id}", response_model=VideoRoom)
def debug_lesson_room(lesson_id: UUID) -> VideoRoom:
    """Raw room state, for support."""
    raise HTTPException(404)


@staff.get("/private/experiments", response_model=dict[str, str])
def experiment_assignments(user_id: UUID) -> dict[str, str]:
    """A/B bucket per experiment for one user."""
    return {}


app.include_router(tutors)
app.include_router(families)
app.include_router(lessons)
app.include_router(money)
app.include_router(trust)
app.include_router(schools)
app.include_router(staff)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
