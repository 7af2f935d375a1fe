"""Fetching a document over http(s): bounded in time, size and redirects, and never echoing header values.

Headers often carry tokens, so no message built here includes a header value, and the headers the user gave
are only sent to the origin (scheme, host, port) of the URL they gave, never to another one a redirect names.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from specreview import __version__
from specreview.errors import DocumentError

if TYPE_CHECKING:
    import ssl

    import httpx  # imported where a request is made: most runs read files, and httpx costs 0.1 s to import

ACCEPT = "application/json, application/yaml;q=0.9, */*;q=0.1"
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
# A slow server that keeps sending a byte now and then never trips the per-read timeout; the whole download
# is therefore also capped, at this many times the timeout.
TOTAL_TIME_FACTOR = 10
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_ANY_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


@dataclass(frozen=True)
class FetchOptions:
    """How to fetch: `timeout` is the seconds allowed to connect and for each read (the whole download gets
    TOTAL_TIME_FACTOR times that); `headers` are (name, value) pairs such as an Authorization token."""

    timeout: float = 10.0
    max_bytes: int = 64 * 1024 * 1024
    max_redirects: int = 5
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # values may be secrets
    verify: bool = True
    ca_bundle: str | None = None


def display_url(url: str) -> str:
    """The URL without its user information (it may hold a password or token), for messages and reports."""
    return _USERINFO.sub(r"\1***@", url, count=1)


def url_scheme(text: str) -> str:
    """The lower-cased scheme of `scheme://...` text, or "" (never raises, unlike urlsplit)."""
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else ""


def size_text(n: int) -> str:
    """A byte count as people write limits: "64 MiB", "1000 bytes"."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


@dataclass(frozen=True)
class Answer:
    """What a server answered to one GET, after redirects: status, media type, body (read only for a 200)."""

    url: str  # the final URL, credentials included: pass it through display_url before showing it
    status: int
    media_type: str  # lower-cased, without parameters: "application/json", "" when not given
    body: bytes
    same_origin: bool  # the final URL has the origin of the URL asked for (and so received the headers)


def fetch(url: str, options: FetchOptions | None = None) -> tuple[bytes, str]:
    """GET a document; returns (body, final URL after redirects, credentials included). Raises DocumentError.

    Anything but a 200 carrying something that can be a JSON or YAML document is an error.
    """
    options = options or FetchOptions()
    source = display_url(url)
    answer = request(url, options)
    if answer.status != 200:
        raise DocumentError(source, _status_reason(answer.status, answer.same_origin, options))
    kind = not_a_document(answer)
    if kind:
        raise DocumentError(source, f"the server sent {kind}, not a JSON or YAML document")
    return answer.body, answer.url


def request(
    url: str, options: FetchOptions | None = None, *, read_body_of: frozenset[int] = frozenset({200})
) -> Answer:
    """GET `url`, following at most `options.max_redirects` http(s) redirects; the body is read (within the
    size and time limits) only when the final status is in `read_body_of`. Raises DocumentError on transport
    failures (timeouts, refused connections, TLS), never for an HTTP status."""
    import httpx

    options = options or FetchOptions()
    source = display_url(url)
    _check_url(url, source, redirected=False)
    headers = _request_headers(options, source)
    plain_headers = _request_headers(FetchOptions(), source)
    deadline = time.monotonic() + TOTAL_TIME_FACTOR * options.timeout
    origin = _origin(url)
    current = url
    try:
        with httpx.Client(verify=_verify(options, source), timeout=options.timeout) as client:
            for _ in range(options.max_redirects + 1):
                same_origin = _origin(current) == origin
                with client.stream("GET", current, headers=headers if same_origin else plain_headers) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = _redirect_target(response.url, location, source)
                        continue
                    status = response.status_code
                    body = _read_body(response, options, source, deadline) if status in read_body_of else b""
                    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Answer(str(response.url), status, media_type, body, same_origin)
            raise DocumentError(source, f"too many redirects (more than {options.max_redirects})")
    except httpx.ConnectTimeout:
        raise DocumentError(source, f"timed out connecting after {options.timeout:g} s") from None
    except httpx.TimeoutException:
        raise DocumentError(source, f"timed out waiting for the server after {options.timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise DocumentError(source, _connect_reason(exc, current)) from None
    except httpx.RemoteProtocolError:
        raise DocumentError(source, "the server closed the connection or sent an invalid HTTP response") from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        # httpx messages may quote a request header, so only the kind of failure is reported.
        raise DocumentError(source, f"request failed ({type(exc).__name__})") from None


# Media types that are never an OpenAPI document; anything else (including text/plain and
# application/octet-stream, which static file servers use for YAML) is left to the parser to judge.
_NOT_DOCUMENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/pdf"}
)
_NOT_DOCUMENT_PREFIXES = ("image/", "audio/", "video/", "font/")


