"""Helpers for the live tests: uvicorn on 127.0.0.1 free ports, a self-signed certificate, and running the
installed `specreview` command as a subprocess."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
# The docs password of the basic-auth app (given to it through the environment; see live_apps.py).
DOCS_PASSWORD = "correct-horse-battery-staple"
SPECREVIEW = str(Path(sys.executable).with_name("specreview"))
# Proxies would route 127.0.0.1 requests elsewhere; the tests talk to their own servers only.
_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARIABLES}
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


@contextlib.contextmanager
def uvicorn(app: str, *, tls: tuple[Path, Path] | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """`uvicorn live_apps:<app>` on a free port; yields the base URL once the server accepts connections."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--app-dir", str(HERE), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--timeout-graceful-shutdown", "1"]
    if tls is not None:
        command += ["--ssl-certfile", str(tls[0]), "--ssl-keyfile", str(tls[1])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=clean_env(**(env or {})))
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
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
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def specreview(args: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run the installed console script, as a user would."""
    done = subprocess.run(
        [SPECREVIEW, *args], capture_output=True, text=True, env=clean_env(**(env or {})), cwd=cwd, timeout=120
    )
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(run: Run, *fragments: str) -> None:
    """Exit 2, one `specreview: error:` line on stderr, nothing on stdout, no traceback."""
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("specreview: error: "), run.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def get(url: str, **kwargs: object) -> httpx.Response:
    return httpx.get(url, timeout=10, trust_env=False, **kwargs)  # type: ignore[arg-type]
