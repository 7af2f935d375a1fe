"""Ledgerly Payroll: employees, pay runs, pay stubs, tax profiles and bank-file delivery.

Generate the OpenAPI document with:  python payroll_app.py > payroll.openapi.json
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, Optional, TypeVar
from uuid import UUID

from fastapi import APIRouter, Body, FastAPI, Header, HTTPException, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field, computed_field

T = TypeVar("T")


# --------------------------------------------------------------------------- generic wrappers


class Envelope(BaseModel, Generic[T]):
    data: T
    meta: dict[str, str] = Field(default_factory=dict)


class CursorPage(BaseModel, Generic[T]):
    results: list[T]
    nextCursor: Optional[str] = None


# --------------------------------------------------------------------------- employees


class PayFrequency(str, Enum):
    weekly = "weekly"
    biweekly = "biweekly"
    semimonthly = "semimonthly"
    monthly = "monthly"


class EmploymentType(str, Enum):
    full_time = "full_time"
    part_time = "part_time"
    contractor = "contractor"


_PERIODS = {"weekly": 52, "biweekly": 26, "semimonthly": 24, "monthly": 12}


class Compensation(BaseModel):
    annual_salary: float = Field(ge=0, le=10_000_000)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    frequency: PayFrequency = PayFrequency.biweekly

    @computed_field
    @property
    def per_period(self) -> float:
        return round(self.annual_salary / _PERIODS[self.frequency.value], 2)


class DirectDeposit(BaseModel):
    """Where net pay is sent. Routing and account numbers are needed by the bank file."""

    bank_name: str = Field(max_length=120, examples=["First Federal Credit Union"])
    routing_no: str = Field(pattern=r"^\d{9}$", examples=["021000021"])
    acct_no: str = Field(pattern=r"^\d{4,17}$", examples=["004417293385"])
    acct_type: Literal["checking", "savings"] = "checking"


class EmergencyContact(BaseModel):
    name: str
    relationship: str
    phone: str


class EmployeeCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "firstName": "Priya",
                    "lastName": "Natarajan",
                    "workEmail": "priya.natarajan@example.com",
                    "dob": "1990-04-17",
                    "ssn": "XXX-XX-XXXX",
                    "homePhone": "+1-303-555-0182",
                    "compensation": {"annual_salary": 98000, "frequency": "biweekly"},
                    "type": "full_time",
                }
            ]
        }
    )

    firstName: str = Field(max_length=80)
    lastName: str = Field(max_length=80)
    workEmail: str = Field(max_length=254)
    dob: date = Field(description="Date of birth, used for benefits eligibility.")
    ssn: str = Field(
        pattern=r"^\d{3}-\d{2}-\d{4}$",
        description="Social Security number. Stored encrypted at rest.",
    )
    homePhone: Optional[str] = Field(default=None, max_length=32)
    department: Optional[str] = None
    compensation: Compensation
    type: EmploymentType = EmploymentType.full_time


class EmployeeRecord(BaseModel):
    """Full HR record of one employee."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f6b2c1e-9a4d-4e7b-8c0f-2d5a7e91b604",
                    "firstName": "Dana",
                    "lastName": "Whitfield",
                    "workEmail": "dana.whitfield@example.com",
                    "personalEmail": "dwhitfield82@outlook.com",
                    "dob": "1982-09-03",
                    "ssn": "523-41-8876",
                    "homePhone": "+1 720 555 0143",
                    "emergencyContact": {
                        "name": "Chris Whitfield",
                        "relationship": "spouse",
                        "phone": "+1 (415) 867-2291",
                    },
                    "compensation": {
                        "annual_salary": 112500,
                        "currency": "USD",
                        "frequency": "semimonthly",
                        "per_period": 4687.5,
                    },
                    "hiredOn": "2019-06-10",
                }
            ]
        }
    )

    id: UUID
    firstName: str
    lastName: str
    workEmail: str
    personalEmail: Optional[str] = None
    dob: date
    ssn: str
    ssnVerifiedAt: Optional[datetime] = Field(default=None, description="When E-Verify confirmed the SSN.")
    homePhone: Optional[str] = None
    emergencyContact: Optional[EmergencyContact] = None
    compensation: Compensation
    directDeposit: Optional[DirectDeposit] = None
    hiredOn: date


