"""Campusly: K-12 learning platform API (students, courses, assignments, SIS sync, LTI tools).

Generate the OpenAPI document with:  python campusly_app.py > campusly.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Generic, Literal, Optional, TypeVar, Union
from uuid import UUID

from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

bearer = HTTPBearer(description="OAuth2 access token issued by the district's Campusly login.")

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int = 0


class Envelope(BaseModel, Generic[T]):
    data: T
    meta: dict[str, str] = {}


class GradeLevel(str, Enum):
    K = "K"
    G1 = "1"
    G2 = "2"
    G3 = "3"
    G4 = "4"
    G5 = "5"
    G6 = "6"
    G7 = "7"
    G8 = "8"
    G9 = "9"
    G10 = "10"
    G11 = "11"
    G12 = "12"


class StaffRole(str, Enum):
    TEACHER = "teacher"
    COUNSELOR = "counselor"
    PRINCIPAL = "principal"
    DISTRICT_ADMIN = "district_admin"


# --------------------------------------------------------------------------- students


class Guardian(BaseModel):
    name: str
    relationship: Literal["mother", "father", "guardian", "other"]
    email: Optional[str] = None
    phone: Optional[str] = None
    portalPasswordChangedAt: Optional[datetime] = None


class Accessibility(BaseModel):
    keyboardNavigation: bool = False
    onScreenKeypad: bool = False
    extendedTimePct: int = 0


class StudentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3e2b6f0a-51c4-4f0e-8d1b-0c9b7a6e5d41",
                    "givenName": "Mateo",
                    "familyName": "Alvarez",
                    "gradeLevel": "7",
                    "dateOfBirth": "2012-09-14",
                    "ssnLast4": "3097",
                    "rewardTokens": 140,
                    "lunchPinHash": "$argon2id$v=19$m=65536,t=3,p=4$Zk9xR2NqZ3pQa0Rv$0m1Yx8Lw3VbC5n9QeTj2Ra7sPdUhKfGi4oZcXvBnMqE",
                    "guardians": [
                        {
                            "name": "Lucia Alvarez",
                            "relationship": "mother",
                            "email": "lucia.alvarez@outlook.com",
                            "phone": "+1 617 555 0134",
                        },
                        {
                            "name": "Diego Alvarez",
                            "relationship": "father",
                            "email": "diego@alvarez-home.test",
                            "phone": "(646) 555-3890",
                        },
                    ],
                }
            ]
        }
    )

    id: UUID
    givenName: str
    familyName: str
    gradeLevel: GradeLevel
    dateOfBirth: date
    ssnLast4: Optional[str] = Field(
        default=None, description="Last four digits only, for identity checks by the front office."
    )
    rewardTokens: int = Field(default=0, description="Classroom token-economy balance (stickers, homework passes).")
    lunchPinHash: Optional[str] = Field(default=None, description="Hash of the cafeteria PIN.")
    accessibility: Accessibility = Accessibility()
    guardians: list[Guardian] = []


class GuardianIn(BaseModel):
    name: str = Field(max_length=120)
    relationship: Literal["mother", "father", "guardian", "other"]
    email: Optional[str] = Field(default=None, max_length=254)
    phone: Optional[str] = Field(default=None, max_length=32)


class StudentCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "givenName": "Mateo",
                    "familyName": "Alvarez",
                    "gradeLevel": "7",
                    "dateOfBirth": "2012-09-14",
                    "ssn": "XXX-XX-XXXX",
                    "guardians": [{"name": "Lucia Alvarez", "relationship": "mother", "email": "lucia@example.org"}],
                }
            ]
        }
    )

    givenName: str = Field(max_length=80)
    familyName: str = Field(max_length=80)
    gradeLevel: GradeLevel
    dateOfBirth: date
    ssn: Optional[str] = Field(
        default=None, pattern=r"^\d{3}-\d{2}-\d{4}$", description="Only needed for state reporting."
    )
    guardians: list[GuardianIn] = []
    notes: Optional[str] = None


class StudentPatch(BaseModel):
    gradeLevel: Optional[GradeLevel] = None
    accessibility: Optional[Accessibility] = None
    notes: Optional[str] = None


class StudentRecord(StudentOut):
    """Full record for district administrators."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3e2b6f0a-51c4-4f0e-8d1b-0c9b7a6e5d41",
                    "givenName": "Mateo",
                    "familyName": "Alvarez",
                    "gradeLevel": "7",
                    "dateOfBirth": "2012-09-14",
                    "ssnFull": "412-68-3097",
                    "passportNo": "C03005988",
                    "medicalNotes": "Peanut allergy (EpiPen in nurse office)",
                }
            ]
        }
    )

    ssnFull: Optional[str] = None
    passportNo: Optional[str] = Field(default=None, description="International students only.")
    medicalNotes: Optional[str] = None


