"""The end users' portal over real HTTP: login with the code from a real e-mail (a loopback SMTP
server, aiosmtpd, receives it), the OTP rules (single use, bound to its attempt, 5 wrong entries,
rate limits), no enumeration, CSRF, escaping, cookies and headers, logout, consent changes."""

from __future__ import annotations

import http.client
import json
import tomllib
import pathlib
import re
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlencode

import pytest
import bunkerlite

from conftest import Inbox, Server, log_values


class Browser:
    """A browser's cookie jar and forms, by hand: the portal's cookies are `Secure` (urllib's jar
    would not send them over loopback HTTP) and redirects must be seen, not followed."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: Dict[str, str] = {}
        self.host, port = server.base.removeprefix("http://").split(":")
        self.port = int(port)

    def request(self, method: str, path: str, form: Optional[Dict[str, str]] = None,
                headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], str, List[str]]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        hdrs = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        text = resp.read().decode()
        set_cookies = resp.headers.get_all("Set-Cookie") or []
        for c in set_cookies:
            name, value = c.split(";")[0].split("=", 1)
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, text, set_cookies

    def csrf(self, path: str = "/portal/login") -> str:
        status, _, text, _ = self.request("GET", path)
        assert status == 200, text
        match = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
        assert match, text
        return match.group(1)

    def ask_code(self, identity: str) -> Tuple[int, str]:
        token = self.csrf()
        status, _, text, _ = self.request("POST", "/portal/login", {"identity": identity, "csrf": token})
        return status, text

    def enter(self, code: str) -> Tuple[int, Dict[str, str], str]:
        token = self.csrf()
        status, headers, text, _ = self.request("POST", "/portal/code", {"code": code, "csrf": token})
        return status, headers, text


def subject(server: Server, **extra: Any) -> Dict[str, Any]:
    profile = {"email": f"p-{uuid.uuid4().hex[:10]}@example.com", "name": "Portal Person", **extra}
    profile["token"] = server.ok("POST", "/v1/user", profile)["token"]
    return profile


def log_in(server: Server, inbox: Inbox, who: Dict[str, Any]) -> Browser:
    b = Browser(server)
    status, _ = b.ask_code(who["email"])
    assert status == 200
    status, headers, text = b.enter(inbox.code_for(who["email"]))
    assert status == 303 and headers["location"] == "/portal/", text
    assert "__Host-bl_session" in b.cookies
    return b


def test_login_with_the_mailed_code_shows_the_profile(portal: Server, inbox: Inbox) -> None:
    ann = subject(portal, address={"city": "Springfield"})
    b = log_in(portal, inbox, ann)
    status, headers, text, _ = b.request("GET", "/portal/")
    assert status == 200
    assert ann["email"] in text and "Springfield" in text and "address.city" in text
    assert "style-src 'self'" in headers["content-security-policy"] and "script-src" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"


def test_cookies_are_host_prefixed_secure_httponly_strict(portal: Server, inbox: Inbox) -> None:
    b = Browser(portal)
    token = b.csrf()
    _, _, _, cookies = b.request("POST", "/portal/login", {"identity": "x@example.com", "csrf": token})
    assert cookies, "the attempt cookie"
    for c in cookies:
        assert c.startswith("__Host-") and "Secure" in c and "HttpOnly" in c and "SameSite=Strict" in c and "Path=/" in c


def test_known_and_unknown_addresses_get_the_same_answer_and_only_known_get_mail(portal: Server, inbox: Inbox) -> None:
    known = subject(portal)
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    a, b = Browser(portal), Browser(portal)
    b.cookies = dict(a.cookies)
    token = a.csrf()
    b.cookies = dict(a.cookies)
    ra = a.request("POST", "/portal/login", {"identity": known["email"], "csrf": token})
    rb = b.request("POST", "/portal/login", {"identity": unknown, "csrf": token})
    assert ra[0] == rb[0] == 200
    assert ra[2] == rb[2], "the same page"
    inbox.code_for(known["email"])
    time.sleep(0.3)
    assert inbox.count_for(unknown) == 0


def test_a_code_works_once_and_only_for_its_own_attempt(portal: Server, inbox: Inbox) -> None:
    ann, bob = subject(portal), subject(portal)
    a, b = Browser(portal), Browser(portal)
    a.ask_code(ann["email"])
    b.ask_code(bob["email"])
    ann_code, bob_code = inbox.code_for(ann["email"]), inbox.code_for(bob["email"])
    if ann_code != bob_code:
        assert a.enter(bob_code)[0] == 400, "another attempt's code"
    attempt = a.cookies["__Host-bl_attempt"]
    assert a.enter(ann_code)[0] == 303
    a.cookies["__Host-bl_attempt"] = attempt
    status, _, text = a.enter(ann_code)
    assert status == 400 and "not valid" in text, "used once"


def test_five_wrong_entries_kill_the_code(portal: Server, inbox: Inbox) -> None:
    who = subject(portal)
    b = Browser(portal)
    b.ask_code(who["email"])
    code = inbox.code_for(who["email"])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert b.enter(wrong)[0] == 400
    assert b.enter(code)[0] == 400, "dead after five wrong entries"


def test_resend_cooldown_applies_to_known_and_unknown_alike(portal: Server, inbox: Inbox) -> None:
    known = subject(portal)
    for identity in [known["email"], f"ghost-{uuid.uuid4().hex[:8]}@example.com"]:
        b = Browser(portal)
        assert b.ask_code(identity)[0] == 200
        status, text = b.ask_code(identity)
        assert status == 429 and "Too many" in text


def test_forms_without_the_right_csrf_token_are_refused(portal: Server, inbox: Inbox) -> None:
    b = Browser(portal)
    token = b.csrf()
    assert b.request("POST", "/portal/login", {"identity": "a@example.com"})[0] == 403
    assert b.request("POST", "/portal/login", {"identity": "a@example.com", "csrf": "0" * 64})[0] == 403
    cross = {"Origin": "https://evil.example"}
    assert b.request("POST", "/portal/login", {"identity": "a@example.com", "csrf": token}, cross)[0] == 403
    site = {"Sec-Fetch-Site": "cross-site"}
    assert b.request("POST", "/portal/login", {"identity": "a@example.com", "csrf": token}, site)[0] == 403
    fresh = Browser(portal)  # no CSRF cookie at all
    assert fresh.request("POST", "/portal/login", {"identity": "a@example.com", "csrf": token})[0] == 403


XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "';alert(1)//", "<svg/onload=alert(1)>"]


def test_stored_markup_is_escaped(portal: Server, inbox: Inbox) -> None:
    who = subject(portal, name=XSS[0], note=XSS[1], **{"x<y": XSS[2], "bio": {"html": XSS[3]}})
    b = log_in(portal, inbox, who)
    _, _, text, _ = b.request("GET", "/portal/")
    for payload in XSS:
        assert payload not in text
    assert "<td>&#60;script&#62;alert(1)&#60;/script&#62;</td>" in text, "shown, escaped"
    assert "<img" not in text and "<svg" not in text and "<script" not in text
    # Every other page that shows profile values: the edit form, the history (before/after).
    b.request("POST", "/portal/profile", {"csrf": b.csrf("/portal/"), "f.name": XSS[1]})
    for path in ["/portal/profile", "/portal/history"]:
        status, headers, page, _ = b.request("GET", path)
        assert status == 200, path
        for payload in XSS:
            assert payload not in page, path
        assert "<img" not in page and "<svg" not in page and "<script" not in page, path
        assert headers["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in headers["content-security-policy"]


def test_logout_revokes_the_session(portal: Server, inbox: Inbox) -> None:
    b = log_in(portal, inbox, subject(portal))
    session = b.cookies["__Host-bl_session"]
    token = b.csrf("/portal/")
    status, headers, _, _ = b.request("POST", "/portal/logout", {"csrf": token})
    assert status == 303 and headers["location"] == "/portal/login"
    b.cookies["__Host-bl_session"] = session  # replaying the old cookie
    status, headers, _, _ = b.request("GET", "/portal/")
    assert status == 303 and headers["location"] == "/portal/login"


def test_consent_is_withdrawn_and_given_from_the_portal(portal: Server, inbox: Inbox) -> None:
    portal.ok("POST", "/v1/lbasis/portal-news", {"basistype": "consent", "shortdesc": "Portal news", "usercontrol": True})
    portal.ok("POST", "/v1/lbasis/portal-terms", {"basistype": "contract", "shortdesc": "Terms", "usercontrol": False})
    who = subject(portal)
    portal.ok("POST", f"/v1/agreement/portal-news/token/{who['token']}", {})
    b = log_in(portal, inbox, who)
    _, _, text, _ = b.request("GET", "/portal/")
    assert "Withdraw consent" in text
    token = b.csrf("/portal/")
    assert b.request("POST", "/portal/consent/portal-news", {"action": "withdraw", "csrf": token})[0] == 303
    assert portal.ok("GET", f"/v1/agreement/portal-news/token/{who['token']}")["data"]["state"] == "withdrawn"
    assert b.request("POST", "/portal/consent/portal-news", {"action": "give", "csrf": token})[0] == 303
    assert portal.ok("GET", f"/v1/agreement/portal-news/token/{who['token']}")["data"]["state"] == "given"
    assert b.request("POST", "/portal/consent/portal-terms", {"action": "give", "csrf": token})[0] == 400
    events = portal.ok("GET", f"/v1/audit/list/{who['token']}?limit=100")["rows"]
    assert [e["who"] for e in events if e["action"] == "consent.withdraw"] == ["subject:portal"]


def test_an_erased_subject_cannot_log_in(portal: Server, inbox: Inbox) -> None:
    who = subject(portal)
    b = log_in(portal, inbox, who)
    portal.ok("DELETE", f"/v1/user/token/{who['token']}")
    status, headers, _, _ = b.request("GET", "/portal/")
    assert status == 303 and headers["location"] == "/portal/login", "the session went with the subject"
    gone = subject(portal)
    portal.ok("DELETE", f"/v1/user/token/{gone['token']}")
    assert Browser(portal).ask_code(gone["email"])[0] == 200, "the same answer"
    time.sleep(0.3)
    assert inbox.count_for(gone["email"]) == 0, "no code for an erased subject"


def test_no_code_or_address_in_the_log(portal: Server, inbox: Inbox) -> None:
    log = log_values(portal.log.read_text())
    assert "route" in log
    with inbox.lock:
        for rcpt, body in inbox.messages:
            code = re.search(r"login code is (\d+)", body)
            assert code and code.group(1) not in log
            assert rcpt[0] not in log


def api_login(server: Server, inbox: Inbox, email_address: str) -> str:
    """Databunker's login API: prelogin (the attempt cookie), the mailed code, login → xtoken."""
    b = Browser(server)
    status, _, text, _ = b.request("GET", f"/v1/prelogin/email/{email_address}/0/0")
    assert status == 200 and json.loads(text) == {"status": "ok", "result": "code-sent-if-known"}
    status, _, text, _ = b.request("GET", f"/v1/login/email/{email_address}/{inbox.code_for(email_address)}")
    assert status == 200, text
    answer = json.loads(text)
    assert answer["status"] == "ok" and answer["token"]
    return str(answer["xtoken"])


