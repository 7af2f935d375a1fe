"""Builders and the common checks every redaction test runs on its output."""

from __future__ import annotations

import copy
import json
from typing import Any

from openapi_spec_validator import validate

from specreview.document.pointer import exists
from specreview.redaction import Action, Change, apply_redactions, check_integrity, dangling_refs


def ref(*tokens: str) -> dict[str, str]:
    return {"$ref": "#/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens)}


def schema_ref(name: str) -> dict[str, str]:
    return ref("components", "schemas", name)


def json_body(schema: Any, description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def op(response_schema: Any = None, **extra: Any) -> dict[str, Any]:
    response = json_body(response_schema) if response_schema is not None else {"description": "ok"}
    return {**extra, "responses": {"200": response}}


def oas(version: str = "3.0.3", paths: dict[str, Any] | None = None, **rest: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"openapi": version, "info": {"title": "t", "version": "1"}}
    doc["paths"] = paths if paths is not None else {}
    doc.update(rest)
    return doc


def swagger(paths: dict[str, Any] | None = None, **rest: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"swagger": "2.0", "info": {"title": "t", "version": "1"}}
    doc["paths"] = paths if paths is not None else {}
    doc.update(rest)
    return doc


def remove(*pointers: str, rule: str = "r") -> list[Action]:
    return [Action(p, "remove", rule) for p in pointers]


def run(
    doc: dict[str, Any],
    actions: list[Action],
    *,
    validate_output: bool = True,
    **kwargs: Any,
) -> tuple[dict[str, Any], list[Change]]:
    """Apply actions and check what every redaction must guarantee."""
    if validate_output:
        validate(doc)  # the test's input must be valid to begin with
    before = json.dumps(doc)
    snapshot = copy.deepcopy(doc)
    out, changes = apply_redactions(doc, actions, **kwargs)
    assert json.dumps(doc) == before and doc == snapshot, "the input was mutated"
    assert out is not doc
    if validate_output:
        validate(out)
    assert dangling_refs(out) == []
    if not check_integrity(doc):
        assert check_integrity(out) == []
    for change in changes:
        assert isinstance(change, Change) and change.pointer.startswith("/")
        assert exists(doc, change.pointer), f"{change} does not point into the input"
    removed = [c.pointer for c in changes if c.action not in ("mask", "rewrite-ref")]
    assert len(removed) == len(set(removed)), "a node was reported removed twice"
    again, more = apply_redactions(out, [], **kwargs)
    assert more == [] and again == out, "redacting the output again changed it"
    return out, changes


def redact_checked(data: dict[str, Any], **kwargs: Any) -> Any:
    """redact_document with the built-in rules, asserting guarantees 1-5: the output is valid, breaks no
    reference or consistency the input had, leaves nothing a redacting rule acts on, redacting it again
    changes nothing, and the input is untouched. Returns the RedactionResult."""
    from specreview.api import default_rules
    from specreview.document.model import Document
    from specreview.engine import review_document
    from specreview.redactor import redact_document

    validate(data)
    snapshot = copy.deepcopy(data)
    rules = list(default_rules())
    redacting = {r.id for r in rules if r.redact != "none"}
    result = redact_document(Document("t.json", data, "json"), rules, **kwargs)
    assert data == snapshot, "the input was mutated"
    validate(result.data)
    assert set(dangling_refs(result.data)) <= set(dangling_refs(data))
    assert set(check_integrity(result.data)) <= set(check_integrity(data))
    output = Document("t.json", result.data, "json")
    assert [r.finding.pointer for r in review_document(output, rules) if r.finding.rule in redacting] == []
    again = redact_document(output, rules, **kwargs)
    assert again.data == result.data and again.changes == [], "redacting the output again changed it"
    return result


def pairs(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.pointer, c.action) for c in changes]
