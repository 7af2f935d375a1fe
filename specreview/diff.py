"""What a new version of a document exposes that the old one did not, and what it closed.

Compared: operations (method + path), the fields each operation's responses carry (property paths through
`$ref`, `allOf`/`anyOf`/`oneOf`, `items` and `additionalProperties`), servers and their hosts, and the
findings of the rule set, matched by fingerprint (rule, pointer, value hash), so moving, reordering or
reformatting a document changes nothing. A *leak* is a new finding at or above the threshold, or any new
internal-host finding whatever its severity: a new private server is exactly what a diff exists to catch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from specreview.config import Allowances
from specreview.document.fetch import display_url
from specreview.document.model import Document
from specreview.engine import review_document
from specreview.findings import DocumentInfo, Finding, Severity
from specreview.ruleset.model import Rule

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
INTERNAL_HOST = "internal-host"
# Schemas nest without end through recursive $refs; property paths deeper than this are not worth listing.
MAX_FIELD_DEPTH = 8
# Big public documents (Stripe, GitHub) expand to millions of paths through shared components; past this
# many per operation the listing stops helping a reviewer and only costs memory.
MAX_FIELDS_PER_OPERATION = 2000


@dataclass(frozen=True)
class Surface:
    """What a document exposes, as plain comparable sets."""

    operations: frozenset[str]  # "GET /users/{id}"
    response_fields: dict[str, frozenset[str]]  # operation -> {"200 email", "200 profile.phone", ...}
    servers: frozenset[str]
    hosts: frozenset[str]
    # Operations whose fields were cut at MAX_FIELDS_PER_OPERATION: which ones were listed depends on the walk, so
    # comparing them would show fields as added and removed that did not change.
    truncated: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentDiff:
    old: DocumentInfo
    new: DocumentInfo
    leaks: list[Finding]  # new findings at or above the threshold, and every new internal-host finding
    new_findings: list[Finding]  # every new finding (leaks plus milder ones)
    closed: list[Finding]  # findings of OLD that NEW no longer has
    operations: Change
    response_fields: dict[str, Change]  # per operation of NEW whose response fields changed
    servers: Change
    hosts: Change
    threshold: str
    uncompared: list[str] = field(default_factory=list)  # operations with too many response fields to compare

    @property
    def leaks_something(self) -> bool:
        return bool(self.leaks)


def surface(document: Document) -> Surface:
    data = document.data
    resolver = _Resolver(data)
    operations: set[str] = set()
    fields: dict[str, frozenset[str]] = {}
    truncated: set[str] = set()
    for path, method, operation in _operations(data):
        key = f"{method.upper()} {path}"
        operations.add(key)
        fields[key] = frozenset(_response_fields(operation, resolver))
        if len(fields[key]) >= MAX_FIELDS_PER_OPERATION:
            truncated.add(key)
    servers = frozenset(_servers(data))
    hosts = frozenset(h for h in (_host(s) for s in servers) if h)
    return Surface(frozenset(operations), fields, servers, hosts, frozenset(truncated))


def _operations(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield str(path), method, operation


class _Resolver:
    """Follows local `#/...` references only (a remote reference is never fetched)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def resolve(self, node: Any, seen: frozenset[str]) -> tuple[Any, frozenset[str]]:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return None, seen
            seen = seen | {ref}
            target: Any = self.data
            for token in ref[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and token in target:
                    target = target[token]
                elif isinstance(target, list) and token.isdigit() and int(token) < len(target):
                    target = target[int(token)]
                else:
                    return None, seen
            node = target
        return node, seen


def _response_fields(operation: dict[str, Any], resolver: _Resolver) -> set[str]:
    found: set[str] = set()
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return found
    for status, response in responses.items():
        if str(status).startswith("x-"):  # a vendor extension, not a status code
            continue
        response, seen = resolver.resolve(response, frozenset())
        if not isinstance(response, dict):
            continue
        schemas = []
        if isinstance(response.get("schema"), dict):  # Swagger 2.0
            schemas.append(response["schema"])
        content = response.get("content")
        if isinstance(content, dict):
            schemas += [
                m["schema"] for m in content.values() if isinstance(m, dict) and isinstance(m.get("schema"), dict)
            ]
        for schema in schemas:
            for name in _schema_fields(schema, resolver, seen, "", 0):
                found.add(f"{status} {name}")
                if len(found) >= MAX_FIELDS_PER_OPERATION:
                    return found
    return found


def _schema_fields(schema: Any, resolver: _Resolver, seen: frozenset[str], prefix: str, depth: int) -> Iterator[str]:
    schema, seen = resolver.resolve(schema, seen)
    if not isinstance(schema, dict) or depth > MAX_FIELD_DEPTH:
        return
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            path = f"{prefix}{name}"
            yield path
            yield from _schema_fields(sub, resolver, seen, path + ".", depth + 1)
    for keyword in ("allOf", "anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            for branch in branches:
                yield from _schema_fields(branch, resolver, seen, prefix, depth + 1)
    if isinstance(schema.get("items"), dict):
        yield from _schema_fields(
            schema["items"], resolver, seen, prefix.rstrip(".") + "[]." if prefix else "[].", depth + 1
        )
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _schema_fields(schema["additionalProperties"], resolver, seen, prefix + "*.", depth + 1)


def _servers(data: dict[str, Any]) -> Iterator[str]:
    if "swagger" in data and isinstance(data.get("host"), str):
        schemes = data.get("schemes") if isinstance(data.get("schemes"), list) else ["https"]
        base = data.get("basePath") if isinstance(data.get("basePath"), str) else ""
        for scheme in schemes:
            yield _safe_url(f"{scheme}://{data['host']}{base}")
    holders: list[Any] = [data]
    paths = data.get("paths")
    if isinstance(paths, dict):
        for item in paths.values():
            if isinstance(item, dict):
                holders.append(item)
                holders += [item.get(m) for m in HTTP_METHODS if isinstance(item.get(m), dict)]
    for holder in holders:
        servers = holder.get("servers") if isinstance(holder, dict) else None
        if isinstance(servers, list):
            for server in servers:
                if isinstance(server, dict) and isinstance(server.get("url"), str):
                    yield _safe_url(server["url"])


def _safe_url(url: str) -> str:
    """A server URL fit for a report: no user information and no query (either may carry a credential)."""
    try:
        parts = urlsplit(display_url(url.strip()))
    except ValueError:
        return display_url(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _multiset_difference(items: Sequence[Finding], other: Sequence[Finding]) -> list[Finding]:
    """Findings of `items` not matched (by fingerprint, counting duplicates) in `other`."""
    remaining = Counter(f.fingerprint for f in other)
    out = []
    for finding in items:
        if remaining[finding.fingerprint]:
            remaining[finding.fingerprint] -= 1
        else:
            out.append(finding)
    return out


def _change(old: frozenset[str], new: frozenset[str]) -> Change:
    return Change(added=sorted(new - old), removed=sorted(old - new))


def is_leak(finding: Finding, threshold: str) -> bool:
    """Whether a new finding makes the diff fail: at or above `threshold`, or any internal host ("never": none)."""
    if threshold == "never":
        return False
    return finding.category == INTERNAL_HOST or finding.severity.at_least(Severity(threshold))


def diff_documents(
    old: Document,
    new: Document,
    rules: Sequence[Rule],
    allow: Allowances | None = None,
    threshold: str = "error",
) -> DocumentDiff:
    """Compare two versions of one API. `threshold` (error, warning, info, never) decides what counts as a leak."""
    old_findings = [r.finding for r in review_document(old, rules, allow)]
    new_findings = [r.finding for r in review_document(new, rules, allow)]
    added = sorted(_multiset_difference(new_findings, old_findings), key=Finding.sort_key)
    closed = sorted(_multiset_difference(old_findings, new_findings), key=Finding.sort_key)
    leaks = [f for f in added if is_leak(f, threshold)]
    before, after = surface(old), surface(new)
    fields: dict[str, Change] = {}
    # Only operations NEW has: the fields of a removed operation are closed with it, listing them is noise.
    uncompared = sorted(after.operations & (before.truncated | after.truncated))
    for operation in sorted(after.operations - set(uncompared)):
        change = _change(
            before.response_fields.get(operation, frozenset()), after.response_fields.get(operation, frozenset())
        )
        if change.added or change.removed:
            fields[operation] = change
    return DocumentDiff(
        old=DocumentInfo(old.source, old.version, old.title),
        new=DocumentInfo(new.source, new.version, new.title),
        leaks=leaks,
        new_findings=added,
        closed=closed,
        operations=_change(before.operations, after.operations),
        response_fields=fields,
        servers=_change(before.servers, after.servers),
        hosts=_change(before.hosts, after.hosts),
        threshold=threshold,
        uncompared=uncompared,
    )
