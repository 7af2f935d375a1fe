"""specreview: review and redact OpenAPI documents before they go public."""

__version__ = "0.1.0"

__all__ = ["__version__", "redact", "review"]


def __getattr__(name: str) -> object:
    # `specreview.review` / `specreview.redact` without importing the engine for every `specreview --version`.
    if name in ("review", "redact"):
        from specreview import api

        return getattr(api, name)
    raise AttributeError(f"module 'specreview' has no attribute {name!r}")
