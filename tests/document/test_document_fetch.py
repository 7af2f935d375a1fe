"""fetch and load_document over http(s), against real servers on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from document_servers import Route, Server, send

from specreview.document.fetch import ACCEPT, FetchOptions, display_url, fetch
from specreview.document.load import load_document
from specreview.errors import DocumentError

SPEC = b'{"openapi": "3.1.0", "info": {"title": "Remote", "version": "1"}, "paths": {}}'
SECRET = "s3cr3t-t0ken-value"
OPTIONS = FetchOptions(timeout=2.0, headers=(("Authorization", f"Bearer {SECRET}"), ("X-Api-Key", SECRET)))


def spec(request: BaseHTTPRequestHandler, server: Server) -> None:
    send(request, 200, SPEC)


def redirect_to(location: str, status: int = 302) -> Route:
    def route(request: BaseHTTPRequestHandler, server: Server) -> None:
        send(request, status, headers={"Location": location, "Content-Length": "0"})

    return route


def fetch_error(url: str, options: FetchOptions = OPTIONS) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        fetch(url, options)
    assert SECRET not in str(info.value)
    return info.value


def test_fetch_sends_accept_and_given_headers(http_server: Server) -> None:
    http_server.routes["/spec.json"] = spec
    body, final = fetch(http_server.url + "/spec.json", OPTIONS)
    assert body == SPEC
    assert final == http_server.url + "/spec.json"
    received = http_server.received[0]
    assert received["accept"] == ACCEPT
    assert received["authorization"] == f"Bearer {SECRET}"
    assert received["x-api-key"] == SECRET
    assert received["user-agent"].startswith("specreview/")


def test_load_document_from_url(http_server: Server) -> None:
    http_server.routes["/spec.json"] = spec
    doc = load_document(http_server.url + "/spec.json", fetch_options=OPTIONS)
    assert doc.title == "Remote"
    assert doc.source == http_server.url + "/spec.json"
    assert doc.path is None


def test_redirects_are_followed(http_server: Server) -> None:
    http_server.routes["/old"] = redirect_to("/spec.json", 301)
    http_server.routes["/spec.json"] = spec
    body, final = fetch(http_server.url + "/old", OPTIONS)
    assert body == SPEC and final.endswith("/spec.json")


def test_headers_are_not_sent_to_another_origin(http_server: Server, second_server: Server) -> None:
    http_server.routes["/old"] = redirect_to(second_server.url + "/spec.json")
    second_server.routes["/spec.json"] = spec
    body, _ = fetch(http_server.url + "/old", OPTIONS)
    assert body == SPEC
    assert "authorization" in http_server.received[0]
    assert "authorization" not in second_server.received[0]
    assert "x-api-key" not in second_server.received[0]


def test_slow_server_times_out(http_server: Server) -> None:
    def slow(request: BaseHTTPRequestHandler, server: Server) -> None:
        server.release.wait(10)

    http_server.routes["/slow"] = slow
    started = time.monotonic()
    error = fetch_error(http_server.url + "/slow", FetchOptions(timeout=0.3, headers=OPTIONS.headers))
    assert time.monotonic() - started < 3
    assert error.reason == "timed out waiting for the server after 0.3 s"


def test_dripping_server_hits_the_total_time_limit(http_server: Server) -> None:
    def drip(request: BaseHTTPRequestHandler, server: Server) -> None:
        send(request, 200, headers={"Content-Length": "1000"})
        for _ in range(100):
            request.wfile.write(b" ")
            request.wfile.flush()
            if server.release.wait(0.05):
                return

    http_server.routes["/drip"] = drip
    started = time.monotonic()
    error = fetch_error(http_server.url + "/drip", FetchOptions(timeout=0.1))
    assert "download took longer than 1 s" in error.reason
    assert time.monotonic() - started < 4


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-content-length"])
def test_oversized_body(http_server: Server, declared: bool) -> None:
    def big(request: BaseHTTPRequestHandler, server: Server) -> None:
        body = b"x" * 5000
        send(request, 200, body, {"Content-Length": str(len(body))} if declared else {"Connection": "close"})

    http_server.routes["/big"] = big
    error = fetch_error(http_server.url + "/big", FetchOptions(max_bytes=1000))
    assert error.reason == "larger than the size limit of 1,000 bytes"


def test_load_document_applies_its_size_cap_to_urls(http_server: Server) -> None:
    http_server.routes["/spec.json"] = spec
    with pytest.raises(DocumentError, match="size limit of 10 bytes"):
        load_document(http_server.url + "/spec.json", max_bytes=10)


def test_redirect_loop(http_server: Server) -> None:
    http_server.routes["/loop"] = redirect_to("/loop")
    assert fetch_error(http_server.url + "/loop").reason == "too many redirects (more than 5)"
    assert len(http_server.received) == 6


def test_redirect_to_file_url_is_refused(http_server: Server) -> None:
    http_server.routes["/evil"] = redirect_to("file:///etc/passwd")
    error = fetch_error(http_server.url + "/evil")
    assert error.reason == "redirected to a file: URL; only http and https are followed"


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "Not Found"), (500, "Internal Server Error"), (204, "No Content")]
)
def test_non_200_status(http_server: Server, status: int, phrase: str) -> None:
    http_server.routes["/x"] = lambda request, server: send(request, status, b"")
    assert fetch_error(http_server.url + "/x").reason == f"the server answered HTTP {status} ({phrase})"


def test_unknown_route_is_404(http_server: Server) -> None:
    error = fetch_error(http_server.url + "/missing")
    assert "404" in error.reason
    assert error.source == http_server.url + "/missing"


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/spec.json")
    assert error.reason == f"connection refused by 127.0.0.1:{port}"


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: resolving a real name would ask a DNS server outside this machine.
    def no_such_host(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    error = fetch_error("http://no-such-host.invalid/spec.json")
    assert error.reason == "cannot resolve host 'no-such-host.invalid'"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/spec.json", "file:///etc/passwd", "gopher://x"])
def test_unsupported_scheme(url: str) -> None:
    assert "unsupported URL scheme" in fetch_error(url).reason


def test_invalid_header_value_is_not_echoed() -> None:
    options = FetchOptions(headers=(("X-Token", SECRET + "\r\nInjected: 1"),))
    error = fetch_error("http://127.0.0.1:9/spec.json", options)
    assert error.reason == "invalid value for header 'X-Token' (printable ASCII only)"


def test_options_repr_hides_header_values() -> None:
    assert SECRET not in repr(OPTIONS)


def test_display_url_hides_credentials() -> None:
    assert display_url("https://user:pw@example.com:8443/a?b=1") == "https://***@example.com:8443/a?b=1"
    assert display_url("https://token@example.com/a") == "https://***@example.com/a"
    assert display_url("https://example.com/a") == "https://example.com/a"


def test_tls_failure_suggests_ca_bundle_or_insecure(https_server: Server) -> None:
    https_server.routes["/spec.json"] = spec
    error = fetch_error(https_server.url + "/spec.json")
    assert error.reason.startswith("TLS certificate verification failed for 127.0.0.1")
    assert "--ca-bundle" in error.reason and "--insecure" in error.reason


def test_tls_with_ca_bundle(https_server: Server, self_signed: tuple[Path, Path]) -> None:
    https_server.routes["/spec.json"] = spec
    body, _ = fetch(https_server.url + "/spec.json", FetchOptions(ca_bundle=str(self_signed[0])))
    assert body == SPEC


def test_tls_insecure(https_server: Server) -> None:
    https_server.routes["/spec.json"] = spec
    body, _ = fetch(https_server.url + "/spec.json", FetchOptions(verify=False))
    assert body == SPEC


def test_missing_ca_bundle(tmp_path: Path) -> None:
    error = fetch_error("https://127.0.0.1:9/x", FetchOptions(ca_bundle=str(tmp_path / "nope.pem")))
    assert error.reason.startswith("cannot use CA bundle")


@pytest.mark.parametrize("url", ["http://[::1/spec", "http://127.0.0.1:99999/spec", "http://user:pw@[bad/x"])
def test_invalid_urls(url: str) -> None:
    error = fetch_error(url)
    assert error.reason == "invalid URL"
    assert "pw" not in str(error)


def test_redirect_to_invalid_url(http_server: Server) -> None:
    http_server.routes["/bad"] = redirect_to("http://[::1/x")  # httpx itself rejects the response
    assert "invalid HTTP response" in fetch_error(http_server.url + "/bad").reason


def test_review_and_baseline_trust_the_ca_bundle_the_tls_error_names(
    https_server: Server, self_signed: tuple[Path, Path], tmp_path: Path
) -> None:
    from cli_run import assert_clean_exit, run

    https_server.routes["/spec.json"] = spec
    (tmp_path / "specreview.yaml").write_text(f"targets: ['{https_server.url}/spec.json']\n", encoding="utf-8")
    refused = run("review", cwd=tmp_path)
    assert_clean_exit(refused, 2)
    assert "--ca-bundle" in refused.stderr
    trusted = run("review", "--ca-bundle", str(self_signed[0]), cwd=tmp_path)
    assert_clean_exit(trusted, 0)
    made = run("baseline", "--ca-bundle", str(self_signed[0]), "-o", "b.json", cwd=tmp_path)
    assert_clean_exit(made, 0)
    assert (tmp_path / "b.json").is_file()
