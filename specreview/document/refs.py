"""`$ref`s in a loaded document: where they are, which are local, remote or file references, and what a
reviewer should be warned about (local ones that dangle, pure cycles, external ones left unread).

Nothing here reads a file or opens a connection; following allowed external references is bundle.py's job.
Every walk is iterative, so a deep or self-referencing document cannot exhaust the stack.

Most documents deserve no warning, and proving that is cheap (`_all_clear`): no paths, each distinct `$ref`
resolved once, cycles followed from each `$ref` to the object it resolves to. Only a document that may deserve
a warning gets the walk that builds a path for every object, so that the warnings say where each problem is.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from specreview.document.pointer import Path, parse_pointer, resolve_tokens, to_pointer

_SHOWN = 3  # how many examples a summary warning names
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,31}):")
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
_REF_OF = operator.itemgetter("$ref")


@dataclass(frozen=True)
class RefSite:
    """One `$ref` string, the object that holds it (to rewrite it in place) and that object's path."""

    path: Path
    ref: str
    holder: dict[str, Any] = field(compare=False, repr=False)

    @property
    def pointer(self) -> str:
        return to_pointer((*self.path, "$ref"))


def kind_of(ref: str) -> str:
    """`local` (`#...`), `remote` (http/https), `file` (`file:` URL or a relative/absolute path), `other`."""
    if ref.startswith("#"):
        return "local"
    match = _SCHEME.match(ref)
    if match and not WINDOWS_DRIVE.match(ref):
        scheme = match.group(1).lower()
        if scheme in ("http", "https"):
            return "remote"
        return "file" if scheme == "file" else "other"
    return "file"


def _objects_once(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in `data`, each once: shared (YAML-aliased) nodes are one object, as iter_refs sees them."""
    stack = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            yield node
            node = node.values()
        elif not isinstance(node, list):
            continue
        stack += [v for v in node if isinstance(v, (dict, list))]


def ref_holders(data: Any) -> list[dict[str, Any]]:
    """Every object in `data` with a `$ref` key, each once: the objects `iter_refs` visits, without paths."""
    return [node for node in _objects_once(data) if "$ref" in node]


def iter_refs(data: Any) -> Iterator[RefSite]:
    """Every string `$ref` in `data`, in document order. Shared (YAML-aliased) nodes are visited once: they
    are one object, so rewriting its `$ref` once rewrites it everywhere it appears."""
    stack: list[tuple[Path, Any]] = [((), data)]
    seen: set[int] = set()
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield RefSite(path, ref, node)
            children = [((*path, k), v) for k, v in node.items() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            children = [((*path, i), v) for i, v in enumerate(node) if isinstance(v, (dict, list))]
        else:  # only the top can be a scalar: a bundled target such as `other.yaml#/version`
            continue
        stack.extend(reversed(children))


class _Anchors:
    """The `$anchor`/`$dynamicAnchor` names a document declares, collected on first use (most have none)."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._names: set[str] | None = None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            self._names = {
                node[key]
                for node in _objects_once(self._data)
                for key in ("$anchor", "$dynamicAnchor")
                if isinstance(node.get(key), str)
            }
        return name in self._names


class _NoAnchor(KeyError):
    """A `#name` reference that no `$anchor`/`$dynamicAnchor` declares."""


def _target(data: Any, ref: str, anchors: _Anchors) -> Any:
    """What a local `#...` reference names (None for `#name`, a JSON Schema anchor, when declared). Raises
    KeyError (_NoAnchor for an anchor) when it names nothing."""
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        if fragment not in anchors:
            raise _NoAnchor(fragment)
        return None
    return resolve_tokens(data, parse_pointer(ref))


def _unresolved_reason(data: Any, ref: str, anchors: _Anchors) -> str | None:
    """Why a local `#...` reference does not resolve, or None when it does. `#name` is a JSON Schema anchor."""
    try:
        _target(data, ref, anchors)
    except _NoAnchor:
        return "no schema declares this anchor"
    except KeyError as exc:
        return f"no {str(exc.args[0])!r} there"
    return None


