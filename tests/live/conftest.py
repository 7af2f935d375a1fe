"""Servers for the live tests: each FastAPI configuration runs once per session under a real uvicorn."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_support import DOCS_PASSWORD, uvicorn


@pytest.fixture(scope="session")
def docs_on() -> Iterator[str]:
    with uvicorn("live_apps:docs_on") as base:
        yield base


@pytest.fixture(scope="session")
def docs_off() -> Iterator[str]:
    with uvicorn("live_apps:docs_off") as base:
        yield base


@pytest.fixture(scope="session")
def docs_auth() -> Iterator[str]:
    with uvicorn("live_apps:docs_auth", env={"LIVE_DOCS_PASSWORD": DOCS_PASSWORD}) as base:
        yield base


@pytest.fixture(scope="session")
def custom_docs() -> Iterator[str]:
    with uvicorn("live_apps:custom_docs") as base:
        yield base


@pytest.fixture(scope="session")
def limits() -> Iterator[str]:
    with uvicorn("live_apps:limits") as base:
        yield base


@pytest.fixture(scope="session")
def redacted_app() -> Iterator[str]:
    with uvicorn("live_apps:redacted") as base:
        yield base


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("live-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="session")
def tls_docs_on(certificate: tuple[Path, Path]) -> Iterator[str]:
    with uvicorn("live_apps:docs_on", tls=certificate) as base:
        yield base