class EmployeeSummary(BaseModel):
    id: UUID
    displayName: str
    department: Optional[str] = None
    ssn_last4: str = Field(examples=["8876"], description="Last four digits of the SSN, for disambiguation.")
    active: bool = True


class TaxProfile(BaseModel):
    employee_id: UUID
    tax_id: str = Field(description="Taxpayer identification number exactly as filed on the W-4.")
    tax_id_type: Literal["ssn", "itin"] = "ssn"
    filing_status: Literal["single", "married_joint", "married_separate", "head_of_household"]
    state_code: str = Field(examples=["CO"])
    extra_withholding: float = 0.0
    exempt: bool = False


class WorkAuthorization(BaseModel):
    document_type: Literal["passport", "green_card", "ead"]
    passportNo: Optional[str] = Field(default=None, pattern=r"^[A-Z0-9]{6,9}$")
    issuing_country: str = Field(pattern=r"^[A-Z]{2}$")
    expires_on: date

    @computed_field
    @property
    def expires_within_90_days(self) -> bool:
        return (self.expires_on - date.today()).days < 90


# --------------------------------------------------------------------------- pay runs


class PayException(BaseModel):
    """An employee the pay run could not process automatically (e.g. missing timesheet)."""

    employee_id: UUID
    exception_code: str = Field(examples=["MISSING_TIMESHEET"])
    reason: str


class PayRunStatus(str, Enum):
    draft = "draft"
    approved = "approved"
    submitted = "submitted"
    paid = "paid"


class PayRun(BaseModel):
    id: str = Field(examples=["pr_7k2m9x4q"])
    period_start: date
    period_end: date
    status: PayRunStatus
    employee_count: int
    gross_total: float
    exceptions: list[PayException] = []


class PayRunCreate(BaseModel):
    period_start: date
    period_end: date
    pay_date: date
    memo: Optional[str] = None
    employee_ids: Optional[list[UUID]] = Field(default=None, description="Defaults to every active employee.")


class PayRunApproval(BaseModel):
    approval_passcode: str = Field(
        pattern=r"^\d{6}$", description="Supervisors re-enter their six-digit approval passcode."
    )
    comment: Optional[str] = Field(default=None, max_length=500)


class Deduction(BaseModel):
    code: str = Field(examples=["401K"])
    label: str
    amount: float
    pretax: bool


class PayStub(BaseModel):
    id: str
    employee_id: UUID
    period_start: date
    period_end: date
    gross: float
    net: float
    deductions: list[Deduction]
    pdf_url: str = Field(
        description="Short-lived download link for the PDF stub.",
        examples=[
            "https://ledgerly-stubs.s3.amazonaws.com/2024/05/ps_77f2a1.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIA5Q2HJ7RT3ZK4WXNM%2F20240501%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20240501T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=8c1f0e5d3b7a92c4e6f18d0b5a3c7e9f2d4b6a8c0e1f3a5b7d9c2e4f6a8b0d1c"
        ],
    )


# --------------------------------------------------------------------------- API clients & integrations


class ClientScope(str, Enum):
    payroll_read = "payroll:read"
    payroll_write = "payroll:write"
    employees_read = "employees:read"


class ApiClientCreate(BaseModel):
    name: str = Field(max_length=64)
    scopes: list[ClientScope]


