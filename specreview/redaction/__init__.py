"""Redaction: apply the engine's actions to a document and keep it a valid, consistent OpenAPI document."""

from __future__ import annotations

from specreview.redaction.actions import Action, Change
from specreview.redaction.apply import (
    PreparedRedaction,
    Redaction,
    apply_redactions,
    prepare_redaction,
    trace_redactions,
)
from specreview.redaction.integrity import check_integrity, dangling_refs

__all__ = [
    "Action",
    "Change",
    "PreparedRedaction",
    "Redaction",
    "apply_redactions",
    "check_integrity",
    "dangling_refs",
    "prepare_redaction",
    "trace_redactions",
]
