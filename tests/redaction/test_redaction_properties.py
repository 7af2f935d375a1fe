"""Property test: random documents with shared components, cycles, compositions and discriminators,
random removals; the output must stay valid, reference-consistent and idempotent, the input untouched."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import FUZZ_HEALTH_CHECKS
from openapi_spec_validator import validate
from redaction_support import redact_checked, remove, run

from specreview.document.pointer import exists, get, to_pointer
from specreview.redaction import Action, check_integrity
from specreview.redaction._model import iter_roles, link_path


class _Builder:
    def __init__(self, draw: Any, version: str) -> None:
        self.draw = draw
        self.version = version
        self.v2 = version == "2.0"
        self.names = [f"S{i}" for i in range(draw(st.integers(1, 6)))]

    def sref(self, name: str) -> dict[str, str]:
        return {"$ref": f"#/definitions/{name}" if self.v2 else f"#/components/schemas/{name}"}

    def pick(self) -> str:
        return self.draw(st.sampled_from(self.names))

    def refs(self) -> list[dict[str, str]]:
        return [self.sref(self.pick()) for _ in range(self.draw(st.integers(1, 3)))]

    def property_schema(self) -> Any:
        kinds = ["string", "ref", "items", "additional", "allOf", "nested", "described"]
        if not self.v2:
            kinds += ["oneOf", "anyOf", "optional"]
        kind = self.draw(st.sampled_from(kinds))
        if kind == "string":
            return {"type": "string"}
        if kind == "ref":
            return self.sref(self.pick())
        if kind == "items":
            return {"type": "array", "items": self.sref(self.pick())}
        if kind == "additional":
            return {"type": "object", "additionalProperties": self.sref(self.pick())}
        if kind == "nested":
            return {"type": "array", "items": {"type": "array", "items": self.sref(self.pick())}}
        if kind == "described":
            return {"allOf": [self.sref(self.pick())], "description": "d"}
        if kind == "optional":
            return {"anyOf": [self.sref(self.pick()), {"type": "string"}]}
        return {kind: self.refs()}

    def properties(self) -> dict[str, Any]:
        return {f"p{j}": self.property_schema() for j in range(self.draw(st.integers(0, 4)))}

    def required(self, props: dict[str, Any]) -> dict[str, Any]:
        names = self.draw(st.lists(st.sampled_from(sorted(props)), unique=True)) if props else []
        return {"required": names} if names else {}

    def schema(self, index: int) -> dict[str, Any]:
        # Top-level compositions only point "forward" (S1 -> S3): the validator follows allOf/oneOf chains
        # without cycle detection. Properties may point anywhere, so reference cycles abound.
        later = self.names[index + 1 :]
        kinds = ["object", "object"] + (["allOf"] + ([] if self.v2 else ["poly"]) if later else [])
        kind = self.draw(st.sampled_from(kinds))
        props = self.properties()
        if kind == "object":
            return {"type": "object", "properties": props, **self.required(props)}
        if kind == "allOf":
            base = self.draw(st.sampled_from(later))
            return {"allOf": [self.sref(base), {"type": "object", "properties": props}], **self.required(props)}
        variants = sorted({self.draw(st.sampled_from(later)) for _ in range(self.draw(st.integers(1, 3)))})
        bare = self.version.startswith("3.1") and self.draw(st.booleans())
        mapping = {v.lower(): v if bare else f"#/components/schemas/{v}" for v in variants}
        return {
            "oneOf": [self.sref(v) for v in variants],
            "discriminator": {"propertyName": "kind", "mapping": mapping},
        }

    def document(self) -> dict[str, Any]:
        draw = self.draw
        schemas = {name: self.schema(i) for i, name in enumerate(self.names)}
        doc: dict[str, Any] = ({"swagger": "2.0"} if self.v2 else {"openapi": self.version}) | {
            "info": {"title": "t", "version": "1"}
        }
        if not self.v2:
            doc["servers"] = [{"url": f"https://s{i}.example.com"} for i in range(draw(st.integers(0, 2)))] or [
                {"url": "/"}
            ]
        paths: dict[str, Any] = {}
        tags_used: set[str] = set()
        for i in range(draw(st.integers(0, 4))):
            with_id = draw(st.booleans())
            url = f"/r{i}/{{id}}" if with_id else f"/r{i}"
            item: dict[str, Any] = {}
            if with_id:
                item["parameters"] = [{"$ref": "#/parameters/Id" if self.v2 else "#/components/parameters/Id"}]
            tag = draw(st.sampled_from(["a", "b", "c"]))
            tags_used.add(tag)
            item["get"] = {"tags": [tag], "responses": {"200": self.response(self.sref(self.pick()))}}
            if draw(st.booleans()):
                item["get"]["responses"]["500"] = {
                    "$ref": "#/responses/Err" if self.v2 else "#/components/responses/Err"
                }
            if draw(st.booleans()):
                item["get"]["parameters"] = [{"$ref": "#/parameters/Q" if self.v2 else "#/components/parameters/Q"}]
            if draw(st.booleans()):
                item["get"]["security"] = [{"key": []}]
            if draw(st.booleans()):
                body = self.sref(self.pick())
                post: dict[str, Any] = {"responses": {"201": {"description": "created"}}}
                if self.v2:
                    post["parameters"] = [{"name": "body", "in": "body", "schema": body}]
                else:
                    post["requestBody"] = {"content": {"application/json": {"schema": body}}}
                item["post"] = post
            paths[url] = item
        doc["paths"] = paths
        doc["tags"] = [{"name": t} for t in sorted(tags_used | {"unused"})]
        error = self.response(self.sref(self.pick()), "error")
        if self.v2:
            doc["definitions"] = schemas
            doc["parameters"] = {
                "Id": {"name": "id", "in": "path", "required": True, "type": "string"},
                "Q": {"name": "q", "in": "query", "type": "string"},
            }
            doc["responses"] = {"Err": error}
            doc["securityDefinitions"] = {"key": {"type": "apiKey", "name": "k", "in": "header"}}
        else:
            doc["components"] = {
                "schemas": schemas,
                "parameters": {
                    "Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    "Q": {"name": "q", "in": "query", "schema": self.sref(self.pick())},
                },
                "responses": {"Err": error},
                "securitySchemes": {"key": {"type": "apiKey", "name": "k", "in": "header"}},
            }
        return doc

    def response(self, schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
        if self.draw(st.booleans()):
            schema = {"type": "array", "items": schema}
        if self.v2:
            return {"description": description, "schema": schema}
        return {"description": description, "content": {"application/json": {"schema": schema}}}


def _candidates(doc: dict[str, Any]) -> list[str]:
    v2 = "swagger" in doc
    base = ("definitions",) if v2 else ("components", "schemas")
    schemas = doc["definitions"] if v2 else doc["components"]["schemas"]
    out = []
    for name, schema in schemas.items():
        out.append(to_pointer((*base, name)))
        for holder in [schema, *schema.get("allOf", [])]:
            if isinstance(holder.get("properties"), dict):
                path = (*base, name) if holder is schema else (*base, name, "allOf", schema["allOf"].index(holder))
                out.extend(to_pointer((*path, "properties", p)) for p in holder["properties"])
    for url, item in doc["paths"].items():
        out.append(to_pointer(("paths", url)))
        out.extend(to_pointer(("paths", url, m)) for m in item if m in ("get", "post"))
    sections = [("parameters", "Id"), ("parameters", "Q"), ("responses", "Err")]
    out.extend(to_pointer(s if v2 else ("components", *s)) for s in sections)
    out.append("/securityDefinitions/key" if v2 else "/components/securitySchemes/key")
    out.extend(f"/servers/{i}" for i in range(len(doc.get("servers", []))))
    return out


@st.composite
def scenarios(draw: Any) -> tuple[dict[str, Any], list[Action]]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0", "2.0"]))
    doc = _Builder(draw, version).document()
    pointers = draw(st.lists(st.sampled_from(_candidates(doc)), max_size=6, unique=True))
    return doc, remove(*pointers, rule="prop")


@settings(max_examples=100, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(scenarios())
def test_random_removals_keep_the_document_valid_and_consistent(scenario: tuple[dict[str, Any], list[Action]]) -> None:
    doc, actions = scenario
    validate(doc)  # the generator only builds valid documents
    assert check_integrity(doc) == []
    out, changes = run(doc, actions)  # validates the output, checks refs, integrity, input, idempotence
    for action in actions:
        if "/servers/" not in action.pointer:  # list items shift; everything else must be gone
            assert not exists(out, action.pointer)
    # every change is accounted for by an action or a repair
    assert {c.action for c in changes if c.rule != "prop"} <= {"prune-unused", "remove-ref", "remove-tag"}


# -- through the whole redactor: x-internal marks and leaks the built-in rules redact -------------------------

# Leaks the built-in rules act on, planted in random schemas and paths.
_LEAKS: list[tuple[str, Any]] = [
    ("password_hash", {"type": "string"}),
    ("stack_trace", {"type": "string"}),
    ("api_secret", {"type": "string", "example": "sk_live_51HxQJ2eZvKYlo2C0aB3cD4eF5gH6iJ7k"}),
]


@st.composite
def marked_documents(draw: Any) -> dict[str, Any]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0", "2.0"]))
    doc = _Builder(draw, version).document()
    candidates = [p for p in _candidates(doc) if "/servers/" not in p]
    for pointer in draw(st.lists(st.sampled_from(candidates), max_size=4, unique=True)):
        node = get(doc, pointer)
        if isinstance(node, dict):
            node["x-internal"] = True
    schemas = doc["definitions"] if "swagger" in doc else doc["components"]["schemas"]
    for name, (prop, schema) in draw(st.lists(st.tuples(st.sampled_from(sorted(schemas)), st.sampled_from(_LEAKS)))):
        holder = schemas[name]
        if isinstance(holder.get("properties"), dict):
            holder["properties"][prop] = dict(schema)
    if draw(st.booleans()):
        doc["paths"]["/internal/jobs"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    return doc


def _marked(data: Any) -> list[str]:
    return [to_pointer(link_path(link)) for node, role, link in iter_roles(data) if node_is_marked(node, role)]


def node_is_marked(node: Any, role: str) -> bool:
    return isinstance(node, dict) and role not in ("data", "ext") and node.get("x-internal") is True


def _check_marked_document(doc: dict[str, Any]) -> None:
    validate(doc)
    assert check_integrity(doc) == []
    result = redact_checked(doc)  # guarantees 1-4 (and the input untouched)
    assert _marked(result.data) == [], "a node marked x-internal survived"


@settings(max_examples=30, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(marked_documents())
def test_marked_and_leaking_documents_redact_valid_consistent_clean_and_idempotent(doc: dict[str, Any]) -> None:
    _check_marked_document(doc)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(marked_documents())
def test_marked_and_leaking_documents_long_run(doc: dict[str, Any]) -> None:
    _check_marked_document(doc)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=FUZZ_HEALTH_CHECKS)
@given(scenarios())
def test_random_removals_long_run(scenario: tuple[dict[str, Any], list[Action]]) -> None:
    doc, actions = scenario
    run(doc, actions)
