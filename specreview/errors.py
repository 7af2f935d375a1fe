"""The error hierarchy. Every error a user can cause is a SpecreviewError; the CLI turns it into one line and exit 2."""

from __future__ import annotations


class SpecreviewError(Exception):
    """Base class: an error that is the input's fault, not a bug, and has a one-line message."""


class DocumentError(SpecreviewError):
    """A document could not be read, fetched, parsed or is not a supported OpenAPI document."""

    def __init__(self, source: str, reason: str, line: int | None = None, column: int | None = None) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        self.column = column
        where = f":{line}" + (f":{column}" if column is not None else "") if line is not None else ""
        super().__init__(f"{source}{where}: {reason}")


class RuleLoadError(SpecreviewError):
    """A rule file is malformed: reported with its file and line before any document is read."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f":{line}" if line is not None else ""
        super().__init__(f"{path}{where}: {reason}")


class ConfigError(SpecreviewError):
    """The configuration (specreview.yaml, [tool.specreview] or a command-line option) is invalid."""


class RedactionError(SpecreviewError):
    """Redaction could not produce a safe, consistent document; nothing was written."""


class OutputError(SpecreviewError):
    """An output file could not be written safely (same as the input, exists without --force, unwritable)."""
