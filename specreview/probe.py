"""`specreview probe BASE_URL`: is a running service's API documentation reachable without credentials?

Each well-known docs path is requested with no credentials at all. An answer counts as exposure only when its
content is what the path promises (a Swagger UI or ReDoc page, an OpenAPI description): single-page apps and
login gateways answer 200 to every path, and reporting those would bury the real exposures. The description
found (or the one the docs page loads) is then reviewed like any other document.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from specreview.document.fetch import Answer, FetchOptions, display_url, not_a_document, request
from specreview.document.load import parse_document
from specreview.document.model import Document
from specreview.errors import DocumentError, SpecreviewError
from specreview.findings import Finding, Severity, hash_value
from specreview.probe_settings import SEVERITY, Environment
from specreview.ruleset.model import Docs, Match, Rule, Where

DEFAULT_PATHS = ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect")
RULE_ID = "docs-exposure"
CATEGORY = "docs-exposure"


# What each kind of docs page contains, whatever path it is served at (FastAPI's, and the common others).
_PAGE_SIGNATURES: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    ("Swagger UI", re.compile(rb"SwaggerUIBundle|swagger-ui\.css|id=[\"']swagger-ui[\"']", re.I)),
    ("Swagger UI OAuth2 redirect page", re.compile(rb"swaggerUIRedirectOauth2", re.I)),
    ("ReDoc", re.compile(rb"<redoc[\s>]|redoc\.standalone|Redoc\.init", re.I)),
    ("RapiDoc", re.compile(rb"<rapi-doc[\s>]", re.I)),
    ("Scalar API reference", re.compile(rb"@scalar/api-reference|id=[\"']api-reference[\"']", re.I)),
    ("Stoplight Elements", re.compile(rb"<elements-api[\s>]", re.I)),
)
# Where a docs page says its description lives: Swagger UI's `url: '...'`, ReDoc's `spec-url="..."`.
_SPEC_REFERENCES = (
    re.compile(rb"""\burl\s*:\s*['"]([^'"\s]{1,500})['"]"""),
    re.compile(rb"""spec-url\s*=\s*['"]([^'"\s]{1,500})['"]"""),
    re.compile(rb"""data-url\s*=\s*['"]([^'"\s]{1,500})['"]"""),
)


@dataclass(frozen=True)
class Exposure:
    """One path that answered without credentials with documentation."""

    path: str
    url: str  # display form (no user information)
    kind: str  # "Swagger UI", "ReDoc", "OpenAPI description", ...
    status: int


@dataclass
class ProbeResult:
    base_url: str  # display form
    exposures: list[Exposure] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # path -> HTTP status, for every path asked
    document: Document | None = None  # the description found (publicly, or with the given headers)
    document_public: bool = False


def probe(
    base_url: str,
    options: FetchOptions,
    extra_paths: Sequence[str] = (),
    review_headers: tuple[tuple[str, str], ...] = (),
) -> ProbeResult:
    """Ask every docs path without credentials; then find the description to review.

    `review_headers` are used for one thing only: fetching the description for review when it is not public.
    Transport failures (refused, timeout, TLS) raise DocumentError: a probe that could not ask cannot conclude.
    """
    base = _base(base_url)
    anonymous = dataclasses.replace(options, headers=())
    result = ProbeResult(display_url(base))
    referenced: list[str] = []
    description: tuple[str, bytes] | None = None
    for path in dict.fromkeys((*DEFAULT_PATHS, *extra_paths)):
        url = _join(base, path)
        answer = request(url, anonymous)
        result.answers[path] = answer.status
        if answer.status != 200:
            continue
        document = _as_document(answer)
        if document is not None:
            result.exposures.append(Exposure(path, display_url(url), "OpenAPI description", answer.status))
            description = description or (url, answer.body)
            continue
        kind = _page_kind(answer.body)
        if kind is not None:
            result.exposures.append(Exposure(path, display_url(url), kind, answer.status))
            referenced += [ref for ref in _spec_references(answer.body, answer.url) if _same_origin(ref, base)]
        elif path not in DEFAULT_PATHS:
            # The user named this path as one that must not be public: any 200 answer is reported.
            result.exposures.append(Exposure(path, display_url(url), "page", answer.status))
    if description is None:
        for url in dict.fromkeys(referenced):
            answer = request(url, anonymous)
            document = _as_document(answer) if answer.status == 200 else None
            if document is not None:
                path = urlsplit(url).path or "/"
                result.exposures.append(Exposure(path, display_url(url), "OpenAPI description", answer.status))
                description = (url, answer.body)
                break
    if description is not None:
        result.document = parse_document(description[1], display_url(description[0]))
        result.document_public = True
    elif review_headers:
        result.document = _fetch_with_headers(
            base, referenced, extra_paths, dataclasses.replace(options, headers=review_headers)
        )
    return result


def exposure_findings(result: ProbeResult, env: Environment) -> list[Finding]:
    severity = SEVERITY[env]
    return [
        Finding(
            rule=RULE_ID,
            category=CATEGORY,
            severity=severity,
            pointer="",
            message=f"{e.kind} is reachable without credentials at {e.path} (HTTP {e.status})",
            source=result.base_url,
            value_hash=hash_value(e.path, secret=False),  # one fingerprint per path: the pointer is the same for all
        )
        for e in result.exposures
    ]


def _fetch_with_headers(
    base: str, referenced: Iterable[str], extra_paths: Iterable[str], options: FetchOptions
) -> Document | None:
    for url in dict.fromkeys((*referenced, _join(base, "/openapi.json"), *(_join(base, p) for p in extra_paths))):
        answer = request(url, options)
        if answer.status == 200 and _as_document(answer) is not None:
            return parse_document(answer.body, display_url(url))
    return None


def _base(base_url: str) -> str:
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:  # `http://[::1` (an unclosed IPv6 address), `http://host:port`
        raise SpecreviewError(f"{display_url(base_url)}: invalid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise SpecreviewError(f"{display_url(base_url)}: probe takes an http(s) base URL, e.g. https://api.example.com")
    if parts.query or parts.fragment:
        raise SpecreviewError(f"{display_url(base_url)}: give the base URL without a query or fragment")
    return base_url.rstrip("/")


def _join(base: str, path: str) -> str:
    """The base keeps its own path prefix: https://host/api + /docs -> https://host/api/docs."""
    return base + "/" + path.lstrip("/")


