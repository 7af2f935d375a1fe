"""What each node of an OpenAPI document is: a small, iterative, version-tolerant classifier.

Redaction needs to know, for a container it is about to touch, whether it is a schema, a property map,
a parameter, a media type... so that it can keep the document valid. A *role* is a short string; the
grammar below maps (parent role, key) to the child's role. It covers OpenAPI 3.0, 3.1 and Swagger 2.0
in one table (their field names do not clash). Everything not described is `ANY` (an extensible object
whose `x-` keys are extensions), `DATA` (user values: examples, defaults, enums: never interpreted) or
`EXT` (the value of a specification extension: vendor data, never interpreted).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from specreview.document.pointer import parse_pointer, resolve_tokens, to_pointer

Path = tuple[str | int, ...]

ANY = "any"
DATA = "data"
EXT = "ext"

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"})

# Object roles: fixed fields -> child role. Unknown fields are ANY, `x-` fields EXT.
_SCHEMA_FIELDS: dict[str, str] = {
    "properties": "properties",
    "patternProperties": "schemaMap",
    "$defs": "schemaMap",
    "definitions": "schemaMap",
    "dependentSchemas": "schemaMap",
    "items": "schema",
    "additionalProperties": "schema",
    "additionalItems": "schema",
    "unevaluatedProperties": "schema",
    "unevaluatedItems": "schema",
    "not": "schema",
    "if": "schema",
    "then": "schema",
    "else": "schema",
    "contains": "schema",
    "propertyNames": "schema",
    "contentSchema": "schema",
    "allOf": "allOf",
    "anyOf": "anyOf",
    "oneOf": "oneOf",
    "prefixItems": "schemaList",
    "discriminator": "discriminator",
    "required": DATA,
    "example": DATA,
    "examples": DATA,
    "default": DATA,
    "enum": DATA,
    "const": DATA,
}

_OBJECT_FIELDS: dict[str, dict[str, str]] = {
    "doc": {
        "paths": "paths",
        "webhooks": "pathItemMap",
        "components": "components",
        "servers": "serverList",
        "security": "securityList",
        "tags": "tagList",
        # Swagger 2.0
        "definitions": "schemaMap",
        "parameters": "parameterMap",
        "responses": "responseMap",
        "securityDefinitions": "securitySchemeMap",
    },
    "pathItem": {
        **dict.fromkeys(HTTP_METHODS, "operation"),
        "parameters": "parameterList",
        "servers": "serverList",
    },
    "operation": {
        "parameters": "parameterList",
        "requestBody": "requestBody",
        "responses": "responses",
        "callbacks": "callbackMap",
        "security": "securityList",
        "servers": "serverList",
        "tags": DATA,
    },
    "parameter": {
        "schema": "schema",
        "content": "contentMap",
        "examples": "exampleMap",
        "example": DATA,
        "default": DATA,
        "enum": DATA,
    },
    "requestBody": {"content": "contentMap"},
    "mediaType": {"schema": "schema", "examples": "exampleMap", "example": DATA, "encoding": "encodingMap"},
    "encoding": {"headers": "headerMap"},
    "response": {
        "schema": "schema",
        "headers": "headerMap",
        "content": "contentMap",
        "links": "linkMap",
        "examples": DATA,  # Swagger 2.0: mime type -> value
    },
    "header": {
        "schema": "schema",
        "content": "contentMap",
        "examples": "exampleMap",
        "example": DATA,
        "default": DATA,
        "enum": DATA,
    },
    "link": {"parameters": DATA, "requestBody": DATA, "server": "server"},
    "example": {"value": DATA},
    "components": {
        "schemas": "schemaMap",
        "responses": "responseMap",
        "parameters": "parameterMap",
        "examples": "exampleMap",
        "requestBodies": "requestBodyMap",
        "headers": "headerMap",
        "securitySchemes": "securitySchemeMap",
        "links": "linkMap",
        "callbacks": "callbackMap",
        "pathItems": "pathItemMap",
    },
    "securityScheme": {"flows": "oauthFlows", "scopes": "nameMap"},
    "oauthFlows": {
        "implicit": "oauthFlow",
        "password": "oauthFlow",
        "clientCredentials": "oauthFlow",
        "authorizationCode": "oauthFlow",
        "deviceAuthorization": "oauthFlow",
    },
    "oauthFlow": {"scopes": "nameMap"},
    "server": {"variables": "serverVarMap"},
    "discriminator": {"mapping": "nameMap"},
    "schema": _SCHEMA_FIELDS,
}

# Map roles: every key is a name chosen by the author -> value role.
MAP_VALUES: dict[str, str] = {
    "paths": "pathItem",
    "responses": "response",
    "callback": "pathItem",
    "pathItemMap": "pathItem",
    "schemaMap": "schema",
    "properties": "schema",
    "parameterMap": "parameter",
    "responseMap": "response",
    "requestBodyMap": "requestBody",
    "headerMap": "header",
    "exampleMap": "example",
    "linkMap": "link",
    "callbackMap": "callback",
    "securitySchemeMap": "securityScheme",
    "contentMap": "mediaType",
    "encodingMap": "encoding",
    "nameMap": DATA,
    "serverVarMap": ANY,
}

# Maps that are also extensible objects: their `x-` keys are extensions, not names.
EXTENSIBLE_MAPS = frozenset({"paths", "responses", "callback"})

LIST_ITEMS: dict[str, str] = {
    "parameterList": "parameter",
    "serverList": "server",
    "tagList": ANY,
    "securityList": "nameMap",
    "schemaList": "schema",
    "allOf": "schema",
    "anyOf": "schema",
    "oneOf": "schema",
}

COMPOSITIONS = ("allOf", "oneOf", "anyOf")

# Swagger 2.0 top-level component maps; OpenAPI 3.x: every section of `components` but these.
SWAGGER2_SECTIONS = ("definitions", "parameters", "responses")
NEVER_PRUNED_SECTIONS = frozenset({"securitySchemes"})


def is_swagger2(data: Any) -> bool:
    return isinstance(data, dict) and "swagger" in data and "openapi" not in data


def is_extension(key: object) -> bool:
    return isinstance(key, str) and key.startswith("x-")


def child_role(role: str, key: Any, value: Any, in_list: bool = False) -> str:
    """The role of `value`, found under `key` in a container whose role is `role`."""
    if role in (DATA, EXT):
        return role
    if in_list:
        return LIST_ITEMS.get(role, ANY)
    if role in MAP_VALUES:
        if role in EXTENSIBLE_MAPS and is_extension(key):
            return EXT
        return MAP_VALUES[role]
    if is_extension(key):
        return EXT
    fields = _OBJECT_FIELDS.get(role)
    if fields is None:
        return ANY
    child = fields.get(key, ANY)
    if child == "schema" and key == "items" and isinstance(value, list):
        return "schemaList"  # tuple validation (draft 4 / Swagger 2.0 style)
    if role in ("parameter", "header") and key == "items":
        return ANY  # Swagger 2.0 items object: not a schema, holds no $ref
    return child


# How a container's children get their roles, decided once per container instead of once per child (the walks
# over a 20 MB document visit a million containers): (constant role or None, fixed fields, whether `x-` keys
# are extensions). With a constant, every child has it (an `x-` key: EXT when the flag is set); without,
# `fields.get(key)`, else EXT for an `x-` key, else ANY (`schemaList` for a schema's list `items`):
# planned_role, which iter_roles and the redactor's copy share; tests compare both walks with `child_role`.
ChildPlan = tuple[str | None, dict[str, str], bool]
_PLANS: dict[tuple[str, bool], ChildPlan] = {}


def child_plan(role: str, in_list: bool) -> ChildPlan:
    """The plan giving the roles of the children of a container with `role` (a list if `in_list`)."""
    plan = _PLANS.get((role, in_list))
    if plan is None:
        if role in (DATA, EXT):
            plan = (role, {}, False)
        elif in_list:
            plan = (LIST_ITEMS.get(role, ANY), {}, False)
        elif role in MAP_VALUES:
            plan = (MAP_VALUES[role], {}, role in EXTENSIBLE_MAPS)
        else:
            plan = (None, _OBJECT_FIELDS.get(role, {}), True)
        _PLANS[(role, in_list)] = plan
    return plan


def is_container(value: Any) -> bool:
    return isinstance(value, (dict, list))


def children(node: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(node, dict):
        yield from node.items()
    elif isinstance(node, list):
        yield from enumerate(node)


# A path kept as a linked list (parent link, key): building full tuples for every node is quadratic in depth.
Link = tuple[Any, Any] | None


def link_path(link: Link) -> Path:
    keys: list[str | int] = []
    while link is not None:
        link, key = link
        keys.append(key)
    return tuple(reversed(keys))


def planned_role(const: str | None, fields: dict[str, str], extensible: bool, key: Any, value: Any) -> str:
    """`child_role` through a container's plan (see ChildPlan): what the walks call once per container child."""
    if const is not None:
        return EXT if extensible and isinstance(key, str) and key.startswith("x-") else const
    role = fields.get(key)
    if role is None:
        return EXT if isinstance(key, str) and key.startswith("x-") else ANY
    if role == "schema" and key == "items" and isinstance(value, list):
        return "schemaList"
    return role


