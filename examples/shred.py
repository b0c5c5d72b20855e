"""Audit details kept for 30 days: older ones shredded by the purge, the chain still verifies."""

import os
import tempfile

import bunkerlite

DAY_MS = 86_400_000
start_ms = 1_798_113_600_000  # 24 December 2026, 12:00 UTC
key = bunkerlite.MasterKey.generate()
path = os.path.join(tempfile.mkdtemp(), "vault.db")


def open_at(clock_ms: int) -> bunkerlite.Vault:
    # A manual clock stands in for the weeks passing between the two opens.
    options = {"manual_clock_ms": clock_ms, "audit_details_retention_days": 30}
    return bunkerlite.Vault.open(path, key, options)


with open_at(start_ms) as vault:
    ann = vault.create_subject({"email": "ann@example.com", "name": "Ann Lee"})
    vault.update_subject({"token": ann}, {"name": "Ann Smith"}, actor="admin:dpo")

with open_at(start_ms + 40 * DAY_MS) as vault:
    vault.update_subject({"token": ann}, {"name": "Ann Lee-Smith"}, actor="admin:dpo")
    report = vault.purge(actor="cron")
    assert report["audit_details_shredded"] == 1  # the first change's before/after

    events = vault.list_audit_events(ann, details=True, actor="admin:dpo")["items"]
    changes = [e for e in events if e["action"] == "subject.update"]
    # Newest first: the recent change keeps its before/after; the old ones keep only the facts.
    assert changes[0]["details"] is not None and not changes[0]["details_shredded"]
    assert all(e["details"] is None and e["details_shredded"] for e in changes[1:])
    print([(e["action"], e["actor"], e["details_shredded"]) for e in changes])

    # Every MAC still checks: the chain covers the details' hash, which the rows keep.
    print(vault.verify_audit()["events"], "events verified")
