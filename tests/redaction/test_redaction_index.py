"""What the redactor's copy-time index must keep equal to the walks it replaced: detached subtrees, the reference
graph built from recorded holders, the order pruning reports in, shared (aliased) input, and the role plans."""

from __future__ import annotations

import copy
import gc
import json
from typing import Any

import pytest
from redaction_support import json_body, oas, op, pairs, ref, remove, run, schema_ref, swagger

from specreview.errors import RedactionError
from specreview.gc_pause import gc_paused
from specreview.redaction import apply_redactions, check_integrity
from specreview.redaction._copy import copy_document
from specreview.redaction._model import (
    _OBJECT_FIELDS,
    ANY,
    DATA,
    EXT,
    LIST_ITEMS,
    MAP_VALUES,
    child_role,
    children,
    is_container,
    iter_roles,
)


def triples(changes: Any) -> list[tuple[str, str, str]]:
    return [(c.pointer, c.action, c.rule) for c in changes]


def test_a_removed_subtree_takes_its_ref_holders_and_links_out_of_the_repairs() -> None:
    # /b holds a link to /a's operation and a $ref to Bar; /a/get holds a $ref to Foo. Both go: the link and
    # the refs inside them must not be "repaired" (they are gone), Foo is pruned, Bar is still used by /c.
    doc = oas(
        "3.0.3",
        paths={
            "/a": {"get": {**op(schema_ref("Foo")), "operationId": "getA"}},
            "/b": {
                "get": {
                    "operationId": "getB",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "links": {"toA": {"operationRef": "#/paths/~1a/get"}, "toAId": {"operationId": "getA"}},
                            "content": {"application/json": {"schema": schema_ref("Bar")}},
                        }
                    },
                }
            },
            "/c": {"get": op(schema_ref("Bar"))},
        },
        components={
            "schemas": {"Foo": {"type": "object", "properties": {"bar": schema_ref("Bar")}}, "Bar": {"type": "string"}}
        },
    )
    out, changes = run(doc, remove("/paths/~1b", rule="rb") + remove("/paths/~1a/get", rule="ra"))
    assert triples(changes) == [
        ("/paths/~1b", "remove", "rb"),
        ("/paths/~1a/get", "remove", "ra"),
        ("/paths/~1a", "remove-empty", "ra"),
        ("/components/schemas/Foo", "prune-unused", "ra"),
    ]
    assert list(out["paths"]) == ["/c"]
    assert list(out["components"]["schemas"]) == ["Bar"]


def test_a_component_used_only_by_a_removed_operation_is_pruned_with_the_removals_rule() -> None:
    doc = oas(
        "3.0.3",
        paths={"/secret": {"get": op(schema_ref("Secret"))}, "/public": {"get": op(schema_ref("Public"))}},
        components={
            "schemas": {
                "Secret": {"type": "object", "properties": {"inner": schema_ref("Inner")}},
                "Inner": {"type": "string"},
                "Public": {"type": "string"},
                # unused before the redaction: kept, and so is what it uses (Inner)
                "Unused": {"type": "object", "properties": {"x": schema_ref("Inner")}},
            }
        },
    )
    out, changes = run(doc, remove("/paths/~1secret", rule="internal"))
    assert triples(changes) == [
        ("/paths/~1secret", "remove", "internal"),
        ("/components/schemas/Secret", "prune-unused", "internal"),
    ]
    assert list(out["components"]["schemas"]) == ["Inner", "Public", "Unused"]


def test_a_component_reachable_only_through_a_bare_mapping_name_is_kept() -> None:
    doc = oas(
        "3.0.3",
        paths={"/pets": {"get": op(schema_ref("Pet"))}, "/x": {"get": op(schema_ref("Bird"))}},
        components={
            "schemas": {
                "Pet": {
                    "type": "object",
                    "oneOf": [schema_ref("Cat")],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat", "bird": "Bird"}},
                    "properties": {"kind": {"type": "string"}},
                },
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Bird": {"type": "object", "properties": {"kind": {"type": "string"}}},
            }
        },
    )
    out, changes = run(doc, remove("/paths/~1x", rule="x"))
    assert triples(changes) == [("/paths/~1x", "remove", "x")]
    assert list(out["components"]["schemas"]) == ["Pet", "Cat", "Bird"]


def test_the_pruning_rule_comes_from_the_referrer_the_former_walk_met_first() -> None:
    # That walk visited siblings last to first: /b's reference was found before /a's.
    doc = oas(
        "3.0.3",
        paths={
            "/a": {"get": op(schema_ref("Shared"))},
            "/b": {"get": op(schema_ref("Shared"))},
            "/c": {"get": op(schema_ref("Other"))},
        },
        components={"schemas": {"Shared": {"type": "string"}, "Other": {"type": "string"}}},
    )
    _, changes = run(doc, remove("/paths/~1a", rule="r-a") + remove("/paths/~1b", rule="r-b"))
    assert triples(changes)[-1] == ("/components/schemas/Shared", "prune-unused", "r-b")


