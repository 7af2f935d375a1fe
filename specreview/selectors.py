"""Selecting the nodes a rule looks at: JSONPath expressions (jsonpath-ng dialect) and `#Alias` node sets.

Every expression is parsed by jsonpath-ng when the rule loads, so a typo fails before any document is read.
Common shapes (`$.a.b`, `[*]`, `..name`) are then evaluated directly over the document's key index
(document/key_index.py); anything else falls back to jsonpath-ng itself. Aliases name OpenAPI-aware node sets
that JSONPath cannot express exactly (a "schema property" is only a property of something that is a schema), the way
Spectral rulesets use `#PathItem`-style aliases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from specreview.document.key_index import EXAMPLE_KEYS, TEXT_KEYS, KeyIndex
from specreview.document.pointer import Path
from specreview.flow import METHODS, FlowMap

# Aliases that never select the same node: each selects a different kind of object (a schema's property at
# `.../properties/NAME`, a parameter at `.../parameters/I`, a request body's schema at `.../content/TYPE/schema`, a
# path item, an operation). Rules that combine them need not check their candidates for repeats.
DISJOINT_ALIASES = frozenset({"#SchemaProperty", "#Parameter", "#RequestBody", "#PathItem", "#Operation"})

# The document's key index, built on first call: only some aliases need it (engine.Review.index).
Index = Callable[[], KeyIndex]
# The document's flow map, worked out on first call: only some aliases need it (engine.Review.flows).
Flows = Callable[[], FlowMap]
Step = tuple[str, Any]  # ("child", name) | ("wild", None) | ("index", i) | ("desc", name)

ALIASES = (
    "#SchemaProperty",
    "#Parameter",
    "#RequestBody",
    "#PathItem",
    "#Operation",
    "#ExampleValue",
    "#Text",
    "#ServerUrl",
)


@dataclass(frozen=True)
class Selector:
    source: str
    alias: str | None = None
    steps: tuple[Step, ...] | None = None  # fast path; None means use `compiled`
    compiled: Any = None


class Candidate(NamedTuple):
    """A selected node: where it is, what it is, and the name it goes by (property, parameter, path). A tuple: a
    large document has hundreds of thousands, and a tuple is the cheapest record to make."""

    path: Path
    value: Any
    name: str
    holder: Any = None  # for an extension (#ExampleValue): the object holding it


def compile_selector(expression: str) -> Selector:
    """Parse one `given`; raises ValueError with jsonpath-ng's reason when the expression is invalid."""
    if expression.startswith("#"):
        if expression not in ALIASES:
            raise ValueError(f"unknown alias {expression!r}; known: {', '.join(ALIASES)}")
        return Selector(expression, alias=expression)
    # Imported here: the shipped rules use aliases only, and jsonpath-ng costs a check a tenth of its start-up.
    from jsonpath_ng.ext import parse as parse_jsonpath

    try:
        compiled = parse_jsonpath(expression)
    except Exception as exc:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise ValueError(f"invalid JSONPath {expression!r}: {exc}") from None
    return Selector(expression, steps=_to_steps(compiled), compiled=compiled)


def _to_steps(node: Any) -> tuple[Step, ...] | None:
    from jsonpath_ng import jsonpath

    if isinstance(node, jsonpath.Root):
        return ()
    if isinstance(node, jsonpath.Child):
        left, right = _to_steps(node.left), _to_steps(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, jsonpath.Fields) and len(node.fields) == 1:
        field = node.fields[0]
        return (("wild", None),) if field == "*" else (("child", field),)
    if isinstance(node, jsonpath.Slice) and node.start is None and node.end is None and node.step is None:
        return (("wild", None),)
    if isinstance(node, jsonpath.Index) and len(getattr(node, "indices", [node.index])) == 1:
        return (("index", node.index),)
    if (
        isinstance(node, jsonpath.Descendants)
        and isinstance(node.right, jsonpath.Fields)
        and len(node.right.fields) == 1
    ):
        left = _to_steps(node.left)
        field = node.right.fields[0]
        return None if left is None or field == "*" else left + (("desc", field),)
    return None


