"""What the author marked for removal: `x-internal: true` nodes, and vendor extensions that name backend
infrastructure.

`x-internal: true` is the convention Redocly's `remove-x-internal` decorator and openapi-filter use: the node
carrying it (a path item, operation, parameter, schema, property, response, ...) must not be published. The
engine's rule reports paths, operations and parameters; here every kind of node is found, by role, so that
data (examples, defaults) and extension values are never read as markers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from fnmatch import fnmatchcase
from typing import Any

from specreview.gc_pause import gc_paused
from specreview.redaction._model import ANY, DATA, EXT, Path, iter_roles, link_path

# Extensions whose values describe the backend behind the API, not the API: integration targets (Lambda ARNs,
# upstream URLs, IAM roles), server-side controller modules. Dropped by default; `--keep-extensions` keeps them.
INFRASTRUCTURE_EXTENSIONS: tuple[str, ...] = (
    "x-amazon-apigateway-integration",
    "x-amazon-apigateway-integrations",
    "x-google-backend",
    "x-swagger-router-controller",
    "x-swagger-router-action",
    "x-openapi-router-controller",
    "x-wso2-production-endpoints",
    "x-wso2-sandbox-endpoints",
)

# Roles a marked node can be removed from without making its holder invalid (the repairs handle the rest).
_REMOVABLE = frozenset(
    {
        "pathItem",
        "operation",
        "parameter",
        "schema",
        "response",
        "requestBody",
        "header",
        "mediaType",
        "example",
        "link",
        "callback",
        "server",
        "securityScheme",
    }
)

# A schema held directly by one of these keywords (or a parameter's/media type's `schema`) takes its holder with
# it: `{"type": "array"}` without its `items` would accept anything (and is invalid in OpenAPI 3.0).
_HOLDER_KEYWORDS = frozenset(
    {
        "schema",
        "items",
        "additionalProperties",
        "additionalItems",
        "unevaluatedItems",
        "unevaluatedProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "contentSchema",
    }
)


def marked_nodes(data: Any, flags: Iterable[str] = ("x-internal",)) -> list[Path]:
    """Paths of the nodes to remove because they carry one of `flags` set to true, outermost first."""
    names = tuple(flags)
    found: list[Path] = []
    with gc_paused():
        # Below ANY, DATA and EXT containers there are only more of them: examples and vendor data are not walked.
        for node, role, link in iter_roles(data, skip=(ANY, DATA, EXT)):
            if role in _REMOVABLE and isinstance(node, dict) and link is not None:
                for name in names:
                    if node.get(name) is True:
                        found.append(_removal_target(link_path(link)))
                        break
    return found


def _removal_target(path: Path) -> Path:
    while len(path) > 1 and path[-1] in _HOLDER_KEYWORDS and not _is_name(path):
        path = path[:-1]
    return path


def _is_name(path: Path) -> bool:
    """`.../properties/items`: a property called `items`, not the keyword."""
    return len(path) >= 2 and path[-2] in ("properties", "patternProperties", "definitions", "$defs", "schemas")


class ExtensionFilter:
    """Which `x-` keys to drop: those matching a drop pattern and no keep pattern (shell-style globs)."""

    def __init__(self, drop: Collection[str] = (), keep: Collection[str] = ()) -> None:
        self.drop = tuple(drop)
        self.keep = tuple(keep)
        self._cache: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.drop)

    def drops(self, key: str) -> bool:
        decided = self._cache.get(key)
        if decided is None:
            decided = any(fnmatchcase(key, p) for p in self.drop) and not any(fnmatchcase(key, p) for p in self.keep)
            self._cache[key] = decided
        return decided
