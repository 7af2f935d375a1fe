"""Fuzzing the engine and the redactor in-process with random OpenAPI-shaped documents (fuzz_strategies.py):
reviewing never raises, every finding points into the document and quotes no planted secret, and
redaction either raises RedactionError or gives output specreview itself can load again, leaving the input
untouched. `-m slow` runs the same properties much longer."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fuzz_strategies import SECRETS, openapi_documents
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS

from specreview.config import Allowances
from specreview.document.emit import dump
from specreview.document.load import parse_document
from specreview.document.pointer import exists
from specreview.engine import review_document
from specreview.errors import DocumentError, RedactionError
from specreview.redactor import redact_document
from specreview.ruleset.load import load_rules
from specreview.ruleset.model import Rule

QUICK = settings(max_examples=25, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
LONG = settings(max_examples=2000, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
_RULES: list[Rule] = []


def rules() -> list[Rule]:
    # Loaded once per process, not per example (hypothesis cannot take function-scoped fixtures).
    if not _RULES:
        _RULES.extend(load_rules())
    return _RULES


def review_and_redact(doc: dict[str, Any], fmt: str) -> None:
    raw = dump(doc, "json" if fmt == "json" else "yaml").encode()
    try:
        document = parse_document(raw, f"fuzz.{fmt}")
    except DocumentError:
        return  # e.g. an unsupported version drawn on purpose; the loader fuzz covers this side
    before = copy.deepcopy(document.data)
    findings = [raw_finding.finding for raw_finding in review_document(document, rules(), Allowances())]
    for finding in findings:
        assert exists(document.data, finding.pointer), finding
        assert not any(secret in finding.message for secret in SECRETS), finding.message
    json.dumps([f.message for f in findings])
    try:
        result = redact_document(document, rules())
    except RedactionError as exc:
        assert "\n" not in str(exc)
        return
    finally:
        assert document.data == before, "redaction modified its input"
    out = dump(result.data, document.format, like_text=document.text)
    again = parse_document(out.encode(), "redacted")  # what redact writes, specreview reads back
    review_document(again, rules(), Allowances())


def test_junk_where_schemas_belong_is_reviewed(builtin_rules: list[Rule]) -> None:
    # Found by the fuzz run below: an unreachable component holding a list where a schema belongs crashed
    # the flow walk (AttributeError), and `type: 5` crashed the can-hold-text check (TypeError).
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/u": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"password": {"$ref": "#/components/schemas/Typed"}}},
        }}}}}}},
        "components": {"schemas": {
            "Typed": {"type": 5},
            "Junk": {"allOf": [[], 5, True], "items": [[1]], "$defs": {"a": []}, "properties": {"p": []}},
        }},
    }  # fmt: skip
    document = parse_document(json.dumps(doc).encode(), "junk.json")
    findings = [raw.finding for raw in review_document(document, builtin_rules, Allowances())]
    assert (
        "password-in-response",
        "/paths/~1u/get/responses/200/content/application~1json/schema/properties/password",
    ) in {
        (f.rule, f.pointer) for f in findings
    }  # a malformed `type` says nothing, so the property may hold text: still reported
    redact_document(document, builtin_rules)


@QUICK
@given(openapi_documents(), st.sampled_from(["json", "yaml"]))
def test_random_openapi_documents_review_and_redact(doc: dict[str, Any], fmt: str) -> None:
    review_and_redact(doc, fmt)


@pytest.mark.slow
@LONG
@given(openapi_documents(), st.sampled_from(["json", "yaml"]))
def test_random_openapi_documents_long_run(doc: dict[str, Any], fmt: str) -> None:
    review_and_redact(doc, fmt)
