"""Bundling: copy the external `$ref` targets the user allowed into the document, so every rule, the flow
analysis and redaction see them like any local component.

A document someone else wrote must not make specreview open files or connections it chose (server-side
request forgery, `$ref: file:///etc/passwd`), so a target is only read when its canonical URL passes the
`--allow-remote-refs` list (ref_allow.py). It is then fetched with the same limits as a document (size,
timeout) but without the user's headers (they are for the document's own server) and without following
redirects (a redirect could lead anywhere, and only what the list names may be contacted); it is parsed by
the same safe loader. Each target is copied once under `x-specreview-bundled` at the top of the document and
the `$ref`s naming it are rewritten to point there. References inside a copy are resolved against the
document it came from: allowed ones are bundled in turn, the others are rewritten so they keep meaning the
same thing from their new place. Bundling is bounded in targets, documents, bytes read and nodes copied.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import stat
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from specreview.document.fetch import FetchOptions, display_url, fetch, size_text
from specreview.document.load import parse_data, read_file
from specreview.document.pointer import parse_pointer, resolve_tokens
from specreview.document.ref_allow import RefAllowList, canonical_target
from specreview.document.refs import iter_refs
from specreview.errors import DocumentError

BUNDLE_KEY = "x-specreview-bundled"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BundleLimits:
    max_targets: int = 1000  # distinct (document, fragment) targets copied into one document
    max_documents: int = 100  # distinct external files or URLs read for one document
    max_bytes: int = 64 * 1024 * 1024  # all external documents together
    # Overlapping targets (`x.json#/S` and `x.json#/S/items`) are copied separately; this caps what that costs.
    max_nodes: int = 2_000_000


def file_base(path: str | None) -> str:
    """What relative references in a local document resolve against: its real path as a `file:` URL
    (standard input: the working directory)."""
    where = os.path.realpath(path) if path else os.path.join(os.getcwd(), "stdin")
    return Path(where).as_uri()


def bundle_external_refs(
    data: dict[str, Any],
    source: str,
    *,
    base: str,
    allow: RefAllowList,
    fetch_options: FetchOptions | None = None,
    limits: BundleLimits | None = None,
) -> int:
    """Copy the allowed external `$ref` targets of `data` under `data[BUNDLE_KEY]` and point their `$ref`s
    there (in place). Returns how many targets were bundled. Raises DocumentError when an allowed target
    cannot be read or a limit is exceeded."""
    if not allow:
        return 0
    return _Bundler(data, source, base, allow, fetch_options or FetchOptions(), limits or BundleLimits()).run()


# (the object holding the `$ref`, the canonical target, where it was found: for messages)
_Pending = tuple[dict[str, Any], str, str]


class _Bundler:
    def __init__(
        self,
        data: dict[str, Any],
        source: str,
        base: str,
        allow: RefAllowList,
        fetch_options: FetchOptions,
        limits: BundleLimits,
    ) -> None:
        self.data = data
        self.source = source
        self.root = (canonical_target(base, "") or "#").partition("#")[0]
        self.allow = allow
        self.fetch_options = fetch_options
        self.limits = limits
        self.documents: dict[str, Any] = {}  # canonical document URL -> parsed data
        self.keys: dict[str, str] = {}  # canonical target -> its key in the bundle
        self.bytes_read = 0
        self.nodes_copied = 0
        existing = data.get(BUNDLE_KEY, {})
        if not isinstance(existing, dict):
            raise DocumentError(source, f"/{BUNDLE_KEY} is not a mapping, so external $refs cannot be bundled there")
        self.bundle: dict[str, Any] = existing
        self.taken = set(existing)

    def run(self) -> int:
        pending = deque(self._external(self.data, None))
        while pending:
            holder, target, where = pending.popleft()
            holder["$ref"] = f"#/{BUNDLE_KEY}/{self._bundled(target, where, pending)}"
        if self.keys and BUNDLE_KEY not in self.data:
            self.data[BUNDLE_KEY] = self.bundle
        return len(self.keys)

    def _external(self, content: Any, origin: str | None) -> Iterator[_Pending]:
        """The allowed external references in `content`: the reviewed document (`origin` None) or the copy of
        the target `origin`. A reference back into the reviewed document becomes local; in a copy, one that
        is not followed is rewritten to mean, from the reviewed document, what it meant where it was written."""
        nested = origin is not None
        document, _, at = (origin or self.root).partition("#")
        for site in iter_refs(content):
            if not nested and site.ref.startswith("#"):
                continue
            target = canonical_target(site.ref, document)
            if target is None:
                continue
            url, _, fragment = target.partition("#")
            if url == self.root:
                site.holder["$ref"] = "#" + fragment
            elif self.allow.allows(target):
                where = f"{self._display(document)}#{at}{site.pointer}" if nested else site.pointer
                yield site.holder, target, where
            elif nested:
                site.holder["$ref"] = self._rebased(url, fragment)

    def _bundled(self, target: str, where: str, pending: deque[_Pending]) -> str:
        """The bundle key holding `target`, copying it (and queueing the references inside) the first time."""
        key = self.keys.get(target)
        if key is not None:
            return key
        if len(self.keys) >= self.limits.max_targets:
            raise DocumentError(self.source, f"more than {self.limits.max_targets} external $ref targets")
        url, _, fragment = target.partition("#")
        try:
            found = resolve_tokens(self._document(url, where), parse_pointer("#" + fragment))
        except (KeyError, ValueError):
            raise DocumentError(self.source, f"{where}: $ref target {self._display(target)!r} not found") from None
        key = self.keys[target] = self._new_key(url, fragment)
        self.bundle[key] = content = self._copy(found)
        pending.extend(self._external(content, target))
        return key

    def _document(self, url: str, where: str) -> Any:
        if url in self.documents:
            return self.documents[url]
        if len(self.documents) >= self.limits.max_documents:
            raise DocumentError(self.source, f"$refs name more than {self.limits.max_documents} external documents")
        remaining = self.limits.max_bytes - self.bytes_read
        shown = self._display(url)
        if remaining <= 0:
            limit = size_text(self.limits.max_bytes)
            raise DocumentError(self.source, f"external $refs exceed the size limit of {limit} at {shown}")
        try:
            data = parse_data(self._read(url, remaining, shown), shown)
        except DocumentError as exc:
            raise DocumentError(self.source, f"{where}: $ref target {exc}") from None
        self.documents[url] = data
        return data

    def _read(self, url: str, max_bytes: int, shown: str) -> bytes:
        """The bytes of one allowed document, counted against the bytes all external documents may take."""
        if url.startswith("file:"):
            path = unquote(urlsplit(url).path)
            # A FIFO or device would block or never end; only regular files are documents.
            if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
                raise DocumentError(shown, "not a regular file")
            raw = read_file(path, max_bytes, shown)
        else:
            raw = self._fetch(url, max_bytes)
        self.bytes_read += len(raw)
        return raw

    def _fetch(self, url: str, max_bytes: int) -> bytes:
        options = dataclasses.replace(self.fetch_options, headers=(), max_redirects=0, max_bytes=max_bytes)
        try:
            return fetch(url, options)[0]
        except DocumentError as exc:
            if exc.reason.startswith("too many redirects"):  # what fetch says when max_redirects=0 is hit
                raise DocumentError(exc.source, "redirected; redirects are not followed for $ref targets") from None
            raise

    def _copy(self, node: Any) -> Any:
        """An independent copy: the `$ref`s inside are rewritten in place and redaction edits it, so it must
        share nothing with the external document or another target. Iterative, and counted against max_nodes."""
        top: list[Any] = [None]
        stack: list[tuple[Any, Any, Any]] = [(top, 0, node)]
        while stack:
            parent, key, value = stack.pop()
            self.nodes_copied += 1
            if self.nodes_copied > self.limits.max_nodes:
                limit = f"{self.limits.max_nodes:,}"
                raise DocumentError(self.source, f"external $ref targets would copy more than {limit} values")
            if isinstance(value, dict):
                parent[key] = copied = dict.fromkeys(value)  # keeps the key order
                stack.extend((copied, k, v) for k, v in value.items())
            elif isinstance(value, list):
                parent[key] = copied = [None] * len(value)
                stack.extend((copied, i, v) for i, v in enumerate(value))
            else:
                parent[key] = value
        return top[0]

    def _new_key(self, url: str, fragment: str) -> str:
        parts = urlsplit(url)
        tail = posixpath.basename(parts.path.rstrip("/"))
        if parts.scheme != "file":
            tail = f"{parts.hostname}-{tail}"
        name = _SAFE_NAME.sub("-", unquote(f"{tail}-{fragment.strip('/')}")).strip("-")[:100] or "ref"
        key, n = name, 2
        while key in self.taken:
            key, n = f"{name}-{n}", n + 1
        self.taken.add(key)
        return key

    def _rebased(self, url: str, fragment: str) -> str:
        """A reference to `url#fragment` as the reviewed document should spell it: relative between files
        (an absolute path would publish where the files sit on this machine), else the absolute URL."""
        if url.startswith("file:") and self.root.startswith("file:"):
            url = posixpath.relpath(urlsplit(url).path, posixpath.dirname(urlsplit(self.root).path))
        return url + (f"#{fragment}" if fragment else "")

    def _display(self, target: str) -> str:
        """A target for messages: files relative to the working directory, URLs without credentials."""
        if not target.startswith("file:"):
            return display_url(target)
        url, _, fragment = target.partition("#")
        path = unquote(urlsplit(url).path)
        relative = os.path.relpath(path)
        return (path if relative.startswith("..") else relative) + (f"#{fragment}" if fragment else "")
