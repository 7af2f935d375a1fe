"""Which way data travels through a document: the schemas each response, error and request reaches.

A password in a request body is the client's own secret; the same field in a response is a leak. So before any
rule runs, one iterative walk from every operation follows `$ref`, compositions, `items`, `additionalProperties`,
discriminator mappings and the rest, and records for every schema node the flows that reach it:

- `request`:     parameters and request bodies (and what callbacks/webhooks receive back)
- `success`:     1xx/2xx/3xx responses (and what callbacks/webhooks send out)
- `error`:       4xx, 5xx and `default` responses
- `error-debug`: inside an error schema, below a property named like `debug` or `diagnostics`, or for an
  exception or traceback (`exc`, `exception`, `traceback`, `frames`): a frame's `func` and `source` are as
  internal as its `lineno`

`response` is the union of success, error and error-debug. `readOnly` properties are not requests' and
`writeOnly` ones are not responses'. It also keeps, for credential-issuance checks, which operations return a
component on success.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from specreview.document.pointer import Path, parse_pointer
from specreview.words import split_words

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RESPONSE_FLOWS = frozenset({"success", "error", "error-debug"})

# Keys under which a schema holds one subschema, or a list / map of subschemas.
_SUBSCHEMA_ONE = (
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
)
_SUBSCHEMA_LIST = ("allOf", "oneOf", "anyOf", "prefixItems")
_SUBSCHEMA_MAP = ("patternProperties", "dependentSchemas", "$defs", "definitions")


@dataclass
class FlowMap:
    """The result of the walk: flows per schema node, and success-response edges between owners."""

    # One shared frozenset per combination of flows: a set each would be 200 bytes times 150,000 schema nodes.
    flows: dict[Path, frozenset[str]] = field(default_factory=dict)
    # owner -> owners it references on success paths (reversed for issuance lookups)
    referrers: dict[Path, set[Path]] = field(default_factory=lambda: defaultdict(set))
    # Every schema node, by path: rules read the nodes themselves, and a path is slow to follow from the root.
    schema_nodes: dict[Path, dict[str, Any]] = field(default_factory=dict)
    # POST operations that only read (`/#X-Amz-Target=DMS.DescribeEndpoints`): what they return is not issued.
    reading_posts: set[Path] = field(default_factory=set)
    _issued: dict[Path, bool] = field(default_factory=dict, repr=False, compare=False)

    def flows_of(self, path: Path) -> frozenset[str]:
        return self.flows.get(path, _NO_FLOWS)

    def issued_only_by_post(self, path: Path) -> bool:
        """Whether the owner of `path` is returned on success by POST operations of `paths` only (and by one at
        least): a webhook's POST sends, it does not issue."""
        start = owner_of(path)
        # Findings cluster in a few components, and each lookup walks the referrer graph: remember them.
        known = self._issued.get(start)
        if known is None:
            known = self._issued[start] = self._only_posts_reach(start)
        return known

    def _only_posts_reach(self, start: Path) -> bool:
        """A walk up the success-response edges that stops at the first operation other than a POST: on a
        large document most components are returned by some GET, found a few steps up."""
        seen = {start}
        queue = deque([start])
        any_operation = False
        while queue:
            node = queue.popleft()
            if len(node) == 3 and node[0] in ("paths", "webhooks"):
                if node[0] != "paths" or node[2] != "post" or node in self.reading_posts:
                    return False
                any_operation = True
                continue
            for ref in self.referrers.get(node, ()):
                if ref not in seen:
                    seen.add(ref)
                    queue.append(ref)
        return any_operation


_NO_FLOWS: frozenset[str] = frozenset()


@functools.cache
def _with_flow(flows: frozenset[str], flow: str) -> frozenset[str]:
    return flows | {flow}


def owner_of(path: Path) -> Path:
    """The component or operation a node belongs to: the unit that `$ref`s point at and operations own."""
    if len(path) >= 3 and path[0] == "components":
        return path[:3]
    if len(path) >= 2 and path[0] in ("definitions", "parameters", "responses"):  # Swagger 2.0
        return path[:2]
    if len(path) >= 3 and path[0] in ("paths", "webhooks") and path[2] in METHODS:
        return path[:3]
    return path[:2]


