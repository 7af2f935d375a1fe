"""`check --app module:attribute`: review the document an app generates, with findings pointing at its code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from live_support import assert_one_line_error, specreview

from specreview.api import default_rules
from specreview.application.review import review_app

APPSRC = Path(__file__).resolve().parent / "appsrc"
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


def line_of(relative: str, text: str) -> int:
    """The 1-based line of `text` in an appsrc file: expectations come from the source, not from memory."""
    lines = (APPSRC / relative).read_text().splitlines()
    matches = [i for i, line in enumerate(lines, 1) if text in line]
    assert len(matches) == 1, (relative, text, matches)
    return matches[0]


@pytest.fixture(scope="module")
def located() -> dict[tuple[str, str], Any]:
    _, findings = review_app("shop.main:app", APPSRC, default_rules())
    return {(f.rule, f.pointer): f.code_location for f in findings}


def test_field_on_a_base_class_points_at_the_base_class(located: dict[tuple[str, str], Any]) -> None:
    loc = located[("password-in-response", "/components/schemas/Customer/properties/password_hash")]
    assert (Path(loc.path).resolve(), loc.line, loc.symbol) == (
        APPSRC / "shop/models.py",
        line_of("shop/models.py", "password_hash: str"),
        "CustomerBase.password_hash",
    )


def test_aliased_field_is_found_by_its_alias(located: dict[tuple[str, str], Any]) -> None:
    loc = located[("secret-in-response", "/components/schemas/Customer/properties/apiSecret")]
    assert (loc.line, loc.symbol) == (line_of("shop/models.py", "api_secret: str"), "Customer.api_secret")


def test_error_model_field(located: dict[tuple[str, str], Any]) -> None:
    loc = located[("stack-trace-in-error", "/components/schemas/ServerError/properties/stack_trace")]
    assert (loc.line, loc.symbol) == (line_of("shop/models.py", "stack_trace: list[str]"), "ServerError.stack_trace")


def test_route_behind_a_prefixed_router_and_a_decorator(located: dict[tuple[str, str], Any]) -> None:
    loc = located[("internal-path", "/paths/~1v1~1internal~1reindex")]
    assert (Path(loc.path).resolve(), loc.line, loc.symbol) == (
        APPSRC / "shop/routes.py",
        line_of("shop/routes.py", "def reindex_everything"),
        "reindex_everything",
    )


def test_servers_point_at_the_app_object(located: dict[tuple[str, str], Any]) -> None:
    loc = located[("internal-host", "/servers/0/url")]
    assert (loc.line, loc.symbol) == (line_of("shop/main.py", "app = FastAPI("), "app")


def test_cli_json_and_sarif_carry_the_code_location(tmp_path: Path) -> None:
    sarif = tmp_path / "shop.sarif"
    run = specreview(
        ["check", "--app", "shop.main:app", "--app-dir", str(APPSRC), "-f", "json", "-o", f"sarif:{sarif}"],
        cwd=APPSRC,
    )
    assert run.code == 1, run.output
    report = json.loads(run.stdout)
    assert report["documents"] == [{"source": "shop.main:app", "openapi": "3.1.0", "title": "Shop"}]
    by_pointer = {f["pointer"]: f for f in report["findings"]}
    finding = by_pointer["/components/schemas/Customer/properties/password_hash"]
    line = line_of("shop/models.py", "password_hash: str")
    # Paths are relative to the working directory, as code scanning expects.
    assert finding["code_location"] == {"path": "shop/models.py", "line": line, "symbol": "CustomerBase.password_hash"}
    log = json.loads(sarif.read_text())
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    results = log["runs"][0]["results"]
    result = next(r for r in results if r["partialFingerprints"]["specreview/v1"] == finding["fingerprint"])
    first = result["locations"][0]
    assert first["physicalLocation"] == {"artifactLocation": {"uri": "shop/models.py"}, "region": {"startLine": line}}
    assert first["logicalLocations"][0]["fullyQualifiedName"] == finding["pointer"]


def test_text_report_shows_where_to_fix(tmp_path: Path) -> None:
    run = specreview(["check", "--app", "shop.main:app", "--app-dir", str(APPSRC), "--fail-on", "never"], cwd=tmp_path)
    assert run.code == 0
    line = line_of("shop/routes.py", "def reindex_everything")
    assert f"code: {APPSRC / 'shop/routes.py'}:{line} (reindex_everything)" in run.stdout


def test_sample_app_with_a_file_in_one_run() -> None:
    samples = Path(__file__).resolve().parents[2] / "samples"
    run = specreview(
        ["check", str(samples / "billing.openapi.json"), "--app", "userauth_app:app", "--app-dir", str(samples),
         "-f", "json"]
    )  # fmt: skip
    sources = [d["source"] for d in json.loads(run.stdout)["documents"]]
    assert sources == [str(samples / "billing.openapi.json"), "userauth_app:app"]


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("shop.main", "--app takes 'module:attribute'"),
        ("no_such_module:app", "cannot import 'no_such_module': no module named 'no_such_module'"),
        ("shop.main:application", "module 'shop.main' has no attribute 'application'"),
        ("not_an_app:app", "is not an application with an openapi() method"),
        ("broken_app:app", "importing 'broken_app' failed: RuntimeError: DATABASE_URL is not set"),
    ],
)
def test_app_errors_are_one_line(app: str, message: str) -> None:
    assert_one_line_error(specreview(["check", "--app", app, "--app-dir", str(APPSRC)]), message)


def test_missing_app_dir(tmp_path: Path) -> None:
    run = specreview(["check", "--app", "shop.main:app", "--app-dir", str(tmp_path / "nowhere")])
    assert_one_line_error(run, "no such directory")


def test_model_level_examples_point_at_model_config() -> None:
    import ast

    samples = Path(__file__).resolve().parents[2] / "samples"
    tree = ast.parse((samples / "userauth_app.py").read_text())
    user_in_db = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "UserInDB")
    config_line = next(
        s.lineno for s in user_in_db.body if isinstance(s, ast.Assign) and s.targets[0].id == "model_config"
    )
    _, findings = review_app("userauth_app:app", samples, default_rules())
    loc = next(f.code_location for f in findings if f.pointer.startswith("/components/schemas/UserInDB/examples/"))
    assert (Path(loc.path).resolve(), loc.line, loc.symbol) == (
        samples / "userauth_app.py",
        config_line,
        "UserInDB.model_config",
    )