def ref_warnings(data: Any, *, holders: Sequence[dict[str, Any]] | None = None) -> list[str]:
    """What a reviewer should know about the document's `$ref`s: local ones that dangle, pure reference
    cycles (a `$ref` chain that never reaches a schema), and external ones left unread. Summarised, so a
    document with thousands of them gives a few lines, not thousands.

    `holders` are the objects of `data` with a `$ref` key, each once, when the caller already has them
    (load.py collects them while checking a JSON document's shape); otherwise they are looked for here."""
    if _all_clear(data, ref_holders(data) if holders is None else holders):
        return []
    sites = list(iter_refs(data))
    anchors = _Anchors(data)
    dangling: list[str] = []
    external: list[RefSite] = []
    for site in sites:
        if kind_of(site.ref) != "local":
            external.append(site)
        elif (reason := _unresolved_reason(data, site.ref, anchors)) is not None:
            dangling.append(f"{site.pointer}: $ref {_short(site.ref)} does not resolve ({reason})")
    warnings = _summarise(dangling, "unresolved local $refs")
    cycles = [f"{p}: $ref cycle that never reaches a definition" for p in _pure_cycles(sites)]
    warnings.extend(_summarise(cycles, "$ref cycles"))
    if external:
        shown = ", ".join(f"{_short(s.ref)} at {s.pointer}" for s in external[:_SHOWN])
        more = f" and {len(external) - _SHOWN} more" if len(external) > _SHOWN else ""
        warnings.append(
            f"{len(external)} external $ref{'s' if len(external) != 1 else ''} not followed ({shown}{more}); "
            "their targets are not reviewed (allow them with --allow-remote-refs)"
        )
    return warnings


def _all_clear(data: Any, holders: Sequence[dict[str, Any]]) -> bool:
    """True only when ref_warnings has nothing to say: every `$ref` is local and resolves, and no pure
    cycle exists. False means "look closer" (the detailed walk decides, and words the warnings).

    Works on the distinct `$ref` strings (documents repeat a few thousand of them hundreds of thousands of
    times), each resolved once."""
    try:
        values = set(map(_REF_OF, holders))
    except TypeError:  # an unhashable value, such as a property named `$ref` holding a schema
        values = {value for value in map(_REF_OF, holders) if isinstance(value, str)}
    anchors = _Anchors(data)
    targets: dict[str, Any] = {}
    for ref in values:
        if not isinstance(ref, str):
            continue  # not a reference: iter_refs skips it too
        if not ref.startswith("#"):  # kind_of(ref) != "local": warned about as not followed
            return False
        try:
            targets[ref] = _target(data, ref, anchors)
        except Exception:  # dangling (KeyError), or whatever the detailed walk will meet and report
            return False
    return not _ref_cycle(targets)


def _pure_ref(node: Any) -> str | None:
    """The `$ref` of an object that is nothing but a local pointer `$ref` (what _pure_cycles follows)."""
    if isinstance(node, dict) and len(node) == 1:
        ref = node.get("$ref")
        if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
            return ref
    return None


def _ref_cycle(targets: dict[str, Any]) -> bool:
    """Whether going from a `$ref` to the pure `$ref` object it resolves to, and on to that one's `$ref`,
    ever comes back around. Every cycle `_pure_cycles` finds is one here: its pointers are paths of objects
    in the document (keys are strings), and resolving a path yields the object at it. So False proves there
    is none; True may be a cycle `_pure_cycles` does not count (a YAML node shared under two paths), which
    only means the detailed walk runs."""
    next_of = {ref: after for ref, target in targets.items() if (after := _pure_ref(target)) is not None}
    done: set[str] = set()
    for start in next_of:
        chain: set[str] = set()
        current = start
        while current in next_of and current not in done and current not in chain:
            chain.add(current)
            current = next_of[current]
        if current in chain:
            return True
        done |= chain
    return False


def _summarise(lines: list[str], what: str) -> list[str]:
    if len(lines) <= _SHOWN + 1:
        return lines
    return [*lines[:_SHOWN], f"... and {len(lines) - _SHOWN} more {what}"]


def _short(ref: str) -> str:
    return repr(ref) if len(ref) <= 80 else repr(ref[:77] + "...")


def _pure_cycles(sites: Sequence[RefSite]) -> list[str]:
    """One pointer per cycle of objects that are nothing but a local `$ref` (`A: {$ref: B}`, `B: {$ref: A}`):
    no reader can ever reach a definition through them. Each object is visited once (linear time), and each
    cycle is named by its member that comes first in the document."""
    order: dict[str, int] = {}
    next_of: dict[str, str] = {}
    for site in sites:
        if len(site.holder) == 1 and (site.ref == "#" or site.ref.startswith("#/")):
            here = to_pointer(site.path)
            order[here] = len(order)
            next_of[here] = to_pointer(parse_pointer(site.ref))  # normalised: `~1`, `%20` spelled one way
    found: list[str] = []
    done: set[str] = set()
    for start in order:
        chain: list[str] = []
        on_chain: set[str] = set()
        current: str | None = start
        while current is not None and current not in done and current not in on_chain:
            chain.append(current)
            on_chain.add(current)
            current = next_of.get(current)
        if current is not None and current in on_chain:  # came back to this walk: a new cycle
            members = chain[chain.index(current) :]
            found.append(min(members, key=order.__getitem__))
        done.update(chain)
    return sorted(found, key=order.__getitem__)
