"""The redactor's working copy of a document, and the index of it that the repairs use instead of walks.

Copying visits every container once, with its role, in document order. Nothing inserts containers into the
copy afterwards (removals only take them out; masks and reference rewrites replace strings), so every later
question of the form "which operations / links / `$ref` holders are there now" is answered by the lists
recorded here, restricted to the nodes still attached, in the same document order a fresh walk would give.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specreview.errors import RedactionError
from specreview.redaction._model import (
    DATA,
    EXT,
    EXTENSIBLE_MAPS,
    MAP_VALUES,
    SWAGGER2_SECTIONS,
    child_plan,
    component_key,
    planned_role,
)

__all__ = ["Copy", "Owner", "RefScan", "copy_document"]

Owner = tuple[str, ...] | None


class _Prefix:
    """Owner state of a container near the root that is not (yet) inside a component: its path so far.

    The rule the reference graph always used: a container whose path is exactly a component key
    (`components/<section>/<name>`, Swagger 2.0 `<section>/<name>`, never a list item) owns everything below it.
    """

    __slots__ = ("path",)

    def __init__(self, path: tuple[Any, ...]) -> None:
        self.path = path


# A dict that may reference a component (it holds a string `$ref`, is a link, or is a discriminator with a
# mapping): (the copy, the original with its values as loaded, the component holding it). A plain tuple: a
# large document has tens of thousands.
RefScan = tuple[dict[str, Any], dict[str, Any], Owner]


@dataclass
class Copy:
    root: dict[str, Any]
    parent: dict[int, tuple[Any, Any]]  # id(copy) -> (parent copy, original key or index); the root: (None, None)
    role: dict[int, str]
    alive: list[Any]  # keeps every copied container alive, so ids stay unique
    extension_keys: list[tuple[dict[str, Any], str]]  # (copied object, `x-` key) where `x-` keys are extensions
    refs: list[RefScan] = field(default_factory=list)
    path_items: list[dict[str, Any]] = field(default_factory=list)
    operations: list[dict[str, Any]] = field(default_factory=list)
    inherited_required: list[dict[str, Any]] = field(default_factory=list)  # schemas with `required` and `allOf`
    security_requirements: list[dict[str, Any]] = field(default_factory=list)  # name maps in a `security` list


# Roles `_index` records (schemas only with `required` and `allOf`, tested inline: most dicts are schemas).
_INDEXED_ROLES = frozenset({"link", "discriminator", "operation", "pathItem", "nameMap"})


class _TooDeep(Exception):
    """The copy went deeper than any document does: copy again, checking for cycles on the way."""


# Loaded documents are at most 200 levels deep; a cycle (a YAML alias to an ancestor) is infinitely deep. The
# quick copy does not look for cycles, it only counts levels; past this bound the careful copy, which tracks
# every ancestor, decides. A shared subtree that is not a cycle is copied once per occurrence by both.
_QUICK_DEPTH = 10_000


_EXIT = object()


def copy_document(original: dict[str, Any], swagger2: bool) -> Copy:
    """Copy `original` (order kept), recording roles, parents and the index. Raises RedactionError for a
    self-referencing (YAML alias) structure."""
    try:
        return _copy(original, swagger2, track_ancestors=False)
    except _TooDeep:
        return _copy(original, swagger2, track_ancestors=True)


def _copy(original: dict[str, Any], swagger2: bool, track_ancestors: bool) -> Copy:
    root: dict[str, Any] = {}
    parent: dict[int, tuple[Any, Any]] = {id(root): (None, None)}
    roles: dict[int, str] = {id(root): "doc"}
    alive: list[Any] = [root]
    out = Copy(root, parent, roles, alive, [])
    extension_keys = out.extension_keys
    inherited_required = out.inherited_required
    active: set[int] = set()  # with track_ancestors: the sources being copied (the ancestors of the current one)
    stack: list[Any] = [(original, root, "doc", _Prefix(()), 0)]
    while stack:
        item = stack.pop()
        src = item[0]
        if src is _EXIT:
            active.discard(item[1])
            continue
        _, dst, role, owner, depth = item
        if track_ancestors:
            active.add(id(src))
            stack.append((_EXIT, id(src), None, None, None))
        elif depth > _QUICK_DEPTH:
            raise _TooDeep
        in_list = isinstance(src, list)
        const, fields, extensible = child_plan(role, in_list)
        prefix = owner.path if owner.__class__ is _Prefix else None
        # Scalars are copied in bulk; container values are replaced by their copies below (same keys: the
        # order stays).
        if in_list:
            dst.extend(src)
            items: Any = enumerate(src)
        else:
            dst.update(src)
            items = src.items()
            if "$ref" in src or role in _INDEXED_ROLES:
                _index(out, src, dst, role, owner if prefix is None else None)
            elif role == "schema" and "allOf" in src and "required" in src:
                inherited_required.append(dst)
        pending = []
        for key, value in items:
            if not isinstance(value, (dict, list)):
                continue
            if track_ancestors and id(value) in active:
                raise RedactionError("the document contains a recursive structure (a YAML alias to itself)")
            copied: Any = {} if isinstance(value, dict) else []
            dst[key] = copied
            crole = planned_role(const, fields, extensible, key, value)
            cid = id(copied)
            parent[cid] = (dst, key)
            roles[cid] = crole
            alive.append(copied)
            cowner = owner if prefix is None else _child_owner(prefix, key, in_list, swagger2)
            pending.append((value, copied, crole, cowner, depth + 1))
        if not in_list and role not in (DATA, EXT) and (role not in MAP_VALUES or role in EXTENSIBLE_MAPS):
            # Keys of maps like `properties` are names chosen by the author, not extensions. One str.join first:
            # most objects have no `x-` key.
            try:
                maybe = "\0x-" in "\0" + "\0".join(dst)
            except TypeError:  # a key that is not a string (YAML)
                maybe = True
            if maybe:
                extension_keys.extend((dst, key) for key in dst if isinstance(key, str) and key.startswith("x-"))
        pending.reverse()
        stack.extend(pending)
    return out


def _child_owner(prefix: tuple[Any, ...], key: Any, in_list: bool, swagger2: bool) -> Any:
    """Owner state of a child of a container at `prefix` that lies in no component (see `_Prefix`)."""
    if not prefix:
        # Below any other top-level member no path is a component key.
        starts = key in SWAGGER2_SECTIONS if swagger2 else key == "components"
        return _Prefix((key,)) if starts else None
    path = (*prefix, key)
    if not in_list:  # the items of a list are never components
        found = component_key(path, swagger2)
        if found is not None and len(found) == len(path):
            return found
    return _Prefix(path) if len(path) < 3 else None


def _index(out: Copy, src: dict[str, Any], dst: dict[str, Any], role: str, owner: Owner) -> None:
    """Record a dict (visited in document order) in the lists the repairs read."""
    if isinstance(src.get("$ref"), str) or role == "link":
        out.refs.append((dst, src, owner))
    elif role == "discriminator" and isinstance(src.get("mapping"), dict):
        out.refs.append((dst, src, owner))
    if role == "operation":
        out.operations.append(dst)
    elif role == "pathItem":
        out.path_items.append(dst)
    elif role == "schema":
        if "required" in src and "allOf" in src:
            out.inherited_required.append(dst)
    elif role == "nameMap" and out.role.get(id(out.parent[id(dst)][0])) == "securityList":
        out.security_requirements.append(dst)