class ApiClientCreated(BaseModel):
    """Returned once by POST /api-clients. The secret cannot be retrieved later."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client_id": "lc_8N2QxV4b",
                    "api_secret": "<api-secret>",
                    "secret_prefix": "lgr_sk_8N2Q",
                    "created_at": "2024-05-02T10:00:00Z",
                }
            ]
        }
    )

    client_id: str
    api_secret: str
    secret_prefix: str
    created_at: datetime


class ApiClientSummary(BaseModel):
    client_id: str
    name: str
    secret_last4: str = Field(examples=["Q7dX"])
    scopes: list[ClientScope]
    created_at: datetime
    last_used_at: Optional[datetime] = None


class AccountingConnection(BaseModel):
    """A connected general-ledger system that receives payroll journals."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "provider": "quickbooks",
                    "realm_id": "9130357810456172",
                    "connected_at": "2024-01-15T16:20:00Z",
                    "oauthRefreshToken": "AB11714583921Yj5nq3vZr0KxWmP7TgHcLdE2sFaQoU8iBNyRt4",
                    "tokenExpiresAt": "2024-08-13T16:20:00Z",
                }
            ]
        }
    )

    provider: Literal["quickbooks", "xero", "netsuite"]
    realm_id: str = Field(description="Company id in the accounting system.")
    connected_at: datetime
    oauthRefreshToken: str = Field(description="Refresh token used by the nightly journal sync.")
    tokenExpiresAt: datetime


class BankSftpConfig(BaseModel):
    """Delivery settings for NACHA bank files."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "host": "bankfiles-internal.ledgerly-hr.com",
                    "port": 22,
                    "username": "ledgerly_ach",
                    "sftp_passwd": "Bq7!mRx2#Lp9vW",
                    "pgp_public_key": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmQINBGWxQ3cBEADJ2k9Zp7fX1vR4tY8uN3mL6qK0bC5dE2gH7jS9wA4xF1zP3\n-----END PGP PUBLIC KEY BLOCK-----",
                    "pgp_fingerprint": "7F3A 9C21 04BE 55D1 A0C3  9E7B 2D48 F615 0A9C 33E2",
                }
            ]
        }
    )

    host: str
    port: int
    username: str
    sftp_passwd: str
    pgp_public_key: str = Field(description="Bank's public key; files are encrypted to it.")
    pgp_fingerprint: str


class BankSftpConfigIn(BaseModel):
    host: str = Field(max_length=253)
    port: int = Field(default=22, ge=1, le=65535)
    username: str = Field(max_length=64)
    sftp_passwd: str = Field(max_length=128)
    pgp_public_key: str = Field(max_length=16_384)


class BankStatusEvent(BaseModel):
    file_id: str = Field(max_length=40)
    status: Literal["accepted", "rejected", "returned"]
    detail: Optional[str] = None


class UserSecurity(BaseModel):
    user_id: UUID
    mfa_enabled: bool
    recovery_codes: list[str] = Field(description="Unused one-time recovery codes.")
    last_login_ip: Optional[str] = Field(default=None, examples=["172.18.0.9"])
    last_login_at: Optional[datetime] = None


class PayrollAdminContact(BaseModel):
    name: str
    email: str = Field(examples=["payroll-lead@acme.example"])
    timezone: str


class TaxTableInfo(BaseModel):
    jurisdiction: str
    version: str
    loaded_at: datetime


# --------------------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    code: str = Field(examples=["employee_not_found"])
    message: str
    request_id: str


class ServerFault(BaseModel):
    error: str = "internal_error"
    exc_type: str = Field(description="Exception class, e.g. `psycopg.errors.DeadlockDetected`.")
    stack_trace: list[str] = Field(default_factory=list)
    failed_statement: Optional[str] = Field(default=None, description="SQL statement that raised, if any.")
    correlation_id: str


# --------------------------------------------------------------------------- app

app = FastAPI(
    title="Ledgerly Payroll API",
    version="3.2.0",
    description=(
        "Payroll and HR records for Ledgerly customers. All amounts are in the company's "
        "base currency. Status page: https://status.ledgerly-hr.com"
    ),
    contact={"name": "Payroll platform", "email": "payroll-eng@ledgerly-hr.com"},
    servers=[
        {"url": "https://api.ledgerly-hr.com/v1", "description": "Production"},
        {"url": "https://sandbox.ledgerly-hr.com/v1", "description": "Sandbox"},
        {"url": "http://payroll-api.hr.corp:8443/v1", "description": "HQ network"},
    ],
)

ERRS = {
    404: {"model": ErrorDetail, "description": "Not found"},
    500: {"model": ServerFault, "description": "Unhandled server error"},
}

employees = APIRouter(prefix="/employees", tags=["employees"])
payruns = APIRouter(prefix="/payruns", tags=["pay runs"])
integrations = APIRouter(prefix="/integrations", tags=["integrations"])
ops = APIRouter(tags=["ops"])

EmployeeId = Annotated[UUID, Path(description="Employee id")]


@employees.get("", response_model=CursorPage[EmployeeSummary])
def list_employees(
    q: Annotated[
        Optional[str],
        Query(
            max_length=100,
            description="Search by name or work e-mail.",
            openapi_examples={
                "by-email": {"summary": "Work e-mail", "value": "jordan.perez@example.org"},
                "by-name": {"summary": "Surname", "value": "Perez"},
            },
        ),
    ] = None,
    department: Optional[str] = None,
    cursor: Annotated[Optional[str], Query(max_length=64)] = None,
) -> CursorPage[EmployeeSummary]:
    """List employees. Questions about the directory: https://help.ledgerly-hr.com/directory"""
    return CursorPage[EmployeeSummary](results=[])


