"""Apply redaction actions to an OpenAPI document and keep it a valid, consistent document.

The input is never mutated: everything happens on an order-keeping copy. Every pointer is resolved
against the document as loaded; list items are tracked by their original index, so removals never
shift the meaning of a later pointer and every recorded `Change` points into the input document.

After the requested removals the document is repaired, and each repair is recorded:
references to removed nodes (`$ref`, discriminator mappings, link `operationRef`/`operationId`),
`required` names, emptied containers, operations left without responses or path parameters,
path items left without operations, security requirements naming removed schemes, tags no longer
used, and components that the redaction left unused. Every walk is iterative: documents can be deep.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from specreview.document.pointer import parse_pointer, to_pointer
from specreview.errors import RedactionError
from specreview.gc_pause import gc_paused
from specreview.redaction._copy import copy_document
from specreview.redaction._model import (
    ANY,
    COMPOSITIONS,
    DATA,
    EXT,
    HTTP_METHODS,
    SWAGGER2_SECTIONS,
    Path,
    is_container,
    is_extension,
    is_swagger2,
    local_ref_tokens,
    mapping_target,
    ref_string,
)
from specreview.redaction._model import node_at as _get
from specreview.redaction._refgraph import RefGraph, WalkOrder, reference_graph
from specreview.redaction.actions import DROP_EXTENSION_RULE, MASK, REPAIR_RULE, Action, Change
from specreview.redaction.marks import ExtensionFilter

__all__ = ["apply_redactions"]

# Containers removed (with key) when a redaction empties them.
_DROP_WHEN_EMPTIED = frozenset(
    {
        "allOf",
        "oneOf",
        "anyOf",
        "schemaList",
        "parameterList",
        "serverList",
        "tagList",
        "securityList",
        "headerMap",
        "linkMap",
        "exampleMap",
        "callbackMap",
        "encodingMap",
        "schemaMap",
        "parameterMap",
        "responseMap",
        "requestBodyMap",
        "securitySchemeMap",
        "pathItemMap",
    }
)

# Schema keywords that say nothing about the value's shape.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "externalDocs",
        "xml",
        "$comment",
        "discriminator",
    }
)

# Objects whose `default` is a value validated against a schema (ANY: Swagger 2.0 `items` objects).
_HOLDS_DEFAULT = frozenset({"schema", "parameter", "header", ANY})

_PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")


def apply_redactions(
    data: dict[str, Any],
    actions: Sequence[Action],
    *,
    drop_extensions: Collection[str] = (),
    keep_extensions: Collection[str] = (),
) -> tuple[dict[str, Any], list[Change]]:
    """Return a redacted copy of `data` and the list of changes made to it.

    `remove` actions delete the node at their pointer, `mask` actions replace each of their spans inside
    the string at their pointer by "[REDACTED]". Actions whose pointer does not resolve, or lies below
    another removed pointer, are skipped. `drop_extensions` names `x-` keys (or shell-style patterns such
    as `x-kong-*`) to delete wherever they are extensions, except those `keep_extensions` matches.
    Raises RedactionError for an action that cannot be applied (removing the root, masking a non-string,
    a malformed pointer) or a self-referencing (YAML alias) structure.
    """
    redaction = trace_redactions(data, actions, drop_extensions=drop_extensions, keep_extensions=keep_extensions)
    return redaction.data, redaction.changes


@dataclass(frozen=True)
class Redaction:
    """A redacted copy, its changes, and the way back from its paths to the input's."""

    data: dict[str, Any]
    changes: list[Change]
    _redactor: _Redactor = field(repr=False, compare=False)

    def original_path(self, path: Path) -> Path | None:
        """Where the node at `path` in the copy was in the input (list items shift when earlier ones are
        removed; keys never change); None when `path` does not resolve in the copy."""
        return self._redactor.original_of(path)


def trace_redactions(
    data: dict[str, Any],
    actions: Sequence[Action],
    *,
    drop_extensions: Collection[str] = (),
    keep_extensions: Collection[str] = (),
) -> Redaction:
    """apply_redactions, keeping what it takes to map the output's paths back to the input's."""
    return prepare_redaction(data).apply(actions, drop_extensions=drop_extensions, keep_extensions=keep_extensions)


