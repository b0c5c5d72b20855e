"""Markdown tables of bench/peers/run.sh from the JSON lines of peers.py and peers.mjs."""

import json
import os
import platform
import statistics
import sys


def cell(values, fmt="{:,.0f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))} … {fmt.format(max(values))})"


def cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        name = platform.processor() or "unknown CPU"
    return f"{name}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main() -> None:
    runs = [json.loads(a) for a in sys.argv[1:]]
    print(f"Machine: {cpu()}.\n")
    for run in runs:
        rounds = run["rounds"]
        names = [c["contender"] for c in rounds[0]]
        series = {name: {k: [r[i][k] for r in rounds] for k in ("creates", "gets", "erasures", "batched_erasures", "bytes")}
                  for i, name in enumerate(names)}
        print(f"**{run['language']}** ({run['runtime']}; {run['n']:,} profiles; medians of {len(rounds)} "
              f"interleaved rounds, range in parentheses)\n")
        print("| contender | creates/s (batches of 1,000) | gets by email/s | erasures by email/s "
              "| erasures/s in batches of 100 | files MiB | stolen files show emails |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for i, name in enumerate(names):
            s = series[name]
            shows = "yes" if any(r[i]["reveals_emails"] for r in rounds) else "no"
            print(f"| {name} | {cell(s['creates'])} | {cell(s['gets'])} | {cell(s['erasures'])} "
                  f"| {cell(s['batched_erasures'])} | {statistics.median(s['bytes']) / 2**20:.1f} | {shows} |")
        ours = series[names[0]]
        print(f"\n{names[0]} relative to each (per-round ratios; > 1 is faster, or smaller for files):\n")
        print("| vs | creates | gets | erasures | erasures in batches of 100 | file size |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in names[1:]:
            them = series[name]

            def ratio(key, inverse=False):
                pairs = zip(ours[key], them[key])
                return cell([(b / a) if inverse else (a / b) for a, b in pairs], "{:.2f}×")
            print(f"| {name} | {ratio('creates')} | {ratio('gets')} | {ratio('erasures')} "
                  f"| {ratio('batched_erasures')} | {ratio('bytes', inverse=True)} |")
        print()


if __name__ == "__main__":
    main()