def iter_roles(data: Any, root_role: str = "doc", skip: Collection[str] = ()) -> Iterator[tuple[Any, str, Link]]:
    """Every container of `data` with its role and (linked) path, in document order. Iterative.

    Nothing below a container whose role is in `skip` is visited (ANY, DATA and EXT subtrees hold only
    ANY, DATA and EXT containers: a walk looking for other roles can skip them).
    """
    stack: list[tuple[Any, str, Link]] = [(data, root_role, None)]
    while stack:
        node, role, link = stack.pop()
        yield node, role, link
        if role in skip:
            continue
        if isinstance(node, list):
            const = child_plan(role, True)[0]
            kids = [(v, const, (link, i)) for i, v in enumerate(node) if isinstance(v, (dict, list))]
        else:
            const, fields, extensible = child_plan(role, False)
            kids = []
            for k, v in node.items():
                if not isinstance(v, (dict, list)):
                    continue
                kids.append((v, planned_role(const, fields, extensible, k, v), (link, k)))
        kids.reverse()
        stack.extend(kids)


def iter_containers(data: Any) -> Iterator[tuple[Any, Link]]:
    """Every dict and list of `data` with its (linked) path, in document order. Iterative."""
    stack: list[tuple[Any, Link]] = [(data, None)]
    while stack:
        node, link = stack.pop()
        yield node, link
        kids = [(v, (link, k)) for k, v in children(node) if is_container(v)]
        stack.extend(reversed(kids))


