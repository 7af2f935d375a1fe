"""Rule messages: placeholders filled in, anything else kept as written."""

from __future__ import annotations

from specreview.engine import _render


def test_a_message_renders_its_placeholders_and_keeps_any_other_brace() -> None:
    template = "Input {x} '{name}' is {kind}: {{pointer}} at {pointer}}"
    assert _render(template, name="a{b}", kind="k", pointer="/p") == "Input {x} 'a{b}' is k: {/p} at /p}"