def test_pruning_goes_through_sections_last_to_first_and_names_in_order() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/a": {
                "get": {
                    "parameters": [ref("components", "parameters", "P")],
                    "requestBody": ref("components", "requestBodies", "B"),
                    **op(schema_ref("S")),
                }
            },
            "/k": {"get": op()},
        },
        components={
            "schemas": {"S": {"type": "string"}, "T": {"type": "integer"}},
            "parameters": {"P": {"name": "p", "in": "query", "schema": schema_ref("T")}},
            "requestBodies": {"B": json_body(schema_ref("S"))},
        },
    )
    _, changes = run(doc, remove("/paths/~1a", rule="gone"))
    assert pairs(changes) == [
        ("/paths/~1a", "remove"),
        ("/components/requestBodies/B", "prune-unused"),
        ("/components/parameters/P", "prune-unused"),
        ("/components/schemas/S", "prune-unused"),
        ("/components/schemas/T", "prune-unused"),
        ("/components/requestBodies", "remove-empty"),
        ("/components/parameters", "remove-empty"),
        ("/components/schemas", "remove-empty"),
    ]


def test_swagger2_pruning_order() -> None:
    doc = swagger(
        paths={
            "/a": {
                "get": {
                    "parameters": [{"$ref": "#/parameters/P"}],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/D"}},
                        "404": {"$ref": "#/responses/NotFound"},
                    },
                }
            },
            "/b": {"get": {"responses": {"200": {"description": "ok"}}}},
        },
        definitions={
            "D": {"type": "object", "properties": {"e": {"$ref": "#/definitions/E"}}},
            "E": {"type": "string"},
        },
        parameters={"P": {"name": "p", "in": "query", "type": "string"}},
        responses={"NotFound": {"description": "nf", "schema": {"$ref": "#/definitions/E"}}},
    )
    _, changes = run(doc, remove("/paths/~1a", rule="s2"))
    assert pairs(changes) == [
        ("/paths/~1a", "remove"),
        ("/responses/NotFound", "prune-unused"),
        ("/parameters/P", "prune-unused"),
        ("/definitions/D", "prune-unused"),
        ("/definitions/E", "prune-unused"),
        ("/responses", "remove-empty"),
        ("/parameters", "remove-empty"),
        ("/definitions", "remove-empty"),
    ]


def _shared_response_doc() -> dict[str, Any]:
    response = json_body(schema_ref("Thing"))  # one object in two places, as a YAML alias loads
    return oas(
        "3.0.3",
        paths={"/a": {"get": {"responses": {"200": response}}}, "/b": {"get": {"responses": {"200": response}}}},
        components={
            "schemas": {
                "Thing": {
                    "type": "object",
                    "properties": {"secret": {"type": "string"}, "ok": {"type": "string"}},
                    "required": ["secret"],
                }
            }
        },
    )


@pytest.mark.parametrize(
    "pointers",
    [["/paths/~1a", "/components/schemas/Thing/properties/secret"], ["/paths/~1a", "/paths/~1b"], ["/paths/~1b"]],
)
def test_shared_input_redacts_like_its_unshared_copy(pointers: list[str]) -> None:
    shared = _shared_response_doc()
    unshared = json.loads(json.dumps(shared))
    out_shared, changes_shared = apply_redactions(shared, remove(*pointers))
    out_unshared, changes_unshared = apply_redactions(unshared, remove(*pointers))
    assert json.dumps(out_shared) == json.dumps(out_unshared)
    assert changes_shared == changes_unshared
    assert shared["paths"]["/a"]["get"]["responses"]["200"] is shared["paths"]["/b"]["get"]["responses"]["200"]


def test_each_occurrence_of_a_dangling_reference_is_reported() -> None:
    doc = oas("3.0.3", paths={"/a": {"get": op(schema_ref("Missing"))}, "/b": {"get": op(schema_ref("Missing"))}})
    where = "get/responses/200/content/application~1json/schema/$ref"
    assert check_integrity(doc) == [
        f"/paths/~1a/{where}: reference '#/components/schemas/Missing' does not resolve",
        f"/paths/~1b/{where}: reference '#/components/schemas/Missing' does not resolve",
    ]


_ROLES = sorted({"doc", ANY, DATA, EXT, *MAP_VALUES, *LIST_ITEMS, *_OBJECT_FIELDS, *MAP_VALUES.values()})
_KEYS: list[Any] = sorted(
    {k for fields in _OBJECT_FIELDS.values() for k in fields} | {"x-internal", "x-", "name", "items", "$ref"}
) + [0, 1, True]


