"""`$ref`s as loaded: local ones (self-references, cycles, `#`, missing targets, escaped pointers) reviewed
without recursion and warned about, external ones left unread unless allowed, and allowed ones bundled.
The command-line end of this (a listener proving no connection is made) is tests/cli/test_cli_refs.py."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from specreview.config import Allowances
from specreview.document import bundle as bundle_module
from specreview.document.bundle import BUNDLE_KEY, BundleLimits, bundle_external_refs, file_base
from specreview.document.load import load_document
from specreview.document.ref_allow import RefAllowList, canonical_target, parse_allow_list
from specreview.document.refs import iter_refs, kind_of, ref_warnings
from specreview.engine import review_document
from specreview.errors import DocumentError, SpecreviewError
from specreview.redactor import redact_document
from specreview.ruleset.model import Rule

PASSWORD = {"type": "object", "properties": {"password": {"type": "string"}}}


def openapi(schemas: dict[str, Any], response: dict[str, Any] | None = None) -> dict[str, Any]:
    """A 3.1 document whose GET /a answers with `response` (a schema) and holds `schemas` as components."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": response or {"type": "string"}}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": schemas},
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False) if path.suffix == ".yaml" else json.dumps(data))
    return path


def pointers(path: Path, rules: list[Rule], allow: RefAllowList | None = None) -> set[str]:
    document = load_document(str(path), allow_refs=allow)
    return {raw.finding.pointer for raw in review_document(document, rules, Allowances())}


# ---- local references --------------------------------------------------------------------------------


