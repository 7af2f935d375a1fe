"""Redaction: apply the engine's actions to a document and keep it a valid, consistent OpenAPI document."""

from __future__ import annotations

from specreview.redaction.actions import Action, Change
from specreview.redaction.apply import Redaction, apply_redactions, trace_redactions
from specreview.redaction.integrity import check_integrity, dangling_refs

__all__ = [
    "Action",
    "Change",
    "Redaction",
    "apply_redactions",
    "check_integrity",
    "dangling_refs",
    "trace_redactions",
]