def _ref_target(doc: dict[str, Any], node: Any) -> tuple[Path, Any] | None:
    """Follow one local `$ref`; None when absent, remote or dangling."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    try:
        tokens = parse_pointer(ref)
    except ValueError:
        return None
    target: Any = doc
    for token in tokens:
        if isinstance(target, dict) and token in target:
            target = target[token]
        elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
            target = target[int(token)]
        else:
            return None
    path: Path = tuple(
        int(t) if isinstance(t, str) and t.isdigit() and _is_list_at(doc, tokens, i) else t
        for i, t in enumerate(tokens)
    )
    return path, target


def _is_list_at(doc: dict[str, Any], tokens: list[str], index: int) -> bool:
    node: Any = doc
    for token in tokens[:index]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return isinstance(node, list)


# The verbs an RPC-style action that reads starts with (`DescribeEndpoints`, `BatchGetItem`, `ListKeys`).
_READ_VERBS = frozenset({"describe", "get", "list", "query", "search", "scan", "lookup", "fetch", "retrieve", "read"})
_RPC_ACTION = re.compile(r"[#?&](?:X-Amz-Target|Action)=([^&#]+)", re.IGNORECASE)


def _rpc_read(path_key: Any) -> bool:
    """Whether a path names an RPC action that reads: APIs such as AWS's send every action as a POST to one URL
    with the action in a fragment or query (`/#X-Amz-Target=AmazonDMSv20160101.DescribeEndpoints`, `/?Action=`).
    A REST path (`/token`, `/keys`) says nothing of the kind: its POST creates."""
    found = _RPC_ACTION.search(str(path_key))
    if found is None:
        return False
    words = split_words(found.group(1).rsplit(".", 1)[-1])
    if words[:1] == ("batch",):
        words = words[1:]
    return bool(words) and words[0] in _READ_VERBS


def _status_flow(status: str) -> str:
    code = str(status).strip().upper()
    if code == "DEFAULT" or code[:1] in ("4", "5"):
        return "error"
    return "success"


class _Walker:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.result = FlowMap()
        self.queue: deque[tuple[Path, Any, str, Path]] = deque()
        self._targets: dict[str, tuple[Path, Any] | None] = {}

    def _ref_target(self, node: Any) -> tuple[Path, Any] | None:
        """`_ref_target`, remembered per reference string: large documents repeat each `$ref` many times."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str):
            return None
        if ref not in self._targets:
            self._targets[ref] = _ref_target(self.doc, node)
        return self._targets[ref]

    # ---- entry points -------------------------------------------------------------------------
    def run(self) -> FlowMap:
        doc = self.doc
        for section in ("paths", "webhooks"):
            items = doc.get(section)
            if isinstance(items, dict):
                for key, item in items.items():
                    self._path_item((section, key), item, outbound=section == "webhooks")
        self._drain()
        # Every component schema is a schema node, reachable or not, so rules can look at all of them.
        for base, container in _component_schema_maps(doc):
            for name, schema in container.items():
                if isinstance(schema, dict):
                    self._mark_schema_tree((*base, name), schema)
        return self.result

    def _path_item(self, path: Path, item: Any, *, outbound: bool) -> None:
        resolved = self._ref_target(item)
        if resolved is not None:
            path, item = resolved
        if not isinstance(item, dict):
            return
        owner_params = item.get("parameters")
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_path = (*path, method)
            if method == "post" and _rpc_read(path[-1]):
                self.result.reading_posts.add(op_path)
            for params_path, params in (
                ((*path, "parameters"), owner_params),
                ((*op_path, "parameters"), op.get("parameters")),
            ):
                if isinstance(params, list):
                    for i, param in enumerate(params):
                        self._parameter((*params_path, i), param, op_path, "success" if outbound else "request")
            body = op.get("requestBody")
            if body is not None:
                self._content_holder((*op_path, "requestBody"), body, op_path, "success" if outbound else "request")
            responses = op.get("responses")
            if isinstance(responses, dict):
                for status, response in responses.items():
                    flow = "request" if outbound else _status_flow(status)
                    self._response((*op_path, "responses", status), response, op_path, flow)
            callbacks = op.get("callbacks")
            if isinstance(callbacks, dict):
                for name, callback in callbacks.items():
                    resolved_cb = self._ref_target(callback)
                    cb_path, cb = resolved_cb if resolved_cb else ((*op_path, "callbacks", name), callback)
                    if isinstance(cb, dict):
                        for expr, cb_item in cb.items():
                            self._path_item((*cb_path, expr), cb_item, outbound=True)

    def _parameter(self, path: Path, param: Any, owner: Path, flow: str) -> None:
        resolved = self._ref_target(param)
        if resolved is not None:
            self._edge(owner, resolved[0], flow)
            path, param = resolved
        if not isinstance(param, dict):
            return
        if "schema" in param:
            self._enqueue((*path, "schema"), param["schema"], flow, owner)
        self._content(path, param, owner, flow)

    def _response(self, path: Path, response: Any, owner: Path, flow: str) -> None:
        resolved = self._ref_target(response)
        if resolved is not None:
            self._edge(owner, resolved[0], flow)
            path, response = resolved
        if not isinstance(response, dict):
            return
        if "schema" in response:  # Swagger 2.0
            self._enqueue((*path, "schema"), response["schema"], flow, owner)
        self._content(path, response, owner, flow)
        headers = response.get("headers")
        if isinstance(headers, dict):
            for name, header in headers.items():
                self._parameter((*path, "headers", name), header, owner, flow)

    def _content_holder(self, path: Path, holder: Any, owner: Path, flow: str) -> None:
        resolved = self._ref_target(holder)
        if resolved is not None:
            self._edge(owner, resolved[0], flow)
            path, holder = resolved
        if isinstance(holder, dict):
            self._content(path, holder, owner, flow)

    def _content(self, path: Path, holder: dict[str, Any], owner: Path, flow: str) -> None:
        content = holder.get("content")
        if isinstance(content, dict):
            for media, media_obj in content.items():
                if isinstance(media_obj, dict) and "schema" in media_obj:
                    self._enqueue((*path, "content", media, "schema"), media_obj["schema"], flow, owner)

    # ---- schema traversal ---------------------------------------------------------------------
    def _edge(self, owner: Path, target: Path, flow: str) -> None:
        if flow == "success":
            target_owner = owner_of(target)
            if target_owner != owner:
                self.result.referrers[target_owner].add(owner)

    def _enqueue(self, path: Path, schema: Any, flow: str, owner: Path) -> None:
        """Record that `flow` reaches the schema at `path`, and walk it with that flow unless it already was."""
        if schema is True:  # a property any value satisfies (`"password": true`): it goes where its schema goes
            self.result.flows[path] = _with_flow(self.result.flows.get(path, _NO_FLOWS), flow)
            return
        if isinstance(schema, dict):
            flows = self.result.flows
            known = flows.get(path, _NO_FLOWS)
            if flow not in known:  # the flows recorded are those walked: the map is also the walk's seen-set
                flows[path] = _with_flow(known, flow)
                self.queue.append((path, schema, flow, owner))

    def _drain(self) -> None:
        # The hot loop of the walk (Graph: 150,000 schema nodes): `_enqueue` is inlined for the subschemas, and
        # a node without subschema keywords, `$ref` or discriminator (most are leaves) costs two lookups.
        nodes, flows = self.result.schema_nodes, self.result.flows
        queue = self.queue
        popleft, append = queue.popleft, queue.append
        while queue:
            path, schema, flow, owner = popleft()
            nodes[path] = schema
            if not _SUBSCHEMA_KEYS.isdisjoint(schema):
                for child_path, child, child_flow in _subschemas(path, schema, flow):
                    known = flows.get(child_path, _NO_FLOWS)
                    if child is True:  # a property any value satisfies: it goes where its schema goes
                        flows[child_path] = _with_flow(known, child_flow)
                    elif child_flow not in known:  # the flows recorded are those walked: also the walk's seen-set
                        flows[child_path] = _with_flow(known, child_flow)
                        append((child_path, child, child_flow, owner))
            if "$ref" in schema:
                resolved = self._ref_target(schema)
                if resolved is not None:
                    target_path, target = resolved
                    self._edge(owner, target_path, flow)
                    self._enqueue(target_path, target, flow, owner_of(target_path))
            discriminator = schema.get("discriminator")
            mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
            if isinstance(mapping, dict):
                for value in mapping.values():
                    ref = value if isinstance(value, str) and value.startswith("#") else None
                    target_ref = self._ref_target({"$ref": ref}) if ref else None
                    if target_ref is not None:
                        self._edge(owner, target_ref[0], flow)
                        self._enqueue(target_ref[0], target_ref[1], flow, owner_of(target_ref[0]))

    def _mark_schema_tree(self, path: Path, schema: dict[str, Any]) -> None:
        """Register an unreachable component's schema nodes (no flows) so rules still see them."""
        stack: list[tuple[Path, Any]] = [(path, schema)]
        nodes = self.result.schema_nodes
        while stack:
            node_path, node = stack.pop()
            if node_path in nodes:
                continue
            nodes[node_path] = node
            stack.extend((p, c) for p, c, _ in _subschemas(node_path, node, "any") if isinstance(c, dict))


