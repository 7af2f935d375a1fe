"""`specreview diff OLD NEW` over documents FastAPI generates: what a new version exposes, what it closed, exit codes.

The documents come from a small shop app generated here in versions (so each test changes one thing and can
name exactly what must be new), from the userauth sample app with a route and a server added, and from the
committed samples. The URL case serves the new version under uvicorn.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from regenerate import load_app_module
from typer.testing import CliRunner, Result
from uvicorn_server import serve

from specreview.cli import app

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
USERAUTH = SAMPLES / "userauth.openapi.json"
# Shaped like a live Stripe key: it must reach no report, in any format.
LIVE_KEY = "sk_live_51HxQzT2eZvKYlo2C0a9b8c7d6e5f4g3h2i1"
INTERNAL_SERVER = "http://10.20.0.7:8080"

SHOP = """
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI(title="Shop", version="{version}", servers={servers!r})


class Order(BaseModel):
    model_config = ConfigDict(json_schema_extra={{"examples": [{examples!r}]}})
    id: int
    total_cents: int
    status: str = Field(max_length=20)
{fields}

@app.get("/v1/orders/{{order_id}}", response_model=Order)
def get_order(order_id: int) -> Order:
    raise NotImplementedError
{routes}
"""
DEBUG_ROUTE = """
@app.get("/debug/orders/{order_id}", response_model=Order)
def debug_order(order_id: int) -> Order:
    raise NotImplementedError
"""
SHIPMENTS_ROUTE = """
@app.get("/v1/orders/{order_id}/shipments", response_model=list[str])
def shipments(order_id: int) -> list[str]:
    raise NotImplementedError
