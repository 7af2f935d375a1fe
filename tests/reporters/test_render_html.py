"""The HTML report's text: rule documentation rendered, never its markup characters."""

from __future__ import annotations

from specreview.reporters.html import _prose


def test_html_rule_docs_show_emphasis_and_code_never_their_markers() -> None:
    shown = _prose("A password in a *request* body is the client's own; `a*b*` and 2*3*4 stay as written <b>")
    assert "<em>request</em>" in shown and "*request*" not in shown
    assert "<code>a*b*</code>" in shown and "2*3*4" in shown and "&lt;b&gt;" in shown
