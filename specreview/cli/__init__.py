"""The command line. `main` is the console script; each command module registers itself on `app`."""

from __future__ import annotations

from specreview.cli import baseline, check, diff, probe, redact, review, rules  # noqa: F401 - importing registers the commands
from specreview.cli.app import ExitCode, app

__all__ = ["ExitCode", "app", "main"]


def main() -> None:
    app()
