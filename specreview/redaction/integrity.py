"""Reference integrity and consistency checks that `redact` runs on its own output. All walks are iterative."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from specreview.document.pointer import to_pointer
from specreview.gc_pause import gc_paused
from specreview.redaction._model import (
    Link,
    is_swagger2,
    iter_containers,
    iter_roles,
    link_path,
    local_ref_tokens,
    looks_like_schema_name,
    resolves,
)

__all__ = ["check_integrity", "dangling_refs"]

# A schema with any of these may get its properties from elsewhere: its `required` is not checked.
_OPEN_KEYWORDS = (
    "allOf",
    "anyOf",
    "oneOf",
    "$ref",
    "patternProperties",
    "dependentSchemas",
    "if",
    "unevaluatedProperties",
)


def _anchors(data: Any) -> set[str]:
    names: set[str] = set()
    for node, _ in iter_containers(data):
        if isinstance(node, dict):
            for key in ("$anchor", "$dynamicAnchor"):
                if isinstance(node.get(key), str):
                    names.add(node[key])
    return names


def _iter_local_refs(data: Any) -> list[tuple[Link, str]]:
    """(linked path of the holder, reference) for every local reference, in document order."""
    return [
        (link, node["$ref"])
        for node, link in iter_containers(data)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")
    ]


def _unresolved(data: Any, refs: list[tuple[Link, str]]) -> list[tuple[Link, str]]:
    anchors: set[str] | None = None
    verdicts: dict[str, bool] = {}  # reference -> resolves: a document repeats its references many times
    out: list[tuple[Link, str]] = []
    for where, ref in refs:
        ok = verdicts.get(ref)
        if ok is None:
            tokens = local_ref_tokens(ref)
            if tokens is None:  # `#name`: a JSON Schema anchor
                if anchors is None:
                    anchors = _anchors(data)
                ok = unquote(ref[1:]) in anchors
            else:
                ok = resolves(data, tokens)
            verdicts[ref] = ok
        if not ok:
            out.append((where, ref))
    return out


def dangling_refs(data: Any) -> list[str]:
    """Every local `$ref` (`#/...`) that does not resolve in `data`, each once, in document order."""
    seen: dict[str, None] = {}
    for _, ref in _unresolved(data, _iter_local_refs(data)):
        seen.setdefault(ref, None)
    return list(seen)


def check_integrity(data: Any) -> list[str]:
    """Human-readable consistency problems: dangling references, `required` names without a property,
    discriminator mappings to missing schemas, security requirements naming undefined schemes."""
    with gc_paused():
        return _check_integrity(data)


def _check_integrity(data: Any) -> list[str]:
    if not isinstance(data, dict):
        unresolved = _unresolved(data, _iter_local_refs(data))
        return [_ref_problem(where, ref) for where, ref in unresolved]
    swagger2 = is_swagger2(data)
    if swagger2:
        schemes = data.get("securityDefinitions")
        schemas: Any = data.get("definitions")
    else:
        components = data.get("components") if isinstance(data.get("components"), dict) else {}
        schemes = components.get("securitySchemes")
        schemas = components.get("schemas")
    scheme_names = set(schemes) if isinstance(schemes, dict) else set()
    schema_names = set(schemas) if isinstance(schemas, dict) else set()

    # One walk finds both the references (in every container: examples too) and the role problems, which come
    # after all reference problems in the result.
    refs: list[tuple[Link, str]] = []
    problems: list[str] = []
    for node, role, link in iter_roles(data):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                refs.append((link, ref))
            if role == "schema":
                if "required" in node and "properties" in node:  # _undefined_required needs both
                    names = _undefined_required(node)
                    if names:
                        pointer = to_pointer(link_path(link))
                        problems.extend(f"{pointer}: required property {name!r} is not defined" for name in names)
            elif role == "discriminator" and isinstance(node.get("mapping"), dict):
                problems.extend(_mapping_problems(data, node["mapping"], schema_names, link))
        elif role == "securityList":
            problems.extend(_security_problems(node, scheme_names, link))
    return [_ref_problem(where, ref) for where, ref in _unresolved(data, refs)] + problems


def _ref_problem(where: Link, ref: str) -> str:
    return f"{to_pointer((*link_path(where), '$ref'))}: reference {ref!r} does not resolve"


def _mapping_problems(data: Any, mapping: dict[str, Any], schema_names: set[Any], link: Link) -> list[str]:
    out = []
    for name, value in mapping.items():
        if not isinstance(value, str):
            continue
        if value.startswith("#"):
            tokens = local_ref_tokens(value)
            missing = tokens is not None and not resolves(data, tokens)
        else:
            missing = looks_like_schema_name(value) and value not in schema_names
        if missing:
            out.append(f"{to_pointer((*link_path(link), 'mapping', name))}: mapping to a missing schema")
    return out


def _security_problems(requirements: list[Any], scheme_names: set[Any], link: Link) -> list[str]:
    out = []
    for i, requirement in enumerate(requirements):
        if isinstance(requirement, dict):
            out.extend(
                f"{to_pointer((*link_path(link), i))}: security scheme {name!r} is not defined"
                for name in requirement
                if name not in scheme_names
            )
    return out


def _undefined_required(schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties")
    required = schema.get("required")
    if not isinstance(properties, dict) or not isinstance(required, list):
        return []
    if any(k in schema for k in _OPEN_KEYWORDS):
        return []
    extra = schema.get("additionalProperties")
    if extra is True or isinstance(extra, dict):
        return []
    return [n for n in required if isinstance(n, str) and n not in properties]
