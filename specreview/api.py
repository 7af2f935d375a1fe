"""The Python API: `review(document) -> Report` and `redact(document) -> (document, changes)`.

Accepts a loaded `Document` or a plain dict (for example FastAPI's `app.openapi()`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from specreview.document.model import Document
from specreview.engine import RawFinding, review_document
from specreview.findings import DocumentInfo, Report
from specreview.ruleset.load import load_rules
from specreview.ruleset.model import Rule

if TYPE_CHECKING:
    from specreview.config import Allowances
    from specreview.redaction import Change


def as_document(document: Document | dict[str, Any], source: str = "<document>") -> Document:
    """`document` as a Document; a dict must be an OpenAPI document (DocumentError otherwise), so that reviewing
    `{"detail": "Not Found"}` from a wrong URL fails instead of passing with no findings."""
    if isinstance(document, Document):
        return document
    from specreview.document.load import check_openapi_data

    check_openapi_data(document, source)
    return Document(source=source, data=document, format="json")


def review_raw(document: Document, rules: Sequence[Rule]) -> list[RawFinding]:
    return review_document(document, rules)


@functools.lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The built-in rule set, loaded once per process."""
    return tuple(load_rules())


def review(document: Document | dict[str, Any], rules: Sequence[Rule] | None = None) -> Report:
    """Review one document with the built-in rules (or `rules`) and return the report."""
    doc = as_document(document)
    active = default_rules() if rules is None else rules
    raw = review_document(doc, active)
    return Report(
        documents=[DocumentInfo(doc.source, doc.version, doc.title)],
        findings=[r.finding for r in raw],
    )


def redact(
    document: Document | dict[str, Any], rules: Sequence[Rule] | None = None, allow: Allowances | None = None
) -> tuple[dict[str, Any], list[Change]]:
    """A redacted copy of the document and the list of changes made; the input is not modified.

    Fails closed: raises RedactionError (and returns nothing) when the copy would still leak or be inconsistent.
    """
    from specreview.redactor import redact_document

    doc = as_document(document)
    result = redact_document(doc, default_rules() if rules is None else rules, allow=allow)
    return result.data, list(result.changes)