@employees.post("", response_model=Envelope[EmployeeRecord], status_code=201, responses=ERRS)
def create_employee(body: EmployeeCreate) -> Envelope[EmployeeRecord]:
    raise HTTPException(501)


@employees.get("/{employee_id}", response_model=Envelope[EmployeeRecord], responses=ERRS)
def get_employee(employee_id: EmployeeId) -> Envelope[EmployeeRecord]:
    raise HTTPException(404)


@employees.put("/{employee_id}/direct-deposit", response_model=DirectDeposit, responses=ERRS)
def set_direct_deposit(employee_id: EmployeeId, body: DirectDeposit) -> DirectDeposit:
    return body


@employees.get("/{employee_id}/tax-profile", response_model=TaxProfile, responses=ERRS)
def get_tax_profile(employee_id: EmployeeId) -> TaxProfile:
    raise HTTPException(404)


@employees.put("/{employee_id}/work-authorization", response_model=WorkAuthorization, responses=ERRS)
def put_work_authorization(employee_id: EmployeeId, body: WorkAuthorization) -> WorkAuthorization:
    return body


@employees.get("/{employee_id}/paystubs", response_model=list[PayStub], responses=ERRS)
def list_paystubs(employee_id: EmployeeId, year: Annotated[int, Query(ge=2000, le=2100)] = 2024) -> list[PayStub]:
    return []


@payruns.get("", response_model=CursorPage[PayRun])
def list_payruns(
    status: Optional[PayRunStatus] = None,
    since: Optional[date] = None,
    limit: int = 50,
) -> CursorPage[PayRun]:
    return CursorPage[PayRun](results=[])


@payruns.post("", response_model=PayRun, status_code=201, responses=ERRS)
def create_payrun(body: PayRunCreate) -> PayRun:
    """Create a draft pay run.

    ```
    curl https://api.ledgerly-hr.com/v1/payruns \\
      -H 'X-Client-Id: lc_8N2QxV4b' \\
      -H 'X-Api-Secret: lgr_sk_live_8N2QxV4bT7mK3pR9wZ1cF5hJ0sL6dQ7dX' \\
      -d '{"period_start": "2024-05-01", "period_end": "2024-05-15", "pay_date": "2024-05-20"}'
    ```
    """
    raise HTTPException(501)