def local_ref_tokens(ref: str) -> list[str] | None:
    """Tokens of a local `#/...` reference (percent-decoded, ~0/~1 unescaped); None for other refs."""
    if not ref.startswith("#"):
        return None
    try:
        return parse_pointer(ref)
    except ValueError:
        return None  # `#anchor`: a plain-name fragment, not a JSON pointer


def resolves(data: Any, tokens: list[str]) -> bool:
    try:
        resolve_tokens(data, tokens)
    except KeyError:
        return False
    return True


MISSING: Any = object()


def node_at(data: Any, tokens: Sequence[Any] | None, default: Any = None) -> Any:
    """The node at tokens (str keys, int or numeric-str indexes), or default."""
    if tokens is None:
        return default
    node = data
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return default
            node = node[token]
        elif isinstance(node, list):
            text = str(token)
            if not text.isdigit() or int(text) >= len(node):
                return default
            node = node[int(text)]
        else:
            return default
    return node


def component_key(tokens: list[str] | Path, swagger2: bool) -> tuple[str, ...] | None:
    """The prunable component a reference target lies in: ("components", section, name) or (section, name)."""
    if swagger2:
        if len(tokens) >= 2 and tokens[0] in SWAGGER2_SECTIONS:
            return (str(tokens[0]), str(tokens[1]))
        return None
    if (
        len(tokens) >= 3
        and tokens[0] == "components"
        and isinstance(tokens[1], str)
        and tokens[1] not in NEVER_PRUNED_SECTIONS
        and not is_extension(tokens[1])
    ):
        return ("components", tokens[1], str(tokens[2]))
    return None


def mapping_target(value: Any, data: Any, swagger2: bool) -> list[str] | None:
    """Tokens a discriminator mapping value points at: a local ref, or a bare schema name (3.x)."""
    if not isinstance(value, str) or swagger2:
        return None
    if value.startswith("#"):
        return local_ref_tokens(value)
    if "/" in value or "#" in value:
        return None  # a relative or absolute URL: not ours
    schemas = data.get("components", {}).get("schemas") if isinstance(data.get("components"), dict) else None
    if isinstance(schemas, dict) and value in schemas:
        return ["components", "schemas", value]
    return None


def looks_like_schema_name(value: str) -> bool:
    return bool(value) and "/" not in value and "#" not in value and not value.endswith((".json", ".yaml", ".yml"))


def ref_string(tokens: list[str] | Path) -> str:
    """A local reference for tokens, percent-encoding what a URI fragment cannot hold."""
    return "#" + quote(to_pointer(tokens), safe="/~!$&'()*+,;=:@{}")
