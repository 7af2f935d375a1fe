"""A schema property, parameter or scheme named like an OpenAPI map (`content`, `headers`, `links`) is reviewed like
any other: its examples are read and its flags seen (the key index once took their keywords for names)."""

from __future__ import annotations

from specreview.api import review

LEAK = "mail jane.doe@gmail.com or call +44 7911 123456"


def test_the_example_of_a_property_named_content_is_read() -> None:
    props = {name: {"type": "string", "example": LEAK} for name in ("content", "headers", "body")}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Msg": {"type": "object", "properties": props}}},
    }
    found = {f.pointer for f in review(doc).findings if f.rule == "personal-data-in-example"}
    assert found == {f"/components/schemas/Msg/properties/{name}/example" for name in props}


def test_a_parameter_named_content_marked_internal_is_found() -> None:
    param = {"name": "content", "in": "query", "x-internal": True, "schema": {"type": "string", "maxLength": 9}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/content"}], "responses": {}}}},
        "components": {"parameters": {"content": param}},
    }
    found = {f.pointer for f in review(doc).findings if f.rule == "x-internal-marked"}
    assert found == {"/components/parameters/content"}
