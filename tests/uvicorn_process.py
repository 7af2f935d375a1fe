"""A real uvicorn server on a free 127.0.0.1 port, for every test that talks to a running FastAPI app."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# Proxies would route 127.0.0.1 requests elsewhere; the tests talk to their own servers only.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


@contextlib.contextmanager
def uvicorn_server(
    app: str,
    app_dir: Path,
    *,
    tls: tuple[Path, Path] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """`uvicorn <app>` imported from `app_dir`; yields the base URL once the server accepts connections."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--app-dir", str(app_dir), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--timeout-graceful-shutdown", "1"]
    if tls is not None:
        command += ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=server_env(**(env or {})))
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"uvicorn exited: {output}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start in time") from None
                time.sleep(0.1)
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
