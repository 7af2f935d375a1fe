"""`$ref`s in a loaded document: where they are, which are local, remote or file references, and what a
reviewer should be warned about (local ones that dangle, pure cycles, external ones left unread).

Nothing here reads a file or opens a connection; following allowed external references is bundle.py's job.
Every walk is iterative, so a deep or self-referencing document cannot exhaust the stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from specreview.document.pointer import Path, parse_pointer, resolve_tokens, to_pointer

_SHOWN = 3  # how many examples a summary warning names
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,31}):")
WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


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
            self._names = set()
            stack = [self._data]
            seen: set[int] = set()
            while stack:
                node = stack.pop()
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if isinstance(node, dict):
                    for key in ("$anchor", "$dynamicAnchor"):
                        if isinstance(node.get(key), str):
                            self._names.add(node[key])
                    node = node.values()
                stack.extend(v for v in node if isinstance(v, (dict, list)))
        return name in self._names


def _unresolved_reason(data: Any, ref: str, anchors: _Anchors) -> str | None:
    """Why a local `#...` reference does not resolve, or None when it does. `#name` is a JSON Schema anchor."""
    fragment = unquote(ref[1:])
    if fragment and not fragment.startswith("/"):
        return None if fragment in anchors else "no schema declares this anchor"
    try:
        resolve_tokens(data, parse_pointer(ref))
    except KeyError as exc:
        return f"no {str(exc.args[0])!r} there"
    return None


def ref_warnings(data: Any) -> list[str]:
    """What a reviewer should know about the document's `$ref`s: local ones that dangle, pure reference
    cycles (a `$ref` chain that never reaches a schema), and external ones left unread. Summarised, so a
    document with thousands of them gives a few lines, not thousands."""
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