def not_a_document(answer: Answer) -> str:
    """What the answer is when it cannot be a JSON or YAML document ("an HTML page"), else ""."""
    media = answer.media_type
    if media in ("text/html", "application/xhtml+xml") or _looks_like_markup(answer.body):
        return "an HTML page" if media in ("text/html", "application/xhtml+xml", "") else f"markup ({media})"
    if media in _NOT_DOCUMENT_TYPES or media.startswith(_NOT_DOCUMENT_PREFIXES):
        return f"{media} content"
    return ""


def _looks_like_markup(body: bytes) -> bool:
    """An HTML or XML body: YAML would read it as one long string and report something less helpful."""
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body"))


def _check_url(url: str, source: str, *, redirected: bool) -> None:
    import httpx

    match = _ANY_SCHEME.match(url)  # with or without "//": httpx turns "file:///x" into "file:/x"
    scheme = match.group(1).lower() if match else ""
    if scheme not in ("http", "https"):
        if redirected:
            raise DocumentError(source, f"redirected to a {scheme}: URL; only http and https are followed")
        raise DocumentError(source, f"unsupported URL scheme {scheme!r}: only http and https can be fetched")
    try:
        _origin(url)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise DocumentError(source, "redirected to an invalid URL" if redirected else "invalid URL") from None


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or ""), parts.port or (443 if scheme == "https" else 80)


def _request_headers(options: FetchOptions, source: str) -> httpx.Headers:
    import httpx

    headers = httpx.Headers({"Accept": ACCEPT, "User-Agent": f"specreview/{__version__}"})
    for name, value in options.headers:
        if not _HEADER_NAME.fullmatch(name):
            raise DocumentError(source, f"invalid header name {name[:40]!r}")
        if not _HEADER_VALUE.fullmatch(value):
            raise DocumentError(source, f"invalid value for header {name!r} (printable ASCII only)")
        headers[name] = value
    return headers


def _verify(options: FetchOptions, source: str) -> ssl.SSLContext | bool:
    if not options.verify:
        return False
    if options.ca_bundle is None:
        return True
    import ssl  # with httpx, only where a request is made

    try:
        return ssl.create_default_context(cafile=options.ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or "not a PEM certificate bundle"
        raise DocumentError(source, f"cannot use CA bundle {options.ca_bundle}: {reason}") from None


def _redirect_target(current: httpx.URL, location: str, source: str) -> str:
    import httpx

    try:
        target = str(current.join(location))
    except (ValueError, httpx.InvalidURL):
        raise DocumentError(source, "redirected to an invalid URL") from None
    _check_url(target, source, redirected=True)
    return target


def _status_reason(status: int, same_origin: bool, options: FetchOptions) -> str:
    try:
        phrase = f" ({HTTPStatus(status).phrase})"
    except ValueError:
        phrase = ""
    reason = f"the server answered HTTP {status}{phrase}"
    if not same_origin and options.headers and status in (401, 403):
        reason += "; the given headers are not sent after a redirect to another host"
    return reason


def _read_body(response: httpx.Response, options: FetchOptions, source: str, deadline: float) -> bytes:
    too_large = DocumentError(source, f"larger than the size limit of {size_text(options.max_bytes)}")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    # iter_bytes() undoes gzip/deflate, so the cap applies to what is kept in memory, not to what was sent.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > options.max_bytes:
            raise too_large
        if time.monotonic() > deadline:
            raise DocumentError(source, f"download took longer than {TOTAL_TIME_FACTOR * options.timeout:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _connect_reason(exc: httpx.ConnectError, url: str) -> str:
    import socket
    import ssl

    parts = urlsplit(url)
    host = parts.hostname or ""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = cause.verify_message or "certificate not trusted"
            return f"TLS certificate verification failed for {host} ({detail}); {_TLS_HINT}"
        if isinstance(cause, ssl.SSLError):
            return f"TLS handshake with {host} failed ({cause.reason or 'SSL error'}); {_TLS_HINT}"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host {host!r}"
        if isinstance(cause, ConnectionRefusedError):
            return f"connection refused by {host}:{_origin(url)[2]}"
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return f"TLS handshake with {host} failed; {_TLS_HINT}"
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return f"cannot resolve host {host!r}"
    if "refused" in text.lower():
        return f"connection refused by {host}:{_origin(url)[2]}"
    return f"cannot connect to {host}"


_TLS_HINT = "use --ca-bundle FILE for a private CA, or --insecure to skip verification"