class CardIn(BaseModel):
    number: str = Field(pattern=r"^\d{12,19}$")
    expMonth: int = Field(ge=1, le=12)
    expYear: int = Field(ge=2024, le=2100)
    cvc: str = Field(pattern=r"^\d{3,4}$")


class TopUpRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amountCents": 2500,
                    "card": {"number": "4000056655665556", "expMonth": 12, "expYear": 2030, "cvc": "123"},
                }
            ]
        }
    )

    amountCents: int = Field(ge=100, le=50_000)
    card: CardIn
    saveCard: bool = False


class LunchAccountOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "studentId": "3e2b6f0a-51c4-4f0e-8d1b-0c9b7a6e5d41",
                    "balanceCents": 1275,
                    "autoTopUp": True,
                    "cardBrand": "visa",
                    "cardPan": "4539 1488 0343 6467",
                    "cvc2": "318",
                    "cardExp": "08/27",
                }
            ]
        }
    )

    studentId: UUID
    balanceCents: int
    autoTopUp: bool
    cardBrand: Optional[str] = None
    cardPan: Optional[str] = Field(default=None, description="Saved card used for automatic top-ups.")
    cvc2: Optional[str] = None
    cardExp: Optional[str] = None


# --------------------------------------------------------------------------- staff


class StaffHR(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "NATIONAL_INSURANCE_NO": "JT 48 21 93 B",
                    "BANK_IBAN": "GB33BUKB20201555555555",
                    "BANK_BIC": "BUKBGB22",
                    "CONTRACT_HOURS": 37,
                }
            ]
        }
    )

    NATIONAL_INSURANCE_NO: Optional[str] = None
    BANK_IBAN: Optional[str] = None
    BANK_BIC: Optional[str] = None
    CONTRACT_HOURS: Optional[int] = None


class StaffOut(BaseModel):
    id: UUID
    displayName: str
    email: str
    role: StaffRole
    hr: Optional[StaffHR] = Field(default=None, description="Populated for users with the HR scope.")


# --------------------------------------------------------------------------- courses


class CourseOut(BaseModel):
    id: UUID
    code: str
    title: str
    term: str
    maxSeats: int
    syllabusKeywords: list[str] = []


class CourseCreate(BaseModel):
    code: str = Field(pattern=r"^[A-Z]{2,5}-\d{3}$")
    title: str = Field(max_length=120)
    term: str = Field(pattern=r"^\d{4}-(FA|SP|SU)$")
    description: str = Field(description="Shown on the course card. Markdown.")
    maxSeats: int = Field(ge=1, le=500)
    syllabusKeywords: list[str] = []


class EnrollmentCreate(BaseModel):
    studentId: UUID
    courseId: UUID
    role: Literal["student", "auditor"] = "student"


class EnrollmentOut(BaseModel):
    id: UUID
    studentId: UUID
    courseId: UUID
    enrolledAt: datetime


class FeedbackNote(BaseModel):
    id: int
    authorId: UUID
    body: str
    visibleToStudent: bool = False


class RubricItem(BaseModel):
    criterion: str = Field(max_length=200)
    points: int = Field(ge=0, le=100)


class AssignmentCreate(BaseModel):
    title: str = Field(max_length=200)
    instructions: str
    points: int = Field(ge=0)
    dueAt: datetime
    rubric: list[RubricItem] = []


class AssignmentOut(BaseModel):
    id: UUID
    courseId: UUID
    title: str
    points: int
    dueAt: datetime


class SubmissionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "b7c1a0de-2f3e-4b5a-9c8d-7e6f5a4b3c21",
                    "studentId": "3e2b6f0a-51c4-4f0e-8d1b-0c9b7a6e5d41",
                    "fileName": "lab-report-3.pdf",
                    "fileUrl": "https://storage.googleapis.com/campusly-submissions/b7c1a0de/lab-report-3.pdf?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=uploader%40campusly-prod.iam.gserviceaccount.com%2F20240915%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240915T101500Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=4b1f0c9a2e7d3b6f8a5c1e0d9b7a3f2e6c4d8b1a0f9e7c5d3b2a1f0e9d8c7b6a",
                    "checksumSha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    "similarityScore": 0.12,
                    "submittedAt": "2024-09-15T10:14:58Z",
                }
            ]
        }
    )

    id: UUID
    studentId: UUID
    fileName: str
    fileUrl: str = Field(description="Signed download link, valid for 15 minutes.")
    checksumSha256: str
    similarityScore: Optional[float] = None
    submittedAt: datetime


