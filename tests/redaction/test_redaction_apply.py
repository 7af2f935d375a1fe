"""apply_redactions: each repair on small hand-written 3.0, 3.1 and Swagger 2.0 documents."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from redaction_support import json_body, oas, op, pairs, ref, remove, run, schema_ref, swagger

from specreview.document.pointer import exists
from specreview.errors import RedactionError
from specreview.redaction import Action, Change, apply_redactions, dangling_refs
from specreview.redaction.actions import CHANGE_KINDS, DROP_EXTENSION_RULE, REPAIR_RULE


def user_doc(version: str = "3.0.3") -> dict[str, Any]:
    return oas(
        version,
        paths={"/users/me": {"get": op(schema_ref("User"))}},
        components={
            "schemas": {
                "User": {
                    "type": "object",
                    "required": ["id", "hashed_password", "name"],
                    "properties": {
                        "id": {"type": "integer"},
                        "hashed_password": {"type": "string"},
                        "name": {"type": "string"},
                    },
                }
            }
        },
    )


# -- required -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_removed_property_leaves_required(version: str) -> None:
    out, changes = run(user_doc(version), remove("/components/schemas/User/properties/hashed_password", rule="pw"))
    user = out["components"]["schemas"]["User"]
    assert list(user["properties"]) == ["id", "name"]
    assert user["required"] == ["id", "name"]
    assert changes == [
        Change("/components/schemas/User/properties/hashed_password", "remove", "pw"),
        Change("/components/schemas/User/required/1", "remove-required", "pw"),
    ]


def test_required_dropped_when_emptied() -> None:
    doc = user_doc()
    doc["components"]["schemas"]["User"]["required"] = ["hashed_password"]
    out, changes = run(doc, remove("/components/schemas/User/properties/hashed_password"))
    assert "required" not in out["components"]["schemas"]["User"]  # 3.0: required needs an item
    assert ("/components/schemas/User/required", "remove-empty") in pairs(changes)


def test_removing_properties_map_clears_required() -> None:
    out, _ = run(user_doc(), remove("/components/schemas/User/properties"))
    assert out["components"]["schemas"]["User"] == {"type": "object"}


def test_property_named_like_keywords() -> None:
    doc = user_doc()
    schema = doc["components"]["schemas"]["User"]
    schema["properties"]["properties"] = {"type": "object", "required": ["x"], "properties": {"x": {}, "y": {}}}
    schema["required"].append("properties")
    out, _ = run(doc, remove("/components/schemas/User/properties/properties/properties/x"))
    inner = out["components"]["schemas"]["User"]["properties"]["properties"]
    assert inner == {"type": "object", "properties": {"y": {}}}
    assert "properties" in out["components"]["schemas"]["User"]["required"]


def test_required_inherited_through_allof() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(schema_ref("Child"))}},
        components={
            "schemas": {
                "Base": {"type": "object", "properties": {"id": {"type": "string"}, "secret": {"type": "string"}}},
                "Child": {"allOf": [schema_ref("Base")], "required": ["id", "secret"]},
            }
        },
    )
    out, changes = run(doc, remove("/components/schemas/Base/properties/secret", rule="s"))
    assert out["components"]["schemas"]["Child"]["required"] == ["id"]
    assert Change("/components/schemas/Child/required/1", "remove-required", "s") in changes


# -- references in compositions, items, additionalProperties ---------------------------------------


def composition_doc(version: str) -> dict[str, Any]:
    return oas(
        version,
        paths={"/x": {"get": op(schema_ref("Holder"))}},
        components={
            "schemas": {
                "Secret": {"type": "object", "properties": {"k": {"type": "string"}}},
                "Public": {"type": "object", "properties": {"n": {"type": "string"}}},
                "Holder": {
                    "type": "object",
                    "required": ["a", "lines", "meta", "matrix", "keep"],
                    "properties": {
                        "a": {"allOf": [schema_ref("Secret"), schema_ref("Public")]},
                        "b": {"oneOf": [schema_ref("Secret"), schema_ref("Public")]},
                        "c": {"anyOf": [schema_ref("Secret")]},
                        "lines": {"type": "array", "items": schema_ref("Secret")},
                        "meta": {"type": "object", "additionalProperties": schema_ref("Secret")},
                        "matrix": {"type": "array", "items": {"type": "array", "items": schema_ref("Secret")}},
                        "direct": schema_ref("Secret"),
                        "keep": {"type": "string"},
                    },
                },
            }
        },
    )


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_refs_to_removed_schema(version: str) -> None:
    out, changes = run(composition_doc(version), remove("/components/schemas/Secret", rule="s"))
    holder = out["components"]["schemas"]["Holder"]
    assert holder["properties"] == {
        "a": {"allOf": [schema_ref("Public")]},
        "b": {"oneOf": [schema_ref("Public")]},
        "keep": {"type": "string"},
    }
    assert holder["required"] == ["a", "keep"]
    got = pairs(changes)
    for pointer in ("a/allOf/0", "b/oneOf/0", "c/anyOf/0", "c", "lines", "meta", "matrix", "direct"):
        assert (f"/components/schemas/Holder/properties/{pointer}", "remove-ref") in got
    assert all(c.rule == "s" for c in changes)


def test_component_holding_removed_items_goes_and_so_do_its_users() -> None:
    doc = oas(
        "3.1.0",
        paths={"/x": {"get": op(schema_ref("Page"))}},
        components={
            "schemas": {
                "Line": {"type": "object"},
                "LineList": {"type": "array", "items": schema_ref("Line")},
                "Page": {"type": "object", "properties": {"lines": schema_ref("LineList"), "n": {"type": "integer"}}},
            }
        },
    )
    out, changes = run(doc, remove("/components/schemas/Line"))
    assert list(out["components"]["schemas"]) == ["Page"]
    assert out["components"]["schemas"]["Page"]["properties"] == {"n": {"type": "integer"}}
    assert ("/components/schemas/LineList", "remove-ref") in pairs(changes)


def test_response_schema_ref_removes_media_type_and_response_then_operation() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/gone": {"get": op(schema_ref("Secret"))},
            "/mixed": {
                "get": {
                    "responses": {
                        "200": json_body(schema_ref("Secret")),
                        "404": {"description": "nope"},
                    }
                }
            },
            "/kept": {"get": op({"type": "string"})},
        },
        components={"schemas": {"Secret": {"type": "string"}}},
    )
    out, changes = run(doc, remove("/components/schemas/Secret"))
    assert out["paths"]["/gone"]["get"]["responses"] == {"200": {"description": "ok"}}
    assert out["paths"]["/mixed"]["get"]["responses"] == {"200": {"description": "ok"}, "404": {"description": "nope"}}
    assert ("/paths/~1gone/get/responses/200/content/application~1json", "remove-ref") in pairs(changes)
    assert ("/paths/~1gone/get/responses/200/content", "remove-empty") in pairs(changes)


def test_response_ref_to_removed_response_removes_the_operation_left_without_responses() -> None:
    doc = oas(
        "3.0.3",
        paths={"/gone": {"get": {"responses": {"200": ref("components", "responses", "R")}}}, "/kept": {"get": op()}},
        components={"responses": {"R": {"description": "r"}}},
    )
    out, changes = run(doc, remove("/components/responses/R", rule="x"))
    assert list(out["paths"]) == ["/kept"]
    assert [(c.pointer, c.action, c.rule) for c in changes] == [
        ("/components/responses/R", "remove", "x"),
        ("/paths/~1gone/get/responses/200", "remove-ref", "x"),
        ("/components/responses", "remove-empty", "x"),
        ("/paths/~1gone/get", "remove-empty", "x"),
        ("/paths/~1gone", "remove-empty", "x"),
    ]


def test_request_body_left_without_content_is_removed() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/x": {"post": {"requestBody": {"content": {"application/json": {"schema": schema_ref("In")}}}, **op()}}
        },
        components={"schemas": {"In": {"type": "object"}}},
    )
    out, changes = run(doc, remove("/components/schemas/In"))
    assert out["paths"]["/x"]["post"] == op()
    assert ("/paths/~1x/post/requestBody", "remove-empty") in pairs(changes)


def test_component_refs_of_every_kind() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/x": {
                "post": {
                    "requestBody": ref("components", "requestBodies", "Body"),
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {"X-Secret": ref("components", "headers", "H"), "X-Keep": {"schema": {}}},
                            "links": {"l": ref("components", "links", "L")},
                            "content": {
                                "application/json": {
                                    "examples": {"e": ref("components", "examples", "E")},
                                    "schema": {},
                                }
                            },
                        },
                        "500": ref("components", "responses", "Err"),
                    },
                    "callbacks": {"cb": ref("components", "callbacks", "CB")},
                }
            }
        },
        components={
            "requestBodies": {"Body": {"content": {"text/plain": {"schema": {}}}}},
            "headers": {"H": {"schema": {"type": "string"}}},
            "links": {"L": {"operationId": "x"}},
            "examples": {"E": {"value": 1}},
            "responses": {"Err": {"description": "err"}},
            "callbacks": {"CB": {"{$request.body#/u}": {"post": op()}}},
        },
    )
    pointers = [f"/components/{s}" for s in ("requestBodies", "headers", "links", "examples", "responses", "callbacks")]
    out, changes = run(doc, remove(*pointers))
    assert out["paths"]["/x"]["post"] == {
        "responses": {
            "200": {
                "description": "ok",
                "headers": {"X-Keep": {"schema": {}}},
                "content": {"application/json": {"schema": {}}},
            }
        }
    }
    assert "components" not in out or out["components"] == {}
    got = pairs(changes)
    for pointer in (
        "/paths/~1x/post/requestBody",
        "/paths/~1x/post/responses/200/headers/X-Secret",
        "/paths/~1x/post/responses/200/links/l",
        "/paths/~1x/post/responses/200/content/application~1json/examples/e",
        "/paths/~1x/post/responses/500",
        "/paths/~1x/post/callbacks/cb",
    ):
        assert (pointer, "remove-ref") in got


# -- parameters ------------------------------------------------------------------------------------


def test_path_and_operation_level_parameter_refs() -> None:
    secret = {"name": "token", "in": "query", "schema": {"type": "string"}}
    page = {"name": "page", "in": "query", "schema": {"type": "integer"}}
    doc = oas(
        "3.0.3",
        paths={
            "/a": {
                "parameters": [ref("components", "parameters", "Token")],
                "get": op(
                    parameters=[ref("components", "parameters", "Page"), ref("components", "parameters", "Token")]
                ),
                "put": op(parameters=[ref("components", "parameters", "Token")]),
            }
        },
        components={"parameters": {"Token": secret, "Page": page}},
    )
    out, changes = run(doc, remove("/components/parameters/Token", rule="tok"))
    item = out["paths"]["/a"]
    assert "parameters" not in item
    assert item["get"]["parameters"] == [ref("components", "parameters", "Page")]
    assert "parameters" not in item["put"]
    assert set(pairs(changes)) >= {
        ("/paths/~1a/parameters/0", "remove-ref"),
        ("/paths/~1a/get/parameters/1", "remove-ref"),
        ("/paths/~1a/put/parameters/0", "remove-ref"),
        ("/paths/~1a/put/parameters", "remove-empty"),
    }


def test_removed_path_parameter_takes_its_operations() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/users/{id}": {"parameters": [ref("components", "parameters", "Id")], "get": op(), "delete": op()},
            "/users": {"get": op()},
        },
        components={"parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}}},
    )
    out, changes = run(doc, remove("/components/parameters/Id"))
    assert list(out["paths"]) == ["/users"]
    assert ("/paths/~1users~1{id}/get", "remove-ref") in pairs(changes)


def test_parameter_schema_ref_removes_parameter() -> None:
    doc = oas(
        "3.1.0",
        paths={
            "/a": {
                "get": op(
                    parameters=[{"name": "f", "in": "query", "schema": {"type": "array", "items": schema_ref("F")}}]
                )
            }
        },
        components={"schemas": {"F": {"type": "string"}}},
    )
    out, _ = run(doc, remove("/components/schemas/F"))
    assert "parameters" not in out["paths"]["/a"]["get"]


# -- discriminator -----------------------------------------------------------------------------------


def pet_doc(version: str = "3.0.3", bare: bool = False) -> dict[str, Any]:
    def target(name: str) -> str:
        return name if bare else f"#/components/schemas/{name}"

    return oas(
        version,
        paths={"/pets": {"get": op(schema_ref("Pet"))}},
        components={
            "schemas": {
                "Pet": {
                    "oneOf": [schema_ref("Cat"), schema_ref("Dog")],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": target("Cat"), "dog": target("Dog")}},
                },
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
            }
        },
    )


@pytest.mark.parametrize(("version", "bare"), [("3.0.3", False), ("3.1.0", False), ("3.1.0", True)])
def test_discriminator_mapping_entry_removed(version: str, bare: bool) -> None:
    out, changes = run(pet_doc(version, bare), remove("/components/schemas/Dog", rule="d"))
    pet = out["components"]["schemas"]["Pet"]
    assert pet["oneOf"] == [schema_ref("Cat")]
    assert list(pet["discriminator"]["mapping"]) == ["cat"]
    assert Change("/components/schemas/Pet/discriminator/mapping/dog", "remove-mapping", "d") in changes


def test_discriminator_dropped_with_its_mapping_and_oneof() -> None:
    doc = pet_doc()
    doc["components"]["schemas"]["Pet"] = {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        **doc["components"]["schemas"]["Pet"],
    }
    out, changes = run(doc, remove("/components/schemas/Dog", "/components/schemas/Cat"))
    assert out["components"]["schemas"] == {"Pet": {"type": "object", "properties": {"kind": {"type": "string"}}}}
    got = pairs(changes)
    assert ("/components/schemas/Pet/discriminator", "remove-empty") in got
    assert ("/components/schemas/Pet/oneOf", "remove-empty") in got


def test_schema_that_was_only_a_composition_of_removed_things_goes() -> None:
    doc = pet_doc()
    doc["paths"]["/owners"] = {
        "get": op(
            {
                "type": "object",
                "properties": {
                    "pet": {"allOf": [schema_ref("Pet")], "description": "3.0 idiom for a described $ref"},
                    "name": {"type": "string"},
                },
            }
        )
    }
    out, changes = run(doc, remove("/components/schemas/Dog", "/components/schemas/Cat", rule="p"))
    assert out["paths"]["/pets"]["get"]["responses"]["200"] == {"description": "ok"}
    schema = out["paths"]["/owners"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert list(schema["properties"]) == ["name"]
    assert "components" not in out or out["components"] == {}
    got = pairs(changes)
    assert ("/components/schemas/Pet", "remove-ref") in got
    assert ("/paths/~1pets/get/responses/200/content/application~1json", "remove-ref") in got


def test_component_reachable_only_through_mapping_is_kept() -> None:
    doc = pet_doc()
    doc["components"]["schemas"]["Bird"] = {"type": "object"}
    doc["components"]["schemas"]["Pet"]["discriminator"]["mapping"]["bird"] = "#/components/schemas/Bird"
    doc["paths"]["/other"] = {"get": op(schema_ref("Cat"))}
    out, _ = run(doc, remove("/paths/~1other"))
    assert set(out["components"]["schemas"]) == {"Pet", "Cat", "Dog", "Bird"}


def test_polymorphic_variants_found_through_allof_are_kept() -> None:
    doc = oas(
        "3.0.3",
        paths={"/pets": {"get": op(schema_ref("Pet"))}, "/cats": {"get": op(schema_ref("Cat"))}},
        components={
            "schemas": {
                "Pet": {
                    "type": "object",
                    "discriminator": {"propertyName": "kind"},
                    "properties": {"kind": {"type": "string"}},
                },
                "Cat": {"allOf": [schema_ref("Pet"), {"type": "object", "properties": {"purrs": {"type": "boolean"}}}]},
            }
        },
    )
    out, _ = run(doc, remove("/paths/~1cats"))
    assert set(out["components"]["schemas"]) == {"Pet", "Cat"}


# -- paths, operations, path items ---------------------------------------------------------------------


def test_path_item_left_without_operations_is_removed_and_paths_stays() -> None:
    doc = oas(
        "3.0.3",
        paths={"/admin": {"summary": "s", "parameters": [{"name": "q", "in": "query", "schema": {}}], "get": op()}},
    )
    out, changes = run(doc, remove("/paths/~1admin/get"))
    assert out["paths"] == {}
    assert pairs(changes) == [("/paths/~1admin/get", "remove"), ("/paths/~1admin", "remove-empty")]


def test_removing_paths_itself_empties_it() -> None:
    doc = oas("3.0.3", paths={"/a": {"get": op()}, "/b": {"get": op()}})
    out, changes = run(doc, remove("/paths"))
    assert out["paths"] == {}
    assert sorted(pairs(changes)) == [("/paths/~1a", "remove"), ("/paths/~1b", "remove")]


def test_operation_whose_last_response_is_removed() -> None:
    doc = oas("3.0.3", paths={"/a": {"get": op(), "post": op()}})
    out, changes = run(doc, remove("/paths/~1a/get/responses/200"))
    assert list(out["paths"]["/a"]) == ["post"]
    assert ("/paths/~1a/get", "remove-empty") in pairs(changes)
    out, _ = run(doc, remove("/paths/~1a/get/responses"))
    assert list(out["paths"]["/a"]) == ["post"]


def test_path_item_without_operations_to_begin_with_is_kept() -> None:
    doc = oas("3.1.0", paths={"/a": {"summary": "placeholder"}, "/b": {"get": op()}})
    out, _ = run(doc, remove("/paths/~1b"))
    assert out["paths"] == {"/a": {"summary": "placeholder"}}


def test_webhooks_and_callbacks() -> None:
    doc = oas(
        "3.1.0",
        paths={"/s": {"post": {**op(), "callbacks": {"done": {"{$request.body#/cb}": {"post": op()}}}}}},
        webhooks={"newPet": {"post": op()}, "other": {"post": op()}},
    )
    out, changes = run(
        doc,
        remove(
            "/webhooks/newPet/post", "/webhooks/other/post", "/paths/~1s/post/callbacks/done/{$request.body#~1cb}/post"
        ),
    )
    assert out["webhooks"] == {}
    assert "callbacks" not in out["paths"]["/s"]["post"]
    got = pairs(changes)
    assert ("/webhooks/newPet", "remove-empty") in got
    assert ("/paths/~1s/post/callbacks/done", "remove-empty") in got


def test_links_to_removed_operations_are_removed() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "links": {
                                "byRef": {"operationRef": "#/paths/~1b/get"},
                                "byId": {"operationId": "getB"},
                                "kept": {"operationId": "getA"},
                            },
                        }
                    },
                    "operationId": "getA",
                }
            },
            "/b": {"get": {**op(), "operationId": "getB"}},
        },
    )
    out, changes = run(doc, remove("/paths/~1b", rule="ip"))
    assert list(out["paths"]["/a"]["get"]["responses"]["200"]["links"]) == ["kept"]
    assert Change("/paths/~1a/get/responses/200/links/byRef", "remove-ref", "ip") in changes
    assert Change("/paths/~1a/get/responses/200/links/byId", "remove-ref", "ip") in changes


# -- servers, tags, security ---------------------------------------------------------------------------


def test_servers() -> None:
    servers = [{"url": "https://a.example.com"}, {"url": "http://10.0.0.1"}, {"url": "http://db.internal"}]
    doc = oas("3.0.3", paths={"/a": {"servers": [{"url": "http://x.corp"}], "get": op()}}, servers=servers)
    out, changes = run(doc, remove("/servers/1", "/servers/2", "/paths/~1a/servers/0"))
    assert out["servers"] == [{"url": "https://a.example.com"}]
    assert "servers" not in out["paths"]["/a"]
    assert ("/paths/~1a/servers", "remove-empty") in pairs(changes)
    out, changes = run(doc, remove("/servers/0", "/servers/1", "/servers/2"))
    assert "servers" not in out
    assert pairs(changes)[-1] == ("/servers", "remove-empty")


def test_swagger2_host_and_base_path_are_plain_removals() -> None:
    doc = swagger(paths={"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}, host="api.corp", basePath="/v1")
    out, changes = run(doc, remove("/host", "/basePath"))
    assert "host" not in out and "basePath" not in out
    assert {c.action for c in changes} == {"remove"}


def test_tags_no_longer_used_are_removed_but_not_those_unused_before() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/a": {"get": op(tags=["public"])},
            "/admin": {"get": op(tags=["admin", "public"]), "post": op(tags=["admin"])},
        },
        tags=[{"name": "admin"}, {"name": "public"}, {"name": "docs-only"}],
    )
    out, changes = run(doc, remove("/paths/~1admin", rule="ip"))
    assert out["tags"] == [{"name": "public"}, {"name": "docs-only"}]
    assert Change("/tags/0", "remove-tag", "ip") in changes


def test_tags_list_emptied_is_dropped() -> None:
    doc = oas("3.0.3", paths={"/admin": {"get": op(tags=["admin"])}}, tags=[{"name": "admin"}])
    out, _ = run(doc, remove("/paths/~1admin"))
    assert "tags" not in out


def test_security_requirements_naming_removed_scheme() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/a": {"get": op(security=[{"internalKey": [], "oauth": ["read"]}])},
            "/b": {"get": op(security=[{"internalKey": []}])},
            "/c": {"get": op(security=[{}, {"internalKey": []}])},
        },
        security=[{"internalKey": []}, {"oauth": ["read"]}],
        components={
            "securitySchemes": {
                "internalKey": {"type": "apiKey", "name": "X-Key", "in": "header"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "https://a.example.com/t", "scopes": {"read": "r"}}},
                },
                "unused": {"type": "http", "scheme": "basic"},
            }
        },
    )
    out, changes = run(doc, remove("/components/securitySchemes/internalKey", rule="k"))
    assert out["security"] == [{"oauth": ["read"]}]
    assert out["paths"]["/a"]["get"]["security"] == [{"oauth": ["read"]}]
    assert "security" not in out["paths"]["/b"]["get"]
    assert out["paths"]["/c"]["get"]["security"] == [{}]  # `{}` (no auth) was there before
    assert list(out["components"]["securitySchemes"]) == ["oauth", "unused"]  # schemes are never pruned
    assert Change("/security/0/internalKey", "remove-security", "k") in changes
    assert Change("/security/0", "remove-empty", "k") in changes


def test_swagger2_security_definitions() -> None:
    doc = swagger(
        paths={"/a": {"get": {"responses": {"200": {"description": "ok"}}, "security": [{"k": []}, {"b": []}]}}},
        securityDefinitions={"k": {"type": "apiKey", "name": "k", "in": "header"}, "b": {"type": "basic"}},
        security=[{"k": []}],
    )
    out, _ = run(doc, remove("/securityDefinitions/k"))
    assert "security" not in out
    assert out["paths"]["/a"]["get"]["security"] == [{"b": []}]


# -- Swagger 2.0 components ---------------------------------------------------------------------------


def swagger_doc() -> dict[str, Any]:
    return swagger(
        paths={
            "/users": {
                "post": {
                    "parameters": [
                        {"name": "body", "in": "body", "schema": ref("definitions", "UserIn")},
                        ref("parameters", "Trace"),
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": ref("definitions", "User")},
                        "500": ref("responses", "Err"),
                    },
                },
                "get": {
                    "responses": {
                        "200": {"description": "ok", "schema": {"type": "array", "items": ref("definitions", "User")}}
                    }
                },
            }
        },
        definitions={
            "UserIn": {"type": "object", "properties": {"name": {"type": "string"}}},
            "User": {
                "type": "object",
                "required": ["name", "debug"],
                "properties": {"name": {"type": "string"}, "debug": ref("definitions", "Debug")},
            },
            "Debug": {"type": "object", "properties": {"trace": {"type": "string"}}},
            "Error": {"type": "object", "properties": {"detail": ref("definitions", "Debug")}},
            "Orphan": {"type": "object"},
        },
        parameters={"Trace": {"name": "X-Trace", "in": "header", "type": "string"}},
        responses={"Err": {"description": "err", "schema": ref("definitions", "Error")}},
    )


def test_swagger2_definitions_parameters_responses() -> None:
    out, changes = run(
        swagger_doc(), remove("/definitions/Debug", "/definitions/UserIn", "/parameters/Trace", rule="s")
    )
    post = out["paths"]["/users"]["post"]
    assert "parameters" not in post
    assert out["definitions"]["User"] == {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}},
    }
    assert out["definitions"]["Error"] == {"type": "object", "properties": {}}
    assert set(out["definitions"]) == {"User", "Error", "Orphan"}
    got = pairs(changes)
    assert ("/paths/~1users/post/parameters/0", "remove-ref") in got
    assert ("/paths/~1users/post/parameters/1", "remove-ref") in got


def test_swagger2_response_schema_removal_prunes_and_removes_operations() -> None:
    out, changes = run(swagger_doc(), remove("/definitions/User", rule="u"))
    assert list(out["paths"]["/users"]) == ["post"]
    assert list(out["paths"]["/users"]["post"]["responses"]) == ["500"]
    assert "Debug" in out["definitions"]  # still used by Error
    got = pairs(changes)
    assert ("/paths/~1users/get/responses/200", "remove-ref") in got
    assert ("/paths/~1users/get", "remove-empty") in got


def test_swagger2_prunes_component_maps() -> None:
    out, changes = run(swagger_doc(), remove("/paths/~1users"))
    assert out["paths"] == {}
    assert out["definitions"] == {"Orphan": {"type": "object"}}  # unused before: not ours
    assert "parameters" not in out and "responses" not in out
    assert {c.pointer for c in changes if c.action == "prune-unused"} == {
        "/definitions/UserIn",
        "/definitions/User",
        "/definitions/Debug",
        "/definitions/Error",
        "/parameters/Trace",
        "/responses/Err",
    }


# -- unused components ----------------------------------------------------------------------------------


def test_cycle_orphaned_by_the_redaction_is_pruned() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(schema_ref("A"))}, "/keep": {"get": op(schema_ref("K"))}},
        components={
            "schemas": {
                "A": {"type": "object", "properties": {"b": schema_ref("B"), "self": schema_ref("A")}},
                "B": {"type": "object", "properties": {"a": schema_ref("A")}},
                "K": {"type": "object", "properties": {"k": schema_ref("K")}},
            }
        },
    )
    out, changes = run(doc, remove("/paths/~1a", rule="ip"))
    assert list(out["components"]["schemas"]) == ["K"]
    assert [(c.pointer, c.action, c.rule) for c in changes if c.action == "prune-unused"] == [
        ("/components/schemas/A", "prune-unused", "ip"),
        ("/components/schemas/B", "prune-unused", "ip"),
    ]


def test_components_unused_before_are_kept_with_what_they_use() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(schema_ref("Used"))}},
        components={
            "schemas": {
                "Used": {"type": "object"},
                "Legacy": {"type": "object", "properties": {"u": schema_ref("Used")}},
            },
            "parameters": {"Unused": {"name": "q", "in": "query", "schema": {}}},
        },
    )
    out, changes = run(doc, remove("/paths/~1a"))
    assert set(out["components"]["schemas"]) == {"Used", "Legacy"}
    assert "Unused" in out["components"]["parameters"]
    assert [c for c in changes if c.action == "prune-unused"] == []


def test_every_component_section_is_pruned_when_orphaned() -> None:
    doc = oas(
        "3.1.0",
        paths={
            "/a": {
                "get": {
                    "parameters": [ref("components", "parameters", "P")],
                    "responses": {"200": ref("components", "responses", "R")},
                },
            },
            "/b": ref("components", "pathItems", "B"),
        },
        components={
            "parameters": {"P": {"name": "p", "in": "query", "schema": schema_ref("S")}},
            "responses": {"R": {"description": "r", "headers": {"h": ref("components", "headers", "H")}}},
            "headers": {"H": {"schema": {"type": "string"}, "examples": {"e": ref("components", "examples", "E")}}},
            "examples": {"E": {"value": 1}},
            "schemas": {"S": {"type": "string"}},
            "pathItems": {"B": {"get": op()}},
            "securitySchemes": {"s": {"type": "http", "scheme": "basic"}},
        },
    )
    out, changes = run(doc, remove("/paths/~1a", "/paths/~1b"))
    assert out["components"] == {"securitySchemes": {"s": {"type": "http", "scheme": "basic"}}}
    assert len([c for c in changes if c.action == "prune-unused"]) == 6


def test_pruning_rule_is_traced_through_components() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(schema_ref("A"))}},
        components={"schemas": {"A": {"properties": {"b": schema_ref("B")}}, "B": {"type": "string"}}},
    )
    _, changes = run(doc, remove("/components/schemas/A/properties/b", rule="sf"))
    assert Change("/components/schemas/B", "prune-unused", "sf") in changes


# -- key order, input, lists, pointers ------------------------------------------------------------------


def test_key_order_is_kept() -> None:
    doc = composition_doc("3.0.3")
    doc["components"]["schemas"] = {"Z": {"type": "string"}, **doc["components"]["schemas"]}
    doc["paths"]["/x"]["get"]["x-z"] = 1
    doc["paths"]["/x"]["get"]["description"] = "d"
    out, _ = run(doc, remove("/components/schemas/Holder/properties/b"))
    assert list(out) == list(doc)
    assert list(out["components"]["schemas"]) == ["Z", "Secret", "Public", "Holder"]
    assert list(out["paths"]["/x"]["get"]) == ["responses", "x-z", "description"]
    assert list(out["components"]["schemas"]["Holder"]["properties"]) == [
        "a",
        "c",
        "lines",
        "meta",
        "matrix",
        "direct",
        "keep",
    ]


def test_list_items_removed_in_any_order_by_original_index() -> None:
    params = [{"name": f"p{i}", "in": "query", "schema": {}} for i in range(5)]
    doc = oas("3.0.3", paths={"/a": {"get": op(parameters=params)}})
    actions = remove("/paths/~1a/get/parameters/1", "/paths/~1a/get/parameters/4", "/paths/~1a/get/parameters/3")
    out, changes = run(doc, actions)
    assert [p["name"] for p in out["paths"]["/a"]["get"]["parameters"]] == ["p0", "p2"]
    assert [c.pointer for c in changes] == [
        "/paths/~1a/get/parameters/4",
        "/paths/~1a/get/parameters/3",
        "/paths/~1a/get/parameters/1",
    ]


def test_reference_into_a_shifted_list_is_rewritten() -> None:
    params = [{"name": f"p{i}", "in": "query", "schema": {}} for i in range(3)]
    doc = oas(
        "3.0.3",
        paths={
            "/a": {"get": op(parameters=params)},
            "/b": {"get": op(parameters=[ref("paths", "/a", "get", "parameters", "2")])},
        },
    )
    out, changes = run(doc, remove("/paths/~1a/get/parameters/0"))
    assert out["paths"]["/b"]["get"]["parameters"] == [{"$ref": "#/paths/~1a/get/parameters/1"}]
    assert Change("/paths/~1b/get/parameters/0/$ref", "rewrite-ref", REPAIR_RULE) in changes


def test_actions_below_removed_nodes_unresolvable_and_duplicates_are_skipped() -> None:
    doc = user_doc()
    actions = [
        *remove("/components/schemas/User/properties/hashed_password", rule="a"),
        *remove("/components/schemas/User/properties/hashed_password", rule="b"),
        *remove("/components/schemas/User/properties/hashed_password/type"),
        Action("/components/schemas/User/properties/hashed_password/type", "mask", "m", ("str",)),
        *remove("/components/schemas/Nope", "/paths/~1users~1me/get/parameters/7"),
    ]
    out, changes = run(doc, actions)
    assert pairs(changes) == [
        ("/components/schemas/User/properties/hashed_password", "remove"),
        ("/components/schemas/User/required/1", "remove-required"),
    ]
    assert changes[0].rule == "a"


def test_invalid_actions_raise() -> None:
    with pytest.raises(RedactionError):
        apply_redactions(user_doc(), remove(""))
    with pytest.raises(RedactionError):
        apply_redactions(user_doc(), [Action("/components", "mask", "m", ("x",))])
    with pytest.raises(RedactionError):
        apply_redactions(user_doc(), remove("components"))


def test_mask() -> None:
    doc = oas(
        "3.0.3",
        paths={"/a": {"get": op(description="Call keys.acme.internal with sk_live_abc; keys.acme.internal again")}},
        tags=[{"name": "t", "description": "see 10.1.2.3"}],
    )
    actions = [
        Action("/paths/~1a/get/description", "mask", "host", ("keys.acme.internal", "sk_live_abc")),
        Action("/tags/0/description", "mask", "host", ("10.1.2.3", "")),
    ]
    out, changes = run(doc, actions)
    assert out["paths"]["/a"]["get"]["description"] == "Call [REDACTED] with [REDACTED]; [REDACTED] again"
    assert out["tags"][0]["description"] == "see [REDACTED]"
    assert pairs(changes) == [("/paths/~1a/get/description", "mask"), ("/tags/0/description", "mask")]
    assert all("acme" not in c.pointer for c in changes)
    # spans that occur inside the marker itself do not break idempotence
    again, more = apply_redactions(
        out, [Action("/paths/~1a/get/description", "mask", "x", ("RED", "keys.acme.internal"))]
    )
    assert more == [] and again == out


def test_idempotent_with_surviving_actions() -> None:
    doc = composition_doc("3.1.0")
    doc["paths"]["/x"]["get"]["description"] = "host db.internal"
    actions = [
        *remove("/components/schemas/Secret", "/components/schemas/Holder/properties/keep"),
        Action("/paths/~1x/get/description", "mask", "h", ("db.internal",)),
    ]
    out, _ = run(doc, actions)
    surviving = [a for a in actions if exists(out, a.pointer)]
    assert [a.kind for a in surviving] == ["mask"]
    again, changes = apply_redactions(out, surviving)
    assert changes == [] and again == out


# -- extensions, x-internal -------------------------------------------------------------------------------


def test_drop_extensions_only_where_they_are_extensions() -> None:
    doc = oas(
        "3.0.3",
        paths={
            "/a": {
                "x-notes": "path item",
                "get": {
                    **op({"type": "object", "x-notes": "schema", "properties": {"x-notes": {"type": "string"}}}),
                    "x-notes": {"nested": {"x-notes": "inside an extension value"}},
                },
            },
            "x-notes": {"by": "paths"},
        },
        components={
            "headers": {"x-notes": {"schema": {}}},
            "schemas": {"S": {"type": "object", "example": {"x-notes": 1}}},
        },
        **{"x-notes": "root", "x-keep": 1},
    )
    out, changes = run(doc, [], drop_extensions={"x-notes"})
    assert "x-notes" not in out and out["x-keep"] == 1
    assert list(out["paths"]) == ["/a"]
    get = out["paths"]["/a"]["get"]
    assert "x-notes" not in get and "x-notes" not in out["paths"]["/a"]
    schema = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "object", "properties": {"x-notes": {"type": "string"}}}  # a property, not an extension
    assert "x-notes" in out["components"]["headers"]  # a header name
    assert out["components"]["schemas"]["S"]["example"] == {"x-notes": 1}  # data
    assert {c.action for c in changes} == {"drop-extension"} and {c.rule for c in changes} == {DROP_EXTENSION_RULE}
    assert len(changes) == 5


def test_removing_internal_object_with_ref_beside_x_internal() -> None:
    doc = composition_doc("3.0.3")
    doc["components"]["schemas"]["Holder"]["properties"]["direct"] = {**schema_ref("Secret"), "x-internal": True}
    doc["paths"]["/internal"] = {"x-internal": True, "get": {**op(schema_ref("Secret")), "x-internal": True}}
    out, _ = run(doc, remove("/components/schemas/Holder/properties/direct", "/paths/~1internal"))
    assert "direct" not in out["components"]["schemas"]["Holder"]["properties"]
    assert "Secret" in out["components"]["schemas"]


# -- structure ---------------------------------------------------------------------------------------------


def test_yaml_aliases_are_unshared() -> None:
    text = """
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': &ok
          description: ok
          headers: {X-Secret: {schema: {type: string}}, X-Id: {schema: {type: string}}}
  /b:
    get:
      responses:
        '200': *ok
