"""The CI examples work as written: docs/examples/specreview.yml and the commands and config in docs/ci.md.

Every `specreview …` command line in them must parse with the real CLI (no unknown option, no missing argument,
no bad choice), and the steps that matter are run as the workflow would run them: the check step's SARIF file,
the pull-request diff step against a real base branch, and the scheduled review against a baseline.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer
import yaml

from specreview.cli import app
from specreview.config import parse_config

REPO = Path(__file__).resolve().parents[2]
WORKFLOW_PATH = REPO / "docs" / "examples" / "specreview.yml"
CI_DOC = REPO / "docs" / "ci.md"
README = REPO / "README.md"
SAMPLES = REPO / "samples"
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
CONTROL = {"&&", "||", ";", "|", "&"}

WORKFLOW: dict[Any, Any] = yaml.safe_load(WORKFLOW_PATH.read_text(encoding="utf-8"))


# ---- reading the examples -----------------------------------------------------------------------------
def simple_commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script: split at `&&`, `||`, `;`, `|`, without redirections or env prefixes."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        command: list[str] = []
        tokens = list(lexer)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token in CONTROL:
                yield command
                command = []
            elif token[0] in "<>":  # a redirection and its target
                i += 1
            elif token.isdigit() and i + 1 < len(tokens) and tokens[i + 1][0] in "<>":
                pass  # the file descriptor of the redirection that follows
            elif not command and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", token):
                pass  # NAME=value before a command sets its environment
            else:
                command.append(token)
            i += 1
        yield command


def specreview_commands(script: str) -> list[list[str]]:
    """The arguments of every `specreview …` command in the script (not `pre-commit run specreview`)."""
    return [command[1:] for command in simple_commands(script) if command[:1] == ["specreview"]]


def workflow_steps() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for job_id, job in WORKFLOW["jobs"].items():
        for step in job["steps"]:
            yield job_id, job, step


def run_step(name: str) -> dict[str, Any]:
    steps = [s for _, _, s in workflow_steps() if s.get("name") == name]
    assert len(steps) == 1, name
    return steps[0]


def doc_blocks(language: str, doc: Path = CI_DOC) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", doc.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def all_documented_commands() -> list[list[str]]:
    commands = []
    for _, _, step in workflow_steps():
        commands += specreview_commands(step.get("run", ""))
    for language in ("sh", "cron"):
        for block in doc_blocks(language):
            commands += specreview_commands(block)
    for block in doc_blocks("sh", README):  # the README's short examples, diff among them
        commands += specreview_commands(block)
    return commands


def parse_command_line(args: list[str]) -> None:
    """What the CLI does with argv before running anything: raises on an unknown command, option or value."""
    group = typer.main.get_command(app)
    name, *rest = args
    command = group.commands.get(name)  # type: ignore[attr-defined]
    if command is None:
        raise ValueError(f"no such command {name!r}")
    command.make_context(name, rest)


# ---- the examples parse --------------------------------------------------------------------------------
def test_every_documented_command_line_parses_with_the_cli() -> None:
    commands = all_documented_commands()
    assert {c[0] for c in commands} >= {"check", "diff", "review", "baseline"}
    for args in commands:
        parse_command_line(args)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["check", "openapi.json", "--format", "sarf"], "sarf"),
        (["diff", "base.openapi.json"], "new"),
        (["review", "--output-directory", "x"], "--output-directory"),
        (["reveiw"], "reveiw"),
    ],
)
def test_the_command_line_check_catches_mistakes(args: list[str], reason: str) -> None:
    """The check above can fail: a typo in the docs would be caught, not waved through."""
    with pytest.raises(Exception, match=re.escape(reason)):
        parse_command_line(args)


def test_the_workflow_runs_on_pull_requests_and_on_a_schedule() -> None:
    triggers = WORKFLOW.get("on", WORKFLOW.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "pull_request" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(cron.split()) == 5 for cron in crons)


def test_the_sarif_upload_reads_the_file_the_check_step_writes() -> None:
    uploads = [
        (job, step)
        for _, job, step in workflow_steps()
        if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    ]
    assert len(uploads) == 1
    job, upload = uploads[0]
    assert job["permissions"]["security-events"] == "write"
    check = specreview_commands(run_step("Review")["run"])[0]
    assert check[0] == "check" and check[check.index("--format") + 1] == "sarif"
    assert check[check.index("--output") + 1] == upload["with"]["sarif_file"]
    assert "always()" in upload["if"] or "!cancelled()" in upload["if"]  # findings fail the step before it


def test_the_documented_config_and_pre_commit_example_are_valid(tmp_path: Path) -> None:
    configs = [b for b in doc_blocks("yaml") if b.startswith("# specreview.yaml")]
    assert len(configs) == 1
    config = parse_config(yaml.safe_load(configs[0]), tmp_path / "specreview.yaml")
    assert config.targets and config.baseline == tmp_path / "specreview-baseline.json"
    # The pre-commit examples: a whole config in docs/ci.md, one `repos` entry in the README.
    repos = [r for b in doc_blocks("yaml") if b.startswith("repos:") for r in yaml.safe_load(b)["repos"]]
    repos += [r for b in doc_blocks("yaml", README) if b.startswith("- repo:") for r in yaml.safe_load(b)]
    assert len(repos) == 2
    provided = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for repo in repos:
        assert {"repo", "rev", "hooks"} <= set(repo)
        assert {h["id"] for h in repo["hooks"]} <= provided


# ---- the steps work --------------------------------------------------------------------------------------
def bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a step's script as GitHub does (`bash -e`), with this environment's specreview first on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": path, "NO_COLOR": "1", "CI": "true", **env},
    )


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True, capture_output=True
    )


def test_the_check_step_writes_valid_sarif_even_when_it_fails(tmp_path: Path) -> None:
    shutil.copyfile(SAMPLES / "userauth.openapi.json", tmp_path / "openapi.json")
    result = bash(run_step("Review")["run"], tmp_path)
    assert result.returncode == 1, result.stderr  # the sample leaks: the step fails...
    log = json.loads((tmp_path / "specreview.sarif").read_text(encoding="utf-8"))  # ...and the upload has a file
    if SARIF_SCHEMA.is_file():
        jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    results = log["runs"][0]["results"]
    assert results
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"openapi.json"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_the_pull_request_diff_step_fails_only_when_something_new_leaks(tmp_path: Path) -> None:
    document = json.loads((SAMPLES / "billing.openapi.json").read_text(encoding="utf-8"))
    (tmp_path / "openapi.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "openapi.json")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "update-ref", "refs/remotes/origin/main", "HEAD")  # what checkout with fetch-depth 0 gives
    script = run_step("What this pull request newly exposes")["run"]

    unchanged = bash(script, tmp_path, GITHUB_BASE_REF="main")
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "Nothing new is exposed." in unchanged.stdout

    document["servers"].append({"url": "http://ledger.billing.svc.cluster.local:8080"})
    (tmp_path / "openapi.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    leaking = bash(script, tmp_path, GITHUB_BASE_REF="main")
    assert leaking.returncode == 1, leaking.stdout + leaking.stderr
    assert "+ http://ledger.billing.svc.cluster.local:8080" in leaking.stdout


def test_the_scheduled_review_reports_only_what_is_new_since_the_baseline(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("userauth", "billing"):
        shutil.copyfile(SAMPLES / f"{name}.openapi.json", specs / f"{name}.openapi.json")
    (tmp_path / "specreview.yaml").write_text(
        "targets:\n  - specs/*.openapi.json\noutput:\n  formats: [html, json]\nbaseline: specreview-baseline.json\n",
        encoding="utf-8",
    )
    baseline_block = next(b for b in doc_blocks("sh") if "specreview baseline" in b)
    first = bash(baseline_block.split("\n", 1)[0], tmp_path)  # the documented one-off: accept today's findings
    assert first.returncode == 0, first.stderr
    step = run_step("Review the targets in specreview.yaml")

    accepted = bash(step["run"], tmp_path, BILLING_TOKEN="unused")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    # Each target's line counts what it found before the baseline: the summary says none of it is new.
    progress = [line for line in accepted.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 2 and all(line.endswith("(before the baseline)") for line in progress)
    reports = tmp_path / "specreview-reports"
    assert {"index.html", "summary.json", "specs-billing.openapi.html", "specs-userauth.openapi.sarif"} <= {
        p.name for p in reports.iterdir()
    }
    assert json.loads((reports / "summary.json").read_text(encoding="utf-8"))["summary"]["error"] == 0
    # Both targets have accepted errors: the table says none is new, not that they are clean.
    rows = [line for line in accepted.stdout.splitlines() if "openapi.json" in line]
    assert len(rows) == 2 and all("no new findings" in row and "clean" not in row for row in rows), accepted.stdout
    assert "errors, 0 warnings new since the baseline" in accepted.stdout
    assert "no new findings" in (reports / "index.html").read_text(encoding="utf-8")

    document = json.loads((specs / "billing.openapi.json").read_text(encoding="utf-8"))
    document["servers"].append({"url": "http://10.12.0.4:8000"})
    (specs / "billing.openapi.json").write_text(json.dumps(document), encoding="utf-8")
    new = bash(step["run"], tmp_path, BILLING_TOKEN="unused")
    assert new.returncode == 1, new.stdout + new.stderr
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["summary"]["error"] == 1
    assert [t["summary"]["error"] for t in summary["targets"]] == [1, 0]  # billing, then userauth