def test_a_subject_reaches_only_their_own_record_with_their_login_token(portal: Server, inbox: Inbox) -> None:
    me, other = subject(portal), subject(portal)
    xtoken = api_login(portal, inbox, me["email"])
    assert portal.ok("GET", f"/v1/user/token/{me['token']}", token=xtoken)["data"]["email"] == me["email"]
    assert portal.ok("GET", f"/v1/user/email/{me['email'].upper()}", token=xtoken)["token"] == me["token"]
    portal.ok("POST", f"/v1/userapp/token/{me['token']}/shop", {"cart": 1}, token=xtoken)
    for path in [f"/v1/user/token/{other['token']}", f"/v1/user/email/{other['email']}",
                 f"/v1/userapp/token/{other['token']}/shop", f"/v1/audit/list/{other['token']}",
                 f"/v1/agreements/token/{other['token']}", f"/v1/user/email/nobody@example.com",
                 "/v1/lbasis", "/v1/audit/admin", "/v1/requests"]:
        assert portal.error(403, "GET", path, token=xtoken) == "access denied", path
    portal.error(403, "PUT", f"/v1/user/token/{other['token']}", {"name": "x"}, token=xtoken)
    portal.error(403, "DELETE", f"/v1/user/token/{other['token']}", token=xtoken)
    # Their own events, but not another's, one by one.
    mine = portal.ok("GET", f"/v1/audit/list/{me['token']}", token=xtoken)["rows"]
    assert mine and all(e["token"] == me["token"] for e in mine)
    theirs = portal.ok("GET", f"/v1/audit/list/{other['token']}")["rows"][0]["atoken"]
    portal.error(404, "GET", f"/v1/audit/get/{theirs}", token=xtoken)
    # Deleting themselves files an erasure request, which they can read and cancel.
    filed = portal.ok("DELETE", f"/v1/user/token/{me['token']}", token=xtoken)
    assert filed["result"] == "request-created"
    assert portal.ok("GET", f"/v1/request/{filed['rtoken']}", token=xtoken)["action"] == "erase"
    assert portal.ok("DELETE", f"/v1/request/{filed['rtoken']}", token=xtoken)["data"]["state"] == "revoked"
    assert portal.ok("GET", f"/v1/user/token/{me['token']}")["token"] == me["token"], "still there"