"""


def shop_source(
    *, fields: tuple[str, ...] = (), routes: tuple[str, ...] = (), extra_servers: tuple[str, ...] = (), **example: Any
) -> str:
    servers = [{"url": "https://api.shop.example.com"}, *({"url": url} for url in extra_servers)]
    examples = {"id": 1, "total_cents": 1999, "status": "paid", **example}
    return SHOP.format(
        version="2.0.0" if fields or routes or extra_servers or example else "1.0.0",
        servers=servers,
        examples=examples,
        fields="".join(f"    {line}\n" for line in fields),
        routes="".join(routes),
    )


def generate(directory: Path, name: str, source: str) -> Path:
    """Write the app module, import it, and write the document FastAPI generates for it beside it."""
    module_path = directory / f"{name}.py"
    module_path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"_diff_{name}", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through sys.modules
    try:
        spec.loader.exec_module(module)
        document = module.app.openapi()
    finally:
        sys.modules.pop(spec.name, None)
    out = directory / f"{name}.openapi.json"
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return out


def specreview(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin, env={"NO_COLOR": "1", "COLUMNS": "200"})


def diff_json(old: Path | str, new: Path | str, *args: str) -> tuple[int, dict[str, Any]]:
    result = specreview("diff", str(old), str(new), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def new_findings(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule"], f["pointer"]) for f in report["added"]["findings"]}


@pytest.fixture
def old_shop(tmp_path: Path) -> Path:
    return generate(tmp_path, "shop_v1", shop_source())


def test_new_route_field_and_internal_server_are_each_reported(tmp_path: Path, old_shop: Path) -> None:
    new = generate(
        tmp_path,
        "shop_v2",
        shop_source(
            fields=("shipped_at: str | None = None",), routes=(SHIPMENTS_ROUTE,), extra_servers=(INTERNAL_SERVER,)
        ),
    )
    code, report = diff_json(old_shop, new)
    assert code == 1
    added = report["added"]
    assert added["operations"] == ["GET /v1/orders/{order_id}/shipments"]
    assert added["response_fields"]["GET /v1/orders/{order_id}"] == ["200 shipped_at"]
    assert added["servers"] == [INTERNAL_SERVER]
    assert added["hosts"] == ["10.20.0.7"]
    leaks = [(f["rule"], f["pointer"]) for f in added["findings"] if f["leak"]]
    assert leaks == [("internal-host", "/servers/1/url")]
    assert report["leaks"] is True and report["summary"]["leaks"] == 1
    assert report["old"]["source"] == str(old_shop) and report["new"]["title"] == "Shop"
    # Nothing was taken away, and the unchanged findings (FastAPI's echoing 422 model) are neither new nor closed.
    assert report["closed"] == {
        "operations": [],
        "response_fields": {},
        "servers": [],
        "hosts": [],
        "findings": [],
    }


def test_a_new_field_without_a_finding_is_listed_but_does_not_fail(tmp_path: Path, old_shop: Path) -> None:
    new = generate(tmp_path, "shop_v2", shop_source(fields=("shipped_at: str | None = None",)))
    code, report = diff_json(old_shop, new)
    assert code == 0
    assert report["leaks"] is False
    assert report["added"]["response_fields"] == {"GET /v1/orders/{order_id}": ["200 shipped_at"]}
    assert report["added"]["findings"] == []


def test_a_new_secret_in_an_example_is_a_leak_and_its_value_is_never_printed(tmp_path: Path, old_shop: Path) -> None:
    new = generate(tmp_path, "shop_v2", shop_source(fields=("payment_token: str",), payment_token=LIVE_KEY))
    code, report = diff_json(old_shop, new)
    assert code == 1
    assert ("credential-in-example", "/components/schemas/Order/examples/0/payment_token") in new_findings(report)
    categories = {f["category"] for f in report["added"]["findings"] if f["leak"]}
    assert categories == {"secret-in-example", "sensitive-field"}
    for output_format in ("json", "text"):
        result = specreview("diff", str(old_shop), str(new), "--format", output_format)
        assert result.exit_code == 1
        assert LIVE_KEY not in result.output and LIVE_KEY[:12] not in result.output


def test_fail_on_decides_whether_a_new_warning_fails(tmp_path: Path, old_shop: Path) -> None:
    new = generate(
        tmp_path, "shop_v2", shop_source(fields=("buyer_email: str",), buyer_email="priya.raman@orbitwell.io")
    )
    code, report = diff_json(old_shop, new)
    assert code == 0
    warnings = [f for f in report["added"]["findings"] if f["severity"] == "warning"]
    assert [(f["rule"], f["leak"]) for f in warnings] == [("personal-data-in-example", False)]
    assert diff_json(old_shop, new, "--fail-on", "warning")[0] == 1
    assert "priya.raman" not in json.dumps(report)


def test_a_new_internal_host_fails_whatever_its_configured_severity(tmp_path: Path, old_shop: Path) -> None:
    config = tmp_path / "specreview.yaml"
    config.write_text("rules:\n  severity:\n    internal-host: info\n", encoding="utf-8")
    new = generate(tmp_path, "shop_v2", shop_source(extra_servers=(INTERNAL_SERVER,)))
    code, report = diff_json(old_shop, new, "--config", str(config))
    assert code == 1
    assert [(f["rule"], f["severity"], f["leak"]) for f in report["added"]["findings"]] == [
        ("internal-host", "info", True)
    ]
    assert diff_json(old_shop, new, "--config", str(config), "--fail-on", "never")[0] == 0


def test_what_the_new_version_closed_is_listed_and_passes(tmp_path: Path) -> None:
    old = generate(tmp_path, "shop_v1", shop_source(routes=(DEBUG_ROUTE,), extra_servers=(INTERNAL_SERVER,)))
    new = generate(tmp_path, "shop_v2", shop_source())
    code, report = diff_json(old, new)
    assert code == 0
    closed = report["closed"]
    assert closed["operations"] == ["GET /debug/orders/{order_id}"]
    assert closed["servers"] == [INTERNAL_SERVER] and closed["hosts"] == ["10.20.0.7"]
    assert {(f["rule"], f["pointer"]) for f in closed["findings"]} >= {
        ("internal-path", "/paths/~1debug~1orders~1{order_id}"),
        ("internal-host", "/servers/1/url"),
    }
    assert all(f["source"] == str(old) for f in closed["findings"])
    # The fields of a removed operation go with it; only operations the new version has list field changes.
    assert "GET /debug/orders/{order_id}" not in closed["response_fields"]
    assert report["added"]["operations"] == [] and report["added"]["findings"] == []


def test_the_text_report_lists_new_and_closed_parts_and_the_verdict(tmp_path: Path) -> None:
    old = generate(tmp_path, "shop_v1", shop_source(routes=(DEBUG_ROUTE,)))
    new = generate(
        tmp_path,
        "shop_v2",
        shop_source(
            fields=("shipped_at: str | None = None",), routes=(SHIPMENTS_ROUTE,), extra_servers=(INTERNAL_SERVER,)
        ),
    )
    result = specreview("diff", str(old), str(new))
    assert result.exit_code == 1
    text = result.stdout
    assert "New operations (1):\n  + GET /v1/orders/{order_id}/shipments" in text
    assert "  GET /v1/orders/{order_id}\n    + 200 shipped_at" in text
    assert f"New servers (1):\n  + {INTERNAL_SERVER}" in text
    assert "  ! error   internal-host (internal-host)" in text
    assert "Closed operations (1):\n  - GET /debug/orders/{order_id}" in text
    assert "  - error   internal-path /paths/~1debug~1orders~1{order_id}" in text
    assert text.rstrip().endswith("New leaks: 1 finding at or above error or naming an internal host (marked !).")


def test_the_sample_app_with_a_route_and_a_server_added(tmp_path: Path) -> None:
    """OLD is the committed sample, NEW what the same FastAPI app generates once someone adds to it."""
    module = load_app_module(SAMPLES / "userauth_app.py")
    assert module.app.openapi() == json.loads(USERAUTH.read_text(encoding="utf-8"))  # the sample is current

    @module.app.get("/v1/users/{user_id}/db-row", response_model=module.UserInDB)
    def db_row(user_id: str) -> Any:
        raise NotImplementedError

    module.app.servers.append({"url": "http://billing-db.orbitwell.internal:5432"})
    module.app.openapi_schema = None  # FastAPI caches the document; the route and server came after
    new = tmp_path / "userauth-next.openapi.json"
    new.write_text(json.dumps(module.app.openapi(), indent=2), encoding="utf-8")

    code, report = diff_json(USERAUTH, new)
    assert code == 1
    assert report["added"]["operations"] == ["GET /v1/users/{user_id}/db-row"]
    assert "200 hashed_password" in report["added"]["response_fields"]["GET /v1/users/{user_id}/db-row"]
    assert report["added"]["hosts"] == ["billing-db.orbitwell.internal"]
    # UserInDB's findings sit at the component: a new route reusing it adds none there, only the server and
    # the new route's unbounded path parameter (info, so no leak).
    assert new_findings(report) == {
        ("internal-host", "/servers/3/url"),
        ("unbounded-input", "/paths/~1v1~1users~1{user_id}~1db-row/get/parameters/0"),
    }
    assert [f["rule"] for f in report["added"]["findings"] if f["leak"]] == ["internal-host"]
    assert report["closed"]["findings"] == []


def test_reformatting_and_reordering_change_nothing(tmp_path: Path) -> None:
    data = json.loads(USERAUTH.read_text(encoding="utf-8"))

    def reversed_keys(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: reversed_keys(node[k]) for k in reversed(list(node))}
        if isinstance(node, list):
            return [reversed_keys(v) for v in node]
        return node

    shuffled = tmp_path / "shuffled.json"
    shuffled.write_text(json.dumps(reversed_keys(data), separators=(",", ":")), encoding="utf-8")
    for new in (SAMPLES / "userauth.openapi.yaml", shuffled):
        code, report = diff_json(USERAUTH, new)
        assert code == 0, new
        assert all(not v for v in report["added"].values()), new
        assert all(not v for v in report["closed"].values()), new
    text = specreview("diff", str(USERAUTH), str(shuffled)).stdout
    assert "Nothing new is exposed." in text


def test_one_side_can_come_from_stdin(old_shop: Path, tmp_path: Path) -> None:
    new = generate(tmp_path, "shop_v2", shop_source(extra_servers=(INTERNAL_SERVER,)))
    result = specreview("diff", "-", str(new), "--format", "json", stdin=old_shop.read_text(encoding="utf-8"))
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["old"]["source"] == "<stdin>"


def test_swagger2_hosts_and_recursive_schemas(tmp_path: Path) -> None:
    """Swagger 2.0 names its server with host/basePath; a self-referencing schema must not loop."""
    base = {
        "swagger": "2.0",
        "info": {"title": "Tree", "version": "1"},
        "host": "api.tree.example.com",
        "basePath": "/v1",
        "schemes": ["https"],
        "definitions": {
            "Node": {"type": "object", "properties": {"name": {"type": "string"}, "children": {}}},
        },
        "paths": {
            "/nodes": {"get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Node"}}}}}
        },
    }
    base["definitions"]["Node"]["properties"]["children"] = {"type": "array", "items": {"$ref": "#/definitions/Node"}}
    old = tmp_path / "old.json"
    old.write_text(json.dumps(base), encoding="utf-8")
    base["host"] = "tree-api.corp.internal"
    base["definitions"]["Node"]["properties"]["owner"] = {"type": "string"}
    new = tmp_path / "new.json"
    new.write_text(json.dumps(base), encoding="utf-8")
    code, report = diff_json(old, new)
    assert code == 1
    assert report["added"]["servers"] == ["https://tree-api.corp.internal/v1"]
    assert report["closed"]["hosts"] == ["api.tree.example.com"]
    # The recursion is cut where Node meets itself again: children[] holds Nodes, whose fields are listed once.
    assert report["added"]["response_fields"] == {"GET /nodes": ["200 owner"]}
    assert [f["rule"] for f in report["added"]["findings"] if f["leak"]] == ["internal-host"]


def test_a_server_url_is_reported_without_its_credentials(tmp_path: Path, old_shop: Path) -> None:
    url = "https://deploy:Hunter2-but-longer@api.shop.example.com/v2?access_token=tok_9f8e7d6c5b4a"
    new = generate(tmp_path, "shop_v2", shop_source(extra_servers=(url,)))
    for output_format in ("json", "text"):
        result = specreview("diff", str(old_shop), str(new), "--format", output_format)
        assert "Hunter2" not in result.output and "tok_9f8e7d6c5b4a" not in result.output
    assert diff_json(old_shop, new)[1]["added"]["servers"] == ["https://***@api.shop.example.com/v2"]


# check's options that are about its reports or its batch of documents, not about loading one document.
CHECK_ONLY = {"sources", "output_format", "output", "baseline", "jobs", "show_info", "app_path", "app_dir", "fail_on"}


def test_diff_loads_documents_with_every_option_check_has() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    loading = {p.name for p in commands["check"].params} - CHECK_ONLY
    assert loading <= {p.name for p in commands["diff"].params}
    assert {"header", "header_env", "ca_bundle", "insecure", "timeout", "max_bytes", "config"} <= loading


def test_external_refs_are_followed_only_when_allowed(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    user = {"type": "object", "properties": {"id": {"type": "string"}, "hashed_password": {"type": "string"}}}
    (tmp_path / "schemas" / "user.json").write_text(json.dumps(user), encoding="utf-8")

    def document(schema: dict[str, Any]) -> dict[str, Any]:
        content = {"application/json": {"schema": schema}}
        responses = {"200": {"description": "ok", "content": content}}
        return {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/u": {"get": {"responses": responses}}},
        }

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(document({"type": "object", "properties": {"id": {"type": "string"}}})))
    new.write_text(json.dumps(document({"$ref": "schemas/user.json"})))

    unread = specreview("diff", str(old), str(new), "--format", "json")
    assert unread.exit_code == 0 and "--allow-remote-refs" in unread.stderr  # the warning says how to read it
    assert json.loads(unread.stdout)["added"]["findings"] == []

    code, report = diff_json(old, new, "--allow-remote-refs", str(tmp_path / "schemas"))
    assert code == 1
    assert report["added"]["response_fields"] == {"GET /u": ["200 hashed_password"]}
    assert [f["rule"] for f in report["added"]["findings"]] == ["password-in-response"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        ("{not json", "json"),
        ('{"hello": "world"}', "openapi"),
    ],
)
def test_a_document_that_cannot_be_loaded_is_one_line_and_exit_2(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    for args in ((str(USERAUTH), str(bad)), (str(bad), str(USERAUTH))):
        result = specreview("diff", *args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("specreview: error:"), result.stderr
        assert reason in lines[0].lower() and "Traceback" not in result.stderr


def test_both_sides_from_stdin_is_a_usage_error() -> None:
    result = specreview("diff", "-", "-", stdin="{}")
    assert result.exit_code == 2
    assert "cannot both be '-'" in result.stderr


def test_an_unreachable_url_is_exit_2() -> None:
    from uvicorn_server import free_port

    result = specreview("diff", str(USERAUTH), f"http://127.0.0.1:{free_port()}/openapi.json", "--timeout", "2")
    assert result.exit_code == 2
    assert result.stderr.startswith("specreview: error:") and len(result.stderr.strip().splitlines()) == 1


def test_a_running_service_is_compared_with_the_committed_document(tmp_path: Path, old_shop: Path) -> None:
    """The pull-request check: the document on the main branch against what the new build serves."""
    source = shop_source(routes=(DEBUG_ROUTE,), extra_servers=(INTERNAL_SERVER,))
    (tmp_path / "shop_live.py").write_text(source, encoding="utf-8")
    with serve(tmp_path, "shop_live:app") as base:
        url = f"{base}/openapi.json"
        code, report = diff_json(old_shop, url)
    assert code == 1
    assert report["new"]["source"] == url
    assert report["added"]["operations"] == ["GET /debug/orders/{order_id}"]
    assert new_findings(report) >= {
        ("internal-path", "/paths/~1debug~1orders~1{order_id}"),
        ("internal-host", "/servers/1/url"),
    }
    assert all(f["source"] == url for f in report["added"]["findings"])


def test_an_operation_with_too_many_fields_to_list_is_not_compared_field_by_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past the cap, which fields are listed depends on the walk: one added field shifted the cut on Stripe, and 448
    # operations showed fields as removed that were all still there.
    import specreview.diff as diff_module
    from specreview.api import as_document, default_rules

    monkeypatch.setattr(diff_module, "MAX_FIELDS_PER_OPERATION", 5)

    def doc(names: list[str]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {name: {"type": "string"} for name in names}}
        responses = {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        small = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}
        paths = {"/big": {"get": {"responses": responses}}, "/small": {"get": {"responses": small}}}
        return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}

    before = [f"f{i}" for i in range(8)]
    result = diff_module.diff_documents(as_document(doc(before)), as_document(doc(["a0", *before])), default_rules())
    assert result.uncompared == ["GET /big"]
    assert "GET /big" not in result.response_fields
