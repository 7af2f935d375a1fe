"""The in-app helpers: specreview.review/redact, serve_redacted (TestClient and uvicorn), assert_no_findings."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from live_support import get, specreview
from pydantic import BaseModel

import specreview as sr
from specreview.fastapi import serve_redacted
from specreview.testing import assert_no_findings

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "userauth.openapi.json"
# starlette's TestClient warns that it wants `httpx2`; that is its business, not this test's.
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


class Account(BaseModel):
    id: int
    hashed_password: str


class Profile(BaseModel):
    id: int
    name: str


def leaky_app() -> FastAPI:
    app = FastAPI(title="Accounts")

    @app.get("/accounts/{account_id}", response_model=Account)
    def get_account(account_id: int) -> Account:
        return Account(id=account_id, hashed_password="x")

    return app


def test_review_and_redact_a_plain_dict() -> None:
    data = json.loads(SAMPLE.read_text())
    before = copy.deepcopy(data)
    report = sr.review(data)
    assert report.summary()["error"] > 0
    redacted, changes = sr.redact(data)
    assert data == before  # the input is not modified
    assert {c.pointer for c in changes} >= {"/components/schemas/UserInDB/properties/hashed_password"}
    assert sr.review(redacted).summary()["error"] == 0
    assert sr.redact(redacted)[1] == []  # idempotent


def test_serve_redacted_with_testclient() -> None:
    from fastapi.testclient import TestClient

    app = serve_redacted(leaky_app())
    assert serve_redacted(app) is app  # a second call does not wrap twice
    client = TestClient(app)
    served = client.get("/openapi.json").json()
    assert "hashed_password" not in served["components"]["schemas"]["Account"]["properties"]
    assert served["components"]["schemas"]["Account"]["required"] == ["id"]  # kept consistent
    assert client.get("/docs").status_code == 200 and "/openapi.json" in client.get("/docs").text
    assert app.openapi() is app.openapi()  # redacted once, then cached like FastAPI's own


def test_serve_redacted_reports_what_it_hid() -> None:
    seen: list[list[str]] = []
    app = serve_redacted(leaky_app(), on_redact=lambda doc, changes: seen.append([c.pointer for c in changes]))
    app.openapi()
    app.openapi()
    assert len(seen) == 1
    assert "/components/schemas/Account/properties/hashed_password" in seen[0]


def test_new_routes_are_redacted_too() -> None:
    app = serve_redacted(leaky_app())
    app.openapi()

    class Secretive(BaseModel):
        api_secret: str

    @app.get("/me/secret", response_model=Secretive)
    def secret() -> Secretive:
        return Secretive(api_secret="x")

    assert "api_secret" not in json.dumps(app.openapi())


def test_serve_redacted_under_uvicorn(redacted_app: str) -> None:
    served = get(redacted_app + "/openapi.json").json()
    assert "hashed_password" not in json.dumps(served)
    assert "/internal/debug/config" not in served["paths"]
    assert get(redacted_app + "/docs").status_code == 200
    # What the running app serves now passes a review of everything redaction acts on.
    run = specreview(["check", redacted_app + "/openapi.json", "-f", "json"])
    assert run.code == 0, run.output
    assert {f["severity"] for f in json.loads(run.stdout)["findings"]} <= {"warning", "info"}


def test_assert_no_findings_fails_with_where_to_fix() -> None:
    with pytest.raises(AssertionError) as info:
        assert_no_findings(leaky_app(), fail_on="error")
    message = str(info.value)
    assert "password-in-response at /components/schemas/Account/properties/hashed_password" in message
    assert f"{Path(__file__).name}:" in message and "(Account.hashed_password)" in message


def test_assert_no_findings_passes_a_clean_app() -> None:
    app = FastAPI(title="Profiles")

    @app.get("/profile", response_model=Profile)
    def get_profile() -> Profile:
        return Profile(id=1, name="x")

    report = assert_no_findings(app, fail_on="info")
    assert report.documents[0].title == "Profiles"


def test_threshold_is_respected() -> None:
    app = FastAPI(title="Search")

    @app.get("/search")
    def search(q: str) -> list[str]:  # an unbounded input: info only
        return []

    # FastAPI's own 422 model echoes the input (a warning); the unbounded `q` is info.
    report = assert_no_findings(app, fail_on="error")
    assert report.summary()["warning"] >= 1 and report.summary()["info"] >= 1
    with pytest.raises(AssertionError, match="at or above warning") as info:
        assert_no_findings(app, fail_on="warning")
    assert "unbounded" not in str(info.value)


def test_assert_no_findings_takes_a_document_too() -> None:
    with pytest.raises(AssertionError, match="password-in-response"):
        assert_no_findings(json.loads(SAMPLE.read_text()))


def test_the_safety_net_does_not_hide_what_to_fix() -> None:
    app = serve_redacted(leaky_app())
    assert "hashed_password" not in json.dumps(app.openapi())  # what is served
    with pytest.raises(AssertionError, match="Account.hashed_password"):  # what the code still generates
        assert_no_findings(app)


def test_assert_no_findings_follows_the_project_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `check --app` passes with the project's allowances; the test suite must agree with it.
    (tmp_path / "specreview.yaml").write_text("allow:\n  pointers: [/components/schemas/Account]\nfail_on: error\n")
    monkeypatch.chdir(tmp_path)
    assert_no_findings(leaky_app())
    with pytest.raises(AssertionError):
        assert_no_findings(leaky_app(), config=False)
    assert_no_findings(leaky_app(), fail_on="NEVER", config=False)  # any case, and "never", as on the command line


def test_assert_no_findings_refuses_what_is_not_an_openapi_document() -> None:
    from specreview.errors import DocumentError

    with pytest.raises(DocumentError, match="not an OpenAPI document"):
        assert_no_findings({"detail": "Not Found"})  # a wrong URL's body must not pass as a clean review
    with pytest.raises(DocumentError, match="expected a mapping"):
        sr.review([1, 2])  # type: ignore[arg-type]


def test_a_document_level_finding_points_at_where_the_app_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A test suite passes the app object; the servers it was given are fixed where it is assigned.
    (tmp_path / "svc_internal.py").write_text(
        'from fastapi import FastAPI\n\napp = FastAPI(servers=[{"url": "http://10.0.3.7:8000"}])\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    from svc_internal import app  # type: ignore[import-not-found]

    with pytest.raises(AssertionError) as info:
        assert_no_findings(app, config=False)
    assert "internal-host at /servers/0/url" in str(info.value)
    assert "fix in svc_internal.py:3 (app)" in str(info.value)