def test_self_reference_is_a_cycle_warning_and_reviews(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    doc = openapi({"Self": ref("Self"), "User": {**PASSWORD, "properties": {**PASSWORD["properties"]}}}, ref("Self"))
    path = write(tmp_path / "spec.json", doc)
    assert load_document(str(path)).warnings == ["/components/schemas/Self: $ref cycle that never reaches a definition"]
    assert pointers(path, builtin_rules) == set()  # nothing reachable leaks; above all, no RecursionError


def test_recursive_schema_through_properties_is_not_a_cycle_warning(tmp_path: Path) -> None:
    node = {"type": "object", "properties": {"children": {"type": "array", "items": ref("Node")}}}
    assert load_document(str(write(tmp_path / "spec.json", openapi({"Node": node}, ref("Node"))))).warnings == []


def test_cycles_through_allof_and_oneof_report_once_at_the_component(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    doc = openapi(
        {
            "A": {"allOf": [ref("B"), PASSWORD]},
            "B": {"oneOf": [ref("A"), ref("C")]},
            "C": {"anyOf": [ref("B"), {"$ref": "#"}]},
        },
        ref("A"),
    )
    path = write(tmp_path / "spec.json", doc)
    assert load_document(str(path)).warnings == []  # every chain reaches a definition
    assert pointers(path, builtin_rules) == {"/components/schemas/A/allOf/1/properties/password"}


def test_pure_ref_cycle_is_named_once_by_its_first_member(tmp_path: Path) -> None:
    doc = openapi({"Z": ref("Y"), "Y": ref("X"), "X": ref("Z"), "Entry": ref("X")}, ref("Entry"))
    warnings = load_document(str(write(tmp_path / "spec.json", doc))).warnings
    assert warnings == ["/components/schemas/Z: $ref cycle that never reaches a definition"]


def test_long_ref_chain_is_linear_not_quadratic() -> None:
    # 30,000 `{$ref}`-only objects in a chain ending at a definition: a per-start walk would take ~450M steps.
    n = 30_000
    schemas: dict[str, Any] = {f"S{i}": ref(f"S{i + 1}") for i in range(n)}
    schemas[f"S{n}"] = {"type": "string"}
    assert ref_warnings(openapi(schemas)) == []


def test_ref_to_the_whole_document(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    doc = openapi({"Root": {"$ref": "#"}, "User": PASSWORD}, {"$ref": "#"})
    path = write(tmp_path / "spec.json", doc)
    assert load_document(str(path)).warnings == []
    pointers(path, builtin_rules)  # the root read as a schema is odd, but it must terminate
    result = redact_document(load_document(str(path)), builtin_rules)
    assert result.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#"
    }


def test_missing_targets_are_warnings_naming_the_pointer(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    doc = openapi({"A": {"allOf": [ref("Gone"), PASSWORD]}, "B": {"$ref": "#/components/schemas/A/properties/x"}})
    doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = ref("A")
    doc["components"]["schemas"]["C"] = {"$ref": "#nowhere"}
    path = write(tmp_path / "spec.json", doc)
    assert load_document(str(path)).warnings == [
        "/components/schemas/A/allOf/0/$ref: $ref '#/components/schemas/Gone' does not resolve (no 'Gone' there)",
        "/components/schemas/B/$ref: $ref '#/components/schemas/A/properties/x' does not resolve (no 'properties' "
        "there)",
        "/components/schemas/C/$ref: $ref '#nowhere' does not resolve (no schema declares this anchor)",
    ]
    assert pointers(path, builtin_rules) == {"/components/schemas/A/allOf/1/properties/password"}


def test_many_missing_targets_are_summarised() -> None:
    warnings = ref_warnings(openapi({f"S{i}": ref(f"Gone{i}") for i in range(50)}))
    assert len(warnings) == 4 and warnings[-1] == "... and 47 more unresolved local $refs"


def test_anchor_references_resolve() -> None:
    assert ref_warnings(openapi({"A": {"$anchor": "user", **PASSWORD}, "B": {"$ref": "#user"}})) == []


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("a/b", "#/components/schemas/a~1b"),
        ("c~d", "#/components/schemas/c~0d"),
        ("~1", "#/components/schemas/~01"),  # `~01` is `~1` unescaped once, not `/`
        ("e f", "#/components/schemas/e%20f"),
        ("g~/h", "#/components/schemas/g%7E0%7E1h"),
    ],
)
def test_escaped_pointers_resolve(tmp_path: Path, builtin_rules: list[Rule], name: str, reference: str) -> None:
    # `password` is only an error in a response: found only if the escaped reference led the flow to it.
    path = write(tmp_path / "spec.json", openapi({name: PASSWORD, "Unused": PASSWORD}, {"$ref": reference}))
    assert load_document(str(path)).warnings == []
    escaped = name.replace("~", "~0").replace("/", "~1")
    assert pointers(path, builtin_rules) == {f"/components/schemas/{escaped}/properties/password"}


def test_an_unescaped_slash_does_not_resolve() -> None:
    warnings = ref_warnings(openapi({"a/b": PASSWORD, "x": {"$ref": "#/components/schemas/a/b"}}))
    assert warnings == ["/components/schemas/x/$ref: $ref '#/components/schemas/a/b' does not resolve (no 'a' there)"]


def test_yaml_aliases_are_visited_once() -> None:
    shared: dict[str, Any] = {"$ref": "#/components/schemas/Gone"}
    doc = openapi({f"S{i}": {"items": shared} for i in range(100)})
    assert len(list(iter_refs(doc))) == 1


# ---- external references: kinds and warnings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        ("#/a", "local"),
        ("http://h/x.json#/S", "remote"),
        ("HTTPS://h/x.json", "remote"),
        ("file:///etc/passwd", "file"),
        ("/etc/passwd", "file"),
        ("../secret.yaml", "file"),
        ("other.yaml#/X", "file"),
        ("C:\\specs\\x.yaml", "file"),
        ("urn:uuid:1234", "other"),
    ],
)
def test_kind_of(reference: str, kind: str) -> None:
    assert kind_of(reference) == kind


def test_external_refs_are_one_summary_warning(tmp_path: Path) -> None:
    refs = ["http://127.0.0.1:9/x.json#/S", "other.yaml#/X", "/etc/passwd", "file:///etc/passwd", "../secret.yaml"]
    doc = openapi({f"S{i}": {"$ref": r} for i, r in enumerate(refs)})
    [warning] = load_document(str(write(tmp_path / "spec.json", doc))).warnings
    assert warning.startswith("5 external $refs not followed ('http://127.0.0.1:9/x.json#/S' at /components/schemas/")
    assert warning.endswith("and 2 more); their targets are not reviewed (allow them with --allow-remote-refs)")


