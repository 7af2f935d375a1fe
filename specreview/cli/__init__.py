"""The command line. `main` is the console script; each command module registers itself on `app`."""

from __future__ import annotations

import sys

from specreview.cli import baseline, check, diff, probe, redact, review, rules  # noqa: F401 - importing registers the commands
from specreview.cli.app import ExitCode, app
from specreview.lifetime import end_without_teardown, exit_process

__all__ = ["ExitCode", "app", "main"]


def main() -> None:
    end_without_teardown()
    exit_process(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run the CLI and return its exit code. A usage error (an unknown option, `--format xml`) is one line on
    stderr and exit 2, like every other error, rather than click's framed usage box."""
    try:
        code = app(args=args, prog_name="specreview", standalone_mode=False)
    except Exception as exc:
        # click's UsageError (vendored by newer typer, imported from click by older): recognised by what it
        # offers, since its module path differs between the typer versions we support.
        message = getattr(exc, "format_message", None)
        if getattr(exc, "exit_code", None) != ExitCode.ERROR or message is None:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":  # `specreview` alone: the help, as before
            exc.show()  # type: ignore[attr-defined]
            return ExitCode.ERROR
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        text = " ".join(message().split()).replace("Value error, ", "")
        print(f"specreview: error: {text}{hint}", file=sys.stderr)
        return ExitCode.ERROR
    return code if isinstance(code, int) else ExitCode.OK