def _same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())


def _as_document(answer: Answer) -> Document | None:
    if not answer.body or not_a_document(answer):
        return None
    try:
        return parse_document(answer.body, display_url(answer.url))
    except (DocumentError, RecursionError):
        return None


def _page_kind(body: bytes) -> str | None:
    head = body[:200_000]
    return next((kind for kind, signature in _PAGE_SIGNATURES if signature.search(head)), None)


def _spec_references(body: bytes, page_url: str) -> list[str]:
    found = []
    for pattern in _SPEC_REFERENCES:
        for match in pattern.finditer(body[:200_000]):
            try:
                reference = match.group(1).decode("ascii")
            except UnicodeDecodeError:
                continue
            target = urljoin(page_url, reference)
            if urlsplit(target).scheme in ("http", "https"):
                found.append(target)
    return found


DOCS_EXPOSURE_RULE = Rule(
    id=RULE_ID,
    category=CATEGORY,
    severity=Severity.ERROR,
    summary="Interactive API docs or the raw OpenAPI description answer without credentials",
    message="{kind} is reachable without credentials at {path}",
    docs=Docs(
        what="Requests /docs, /redoc, /openapi.json and /docs/oauth2-redirect (and configured paths) of a running "
        "service without credentials, and reports each that serves documentation.",
        why="FastAPI serves Swagger UI, ReDoc and the full description in every environment by default. A public "
        "description is a map of the attack surface: every route, parameter and schema, internal ones included.",
        fix="In production create the app with `FastAPI(docs_url=None, redoc_url=None, openapi_url=None)` (e.g. "
        "from a setting), or serve the docs behind authentication; if they are public on purpose, run the probe "
        "with `--expect public` and publish a redacted description (`specreview.fastapi.serve_redacted`).",
        references=("https://fastapi.tiangolo.com/how-to/conditional-openapi/",),
    ),
    given=(),
    selectors=(),
    match=Match(on="node"),
    where=Where(),
    redact="none",
    cwe=("CWE-200",),
    owasp=("API8:2023 - Security Misconfiguration", "API9:2023 - Improper Inventory Management"),
    origin="specreview/probe.py",
)