_SUBSCHEMA_KEYS = frozenset(("properties", "items", *_SUBSCHEMA_ONE, *_SUBSCHEMA_LIST, *_SUBSCHEMA_MAP))


def _subschemas(path: Path, schema: dict[str, Any], flow: str) -> Iterator[tuple[Path, Any, str]]:
    """The child schemas of `schema` that are objects: a document may hold anything where a schema belongs
    (`items: [1]`, `allOf: [[]]`), and a boolean schema has no children to walk. A property whose schema is
    `true` is yielded too: it has no children, but it takes the flow of the schema that holds it."""
    # Most schema nodes are leaves: one set intersection (in C) finds the few keywords a node has.
    for key in _SUBSCHEMA_KEYS.intersection(schema):
        child = schema[key]
        if key == "properties":
            if isinstance(child, dict):
                yield from _property_schemas(path, child, flow)
        elif key == "items" and isinstance(child, list):
            for i, item in enumerate(child):
                if isinstance(item, dict):
                    yield (*path, "items", i), item, flow
        elif key == "items" or key in _SUBSCHEMA_ONE:
            if isinstance(child, dict):
                yield (*path, key), child, flow
        elif key in _SUBSCHEMA_LIST:
            if isinstance(child, list):
                for i, branch in enumerate(child):
                    if isinstance(branch, dict):
                        yield (*path, key, i), branch, flow
        elif isinstance(child, dict):  # _SUBSCHEMA_MAP
            for name, sub in child.items():
                if isinstance(sub, dict):
                    yield (*path, key, name), sub, flow


