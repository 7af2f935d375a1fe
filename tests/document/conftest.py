"""Fixtures for document tests: real HTTP(S) servers on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from document_servers import Server, start, stop

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def http_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    running = start()
    yield running[0]
    stop(*running)


@pytest.fixture
def second_server(http_server: Server) -> Iterator[Server]:
    """Another origin (a different port), for cross-origin redirects; proxies are cleared by http_server."""
    running = start()
    yield running[0]
    stop(*running)


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_server(self_signed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    running = start(context)
    yield running[0]
    stop(*running)
