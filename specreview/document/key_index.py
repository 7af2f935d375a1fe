"""One walk over a document that finds every occurrence of the keys a review looks up by name.

Rules select most nodes through OpenAPI-aware aliases (selectors.py); the ones found by key name, wherever
they are (`example`, `description`, `servers`, every `x-` extension), come from this index rather than from a
walk per rule. A JSON document is indexed while it loads: the walk that proves its nesting within limits and
counts its members for the duplicate-key check (duplicate_keys.py) is the same walk, so a large document is
visited once instead of twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from specreview.document.pointer import Path

# Keys whose values are example data, and keys whose values are prose.
EXAMPLE_KEYS = ("example", "examples", "default", "const", "enum")
TEXT_KEYS = ("description", "summary")
# Every key the review looks up by name.
INDEX_KEYS = frozenset((*EXAMPLE_KEYS, *TEXT_KEYS, "servers", "externalDocs", "operationRef"))

# A key directly inside one of these maps is a user-chosen name (a property called `example`, a security scheme
# called `x-auth-secret`), not a keyword or an extension. `responses` is a name map only in `components` and at
# the top of a Swagger 2.0 document; an operation's `responses` is an extensible object of status codes.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "schemas",
        "definitions",
        "$defs",
        "securitySchemes",
        "securityDefinitions",
        "requestBodies",
        "headers",
        "links",
        "callbacks",
        "pathItems",
        "scopes",
        "mapping",
        "variables",
        "encoding",
        "content",
    }
)
_TOP_NAME_MAPS = frozenset({"responses", "parameters", "examples"})  # only as sections: components.X, Swagger X


@dataclass
class KeyIndex:
    """Where each indexed key occurs outside name maps, with its value, in the order of one depth-first walk;
    every `x-` extension likewise, with the object holding it (whether that is a parameter says which field its
    values belong to, without a walk down to it again); and, as counted on the way, the document's object
    members and the objects holding a `$ref` (each once)."""

    entries: dict[str, list[tuple[Path, Any]]]
    extensions: list[tuple[Path, Any, dict[str, Any]]] = field(default_factory=list)  # (path, value, holder)
    members: int = 0
    ref_holders: list[dict[str, Any]] = field(default_factory=list)


def holds_names(key: Any, named: bool, top: bool) -> bool:
    """Whether the keys of the object at `key` are names chosen by the author rather than keywords: it is a
    name map (`_NAME_MAPS`, or one of `_TOP_NAME_MAPS` in the document or its `components`: `top`), inside an
    object whose own keys are not names (`named`: a property called `properties` holds a schema)."""
    return not named and (key in _NAME_MAPS or (top and key in _TOP_NAME_MAPS))


def keyword_values_above(doc: Any, path: Path, keyword: str) -> Iterator[Any]:
    """The values of `keyword` in the objects from the top of `doc` down to the node at `path`, skipping the
    objects whose keys are names (there `keyword` names a property, not the keyword), as the index does."""
    node, named = doc, False
    for depth in range(len(path) + 1):
        if isinstance(node, dict) and not named and keyword in node:
            yield node[keyword]
        if depth == len(path):
            return
        token = path[depth]
        try:
            child = node[token]
        except (KeyError, IndexError, TypeError):
            return
        top = depth == 0 or path[:depth] == ("components",)
        named = isinstance(node, dict) and isinstance(child, dict) and holds_names(token, named, top)
        node = child


def index_keys(doc: Any, keys: frozenset[str] = INDEX_KEYS) -> KeyIndex:
    """Index `keys` in `doc` (any data: nesting was limited when it was loaded)."""
    index = _walk(doc, keys, too_deep=-1)
    assert index is not None  # no path has length -1
    return index


def index_json(data: Any, max_depth: int) -> KeyIndex | None:
    """Index what `json.loads` returned; None as soon as containers nest more than `max_depth` levels (the top
    one is level 1). Members and `$ref` holders are exact because `json.loads` builds a new dict or list for
    every `{` or `[`: no container is reached twice (YAML aliases can share one)."""
    return _walk(data, INDEX_KEYS, too_deep=max_depth)


def _walk(doc: Any, keys: frozenset[str], too_deep: int) -> KeyIndex | None:
    """The index, or None when a container's path is `too_deep` long: one at depth d (its path's length) is at
    level d + 1."""
    index = KeyIndex({k: [] for k in keys})
    entries, extensions, holders = index.entries, index.extensions, index.ref_holders
    members = 0
    # (path, node, whether its keys are names chosen by the author). A path tuple is only built for what is
    # kept or walked into: most members are scalars, and a large document has hundreds of thousands.
    stack: list[tuple[Path, Any, bool]] = [((), doc, False)] if isinstance(doc, (dict, list)) else []
    pop, push = stack.pop, stack.append
    while stack:
        path, node, named = pop()
        if len(path) == too_deep:
            return None
        if isinstance(node, dict):
            members += len(node)
            if "$ref" in node:
                holders.append(node)
            top = not path or path == ("components",)
            for key, child in node.items():
                if not named:
                    bucket = entries.get(key)
                    if bucket is not None:
                        bucket.append(((*path, key), child))
                    elif isinstance(key, str) and key[:2] == "x-":  # a document built in Python: `200:`
                        extensions.append(((*path, key), child, node))
                if isinstance(child, dict):
                    # A name map's entries (a schema, a property) hold keywords again, whatever they are called: a
                    # property named `content` is no map of media types.
                    names = not named and (key in _NAME_MAPS or (top and key in _TOP_NAME_MAPS))  # holds_names
                    push(((*path, key), child, names))
                elif isinstance(child, list):
                    push(((*path, key), child, False))
        else:
            for i, child in enumerate(node):
                if isinstance(child, (dict, list)):
                    push(((*path, i), child, False))
    index.members = members
    return index
