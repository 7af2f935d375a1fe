"""The shared fetch options as usage errors (in-process: no server or subprocess is needed to judge them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from specreview.cli import app
from specreview.cli.app import fetch_options, header_from_env
from specreview.errors import SpecreviewError


def usage_error(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("command", ["check", "redact", "probe", "baseline", "review"])
def test_every_fetching_command_offers_the_tls_and_header_options(command: str) -> None:
    # A TLS failure tells the user to give --ca-bundle or --insecure: every command that fetches must take them.
    # `review` reads each target's headers from the config, where they belong to one host.
    help_text = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
    header = () if command == "review" else ("--header-env",)
    for option in (*header, "--ca-bundle", "--insecure", "--timeout", "--max-bytes"):
        assert option in help_text, (command, option)


def test_header_env_reads_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_TOKEN", " Bearer abc ")
    assert header_from_env(["Authorization:API_TOKEN"]) == (("Authorization", "Bearer abc"),)


@pytest.mark.parametrize("value", ["Authorization", ":API_TOKEN", "Authorization:"])
def test_header_env_needs_a_name_and_a_variable(value: str) -> None:
    with pytest.raises(SpecreviewError, match="Name:ENVVAR"):
        header_from_env([value])


def test_unset_variable_is_named_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    assert "environment variable NOT_SET_ANYWHERE is not set" in usage_error(
        "check", "openapi.json", "--header-env", "X-Token:NOT_SET_ANYWHERE"
    )


def test_insecure_and_ca_bundle_contradict(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    assert "contradict" in usage_error("check", "https://127.0.0.1:9/x", "--ca-bundle", str(bundle), "--insecure")


def test_missing_ca_bundle(tmp_path: Path) -> None:
    assert "no such file" in usage_error("check", "https://127.0.0.1:9/x", "--ca-bundle", str(tmp_path / "no.pem"))


@pytest.mark.parametrize(("option", "value"), [("--timeout", "0"), ("--max-bytes", "-1")])
def test_limits_must_be_positive(option: str, value: str) -> None:
    assert "positive" in usage_error("check", "https://127.0.0.1:9/x", option, value)


def test_options_become_fetch_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN", "t0k3n")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    options = fetch_options(["Accept-Language: en"], 3.0, 1000, ["X-Token:TOKEN"], bundle)
    assert options.headers == (("Accept-Language", "en"), ("X-Token", "t0k3n"))
    assert (options.timeout, options.max_bytes, options.verify, options.ca_bundle) == (3.0, 1000, True, str(bundle))
    assert "t0k3n" not in repr(options)
    assert fetch_options([], 1.0, 10, insecure=True).verify is False
