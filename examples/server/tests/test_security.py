"""What an attacker tries against the server: telling known from unknown addresses by the
answer or its timing, and plain HTTP to a TLS server; and that TLS works with the configured
certificate (HSTS included)."""

from __future__ import annotations

import datetime
import ipaddress
import pathlib
import random
import socket
import ssl
import statistics
import time
import uuid
from typing import Iterator, List

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import Inbox, Server, init, mail_section, set_section, start, stop
from test_portal import Browser

TRIES = 200


@pytest.fixture(scope="module")
def open_portal(tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Server]:
    """A portal whose per-client limit lets one test client make 400 login starts."""
    folder = tmp_path_factory.mktemp("timing")
    config, root = init(folder)
    set_section(config, "mail", mail_section(inbox.port))  # type: ignore[attr-defined]
    set_section(config, "portal", "logins_per_client_per_hour = 1000")
    srv = start(folder, config, root)
    yield srv
    assert stop(srv) == 0


def test_known_and_unknown_addresses_answer_alike_in_body_and_time(open_portal: Server, inbox: Inbox) -> None:
    known = [f"t-{uuid.uuid4().hex[:10]}@example.com" for _ in range(TRIES)]
    for address in known:
        open_portal.ok("POST", "/v1/user", {"email": address})
    unknown = [f"u-{uuid.uuid4().hex[:10]}@example.com" for _ in range(TRIES)]
    b = Browser(open_portal)
    token = b.csrf()
    cookies = dict(b.cookies)
    timings: dict[str, List[float]] = {"known": [], "unknown": []}
    bodies: dict[str, set[str]] = {"known": set(), "unknown": set()}
    pairs = [("known", a) for a in known] + [("unknown", a) for a in unknown]
    random.Random(7).shuffle(pairs)
    for kind, address in pairs:
        b.cookies = dict(cookies)
        started = time.perf_counter()
        status, _, text, _ = b.request("POST", "/portal/login", {"identity": address, "csrf": token})
        timings[kind].append(time.perf_counter() - started)
        assert status == 200, text
        bodies[kind].add(text)
    assert bodies["known"] == bodies["unknown"] and len(bodies["known"]) == 1, "one page for every address"
    gap_ms = abs(statistics.median(timings["known"]) - statistics.median(timings["unknown"])) * 1000
    assert gap_ms < 5, f"median answer times differ by {gap_ms:.2f} ms"
    inbox.code_for(known[-1])
    assert all(inbox.count_for(a) == 0 for a in unknown[:20])


def self_signed(folder: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bunkerlite test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_with_the_configured_certificate(tmp_path: pathlib.Path) -> None:
    config, root = init(tmp_path)
    cert, key = self_signed(tmp_path)
    text = config.read_text().replace('listen = "127.0.0.1:0"', f'listen = "127.0.0.1:0"\ntls_cert = "{cert}"\ntls_key = "{key}"')
    config.write_text(text)
    srv = start(tmp_path, config, root)
    try:
        assert srv.base.startswith("https://")
        srv.ssl_context = ssl.create_default_context(cafile=str(cert))
        reply = srv.call("GET", "/v1/status", token=None)
        assert reply.status == 200 and reply.body == b"OK"
        assert reply.headers["strict-transport-security"].startswith("max-age=")
        srv.ok("POST", "/v1/user", {"email": f"tls-{uuid.uuid4().hex[:8]}@example.com"})
        # Plain HTTP to the TLS port gets no HTTP answer.
        host, port = srv.base.removeprefix("https://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                answer = conn.recv(100)
            except ConnectionResetError:
                answer = b""
        assert not answer.startswith(b"HTTP/1.1 200")
        # An untrusting client refuses the self-signed certificate.
        srv.ssl_context = ssl.create_default_context()
        with pytest.raises(Exception):
            srv.call("GET", "/v1/status", token=None)
    finally:
        assert stop(srv) == 0
