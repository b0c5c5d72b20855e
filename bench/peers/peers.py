"""The Python side of bench/peers/run.sh: bunkerlite against what a Python developer would use
instead to keep personal data in an embedded database, on one workload.

Contenders (one process, interleaved rounds, a fresh folder per contender and round):
- bunkerlite through its Python binding (default options);
- DIY: the standard library's sqlite3, AES-256-GCM from pyca `cryptography` (a random nonce per
  row, one application key) and HMAC-SHA256 blind indexes of email and phone; no audit;
- plain: the standard library's sqlite3, the profile as JSON text, email and phone in clear
  under unique indexes (the ceiling: no encryption at all).

Workload: N profiles of ~345 bytes of JSON (name, email, phone, address, birthdate, preferences,
note) created in batches of 1,000 in a shuffled order; N gets by email in another random order;
1,000 erasures by email, each its own transaction, then 1,000 more in batches of 100 (one call, or
one transaction, per batch). All: WAL, synchronous=FULL, a 16 MiB page cache.
The file size is every file of the database after the creates and a close. Afterwards every
file left on disk is searched for the emails (a stolen file that shows them).

Prints one JSON object (rounds × contenders × figures) for run.sh to tabulate.
"""

import hashlib
import hmac
import json
import os
import pathlib
import sqlite3
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import bunkerlite

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from bindings import profile  # noqa: E402  (the profile every benchmark stores)

N = int(os.environ.get("BUNKERLITE_PEERS_N", "20000"))
ROUNDS = int(os.environ.get("BUNKERLITE_PEERS_ROUNDS", "3"))
BATCH = 1000
ERASURES = 1000
PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -16384;"


def order(step: int) -> List[int]:
    """A permutation of range(N) (step is a prime not dividing N)."""
    return [(i * step) % N for i in range(N)]


CREATE_ORDER, GET_ORDER = order(7919), order(104_729)
ERASE_ORDER, BATCH_ERASE_ORDER = order(15_485_863)[:ERASURES], order(15_485_863)[ERASURES:2 * ERASURES]
ERASE_BATCH = 100


class Bunkerlite:
    name = "bunkerlite (Python binding)"

    def __init__(self, folder: pathlib.Path) -> None:
        self.path, self.key = folder / "vault.db", bunkerlite.MasterKey.generate()
        self.open()

    def open(self) -> None:
        self.vault = bunkerlite.Vault.open(str(self.path), self.key)

    def close(self) -> None:
        self.vault.close()

    def create(self, batch: List[Dict[str, Any]]) -> None:
        self.vault.create_subjects(batch, actor="app:bench")

    def get(self, email: str) -> Dict[str, Any]:
        return self.vault.get_subject({"email": email}, actor="app:bench")["profile"] or {}

    def erase(self, email: str) -> None:
        self.vault.forget_subject({"email": email}, actor="app:bench")

    def erase_many(self, emails: List[str]) -> None:
        self.vault.forget_subjects([{"email": e} for e in emails], actor="app:bench")


