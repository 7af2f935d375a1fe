"""The HTML report renders in a real browser: headless Chromium loads it, and its screenshot shows the chart.

Covers a `check` report of a sample and the index page `review` writes across several targets. Both must be
self-contained (nothing fetched from anywhere), since reports are opened from CI artifacts and e-mails.
Without Chromium the browser tests skip; `.ci/run` installs it so CI runs them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from png_pixels import read_png
from typer.testing import CliRunner

from specreview.cli import app
from specreview.findings import Severity
from specreview.reporters.html import COLORS

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
WINDOW = (1280, 2000)
# Attributes that make a browser fetch something (an <a href> is a link the reader may follow, not a fetch).
_FETCHING = {"src", "srcset", "poster", "data", "background", "action", "formaction", "xlink:href"}


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    return None


needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="chromium not installed: apt-get install chromium")


def chromium(page: Path, tmp_path: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    """One headless Chromium run with everything that could reach the network switched off."""
    exe = find_chromium()
    assert exe is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *mode,
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )


def screenshot(page: Path, tmp_path: Path) -> Path:
    png = tmp_path / f"{page.stem}.png"
    result = chromium(page, tmp_path, f"--screenshot={png}")
    assert result.returncode == 0 and png.is_file(), result.stderr[-2000:]
    return png


def dump_dom(page: Path, tmp_path: Path) -> str:
    result = chromium(page, tmp_path, "--dump-dom")
    assert result.returncode == 0 and "<html" in result.stdout, result.stderr[-2000:]
    return result.stdout


class _Fetches(HTMLParser):
    """Everything in a page that would make a browser load another resource."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in values.items():
            if name in _FETCHING and not value.startswith("data:"):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "href" and tag != "a" and not value.startswith(("#", "data:")):
                self.found.append(f"<{tag} href={value}>")  # <link> stylesheets and icons, SVG <image>, <base>
            if name == "style":
                self._css(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, css: str) -> None:
        self.found += [f"@import {m}" for m in re.findall(r"@import[^;]*", css)]
        self.found += [f"url({m})" for m in re.findall(r"url\(\s*['\"]?([^)'\"]+)", css) if not m.startswith("data:")]


def external_fetches(page: str) -> list[str]:
    parser = _Fetches()
    parser.feed(page)
    return parser.found


def assert_self_contained(page: str) -> None:
    assert external_fetches(page) == []
    assert "default-src 'none'" in page  # and the page's own CSP forbids fetching anyway


def specreview(*args: str) -> int:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1"})
    assert "Traceback" not in result.output
    return result.exit_code


@pytest.fixture
def sample_report(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The HTML report of the userauth sample, and the JSON report of the same run."""
    page, data = tmp_path / "userauth.html", tmp_path / "userauth.json"
    code = specreview(
        "check", str(SAMPLES / "userauth.openapi.json"), "-f", "html", "-o", str(page), "-o", f"json:{data}"
    )
    assert code == 1
    return page, json.loads(data.read_text(encoding="utf-8"))


@pytest.fixture
def review_index(tmp_path: Path) -> Path:
    """`review` over both samples, a clean document and a target that fails to load."""
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("userauth", "billing"):
        shutil.copyfile(SAMPLES / f"{name}.openapi.json", specs / f"{name}.openapi.json")
    (specs / "clean.openapi.yaml").write_text("openapi: 3.0.3\ninfo: {title: Clean, version: '1'}\npaths: {}\n")
    config = tmp_path / "specreview.yaml"
    config.write_text("targets:\n  - specs/*.openapi.*\n  - name: gone\n    source: missing/openapi.json\n")
    out = tmp_path / "reports"
    code = specreview("review", "--config", str(config), "--output-dir", str(out), "-f", "html", "-j", "1")
    assert code == 2  # a target failed to load; the others are still reported
    return out / "index.html"


def test_the_self_contained_check_finds_what_would_be_fetched() -> None:
    """The check below can fail: each of these would load something from a server."""
    page = (
        '<link rel="stylesheet" href="https://cdn.example.com/a.css"><script src="/app.js"></script>'
        '<img src="https://example.com/x.png"><svg><image href="http://example.com/y.svg"/></svg>'
        '<style>body{background:url("https://example.com/bg.png")} @import "https://example.com/b.css";</style>'
        '<a href="https://owasp.org/">a link is fine</a><img src="data:image/png;base64,AAAA">'
    )
    found = " ".join(external_fetches(page))
    for fetched in ("a.css", "<script>", "/app.js", "x.png", "y.svg", "bg.png", "b.css"):
        assert fetched in found, fetched
    assert "owasp" not in found and "data:" not in found


def test_the_reports_are_self_contained(sample_report: tuple[Path, dict[str, Any]], review_index: Path) -> None:
    page, _ = sample_report
    for path in (page, review_index, *review_index.parent.glob("*.html")):
        assert_self_contained(path.read_text(encoding="utf-8"))


@needs_chromium
def test_the_sample_report_renders_with_its_findings_and_chart(
    sample_report: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    page, data = sample_report
    dom = dump_dom(page, tmp_path)
    for finding in data["findings"]:
        assert html.escape(finding["pointer"], quote=False) in dom, finding["pointer"]
        assert html.escape(finding["message"], quote=False) in dom, finding["message"]
    rules = {f["rule"] for f in data["findings"]}
    assert len(re.findall(r'<section class="rule"', dom)) == len(rules)
    chart = re.search(r"<svg[^>]*findings by category and severity.*?</svg>", dom, re.DOTALL)
    assert chart is not None
    for severity, colour in COLORS.items():
        if data["summary"][severity.value]:
            assert f'fill="{colour}"' in chart.group(0)

    image = read_png(screenshot(page, tmp_path).read_bytes())
    assert (image.width, image.height) == WINDOW
    colours = image.colours()
    assert len(colours) > 50  # text, badges, tables: far from a blank or single-colour page
    # The bars of the chart are solid rectangles in the severity colours: they were drawn.
    for severity, colour in COLORS.items():
        if data["summary"][severity.value]:
            assert bytes.fromhex(colour.lstrip("#")) in colours, severity


@needs_chromium
def test_the_review_index_renders_every_target(review_index: Path, tmp_path: Path) -> None:
    dom = dump_dom(review_index, tmp_path)
    for name in ("specs/userauth.openapi.json", "specs/billing.openapi.json", "specs/clean.openapi.yaml", "gone"):
        assert f"<code>{name}</code>" in dom, name
    assert "could not be loaded" in dom and "<td>clean</td>" in dom
    assert 'aria-label="findings by category and severity"' in dom  # the chart across targets
    assert 'href="specs-userauth.openapi.html"' in dom  # and the link to each target's own report

    image = read_png(screenshot(review_index, tmp_path).read_bytes())
    colours = image.colours()
    assert len(colours) > 20
    assert bytes.fromhex(COLORS[Severity.ERROR].lstrip("#")) in colours  # the error bars
