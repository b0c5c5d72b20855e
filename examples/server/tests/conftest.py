"""A real bunkerlite-server for the API tests: `init` in a fresh folder, then `serve` on a free
loopback port, driven over HTTP. The server's stderr (its log) is kept for the log checks."""

from __future__ import annotations

import email
import http.server
import json
import os
import pathlib
import re
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from aiosmtpd.controller import Controller

REPO = pathlib.Path(__file__).resolve().parents[3]


def server_binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("BUNKERLITE_SERVER_BIN", REPO / "target" / "release" / "bunkerlite-server"))
    if not path.exists():
        raise RuntimeError(f"{path} is missing: cargo build --release -p bunkerlite-server")
    return path


@dataclass
class Reply:
    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    base: str
    root: str
    folder: pathlib.Path
    config: pathlib.Path
    process: "subprocess.Popen[bytes]"
    log: pathlib.Path
    extra_env: Dict[str, str] = field(default_factory=dict)
    ssl_context: Optional[ssl.SSLContext] = None

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: Optional[str] = "root",
        content_type: Optional[str] = None,
        raw: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> Reply:
        data = raw
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if token == "root":
            hdrs["X-Bunker-Token"] = self.root
        elif token is not None:
            hdrs["X-Bunker-Token"] = token
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.ssl_context) as resp:
                return Reply(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())

    def ok(self, method: str, path: str, body: Any = None, **kw: Any) -> Dict[str, Any]:
        reply = self.call(method, path, body, **kw)
        assert reply.status == 200, (method, path, reply.status, reply.body)
        data = reply.json()
        assert data["status"] == "ok", data
        return dict(data)

    def error(self, status: int, method: str, path: str, body: Any = None, **kw: Any) -> str:
        reply = self.call(method, path, body, **kw)
        assert reply.status == status, (method, path, reply.status, reply.body)
        data = reply.json()
        assert data["status"] == "error", data
        return str(data["message"])


def run_cli(*args: str, env: Optional[Dict[str, str]] = None) -> Tuple[int, str, str]:
    proc = subprocess.run([str(server_binary()), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout, proc.stderr


def start(folder: pathlib.Path, config: pathlib.Path, root: str, env: Optional[Dict[str, str]] = None) -> Server:
    log = folder / "server.log"
    out = folder / "server.out"
    process = subprocess.Popen(
        [str(server_binary()), "serve", "--config", str(config)],
        stdout=open(out, "wb"), stderr=open(log, "wb"), env={**os.environ, "RUST_LOG": "info", **(env or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"listening on (https?://127\.0\.0\.1:\d+)", out.read_text())
        if match:
            return Server(match.group(1), root, folder, config, process, log, env or {})
        if process.poll() is not None:
            raise RuntimeError("the server exited: " + log.read_text())
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start in 30 s")


def stop(server: Server) -> int:
    server.process.terminate()
    return server.process.wait(timeout=30)


def log_values(log: str) -> str:
    """The server's log without the numbers it writes itself (each line's timestamp and its
    `micros=` timing), so that a search for a 6-digit login code cannot match them by chance."""
    lines = (re.sub(r"^\S+\s+", "", line) for line in log.splitlines())
    return "\n".join(re.sub(r"micros=\d+", "", line) for line in lines)


def set_section(config: pathlib.Path, name: str, body: str) -> None:
    """Replaces a section of the configuration `init` wrote (it writes every setting)."""
    text = re.sub(rf"(?ms)^\[{re.escape(name)}\]\n.*?(?=^\[|\Z)", "", config.read_text())
    config.write_text(text + f"\n[{name}]\n{body}\n")


def init(folder: pathlib.Path) -> Tuple[pathlib.Path, str]:
    config = folder / "server.toml"
    code, out, err = run_cli("init", "--config", str(config), "--listen", "127.0.0.1:0")
    assert code == 0, err
    match = re.search(r"root token:\s+(\S+)", out)
    assert match, out
    return config, match.group(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    config, root = init(folder)
    srv = start(folder, config, root)
    yield srv
    assert stop(srv) == 0, srv.log.read_text()


class Inbox:
    """Collects the messages the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: List[Tuple[List[str], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        payload = email.message_from_bytes(envelope.content).get_payload(decode=True)
        assert isinstance(payload, bytes)
        body = payload.decode()
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), body))
        return "250 OK"

    def code_for(self, address: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for rcpt, body in reversed(self.messages):
                    if address in rcpt:
                        match = re.search(r"login code is (\d{6,8})", body)
                        assert match, body
                        return match.group(1)
            time.sleep(0.05)
        raise AssertionError("no code arrived")

    def count_for(self, address: str) -> int:
        with self.lock:
            return sum(1 for rcpt, _ in self.messages if address in rcpt)


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    # aiosmtpd's controller checks its server by connecting to the port it was given: a free
    # port is picked first (port 0 would not do).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port  # type: ignore[attr-defined]
    yield box
    controller.stop()


def mail_section(port: int) -> str:
    return (f'sender = "smtp"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_tls = "none"\n'
            'from = "Privacy team <privacy@example.com>"')


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("portal")
    config, root = init(folder)
    port = inbox.port  # type: ignore[attr-defined]
    set_section(config, "mail", mail_section(port))
    srv = start(folder, config, root)
    yield srv
    assert stop(srv) == 0, srv.log.read_text()


class Stub:
    """An HTTP endpoint on loopback that records every post (headers, body, the status it gave);
    its first `fail` posts get 500."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.posts: List[Tuple[Dict[str, str], bytes, int]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with stub.lock:
                    status = 500 if stub.fail > 0 else 200
                    stub.fail -= 1
                    stub.posts.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted(self) -> List[Tuple[Dict[str, str], Any]]:
        """The posts it accepted: headers and JSON body."""
        with self.lock:
            return [(headers, json.loads(body)) for headers, body, status in self.posts if status == 200]