def test_the_login_api_answers_alike_and_refuses_wrong_codes(portal: Server, inbox: Inbox) -> None:
    b = Browser(portal)
    status, _, text, _ = b.request("GET", f"/v1/prelogin/email/ghost-{uuid.uuid4().hex[:8]}@example.com/0/0")
    assert status == 200 and json.loads(text)["result"] == "code-sent-if-known"
    status, _, text, _ = b.request("GET", "/v1/login/email/x@example.com/123456")
    assert status == 403 and json.loads(text)["message"] == "login failed"
    assert Browser(portal).request("GET", "/v1/prelogin/phone/+15550100/0/0")[0] == 400
    assert Browser(portal).request("GET", "/v1/login/email/x@example.com/123456")[0] == 403, "no attempt cookie"


def test_logging_out_revokes_the_login_token(portal: Server, inbox: Inbox) -> None:
    me = subject(portal)
    b = log_in(portal, inbox, me)
    xtoken = b.cookies["__Host-bl_session"]
    assert portal.ok("GET", f"/v1/user/token/{me['token']}", token=xtoken)["token"] == me["token"]
    b.request("POST", "/portal/logout", {"csrf": b.csrf("/portal/")})
    assert portal.error(403, "GET", f"/v1/user/token/{me['token']}", token=xtoken) == "access denied"


