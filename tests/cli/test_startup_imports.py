"""`specreview check FILE` imports only what reviewing a file needs: start-up is most of a small document's run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "billing.openapi.json"

# Imported only by the commands, formats or inputs that need them.
NOT_FOR_A_TEXT_REPORT_OF_A_FILE = (
    "httpx",  # fetching a URL
    "ssl",
    "pydantic",  # typer 0.29 imports it for every command (pyproject.toml keeps typer below it)
    "concurrent.futures.process",  # several documents at once
    "specreview.reporters.html",  # other report formats
    "specreview.reporters.sarif",
    "specreview.reporters.junit",
    "openapi_spec_validator",  # redact --validate
    "jsonpath_ng",  # JSONPath selectors: the shipped rules use aliases only
    "rich",  # the text report writes its few escape codes itself; rich is for `review` tables and progress
)

PROBE = f"""
import json, sys
from specreview.cli import run
code = run(["check", {str(SAMPLE)!r}, "--output", "/dev/null"])
loaded = sorted(m for m in {NOT_FOR_A_TEXT_REPORT_OF_A_FILE!r} if m in sys.modules)
print(json.dumps({{"code": code, "loaded": loaded}}))
"""


def test_checking_a_file_as_text_imports_no_network_validator_or_other_formats() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.splitlines()[-1])
    assert result["code"] in (0, 1)  # the review ran (the sample has findings)
    assert result["loaded"] == []
