"""The Python side of bench/threads.sh: one Vault shared by 1, 2 and 4 threads (the GIL is
released while the core works), gets by email and single-subject creates, the workload of
core/benches/threads.rs. Prints one JSON line: per round, operations per second by thread count.
"""

import itertools
import json
import os
import sys
import tempfile
import threading
import time

import bunkerlite

sys.path.insert(0, os.path.dirname(__file__))
from bindings import profile  # noqa: E402  (the same ~350-byte profile)

N = int(os.environ.get("BUNKERLITE_BENCH_N", "20000"))
SECONDS = float(os.environ.get("BUNKERLITE_BENCH_SECONDS", "2"))
ROUNDS = int(os.environ.get("BUNKERLITE_BENCH_ROUNDS", "3"))
THREADS = [int(t) for t in os.environ.get("BUNKERLITE_BENCH_THREADS", "1,2,4").split(",")]


def rate(threads: int, op) -> float:
    """op(thread, i) from `threads` threads for SECONDS; operations per second."""
    stop = threading.Event()
    done = [0] * threads

    def work(t: int) -> None:
        i = 0
        while not stop.is_set():
            op(t, i)
            i += 1
        done[t] = i

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    time.sleep(SECONDS)
    stop.set()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - start)


def main() -> None:
    with tempfile.TemporaryDirectory(dir=os.environ.get("BUNKERLITE_BENCH_DIR", ".")) as d:
        vault = bunkerlite.Vault.open(os.path.join(d, "threads.db"), bunkerlite.MasterKey.generate())
        for b in range(0, N, 1000):
            vault.create_subjects([profile(i) for i in range(b, min(b + 1000, N))], actor="app:bench")
        lookups = [{"email": f"user{(i * 104_729) % N}@example.org"} for i in range(N)]
        for lookup in lookups:  # warm-up pass over every subject
            vault.get_subject(lookup, actor="app:bench")
        get = vault.get_subject

        def read(t: int, i: int) -> None:
            get(lookups[(i * 7 + t * 4099) % N], actor="app:bench")

        fresh = itertools.count(N)  # next() on a count is atomic under the GIL

        def create(t: int, i: int) -> None:
            vault.create_subject(profile(next(fresh)), actor="app:bench")

        rounds = []
        for r in range(ROUNDS):
            order = THREADS[r % len(THREADS):] + THREADS[:r % len(THREADS)]
            gets = {t: rate(t, read) for t in order}
            creates = {t: rate(t, create) for t in order}
            rounds.append({"gets": gets, "creates": creates})
        vault.close()
    print(json.dumps({"lang": "python", "rounds": rounds}))


if __name__ == "__main__":
    main()