class PreparedRedaction:
    """The working copy of a document, made before the actions are known (copying is most of a redaction's work,
    and can be done while the review that finds the actions is still under way). Applied once."""

    def __init__(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise RedactionError("the document is not a mapping")
        with gc_paused():
            self._redactor: _Redactor | None = _Redactor(data)

    def apply(
        self,
        actions: Sequence[Action],
        *,
        drop_extensions: Collection[str] = (),
        keep_extensions: Collection[str] = (),
    ) -> Redaction:
        redactor, self._redactor = self._redactor, None
        if redactor is None:
            raise RuntimeError("a prepared redaction is applied once")
        with gc_paused():
            redactor.run(actions, ExtensionFilter(drop_extensions, keep_extensions))
        return Redaction(redactor.doc, redactor.changes, redactor)


def prepare_redaction(data: dict[str, Any]) -> PreparedRedaction:
    """The copy `trace_redactions` works on, to apply actions to later."""
    return PreparedRedaction(data)


def mask_text(text: str, spans: Collection[str]) -> str:
    """Replace every occurrence of each span with MASK; existing MASK markers are left alone (idempotent)."""
    ordered = sorted({s for s in spans if s}, key=len, reverse=True)
    out: list[str] = []
    for part in text.split(MASK):
        pieces: list[str | None] = [part]  # None stands for a MASK inserted here
        for span in ordered:
            split: list[str | None] = []
            for piece in pieces:
                if piece is None or span not in piece:
                    split.append(piece)
                    continue
                for i, chunk in enumerate(piece.split(span)):
                    if i:
                        split.append(None)
                    split.append(chunk)
            pieces = split
        out.append("".join(MASK if p is None else p for p in pieces))
    return MASK.join(out)


class _Redactor:
    def __init__(self, original: dict[str, Any]) -> None:
        self.original = original
        self.swagger2 = is_swagger2(original)
        self.index = copy_document(original, self.swagger2)
        self.doc: dict[str, Any] = self.index.root
        self.parent = self.index.parent  # id(container) -> (parent, key or original index)
        self.role = self.index.role
        # id(list) -> original index of each current item; made when the first item is removed (else: identity)
        self.orig_index: dict[int, list[int]] = {}
        # Every removed container and everything below it: `_attached` is a set lookup, not a climb to the root.
        self.detached: set[int] = set()
        self.removed_at: dict[Path, str] = {}  # original path -> rule, for every removal
        self.touched: dict[int, tuple[Any, str]] = {}  # containers something was removed from
        self.changes: list[Change] = []
        self.sections: set[int] = set()
        self.had_operations: set[int] = set()
        self.had_responses: set[int] = set()
        # Operations as loaded, by tag and by operationId; their original paths are only needed for a removal.
        self.tag_users: dict[str, list[dict[str, Any]]] = {}
        self.operation_ids: dict[str, dict[str, Any]] = {}
        self._survey()

    # -- copy and bookkeeping ------------------------------------------------------------------

    def orig_path(self, node: Any) -> Path:
        """Where a copied container was in the original document (parents keep original keys and indexes)."""
        keys: list[str | int] = []
        while True:
            parent, key = self.parent[id(node)]
            if parent is None:
                return tuple(reversed(keys))
            keys.append(key)
            node = parent

    def _survey(self) -> None:
        """Facts about the document before redaction that the repairs compare against."""
        doc = self.doc
        if self.swagger2:
            for section in SWAGGER2_SECTIONS:
                if isinstance(doc.get(section), dict):
                    self.sections.add(id(doc[section]))
        elif isinstance(doc.get("components"), dict):
            for section, value in doc["components"].items():
                if isinstance(value, dict) and not is_extension(section):
                    self.sections.add(id(value))
        for node in self.index.path_items:
            if any(k in HTTP_METHODS for k in node):
                self.had_operations.add(id(node))
        for node in self.index.operations:
            if isinstance(node.get("responses"), dict) and node["responses"]:
                self.had_responses.add(id(node))
            if isinstance(node.get("operationId"), str):
                self.operation_ids[node["operationId"]] = node
            tags = node.get("tags")
            if isinstance(tags, list):
                for tag in tags:
                    if isinstance(tag, str):
                        self.tag_users.setdefault(tag, []).append(node)

    def role_of(self, node: Any) -> str:
        return self.role.get(id(node), ANY)

    def _attached(self, node: Any) -> bool:
        """Whether a copied container is still in the document (no container above it was removed)."""
        return id(node) not in self.detached and id(node) in self.parent

    def _live(self, nodes: list[Any]) -> list[Any]:
        """The nodes of an index list still attached, in document order."""
        detached = self.detached
        return [node for node in nodes if id(node) not in detached]

    def _detach(self, value: Any) -> None:
        detached = self.detached
        stack = [value]
        while stack:
            node = stack.pop()
            detached.add(id(node))
            stack.extend(v for v in (node.values() if isinstance(node, dict) else node) if is_container(v))

    def _location(self, node: Any) -> tuple[Any, Any] | None:
        """(parent container, current key or index) of an attached container."""
        entry = self.parent.get(id(node))
        if entry is None or entry[0] is None or not self._attached(node):
            return None
        container, key = entry
        if isinstance(container, list):
            for i, item in enumerate(container):
                if item is node:
                    return container, i
            return None
        return (container, key) if container.get(key) is node else None

    def original_of(self, path: Path) -> Path | None:
        """The original path of the node at a path of the current document, or None if there is none."""
        container: Any = self.doc
        for token in path[:-1]:
            try:
                container = container[token]
            except (KeyError, IndexError, TypeError):
                return None
        if not path:
            return ()
        key = path[-1]
        if isinstance(container, list):
            if not isinstance(key, int) or not 0 <= key < len(container):
                return None
        elif not isinstance(container, dict) or key not in container:
            return None
        return self._orig_child(container, key)

    def _orig_child(self, container: Any, key: Any) -> Path:
        base = self.orig_path(container)
        if isinstance(container, list):
            table = self.orig_index.get(id(container))
            return (*base, key if table is None else table[key])
        return (*base, key)

    def _typed_path(self, tokens: Sequence[str]) -> Path | None:
        """Tokens resolved against the ORIGINAL document, list steps as ints; None if they do not resolve."""
        node: Any = self.original
        path: list[str | int] = []
        for token in tokens:
            if isinstance(node, dict):
                if token not in node:
                    return None
                path.append(token)
                node = node[token]
            elif isinstance(node, list):
                if not token.isdigit() or (len(token) > 1 and token[0] == "0") or int(token) >= len(node):
                    return None
                path.append(int(token))
                node = node[int(token)]
            else:
                return None
        return tuple(path)

    def _follow(self, path: Path) -> tuple[Any, list[str | int]] | None:
        """The node of the current document at an ORIGINAL path, and its current path; None if removed."""
        node: Any = self.doc
        current: list[str | int] = []
        for token in path:
            if isinstance(node, dict):
                if token not in node:
                    return None
                current.append(token)
                node = node[token]
            elif isinstance(node, list) and isinstance(token, int):
                table = self.orig_index.get(id(node))
                i = token if table is None else bisect_left(table, token)
                if table is not None and (i >= len(table) or table[i] != token):
                    return None
                if i >= len(node):
                    return None
                current.append(i)
                node = node[i]
            else:
                return None
        return node, current

    def _cause(self, path: Path) -> str:
        """The rule of the removal at or above an original path."""
        for end in range(len(path), -1, -1):
            rule = self.removed_at.get(path[:end])
            if rule is not None:
                return rule
        return REPAIR_RULE

    # -- removal primitives --------------------------------------------------------------------

    def _remove_at(self, container: Any, key: Any, action: str, rule: str) -> None:
        orig = self._orig_child(container, key)
        if isinstance(container, list):
            table = self.orig_index.get(id(container))
            if table is None:
                table = self.orig_index[id(container)] = list(range(len(container)))
            value = container.pop(key)
            table.pop(key)
        else:
            value = container.pop(key)
        if is_container(value):
            self._detach(value)
        self.removed_at[orig] = rule
        self.touched[id(container)] = (container, rule)
        self.changes.append(Change(to_pointer(orig), action, rule))
        # A removed property leaves its schema's `required`.
        role = self.role_of(container)
        if role == "properties" and isinstance(container, dict):
            owner = self.parent[id(container)][0]
            if isinstance(owner, dict) and self.role_of(owner) == "schema":
                self._drop_required(owner, {key}, rule)
        elif role == "schema" and key == "properties" and isinstance(value, dict):
            self._drop_required(container, set(value), rule)

    def _drop_required(self, schema: dict[str, Any], names: Collection[Any], rule: str) -> None:
        required = schema.get("required")
        if isinstance(required, list):
            for i in range(len(required) - 1, -1, -1):
                if isinstance(required[i], str) and required[i] in names:
                    self._remove_at(required, i, "remove-required", rule)

    def _remove_node(self, node: Any, action: str, rule: str) -> bool:
        location = self._location(node)
        if location is None:
            return False
        self._remove_at(*location, action, rule)
        return True

    # -- the run -------------------------------------------------------------------------------

    def run(self, actions: Sequence[Action], drop_extensions: ExtensionFilter) -> None:
        removals, masks = self._resolve(actions)
        for path, action in masks:
            self._mask(path, action)
        for path in sorted(removals, key=_sort_key, reverse=True):
            self._remove_action(path, removals[path])
        if drop_extensions:
            self._drop_extensions(drop_extensions)
        while True:
            changed = self._repair_references()
            while self._cleanup():
                changed = True
            changed = self._repair_path_parameters() or changed
            changed = self._repair_inherited_required() or changed
            if not changed:
                break
        self._repair_security()
        self._repair_tags()
        while self._cleanup():
            pass
        self._prune_unused()
        while self._cleanup():
            pass
        self._repair_references(final=True)

    def _resolve(self, actions: Sequence[Action]) -> tuple[dict[Path, Action], list[tuple[Path, Action]]]:
        resolved: list[tuple[Path, Action]] = []
        for action in actions:
            if action.kind not in ("remove", "mask"):
                raise RedactionError(f"{action.pointer}: unknown redaction kind {action.kind!r}")
            try:
                tokens = parse_pointer(action.pointer)
            except ValueError as exc:
                raise RedactionError(f"{action.rule}: {exc}") from None
            path = self._typed_path(tokens)
            if path is None:
                continue  # nothing there (any more): nothing to do
            if action.kind == "remove":
                path = self._whole_default(path)
            if action.kind == "remove" and path == ():
                raise RedactionError(f"{action.rule}: cannot remove the whole document")
            if action.kind == "remove" and path == ("paths",) and isinstance(self.original.get("paths"), dict):
                # `paths` is required (3.0, Swagger 2.0): empty it instead of deleting it.
                resolved.extend((("paths", name), action) for name in self.original["paths"])
                continue
            resolved.append((path, action))
        removals: dict[Path, Action] = {}
        for path, action in resolved:
            if action.kind == "remove":
                removals.setdefault(path, action)

        def covered(path: Path, strict: bool) -> bool:
            return any(path[:end] in removals for end in range(len(path) - int(strict), -1, -1))

        kept = {path: action for path, action in removals.items() if not covered(path, strict=True)}
        masks = [(path, action) for path, action in resolved if action.kind == "mask" and not covered(path, False)]
        return kept, masks

    def _whole_default(self, path: Path) -> Path:
        """A removal inside a `default` value removes the whole default: validators check a default against its
        schema, so a default without a required member is invalid (vtex.local in the corpus run)."""
        for i in range(len(path) - 1):
            if path[i] != "default":
                continue
            found = self._follow(path[:i])
            if found is not None and self.role_of(found[0]) in _HOLDS_DEFAULT:
                return path[: i + 1]
        return path

    def _mask(self, path: Path, action: Action) -> None:
        found = self._follow(path[:-1])
        if found is None:
            return
        container = found[0]
        key = path[-1]
        value = container[key]
        if not isinstance(value, str):
            raise RedactionError(f"{action.rule}: {to_pointer(path)} is not a string and cannot be masked")
        masked = mask_text(value, action.spans)
        if masked != value:
            container[key] = masked
            self.changes.append(Change(to_pointer(path), "mask", action.rule))

    def _remove_action(self, path: Path, action: Action) -> None:
        found = self._follow(path[:-1])
        if found is None:
            return
        container = found[0]
        key: Any = path[-1]
        if isinstance(container, list):
            table = self.orig_index.get(id(container))
            if table is None:
                if not isinstance(key, int) or key >= len(container):
                    return
            else:
                key = bisect_left(table, key)
                if key >= len(table) or table[key] != path[-1]:
                    return
        elif key not in container:
            return
        self._remove_at(container, key, "remove", action.rule)

    def _drop_extensions(self, extensions: ExtensionFilter) -> None:
        for node, key in self.index.extension_keys:
            if extensions.drops(key) and key in node and self._attached(node):
                self._remove_at(node, key, "drop-extension", DROP_EXTENSION_RULE)

    # -- references ----------------------------------------------------------------------------

    def _check_ref(self, ref: str, cache: dict[str, tuple[str, str]]) -> tuple[str, str]:
        """("ok" | "removed" | "moved", rule or new reference) for a reference string."""
        if ref in cache:
            return cache[ref]
        result = ("ok", "")
        tokens = local_ref_tokens(ref)
        if tokens is not None:
            path = self._typed_path(tokens)
            if path is not None:  # a reference already dangling in the input is not ours to fix
                found = self._follow(path)
                if found is None:
                    result = ("removed", self._cause(path))
                elif tuple(found[1]) != path:
                    result = ("moved", ref_string(found[1]))
        cache[ref] = result
        return result

    def _repair_references(self, final: bool = False) -> bool:
        """Remove what references removed nodes. With `final`, instead point references into lists
        whose earlier items were removed at the same node's new index (done once, at the very end,
        because until then every reference is read as a pointer into the original document)."""
        cache: dict[str, tuple[str, str]] = {}
        dangling: list[tuple[Any, str]] = []
        rewrites: list[tuple[dict[str, Any], str, str]] = []
        mappings: list[tuple[dict[str, Any], str, str]] = []
        current_ids: set[str] | None = None
        for node, _, _ in self.index.refs:
            if id(node) in self.detached:
                continue
            ref = node.get("$ref")
            if isinstance(ref, str):
                status, detail = self._check_ref(ref, cache)
                if status == "removed":
                    dangling.append((node, detail))
                elif status == "moved":
                    rewrites.append((node, "$ref", detail))
            role = self.role_of(node)
            if role == "link":
                op_ref = node.get("operationRef")
                if isinstance(op_ref, str):
                    status, detail = self._check_ref(op_ref, cache)
                    if status == "removed":
                        dangling.append((node, detail))
                    elif status == "moved":
                        rewrites.append((node, "operationRef", detail))
                op_id = node.get("operationId")
                if isinstance(op_id, str) and op_id in self.operation_ids:
                    if current_ids is None:
                        current_ids = self._current_operation_ids()
                    if op_id not in current_ids:
                        dangling.append((node, self._cause(self.orig_path(self.operation_ids[op_id]))))
            elif role == "discriminator" and isinstance(node.get("mapping"), dict):
                for name, value in node["mapping"].items():
                    tokens = mapping_target(value, self.original, self.swagger2)
                    if tokens is None:
                        continue
                    path = self._typed_path(tokens)
                    if path is None:
                        continue
                    found = self._follow(path)
                    if found is None:
                        mappings.append((node["mapping"], name, self._cause(path)))
                    elif tuple(found[1]) != path and value.startswith("#"):
                        rewrites.append((node["mapping"], name, ref_string(found[1])))
        if final:
            for container, key, new in rewrites:
                container[key] = new
                self.changes.append(Change(to_pointer(self._orig_child(container, key)), "rewrite-ref", REPAIR_RULE))
            return bool(rewrites)
        for mapping, name, rule in mappings:
            if self._attached(mapping) and name in mapping:
                self._remove_at(mapping, name, "remove-mapping", rule)
        changed = bool(mappings)
        for holder, rule in dangling:
            changed = self._remove_referrer(holder, rule) or changed
        return changed

    def _current_operation_ids(self) -> set[str]:
        return {
            node["operationId"]
            for node in self._live(self.index.operations)
            if isinstance(node.get("operationId"), str)
        }

    def _remove_referrer(self, node: Any, rule: str) -> bool:
        """Remove a node that references removed things, or what holds it, up to the nearest removable node."""
        while True:
            location = self._location(node)
            if location is None:
                return False
            container, key = location
            parent_role = self.role_of(container)
            role = self.role_of(node)
            if id(container) not in self.sections and parent_role not in (*COMPOSITIONS, "properties", "schemaMap"):
                if role == "schema" and parent_role == "schema":
                    node = container  # items, additionalProperties, not, ...: the schema that holds it goes
                    continue
                if role == "schema" and parent_role == "schemaList":
                    node = self.parent[id(container)][0]
                    continue
                if role == "schema" and parent_role in ("parameter", "header", "mediaType", "response"):
                    node = container
                    continue
            self._remove_at(container, key, "remove-ref", rule)
            return True

    # -- structural repairs --------------------------------------------------------------------

    def _cleanup(self) -> bool:
        """Repair containers the redaction emptied. True if anything was removed."""
        changed = False
        for cid, (container, rule) in list(self.touched.items()):
            if not self._attached(container):
                del self.touched[cid]
                continue
            location = self._location(container)
            if location is None:
                continue
            if self._cleanup_one(container, location, rule):
                changed = True
        return changed

    def _cleanup_one(self, container: Any, location: tuple[Any, Any], rule: str) -> bool:
        parent, key = location
        role = self.role_of(container)
        parent_role = self.role_of(parent)
        empty = len(container) == 0
        if role == "responses":
            if not any(not is_extension(k) for k in container) and parent_role == "operation":
                return self._remove_node(parent, "remove-empty", rule)
            return False
        if role == "operation":
            if "responses" not in container and id(container) in self.had_responses:
                self._remove_at(parent, key, "remove-empty", rule)
                return True
            return False
        if role == "pathItem":
            if id(container) in self.had_operations and not any(k in HTTP_METHODS for k in container):
                self._remove_at(parent, key, "remove-empty", rule)
                return True
            return False
        if role == "callback":
            if not any(not is_extension(k) for k in container):
                self._remove_at(parent, key, "remove-empty", rule)
                return True
            return False
        if role == "discriminator":
            if "mapping" not in container and not any(k in parent for k in ("oneOf", "anyOf")):
                self._remove_at(parent, key, "remove-empty", rule)
                return True
            return False
        if not empty:
            return False
        if role in COMPOSITIONS and parent_role == "schema":
            # A schema that was nothing but this composition (plus annotations) referred only to removed things.
            if all(k == key or k in _ANNOTATIONS or is_extension(k) for k in parent):
                return self._remove_referrer(parent, rule)
        if role == "contentMap":
            if parent_role in ("requestBody", "parameter", "header"):
                return self._remove_node(parent, "remove-empty", rule)
            self._remove_at(parent, key, "remove-empty", rule)
            return True
        if role in _DROP_WHEN_EMPTIED:
            if parent_role == "doc" and key == "webhooks":
                return False  # 3.1 may need it: a document holds paths, components or webhooks
            self._remove_at(parent, key, "remove-empty", rule)
            return True
        if role == "nameMap" and parent_role in ("securityList", "discriminator"):
            self._remove_at(parent, key, "remove-empty", rule)
            return True
        if key == "enum" and isinstance(container, list) and parent_role not in (DATA, EXT):
            # `enum: []` is invalid (3.0, Swagger 2.0) and would accept nothing: with every value redacted the
            # keyword goes (github.com: a credential rule removed both values of a permission enum).
            self._remove_at(parent, key, "remove-empty", rule)
            return True
        if key == "required" and parent_role == "schema" and isinstance(container, list):
            self._remove_at(parent, key, "remove-empty", rule)
            return True
        return False

    def _path_parameter_names(self, params: Any, doc: Any) -> set[str]:
        names: set[str] = set()
        if not isinstance(params, list):
            return names
        for param in params:
            seen = 0
            while isinstance(param, dict) and isinstance(param.get("$ref"), str) and seen < 32:
                tokens = local_ref_tokens(param["$ref"])
                param = _get(doc, tokens) if tokens is not None else None
                seen += 1
            if isinstance(param, dict) and param.get("in") == "path" and isinstance(param.get("name"), str):
                names.add(param["name"])
        return names

    def _repair_path_parameters(self) -> bool:
        """An operation whose path template lost its parameter declaration cannot stay."""
        paths = self.doc.get("paths")
        if not isinstance(paths, dict):
            return False
        changed = False
        for url, item in list(paths.items()):
            if not isinstance(item, dict) or not isinstance(url, str) or "$ref" in item:
                continue
            needed = set(_PATH_TEMPLATE.findall(url))
            if not needed:
                continue
            orig_item = _get(self.original, self.orig_path(item))
            shared = self._path_parameter_names(item.get("parameters"), self.doc)
            orig_shared = self._path_parameter_names(
                orig_item.get("parameters") if isinstance(orig_item, dict) else None, self.original
            )
            for method in [m for m in item if m in HTTP_METHODS]:
                operation = item[method]
                if not isinstance(operation, dict):
                    continue
                missing = needed - shared - self._path_parameter_names(operation.get("parameters"), self.doc)
                if not missing:
                    continue
                orig_op = _get(self.original, self.orig_path(operation))
                declared = orig_shared | self._path_parameter_names(
                    orig_op.get("parameters") if isinstance(orig_op, dict) else None, self.original
                )
                if missing & declared:
                    rule = self._parameter_cause(item, operation)
                    self._remove_at(item, method, "remove-ref", rule)
                    changed = True
        return changed

    def _parameter_cause(self, item: dict[str, Any], operation: dict[str, Any]) -> str:
        for holder in (operation, item):
            params = holder.get("parameters")
            if isinstance(params, list) and id(params) in self.touched:
                return self.touched[id(params)][1]
            if "parameters" not in holder:
                rule = self.removed_at.get((*self.orig_path(holder), "parameters"))
                if rule is not None:
                    return rule
        return REPAIR_RULE

    def _repair_inherited_required(self) -> bool:
        """`required` names defined only through `allOf` whose definition the redaction removed."""
        changed = False
        for node in self._live(self.index.inherited_required):
            required = node.get("required")
            if not isinstance(required, list) or "allOf" not in node:
                continue
            now = _defined_properties(node, self.doc)
            missing = {n for n in required if isinstance(n, str) and n not in now}
            if not missing:
                continue
            before = _defined_properties(_get(self.original, self.orig_path(node)), self.original)
            lost = missing & before
            if lost:
                rule = next(
                    (r for p, r in self.removed_at.items() if len(p) >= 2 and p[-2] == "properties" and p[-1] in lost),
                    REPAIR_RULE,
                )
                self._drop_required(node, lost, rule)
                changed = True
        return changed

    def _scheme_names(self, data: Any) -> dict[str, Path]:
        if self.swagger2:
            schemes = data.get("securityDefinitions")
            base: Path = ("securityDefinitions",)
        else:
            components = data.get("components")
            schemes = components.get("securitySchemes") if isinstance(components, dict) else None
            base = ("components", "securitySchemes")
        return {name: (*base, name) for name in schemes} if isinstance(schemes, dict) else {}

    def _repair_security(self) -> None:
        now = self._scheme_names(self.doc)
        gone = {name: path for name, path in self._scheme_names(self.original).items() if name not in now}
        if not gone:
            return
        found: list[tuple[dict[str, Any], str]] = []
        for node in self._live(self.index.security_requirements):
            found.extend((node, name) for name in node if name in gone)
        for node, name in found:
            self._remove_at(node, name, "remove-security", self._cause(gone[name]))

    def _repair_tags(self) -> None:
        tags = self.doc.get("tags")
        if not isinstance(tags, list) or not self.tag_users:
            return
        used_now: set[str] = set()
        for node in self._live(self.index.operations):
            if isinstance(node.get("tags"), list):
                used_now.update(t for t in node["tags"] if isinstance(t, str))
        for i in range(len(tags) - 1, -1, -1):
            tag = tags[i]
            name = tag.get("name") if isinstance(tag, dict) else None
            if isinstance(name, str) and name in self.tag_users and name not in used_now:
                causes = (self._cause(self.orig_path(user)) for user in self.tag_users[name])
                rule = next((r for r in causes if r != REPAIR_RULE), REPAIR_RULE)
                self._remove_at(tags, i, "remove-tag", rule)

    # -- unused components ---------------------------------------------------------------------

    def _graphs(self) -> tuple[RefGraph, RefGraph]:
        """The reference graph of the input (its holders' original values, every referrer kept) and of the
        output (the holders still attached, their current values)."""
        refs = self.index.refs
        role = self.role
        before = reference_graph(
            self.original, self.swagger2, ((source, role[id(node)], owner, node) for node, source, owner in refs)
        )
        detached = self.detached
        live = ((node, role[id(node)], owner, None) for node, _, owner in refs if id(node) not in detached)
        return before, reference_graph(self.doc, self.swagger2, live)

    def _prune_unused(self) -> None:
        before, after = self._graphs()
        reachable_before = before.closure(before.roots)
        # Components unused already before the redaction are kept, and so is all they use.
        roots = after.roots | {key for key in after.components if key not in reachable_before}
        reachable_after = after.closure(roots)
        prune = [key for key in after.components if key in reachable_before and key not in reachable_after]
        if not prune:
            return
        causes: dict[tuple[str, ...], str] = {}
        order = WalkOrder(self.original)
        referrers: dict[tuple[str, ...], list[tuple[Path, tuple[str, ...] | None]]] = {}
        for key in prune:
            # Original paths, tried in the order the former walk found them (it decides which rule is reported).
            found = [(self.orig_path(node), owner) for node, owner in before.referrers.get(key, ())]
            referrers[key] = sorted(found, key=lambda item: order.key(item[0]))
        pending = set(prune)
        progress = True
        while pending and progress:
            progress = False
            # In a fixed order (the components' order), not set order: which rule a component reached only
            # through other pruned ones is blamed on must not depend on PYTHONHASHSEED.
            for key in [key for key in prune if key in pending]:
                for where, owner in referrers[key]:
                    rule = self._cause(where)
                    if rule == REPAIR_RULE and owner is not None:
                        rule = causes.get(owner, REPAIR_RULE)
                    if rule != REPAIR_RULE:
                        causes[key] = rule
                        pending.discard(key)
                        progress = True
                        break
        for key in prune:
            section = _get(self.doc, key[:-1])
            if isinstance(section, dict) and key[-1] in section:
                self._remove_at(section, key[-1], "prune-unused", causes.get(key, REPAIR_RULE))


def _defined_properties(schema: Any, doc: Any) -> set[str]:
    """Property names a schema defines itself or through allOf (following refs), as the validator counts them."""
    names: set[str] = set()
    if not isinstance(schema, dict):
        return names
    if isinstance(schema.get("properties"), dict):
        names.update(k for k in schema["properties"] if isinstance(k, str))
    stack = list(schema["allOf"]) if isinstance(schema.get("allOf"), list) else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node.get("$ref"), str):
            stack.append(_get(doc, local_ref_tokens(node["$ref"])))
        if isinstance(node.get("properties"), dict):
            names.update(k for k in node["properties"] if isinstance(k, str))
        for keyword in COMPOSITIONS:
            if isinstance(node.get(keyword), list):
                stack.extend(node[keyword])
        for keyword in ("items", "not"):
            if isinstance(node.get(keyword), dict):
                stack.append(node[keyword])
    return names


def _sort_key(path: Path) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, t, "") if isinstance(t, int) else (1, 0, str(t)) for t in path)