def test_external_refs_are_not_read_without_an_allow_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "other.yaml", {"X": PASSWORD})

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("read or fetched without being allowed")

    monkeypatch.setattr(bundle_module, "read_file", never)
    monkeypatch.setattr(bundle_module, "fetch", never)
    doc = openapi({"A": {"$ref": "other.yaml#/X"}, "B": {"$ref": "http://127.0.0.1:9/x.json"}})
    document = load_document(str(write(tmp_path / "spec.json", doc)))
    assert BUNDLE_KEY not in document.data
    assert document.data["components"]["schemas"]["A"] == {"$ref": "other.yaml#/X"}


# ---- the allow-list and canonical targets ------------------------------------------------------------


def test_parse_allow_list_entries(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    allow = parse_allow_list(
        ["api.example.com, 127.0.0.1:8123", "[::1]:8080", "HTTPS://Schemas.Example.com:443/v1/", "./schemas"],
        cwd=str(tmp_path),
    )
    assert allow.hosts == (("api.example.com", None), ("127.0.0.1", 8123), ("::1", 8080))
    assert allow.url_prefixes == ("https://schemas.example.com/v1/",)
    assert allow.paths == ((tmp_path / "schemas").resolve().as_uri(),)
    assert not parse_allow_list([])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("ftp://h/x", "is not an http(s) URL prefix"),
        ("http://h/x#/frag", "is not an http(s) URL prefix"),
        ("host:notaport", "is not a host, host:port, URL or path"),
        ("host:99999", "is not a host, host:port, URL or path"),
        ("user@host", "is not a host, host:port, URL or path"),
        ("./missing-dir", "no such file or directory"),
        ("api.example.com/schemas", "for a URL prefix, write https://"),
    ],
)
def test_parse_allow_list_rejects(tmp_path: Path, entry: str, message: str) -> None:
    with pytest.raises(SpecreviewError, match="--allow-remote-refs: .*" + re.escape(message)):
        parse_allow_list([entry], cwd=str(tmp_path))


@pytest.mark.parametrize(
    ("reference", "base", "target"),
    [
        ("x.json#/S", "http://h/api/doc.json", "http://h/api/x.json#/S"),
        ("HTTP://User:pw@H:80/a/./b/../c.json", "", "http://h/a/c.json#"),
        ("https://h:443/%7Euser/%2e%2e/x", "", "https://h/x#"),
        ("http://h:8080/a%2fb", "", "http://h:8080/a%2Fb#"),
        ("//other.example/x.json", "http://h/doc.json", "http://other.example/x.json#"),
        ("//other.example/x.json", "file:///srv/doc.json", None),  # a file on another host
        ("file://remote-host/etc/passwd", "", None),
        ("x.yaml", "", None),  # relative, and nothing to resolve it against
        ("..\\secret.yaml", "file:///srv/doc.json", None),
        ("C:\\secret.yaml", "file:///srv/doc.json", None),
        ("mailto:a@b", "file:///srv/doc.json", None),
        ("http://[::1/x", "", None),
    ],
)
def test_canonical_target(reference: str, base: str, target: str | None) -> None:
    assert canonical_target(reference, base) == target


