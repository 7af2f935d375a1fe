"""External `$ref`s through the installed command: nothing is fetched or read unless `--allow-remote-refs`
allows it. A local listener counts accepted TCP connections (not just HTTP requests), and an audit hook
records every file the process opens, so "never fetched" and "never read" are observed, not assumed."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_run import assert_clean_exit, run

REMOTE_SCHEMAS = {
    "S": {"type": "object", "properties": {"password": {"type": "string"}, "name": {"type": "string"}}},
    "T": {"type": "object", "properties": {"id": {"type": "integer"}}},
}


class Listener(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that counts every accepted connection and records each request path."""

    daemon_threads = True

    def __init__(self, routes: dict[str, Callable[[BaseHTTPRequestHandler], None]]) -> None:
        self.routes = routes
        self.accepted = 0
        self.paths: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.paths.append(self.path)
                route = listener.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.accepted += 1  # every TCP connection, even one that never sends a request
        return True

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def serve_json(data: Any) -> Callable[[BaseHTTPRequestHandler], None]:
    body = json.dumps(data).encode()

    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return route


def redirect_to(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
    def route(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return route


@pytest.fixture
def listeners() -> Iterator[Callable[[], Listener]]:
    started: list[Listener] = []

    def start() -> Listener:
        server = Listener({"/x.json": serve_json(REMOTE_SCHEMAS)})
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def document(tmp_path: Path, *refs: str) -> Path:
    """A document whose GET /a answers with each ref in turn (one response code per ref)."""
    responses = {
        str(200 + i): {"description": "ok", "content": {"application/json": {"schema": {"$ref": r}}}}
        for i, r in enumerate(refs)
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": responses}}},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


# ---- remote references -------------------------------------------------------------------------------


def test_remote_ref_is_never_fetched_unless_allowed(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    server = listeners()
    target = f"http://127.0.0.1:{server.port}/x.json#/S"
    path = document(tmp_path, target)
    for args in (["check", str(path)], ["redact", str(path), "-o", str(tmp_path / "out.yaml")]):
        result = run(*args)
        assert_clean_exit(result, 0)
        assert f"1 external $ref not followed ({target!r} at /paths/~1a/get/responses/200/" in result.stderr
        assert "allow them with --allow-remote-refs" in result.stderr
    assert server.accepted == 0 and server.paths == []
    assert yaml.safe_load((tmp_path / "out.yaml").read_text()) == yaml.safe_load(path.read_text())


def test_allowed_remote_ref_is_fetched_once_and_reviewed(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    server = listeners()
    base = f"http://127.0.0.1:{server.port}/x.json"
    path = document(tmp_path, f"{base}#/S", f"{base}#/S", f"{base}#/T")
    result = run("check", str(path), "--allow-remote-refs", f"127.0.0.1:{server.port}", "--format", "json")
    assert_clean_exit(result, 1)
    assert server.paths == ["/x.json"]  # one document, read once for both fragments
    findings = json.loads(result.stdout)["findings"]
    bundled = "/x-specreview-bundled/127.0.0.1-x.json-S/properties/password"
    assert [(f["rule"], f["pointer"]) for f in findings] == [("password-in-response", bundled)]
    assert "bundled 2 external $ref targets" in result.stderr


def test_allowed_host_on_another_port_is_not_contacted(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    server, other = listeners(), listeners()
    path = document(tmp_path, f"http://127.0.0.1:{server.port}/x.json#/S")
    result = run("check", str(path), "--allow-remote-refs", f"127.0.0.1:{other.port}")
    assert_clean_exit(result, 0)
    assert server.accepted == 0 and other.accepted == 0
    assert "1 external $ref not followed" in result.stderr


def test_url_prefix_allows_only_below_it(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    server = listeners()
    server.routes["/schemas/x.json"] = serve_json(REMOTE_SCHEMAS)
    origin = f"http://127.0.0.1:{server.port}"
    path = document(tmp_path, f"{origin}/schemas/x.json#/T", f"{origin}/schemas/../x.json#/S")
    result = run("check", str(path), "--allow-remote-refs", f"{origin}/schemas/")
    assert_clean_exit(result, 0)
    assert server.paths == ["/schemas/x.json"]
    assert "1 external $ref not followed" in result.stderr


def test_redirect_from_an_allowed_host_is_not_followed(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    allowed, elsewhere = listeners(), listeners()
    allowed.routes["/r.json"] = redirect_to(f"http://127.0.0.1:{elsewhere.port}/x.json")
    path = document(tmp_path, f"http://127.0.0.1:{allowed.port}/r.json#/S")
    result = run("check", str(path), "--allow-remote-refs", f"127.0.0.1:{allowed.port}")
    assert_clean_exit(result, 2)
    assert elsewhere.accepted == 0 and allowed.paths == ["/r.json"]
    [line] = result.stderr.splitlines()
    assert line.startswith("specreview: error: ") and "redirects are not followed for $ref targets" in line


def test_unreachable_allowed_target_is_one_line_exit_2(tmp_path: Path, listeners: Callable[[], Listener]) -> None:
    server = listeners()
    path = document(tmp_path, f"http://127.0.0.1:{server.port}/missing.json#/S")
    result = run("redact", str(path), "-o", str(tmp_path / "out.yaml"), "--allow-remote-refs", "127.0.0.1")
    assert_clean_exit(result, 2)
    [line] = result.stderr.splitlines()
    assert "the server answered HTTP 404" in line and not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("entry", ["ftp://h/", "host:port", "./no-such-directory"])
def test_bad_allow_entry_is_a_usage_error(tmp_path: Path, entry: str) -> None:
    result = run("check", str(document(tmp_path, "#/x")), "--allow-remote-refs", entry)
    assert_clean_exit(result, 2)
    [line] = result.stderr.splitlines()
    assert line.startswith("specreview: error: --allow-remote-refs: ")


# ---- file references ---------------------------------------------------------------------------------

# Runs the command in a process that logs the path of every file it opens (PEP 578 audit hook). The log is
# opened before the hook is installed and written with os.write, so logging itself opens nothing.
_AUDITED = """
import os, sys
fd = os.open(sys.argv.pop(1), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        os.write(fd, os.fsencode(args[0]) + b"\\n")
sys.addaudithook(hook)
from specreview.cli import main
sys.argv[0] = "specreview"
main()
"""


def opened_files(log: Path, cwd: Path) -> set[str]:
    lines = log.read_bytes().decode(errors="replace").splitlines() if log.exists() else []
    return {os.path.realpath(os.path.join(cwd, line)) for line in lines}


@pytest.fixture
def file_refs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """api/spec.yaml referring to files inside api/lib (one allowed, one a symlink out) and outside it."""
    secret, api = tmp_path / "secret.yaml", tmp_path / "api"
    secret.write_text(yaml.safe_dump({"X": REMOTE_SCHEMAS["S"]}))
    (api / "lib").mkdir(parents=True)
    (api / "lib" / "ok.yaml").write_text(yaml.safe_dump({"X": REMOTE_SCHEMAS["S"]}))
    (api / "lib" / "escape.yaml").symlink_to(secret)
    refs = ["../secret.yaml#/X", "lib/escape.yaml#/X", "/etc/passwd", "file:///etc/passwd#/x", "lib/ok.yaml#/X"]
    return document(api, *refs), secret, api / "lib" / "ok.yaml"


def test_file_refs_outside_the_allowed_directory_are_never_opened(
    tmp_path: Path, file_refs: tuple[Path, Path, Path]
) -> None:
    spec, secret, ok = file_refs
    log = tmp_path / "opened.log"
    cwd = spec.parent
    argv = [sys.executable, "-c", _AUDITED, str(log)]
    result = run("check", "spec.yaml", "--allow-remote-refs", "./lib", "--format", "json", argv=argv, cwd=cwd)
    assert_clean_exit(result, 1)
    opened = opened_files(log, cwd)
    assert str(ok.resolve()) in opened  # the hook sees what is read...
    assert str(secret.resolve()) not in opened and "/etc/passwd" not in opened  # ...and nothing else was
    assert "4 external $refs not followed" in result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["pointer"] == "/x-specreview-bundled/ok.yaml-X/properties/password"


def test_no_file_ref_is_opened_without_an_allow_list(tmp_path: Path, file_refs: tuple[Path, Path, Path]) -> None:
    spec, secret, ok = file_refs
    log = tmp_path / "opened.log"
    argv = [sys.executable, "-c", _AUDITED, str(log)]
    result = run("check", "spec.yaml", argv=argv, cwd=spec.parent)
    assert_clean_exit(result, 0)
    opened = opened_files(log, spec.parent)
    assert str(spec.resolve()) in opened
    assert not {str(secret.resolve()), str(ok.resolve()), "/etc/passwd"} & opened
    assert "5 external $refs not followed" in result.stderr


# ---- local references through the command ------------------------------------------------------------


def test_missing_local_targets_warn_and_commands_still_work(tmp_path: Path) -> None:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/User"}}},
                        },
                        "404": {"$ref": "#/components/responses/Gone"},
                    }
                }
            }
        },
        "components": {"schemas": {"User": {"allOf": [{"$ref": "#/components/schemas/Missing"}, {"$ref": "#"}]}}},
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    checked = run("check", str(path))
    assert_clean_exit(checked, 0)
    assert "$ref '#/components/schemas/Missing' does not resolve" in checked.stderr
    assert "$ref '#/components/responses/Gone' does not resolve" in checked.stderr
    doc["components"]["schemas"]["User"]["allOf"].append({"properties": {"password": {"type": "string"}}})
    path.write_text(json.dumps(doc))
    assert_clean_exit(run("check", str(path)), 1)
    redacted = run("redact", str(path), "-o", str(tmp_path / "out.json"))
    assert_clean_exit(redacted, 0)
    assert "does not resolve" in redacted.stderr
