"""Notifications from the vault's outboxes: request e-mails to the subject through a real SMTP
server, and signed webhooks to a receiver that fails at first — delivered at least once, in
order, each with a signature the receiver can check."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import Any, Dict, Iterator, List

import bunkerlite
import pytest
import tomllib

from conftest import Inbox, Server, Stub, init, mail_section, set_section, start, stop

SECRET = "webhook-secret-" + uuid.uuid4().hex


class Receiver(Stub):
    """A webhook endpoint that refuses its first posts."""

    def delivered(self) -> List[Dict[str, Any]]:
        return [body for _, body in self.accepted()]

    def wait_for(self, kind: str, timeout: float = 15.0) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.delivered():
                if event["type"] == kind:
                    return event
            time.sleep(0.05)
        raise AssertionError(f"no {kind} event arrived")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=4)
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def notifying(tmp_path_factory: pytest.TempPathFactory, inbox: Inbox, receiver: Receiver) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("notify")
    config, root = init(folder)
    set_section(config, "mail", mail_section(inbox.port))  # type: ignore[attr-defined]
    set_section(config, "notify", f'request_mail = true\nwebhook_url = "http://127.0.0.1:{receiver.port}/hook"\n'
                                  "interval_ms = 200")
    srv = start(folder, config, root, env={"BUNKERLITE_WEBHOOK_SECRET": SECRET})
    yield srv
    assert stop(srv) == 0, srv.log.read_text()


def mails_to(inbox: Inbox, address: str, text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with inbox.lock:
            for rcpt, body in inbox.messages:
                if address in rcpt and text in body:
                    return body
        time.sleep(0.05)
    raise AssertionError(f"no mail with {text!r}")


def test_consent_events_reach_the_webhook_signed_despite_early_failures(notifying: Server, receiver: Receiver) -> None:
    notifying.ok("POST", "/v1/lbasis/hooks", {"basistype": "consent", "shortdesc": "Hooks", "usercontrol": True})
    token = notifying.ok("POST", "/v1/user", {"email": f"hook-{uuid.uuid4().hex[:8]}@example.com"})["token"]
    notifying.ok("POST", f"/v1/agreement/hooks/token/{token}", {})
    notifying.ok("DELETE", f"/v1/agreement/hooks/token/{token}")
    given = receiver.wait_for("consent.given")
    withdrawn = receiver.wait_for("consent.withdrawn")
    assert given["data"]["subject"] == token and given["data"]["legal_basis"] == "hooks"
    ids = [e["id"] for e in receiver.delivered()]
    assert ids.index(given["id"]) < ids.index(withdrawn["id"]), "in order"
    with receiver.lock:
        assert any(status == 500 for _, _, status in receiver.posts), "the receiver refused some first"
        for headers, body, _ in receiver.posts:
            t, v1 = (part.split("=", 1)[1] for part in headers["x-bunker-signature"].split(","))
            expected = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
            assert hmac.compare_digest(v1, expected)
            assert abs(int(t) - time.time()) < 120


def test_request_emails_go_to_the_subject(notifying: Server, inbox: Inbox, receiver: Receiver) -> None:
    address = f"asker-{uuid.uuid4().hex[:8]}@example.com"
    token = notifying.ok("POST", "/v1/user", {"email": address, "name": "Asker"})["token"]
    config = tomllib.loads(notifying.config.read_text())
    vault = bunkerlite.Vault.open(config["vault"]["path"], bunkerlite.MasterKey.from_file(config["vault"]["key_file"]))
    try:
        fix = vault.create_request({"token": token}, {"kind": "rectify", "verified": True, "patch": {"name": "Asker B"}},
                                   actor="app:web")
        other = vault.create_request({"token": token}, {"kind": "access"}, actor="app:web")
    finally:
        vault.close()
    assert "will answer by" in mails_to(inbox, address, "We received your rectify request")
    notifying.ok("POST", f"/v1/request/{fix['id']}")
    mails_to(inbox, address, "We have completed your rectify request")
    notifying.ok("DELETE", f"/v1/request/{other['id']}", {"code": "no_match", "reason": "No account matches."})
    denied = mails_to(inbox, address, "We could not grant your access request")
    assert "no match" in denied and "No account matches." in denied
    fulfilled = receiver.wait_for("request.fulfilled")
    assert fulfilled["data"]["request"] == fix["id"]
