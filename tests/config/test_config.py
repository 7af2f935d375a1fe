"""Configuration: specreview.yaml or [tool.specreview], rule overrides, allow lists, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DOC = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.acme.io"}, {"url": "http://build.corp.acme.io"}],
    "paths": {
        "/users": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}},
                    }
                }
            }
        },
        "/admin/stats": {"get": {"responses": {"200": {"description": "ok"}}}},
    },
    "components": {
        "schemas": {
            "User": {
                "type": "object",
                "properties": {"legacy_token": {"type": "string"}, "api_key": {"type": "string"}},
            }
        }
    },
}


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "openapi.json").write_text(json.dumps(DOC))
    return subprocess.run(
        [sys.executable, "-m", "specreview", "check", "openapi.json", "--format", "json", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def rules_found(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str]]:
    return {(f["rule"], f["pointer"]) for f in json.loads(result.stdout)["findings"]}


def test_without_config_everything_is_reported(tmp_path):
    found = rules_found(run(tmp_path))
    assert ("secret-in-response", "/components/schemas/User/properties/legacy_token") in found
    assert ("internal-path", "/paths/~1admin~1stats") in found
    assert ("internal-host", "/servers/1/url") in found


CONFIG = """
rules:
  disable: [internal-path]
  severity: {secret-in-response: warning}
allow:
  names: [legacy_token]
  hosts: [build.corp.acme.io]
fail_on: error
"""


def test_specreview_yaml_overrides_rules_and_allows(tmp_path):
    (tmp_path / "specreview.yaml").write_text(CONFIG)
    result = run(tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert {(f["rule"], f["pointer"]) for f in findings} == {
        ("secret-in-response", "/components/schemas/User/properties/api_key")
    }
    assert findings[0]["severity"] == "warning"
    assert result.returncode == 0  # only a warning left, fail_on: error


def test_pyproject_tool_section_is_read_from_a_parent_directory(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.specreview]\nallow = {pointers = ["/components/schemas/User"]}\n')
    sub = tmp_path / "api"
    sub.mkdir()
    found = rules_found(run(sub))
    assert not any(p.startswith("/components/schemas/User") for _, p in found)
    assert ("internal-path", "/paths/~1admin~1stats") in found


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("rules: {disable: [no-such-rule]}\n", "unknown rule or category"),
        ("rules: {severity: {internal-path: loud}}\n", "must be error, warning or info"),
        ("- 1\n", "must be a mapping"),
        # Where and why, as TOML errors say it.
        ("targets: [a.json\nfail_on: error\n", "line 2, column 8: expected ',' or ']', but got ':'"),
    ],
)
def test_bad_config_is_one_line_and_exit_2(tmp_path, text, reason):
    (tmp_path / "specreview.yaml").write_text(text)
    result = run(tmp_path)
    assert result.returncode == 2
    assert reason in result.stderr
    assert "specreview.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_explicit_config_option(tmp_path):
    (tmp_path / "lenient.yaml").write_text("rules: {severity: {internal-path: info}}\n")
    result = run(tmp_path, "--config", "lenient.yaml")
    severities = {f["severity"] for f in json.loads(result.stdout)["findings"] if f["category"] == "internal-path"}
    assert severities == {"info"}


@pytest.mark.parametrize(
    "text",
    ['[rules]\nseverity = {internal-path = "info"}\n', '[tool.specreview.rules.severity]\ninternal-path = "info"\n'],
)
def test_an_explicit_toml_config_is_read_as_toml(tmp_path, text):
    (tmp_path / "lenient.toml").write_text(text)
    result = run(tmp_path, "--config", "lenient.toml")
    severities = {f["severity"] for f in json.loads(result.stdout)["findings"] if f["category"] == "internal-path"}
    assert severities == {"info"}