def test_canonical_file_target_is_the_real_path(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    base = (tmp_path / "doc.yaml").as_uri()
    expected = (tmp_path / "real" / "x.yaml").resolve().as_uri() + "#/X"
    assert canonical_target("link/../link/x.yaml#/X", base) == expected


def test_allow_list_matching(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    allow = parse_allow_list(["h1", "h2:8080", "https://h3/schemas", "./schemas"], cwd=str(tmp_path))
    inside = (tmp_path / "schemas" / "a.yaml").resolve().as_uri()
    allowed = ["http://h1/x#", "https://h1:9/x#", "http://h2:8080/x#", "https://h3/schemas#", "https://h3/schemas/a#"]
    refused = ["http://h2/x#", "http://h3/schemas/a#", "https://h3/schemas-x/a#", "https://h3/other#", "http://h4/#"]
    assert all(allow.allows(t) for t in [*allowed, inside + "#"]), allowed
    assert not any(allow.allows(t) for t in refused), refused
    assert not allow.allows((tmp_path / "schemas-x.yaml").resolve().as_uri() + "#")
    assert not allow.allows(canonical_target("https://h3/schemas/../admin/x", "") or "")


# ---- bundling allowed targets ------------------------------------------------------------------------


def test_allowed_relative_file_is_bundled_and_reviewed(tmp_path: Path, builtin_rules: list[Rule]) -> None:
    x = {**PASSWORD, "properties": {**PASSWORD["properties"], "y": {"$ref": "#/Y"}}}  # local to other.yaml
    write(tmp_path / "lib" / "other.yaml", {"X": x, "Y": {"type": "string"}})
    path = write(tmp_path / "spec.yaml", openapi({}, {"$ref": "lib/other.yaml#/X"}))
    allow = parse_allow_list(["./lib"], cwd=str(tmp_path))
    document = load_document(str(path), allow_refs=allow)
    assert document.warnings == ["bundled 2 external $ref targets under /x-specreview-bundled"]
    assert set(document.data[BUNDLE_KEY]) == {"other.yaml-X", "other.yaml-Y"}
    schema = document.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": f"#/{BUNDLE_KEY}/other.yaml-X"}
    assert pointers(path, builtin_rules, allow) == {f"/{BUNDLE_KEY}/other.yaml-X/properties/password"}


def test_a_scalar_target_is_bundled(tmp_path: Path) -> None:
    write(tmp_path / "other.yaml", {"Version": "1.2", "Nothing": None})
    path = write(
        tmp_path / "spec.yaml", openapi({"A": {"$ref": "other.yaml#/Version"}, "B": {"$ref": "other.yaml#/Nothing"}})
    )
    document = load_document(str(path), allow_refs=parse_allow_list(["."], cwd=str(tmp_path)))
    assert document.data[BUNDLE_KEY] == {"other.yaml-Version": "1.2", "other.yaml-Nothing": None}


def test_nested_refs_keep_their_meaning(tmp_path: Path) -> None:
    # Inside a copy, a reference back into the reviewed document becomes local, and one that is not
    # followed is rewritten relative to the reviewed document (it moved; its target did not).
    write(
        tmp_path / "lib" / "other.yaml",
        {"X": {"properties": {"back": {"$ref": "../spec.yaml#/info"}, "far": {"$ref": "../far/z.yaml#/Z"}}}},
    )
    path = write(tmp_path / "spec.yaml", openapi({"A": {"$ref": "lib/other.yaml#/X"}}))
    document = load_document(str(path), allow_refs=parse_allow_list(["./lib"], cwd=str(tmp_path)))
    assert document.data[BUNDLE_KEY]["other.yaml-X"]["properties"] == {
        "back": {"$ref": "#/info"},
        "far": {"$ref": "far/z.yaml#/Z"},
    }


def test_a_ref_to_the_document_itself_by_name_is_local(tmp_path: Path) -> None:
    path = write(tmp_path / "spec.yaml", openapi({"A": PASSWORD, "B": {"$ref": "spec.yaml#/components/schemas/A"}}))
    document = load_document(str(path), allow_refs=parse_allow_list(["."], cwd=str(tmp_path)))
    assert document.data["components"]["schemas"]["B"] == ref("A") and BUNDLE_KEY not in document.data


def test_files_outside_the_allowed_directory_are_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "secret.yaml", {"X": PASSWORD})
    write(tmp_path / "api" / "lib" / "ok.yaml", {"X": PASSWORD})
    (tmp_path / "api" / "lib" / "escape.yaml").symlink_to(tmp_path / "secret.yaml")
    refs = ["../secret.yaml#/X", "lib/../../secret.yaml#/X", "lib/escape.yaml#/X", "/etc/passwd", "file:///etc/hosts"]
    doc = openapi({f"S{i}": {"$ref": r} for i, r in enumerate([*refs, "lib/ok.yaml#/X"])})
    path = write(tmp_path / "api" / "spec.yaml", doc)
    read: list[str] = []
    real_read = bundle_module.read_file

    def recording(file: str, *args: Any) -> bytes:
        read.append(os.path.realpath(file))
        return real_read(file, *args)

    monkeypatch.setattr(bundle_module, "read_file", recording)
    document = load_document(str(path), allow_refs=parse_allow_list(["./api/lib"], cwd=str(tmp_path)))
    assert read == [str((tmp_path / "api" / "lib" / "ok.yaml").resolve())]
    assert document.warnings[1].startswith("5 external $refs not followed")


def test_a_fifo_in_an_allowed_directory_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    path = write(tmp_path / "spec.yaml", openapi({"A": {"$ref": "pipe.yaml#/X"}}))
    with pytest.raises(DocumentError, match="pipe.yaml: not a regular file"):
        load_document(str(path), allow_refs=parse_allow_list(["."], cwd=str(tmp_path)))


def test_allowed_target_that_does_not_exist_is_a_document_error(tmp_path: Path) -> None:
    write(tmp_path / "other.yaml", {"X": PASSWORD})
    doc = openapi({"A": {"$ref": "other.yaml#/Nope"}, "B": {"$ref": "gone.yaml"}})
    path = write(tmp_path / "spec.yaml", doc)
    allow = parse_allow_list(["."], cwd=str(tmp_path))
    with pytest.raises(
        DocumentError, match=r"/components/schemas/A/\$ref: \$ref target '.*other.yaml#/Nope' not found"
    ):
        load_document(str(path), allow_refs=allow)
    del doc["components"]["schemas"]["A"]
    with pytest.raises(DocumentError, match=r"/components/schemas/B/\$ref: \$ref target .*gone.yaml: no such file"):
        load_document(str(write(path, doc)), allow_refs=allow)


def test_an_unparseable_target_is_a_document_error_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("X:\n  type: [unclosed\n")
    path = write(tmp_path / "spec.yaml", openapi({"A": {"$ref": "broken.yaml#/X"}}))
    with pytest.raises(DocumentError, match=r"\$ref target .*broken.yaml:3:1: invalid YAML"):
        load_document(str(path), allow_refs=parse_allow_list(["."], cwd=str(tmp_path)))


def bundle(tmp_path: Path, schemas: dict[str, Any], limits: BundleLimits) -> dict[str, Any]:
    data = openapi(schemas)
    base = file_base(str(tmp_path / "spec.yaml"))
    bundle_external_refs(data, "spec.yaml", base=base, allow=parse_allow_list(["."], cwd=str(tmp_path)), limits=limits)
    return data


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (BundleLimits(max_targets=2), "more than 2 external \\$ref targets"),
        (BundleLimits(max_documents=1), "more than 1 external documents"),
        (BundleLimits(max_bytes=100), "larger than the size limit of 100 bytes"),
        (BundleLimits(max_nodes=50), "would copy more than 50 values"),
    ],
)
def test_bundling_is_bounded(tmp_path: Path, limits: BundleLimits, message: str) -> None:
    for name in ("a", "b", "c"):
        write(tmp_path / f"{name}.json", {"X": {"properties": {f"p{i}": {"type": "string"} for i in range(20)}}})
    with pytest.raises(DocumentError, match=message):
        bundle(tmp_path, {n: {"$ref": f"{n}.json#/X"} for n in ("a", "b", "c")}, limits)


def test_overlapping_targets_are_copies_sharing_nothing(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"X": {"properties": {"p": {"type": "string"}}}})
    data = bundle(tmp_path, {"A": {"$ref": "a.json#/X"}, "P": {"$ref": "a.json#/X/properties/p"}}, BundleLimits())
    bundled = data[BUNDLE_KEY]
    assert bundled["a.json-X-properties-p"] == bundled["a.json-X"]["properties"]["p"]
    assert bundled["a.json-X-properties-p"] is not bundled["a.json-X"]["properties"]["p"]


def test_an_existing_bundle_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a.json", {"X": {}})
    data = openapi({"A": {"$ref": "a.json#/X"}})
    data[BUNDLE_KEY] = "mine"
    with pytest.raises(DocumentError, match="is not a mapping"):
        bundle_external_refs(data, "s", base=file_base(str(tmp_path / "s.yaml")), allow=parse_allow_list(["/"]))
