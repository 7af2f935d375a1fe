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


def test_an_extension_of_a_parameter_holds_the_parameter_s_values() -> None:
    # `x-example` on a parameter is a value of that parameter: a secret-named one's is a secret, another's not.
    value = "q8Zt2LmP0vXr7Yb1"
    params = [
        {"name": name, "in": "query", "schema": {"type": "string", "maxLength": 5}, "x-example": value}
        for name in ("client_secret", "note")
    ]
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"parameters": params, "responses": {"200": {"description": "ok"}}}}},
    }
    found = {f.pointer for f in review(doc).findings if f.rule == "credential-in-example"}
    assert found == {"/paths/~1a/get/parameters/0/x-example"}
