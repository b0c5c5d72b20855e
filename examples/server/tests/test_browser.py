"""The portal and the console in a real browser (Debian's chromium driven by Playwright; nothing
downloads a browser), with an axe-core scan of every page: a person logs in with the code from
the e-mail, edits the profile, withdraws and gives a consent and sees both in the history,
downloads the export and it validates against the JSON Schema, asks to be forgotten; the
operator approves in the console; the person can no longer log in. Screenshots of every page
are saved to target/screenshots."""

from __future__ import annotations

import json
import os
import pathlib
import re
import time
import uuid
from typing import Iterator

import jsonschema
import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import REPO, Inbox, Server, log_values

CHROMIUM = os.environ.get("BUNKERLITE_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "target" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not pathlib.Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


def check_page(page: Page, name: str) -> None:
    """No axe-core violation, a screenshot, and nothing the page asked for was refused by the CSP."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_person_and_an_operator_through_the_whole_story(portal: Server, inbox: Inbox, browser: Browser) -> None:
    portal.ok("POST", "/v1/lbasis/newsletter", {"basistype": "consent", "shortdesc": "Monthly newsletter",
                                                "fulldesc": "Product news, at most twice a month.", "usercontrol": True})
    email = f"story-{uuid.uuid4().hex[:8]}@example.com"
    token = portal.ok("POST", "/v1/user", {"email": email, "name": "Ann Example", "city": "Springfield"})["token"]
    portal.ok("POST", f"/v1/agreement/newsletter/token/{token}", {})
    bob_email = f"bob-{uuid.uuid4().hex[:8]}@example.com"
    portal.ok("POST", "/v1/user", {"email": bob_email, "name": "Bob Example"})
    violations: list[str] = []

    person = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = person.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(portal.base + "/portal/")
    assert page.url.endswith("/portal/login")
    check_page(page, "portal-login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Enter your code").wait_for(timeout=10_000)
    check_page(page, "portal-code")
    page.get_by_label("Code").fill(inbox.code_for(email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("Ann Example").is_visible()
    check_page(page, "portal-home")

    # Edit the profile.
    page.get_by_role("link", name="Edit your profile").click()
    check_page(page, "portal-profile")
    page.get_by_label("name", exact=True).fill("Ann B. Example")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("Ann B. Example").is_visible()

    # Withdraw, then give the consent; both in the history with the profile change.
    page.get_by_role("button", name="Withdraw consent").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("withdrawn").is_visible()
    page.get_by_role("button", name="Give consent").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("given").first.is_visible()
    page.get_by_role("link", name="See who did what with your data").click()
    check_page(page, "portal-history")
    history = page.content()
    assert "consent.withdraw" in history and "consent.give" in history and "subject.update" in history
    assert "Ann B. Example" in history, "the change's after"
    page.go_back()

    # Download the export through its single-use link; it validates against the schema.
    page.get_by_role("button", name="Download my data").click()
    check_page(page, "portal-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    document = json.loads(pathlib.Path(download.value.path()).read_text())
    schema = json.loads((REPO / "schemas" / "export.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert document["subject"]["profile"]["name"] == "Ann B. Example"
    href = page.get_by_role("link", name="Download my data (JSON)").get_attribute("href")
    assert href is not None
    again = person.request.get(portal.base + href)
    assert again.status == 404, "the link works once"
    page.goto(portal.base + "/portal/")

    # Forget me: an erasure request, visible to the person.
    page.get_by_role("button", name="Forget me (ask for the erasure of my data)").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_text("erase — open").is_visible()

    # The operator approves it in the console.
    operator = browser.new_context()
    console = operator.new_page()
    console.goto(portal.base + "/console/")
    assert console.url.endswith("/console/login")
    check_page(console, "console-login")
    console.get_by_label("Root token").fill(portal.root)
    console.get_by_role("button", name="Log in").click()
    console.wait_for_url("**/console/")
    check_page(console, "console-queue")
    console.get_by_role("button", name="Approve erase request").click()
    console.wait_for_url("**/console/")
    assert not console.get_by_role("button", name="Approve erase request").is_visible()

    # The rest of the console: a legal basis added, a subject looked up, the chain verified.
    console.get_by_role("link", name="Legal bases").click()
    check_page(console, "console-bases")
    console.get_by_label("Brief (a-z, 0-9, -)").fill("research")
    console.get_by_label("Short description").fill("Product research interviews")
    console.get_by_role("button", name="Save legal basis").click()
    console.wait_for_url("**/console/bases")
    assert console.get_by_role("cell", name="Product research interviews").is_visible()
    console.get_by_role("link", name="Find a subject").click()
    check_page(console, "console-subject")
    console.get_by_label("Value").fill(bob_email)
    console.get_by_role("button", name="Look up").click()
    assert console.get_by_role("cell", name="Bob Example").is_visible()
    console.get_by_label("Value").fill(email)
    console.get_by_role("button", name="Look up").click()
    assert console.get_by_text("No subject matches.").is_visible(), "the erased person is gone"
    console.get_by_role("link", name="Activities and bulk listing").click()
    console.get_by_label("Purpose (a-z, 0-9, _ and -)").fill("support")
    console.get_by_label("Title", exact=True).fill("Customer support")
    console.get_by_label("Legal bases it relies on (comma-separated briefs)").fill("newsletter")
    console.get_by_role("button", name="Save activity").click()
    console.wait_for_url("**/console/activities")
    assert console.get_by_role("cell", name="Customer support").is_visible()
    console.get_by_label("Purpose of the listing").fill("support")
    console.get_by_role("button", name="Unlock bulk listing").click()
    console.get_by_role("status").wait_for()
    assert "under the purpose support" in console.get_by_role("status").inner_text()
    check_page(console, "console-activities")
    console.get_by_role("link", name="Audit log").click()
    console.get_by_role("button", name="Verify the whole chain").click()
    assert console.get_by_text("Verified:").is_visible()
    check_page(console, "console-audit")

    # The person is gone: the session went with the data, and no code comes any more.
    page.reload()
    assert page.url.endswith("/portal/login")
    sent = sum(1 for rcpt, _ in inbox.messages if email in rcpt)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="Send me a code").click()
    assert page.get_by_role("heading").first.is_visible()
    time.sleep(0.5)
    assert sum(1 for rcpt, _ in inbox.messages if email in rcpt) == sent
    assert portal.error(404, "GET", f"/v1/user/email/{email}") == "not found"
    assert violations == [], violations
    # The server's log for the whole run: routes and statuses, never a value the people typed,
    # a code that was mailed, or the root token.
    log = log_values(portal.log.read_text())
    assert "route=" in log
    with inbox.lock:
        codes = [re.search(r"login code is (\d+)", body) for _, body in inbox.messages]
    for secret in [email, bob_email, "Ann Example", "Ann B. Example", "Bob Example", portal.root, *(c.group(1) for c in codes if c)]:
        assert secret not in log, "a value reached the log"
    person.close()
    operator.close()