# An error property named like `debug` anywhere, or ending in one of these words, holds diagnostic data through and
# through: every field below it is debug data.
_DEBUG_WORDS = frozenset({"debug", "diagnostics", "diagnostic", "diag"})
_EXCEPTION_HOLDERS = frozenset({"exc", "exception", "exceptions", "traceback", "tracebacks", "backtrace", "frames"})


def _property_schemas(path: Path, props: dict[str, Any], flow: str) -> Iterator[tuple[Path, Any, str]]:
    for name, prop in props.items():
        if prop is True:  # the boolean schema that allows anything, a password included
            yield (*path, "properties", name), prop, flow
            continue
        if not isinstance(prop, dict):
            continue
        if flow in RESPONSE_FLOWS and prop.get("writeOnly") is True:
            continue
        if flow == "request" and prop.get("readOnly") is True:
            continue
        child_flow = flow
        words = split_words(str(name)) if flow == "error" else ()
        if _DEBUG_WORDS.intersection(words) or (words and words[-1] in _EXCEPTION_HOLDERS):  # not `exception_dates`
            child_flow = "error-debug"
        elif flow == "error" and _refers_to_debug_schema(prop):  # `db: DbDiagnostics | None`
            child_flow = "error-debug"
        yield (*path, "properties", name), prop, child_flow


def _refers_to_debug_schema(prop: dict[str, Any]) -> bool:
    """Whether an error property's schema is a component named for debug data (`DbDiagnostics`, `DebugInfo`),
    directly, as an optional (`anyOf` with null) or as a list of them."""
    branches = [prop]
    for key in ("anyOf", "oneOf", "allOf"):
        listed = prop.get(key)
        branches += [b for b in listed if isinstance(b, dict)] if isinstance(listed, list) else []  # not `anyOf: 5`
    items = prop.get("items")
    if isinstance(items, dict):
        branches.append(items)
    for branch in branches:
        ref = branch.get("$ref")
        if isinstance(ref, str) and _DEBUG_WORDS.intersection(split_words(ref.rsplit("/", 1)[-1])):
            return True
    return False


def _component_schema_maps(doc: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    components = doc.get("components")
    if isinstance(components, dict) and isinstance(components.get("schemas"), dict):
        yield ("components", "schemas"), components["schemas"]
    if isinstance(doc.get("definitions"), dict):
        yield ("definitions",), doc["definitions"]


def analyse_flows(doc: dict[str, Any]) -> FlowMap:
    """Walk the document once from every operation; see the module docstring."""
    return _Walker(doc).run()