@payruns.post("/{run_id}/approve", response_model=PayRun, responses=ERRS)
def approve_payrun(
    run_id: Annotated[str, Path(pattern=r"^pr_[a-z0-9]{8}$")],
    body: Annotated[
        PayRunApproval,
        Body(
            openapi_examples={
                "approve": {
                    "summary": "Approve with passcode",
                    "value": {"approval_passcode": "719204", "comment": "Includes Q2 bonuses"},
                },
                "template": {
                    "summary": "Template",
                    "value": {"approval_passcode": "<your-passcode>"},
                },
            }
        ),
    ],
) -> PayRun:
    raise HTTPException(404)


@app.get("/paystubs/{stub_id}", response_model=PayStub, responses=ERRS, tags=["pay runs"])
def get_paystub(stub_id: Annotated[str, Path(max_length=32)]) -> PayStub:
    raise HTTPException(404)


@app.get("/reports/payroll-register", tags=["reports"], responses=ERRS)
def payroll_register(
    run_id: Annotated[str, Query(pattern=r"^pr_[a-z0-9]{8}$")],
    zip_password: Annotated[
        str, Query(max_length=64, description="Password for the encrypted ZIP archive.")
    ] = "Ledgerly!2024",
    fmt: Literal["csv", "xlsx"] = "csv",
) -> None:
    """Download the payroll register for a pay run as an encrypted ZIP."""


@app.post("/api-clients", response_model=ApiClientCreated, status_code=201, tags=["api clients"])
def create_api_client(body: ApiClientCreate) -> ApiClientCreated:
    """Create an API client. The secret is only shown in this response."""
    raise HTTPException(501)


@app.get("/api-clients", response_model=list[ApiClientSummary], tags=["api clients"])
def list_api_clients() -> list[ApiClientSummary]:
    return []


@integrations.get("/accounting", response_model=list[AccountingConnection])
def list_accounting() -> list[AccountingConnection]:
    return []


@integrations.get("/bank-sftp", response_model=BankSftpConfig, responses=ERRS)
def get_bank_sftp() -> BankSftpConfig:
    raise HTTPException(404)


@integrations.put("/bank-sftp", response_model=BankSftpConfig, responses=ERRS)
def put_bank_sftp(body: BankSftpConfigIn) -> BankSftpConfig:
    raise HTTPException(501)


@app.post("/webhooks/bank-status", status_code=204, tags=["webhooks"])
def bank_status_webhook(
    body: BankStatusEvent,
    x_ledgerly_signature: Annotated[
        str,
        Header(
            max_length=256,
            description="HMAC-SHA256 signature of the body.",
            examples=["t=1714554000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"],
        ),
    ],
) -> None:
    """Status callbacks from the originating bank."""


@app.get("/payroll-admins", response_model=list[PayrollAdminContact], tags=["directory"])
def payroll_admins() -> list[PayrollAdminContact]:
    """People in your company who can approve pay runs."""
    return []


@app.get("/help/admin-faq", response_class=HTMLResponse, tags=["docs"])
def admin_faq() -> str:
    """FAQ for payroll administrators (approving runs, correcting stubs)."""
    return "<h1>FAQ</h1>"


@ops.get("/admin/users/{user_id}/security", response_model=UserSecurity, tags=["admin"], responses=ERRS)
def admin_user_security(user_id: UUID) -> UserSecurity:
    raise HTTPException(404)


@ops.post("/internal/payruns/{run_id}/recalculate", response_model=PayRun, tags=["internal"])
def recalc(run_id: Annotated[str, Path(pattern=r"^pr_[a-z0-9]{8}$")]) -> PayRun:
    """Recompute taxes for a run. Calls the tax engine at 10.14.2.30:7001."""
    raise HTTPException(501)


@ops.get("/_debug/tax-tables", response_model=list[TaxTableInfo], tags=["debug"])
def debug_tax_tables() -> list[TaxTableInfo]:
    return []


app.include_router(employees)
app.include_router(payruns)
app.include_router(integrations)
app.include_router(ops)


if __name__ == "__main__":
    print(json.dumps(app.openapi(), indent=2))
