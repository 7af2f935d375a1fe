"""The typer application, the exit codes, and what every command shares (options, error handling, setup).

Each command lives in its own module beside this one and registers itself on `app`; only the CLI prints or
exits. Every user-caused failure is a SpecreviewError: one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from enum import Enum, IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from specreview import __version__
from specreview.errors import SpecreviewError
from specreview.gc_pause import gc_paused

if TYPE_CHECKING:
    from specreview.config import Config
    from specreview.document.fetch import FetchOptions
    from specreview.document.ref_allow import RefAllowList
    from specreview.ruleset.model import Rule

F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on (or, for diff, something new leaks)
    ERROR = 2  # usage error, unreadable document, rule or config file, unsafe output


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


app = typer.Typer(
    name="specreview",
    help="Review and redact OpenAPI documents before they go public.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str) -> typer.Exit:
    typer.echo(f"specreview: error: {message}", err=True)
    return typer.Exit(ExitCode.ERROR)


def handles_errors(func: F) -> F:
    """Turn SpecreviewError (and, as a last resort, any bug) into one line and exit 2.

    A command runs with the cyclic garbage collector paused: it builds millions of objects that live until it
    ends (the document, its indexes, the report) and almost no cycles, so every collection would only walk
    them again. On a 47 MB description the collector's passes over the report and the output took 2 s.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with gc_paused():
                return func(*args, **kwargs)
        except SpecreviewError as exc:
            raise fail(str(exc)) from None
        except (typer.Exit, typer.Abort, SystemExit, BrokenPipeError):
            raise  # a closed pipe (`specreview rules | head -1`): typer exits quietly
        except KeyboardInterrupt:
            raise fail("interrupted") from None
        except Exception as exc:  # a bug: one line; SPECREVIEW_DEBUG=1 shows the traceback
            if os.environ.get("SPECREVIEW_DEBUG"):
                raise
            raise fail(f"internal error ({type(exc).__name__}: {exc}); please report it") from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"specreview {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Review and redact OpenAPI documents before they go public."""


# ---- options shared by several commands ---------------------------------------------------------------
RulesDirOpt = Annotated[list[Path], typer.Option("--rules-dir", help="Extra directory of rule files.")]
OutputOpt = Annotated[
    list[str],
    typer.Option("--output", "-o", help="Write the --format report to PATH, or another report to FORMAT:PATH."),
]
ConfigOpt = Annotated[
    str | None, typer.Option("--config", help="Config file (default: specreview.yaml or pyproject.toml).")
]
HeaderOpt = Annotated[list[str], typer.Option("--header", "-H", help="HTTP header for URLs, 'Name: value'.")]
_HEADER_ENV_HELP = "HTTP header for URLs, 'Name:ENVVAR': the value is read from that environment variable."
HeaderEnvOpt = Annotated[list[str], typer.Option("--header-env", help=_HEADER_ENV_HELP)]
CaBundleOpt = Annotated[
    Path | None, typer.Option("--ca-bundle", help="PEM file of CA certificates to trust for https URLs.")
]
InsecureOpt = Annotated[bool, typer.Option("--insecure", help="Do not verify TLS certificates (not recommended).")]
TimeoutOpt = Annotated[float, typer.Option(help="Seconds to wait for a URL.")]
MaxBytesOpt = Annotated[int, typer.Option(help="Largest document accepted, in bytes.")]
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_ALLOW_REFS_HELP = (
    "Read external $refs whose target is under ENTRY: a host, host:port, URL prefix or local directory "
    "(repeatable, or comma-separated). Without it no $ref target is ever fetched or read."
)
AllowRefsOpt = Annotated[list[str], typer.Option("--allow-remote-refs", metavar="ENTRY", help=_ALLOW_REFS_HELP)]


def parse_headers(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`Name: value` pairs; the value is never echoed back, even in an error."""
    headers = []
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise SpecreviewError("--header takes 'Name: value' (no colon found)")
        headers.append((name.strip(), content.strip()))
    return tuple(headers)


def setup(config_path: str | None, rules_dirs: Sequence[Path]) -> tuple[Config, list[Rule]]:
    """The configuration and the rules it selects: loaded, and validated, before any document is read."""
    from specreview.config import load_config
    from specreview.ruleset.load import load_rules

    config = load_config(config_path)
    rules = config.apply(load_rules([*config.rule_dirs, *rules_dirs]))
    return config, rules


def read_files(config: Config, rules: Sequence[Rule], *others: str | None) -> list[str]:
    """The files a run reads besides its documents (the configuration, rule files and their vocabularies, and
    `others` such as a baseline), which no report may be written over: `-o specreview.yaml` must not
    replace the configuration the next run needs."""
    from specreview.ruleset.load import VOCABULARY_FILE

    files = [str(config.path)] if config.path is not None else []
    directories = {Path(rule.origin).parent for rule in rules}
    files += [rule.origin for rule in rules]
    files += [str(d / VOCABULARY_FILE) for d in sorted(directories) if (d / VOCABULARY_FILE).is_file()]
    files += [other for other in others if other]
    return files


def header_from_env(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`Name:ENVVAR` pairs -> (Name, value of $ENVVAR); errors name the variable, never its value."""
    headers = []
    for value in values:
        name, sep, variable = value.partition(":")
        name, variable = name.strip(), variable.strip()
        if not sep or not name or not variable:
            raise SpecreviewError("--header-env takes 'Name:ENVVAR', e.g. 'Authorization:API_TOKEN'")
        content = os.environ.get(variable)
        if content is None:
            raise SpecreviewError(f"--header-env {name}: environment variable {variable} is not set")
        headers.append((name, content.strip()))
    return tuple(headers)


def ref_allow_list(values: Sequence[str]) -> RefAllowList | None:
    """The --allow-remote-refs entries (paths relative to the working directory); None when there are none."""
    if not values:
        return None
    from specreview.document.ref_allow import parse_allow_list

    return parse_allow_list(values)


def fetch_options(
    headers: Sequence[str],
    timeout: float,
    max_bytes: int,
    header_env: Sequence[str] = (),
    ca_bundle: Path | None = None,
    insecure: bool = False,
) -> FetchOptions:
    """The fetch settings the shared options describe; bad values are usage errors (exit 2)."""
    from specreview.document.fetch import FetchOptions

    if timeout <= 0:
        raise SpecreviewError("--timeout must be a positive number of seconds")
    if max_bytes <= 0:
        raise SpecreviewError("--max-bytes must be a positive number")
    if insecure and ca_bundle is not None:
        raise SpecreviewError("--insecure and --ca-bundle contradict each other: give one")
    if ca_bundle is not None and not ca_bundle.is_file():
        raise SpecreviewError(f"--ca-bundle {ca_bundle}: no such file")
    return FetchOptions(
        timeout=timeout,
        max_bytes=max_bytes,
        headers=parse_headers(headers) + header_from_env(header_env),
        verify=not insecure,
        ca_bundle=str(ca_bundle) if ca_bundle is not None else None,
    )
