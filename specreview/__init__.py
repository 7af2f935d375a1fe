"""specreview: review and redact OpenAPI documents before they go public."""

__version__ = "0.1.0"
