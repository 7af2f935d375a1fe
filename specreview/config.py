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
    targets:                                  # what `specreview review` (or `check` with no SOURCE) reviews
      - specs/*.openapi.json                  # a file or a glob, relative to the config file
      - name: billing                         # a URL; header values come from the environment, never the file
        source: https://billing.internal.example/openapi.json
        headers: {Authorization: "Bearer ${BILLING_TOKEN}"}
    output:
      dir: specreview-reports                 # one report per target, plus an index
      formats: [json, sarif, html]
    baseline: specreview-baseline.json        # report only findings not accepted in this file

The search starts in the working directory and walks up to the repository root, like ruff's.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from specreview.errors import ConfigError
from specreview.findings import Severity
from specreview.ruleset.model import Rule

CONFIG_NAMES = ("specreview.yaml", ".specreview.yaml", "specreview.yml")
_TOP_KEYS = {"rules", "allow", "fail_on", "targets", "output", "baseline", "probe"}
_RULE_KEYS = {"disable", "enable", "severity", "dirs"}
_ALLOW_KEYS = {"names", "pointers", "hosts"}
_TARGET_KEYS = {"name", "source", "headers"}
_OUTPUT_KEYS = {"dir", "formats"}
# `${NAME}` in a header value: the only way a header gets a value, so no token is ever written in a config file.
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_GLOB_CHARS = frozenset("*?[")
DEFAULT_OUTPUT_DIR = "specreview-reports"


@dataclass(frozen=True)
class Allowances:
    """What the user has accepted: findings matching these are not reported."""

    names: frozenset[str] = frozenset()
    pointers: tuple[str, ...] = ()
    hosts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    """One entry of `targets`: a file, a glob or an http(s) URL, with headers whose values are `${VAR}` templates."""

    source: str  # a URL, a path or a glob, as written in the config
    name: str = ""  # the name reports use; for a glob, each file is named by its path as matched
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (name, template), never resolved here
    base: Path = Path()  # relative paths and globs are relative to the config file's directory

    @property
    def is_url(self) -> bool:
        return self.source.lower().startswith(("http://", "https://"))

    @property
    def is_glob(self) -> bool:
        return not self.is_url and any(c in _GLOB_CHARS for c in self.source)

    def expand(self) -> list[tuple[str, str]]:
        """(name, location) pairs: the URL, the file, or every file the glob matches (sorted; none is an error)."""
        if self.is_url:
            return [(self.name or self.source, self.source)]
        if not self.is_glob:
            return [(self.name or self.source, str(self.base / self.source))]
        pattern = self.source
        if Path(pattern).is_absolute():
            anchor = Path(Path(pattern).anchor)
            matches = sorted(anchor.glob(str(Path(pattern).relative_to(anchor))))
        else:
            matches = sorted(self.base.glob(pattern))
        files = [m for m in matches if m.is_file()]
        if not files:
            raise ConfigError(f"target {self.source}: no file matches")
        return [(_display(m, self.base), str(m)) for m in files]

    def resolve_headers(self, environ: Mapping[str, str] | None = None) -> tuple[tuple[str, str], ...]:
        """Header values with `${VAR}` substituted; a missing variable is named in the error, no value ever is."""
        env = os.environ if environ is None else environ
        resolved = []
        for header, template in self.headers:
            missing = [m.group(1) for m in _ENV_REFERENCE.finditer(template) if m.group(1) not in env]
            if missing:
                raise ConfigError(
                    f"target {self.name or self.source}: header {header}: environment variable {missing[0]} is not set"
                )
            resolved.append((header, _ENV_REFERENCE.sub(lambda m: env[m.group(1)], template)))
        return tuple(resolved)


@dataclass(frozen=True)
class OutputSettings:
    """Where `review` writes one report per target, and in which formats."""

    dir: Path | None = None
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    disable: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = dataclasses.field(default_factory=dict)
    rule_dirs: tuple[Path, ...] = ()
    allow: Allowances = Allowances()
    fail_on: str | None = None
    targets: tuple[Target, ...] = ()
    output: OutputSettings = OutputSettings()
    baseline: Path | None = None
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
    elif path.suffix == ".toml":  # a TOML file of its own: the settings at its top, or under [tool.specreview]
        table = _read_toml(path)
        data = (
            table["tool"]["specreview"]
            if isinstance(table.get("tool"), dict) and "specreview" in table["tool"]
            else table
        )
    else:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.MarkedYAMLError as exc:
            raise ConfigError(f"{path}: {_yaml_problem(exc)}") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    return parse_config(data, path)


def _yaml_problem(exc: Any) -> str:
    """`line 3, column 12: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)`: where
    and why, as a TOML config's errors say it."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    return f"{where}{problem}{context}"


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
        targets=_targets(data.get("targets"), base, fail),
        output=_output(data.get("output"), base, fail),
        baseline=_path(data.get("baseline"), "baseline", base, fail),
        raw=data,
    )


def _targets(value: Any, base: Path, fail: Any) -> tuple[Target, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail("targets must be a list of files, globs, URLs or {name, source, headers} mappings")
    targets = []
    names: set[str] = set()
    for index, entry in enumerate(value):
        where = f"targets[{index}]"
        if isinstance(entry, str):
            entry = {"source": entry}
        if not isinstance(entry, dict):
            raise fail(f"{where} must be a string or a mapping with source (and optionally name, headers)")
        unknown = set(entry) - _TARGET_KEYS
        if unknown:
            raise fail(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_TARGET_KEYS))})")
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            raise fail(f"{where}: source must be a file, a glob or an http(s) URL")
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise fail(f"{where}: name must be a string")
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", source)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise fail(f"{where}: unsupported URL scheme {scheme.group(1)!r}: give an http(s) URL or a file path")
        target = Target(source=source, name=name, headers=_headers(entry.get("headers"), where, fail), base=base)
        if target.headers and not target.is_url:
            raise fail(f"{where}: headers only apply to http(s) URLs")
        if name and target.is_glob:
            raise fail(f"{where}: a glob names each file by its path; remove name or list the files one by one")
        if name:
            if name in names:
                raise fail(f"{where}: duplicate target name {name!r}")
            names.add(name)
        targets.append(target)
    return tuple(targets)


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _headers(value: Any, where: str, fail: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise fail(f"{where}: headers must be a mapping of header name to '${{ENV_VAR}}' value")
    headers = []
    for header, template in value.items():
        if not isinstance(header, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", header):
            raise fail(f"{where}: {header!r} is not a valid header name")
        # The value is not echoed: a literal token pasted here is exactly what the error is about.
        if not isinstance(template, str) or not _ENV_REFERENCE.search(template):
            raise fail(
                f'{where}: header {header} must take its value from the environment, e.g. "Bearer ${{API_TOKEN}}"'
            )
        headers.append((header, template))
    return tuple(headers)


def _output(value: Any, base: Path, fail: Any) -> OutputSettings:
    if value is None:
        return OutputSettings()
    if not isinstance(value, dict) or set(value) - _OUTPUT_KEYS:
        raise fail(f"output takes {', '.join(sorted(_OUTPUT_KEYS))}")
    from specreview.reporters import FORMATS

    formats = _strings(value.get("formats"), "output.formats", fail)
    for name in formats:
        if name not in FORMATS:
            raise fail(f"output.formats: unknown format {name!r} (known: {', '.join(FORMATS)})")
    return OutputSettings(dir=_path(value.get("dir"), "output.dir", base, fail), formats=tuple(dict.fromkeys(formats)))


def _path(value: Any, key: str, base: Path, fail: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{key} must be a path")
    return base / value


def _strings(value: Any, key: str, fail: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{key} must be a list of strings")
    return list(value)
