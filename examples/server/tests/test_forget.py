""""Forget me" with a delay window (`portal.forget = "1d"`): the erasure is scheduled, the person
is told by e-mail with a link that keeps the data, and can cancel from the portal too."""

from __future__ import annotations

import re
import time
from typing import Iterator

import pytest

from conftest import Inbox, Server, init, mail_section, set_section, start, stop
from test_portal import log_in, subject


@pytest.fixture(scope="module")
def delayed(tmp_path_factory: pytest.TempPathFactory, inbox: Inbox) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("forget")
    config, root = init(folder)
    set_section(config, "mail", mail_section(inbox.port))  # type: ignore[attr-defined]
    set_section(config, "portal", 'forget = "1d"\npublic_url = "https://privacy.example.com"')
    srv = start(folder, config, root)
    yield srv
    assert stop(srv) == 0


def erasure_link(inbox: Inbox, address: str, seen: int) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with inbox.lock:
            links = [m for rcpt, body in inbox.messages if address in rcpt
                     for m in re.findall(r"https://privacy\.example\.com/v1/exp/retain/(\S+)", body)]
        if len(links) > seen:
            return str(links[-1])
        time.sleep(0.05)
    raise AssertionError("no erasure notice arrived")


def test_forget_me_schedules_the_erasure_and_both_ways_back_work(delayed: Server, inbox: Inbox) -> None:
    me = subject(delayed)
    b = log_in(delayed, inbox, me)
    assert b.request("POST", "/portal/forget", {"csrf": b.csrf("/portal/")})[0] == 303
    _, _, text, _ = b.request("GET", "/portal/")
    assert "will be erased on" in text and "Cancel the erasure" in text
    assert delayed.ok("GET", f"/v1/exp/status/token/{me['token']}")["expstatus"] == "wait"
    erasure_link(inbox, me["email"], 0)
    # Back from the portal.
    assert b.request("POST", "/portal/forget/cancel", {"csrf": b.csrf("/portal/")})[0] == 303
    assert delayed.ok("GET", f"/v1/exp/status/token/{me['token']}")["expstatus"] == ""
    # Back with the e-mailed link (the capability alone, no login).
    b.request("POST", "/portal/forget", {"csrf": b.csrf("/portal/")})
    capability = erasure_link(inbox, me["email"], 1)
    delayed.ok("GET", f"/v1/exp/retain/{capability}", token=None)
    assert delayed.ok("GET", f"/v1/exp/status/token/{me['token']}")["expstatus"] == ""
    assert delayed.ok("GET", f"/v1/user/token/{me['token']}")["token"] == me["token"]
