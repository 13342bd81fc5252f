"""What a school deploys (``deploy/``): nginx's routing of browsers to app servers, checked with
the real nginx in front of two small stand-in servers; the systemd unit; the example settings.

The whole thing, with two real app servers and Chromium, is ``tests/browser/test_two_servers.py``.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from learning.settings import Settings
from tests.conftest import ROOT, free_port, skip_or_fail
from tests.nginx import ROUTE_COOKIE, nginx_path, running_nginx

DEPLOY = ROOT / "deploy"


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the server's route and the request it received, as JSON."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            length -= len(self.rfile.read(min(length, 1 << 20)))
        body = json.dumps({"route": self.server.route, "path": self.path, "headers": dict(self.headers.items())}).encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@dataclass
class Backends:
    """Stand-ins for app servers 1 and 2, each on its own port; one can be stopped and started."""

    ports: dict[str, int]
    running: dict[str, ThreadingHTTPServer] = field(default_factory=dict)

    def start(self, route: str) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self.ports[route]), _Echo)
        server.route = route  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.running[route] = server

    def stop(self, route: str) -> None:
        server = self.running.pop(route)
        server.shutdown()
        server.server_close()


@dataclass
class Reply:
    status: int
    route: str | None
    headers: dict[str, str]
    cookie: str | None

    @property
    def new_route(self) -> str | None:
        found = re.match(rf"{ROUTE_COOKIE}=([^;]*)", self.cookie or "")
        return found.group(1) if found else None


@dataclass
class Front:
    port: int
    backends: Backends

    def get(self, path: str = "/", *, route: str | None = None, headers: dict[str, str] | None = None) -> Reply:
        return self.send("GET", path, route=route, headers=headers)

    def send(self, method: str, path: str, *, route: str | None = None, headers: dict[str, str] | None = None, body: bytes = b"") -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = dict(headers or {})
        if route is not None:
            sent["Cookie"] = f"{ROUTE_COOKIE}={route}"
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        echoed = json.loads(data) if response.getheader("Content-Type") == "application/json" else {}
        return Reply(response.status, echoed.get("route"), echoed.get("headers", {}), response.getheader("Set-Cookie"))


@pytest.fixture
def front() -> Iterator[Front]:
    if nginx_path() is None:
        skip_or_fail("nginx is not installed (apt-get install nginx-light)")
    backends = Backends({"1": free_port(), "2": free_port()})
    for route in backends.ports:
        backends.start(route)
    port = free_port()
    try:
        with running_nginx(port, backends.ports):
            yield Front(port, backends)
    finally:
        for route in list(backends.running):
            backends.stop(route)


def test_a_new_browser_gets_a_route_cookie_naming_the_server_that_answered(front) -> None:
    reply = front.get()
    assert reply.status == 200 and reply.route in ("1", "2")
    assert reply.cookie == f"{ROUTE_COOKIE}={reply.route}; Path=/; HttpOnly; SameSite=Lax"


def test_new_browsers_are_spread_over_the_servers(front) -> None:
    assert {front.get().route for _ in range(4)} == {"1", "2"}


@pytest.mark.parametrize("route", ["1", "2"])
def test_a_browser_keeps_its_server_and_is_not_given_the_cookie_again(front, route: str) -> None:
    replies = [front.get(path, route=route) for path in ("/", "/_stcore/health", "/media/a.png", "/_stcore/stream", "/") * 2]
    assert {r.route for r in replies} == {route}
    assert [r.cookie for r in replies] == [None] * len(replies)


def test_a_made_up_route_gets_any_server_and_a_real_route(front) -> None:
    reply = front.get(route="9; other=x")
    assert reply.route in ("1", "2") and reply.new_route == reply.route


def test_a_browser_moves_only_when_its_server_fails_and_then_stays(front) -> None:
    front.backends.stop("1")
    moved = front.get(route="1")
    assert (moved.status, moved.route, moved.new_route) == (200, "2", "2")
    front.backends.start("1")
    # Back up, server 1 gets new browsers again; the moved browser stays where its tab now lives.
    assert [front.get(route="2").route for _ in range(3)] == ["2", "2", "2"]


def test_the_client_address_and_scheme_are_passed_on(front) -> None:
    forwarded = front.get(route="1", headers={"X-Forwarded-For": "203.0.113.9", "Host": "study.school.example"}).headers
    # The app trusts only the last entry (LEARNING_TRUST_FORWARDED_FOR): nginx's own view of the client.
    assert forwarded["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert forwarded["X-Forwarded-Proto"] == "http"
    assert forwarded["X-Real-IP"] == "127.0.0.1"
    assert forwarded["Host"] == "study.school.example"


def test_the_websocket_handshake_is_passed_on_as_an_upgrade(front) -> None:
    handshake = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZQ=="}
    upgraded = front.get("/_stcore/stream", route="1", headers=handshake).headers
    assert (upgraded["Upgrade"], upgraded["Connection"]) == ("websocket", "upgrade")
    plain = front.get("/", route="1").headers
    assert "Upgrade" not in plain and plain["Connection"] == "close"


def test_an_import_file_of_20_mb_gets_through_and_a_larger_body_does_not(front) -> None:
    assert front.send("POST", "/_stcore/upload_file/x/y", route="1", body=b"x" * (20 * 1024 * 1024)).status == 200
    assert front.send("POST", "/_stcore/upload_file/x/y", route="1", body=b"x" * (26 * 1024 * 1024)).status == 413


def test_the_systemd_unit_runs_one_server_per_port_with_the_settings_file() -> None:
    unit = (DEPLOY / "learning@.service").read_text()
    command = re.search(r"^ExecStart=(.+?)(?<!\\)$", unit, re.MULTILINE | re.DOTALL)
    assert command is not None
    words = command.group(1).replace("\\\n", " ").split()
    assert words[1:3] == ["run", "streamlit_app.py"] and words[0].endswith("/streamlit")
    assert " ".join(words[3:]).startswith("--server.port %i --server.address 127.0.0.1 --server.headless true")
    assert re.search(r"^EnvironmentFile=\S+", unit, re.MULTILINE)
    assert re.search(r"^Restart=on-failure$", unit, re.MULTILINE)
    # The bank's save lock is in the system's temporary folder: every server must see the same one.
    assert not re.search(r"^PrivateTmp=(yes|true)", unit, re.MULTILINE)


def test_the_example_settings_are_settings_the_app_reads() -> None:
    lines = [line for line in (DEPLOY / "learning.env.example").read_text().splitlines() if line and not line.startswith("#")]
    names = [line.split("=", 1)[0] for line in lines]
    known = {f"LEARNING_{name.upper()}" for name in Settings.model_fields}
    assert [name for name in names if name.startswith("LEARNING_") and name not in known] == []
    assert {"LEARNING_DATABASE_URL", "LEARNING_LESSONS_DIR", "LEARNING_BANK_DIR", "LEARNING_TRUST_FORWARDED_FOR"} <= set(names)
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in names