class ProctorSessionCreated(BaseModel):
    """Returned once by POST; the launch token is single-use."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sessionId": "ps_8842",
                    "launchToken": "<single-use-launch-token>",
                    "proctorUrl": "https://proctor.campusly.com/s/ps_8842",
                }
            ]
        }
    )

    sessionId: str
    launchToken: str
    proctorUrl: str
    expiresAt: Optional[datetime] = None


# --------------------------------------------------------------------------- integrations


class LtiToolOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "name": "LabSim Chemistry",
                    "clientId": "10000000000042",
                    "deploymentId": "1:8f3e2d",
                    "toolJwksUrl": "https://labsim.example/.well-known/jwks.json",
                    "platformKid": "campusly-2024-09",
                    "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n-----END PUBLIC KEY-----",
                    "privateKeyPem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n-----END PRIVATE KEY-----",
                    "clientSecret": "lti_cs_R8w2Kq5Zp1Xv7Ln3Tb9Hm4Yc6Df0Gs",
                    "previousClientSecrets": ["lti_cs_Q1a9Wm3Zr5Tk7Xc2Vb8Nh4Ls6Pd0Jf"],
                }
            ]
        }
    )

    id: int
    name: str
    clientId: str
    deploymentId: str
    toolJwksUrl: Optional[str] = None
    platformKid: str
    publicKeyPem: str
    privateKeyPem: str = Field(description="Platform signing key for id_tokens sent to this tool.")
    clientSecret: Optional[str] = None
    previousClientSecrets: list[str] = Field(default_factory=list, description="Kept for 7 days after rotation.")


class LtiToolCreate(BaseModel):
    name: str = Field(max_length=120)
    loginUrl: str = Field(max_length=2048)
    redirectUrls: list[Annotated[str, Field(max_length=2048)]] = Field(max_length=10)
    toolJwksUrl: Optional[str] = Field(default=None, max_length=2048)
    clientSecret: Optional[str] = Field(
        default=None, max_length=256, description="Only for tools using client_secret_basic."
    )


class SamlConfigOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "entityId": "https://api.campusly.com/saml/lincoln-usd",
                    "metadataUrl": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/federationmetadata/2007-06/federationmetadata.xml",
                    "idpCertificate": "-----BEGIN CERTIFICATE-----\nMIIC8DCCAdigAwIBAgIQaW3Ru9r6a4tG0+9+1bQ9lDANBgkqhkiG9w0BAQsFADA0\nMTIwMAYDVQQDEylNaWNyb3NvZnQgQXp1cmUgRmVkZXJhdGVkIFNTTyBDZXJ0aWZp\n-----END CERTIFICATE-----",
                    "spCertificateFingerprint": "SHA1:3B:7F:2E:91:0C:55:AD:18:64:9E:C2:07:F1:4B:88:D3:6A:20:5C:E9",
                    "spSigningKey": "MIIEowIBAAKCAQEAwJ8d0rQq3lT7v2xYb9kK1mN4pR6sU8wZ0cE2gI4jL6nO8qS0uW2yA4cF6hJ8kM0oQ2sU4wY6aC8eG0iK2mO4qS6uW8yA0cE2gI4",
                    "allowIdpInitiated": False,
                }
            ]
        }
    )

    entityId: str
    metadataUrl: str
    idpCertificate: str
    spCertificateFingerprint: str
    spSigningKey: str = Field(description="Base64 DER of the SP private key used to sign AuthnRequests.")
    allowIdpInitiated: bool = False


class SisVendor(str, Enum):
    powerschool = "powerschool"
    infinite_campus = "infinite_campus"
    skyward = "skyward"


class SisConnectionIn(BaseModel):
    vendor: SisVendor
    connStr: str = Field(max_length=1024, description="ODBC connection string for the SIS reporting replica.")
    syncHourUtc: int = Field(default=5, ge=0, le=23)


class SisConnectionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "vendor": "powerschool",
                    "connStr": "Server=sqlsrv01.district.local;Database=PowerSchool;User Id=campusly_sync;Password=Gr@debook2024;",
                    "syncHourUtc": 5,
                    "lastSyncAt": "2024-09-15T05:02:11Z",
                    "lastSyncStatus": "ok",
                }
            ]
        }
    )

    vendor: SisVendor
    connStr: str
    syncHourUtc: int
    lastSyncAt: Optional[datetime] = None
    lastSyncStatus: Literal["ok", "partial", "failed", "never"] = "never"


class SmtpConfig(BaseModel):
    host: str
    port: int
    username: str
    smtpPass: str


class TwilioConfig(BaseModel):
    accountSid: str
    authToken: str
    fromNumber: str


class SlackConfig(BaseModel):
    channel: str
    botToken: str


class NotificationChannelOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 4,
                    "kind": "sms",
                    "config": {
                        "accountSid": "AC3f9a1c0b7e2d4f6a8c0e1b3d5f7a9c2e",
                        "authToken": "5c1e9b7a3d2f4e6a8b0c1d3e5f7a9b2c",
                        "fromNumber": "+1 201 555 0123",
                    },
                },
                {
                    "id": 5,
                    "kind": "slack",
                    "config": {
                        "channel": "#attendance-alerts",
                        "botToken": "xoxb-2291744-7719301226-Kq8Zr3Lm1Vn5Xc7Tb2Wp9Hs4",
                    },
                },
                {
                    "id": 6,
                    "kind": "email",
                    "config": {
                        "host": "mail.lincoln-usd.localdomain",
                        "port": 587,
                        "username": "campusly-notify",
                        "smtpPass": "Spr1ng!Term2024",
                    },
                },
            ]
        }
    )

    id: int
    kind: Literal["email", "sms", "slack"]
    config: Union[SmtpConfig, TwilioConfig, SlackConfig]


# --------------------------------------------------------------------------- me / mfa


class MfaEnrolment(BaseModel):
    """Returned once by POST /v2/me/mfa."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "otpauthUri": "otpauth://totp/Campusly:r.okonkwo?secret=KZXW6YTBOI2GC3LTMRQWY5DF&issuer=Campusly",
                    "recoveryCodes": ["7f3k-92lq", "x8v2-m4np", "q1z7-c5hd", "w9r3-t6ye"],
                }
            ]
        }
    )

    otpauthUri: str
    recoveryCodes: list[str]


