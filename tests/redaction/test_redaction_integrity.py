"""dangling_refs and check_integrity."""

from __future__ import annotations

from typing import Any

from redaction_support import oas, op, schema_ref, swagger

from specreview.redaction import check_integrity, dangling_refs


def test_dangling_refs_handles_escapes_and_percent_encoding() -> None:
    doc = oas(
        "3.1.0",
        paths={
            "/a/{id}": {"get": op()},
            "/b": {
                "get": {
                    "parameters": [
                        {"$ref": "#/paths/~1a~1%7Bid%7D/get"},  # resolves: percent-decoded, then ~1
                        {"$ref": "#/paths/~1a~1{id}/get"},  # resolves
                        {"$ref": "#/paths/~1nope/get"},
                    ],
                    "responses": {"200": {"description": "ok", "content": {"a/b": {"schema": schema_ref("T~Z")}}}},
                }
            },
        },
        components={
            "schemas": {
                "T~Z": {"$ref": "#/components/schemas/T~0Z/properties/x"},  # resolves through ~0
                "Anchored": {"$anchor": "here", "properties": {"x": {"$ref": "#here"}, "y": {"$ref": "#nowhere"}}},
                "Other": {"properties": {"a": {"$ref": "#/components/schemas/Missing"}, "b": {"$ref": "x.json#/A"}}},
            }
        },
    )
    doc["components"]["schemas"]["T~Z"]["properties"] = {"x": {"type": "string"}}
    assert dangling_refs(doc) == ["#/paths/~1nope/get", "#nowhere", "#/components/schemas/Missing"]


def test_dangling_refs_reports_each_once_and_ignores_list_shapes() -> None:
    doc: dict[str, Any] = {
        "a": [{"$ref": "#/x"}, {"$ref": "#/x"}, {"$ref": "#/a/5"}, {"$ref": "#/a/0"}],
        "b": {"$ref": 3},
    }
    assert dangling_refs(doc) == ["#/x", "#/a/5"]


def test_dangling_refs_on_deep_documents() -> None:
    node: dict[str, Any] = {"$ref": "#/missing"}
    for _ in range(20000):
        node = {"n": node}
    assert dangling_refs(node) == ["#/missing"]
    assert check_integrity({"openapi": "3.0.3", "x": node}) == [
        "/x" + "/n" * 20000 + "/$ref: reference '#/missing' does not resolve"
    ]


def test_check_integrity_clean_document() -> None:
    doc = oas("3.0.3", paths={"/a": {"get": op(schema_ref("A"))}}, components={"schemas": {"A": {"type": "string"}}})
    assert check_integrity(doc) == []


def test_check_integrity_problems() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(schema_ref("Gone"), security=[{"ghost": []}, {"key": []}])}},
        security=[{"ghost": [], "key": []}],
        components={
            "securitySchemes": {"key": {"type": "apiKey", "name": "k", "in": "header"}},
            "schemas": {
                "Strict": {"type": "object", "required": ["a", "b"], "properties": {"a": {}}},
                "Closed": {"type": "object", "required": ["b"], "properties": {"a": {}}, "additionalProperties": False},
                "Open": {"type": "object", "required": ["b"], "properties": {"a": {}}, "additionalProperties": True},
                "Map": {"type": "object", "required": ["b"], "properties": {"a": {}}, "additionalProperties": {}},
                "Composed": {"required": ["b"], "properties": {"a": {}}, "allOf": [{"properties": {"b": {}}}]},
                "Pattern": {"required": ["b"], "properties": {"a": {}}, "patternProperties": {"^b$": {}}},
                "NoProps": {"required": ["b"]},
                "Pet": {
                    "oneOf": [schema_ref("Strict")],
                    "discriminator": {
                        "propertyName": "a",
                        "mapping": {
                            "s": "#/components/schemas/Strict",
                            "x": "#/components/schemas/X",
                            "y": "Y",
                            "u": "y.json",
                        },
                    },
                },
            },
        },
    )
    assert check_integrity(doc) == [
        "/paths/~1a/get/responses/200/content/application~1json/schema/$ref:"
        " reference '#/components/schemas/Gone' does not resolve",
        "/paths/~1a/get/security/0: security scheme 'ghost' is not defined",
        "/security/0: security scheme 'ghost' is not defined",
        "/components/schemas/Strict: required property 'b' is not defined",
        "/components/schemas/Closed: required property 'b' is not defined",
        "/components/schemas/Pet/discriminator/mapping/x: mapping to a missing schema",
        "/components/schemas/Pet/discriminator/mapping/y: mapping to a missing schema",
    ]


def test_check_integrity_swagger2() -> None:
    doc = swagger(
        paths={"/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/A"}}}}}},
        definitions={"B": {"type": "object", "required": ["x"], "properties": {}}},
        securityDefinitions={"basic": {"type": "basic"}},
        security=[{"basic": []}, {"oauth": []}],
    )
    assert check_integrity(doc) == [
        "/paths/~1a/get/responses/200/schema/$ref: reference '#/definitions/A' does not resolve",
        "/definitions/B: required property 'x' is not defined",
        "/security/1: security scheme 'oauth' is not defined",
    ]
