"""Helpers for the live tests: uvicorn on 127.0.0.1 free ports, a self-signed certificate, and running the
installed `specreview` command as a subprocess."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from uvicorn_process import free_port, uvicorn_server
from uvicorn_process import server_env as clean_env

__all__ = ["DOCS_PASSWORD", "Run", "assert_one_line_error", "free_port", "get", "specreview", "uvicorn"]

HERE = Path(__file__).resolve().parent
# The docs password of the basic-auth app (given to it through the environment; see live_apps.py).
DOCS_PASSWORD = "correct-horse-battery-staple"
SPECREVIEW = str(Path(sys.executable).with_name("specreview"))


@contextlib.contextmanager
def uvicorn(app: str, *, tls: tuple[Path, Path] | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """`uvicorn live_apps:<app>` on a free port; yields the base URL once the server accepts connections."""
    with uvicorn_server(app, HERE, tls=tls, env=env) as base:
        yield base


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