def evaluate(selector: Selector, doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    if selector.alias is not None:
        yield from _ALIAS_FUNCS[selector.alias](doc, index, flows)
    elif selector.steps is not None:
        for path, value in _run_steps(selector.steps, doc, index()):
            yield Candidate(path, value, str(path[-1]) if path else "")
    else:
        for match in selector.compiled.find(doc):
            path = _full_path(match.full_path)
            yield Candidate(path, match.value, str(path[-1]) if path else "")


def _full_path(node: Any) -> Path:
    from jsonpath_ng import jsonpath

    if isinstance(node, jsonpath.Child):
        return _full_path(node.left) + _full_path(node.right)
    if isinstance(node, jsonpath.Fields):
        return (node.fields[0],)
    if isinstance(node, jsonpath.Index):
        return (node.index,)
    return ()


def _run_steps(steps: tuple[Step, ...], doc: Any, index: KeyIndex) -> list[tuple[Path, Any]]:
    current: list[tuple[Path, Any]] = [((), doc)]
    for kind, arg in steps:
        nxt: list[tuple[Path, Any]] = []
        for path, node in current:
            if kind == "child" and isinstance(node, dict) and arg in node:
                nxt.append(((*path, arg), node[arg]))
            elif kind == "index" and isinstance(node, list) and -len(node) <= arg < len(node):
                nxt.append(((*path, arg % len(node)), node[arg]))
            elif kind == "wild":
                if isinstance(node, dict):
                    nxt.extend(((*path, k), v) for k, v in node.items())
                elif isinstance(node, list):
                    nxt.extend(((*path, i), v) for i, v in enumerate(node))
            elif kind == "desc":
                if not path and arg in index.entries:
                    nxt.extend(index.entries[arg])
                else:
                    nxt.extend(_descendants(path, node, arg))
        current = nxt
    return current


def _descendants(path: Path, node: Any, key: str) -> Iterator[tuple[Path, Any]]:
    stack = [(path, node)]
    while stack:
        p, n = stack.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == key:
                    yield (*p, k), v
                stack.append(((*p, k), v))
        elif isinstance(n, list):
            stack.extend(((*p, i), v) for i, v in enumerate(n))


# --------------------------------------------------------------------------- aliases


def _schema_properties(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    for schema_path, schema in flows().schema_nodes.items():
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                yield Candidate((*schema_path, "properties", name), prop, str(name))


def _parameters(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    def params_at(path: Path, params: Any) -> Iterator[Candidate]:
        if isinstance(params, list):
            for i, param in enumerate(params):
                if isinstance(param, dict) and "$ref" not in param:
                    yield Candidate((*path, i), param, str(param.get("name", "")))
        elif isinstance(params, dict):  # components/parameters, Swagger 2.0 parameters
            for key, param in params.items():
                if isinstance(param, dict) and "$ref" not in param:
                    yield Candidate((*path, key), param, str(param.get("name", "")))

    for item_path, item in _path_items(doc):
        yield from params_at((*item_path, "parameters"), item.get("parameters"))
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield from params_at((*item_path, method, "parameters"), op.get("parameters"))
    components = doc.get("components")
    if isinstance(components, dict):
        yield from params_at(("components", "parameters"), components.get("parameters"))
    yield from params_at(("parameters",), doc.get("parameters"))


def _request_bodies(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    """The schema of each media type of each request body, inline or in `components/requestBodies`: the body
    as a whole (`dict[str, Any]`, a bare string), where `#SchemaProperty` sees only an object's properties."""

    def schemas_of(path: Path, body: Any) -> Iterator[Candidate]:
        content = body.get("content") if isinstance(body, dict) and "$ref" not in body else None
        if isinstance(content, dict):
            for media, media_obj in content.items():
                if isinstance(media_obj, dict) and isinstance(media_obj.get("schema"), dict):
                    yield Candidate((*path, "content", media, "schema"), media_obj["schema"], "request body")

    for item_path, item in _path_items(doc):
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield from schemas_of((*item_path, method, "requestBody"), op.get("requestBody"))
    components = doc.get("components")
    bodies = components.get("requestBodies") if isinstance(components, dict) else None
    if isinstance(bodies, dict):
        for name, body in bodies.items():
            yield from schemas_of(("components", "requestBodies", name), body)


def _path_items(doc: Any) -> Iterator[tuple[Path, dict[str, Any]]]:
    paths = doc.get("paths")
    if isinstance(paths, dict):
        for key, item in paths.items():
            if isinstance(item, dict):
                yield ("paths", key), item


def _path_item_candidates(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    for path, item in _path_items(doc):
        yield Candidate(path, item, str(path[1]))


def _operations(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    for path, item in _path_items(doc):
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield Candidate((*path, method), item[method], f"{method.upper()} {path[1]}")


def _example_values(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    entries = index()
    for key in EXAMPLE_KEYS:
        for path, value in entries.entries.get(key, ()):
            yield Candidate(path, value, key)
    for path, value, holder in entries.extensions:
        yield Candidate(path, value, str(path[-1]), holder)


def _text(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    for key in TEXT_KEYS:
        for path, value in index().entries.get(key, ()):
            if isinstance(value, str):
                yield Candidate(path, value, key)


def _server_urls(doc: Any, index: Index, flows: Flows) -> Iterator[Candidate]:
    for path, servers in index().entries.get("servers", ()):
        if not isinstance(servers, list):
            continue
        for i, server in enumerate(servers):
            if not isinstance(server, dict):
                continue
            if isinstance(server.get("url"), str):
                yield Candidate((*path, i, "url"), server["url"], "url")
            variables = server.get("variables")
            if isinstance(variables, dict):
                for name, var in variables.items():
                    if isinstance(var, dict):
                        var_path = (*path, i, "variables", name)
                        if isinstance(var.get("default"), str):
                            yield Candidate((*var_path, "default"), var["default"], str(name))
                        if isinstance(var.get("enum"), list):
                            for j, option in enumerate(var["enum"]):
                                if isinstance(option, str):
                                    yield Candidate((*var_path, "enum", j), option, str(name))
    if isinstance(doc.get("host"), str):  # Swagger 2.0
        yield Candidate(("host",), doc["host"], "host")
    yield from _security_scheme_urls(doc)
    yield from _document_links(doc, index())


def _document_links(doc: Any, index: KeyIndex) -> Iterator[Candidate]:
    """The links a document publishes besides its servers: `info.termsOfService`, the contact's and the licence's
    `url` (FastAPI's `terms_of_service`, `contact`, `license_info`) and every `externalDocs.url` (of the document,
    a tag, an operation or a schema), and a response link's absolute `operationRef`. A wiki on `wiki.corp.internal`
    is as internal as a server there."""
    info = doc.get("info")
    if isinstance(info, dict):
        if isinstance(info.get("termsOfService"), str):
            yield Candidate(("info", "termsOfService"), info["termsOfService"], "termsOfService")
        for part in ("contact", "license"):
            holder = info.get(part)
            if isinstance(holder, dict) and isinstance(holder.get("url"), str):
                yield Candidate(("info", part, "url"), holder["url"], "url")
    for path, docs in index.entries.get("externalDocs", ()):
        if isinstance(docs, dict) and isinstance(docs.get("url"), str):
            yield Candidate((*path, "url"), docs["url"], "url")
    # A response link to an operation of another document names where that document lives.
    for path, ref in index.entries.get("operationRef", ()):
        if isinstance(ref, str) and "://" in ref and len(path) >= 3 and path[-3] == "links":
            yield Candidate(path, ref, "operationRef")


AUTH_URL_KEYS = ("authorizationUrl", "tokenUrl", "refreshUrl", "openIdConnectUrl")


def _security_scheme_urls(doc: Any) -> Iterator[Candidate]:
    """The authorization servers a document names: OAuth flow and OpenID Connect URLs of OpenAPI 3 security
    schemes, and Swagger 2.0's OAuth ones (flat in each security definition)."""
    components = doc.get("components")
    sections = (
        [(("components", "securitySchemes"), components.get("securitySchemes"))] if isinstance(components, dict) else []
    )
    sections.append((("securityDefinitions",), doc.get("securityDefinitions")))
    for base, schemes in sections:
        if not isinstance(schemes, dict):
            continue
        for name, scheme in schemes.items():
            if not isinstance(scheme, dict):
                continue
            holders = [((*base, name), scheme)]
            flows = scheme.get("flows")
            if isinstance(flows, dict):
                holders += [
                    ((*base, name, "flows", kind), flow) for kind, flow in flows.items() if isinstance(flow, dict)
                ]
            for path, holder in holders:
                for key in AUTH_URL_KEYS:
                    if isinstance(holder.get(key), str):
                        yield Candidate((*path, key), holder[key], key)


_ALIAS_FUNCS = {
    "#SchemaProperty": _schema_properties,
    "#Parameter": _parameters,
    "#RequestBody": _request_bodies,
    "#PathItem": _path_item_candidates,
    "#Operation": _operations,
    "#ExampleValue": _example_values,
    "#Text": _text,
    "#ServerUrl": _server_urls,
}