def test_a_subject_decides_only_under_bases_they_control(portal: Server, inbox: Inbox) -> None:
    portal.ok("POST", "/v1/lbasis/own-news", {"basistype": "consent", "shortdesc": "News", "usercontrol": True})
    portal.ok("POST", "/v1/lbasis/own-contract", {"basistype": "contract", "shortdesc": "Contract", "usercontrol": False})
    me = subject(portal)
    xtoken = api_login(portal, inbox, me["email"])
    portal.ok("POST", f"/v1/agreement/own-news/token/{me['token']}", {}, token=xtoken)
    portal.ok("DELETE", f"/v1/agreement/own-news/token/{me['token']}", token=xtoken)
    assert "not under the subject's control" in portal.error(
        403, "POST", f"/v1/agreement/own-contract/token/{me['token']}", {}, token=xtoken)
    portal.ok("POST", f"/v1/agreement/own-contract/token/{me['token']}", {})
    objection = portal.ok("DELETE", f"/v1/agreement/own-contract/token/{me['token']}", token=xtoken)
    assert objection["result"] == "request-created"
    assert portal.ok("GET", f"/v1/request/{objection['rtoken']}")["action"] == "withdraw_consent"


def test_the_console_needs_the_root_token_and_csrf(portal: Server, inbox: Inbox) -> None:
    b = Browser(portal)
    for path in ["/console/", "/console/subject", "/console/audit", "/console/bases"]:
        status, headers, _, _ = b.request("GET", path)
        assert status == 303 and headers["location"] == "/console/login", path
    token = b.csrf("/console/login")
    status, _, text, _ = b.request("POST", "/console/login", {"token": "not-the-root-token", "csrf": token})
    assert status == 403 and "not valid" in text
    assert b.request("POST", "/console/login", {"token": portal.root})[0] == 403, "no CSRF token"
    status, headers, _, _ = b.request("POST", "/console/login", {"token": portal.root, "csrf": token})
    assert status == 303 and "__Host-bl_operator" in b.cookies
    assert b.request("GET", "/console/")[0] == 200
    # A subject's portal login is not an operator login.
    person = log_in(portal, inbox, subject(portal))
    person.cookies["__Host-bl_operator"] = person.cookies["__Host-bl_session"]
    assert person.request("GET", "/console/")[0] == 303
    # Deciding needs the CSRF token too; logout ends the operator session.
    assert b.request("POST", f"/console/request/{uuid.uuid4().hex}/approve", {})[0] == 403
    operator = b.cookies["__Host-bl_operator"]
    b.request("POST", "/console/logout", {"csrf": token})
    b.cookies["__Host-bl_operator"] = operator
    assert b.request("GET", "/console/")[0] == 303


