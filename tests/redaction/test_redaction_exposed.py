"""Removing parts of a document can expose others: what a redaction makes leak is redacted too.

A schema returned by a success response and by an error response is a resource, not an error model, so its
`stack_trace` is not reported. Once the success response goes (an `x-internal` operation), only errors return
the schema: in the published copy it is an error model carrying a stack trace. Found by the long-run
property test (test_marked_and_leaking_documents_long_run), which used to fail closed on it."""

from __future__ import annotations

from typing import Any

from specreview.api import default_rules
from specreview.document.model import Document
from specreview.engine import review_document
from specreview.redactor import redact_document


def _document() -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/jobs": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                        "500": {"$ref": "#/components/responses/Err"},
                    }
                }
            },
            "/jobs/last-failure": {
                "get": {"x-internal": True, "responses": {"200": {"description": "ok", "content": error}}}
            },
        },
        "components": {
            "schemas": {
                "Failure": {
                    "type": "object",
                    "properties": {"message": {"type": "string"}, "stack_trace": {"type": "string"}},
                }
            },
            "responses": {"Err": {"description": "error", "content": error}},
        },
    }


def test_a_schema_left_to_errors_loses_its_debug_fields() -> None:
    document = Document("t.json", _document(), "json")
    rules = list(default_rules())
    before = {f.finding.rule for f in review_document(document, rules)}
    assert "stack-trace-in-error" not in before  # a success response shares it: not an error model yet

    result = redact_document(document, rules)

    failure = result.data["components"]["schemas"]["Failure"]
    assert set(failure["properties"]) == {"message"}
    assert "/jobs/last-failure" not in result.data["paths"]
    changes = {(c.pointer, c.rule) for c in result.changes}
    assert ("/paths/~1jobs~1last-failure", "x-internal-marked") in changes
    assert ("/components/schemas/Failure/properties/stack_trace", "stack-trace-in-error") in changes
    # The published copy is clean, and redacting it again changes nothing.
    again = redact_document(Document("t.json", result.data, "json"), rules)
    assert again.changes == [] and again.data == result.data


def test_pointers_of_exposed_parts_point_into_the_input_when_list_items_shift() -> None:
    doc = _document()
    # The error model is now the second branch of a oneOf whose first branch is removed: in the output it is
    # item 0, in the input item 1, and the change log must name the input's.
    doc["components"]["schemas"]["Envelope"] = {
        "oneOf": [
            {"type": "object", "x-internal": True, "properties": {"id": {"type": "string"}}},
            {"type": "object", "properties": {"stack_trace": {"type": "string"}, "message": {"type": "string"}}},
        ]
    }
    doc["components"]["responses"]["Err"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Envelope"
    }
    doc["paths"]["/jobs/last-failure"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}
    }
    result = redact_document(Document("t.json", doc, "json"), list(default_rules()))
    pointers = {c.pointer for c in result.changes if c.rule == "stack-trace-in-error"}
    assert pointers == {"/components/schemas/Envelope/oneOf/1/properties/stack_trace"}
    assert result.data["components"]["schemas"]["Envelope"]["oneOf"] == [
        {"type": "object", "properties": {"message": {"type": "string"}}}
    ]
