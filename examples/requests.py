"""A data-subject request from receipt to fulfilment: deadlines, two proposals, approval."""

import bunkerlite

clock_ms = 1_798_113_600_000  # Thursday 24 December 2026, 12:00 UTC
vault = bunkerlite.Vault.open_in_memory(
    bunkerlite.MasterKey.generate(), {"manual_clock_ms": clock_ms}
)
ann = vault.create_subject({"email": "ann@example.com", "name": "Ann Lee"})
ann_lookup = {"token": ann}

# The subject, logged in to the portal (so verified), asks to correct her name.
request = vault.create_request(
    ann_lookup,
    {"kind": "rectify", "patch": {"name": "Ann Smith"}, "verified": True},
    actor="portal:subject",
)
assert request["state"] == "open" and request["regime"] == "gdpr"
assert request["due_ms"] == 1_800_792_000_000  # one calendar month: 24 January 2027

# She sends another proposal before anyone acted: the same request, both proposals kept.
again = vault.create_request(
    ann_lookup, {"kind": "rectify", "patch": {"name": "Ann Lee-Smith"}}, actor="portal:subject"
)
assert again["id"] == request["id"] and again["existing"] and again["proposals"] == 2

# A CCPA opt-out is due in 15 business days (weekends skipped, across the year's end).
opt_out = vault.create_request(ann_lookup, {"kind": "opt_out", "regime": "ccpa"})
assert opt_out["due_ms"] == 1_799_928_000_000  # Thursday 14 January 2027

# The privacy team works on it and approves the second proposal: the profile changes in the
# same transaction that records the request as fulfilled.
vault.start_request(request["id"], actor="admin:dpo")
done = vault.approve_request(request["id"], {"proposal": 1}, actor="admin:dpo")
assert done["state"] == "fulfilled"
assert vault.get_subject(ann_lookup)["profile"]["name"] == "Ann Lee-Smith"

# Every transition is in the outbox, for the e-mails and webhooks a server sends.
events = vault.list_request_events(actor="mailer")
print([(e["kind"], e["event"]) for e in events["items"]])
vault.ack_request_events(events["items"][-1]["cursor"], actor="mailer")