"""
    doc = yaml.safe_load(text)
    out, _ = run(doc, remove("/paths/~1a/get/responses/200/headers/X-Secret"))
    assert list(out["paths"]["/a"]["get"]["responses"]["200"]["headers"]) == ["X-Id"]
    assert list(out["paths"]["/b"]["get"]["responses"]["200"]["headers"]) == ["X-Secret", "X-Id"]


def test_recursive_yaml_alias_is_refused() -> None:
    doc = yaml.safe_load("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-loop: &a [*a]\n")
    with pytest.raises(RedactionError):
        apply_redactions(doc, [])


def test_deep_documents_need_no_recursion() -> None:
    depth = 3000
    leaf: dict[str, Any] = {"type": "string"}
    schema: dict[str, Any] = leaf
    for _ in range(depth):
        schema = {"type": "object", "required": ["n"], "properties": {"n": schema, "secret": {"type": "string"}}}
    doc = oas("3.0.3", paths={"/a": {"get": op(schema_ref("Deep"))}}, components={"schemas": {"Deep": schema}})
    deep_pointer = "/components/schemas/Deep" + "/properties/n" * (depth - 1) + "/properties/secret"
    out, changes = apply_redactions(doc, [Action(deep_pointer, "remove", "r")])
    assert dangling_refs(out) == []
    assert len(changes) == 1
    node = out["components"]["schemas"]["Deep"]
    for _ in range(depth - 1):
        node = node["properties"]["n"]
    assert list(node["properties"]) == ["n"]
    node = doc["components"]["schemas"]["Deep"]
    for _ in range(depth - 1):
        node = node["properties"]["n"]
    assert list(node["properties"]) == ["n", "secret"]  # input untouched


def test_change_kinds_are_the_documented_vocabulary() -> None:
    out, changes = run(composition_doc("3.0.3"), remove("/components/schemas/Secret", "/paths/~1x"))
    assert {c.action for c in changes} <= set(CHANGE_KINDS)
    assert out["components"] == {}  # all pruned; `components` itself stays


@pytest.mark.parametrize("version", ["3.0.3", "2.0"])
def test_enum_emptied_by_the_redaction_is_dropped(version: str) -> None:
    """Corpus (github.com): both values of an enum were redacted, leaving an invalid `enum: []`."""
    prop = {"type": "string", "enum": ["read", "write"]}
    schema = {"type": "object", "properties": {"secrets": prop, "keep": {"type": "string", "enum": ["a", "b"]}}}
    if version == "2.0":
        doc = swagger(definitions={"P": schema})
        base = "/definitions/P/properties"
    else:
        doc = oas(version, components={"schemas": {"P": schema}})
        base = "/components/schemas/P/properties"
    out, changes = run(doc, remove(f"{base}/secrets/enum/0", f"{base}/secrets/enum/1", f"{base}/keep/enum/1"))
    props = out["definitions" if version == "2.0" else "components"]
    props = (props["P"] if version == "2.0" else props["schemas"]["P"])["properties"]
    assert props == {"secrets": {"type": "string"}, "keep": {"type": "string", "enum": ["a"]}}
    assert (f"{base}/secrets/enum", "remove-empty") in pairs(changes)


@pytest.mark.parametrize("version", ["3.0.3", "2.0"])
def test_removal_inside_a_default_removes_the_whole_default(version: str) -> None:
    """Corpus (vtex.local): removing `email` from a default left it without a required member: invalid."""
    client = {
        "type": "object",
        "required": ["id", "email"],
        "properties": {"id": {"type": "string"}, "email": {"type": "string"}},
        "default": {"id": "1", "email": "jane@example.org"},
    }
    keep = {"type": "object", "properties": {"a": {"type": "string"}}, "default": {"a": "x"}}
    header = {"type": "string"} if version == "2.0" else {"schema": {"type": "string"}}
    error = {"description": "no", "headers": {"X-Debug": header}}
    responses = {"200": {"description": "ok"}, "default": error}
    if version == "2.0":
        doc = swagger(paths={"/a": {"get": {"responses": responses}}}, definitions={"Client": client, "Keep": keep})
        base = "/definitions"
    else:
        doc = oas(version, paths={"/a": {"get": {"responses": responses}}})
        doc["components"] = {"schemas": {"Client": client, "Keep": keep}}
        base = "/components/schemas"
    out, changes = run(doc, remove(f"{base}/Client/default/email", "/paths/~1a/get/responses/default/headers/X-Debug"))
    schemas = out["definitions"] if version == "2.0" else out["components"]["schemas"]
    assert "default" not in schemas["Client"] and schemas["Keep"] == keep
    assert (f"{base}/Client/default", "remove") in pairs(changes)
    # a `default` response is not a default value
    assert out["paths"]["/a"]["get"]["responses"]["default"] == {"description": "no"}
