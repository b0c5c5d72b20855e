"""The Databunker-compatible v1 API over real HTTP on loopback: every route family with its body
formats and answers, the fixes DATABUNKER_API.md lists, the headers, and what must never leave
the vault (plaintext in the file, personal data in the log)."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import re
import socket
import subprocess
import time
import tomllib
import uuid
from typing import Any, Dict, List

import bunkerlite

from conftest import Server, init, run_cli, server_binary, start, stop
from test_portal import Browser

# Values that must never appear in the log or the vault file in clear.
CANARIES: List[str] = []


def person(tag: str) -> Dict[str, Any]:
    email = f"{tag}-{uuid.uuid4().hex[:8]}@example.com"
    name = f"Canary {tag} {uuid.uuid4().hex[:10]}"
    CANARIES.extend([email, name])
    return {"email": email, "name": name, "address": {"city": "Springfield"}}


def app_vault(server: Server) -> bunkerlite.Vault:
    """The same vault opened by an application beside the server (SQLite allows both)."""
    config = tomllib.loads(server.config.read_text())
    key = bunkerlite.MasterKey.from_file(config["vault"]["key_file"])
    return bunkerlite.Vault.open(config["vault"]["path"], key)


def test_health_needs_no_token(server: Server) -> None:
    reply = server.call("GET", "/v1/status", token=None)
    assert reply.status == 200 and reply.body == b"OK"


def test_user_lifecycle_json_and_patches(server: Server) -> None:
    p = person("life")
    token = server.ok("POST", "/v1/user", p)["token"]
    uuid.UUID(token)
    got = server.ok("GET", f"/v1/user/email/{p['email']}")
    assert got["token"] == token and got["data"]["name"] == p["name"]
    assert server.ok("GET", f"/v1/user/token/{token}")["data"]["email"] == p["email"]
    # A merge patch (null removes), then a JSON Patch.
    server.ok("PUT", f"/v1/user/token/{token}", {"address": None, "plan": "gold"})
    server.ok("PUT", f"/v1/user/token/{token}", [{"op": "replace", "path": "/plan", "value": "silver"}])
    data = server.ok("GET", f"/v1/user/token/{token}")["data"]
    assert data["plan"] == "silver" and "address" not in data
    assert server.ok("DELETE", f"/v1/user/token/{token}")["result"] == "done"
    assert server.error(404, "GET", f"/v1/user/email/{p['email']}") == "not found"
    assert "ERASED" in server.error(410, "GET", f"/v1/user/token/{token}")


def test_create_accepts_forms_and_the_trailing_slash(server: Server) -> None:
    email = f"form-{uuid.uuid4().hex[:8]}@example.com"
    CANARIES.append(email)
    raw = f"email={email}&name=Form+User".encode()
    token = server.ok("POST", "/v1/user/", raw=raw, content_type="application/x-www-form-urlencoded")["token"]
    assert server.ok("GET", f"/v1/user/token/{token}")["data"] == {"email": email, "name": "Form User"}


def test_bad_requests_get_clear_errors(server: Server) -> None:
    assert "login, email, phone or custom" in server.error(400, "POST", "/v1/user", {"name": "No Identity"})
    assert "JSON object" in server.error(400, "POST", "/v1/user", [1, 2])
    assert "valid JSON" in server.error(400, "POST", "/v1/user", raw=b"{nope", content_type="application/json")
    server.error(415, "POST", "/v1/user", raw=b"email=a", content_type="text/plain")
    assert "needs a body" in server.error(400, "POST", "/v1/user")
    assert "mode must be" in server.error(400, "GET", "/v1/user/nickname/x")
    assert "UUID" in server.error(400, "GET", "/v1/user/token/not-a-uuid")
    assert server.error(404, "GET", "/v1/no/such/route") == "not found"
    p = person("dup")
    server.ok("POST", "/v1/user", p)
    assert "DUPLICATE" in server.error(409, "POST", "/v1/user", {"email": p["email"]})
    # A body over server.max_body_bytes (1 MiB) is refused from its Content-Length, unread.
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"POST /v1/user HTTP/1.1\r\nHost: {host}\r\nX-Bunker-Token: {server.root}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {3 << 20}\r\n\r\n{{".encode())
        head = conn.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 413"), head[:40]


def test_the_root_token_is_required_and_checked(server: Server) -> None:
    p = person("auth")
    server.ok("POST", "/v1/user", p)
    for token in [None, "", "DEMO", str(uuid.uuid4()), server.root[:-1], server.root + "x"]:
        assert server.error(403, "GET", f"/v1/user/email/{p['email']}", token=token) == "access denied"
    server.error(403, "POST", "/v1/user", person("anon"), token=None)
    # Unknown and known identities answer the same without the token: no enumeration.
    known = server.call("GET", f"/v1/user/email/{p['email']}", token=None)
    unknown = server.call("GET", "/v1/user/email/nobody@example.com", token=None)
    assert (known.status, known.body) == (unknown.status, unknown.body)


def test_app_documents(server: Server) -> None:
    p = person("apps")
    token = server.ok("POST", "/v1/user", p)["token"]
    base = f"/v1/userapp/token/{token}"
    assert server.ok("POST", f"{base}/shop", {"plan": "gold", "visits": 1})["token"] == token
    server.ok("PUT", f"{base}/shop", {"visits": 2})
    assert server.ok("GET", f"{base}/shop")["data"] == {"plan": "gold", "visits": 2}
    assert server.ok("GET", base)["apps"] == ["shop"]
    assert "shop" in server.ok("GET", "/v1/userapps")["apps"]
    server.ok("DELETE", f"{base}/shop")
    assert server.error(404, "GET", f"{base}/shop") == "not found"
    assert server.error(400, "POST", f"{base}/Bad-Name", {"a": 1}).startswith("INVALID_INPUT")


def test_legal_bases_agreements_and_activities(server: Server) -> None:
    server.ok("POST", "/v1/lbasis/news", {"basistype": "consent", "shortdesc": "News", "usercontrol": True})
    raw = b"basistype=legal-requirement&shortdesc=Tax+records&requiredflag=true"
    server.ok("POST", "/v1/lbasis/tax", raw=raw, content_type="application/x-www-form-urlencoded")
    rows = {r["brief"]: r for r in server.ok("GET", "/v1/lbasis")["rows"]}
    assert rows["tax"]["basistype"] == "legal-requirement" and rows["tax"]["requiredflag"] is True
    assert "unknown legal basis field" in server.error(400, "POST", "/v1/lbasis/x1", {"colour": "red"})

    p = person("consent")
    server.ok("POST", "/v1/user", p)
    email = p["email"]
    # Databunker's order, and the order of the @databunker/store helpers' documentation.
    server.ok("POST", f"/v1/agreement/news/email/{email}", {"expiration": "30d", "referencecode": "ref-1"})
    assert server.ok("GET", f"/v1/agreement/news/email/{email}")["data"]["status"] == "yes"
    server.ok("PUT", f"/v1/agreement/email/{email}/news", {"status": "no"})
    assert server.ok("GET", f"/v1/agreement/email/{email}/news")["data"]["state"] == "refused"
    server.ok("POST", f"/v1/agreement/news/email/{email}", {})
    server.ok("DELETE", f"/v1/agreement/news/email/{email}")
    rows = server.ok("GET", f"/v1/agreements/email/{email}")["rows"]
    assert [(r["brief"], r["state"]) for r in rows] == [("news", "withdrawn")]
    # No anonymous consent changes (fix).
    server.error(403, "POST", f"/v1/agreement/news/email/{email}", {}, token=None)
    server.error(403, "DELETE", f"/v1/agreement/news/email/{email}", token=None)

    server.ok("POST", "/v1/pactivity/mailing", {"title": "Mailing", "operations": "read"})
    server.ok("POST", "/v1/pactivity/mailing/news")
    acts = {a["activity"]: a for a in server.ok("GET", "/v1/pactivity")["rows"]}
    assert acts["mailing"]["legalbases"] == "news"
    server.ok("DELETE", "/v1/pactivity/mailing/news")
    server.ok("DELETE", "/v1/pactivity/mailing")
    # Revoking the basis for everyone, then deleting it.
    server.ok("POST", f"/v1/agreement/news/email/{email}", {})
    server.ok("DELETE", "/v1/agreement/news")
    assert server.ok("GET", f"/v1/agreement/news/email/{email}")["data"]["state"] == "revoked"
    server.ok("DELETE", "/v1/lbasis/news")


def test_sessions(server: Server) -> None:
    p = person("sess")
    token = server.ok("POST", "/v1/user", p)["token"]
    sid = str(uuid.uuid4())
    assert server.ok("POST", f"/v1/session/{sid}", {"cart": [1, 2], "email": p["email"]})["session"] == sid
    got = server.ok("GET", f"/v1/session/{sid}")
    assert got["data"] == {"cart": [1, 2], "email": p["email"]}
    rows = server.ok("GET", f"/v1/sessions/token/{token}")["rows"]
    assert len(rows) == 1 and sid not in json.dumps(rows)
    # Another subject cannot take the session over (fix).
    other = person("sess2")
    server.ok("POST", "/v1/user", other)
    assert "DUPLICATE" in server.error(409, "POST", f"/v1/session/{sid}", {"email": other["email"]})
    server.ok("DELETE", f"/v1/session/{sid}")
    assert server.error(404, "GET", f"/v1/session/{sid}") == "not found"
    # Expired is "not found" too.
    short = str(uuid.uuid4())
    server.ok("POST", f"/v1/session/{short}", {"n": 1, "expiration": "1s"})
    time.sleep(1.2)
    assert server.error(404, "GET", f"/v1/session/{short}") == "not found"
    server.error(403, "POST", f"/v1/session/{uuid.uuid4()}", {"n": 1}, token=None)


def test_shared_records(server: Server) -> None:
    p = person("share")
    token = server.ok("POST", "/v1/user", p)["token"]
    made = server.ok("POST", f"/v1/sharedrecord/token/{token}", {"fields": "name", "partner": "acme", "expiration": "400d"})
    assert made["expires"] <= time.time() + 7 * 86400 + 5, "capped at api.share_ttl_max"
    assert server.ok("GET", f"/v1/get/{made['record']}?partner=acme", token=None)["data"] == {"name": p["name"]}
    server.error(404, "GET", f"/v1/get/{made['record']}", token=None)
    # A share lists its fields or asks for all of them explicitly (fix).
    server.error(400, "POST", f"/v1/sharedrecord/token/{token}", {"partner": "acme"})
    everything = server.ok("POST", f"/v1/sharedrecord/token/{token}", {"fields": "all"})["record"]
    assert server.ok("GET", f"/v1/get/{everything}", token=None)["data"]["email"] == p["email"]
    unknown = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    server.error(404, "GET", f"/v1/get/{unknown}", token=None)
    assert "base64url" in server.error(400, "GET", "/v1/get/short", token=None)


def test_audit_routes(server: Server) -> None:
    p = person("audit")
    token = server.ok("POST", "/v1/user", p)["token"]
    server.ok("PUT", f"/v1/user/token/{token}", {"plan": "gold"})
    rows = server.ok("GET", f"/v1/audit/list/{token}")["rows"]
    assert [r["action"] for r in rows][:2] == ["subject.update", "subject.create"]
    event = server.ok("GET", f"/v1/audit/get/{rows[0]['atoken']}")["event"]
    assert event["details"] is not None and event["who"] == "operator:root"
    page = server.ok("GET", "/v1/audit/admin?limit=3&offset=1")
    assert len(page["rows"]) == 3 and page["total"] >= 4
    assert server.ok("GET", "/v1/audit/admin?limit=100000")["rows"].__len__() <= 100
    assert "limit" in server.error(400, "GET", "/v1/audit/admin?limit=0")
    server.error(404, "GET", "/v1/audit/get/99999999")


def test_requests_from_the_application_are_decided_over_the_api(server: Server) -> None:
    p = person("req")
    token = server.ok("POST", "/v1/user", p)["token"]
    vault = app_vault(server)
    try:
        spec = {"kind": "rectify", "verified": True, "patch": {"name": "Fixed Name"}}
        fix = vault.create_request({"token": token}, spec, actor="app:web")
        other = vault.create_request({"token": token}, {"kind": "access"}, actor="app:web")
    finally:
        vault.close()
    rows = server.ok("GET", f"/v1/requests/token/{token}")["rows"]
    assert {r["rtoken"] for r in rows} == {fix["id"], other["id"]}
    assert {r["rtoken"] for r in server.ok("GET", "/v1/requests?limit=100")["rows"]} >= {fix["id"], other["id"]}
    detail = server.ok("GET", f"/v1/request/{fix['id']}")
    assert detail["action"] == "rectify" and detail["request"]["proposals"]
    server.ok("POST", f"/v1/request/{fix['id']}", {"reason": "checked"})
    assert server.ok("GET", f"/v1/user/token/{token}")["data"]["name"] == "Fixed Name"
    denied = server.ok("DELETE", f"/v1/request/{other['id']}", {"code": "no_match", "reason": "no account"})
    assert denied["data"]["status"] == "canceled"
    assert "INVALID_INPUT" in server.error(400, "DELETE", f"/v1/request/{other['id']}", {"code": "because"})
    assert {r["rtoken"] for r in server.ok("GET", "/v1/requests?status=approved")["rows"]} >= {fix["id"]}


def test_scheduled_erasure(server: Server) -> None:
    p = person("exp")
    server.ok("POST", "/v1/user", p)
    email = p["email"]
    started = server.ok("POST", f"/v1/exp/start/email/{email}", {"expiration": "7d"})
    assert started["exptime"] > time.time() + 6 * 86400
    assert server.ok("GET", f"/v1/exp/status/email/{email}")["expstatus"] == "wait"
    server.ok("GET", f"/v1/exp/retain/{started['exptoken']}", token=None)
    assert server.ok("GET", f"/v1/exp/status/email/{email}")["expstatus"] == ""
    again = server.ok("POST", f"/v1/exp/start/email/{email}", {"expiration": 3600})
    server.ok("DELETE", f"/v1/exp/cancel/email/{email}")
    server.error(404, "GET", f"/v1/exp/delete/{again['exptoken']}", token=None)
    last = server.ok("POST", f"/v1/exp/start/email/{email}", {"expiration": "1h"})
    assert server.ok("GET", f"/v1/exp/delete/{last['exptoken']}", token=None)["result"] == "done"
    assert server.error(404, "GET", f"/v1/user/email/{email}") == "not found"
    assert "expiration" in server.error(400, "POST", f"/v1/exp/start/email/{email}", {"expiration": "soon"})


def test_bulk_listing_is_off_unless_configured(server: Server) -> None:
    assert "bulk listing is disabled" in server.error(403, "POST", "/v1/users")


def test_security_headers_on_every_answer(server: Server) -> None:
    for method, path, token in [
        ("GET", "/v1/status", None),
        ("GET", "/v1/lbasis", "root"),
        ("GET", "/v1/user/token/x", "root"),
        ("GET", "/v1/lbasis", None),
        ("GET", "/nowhere", None),
    ]:
        reply = server.call(method, path, token=token, headers={"Origin": "https://evil.example"})
        h = reply.headers
        assert h["x-content-type-options"] == "nosniff", path
        assert "default-src 'none'" in h["content-security-policy"], path
        assert h["x-frame-options"] == "DENY" and h["cache-control"] == "no-store", path
        assert "access-control-allow-origin" not in h, path


def test_zz_nothing_personal_in_the_log_or_the_file(server: Server) -> None:
    """Runs last in this module: every canary the tests sent is absent from the server's log and,
    in clear, from the vault's files."""
    config = tomllib.loads(server.config.read_text())
    vault_path = pathlib.Path(config["vault"]["path"])
    log = server.log.read_bytes()
    assert b"request" in log  # the log is being written
    files = [p for p in vault_path.parent.glob(vault_path.name + "*")]
    blobs = [(p.name, p.read_bytes()) for p in files]
    for canary in CANARIES + [server.root]:
        assert canary.encode() not in log, "a canary reached the log"
        for name, blob in blobs:
            if canary != server.root:
                assert canary.encode() not in blob, f"a canary is in clear in {name}"