def _reference_roles(data: Any, root_role: str = "doc") -> list[tuple[Any, str]]:
    """Every container with its role through `child_role`, in document order: the walk before role plans."""
    out = []
    stack = [(data, root_role)]
    while stack:
        node, role = stack.pop()
        out.append((node, role))
        in_list = isinstance(node, list)
        kids = [(v, child_role(role, k, v, in_list)) for k, v in children(node) if is_container(v)]
        stack.extend(reversed(kids))
    return out


@pytest.mark.parametrize("role", _ROLES)
def test_iter_roles_gives_child_role(role: str) -> None:
    for value in ({}, [], {"type": "string"}, [{}]):
        for container in ({k: copy.deepcopy(value) for k in _KEYS}, [value, copy.deepcopy(value)]):
            got = [(id(node), r) for node, r, _ in iter_roles(container, role)]
            assert got == [(id(node), r) for node, r in _reference_roles(container, role)], type(container)


def _rich_document() -> dict[str, Any]:
    items_list = {"type": "array", "items": [{"type": "string"}, schema_ref("Pet")]}
    return oas(
        "3.1.0",
        paths={
            "x-paths-extension": {"get": {"not": "an operation"}},
            "/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "get": {
                    "tags": ["pets"],
                    "security": [{"key": []}],
                    "callbacks": {"cb": {"{$url}": {"post": op(items_list)}, "x-cb": {"v": [1]}}},
                    "responses": {
                        "200": {
                            **json_body(schema_ref("Pet")),
                            "links": {"self": {"operationId": "x", "parameters": {"id": {"a": 1}}}},
                            "headers": {"H": {"schema": {"type": "integer"}, "examples": {"e": {"value": {"k": 1}}}}},
                        },
                        "x-responses-extension": {"description": {"k": "v"}},
                    },
                    "x-vendor": {"schema": {"properties": {"a": {}}}},
                },
            },
        },
        webhooks={"hook": {"post": op({"type": "object", "prefixItems": [{"type": "string"}]})}},
        components={
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {"kind": {"type": "string"}, "items": {"type": "array", "items": {}}},
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
                    "example": {"properties": {"x": {}}},
                },
                "Cat": {"allOf": [schema_ref("Pet"), {"$defs": {"D": {"items": [{}]}}}], "required": ["kind"]},
            },
            "securitySchemes": {"key": {"type": "oauth2", "flows": {"implicit": {"scopes": {"a": "b"}}}}},
            "x-components-extension": {"schemas": {"N": {}}},
        },
        tags=[{"name": "pets", "externalDocs": {"url": "u"}}],
        servers=[{"url": "https://{h}", "variables": {"h": {"default": "x", "enum": ["x"]}}}],
    )


def _swagger_document() -> dict[str, Any]:
    return swagger(
        paths={
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "type": "array", "items": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/D"}, "examples": {}}},
                }
            }
        },
        definitions={"D": {"type": "object", "properties": {"e": {"type": "array", "items": [{}]}}}},
        parameters={"P": {"name": "p", "in": "query", "type": "string"}},
        securityDefinitions={"k": {"type": "oauth2", "scopes": {"a": "b"}}},
    )


@pytest.mark.parametrize("make", [_rich_document, _swagger_document])
def test_the_copy_gives_each_container_its_child_role(make: Any) -> None:
    doc = make()
    copied = copy_document(doc, "swagger" in doc)
    assert json.dumps(copied.root) == json.dumps(doc)
    got = [copied.role[id(node)] for node, _ in _reference_roles(copied.root)]
    assert got == [role for _, role in _reference_roles(doc)]
    assert got == [role for _, role, _ in iter_roles(doc)]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_restored_after_a_pause(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError), gc_paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_document_deeper_than_the_quick_copy_goes_is_copied_whole() -> None:
    # Past 10,000 levels the copy starts again, tracking ancestors (a cycle is infinitely deep).
    leaf: dict[str, Any] = {"end": True}
    value: dict[str, Any] = leaf
    for _ in range(10_050):
        value = {"a": value}
    doc = oas("3.0.3", paths={"/a": {"get": op()}}, components={"examples": {"Deep": {"value": value}}})
    out, changes = apply_redactions(doc, remove("/paths/~1a/get/responses/200/description"))
    assert changes[0].pointer == "/paths/~1a/get/responses/200/description"
    copied = out["components"]["examples"]["Deep"]["value"]
    for _ in range(10_050):
        copied = copied["a"]
    assert copied == leaf and copied is not leaf


def test_a_cycle_is_refused_after_the_quick_copy_gives_up() -> None:
    loop: dict[str, Any] = {"type": "object"}
    loop["properties"] = {"again": loop}
    doc = oas("3.0.3", paths={}, components={"schemas": {"Loop": loop}})
    with pytest.raises(RedactionError, match="recursive structure"):
        apply_redactions(doc, [])