class MfaStatus(BaseModel):
    enabled: bool
    method: Optional[Literal["totp", "webauthn"]] = None
    recoveryCodesRemaining: int = 0
    mfaSeed: Optional[str] = Field(
        default=None, description="Base32 TOTP seed (kept for re-display in the mobile app)."
    )


class LoginEvent(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"at": "2024-09-15T07:31:00Z", "ip": "203.0.113.9", "userAgent": "Mozilla/5.0", "success": True}
            ]
        }
    )

    at: datetime
    ip: str
    userAgent: str
    success: bool


class GuardianSignup(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=10, max_length=128)
    inviteCode: str = Field(pattern=r"^[A-Z0-9]{8}$")


class GuardianAccountOut(BaseModel):
    id: UUID
    email: str
    createdAt: datetime


class GuardianAccountRecord(BaseModel):
    id: UUID
    email: str
    pwHash: str
    pwSalt: str
    lastLoginAt: Optional[datetime] = None


class GuardianAccountConflict(BaseModel):
    detail: str = "An account with this e-mail already exists"
    existingAccount: GuardianAccountRecord


class JWK(BaseModel):
    kty: str
    kid: str
    alg: str
    n: str
    e: str


class JWKS(BaseModel):
    keys: list[JWK]


# --------------------------------------------------------------------------- errors


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: Optional[str] = None
    instance: Optional[str] = None


class DebugContext(BaseModel):
    sqlStatement: Optional[str] = None
    sourceFile: str
    lineNo: int
    localsRepr: dict[str, str] = {}


class ServerProblem(Problem):
    traceId: str
    exceptionType: Optional[str] = Field(default=None, examples=["psycopg.errors.DeadlockDetected"])
    stack: Optional[list[str]] = None
    debug: Optional[DebugContext] = None


# --------------------------------------------------------------------------- app

DESCRIPTION = """
The Campusly REST API powers the web and mobile apps for students, guardians and staff.

### Getting a token

```
curl -X POST https://api.campusly.com/oauth/token -d grant_type=client_credentials \\
     -u "$CLIENT_ID:$CLIENT_SECRET"
curl https://api.campusly.com/v2/students -H "Authorization: Bearer <access-token>"
```

Architecture notes for integrators: <https://docs.campusly.com/internals-guide>.
Press kit: <https://corpcomms.campusly.com/press>.
"""