class Diy:
    name = "DIY: sqlite3 + AES-GCM + HMAC index"

    def __init__(self, folder: pathlib.Path) -> None:
        self.path = folder / "diy.db"
        key = os.urandom(64)
        self.aead, self.index_key = AESGCM(key[:32]), key[32:]
        self.open()
        self.db.executescript(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, email_index BLOB NOT NULL UNIQUE,"
            " phone_index BLOB NOT NULL UNIQUE, data BLOB NOT NULL);")

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(PRAGMAS)

    def close(self) -> None:
        self.db.close()

    def index(self, field: str, value: str) -> bytes:
        return hmac.new(self.index_key, f"{field}:{value.strip().lower()}".encode(), hashlib.sha256).digest()

    def create(self, batch: List[Dict[str, Any]]) -> None:
        rows = []
        for p in batch:
            nonce = os.urandom(12)
            data = nonce + self.aead.encrypt(nonce, json.dumps(p).encode(), None)
            rows.append((self.index("email", p["email"]), self.index("phone", p["phone"]), data))
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO people (email_index, phone_index, data) VALUES (?, ?, ?)", rows)
        self.db.execute("COMMIT")

    def get(self, email: str) -> Dict[str, Any]:
        (data,) = self.db.execute("SELECT data FROM people WHERE email_index = ?", (self.index("email", email),)).fetchone()
        return json.loads(self.aead.decrypt(data[:12], data[12:], None))

    def erase(self, email: str) -> None:
        self.db.execute("DELETE FROM people WHERE email_index = ?", (self.index("email", email),))

    def erase_many(self, emails: List[str]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("DELETE FROM people WHERE email_index = ?", [(self.index("email", e),) for e in emails])
        self.db.execute("COMMIT")


class Plain:
    name = "plain sqlite3 (no encryption)"

    def __init__(self, folder: pathlib.Path) -> None:
        self.path = folder / "plain.db"
        self.open()
        self.db.executescript(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, phone TEXT NOT NULL UNIQUE,"
            " profile TEXT NOT NULL);")

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.executescript(PRAGMAS)

    def close(self) -> None:
        self.db.close()

    def create(self, batch: List[Dict[str, Any]]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO people (email, phone, profile) VALUES (?, ?, ?)",
                            [(p["email"], p["phone"], json.dumps(p)) for p in batch])
        self.db.execute("COMMIT")

    def get(self, email: str) -> Dict[str, Any]:
        (text,) = self.db.execute("SELECT profile FROM people WHERE email = ?", (email,)).fetchone()
        return json.loads(text)

    def erase(self, email: str) -> None:
        self.db.execute("DELETE FROM people WHERE email = ?", (email,))

    def erase_many(self, emails: List[str]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany("DELETE FROM people WHERE email = ?", [(e,) for e in emails])
        self.db.execute("COMMIT")


def files_bytes(folder: pathlib.Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def reveals(folder: pathlib.Path) -> bool:
    """Whether any file of the database shows an email in clear (what a thief of the files sees)."""
    return any(b"@example.org" in f.read_bytes() for f in folder.iterdir() if f.is_file())


def timed(n: int, f: Callable[[int], Any]) -> float:
    start = time.perf_counter()
    for i in range(n):
        f(i)
    return n / (time.perf_counter() - start)


def run(kind: Any, root: pathlib.Path) -> Dict[str, Any]:
    folder = pathlib.Path(tempfile.mkdtemp(dir=root))
    c = kind(folder)
    profiles = [profile(i) for i in CREATE_ORDER]
    batches = [profiles[b:b + BATCH] for b in range(0, N, BATCH)]
    creates = timed(len(batches), lambda b: c.create(batches[b])) * BATCH
    c.close()
    size = files_bytes(folder)
    c.open()
    emails = [f"user{i}@example.org" for i in GET_ORDER]
    gets = timed(N, lambda i: c.get(emails[i]))
    erase = [f"user{i}@example.org" for i in ERASE_ORDER]
    erasures = timed(ERASURES, lambda i: c.erase(erase[i]))
    doomed = [f"user{i}@example.org" for i in BATCH_ERASE_ORDER]
    batched = timed(ERASURES // ERASE_BATCH, lambda b: c.erase_many(doomed[b * ERASE_BATCH:(b + 1) * ERASE_BATCH]))
    c.close()
    return {"contender": kind.name, "creates": creates, "gets": gets, "erasures": erasures,
            "batched_erasures": batched * ERASE_BATCH, "bytes": size, "reveals_emails": reveals(folder)}


def main() -> None:
    root = pathlib.Path(tempfile.mkdtemp(dir=os.environ.get("BUNKERLITE_BENCH_DIR", ".")))
    rounds = []
    for r in range(ROUNDS):
        print(f"python round {r + 1}/{ROUNDS}", file=sys.stderr)
        rounds.append([run(kind, root) for kind in (Bunkerlite, Diy, Plain)])
    for f in root.rglob("*"):
        if f.is_file():
            f.unlink()
    for d in sorted(root.rglob("*"), reverse=True):
        d.rmdir()
    root.rmdir()
    print(json.dumps({"language": "Python", "runtime": f"CPython {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}",
                      "n": N, "rounds": rounds}))


if __name__ == "__main__":
    main()
