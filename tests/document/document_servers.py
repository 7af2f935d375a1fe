"""Real HTTP(S) servers on 127.0.0.1 for the fetch tests (never the internet); the fixtures are in conftest.py."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler, "Server"], None]


@dataclass
class Server:
    """A local HTTP server: add routes as path -> handler(request, server); received headers are recorded."""

    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    received: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # set at teardown to end slow handlers


def send(
    request: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> None:
    request.send_response(status)
    for name, value in (headers or {"Content-Length": str(len(body))}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def start(tls: ssl.SSLContext | None = None) -> tuple[Server, ThreadingHTTPServer, threading.Thread]:
    state: dict[str, Server] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = state["server"]
            server.received.append({name.lower(): value for name, value in self.headers.items()})
            route = server.routes.get(self.path.split("?")[0])
            if route is None:
                send(self, 404, b"not found")
            else:
                route(self, server)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Quiet(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # clients that time out or hang up on purpose are expected here

    httpd = Quiet(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    server = Server(f"{scheme}://127.0.0.1:{httpd.server_address[1]}")
    state["server"] = server
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server, httpd, thread


def stop(server: Server, httpd: ThreadingHTTPServer, thread: threading.Thread) -> None:
    server.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)
