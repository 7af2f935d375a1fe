"""A property found by its context (an identity document's bare `number`) makes its documented values findings:
no field name says what they are, so the example rules alone would pass them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specreview.api import default_rules, review
from specreview.errors import RuleLoadError
from specreview.ruleset.load import load_rule_file, load_rules


def document(examples: list[Any]) -> dict[str, Any]:
    record = {
        "type": "object",
        "properties": {
            "document_type": {"$ref": "#/components/schemas/DocumentType"},
            "document_number": {"type": "string", "example": "X1234567"},
            "issuing_country": {"type": "string"},
        },
        "examples": examples,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/verifications/{id}": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IdCheck"}}},
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {"IdCheck": record, "DocumentType": {"type": "string", "enum": ["passport", "national_id"]}}
        },
    }


def findings(doc: dict[str, Any], rules: Any = None) -> set[tuple[str, str]]:
    return {(f.rule, f.pointer) for f in review(doc, rules).findings if f.category != "weak-input"}


def test_the_values_of_a_number_beside_an_identity_document_type_are_real_ones() -> None:
    doc = document([{"document_type": "passport", "document_number": "568214739"}, {"document_number": "XXXXXXXXX"}])
    base = "/components/schemas/IdCheck"
    assert findings(doc) == {
        ("id-number-in-identity-document", f"{base}/properties/document_number"),
        ("personal-data-in-example", f"{base}/properties/document_number/example"),
        ("personal-data-in-example", f"{base}/examples/0/document_number"),
    }  # the placeholder in the second example documents the format


def test_no_values_are_judged_when_the_example_rule_is_off() -> None:
    rules = [r for r in default_rules() if r.id != "personal-data-in-example"]
    doc = document([{"document_number": "568214739"}])
    assert {rule for rule, _ in findings(doc, rules)} == {"id-number-in-identity-document"}


def rule_text(example_values: str, on: str = "key") -> str:
    match = "on: key\n  words: [{head: [number]}]" if on == "key" else "on: path\n  regex: x"
    return f"""\
id: my-rule
category: sensitive-field
severity: error
summary: s
message: m
given: "#SchemaProperty"
match:
  {match}
example_values: {example_values}
redact: remove
docs: {{what: w, why: y, fix: f}}
"""


@pytest.mark.parametrize(
    ("example_values", "on", "reason"),
    [
        ("{rule: personal-data-in-example, kind: k}", "key", "takes rule, kind and looks"),
        ("{rule: personal-data-in-example, kind: k, looks: '\\d'}", "path", "on a rule matching keys"),
        ("{rule: personal-data-in-example, kind: k, looks: '('}", "key", "invalid regex"),
    ],
)
def test_malformed_example_values_are_rejected(tmp_path: Path, example_values: str, on: str, reason: str) -> None:
    path = tmp_path / "my-rule.yaml"
    path.write_text(rule_text(example_values, on), encoding="utf-8")
    with pytest.raises(RuleLoadError, match=reason):
        load_rule_file(path)


def test_example_values_must_name_a_loaded_rule(tmp_path: Path) -> None:
    (tmp_path / "my-rule.yaml").write_text(rule_text("{rule: no-such-rule, kind: k, looks: x}"), encoding="utf-8")
    with pytest.raises(RuleLoadError, match="'no-such-rule' is no loaded rule"):
        load_rules([tmp_path])
