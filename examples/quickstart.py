"""bunkerlite quickstart (Python): create, look up, update, tokenize, read the audit trail, erase."""

import os
import tempfile

import bunkerlite

# In production the key comes from your secret store: bunkerlite.MasterKey.from_env("BUNKERLITE_KEY").
key = bunkerlite.MasterKey.generate()
path = os.path.join(tempfile.mkdtemp(), "vault.db")

with bunkerlite.Vault.open(path, key) as vault:
    # Every audited call names who acts and, optionally, why (a processing activity).
    token = vault.create_subject({"email": "Ann.Lee@Example.com", "name": "Ann Lee"}, actor="app:signup")
    print("created subject", token)

    ann = vault.get_subject({"email": "ann.lee@example.com"}, actor="app:billing", purpose="invoicing")
    print("found by email:", ann["profile"]["name"])

    ann = vault.update_subject({"token": token}, {"phone": "+49 30 901820"}, actor="app:crm")
    print(f"updated to version {ann['version']}:", ann["profile"])

    # A token stands in for one value elsewhere (here a card number); only the vault maps it back.
    # Linked to the subject, it is erased with her.
    card = vault.tokenize("4111 1111 1111 1111", {"kind": "card", "keep_last": 4, "subject": token}, actor="app:payments")
    print("card token:", card, "->", vault.detokenize(card, {"mask": {}}, actor="app:support", purpose="support"))

    for event in reversed(vault.list_audit_events(token, actor="admin:dpo", limit=10)["items"]):
        print(f"audit #{event['seq']} {event['actor']} ({event['purpose'] or '-'}) {event['action']} -> {event['outcome']}")

    receipt = vault.forget_subject({"token": token}, actor="admin:dpo")
    print(f"erased: {receipt['index_entries_removed']} index entries and {receipt['tokens_removed']} token removed,"
          f" residue scrubbed: {receipt['residue_scrubbed']}")
    try:
        vault.get_subject({"token": token}, actor="app:billing")
    except bunkerlite.ErasedError as e:
        print("after erasure:", e.code)

    # Rewrite the file so no stale copy of the erased rows survives (run after erasures, e.g. nightly).
    compacted = vault.compact(actor="admin:dpo")
    print(f"compacted: {compacted['bytes_before']} -> {compacted['bytes_after']} bytes")
    print("audit chain verified:", vault.verify_audit()["events"], "events")
