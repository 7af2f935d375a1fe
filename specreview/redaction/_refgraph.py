"""Who references which component, built from the copy's index of reference holders instead of a walk.

A component is `components/<section>/<name>` (Swagger 2.0: `definitions|parameters|responses/<name>`).
References come from `$ref`, link `operationRef` and discriminator mappings. The graph is built twice per
redaction: over the document as loaded (the holders' original values) and over the redacted copy (the holders
still attached, their current values); see `_Redactor._prune_unused`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from specreview.redaction._model import (
    MISSING,
    Path,
    component_key,
    is_container,
    local_ref_tokens,
    mapping_target,
    node_at,
)

__all__ = ["RefGraph", "WalkOrder", "component_table", "reference_graph"]

ComponentKey = tuple[str, ...]


class RefGraph:
    """Who references which component: roots (from outside the components) and component -> components."""

    def __init__(self) -> None:
        self.components: dict[ComponentKey, Path] = {}
        self.roots: set[ComponentKey] = set()
        self.edges: dict[ComponentKey, set[ComponentKey]] = {}
        # target component -> (the referencing node, as given to reference_graph; component holding it or None),
        # in document order
        self.referrers: dict[ComponentKey, list[tuple[Any, ComponentKey | None]]] = {}

    def add(self, owner: ComponentKey | None, target: ComponentKey, where: Any) -> None:
        if owner is None:
            self.roots.add(target)
        elif owner != target:
            self.edges.setdefault(owner, set()).add(target)
        if where is not None:
            self.referrers.setdefault(target, []).append((where, owner))

    def closure(self, roots: Collection[ComponentKey]) -> set[ComponentKey]:
        seen = set(roots)
        stack = list(roots)
        while stack:
            for nxt in self.edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen


def component_table(data: dict[str, Any], swagger2: bool) -> dict[ComponentKey, Path]:
    """Every component of `data` that is a container, in the order the former graph walk found them.

    That walk visited siblings last to first and registered a section's components in key order, so the
    sections come last to first and the names in order: the order in which unused components are pruned.
    """
    table: dict[ComponentKey, Path] = {}
    if swagger2:
        base: Path = ()
        sections: Any = data
    else:
        base = ("components",)
        sections = data.get("components")
        if not isinstance(sections, dict):
            return table
    for section, members in reversed(list(sections.items())):
        if not isinstance(members, dict):
            continue  # a list is not a map of components (and its items are never components)
        for name, value in members.items():
            if is_container(value):
                path = (*base, section, name)
                key = component_key(path, swagger2)
                if key is not None and len(key) == len(path):
                    table[key] = path
    return table


def reference_graph(
    data: dict[str, Any],
    swagger2: bool,
    holders: Iterable[tuple[dict[str, Any], str, ComponentKey | None, Any]],
) -> RefGraph:
    """The graph of `data` given its reference holders, in document order: (values, role, owner, where).

    `values` is the dict whose `$ref` / `operationRef` / `mapping` is read, `owner` the component it lies in;
    `where` is kept in the referrers (None: no referrers kept). A reference counts when it names a component
    present in `data`.
    """
    graph = RefGraph()
    graph.components = component_table(data, swagger2)
    keys: dict[str, ComponentKey | None] = {}  # reference string -> the component it names
    present: dict[ComponentKey, bool] = {}

    def target_of(ref: str) -> ComponentKey | None:
        if ref not in keys:
            tokens = local_ref_tokens(ref)
            keys[ref] = component_key(tokens, swagger2) if tokens is not None else None
        return keys[ref]

    for node, role, owner, where in holders:
        targets: list[ComponentKey | None] = []
        ref = node.get("$ref")
        if isinstance(ref, str):
            targets.append(target_of(ref))
        if role == "link" and isinstance(node.get("operationRef"), str):
            targets.append(target_of(node["operationRef"]))
        if role == "discriminator" and isinstance(node.get("mapping"), dict):
            for value in node["mapping"].values():
                tokens = mapping_target(value, data, swagger2)  # bare names depend on `data`: not cached
                targets.append(component_key(tokens, swagger2) if tokens is not None else None)
        for key in targets:
            if key is None:
                continue
            found = present.get(key)
            if found is None:
                found = present[key] = node_at(data, key, MISSING) is not MISSING
            if found:
                graph.add(owner, key, where)
    _add_variants(graph, data, swagger2)
    return graph


def _add_variants(graph: RefGraph, data: dict[str, Any], swagger2: bool) -> None:
    """Polymorphism: a schema that extends (allOf) a schema with a discriminator is one of its variants."""
    for key in graph.components:
        if key[-2] not in ("schemas", "definitions"):
            continue
        schema = node_at(data, key)
        all_of = schema.get("allOf") if isinstance(schema, dict) else None
        for item in all_of if isinstance(all_of, list) else ():
            ref = item.get("$ref") if isinstance(item, dict) else None
            tokens = local_ref_tokens(ref) if isinstance(ref, str) else None
            base = component_key(tokens, swagger2) if tokens is not None else None
            base_schema = node_at(data, base) if base is not None else None
            if base is not None and isinstance(base_schema, dict) and "discriminator" in base_schema:
                graph.edges.setdefault(base, set()).add(key)


class WalkOrder:
    """Sort keys putting original paths in the order the former graph walk visited them.

    That walk was a preorder visiting siblings last to first: an ancestor comes first, then at the first
    step where two paths part, the later sibling. The referrers of a pruned component are tried in that
    order when looking for the rule that caused the pruning, so the order decides which rule is reported.
    """

    def __init__(self, original: Any) -> None:
        self.original = original
        self._positions: dict[int, dict[Any, int]] = {}

    def key(self, path: Path) -> tuple[int, ...]:
        node = self.original
        out: list[int] = []
        for token in path:
            if isinstance(node, dict):
                positions = self._positions.get(id(node))
                if positions is None:
                    positions = self._positions[id(node)] = {k: i for i, k in enumerate(node)}
                out.append(-positions[token])
            else:
                out.append(-int(token))
            node = node[token]
        return tuple(out)
