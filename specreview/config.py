"""Project configuration: `specreview.yaml` (or `.specreview.yaml`) or `[tool.specreview]` in `pyproject.toml`.

    rules:
      disable: [unbounded-input]              # rule ids (or categories) to turn off
      enable: [...]                           # re-enable rules disabled by default
      severity: {personal-data-in-example: error}
      dirs: [specreview-rules]                # extra rule directories, relative to the config file
    allow:
      names: [legacy_token]                   # property / parameter / field names never reported
      pointers: ["/components/schemas/Legacy"]  # nothing reported at or below these
      hosts: [build.corp.example.net]         # hosts the internal-host rule accepts
    fail_on: warning

The search starts in the working directory and walks up to the repository root, like ruff's.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from specreview.errors import ConfigError
from specreview.findings import Severity
from specreview.ruleset.model import Rule

CONFIG_NAMES = ("specreview.yaml", ".specreview.yaml", "specreview.yml")
_TOP_KEYS = {"rules", "allow", "fail_on", "targets", "output", "baseline"}
_RULE_KEYS = {"disable", "enable", "severity", "dirs"}
_ALLOW_KEYS = {"names", "pointers", "hosts"}


@dataclass(frozen=True)
class Allowances:
    """What the user has accepted: findings matching these are not reported."""

    names: frozenset[str] = frozenset()
    pointers: tuple[str, ...] = ()
    hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    disable: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = dataclasses.field(default_factory=dict)
    rule_dirs: tuple[Path, ...] = ()
    allow: Allowances = Allowances()
    fail_on: str | None = None
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # sections other commands read

    def apply(self, rules: Iterable[Rule]) -> list[Rule]:
        """Rules with this config's enable/disable and severity overrides applied."""
        known = {r.id for r in rules} | {r.category for r in rules}
        for rule_id in (*self.disable, *self.enable, *self.severity):
            if rule_id not in known:
                raise ConfigError(f"{self.path}: unknown rule or category {rule_id!r}")
        out = []
        for rule in rules:
            enabled = rule.enabled
            if rule.id in self.disable or rule.category in self.disable:
                enabled = False
            if rule.id in self.enable or rule.category in self.enable:
                enabled = True
            severity = self.severity.get(rule.id) or self.severity.get(rule.category) or rule.severity
            out.append(dataclasses.replace(rule, enabled=enabled, severity=severity))
        return out


def find_config(start: Path) -> Path | None:
    """The nearest config file from `start` up to the repository (or filesystem) root."""
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "tool" in _read_toml(pyproject) and "specreview" in _read_toml(pyproject)["tool"]:
            return pyproject
        if (directory / ".git").exists():
            return None
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    """Load `explicit`, or discover a config from `start` (the working directory); none found is an empty Config."""
    path = Path(explicit) if explicit else find_config((start or Path.cwd()).resolve())
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    if path.name == "pyproject.toml":
        data = _read_toml(path).get("tool", {}).get("specreview", {})
    else:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    return parse_config(data, path)


def parse_config(data: Any, path: Path) -> Config:
    def fail(reason: str) -> ConfigError:
        return ConfigError(f"{path}: {reason}")

    if not isinstance(data, dict):
        raise fail("the configuration must be a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(f"unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
    rules = data.get("rules") or {}
    allow = data.get("allow") or {}
    if not isinstance(rules, dict) or set(rules) - _RULE_KEYS:
        raise fail(f"rules takes {', '.join(sorted(_RULE_KEYS))}")
    if not isinstance(allow, dict) or set(allow) - _ALLOW_KEYS:
        raise fail(f"allow takes {', '.join(sorted(_ALLOW_KEYS))}")
    severity: dict[str, Severity] = {}
    for rule_id, value in (rules.get("severity") or {}).items():
        try:
            severity[str(rule_id)] = Severity(value)
        except ValueError:
            raise fail(f"severity of {rule_id!r} must be error, warning or info") from None
    fail_on = data.get("fail_on")
    if fail_on is not None and fail_on not in ("error", "warning", "info", "never"):
        raise fail("fail_on must be error, warning, info or never")
    base = path.parent
    return Config(
        path=path,
        disable=frozenset(_strings(rules.get("disable"), "rules.disable", fail)),
        enable=frozenset(_strings(rules.get("enable"), "rules.enable", fail)),
        severity=severity,
        rule_dirs=tuple(base / d for d in _strings(rules.get("dirs"), "rules.dirs", fail)),
        allow=Allowances(
            names=frozenset(_strings(allow.get("names"), "allow.names", fail)),
            pointers=tuple(_strings(allow.get("pointers"), "allow.pointers", fail)),
            hosts=frozenset(h.lower() for h in _strings(allow.get("hosts"), "allow.hosts", fail)),
        ),
        fail_on=fail_on,
        raw=data,
    )


def _strings(value: Any, key: str, fail: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a list of strings")
    return list(value)
