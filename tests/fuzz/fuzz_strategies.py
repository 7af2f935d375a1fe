"""Hypothesis strategies for hostile input: random JSON-like values, YAML-flavoured text, and OpenAPI-shaped
documents that are *not* necessarily valid (dangling and cyclic `$ref`s, escaped component names,
compositions, junk where a schema or an operation should be, examples with random and secret-looking
strings). tests/redaction/test_redaction_properties.py generates valid documents to check the redaction
guarantees; these look for crashes."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Secret-looking values the rules act on; a report must never quote them.
SECRETS = (
    "sk_live_51HxQJ2eZvKYlo2C0aB3cD4eF5gH6iJ7k",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
    "AKIAIOSFODNN7EXAMPLQ",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
)
_TRICKY_STRINGS = (
    *SECRETS,
    "10.0.0.7",
    "http://build.corp.internal:8080/x",
    "https://api.example.com",
    "4111 1111 1111 1111",
    "4539 1488 0343 6467",
    "Traceback (most recent call last):",
    "SELECT * FROM users WHERE id = 1",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    "jane.doe@corp.internal",
    "{{password}}",
    "#/components/schemas/User",
    "~0~1%25",
    "",
    "\x00\ufeff\u202e",
)
_NAMES = ("User", "UserInDB", "Token", "Error", "a/b", "c~d", "e f", "%41", "Node", "x-internal", "200")
_PROPERTIES = (
    "password",
    "hashed_password",
    "access_token",
    "max_tokens",
    "stack_trace",
    "sql",
    "email",
    "id",
    "name",
    "$ref",
    "x-internal",
    "debug",
)
_PATHS = ("/users", "/internal/jobs", "/debug/{id}", "/admin", "/users/{user_id}", "/a~b", "/x%2Fy", "/")
_METHODS = ("get", "put", "post", "delete", "patch", "x-verb", "parameters", "servers")
_MEDIA = ("application/json", "text/plain", "application/xml", "*/*")

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(_TRICKY_STRINGS)
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)

# Characters that make YAML (and JSON) parsers take unusual paths: anchors, aliases, tags, flow, block scalars.
yaml_text = st.text(alphabet=" \n\t:-?[]{}&*!|>'\"#%@`,.~<=0123456789aeflnotruyx\\\ufeff\x00", max_size=300)


def escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


@st.composite
def openapi_documents(draw: Any) -> dict[str, Any]:
    """A document shaped like OpenAPI 3.0/3.1 or Swagger 2.0, with random content in every part."""
    swagger2 = draw(st.booleans()) and draw(st.booleans())
    names = draw(st.lists(st.sampled_from(_NAMES) | st.text(min_size=1, max_size=6), max_size=5, unique=True))
    section = "#/definitions/" if swagger2 else "#/components/schemas/"

    def reference() -> dict[str, Any]:
        options = [*(section + escape(n) for n in names), *(section + n for n in names)]
        options += [section + "Missing", "#", "#/", "#/paths", "#anchor", "other.yaml#/X", "http://127.0.0.1:9/x.json"]
        return {"$ref": draw(st.sampled_from(options) | st.text(max_size=12))}

    def schema(depth: int = 0) -> Any:
        kind = draw(st.sampled_from(["ref", "object", "array", "string", "compose", "junk", "empty"]))
        if depth > 3 or kind == "string":
            out: dict[str, Any] = {"type": draw(st.sampled_from(["string", "integer", "number", "boolean", 5]))}
        elif kind == "ref":
            out = reference()
        elif kind == "object":
            props = draw(st.lists(st.sampled_from(_PROPERTIES) | st.text(max_size=8), max_size=4, unique=True))
            out = {"type": "object", "properties": {p: schema(depth + 1) for p in props}}
            if props and draw(st.booleans()):
                out["required"] = draw(st.lists(st.sampled_from([*props, "ghost"]), max_size=3))
        elif kind == "array":
            out = {"type": "array", "items": schema(depth + 1)}
        elif kind == "compose":
            key = draw(st.sampled_from(["allOf", "oneOf", "anyOf", "not"]))
            parts = [schema(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            out = {key: parts[0] if key == "not" and parts else parts}
        elif kind == "junk":
            return draw(json_values)
        else:
            out = {}
        for key in draw(st.lists(st.sampled_from(["example", "default", "enum", "description", "x-internal"]))):
            out[key] = draw(json_values) if key != "x-internal" else draw(st.booleans() | scalars)
        if draw(st.integers(0, 9)) == 0:
            out["x-specreview-ignore"] = draw(st.lists(st.text(max_size=20)) | scalars)
        return out

    def media() -> dict[str, Any]:
        out: dict[str, Any] = {"schema": schema()}
        if draw(st.booleans()):
            out["example"] = draw(json_values)
        if draw(st.booleans()):
            out["examples"] = {draw(st.text(max_size=5)): {"value": draw(json_values)} for _ in range(2)}
        return out

    def operation() -> Any:
        if draw(st.integers(0, 9)) == 0:
            return draw(json_values)
        params = [
            {"name": draw(st.sampled_from(_PROPERTIES)), "in": draw(st.sampled_from(["query", "path", "header", 1])),
             "schema": schema()}
            for _ in range(draw(st.integers(0, 2)))
        ]  # fmt: skip
        if draw(st.booleans()):
            params.append(draw(json_values) if draw(st.booleans()) else {"$ref": "#/components/parameters/P"})
        responses: dict[str, Any] = {}
        for code in draw(st.lists(st.sampled_from(["200", "201", "400", "500", "default", "x-r", "2XX"]), max_size=3)):
            content = {draw(st.sampled_from(_MEDIA)): media() for _ in range(draw(st.integers(0, 2)))}
            responses[code] = {"description": draw(st.text(max_size=20)), "content": content}
            if swagger2:
                responses[code] = {"description": "d", "schema": schema()}
        out: dict[str, Any] = {"responses": responses, "parameters": params}
        if draw(st.booleans()):
            out["requestBody"] = {"content": {"application/json": media()}}
        if draw(st.integers(0, 5)) == 0:
            out["x-internal"] = True
        return out

    paths: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(_PATHS) | st.text(max_size=10), max_size=4, unique=True)):
        paths[path] = {m: operation() for m in draw(st.lists(st.sampled_from(_METHODS), max_size=3, unique=True))}
    schemas = {n: schema() for n in names}
    doc: dict[str, Any] = {"info": {"title": draw(st.text(max_size=10)), "version": "1"}, "paths": paths}
    if swagger2:
        doc = {"swagger": "2.0", **doc, "definitions": schemas}
        doc["host"] = draw(st.sampled_from(_TRICKY_STRINGS))
    else:
        doc = {"openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])), **doc, "components": {"schemas": schemas}}
        if draw(st.booleans()):
            doc["components"]["parameters"] = {"P": {"name": "p", "in": "query", "schema": schema()}}
        doc["servers"] = [{"url": draw(st.sampled_from(_TRICKY_STRINGS))} for _ in range(draw(st.integers(0, 2)))]
    if draw(st.integers(0, 4)) == 0:
        doc[draw(st.sampled_from(["x-extra", "tags", "security", "webhooks"]))] = draw(json_values)
    return doc
