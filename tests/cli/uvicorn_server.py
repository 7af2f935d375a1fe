"""Run a sample FastAPI app under a real uvicorn server on 127.0.0.1 (a free port) for end-to-end tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from uvicorn_process import free_port, uvicorn_server

__all__ = ["free_port", "serve"]


@contextlib.contextmanager
def serve(app_dir: Path, app: str, timeout: float = 20.0) -> Iterator[str]:
    """Start `uvicorn app` as a subprocess and yield its base URL once it accepts connections."""
    with uvicorn_server(app, app_dir, timeout=timeout) as base:
        yield base
