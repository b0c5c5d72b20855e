"""Export everything held about one person: in memory, and streamed into a new file."""

import json
import pathlib
import tempfile

import bunkerlite

vault = bunkerlite.Vault.open_in_memory(bunkerlite.MasterKey.generate())
ann = vault.create_subject({"email": "ann@example.com", "name": "Ann"})
vault.put_app_document({"token": ann}, "shipping", {"city": "Berlin"})

doc = vault.export_subject({"email": "ann@example.com"}, actor="admin:dpo")
assert doc["subject"]["token"] == ann
assert [a["app"] for a in doc["apps"]] == ["shipping"]
assert [e["action"] for e in doc["audit"]] == ["app.put", "subject.create"]

folder = pathlib.Path(tempfile.mkdtemp())
path = folder / "ann.json"
summary = vault.export_subject_to_file({"token": ann}, str(path), actor="admin:dpo")
assert summary["bytes"] == path.stat().st_size
assert summary["sections"]["apps"] == 1
assert json.loads(path.read_text())["subject"]["token"] == ann
path.unlink()
folder.rmdir()
print("exported", summary["bytes"], "bytes:", summary["sections"])
