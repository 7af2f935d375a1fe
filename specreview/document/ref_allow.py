"""What `--allow-remote-refs` allows, and the one canonical spelling of a `$ref` target that the allow-list
judges and the bundler then reads.

Judging one string and reading another would let `http://ok/schemas/../admin`, `%2e%2e` or a symlink slip
past an entry, so a target is canonicalised once (scheme and host lower-cased, default port dropped,
percent-escapes of unreserved characters decoded, dot segments removed; a file becomes its real path) and
that exact URL is both checked and read.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from specreview.document.refs import WINDOWS_DRIVE, kind_of
from specreview.errors import SpecreviewError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_HOST = re.compile(r"[a-z0-9._:-]+")


def canonical_target(ref: str, base: str) -> str | None:
    """`ref` resolved against `base` (an http(s) or `file:` URL) as `URL#fragment` in canonical form, or None
    for what specreview never reads: other schemes, a file on another host, a Windows drive path, a relative
    reference without a base. User information is dropped: a document cannot make specreview send
    credentials it chose."""
    kind = kind_of(ref)
    if kind == "other" or WINDOWS_DRIVE.match(ref) or "\\" in ref:
        return None
    if kind != "remote" and not ref[:5].lower() == "file:":
        if not base:
            return None
        ref = urljoin(base, ref)
    url, _, fragment = ref.partition("#")
    try:
        parts = urlsplit(url)
        port = parts.port
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return None
            return Path(os.path.realpath(unquote(parts.path))).as_uri() + "#" + fragment
    except ValueError:  # a bad port or IPv6 address, a NUL byte in a path
        return None
    host = parts.hostname or ""
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    path = _without_dots(_ESCAPE.sub(_decode_unreserved, parts.path or "/"))
    return urlunsplit((scheme, netloc, path, parts.query, "")) + "#" + fragment


def _decode_unreserved(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()


def _without_dots(path: str) -> str:
    """RFC 3986 section 5.2.4 for an absolute path: `/a/./b/../c` -> `/a/c`; never above the root."""
    kept: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    trailing = "/" if segments[-1] in (".", "..") else ""
    return "/" + "/".join(kept) + trailing


@dataclass(frozen=True)
class RefAllowList:
    """What `--allow-remote-refs` allows: http(s) hosts (any port, or one), URL prefixes, and directories
    (or single files) on this machine, all in canonical form. Empty allows nothing."""

    hosts: tuple[tuple[str, int | None], ...] = ()
    url_prefixes: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()  # `file:` URLs of real paths (symlinks resolved)

    def __bool__(self) -> bool:
        return bool(self.hosts or self.url_prefixes or self.paths)

    def allows(self, target: str) -> bool:
        """Whether a canonical target (from canonical_target) may be read."""
        url = target.partition("#")[0]
        if url.startswith("file:"):
            return any(_under(url, path) for path in self.paths)
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
        if any(parts.hostname == host and p in (None, port) for host, p in self.hosts):
            return True
        return any(_under(url, prefix) for prefix in self.url_prefixes)


def _under(url: str, prefix: str) -> bool:
    """`prefix` itself, or below it: `https://h/schemas` allows `https://h/schemas/a.json`, not `.../schemas-x`."""
    return url == prefix or url.startswith(prefix if prefix.endswith("/") else prefix + "/")


def parse_allow_list(values: Sequence[str], *, cwd: str | None = None) -> RefAllowList:
    """`api.example.com`, `127.0.0.1:8123`, `https://api.example.com/schemas/`, `./schemas`, `/srv/specs`;
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
                prefixes.append(_url_entry(entry))
            elif entry.startswith((".", "/", "~")) or os.sep in entry or "/" in entry:
                paths.append(_path_entry(entry, base))
            else:
                hosts.append(_host_entry(entry))
    return RefAllowList(tuple(dict.fromkeys(hosts)), tuple(dict.fromkeys(prefixes)), tuple(dict.fromkeys(paths)))


def _url_entry(entry: str) -> str:
    target = canonical_target(entry, "") if kind_of(entry) == "remote" else None
    if target is None or "#" in entry:
        raise SpecreviewError(f"--allow-remote-refs: {entry!r} is not an http(s) URL prefix")
    return target.partition("#")[0]


def _path_entry(entry: str, base: str) -> str:
    path = os.path.realpath(os.path.join(base, os.path.expanduser(entry)))
    if not os.path.exists(path):
        hint = "" if entry.startswith((".", "/", "~")) else " (for a URL prefix, write https://...)"
        raise SpecreviewError(f"--allow-remote-refs: {entry}: no such file or directory{hint}")
    return Path(path).as_uri()


def _host_entry(entry: str) -> tuple[str, int | None]:
    problem = SpecreviewError(f"--allow-remote-refs: {entry!r} is not a host, host:port, URL or path")
    try:
        parts = urlsplit("//" + entry)
        port = parts.port
    except ValueError:
        raise problem from None
    host = parts.hostname or ""
    if not _HOST.fullmatch(host) or parts.path or parts.query or parts.fragment or parts.username is not None:
        raise problem
    return host, port