app = FastAPI(
    title="Campusly API",
    version="2.9.0",
    description=DESCRIPTION,
    contact={"name": "Campusly Developer Relations", "email": "devrel@campusly.com"},
    servers=[
        {"url": "https://api.campusly.com", "description": "Production"},
        {
            "url": "https://{district}.campusly.com",
            "description": "District vanity host",
            "variables": {"district": {"default": "demo", "description": "Your district slug"}},
        },
        {"url": "https://sis-bridge.campusly.intranet", "description": "SIS bridge (district VPN)"},
        {"url": "http://[fd7a:115c:a1e0::53]:8443", "description": "Tailnet"},
    ],
    openapi_tags=[
        {"name": "students"},
        {"name": "courses"},
        {
            "name": "sis",
            "description": "Student Information System sync. Jobs run on sync-worker.campusly-internal.net.",
        },
        {"name": "integrations"},
        {"name": "me"},
    ],
)

ERR = {
    404: {"model": Problem, "description": "Not found"},
    500: {"model": ServerProblem, "description": "Server error"},
    "default": {"model": ServerProblem},
}

v2 = APIRouter(prefix="/v2", dependencies=[Depends(bearer)])
ops = APIRouter(tags=["ops"])


@v2.get("/students", response_model=Page[StudentOut], tags=["students"])
def list_students(
    search: Annotated[Optional[str], Query(description="Name or student number")] = None,
    gradeLevel: Optional[GradeLevel] = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[StudentOut]:
    return Page[StudentOut](items=[], total=0)


@v2.post("/students", response_model=StudentOut, status_code=201, tags=["students"], responses=ERR)
def create_student(body: StudentCreate) -> StudentOut:
    raise HTTPException(501)


@v2.get("/students/{student_id}", response_model=StudentOut, tags=["students"], responses=ERR)
def get_student(student_id: UUID) -> StudentOut:
    raise HTTPException(404)


@v2.patch("/students/{student_id}", response_model=StudentOut, tags=["students"], responses=ERR)
def patch_student(student_id: UUID, body: StudentPatch) -> StudentOut:
    raise HTTPException(404)


@v2.get("/students/{student_id}/lunch-account", response_model=LunchAccountOut, tags=["students"], responses=ERR)
def lunch_account(student_id: UUID) -> LunchAccountOut:
    raise HTTPException(404)


class LunchBalance(BaseModel):
    balanceCents: int
    cardLast4: Optional[str] = None


@v2.post("/students/{student_id}/lunch-account/top-up", response_model=LunchBalance, tags=["students"], responses=ERR)
def top_up(student_id: UUID, body: TopUpRequest) -> LunchBalance:
    raise HTTPException(404)


@v2.get("/staff", response_model=Page[StaffOut], tags=["staff"])
def list_staff(role: Optional[StaffRole] = None) -> Page[StaffOut]:
    return Page[StaffOut](items=[], total=0)


@v2.get("/admins", response_model=list[StaffOut], tags=["staff"])
def list_school_admins() -> list[StaffOut]:
    """School administrators (principals, office managers) of the caller's school."""
    return []


@v2.get("/courses", response_model=Page[CourseOut], tags=["courses"])
def list_courses(term: Annotated[Optional[str], Query(pattern=r"^\d{4}-(FA|SP|SU)$")] = None) -> Page[CourseOut]:
    return Page[CourseOut](items=[], total=0)


@v2.post("/courses", response_model=CourseOut, status_code=201, tags=["courses"], responses=ERR)
def create_course(body: CourseCreate) -> CourseOut:
    raise HTTPException(501)


@v2.get("/courses/{course_id}/private-feedback", response_model=list[FeedbackNote], tags=["courses"])
def private_feedback(course_id: UUID) -> list[FeedbackNote]:
    """Teacher-only feedback notes on the course (not shown to students)."""
    return []


@v2.post("/enrollments", response_model=EnrollmentOut, status_code=201, tags=["courses"], responses=ERR)
def enroll(body: EnrollmentCreate) -> EnrollmentOut:
    raise HTTPException(501)


@v2.post(
    "/courses/{course_id}/assignments", response_model=AssignmentOut, status_code=201, tags=["courses"], responses=ERR
)
def create_assignment(course_id: UUID, body: AssignmentCreate) -> AssignmentOut:
    raise HTTPException(501)


@v2.get("/assignments/{assignment_id}/submissions", response_model=Page[SubmissionOut], tags=["courses"], responses=ERR)
def submissions(assignment_id: UUID) -> Page[SubmissionOut]:
    return Page[SubmissionOut](items=[], total=0)


@v2.post(
    "/exams/{exam_id}/proctor-sessions",
    response_model=ProctorSessionCreated,
    status_code=201,
    tags=["courses"],
    responses=ERR,
)
def start_proctoring(exam_id: UUID) -> ProctorSessionCreated:
    raise HTTPException(501)


@v2.get("/integrations/lti", response_model=list[LtiToolOut], tags=["integrations"])
def list_lti_tools() -> list[LtiToolOut]:
    return []


@v2.post("/integrations/lti", response_model=LtiToolOut, status_code=201, tags=["integrations"], responses=ERR)
def register_lti_tool(body: LtiToolCreate) -> LtiToolOut:
    raise HTTPException(501)


@v2.get("/sso/saml", response_model=SamlConfigOut, tags=["integrations"], responses=ERR)
def saml_config() -> SamlConfigOut:
    raise HTTPException(404)


@v2.get("/sis/connection", response_model=SisConnectionOut, tags=["sis"], responses=ERR)
def get_sis_connection() -> SisConnectionOut:
    raise HTTPException(404)


@v2.put("/sis/connection", response_model=SisConnectionOut, tags=["sis"], responses=ERR)
def put_sis_connection(body: SisConnectionIn) -> SisConnectionOut:
    raise HTTPException(501)


@v2.get("/settings/notification-channels", response_model=list[NotificationChannelOut], tags=["integrations"])
def notification_channels() -> list[NotificationChannelOut]:
    return []


@v2.post("/me/mfa", response_model=MfaEnrolment, status_code=201, tags=["me"])
def enrol_mfa() -> MfaEnrolment:
    """Start TOTP enrolment. Scan the QR code, then confirm with a code."""
    raise HTTPException(501)


@v2.get("/me/mfa", response_model=MfaStatus, tags=["me"])
def mfa_status() -> MfaStatus:
    return MfaStatus(enabled=False)


@v2.get("/me/logins", response_model=list[LoginEvent], tags=["me"])
def my_logins(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[LoginEvent]:
    return []


@app.get("/v2/calendar.ics", tags=["me"], response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def calendar_feed(
    feedToken: Annotated[
        str,
        Query(
            max_length=64,
            description="Personal feed token. Subscribe with `https://api.campusly.com/v2/calendar.ics?feedToken=<your-feed-token>`.",
            examples=["cal_Hn4Rz8Qw2Lk6Vp1Xt9Bc3Md7"],
        ),
    ],
) -> Response:
    return Response(content="BEGIN:VCALENDAR\nEND:VCALENDAR", media_type="text/calendar")


@app.post(
    "/v2/guardian-accounts",
    response_model=GuardianAccountOut,
    status_code=201,
    tags=["me"],
    responses={409: {"model": GuardianAccountConflict, "description": "E-mail already registered"}},
)
def guardian_signup(body: GuardianSignup) -> GuardianAccountOut:
    raise HTTPException(501)


@app.get("/.well-known/jwks.json", response_model=JWKS, tags=["integrations"])
def jwks() -> JWKS:
    """Platform public keys for LTI tools."""
    return JWKS(keys=[])


@app.get("/internals-guide", response_class=HTMLResponse, tags=["docs"])
def internals_guide() -> str:
    """How grades, attendance and sync fit together."""
    return "<h1>Campusly internals</h1>"


# ----- district administration and maintenance -----


@ops.get("/admin/students/{student_id}", response_model=Envelope[StudentRecord], responses=ERR)
def admin_student_record(student_id: UUID) -> Envelope[StudentRecord]:
    raise HTTPException(404)


@ops.post("/admin/students/{student_id}/impersonate", include_in_schema=False)
def impersonate(student_id: UUID) -> dict[str, Any]:
    return {}


@ops.post("/v2/private/gradebook/recalculate", status_code=202, responses=ERR)
def recalc_gradebook(
    reason: Annotated[str, Body(embed=True)], termId: Annotated[Optional[str], Query(max_length=16)] = None
) -> None:
    """Recompute weighted grades. The worker reads its cloud credentials from 169.254.169.254."""


@ops.get("/__debug__/sql-log", response_model=list[str])
def sql_log(n: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[str]:
    return []


app.include_router(v2)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
