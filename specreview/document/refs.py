"""`$ref`s in a loaded document: which are local, remote or file references, which dangle, and (only when the
user allows it) bundling allowed external targets into the document.

A document someone else wrote must not make specreview open files or connections it chose (server-side request
forgery, reading `/etc/passwd` through `$ref: file:///etc/passwd`). So nothing here reads a file or opens a
connection unless the target matches the user's `--allow-remote-refs` list. An allowed target is fetched with
the same limits as a document (size, timeout; no redirects, no user headers), parsed with the same safe loader,
and copied under `x-specreview-bundled` at the top of the document; the `$ref` that named it is rewritten to
point there, so every rule, the flow analysis and redaction see it like any local component. Bundling is bounded
in the number of targets, documents and total bytes, and every walk here is iterative.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from specreview.document.pointer import Path, parse_pointer, resolve_tokens, to_pointer
from specreview.errors import DocumentError, SpecreviewError

BUNDLE_KEY = "x-specreview-bundled"
MAX_TARGETS = 1000  # distinct (document, fragment) targets copied into one document
MAX_DOCUMENTS = 100  # distinct external files or URLs read for one document
_SHOWN = 3  # how many examples a summary warning names
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,31}):")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class RefSite:
    """One `$ref` string and where it is: the path of the object that holds it."""

    path: Path
    ref: str

    @property
    def pointer(self) -> str:
        return to_pointer((*self.path, "$ref"))


def kind_of(ref: str) -> str:
    """`local` (`#...`), `remote` (http/https), `file` (`file:` URL or a relative/absolute path), `other`."""
    if ref.startswith("#"):
        return "local"
    match = _SCHEME.match(ref)
    if match and not _WINDOWS_DRIVE.match(ref):
        scheme = match.group(1).lower()
        if scheme in ("http", "https"):
            return "remote"
        return "file" if scheme == "file" else "other"
    return "file"


def iter_refs(data: Any) -> Iterator[RefSite]:
    """Every string `$ref` in the document, in document order. Iterative; shared (aliased) nodes once."""
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
                yield RefSite(path, ref)
            children = [((*path, k), v) for k, v in node.items() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            children = [((*path, i), v) for i, v in enumerate(node) if isinstance(v, (dict, list))]
        else:
            continue
        stack.extend(reversed(children))


def local_target(data: Any, ref: str) -> tuple[bool, str]:
    """(resolves, reason) for a local `#...` reference. `#name` (a JSON Schema anchor) is accepted if some
    object declares it."""
    fragment = ref[1:]
    if fragment and not fragment.startswith("/") and not unquote(fragment).startswith("/"):
        return (_has_anchor(data, unquote(fragment)), "no schema declares this anchor")
    try:
        resolve_tokens(data, parse_pointer(ref))
    except ValueError:
        return False, "not a valid JSON pointer"
    except KeyError as exc:
        return False, f"no {str(exc.args[0])!r} there" if exc.args else "target not found"
    return True, ""


def _has_anchor(data: Any, name: str) -> bool:
    stack = [data]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            if node.get("$anchor") == name or node.get("$dynamicAnchor") == name:
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def ref_warnings(data: Any) -> list[str]:
    """What a reviewer should know about the document's `$ref`s: local ones that dangle, pure reference
    cycles (a `$ref` chain that never reaches a schema), and external ones left unread. Summarised, so a
    document with thousands of them gives a few lines, not thousands."""
    dangling: list[str] = []
    external: list[RefSite] = []
    sites = list(iter_refs(data))
    for site in sites:
        kind = kind_of(site.ref)
        if kind == "local":
            ok, reason = local_target(data, site.ref)
            if not ok:
                dangling.append(f"{site.pointer}: $ref {_short(site.ref)} does not resolve ({reason})")
        else:
            external.append(site)
    warnings = _summarise(dangling, "unresolved local $refs")
    cycles = _pure_cycles(data, sites)
    warnings.extend(_summarise([f"{p}: $ref cycle that never reaches a definition" for p in cycles], "$ref cycles"))
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


def _pure_cycles(data: Any, sites: Sequence[RefSite]) -> list[str]:
    """Objects that are only a `$ref` whose chain of `$ref`-only objects comes back to itself."""
    only_ref: dict[str, str] = {}
    for site in sites:
        if site.ref.startswith("#/") or site.ref == "#":
            node = data
            try:
                node = resolve_tokens(data, site.path)
            except KeyError:
                continue
            if isinstance(node, dict) and len(node) == 1:
                only_ref[to_pointer(site.path)] = _normal_pointer(site.ref)
    found: list[str] = []
    reported: set[str] = set()
    for start in only_ref:
        if start in reported:
            continue
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = start
        while current is not None and current not in seen:
            seen.add(current)
            chain.append(current)
            current = only_ref.get(current)
        if current is not None and current == start:
            found.append(start)
            reported.update(chain)
    return found


def _normal_pointer(ref: str) -> str:
    try:
        return to_pointer(parse_pointer(ref))
    except ValueError:
        return ref


# ---- allowing and bundling external references -------------------------------------------------------


@dataclass(frozen=True)
class RefAllowList:
    """What `--allow-remote-refs` allows: http(s) hosts (any port, or one), URL prefixes, and directories
    (or single files) on this machine. Empty allows nothing."""

    hosts: tuple[tuple[str, int | None], ...] = ()
    url_prefixes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # real paths (symlinks resolved)

    def __bool__(self) -> bool:
        return bool(self.hosts or self.url_prefixes or self.paths)

    def allows_url(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            return False
        if any(host == h and (p is None or p == port) for h, p in self.hosts):
            return True
        normal = _normal_url(url)
        return any(normal.startswith(prefix) for prefix in self.url_prefixes)

    def allows_path(self, real_path: str) -> bool:
        return any(real_path == p or real_path.startswith(p.rstrip(os.sep) + os.sep) for p in self.paths)


def parse_allow_list(values: Sequence[str], *, cwd: str | None = None) -> RefAllowList:
    """`api.example.com`, `127.0.0.1:8123`, `https://api.example.com/schemas/`, `./schemas/`, `/srv/specs`;
    comma-separated, and the option may be repeated. Raises SpecreviewError for an entry it cannot read."""
    hosts: list[tuple[str, int | None]] = []
    prefixes: list[str] = []
    paths: list[str] = []
    base = cwd or os.getcwd()
    for value in values:
        for entry in (e.strip() for e in value.split(",")):
            if not entry:
                continue
            if "://" in entry:
                scheme = entry.split("://", 1)[0].lower()
                if scheme not in ("http", "https") or not urlsplit(entry).hostname:
                    raise SpecreviewError(f"--allow-remote-refs: {entry!r} is not an http(s) URL")
                prefixes.append(_normal_url(entry))
            elif entry.startswith((".", "/", "~")) or os.sep in entry or (os.altsep and os.altsep in entry):
                paths.append(os.path.realpath(os.path.join(base, os.path.expanduser(entry))))
            else:
                host, _, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "")
                if port and not port.isdigit():
                    raise SpecreviewError(f"--allow-remote-refs: {entry!r} is not a host, host:port, URL or path")
                name = (host if port else entry).lower().strip("[]")
                if not name or not re.fullmatch(r"[a-z0-9.:-]+", name):
                    raise SpecreviewError(f"--allow-remote-refs: {entry!r} is not a host, host:port, URL or path")
                hosts.append((name, int(port) if port else None))
    return RefAllowList(tuple(hosts), tuple(prefixes), tuple(paths))


def _normal_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if scheme == "https" else 80
    netloc = host if port in (None, default) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


@dataclass
class BundleLimits:
    max_targets: int = MAX_TARGETS
    max_documents: int = MAX_DOCUMENTS
    max_bytes: int = 64 * 1024 * 1024  # all external documents together


@dataclass
class _Bundler:
    data: dict[str, Any]
    source: str
    base: str  # absolute URL or file: URL of the root document, "" when unknown
    allow: RefAllowList
    fetch_options: Any
    limits: BundleLimits
    warnings: list[str] = field(default_factory=list)
    documents: dict[str, Any] = field(default_factory=dict)  # document URL -> parsed data
    names: dict[str, str] = field(default_factory=dict)  # absolute target -> bundle key
    bytes_read: int = 0
    skipped: int = 0

    def run(self) -> None:
        bundle: dict[str, Any] = {}
        # (the object holding the $ref, its absolute target); targets are copied once each.
        pending: list[tuple[dict[str, Any], str, str]] = []
        for site in iter_refs(self.data):
            if kind_of(site.ref) == "local":
                continue
            target = self._absolute(site.ref, self.base)
            if target is None or not self._allowed(target):
                self.skipped += 1
                continue
            holder = resolve_tokens(self.data, site.path)
            pending.append((holder, target, site.pointer))
        while pending:
            holder, target, where = pending.pop(0)
            key = self.names.get(target)
            if key is None:
                if len(self.names) >= self.limits.max_targets:
                    raise DocumentError(self.source, f"more than {self.limits.max_targets} external $ref targets")
                key = self._name_for(target)
                self.names[target] = key
                content = self._load_target(target, where)
                bundle[key] = content
                pending.extend(self._nested(content, target))
            holder["$ref"] = "#" + to_pointer((BUNDLE_KEY, key))
        if bundle:
            existing = self.data.get(BUNDLE_KEY)
            if isinstance(existing, dict):
                existing.update(bundle)
            else:
                self.data[BUNDLE_KEY] = bundle

    def _nested(self, content: Any, target: str) -> list[tuple[dict[str, Any], str, str]]:
        """References inside bundled content: relative to the document it came from (a local `#/...` there
        means that document, not the one being reviewed)."""
        document_url = target.split("#", 1)[0]
        out = []
        for site in iter_refs(content):
            absolute = self._absolute(site.ref, document_url)
            if absolute is None or not self._allowed(absolute):
                self.skipped += 1
                continue
            holder = resolve_tokens(content, site.path)
            out.append((holder, absolute, f"{_display(target)} {site.pointer}"))
        return out

    def _absolute(self, ref: str, base: str) -> str | None:
        """The reference as an absolute URL with a fragment, or None when it cannot be one we would read."""
        kind = kind_of(ref)
        if kind == "other" or _WINDOWS_DRIVE.match(ref):
            return None
        if kind == "local" or (kind == "file" and not ref.lower().startswith("file:")):
            if not base:
                return None
            ref = urljoin(base.split("#", 1)[0], ref)
        return ref if "#" in ref else ref + "#"

    def _allowed(self, target: str) -> bool:
        url = target.split("#", 1)[0]
        if url.lower().startswith("file:"):
            return self.allow.allows_path(os.path.realpath(_file_path(url)))
        if kind_of(url) == "remote":
            return self.allow.allows_url(url)
        return False

    def _name_for(self, target: str) -> str:
        url, _, fragment = target.partition("#")
        if url.lower().startswith("file:"):
            tail = os.path.basename(_file_path(url))
        else:
            parts = urlsplit(url)
            tail = (parts.hostname or "") + "-" + os.path.basename(parts.path.rstrip("/"))
        name = _SAFE_NAME.sub("-", f"{tail}{'-' + unquote(fragment).strip('/') if fragment.strip('/') else ''}")
        name = name.strip("-")[:100] or "ref"
        candidate, n = name, 2
        taken = set(self.names.values())
        while candidate in taken:
            candidate, n = f"{name}-{n}", n + 1
        return candidate

    def _load_target(self, target: str, where: str) -> Any:
        url, _, fragment = target.partition("#")
        data = self.documents.get(url)
        if data is None:
            if len(self.documents) >= self.limits.max_documents:
                raise DocumentError(self.source, f"$refs name more than {self.limits.max_documents} external documents")
            data = self.documents[url] = self._read(url, where)
        try:
            tokens = parse_pointer("#" + fragment) if fragment else []
            found = resolve_tokens(data, tokens)
        except (KeyError, ValueError):
            raise DocumentError(self.source, f"{where}: $ref target {_display(target)!r} not found") from None
        return copy.deepcopy(found)

    def _read(self, url: str, where: str) -> Any:
        from specreview.document.fetch import FetchOptions, fetch
        from specreview.document.load import _read_file, parse_data

        remaining = self.limits.max_bytes - self.bytes_read
        shown = _display(url)
        if remaining <= 0:
            raise DocumentError(self.source, f"external $refs exceed the size limit while reading {shown}")
        if url.lower().startswith("file:"):
            raw = _read_file(_file_path(url), remaining)
        else:
            options = self.fetch_options or FetchOptions()
            # Not the user's headers (they are for the document's own server), and no redirects: a redirect
            # could lead anywhere, and only what the allow-list names may be contacted.
            options = dataclasses.replace(options, headers=(), max_redirects=0, max_bytes=remaining)
            try:
                raw, _ = fetch(url, options)
            except DocumentError as exc:
                raise DocumentError(self.source, f"{where}: cannot fetch $ref {shown}: {exc.reason}") from None
        self.bytes_read += len(raw)
        return parse_data(raw, shown)


def _file_path(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.path)


def _display(url: str) -> str:
    from specreview.document.fetch import display_url

    if url.lower().startswith("file:"):
        path, _, fragment = url.partition("#")
        rel = os.path.relpath(_file_path(path))
        return rel + (f"#{fragment}" if fragment else "")
    return display_url(url)


def base_of(source: str, path: str | None) -> str:
    """The URL relative references in a document resolve against."""
    from specreview.document.fetch import url_scheme

    if url_scheme(source) in ("http", "https"):
        return source
    where = os.path.abspath(path) if path else os.path.join(os.getcwd(), "stdin")
    return "file://" + where.replace(os.sep, "/")


def bundle_external_refs(
    data: dict[str, Any],
    source: str,
    *,
    base: str,
    allow: RefAllowList,
    fetch_options: Any = None,
    limits: BundleLimits | None = None,
) -> int:
    """Copy allowed external `$ref` targets into `data[BUNDLE_KEY]` and point the `$ref`s there (in place).
    Returns how many targets were bundled. Raises DocumentError when an allowed target cannot be read."""
    if not allow:
        return 0
    bundler = _Bundler(data, source, base, allow, fetch_options, limits or BundleLimits())
    bundler.run()
    return len(bundler.names)
