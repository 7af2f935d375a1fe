"""The pre-commit hook in .pre-commit-hooks.yaml: it names a real command, picks OpenAPI files, and blocks leaks.

pre-commit runs `entry + args + the matching staged files` in a virtualenv where this package is installed
(`language: python`). The tests do the same with the installed console script.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from specreview.cli import app

REPO = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
LEAKY = REPO / "samples" / "userauth.openapi.json"
CLEAN = "openapi: 3.0.3\ninfo: {title: clean, version: '1'}\npaths: {}\n"


def the_hook() -> dict[str, Any]:
    hooks = [h for h in HOOKS if h["id"] == "specreview"]
    assert len(hooks) == 1
    return hooks[0]


def selected(names: list[str]) -> list[str]:
    """The files pre-commit would pass: it `re.search`es the `files` pattern in each staged path."""
    pattern = re.compile(the_hook()["files"])
    return [n for n in names if pattern.search(n)]


def test_the_entry_is_an_installed_console_script_and_a_real_command() -> None:
    hook = the_hook()
    assert hook["language"] == "python"  # pre-commit pip-installs this repository, which provides the script
    script, command, *rest = shlex.split(hook["entry"])
    assert rest == []
    # The installed distribution's metadata is what pyproject.toml's [project.scripts] declared.
    scripts = {ep.name: ep.value for ep in distribution("specreview").entry_points if ep.group == "console_scripts"}
    assert scripts.get(script) == "specreview.cli:main"
    assert command in typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name",
    [
        "openapi.json",
        "openapi.yaml",
        "openapi.yml",
        "api/openapi.json",
        "services/billing/openapi.yaml",
        "samples/userauth.openapi.json",
        "docs/openapi-v2.yaml",
        "swagger.json",
    ],
)
def test_the_files_pattern_matches_openapi_documents(name: str) -> None:
    assert selected([name]) == [name]


@pytest.mark.parametrize(
    "name",
    [
        "package.json",
        "config.yaml",
        ".pre-commit-config.yaml",
        "openapi.py",
        "notopenapi.json",
        "openapi.json.bak",
        "docs/openapi/README.md",
        "tsconfig.json",
    ],
)
def test_the_files_pattern_leaves_other_files_alone(name: str) -> None:
    assert selected([name]) == []


def run_hook(files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    hook = the_hook()
    exe = shutil.which("specreview")
    argv = shlex.split(hook["entry"])
    argv = [exe, *argv[1:]] if exe else [sys.executable, "-m", "specreview", *argv[1:]]
    names = selected([f.relative_to(cwd).as_posix() for f in files])
    return subprocess.run(
        [*argv, *hook.get("args", []), *names],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_the_hook_blocks_a_commit_that_adds_a_leaky_document(tmp_path: Path) -> None:
    leaky = tmp_path / "api" / "openapi.json"
    leaky.parent.mkdir()
    shutil.copyfile(LEAKY, leaky)
    clean = tmp_path / "openapi.yaml"
    clean.write_text(CLEAN, encoding="utf-8")
    # package.json is not an OpenAPI document: were it passed, check would refuse it; the pattern keeps it out.
    (tmp_path / "package.json").write_text('{"name": "web"}', encoding="utf-8")
    result = run_hook([leaky, clean, tmp_path / "package.json"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "api/openapi.json" in result.stdout and "hashed_password" in result.stdout
    assert "package.json" not in result.stdout + result.stderr


def test_the_hook_passes_a_clean_document(tmp_path: Path) -> None:
    clean = tmp_path / "openapi.yaml"
    clean.write_text(CLEAN, encoding="utf-8")
    result = run_hook([clean], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
