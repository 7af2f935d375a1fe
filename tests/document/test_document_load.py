"""load_document / parse_document: reading, decoding, format detection and the supported-version check."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from specreview.document import load as load_module
from specreview.document.load import load_document, parse_document
from specreview.errors import DocumentError

OPENAPI_YAML = "openapi: 3.1.0\ninfo:\n  title: Pets\n  version: '1'\npaths: {}\n"


def parse_error(text: str | bytes) -> DocumentError:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(DocumentError) as info:
        parse_document(raw, "spec")
    return info.value


def test_yaml_document() -> None:
    doc = parse_document(OPENAPI_YAML.encode(), "spec.yaml", path="spec.yaml")
    assert doc.format == "yaml"
    assert doc.data["info"]["title"] == "Pets"
    assert doc.version == "3.1.0"
    assert doc.text == OPENAPI_YAML
    assert doc.path == "spec.yaml"
    assert doc.locate("/info/title") == (3, 3)


def test_json_document() -> None:
    text = '{\n  "openapi": "3.0.3",\n  "info": {"title": "Pets", "version": "1"},\n  "paths": {}\n}\n'
    doc = parse_document(text.encode(), "spec.json")
    assert doc.format == "json"
    assert doc.version == "3.0.3"
    assert doc.locate("/info/title") == (3, 12)


def test_swagger_2_unquoted_version_is_accepted() -> None:
    doc = parse_document(b"swagger: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "spec")
    assert doc.is_swagger2
    assert doc.version == "2.0"


def test_truncated_json_reports_line_and_column() -> None:
    error = parse_error('{\n  "openapi": "3.0.0",\n  "info": {\n')
    assert error.line == 4 and error.column == 1
    assert "invalid JSON" in error.reason
    assert str(error).startswith("spec:4:1: invalid JSON")


def test_broken_yaml_reports_line_and_column() -> None:
    error = parse_error("openapi: 3.0.0\ninfo:\n  title: [unclosed\npaths: {}\n")
    assert error.line is not None and error.line >= 3
    assert "invalid YAML" in error.reason


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "an empty document"),
        ("   \n# only a comment\n", "an empty document"),
        ("null\n", "an empty document"),
        ("~", "an empty document"),
        ("hello\n", "a string"),
        ("42\n", "a number"),
        ("true\n", "a boolean"),
        ("- a\n- b\n", "a list"),
        ("[1, 2]", "a list"),
        ('"just a string"', "a string"),
    ],
)
def test_not_a_mapping(text: str, kind: str) -> None:
    error = parse_error(text)
    assert error.reason == f"not an OpenAPI document: expected a mapping at the top, found {kind}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json {\n", "invalid JSON: Expecting value"),  # a YAML string, but the file says JSON
        ('"just a string"', "not an OpenAPI document: expected a mapping at the top, found a string"),
        ("", "not an OpenAPI document: expected a mapping at the top, found an empty document"),
    ],
)
def test_a_json_file_that_is_not_an_object_says_what_is_wrong_with_the_json(text: str, reason: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse_document(text.encode(), "openapi.json")
    assert info.value.reason == reason and info.value.line == 1


def test_a_yaml_mapping_in_a_json_file_is_still_read() -> None:
    document = parse_document(b'openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\n', "openapi.json")
    assert document.format == "yaml" and document.data["openapi"] == "3.0.0"


def test_missing_version_key() -> None:
    error = parse_error("info:\n  title: x\n")
    assert "no 'openapi' or 'swagger' key" in error.reason
    assert "OpenAPI 3.0, 3.1 and Swagger 2.0 are supported" in error.reason


def test_swagger_1_2_is_rejected() -> None:
    error = parse_error('{"swaggerVersion": "1.2", "apis": []}')
    assert "Swagger 1.x (swaggerVersion: '1.2') is not supported" in error.reason
    assert error.line == 1


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("openapi: 4.0.0\n", "OpenAPI version '4.0.0'"),
        ("openapi: 2.0.0\n", "OpenAPI version '2.0.0'"),
        ("openapi: 3.1\n", "OpenAPI version 3.1 (a number, not a string)"),
        ("swagger: '1.2'\n", "Swagger version '1.2'"),
    ],
)
def test_unsupported_versions(text: str, found: str) -> None:
    error = parse_error("info: {title: t}\n" + text)
    assert f"unsupported {found}" in error.reason
    assert "OpenAPI 3.0, 3.1 and Swagger 2.0 are supported" in error.reason
    assert error.line == 2


def test_utf8_bom() -> None:
    doc = parse_document(b"\xef\xbb\xbf" + OPENAPI_YAML.encode(), "spec")
    assert doc.text == OPENAPI_YAML
    assert doc.locate("/info/title") == (3, 3)


def test_utf8_bom_json() -> None:
    doc = parse_document(b'\xef\xbb\xbf{"openapi": "3.0.0"}', "spec")
    assert doc.format == "json"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-le"])
def test_utf16_and_utf32_with_bom(encoding: str) -> None:
    text = OPENAPI_YAML.replace("Pets", "Pets é ☃")
    raw = text.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -be/-le codecs write no BOM themselves
        raw = ("\ufeff" + text).encode(encoding)
    doc = parse_document(raw, "spec")
    assert doc.data["info"]["title"] == "Pets é ☃"


def test_utf16_without_valid_data() -> None:
    error = parse_error(b"\xff\xfe" + "openapi: 3.0.0\n".encode("utf-16-le") + b"\x00")
    assert "not valid UTF-16" in error.reason


def test_latin1_is_rejected_clearly() -> None:
    raw = "openapi: 3.0.0\ninfo:\n  title: Café\n".encode("latin-1")
    offset = raw.index(0xE9)
    error = parse_error(raw)
    assert error.reason.startswith(f"not UTF-8 (byte 0xe9 at offset {offset})")
    assert error.line == 3


def test_json_duplicate_keys_warn() -> None:
    doc = parse_document(b'{"openapi": "3.0.0", "info": {"title": "a", "title": "b"}}', "spec")
    assert doc.data["info"]["title"] == "b"
    assert doc.warnings == ["duplicate key 'title'; the later value is used"]
    assert doc.locate("/info/title") == (1, 45)


def test_yaml_duplicate_keys_warn() -> None:
    doc = parse_document(b"openapi: 3.0.0\ninfo: {}\ninfo: {title: b}\n", "spec")
    assert doc.data["info"] == {"title": "b"}
    assert doc.warnings == ["duplicate key 'info' at line 3; the later value is used"]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 100_000 + "1" + "}" * 100_000,
        "openapi: 3.0.0\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "openapi: 3.0.0\nx: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
        "openapi: 3.0.0\nx:\n" + "".join(" " * i + f"- k{i}:\n" for i in range(0, 600, 2)),
    ],
    ids=["json-list", "json-object", "yaml-flow-list", "yaml-flow-map", "yaml-block"],
)
def test_deep_nesting_is_rejected_without_recursion_error(text: str) -> None:
    started = time.monotonic()
    error = parse_error(text)
    assert "nesting too deep" in error.reason
    assert time.monotonic() - started < 30  # a hang guard, not a speed target


def test_nesting_within_recursion_limit_but_too_deep_is_rejected() -> None:
    error = parse_error('{"openapi": "3.0.0", "x": ' + "[" * 300 + "]" * 300 + "}")
    assert error.reason == "nesting too deep (more than 200 levels)"


def test_moderate_nesting_is_fine() -> None:
    doc = parse_document(('{"openapi": "3.0.0", "x": ' + "[" * 150 + "]" * 150 + "}").encode(), "spec")
    assert doc.data["x"]


def test_huge_integer_is_a_clean_error() -> None:
    error = parse_error('{"openapi": "3.0.0", "x": ' + "9" * 5000 + "}")
    assert error.reason.startswith("invalid JSON")


def test_load_file(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(OPENAPI_YAML)
    doc = load_document(str(path))
    assert doc.path == str(path) and doc.source == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_document(str(tmp_path / "nope.yaml"))


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a directory"):
        load_document(str(tmp_path))


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, which chmod cannot lock out, so the failure is simulated.
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load_module, "open", denied, raising=False)
    with pytest.raises(DocumentError) as info:
        load_document(str(tmp_path / "spec.yaml"))
    assert info.value.reason == "permission denied"


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"openapi": "3.0.0", "x": "a" * 2000}))
    with pytest.raises(DocumentError) as info:
        load_document(str(path), max_bytes=1024)
    assert info.value.reason == "larger than the size limit of 1 KiB"


def test_stdin() -> None:
    doc = load_document("-", stdin=io.BytesIO(OPENAPI_YAML.encode()))
    assert doc.source == "<stdin>" and doc.path is None


def test_stdin_over_size_limit() -> None:
    with pytest.raises(DocumentError, match="larger than the size limit of 100 bytes"):
        load_document("-", stdin=io.BytesIO(b"x" * 101), max_bytes=100)


def test_unsupported_url_scheme() -> None:
    with pytest.raises(DocumentError, match="unsupported URL scheme 'ftp'"):
        load_document("ftp://example.com/spec.yaml")


@pytest.mark.parametrize(
    ("text", "reason", "column"),
    [
        ('{"openapi": "3.1.0", "info": {"title": "cut off', "invalid JSON: Unterminated string", 40),
        ('{"openapi": "3.1.0\x01"}', "invalid JSON: Invalid control character", 19),
    ],
)
def test_a_json_error_s_reason_does_not_end_waiting_for_its_position(text: str, reason: str, column: int) -> None:
    # The json module says "Unterminated string starting at" and puts the position after it; ours comes first.
    with pytest.raises(DocumentError) as info:
        parse_document(text.encode(), "openapi.json")
    assert (info.value.reason, info.value.line, info.value.column) == (reason, 1, column)
