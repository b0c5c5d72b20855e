"""Phone logins: the code goes through an SMS gateway (a stub on loopback that records what it
is sent, with its bearer token); unknown numbers get the same page and no message."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest

from conftest import Server, Stub, init, set_section, start, stop
from test_portal import Browser

TOKEN = "sms-token-" + uuid.uuid4().hex


class Gateway(Stub):
    """An SMS gateway that records what it is asked to send."""

    @property
    def sent(self) -> List[Dict[str, Any]]:
        return [body for _, body in self.accepted()]

    @property
    def auth(self) -> List[str]:
        return [headers.get("authorization", "") for headers, _ in self.accepted()]

    def code_for(self, number: str) -> str:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for message in reversed(self.sent):
                if message["to"] == number:
                    match = re.search(r"login code is (\d+)", message["text"])
                    assert match
                    return match.group(1)
            time.sleep(0.05)
        raise AssertionError("no SMS arrived")


@pytest.fixture(scope="module")
def gateway() -> Iterator[Gateway]:
    g = Gateway()
    yield g
    g.server.shutdown()


@pytest.fixture(scope="module")
def phoned(tmp_path_factory: pytest.TempPathFactory, gateway: Gateway) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("sms")
    config, root = init(folder)
    set_section(config, "sms", f'gateway_url = "http://127.0.0.1:{gateway.port}/sms"')
    srv = start(folder, config, root, env={"BUNKERLITE_SMS_TOKEN": TOKEN})
    yield srv
    assert stop(srv) == 0


def test_a_phone_login_with_the_code_from_the_gateway(phoned: Server, gateway: Gateway) -> None:
    phone = "+442079460958"
    phoned.ok("POST", "/v1/user", {"phone": "+44 20 7946 0958", "name": "Phone Person"})
    b = Browser(phoned)
    status, _, text, _ = b.request("GET", "/portal/login")
    assert "E-mail address or phone number" in text
    csrf = b.csrf()
    assert b.request("POST", "/portal/login", {"identity": phone, "csrf": csrf})[0] == 200
    code = gateway.code_for(phone)
    assert gateway.auth[-1] == f"Bearer {TOKEN}"
    status, headers, _, _ = b.request("POST", "/portal/code", {"code": code, "csrf": csrf})
    assert status == 303 and headers["location"] == "/portal/"
    assert "Phone Person" in b.request("GET", "/portal/")[2]
    # An unknown number: the same page, no message.
    before = len(gateway.sent)
    other = Browser(phoned)
    status, _, text, _ = other.request("POST", "/portal/login", {"identity": "+442079460959", "csrf": other.csrf()})
    assert status == 200 and "Enter your code" in text
    time.sleep(0.3)
    assert len(gateway.sent) == before
    # The login API takes mode phone when a gateway is configured.
    api = Browser(phoned)
    assert api.request("GET", f"/v1/prelogin/phone/{phone}/0/0")[0] == 429, "the resend cooldown holds across both"
