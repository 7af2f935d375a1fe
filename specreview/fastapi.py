"""Serve the redacted description from a FastAPI app: `/openapi.json`, and so `/docs` and `/redoc`, show the copy.

    from fastapi import FastAPI
    from specreview.fastapi import serve_redacted

    app = FastAPI()
    ...                       # routes, routers
    serve_redacted(app)       # after the routes, or anywhere: the document is built on the first request

FastAPI serves its description through `app.openapi()`; this replaces that method on the instance, as FastAPI's
own documentation does for customising the schema. Redaction fails closed: if the redacted copy would still
leak, `app.openapi()` raises and `/openapi.json` answers 500 rather than serving the original.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from specreview.config import Allowances
from specreview.ruleset.model import Rule

_MARK = "__specreview_redacted__"


def serve_redacted(
    app: Any,
    *,
    rules: Sequence[Rule] | None = None,
    allow: Allowances | None = None,
    on_redact: Callable[[dict[str, Any], list[Any]], None] | None = None,
) -> Any:
    """Make `app` serve a redacted copy of its generated description; returns the app.

    `rules` defaults to the built-in rule set; `on_redact(document, changes)` is called each time a new
    description is redacted (for logging what was hidden). Calling it twice on one app is harmless.
    """
    generate = getattr(app, "openapi", None)
    if not callable(generate):
        raise TypeError(f"{type(app).__name__} has no openapi() method to wrap")
    if getattr(generate, _MARK, False):
        return app
    lock = threading.Lock()
    cache: dict[str, Any] = {}

    def redacted_openapi() -> dict[str, Any]:
        generated = generate()
        with lock:
            # FastAPI returns the same cached dict until routes change; redact once per generated document.
            if cache.get("source") is not generated:
                from specreview.api import redact

                document, changes = redact(generated, rules, allow)
                if on_redact is not None:
                    on_redact(document, changes)
                cache.update(source=generated, document=document)
            return cache["document"]

    setattr(redacted_openapi, _MARK, True)
    redacted_openapi.__specreview_original__ = generate  # type: ignore[attr-defined]  # what check --app reviews
    app.openapi = redacted_openapi
    return app