def test_verify_purge_and_init_commands(tmp_path: pathlib.Path) -> None:
    config, root = init(tmp_path)
    code, _, err = run_cli("init", "--config", str(config))
    assert code != 0 and "never overwrites" in err
    assert root not in config.read_text()
    srv = start(tmp_path, config, root)
    try:
        srv.ok("POST", "/v1/user", person("cmd"))
        head_reply = srv.ok("GET", "/v1/audit/admin?limit=1")
        assert head_reply["total"] >= 1
    finally:
        assert stop(srv) == 0
    code, out, err = run_cli("verify", "--config", str(config))
    assert code == 0, err
    assert json.loads(out)["events"] >= 2
    code, out, err = run_cli("purge", "--config", str(config))
    assert code == 0, err
    assert "sessions" in json.loads(out)
    # A configuration error names the setting and stops before listening.
    bad = tmp_path / "bad.toml"
    bad.write_text(config.read_text().replace('listen = "127.0.0.1:0"', 'listen = "0.0.0.0:0"'))
    code, _, err = run_cli("serve", "--config", str(bad))
    assert code != 0 and "tls_cert" in err
    code, _, err = run_cli("serve", "--config", str(config), env={"BUNKERLITE_SERVER_LISTEN": "nowhere"})
    assert code != 0 and "server.listen" in err


def test_the_demo_serves_a_seeded_vault_and_prints_what_to_try(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "demo.out"
    process = subprocess.Popen([str(server_binary()), "demo", "--listen", "127.0.0.1:0"], stdout=open(out, "wb"),
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while "curl" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        text = out.read_text()
        base = re.search(r"API:\s+(http://127\.0\.0\.1:\d+)/v1/", text)
        root = re.search(r"root token:\s+(\S+)", text)
        assert base and root and "/portal/" in text and "/console/" in text, text
        demo = Server(base.group(1), root.group(1), tmp_path, tmp_path, process, out)
        assert demo.ok("GET", "/v1/user/email/ann@example.com")["data"]["name"] == "Ann Example"
        assert demo.ok("GET", "/v1/requests")["total"] == 1
        # The demo's mail goes to its console: a login prints the code there.
        b = Browser(demo)
        b.ask_code("ann@example.com")
        deadline = time.monotonic() + 10
        while "login code for ann@example.com" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        code = re.search(r"login code for ann@example\.com: (\d{6})", out.read_text())
        assert code
        assert b.enter(code.group(1))[0] == 303
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
