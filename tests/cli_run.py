"""Running the installed `specreview` command the way a user does, for tests that need a real process (exit
codes, stderr, nothing but what the command itself opens). Proxies are cleared: a request routed to a proxy
would never reach the tests' local listeners, and "no connection was made" would pass for the wrong reason."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def command() -> list[str]:
    exe = shutil.which("specreview", path=str(Path(sys.executable).parent)) or shutil.which("specreview")
    return [exe] if exe else [sys.executable, "-m", "specreview"]


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES and k != "SPECREVIEW_DEBUG"}
    return {**env, "NO_COLOR": "1", "NO_PROXY": "*"}


def run(
    *args: str, cwd: Path | None = None, timeout: float = 120, argv: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`specreview ARGS...` (or `argv` instead of the command); text output, a hang guard, never a shell."""
    return subprocess.run(
        [*(argv or command()), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str], *codes: int) -> None:
    """The documented exit codes only, and never a traceback on either stream."""
    assert result.returncode in (codes or (0, 1, 2)), (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr[-2000:]
