"""What a probe is told: the environment (which sets the severity), the expectation, and the `probe:` config.

Kept apart from specreview/probe.py so the command line can offer these choices without importing httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from specreview.errors import ConfigError
from specreview.findings import Severity

_PROBE_CONFIG_KEYS = {"paths", "env", "expect"}


class Environment(str, Enum):
    production = "production"
    staging = "staging"
    dev = "dev"


class Expectation(str, Enum):
    private = "private"  # docs must not answer without credentials (the default)
    public = "public"  # the docs are published on purpose: reachable docs are not findings


SEVERITY = {
    Environment.production: Severity.ERROR,
    Environment.staging: Severity.WARNING,
    Environment.dev: Severity.INFO,
}


def probe_config(raw: Mapping[str, Any], origin: str = "config") -> dict[str, Any]:
    """The `probe:` section of the configuration: `paths` (list), `env`, `expect`; validated here."""
    section = raw.get("probe")
    if section is None:
        return {}
    if not isinstance(section, dict) or set(section) - _PROBE_CONFIG_KEYS:
        raise ConfigError(f"{origin}: probe takes {', '.join(sorted(_PROBE_CONFIG_KEYS))}")
    paths = section.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) and p.startswith("/") for p in paths):
        raise ConfigError(f"{origin}: probe.paths must be a list of paths starting with '/'")
    out: dict[str, Any] = {"paths": paths}
    for key, kind in (("env", Environment), ("expect", Expectation)):
        if key in section:
            try:
                out[key] = kind(section[key])
            except ValueError:
                allowed = ", ".join(m.value for m in kind)
                raise ConfigError(f"{origin}: probe.{key} must be one of {allowed}") from None
    return out