def test_the_portal_shows_app_documents_sends_the_receipt_and_cancels_own_requests(portal: Server, inbox: Inbox) -> None:
    me = subject(portal)
    portal.ok("POST", f"/v1/userapp/token/{me['token']}/shipping", {"street": "1 Canary Row <b>"})
    b = log_in(portal, inbox, me)
    _, _, text, _ = b.request("GET", "/portal/")
    assert "shipping" in text and "1 Canary Row &#60;b&#62;" in text
    status, headers, body, _ = b.request("GET", "/portal/receipt")
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert json.loads(body)["mac"]
    token = b.csrf("/portal/")
    assert b.request("POST", "/portal/forget", {"csrf": token})[0] == 303
    _, _, text, _ = b.request("GET", "/portal/")
    rid = re.search(r'/portal/request/([0-9a-f]+)/cancel', text)
    assert rid, "a cancel button for the open request"
    # Another person cannot cancel it.
    other = log_in(portal, inbox, subject(portal))
    assert other.request("POST", f"/portal/request/{rid.group(1)}/cancel", {"csrf": other.csrf("/portal/")})[0] == 404
    assert b.request("POST", f"/portal/request/{rid.group(1)}/cancel", {"csrf": token})[0] == 303
    assert portal.ok("GET", f"/v1/request/{rid.group(1)}")["request"]["request"]["state"] == "revoked"


def test_the_console_filters_and_extends(portal: Server, inbox: Inbox) -> None:
    me = subject(portal)
    b = log_in(portal, inbox, me)
    b.request("POST", "/portal/forget", {"csrf": b.csrf("/portal/")})
    rid = portal.ok("GET", f"/v1/requests/token/{me['token']}")["rows"][0]["rtoken"]
    op = Browser(portal)
    token = op.csrf("/console/login")
    op.request("POST", "/console/login", {"token": portal.root, "csrf": token})
    assert rid in op.request("GET", "/console/")[2]
    assert rid not in op.request("GET", "/console/?state=open&overdue=1")[2], "not overdue"
    assert op.request("POST", f"/console/request/{rid}/extend", {"csrf": token, "reason": ""})[0] == 400
    assert op.request("POST", f"/console/request/{rid}/extend", {"csrf": token, "reason": "Archives are off-site."})[0] == 303
    assert portal.ok("GET", f"/v1/request/{rid}")["request"]["request"]["extended"] is True
    status, _, text, _ = op.request("POST", f"/console/request/{rid}/deny", {"csrf": token, "code": "other", "reason": "Test."})
    assert status == 303, text
    denied = op.request("GET", "/console/?state=denied")[2]
    assert rid in denied and f"/console/request/{rid}/approve" not in denied


def test_the_console_shows_what_a_rectification_would_change(portal: Server, inbox: Inbox) -> None:
    me = subject(portal, city="Springfield")
    config = tomllib.loads(portal.config.read_text())
    vault = bunkerlite.Vault.open(config["vault"]["path"], bunkerlite.MasterKey.from_file(config["vault"]["key_file"]))
    try:
        vault.create_request({"token": me["token"]}, {"kind": "rectify", "patch": {"city": "Shelbyville <i>", "name": None}},
                             actor="app:web")
    finally:
        vault.close()
    op = Browser(portal)
    token = op.csrf("/console/login")
    op.request("POST", "/console/login", {"token": portal.root, "csrf": token})
    page = op.request("GET", "/console/")[2]
    row = re.search(r"<tr><td>city</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert row and row.groups() == ("Springfield", "Shelbyville &#60;i&#62;"), row and row.groups()
    assert "<tr><td>name</td><td>Portal Person</td><td>(removed)</td></tr>" in page
