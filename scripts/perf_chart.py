"""Draws the README's performance table (between its `performance` markers) as an SVG bar chart:
bunkerlite's throughput as a share of plain SQLite's, per operation. The docs stage writes it
into the built book (images/performance.svg).

usage: perf_chart.py OUT.svg
"""

import html
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
readme = (root / "README.md").read_text("utf-8")
start, end = "<!-- <performance> -->", "<!-- </performance> -->"
table = readme[readme.index(start) + len(start):readme.index(end)]
rows = []
column = None
for line in table.splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if column is None and "bunkerlite / plain SQLite" in cells:
        column = cells.index("bunkerlite / plain SQLite")
    elif column is not None and len(cells) > column and cells[column].endswith("%"):
        rows.append((cells[0], float(cells[column].rstrip("%"))))
if not rows:
    sys.exit("perf_chart: no rows with a percentage in the README's performance table")

width, bar_x, bar_w, row_h = 760, 330, 380, 26
height = 40 + row_h * len(rows) + 30
scale = bar_w / max(100.0, max(r for _, r in rows))
out = [
    f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
    f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
    f'<text x="10" y="22" font-size="14" font-weight="bold">bunkerlite throughput as a share of plain SQLite '
    f"(no encryption, no indexes, no audit)</text>",
]
for i, (name, ratio) in enumerate(rows):
    y = 40 + i * row_h
    color = "#4f8a4f" if ratio >= 50 else "#c0504d"
    out.append(f'<text x="{bar_x - 8}" y="{y + 16}" text-anchor="end">{html.escape(name)}</text>')
    out.append(f'<rect x="{bar_x}" y="{y + 4}" width="{ratio * scale:.1f}" height="{row_h - 8}" fill="{color}"/>')
    out.append(f'<text x="{bar_x + ratio * scale + 6:.1f}" y="{y + 16}">{ratio:.0f}%</text>')
hundred = bar_x + 100 * scale
out.append(f'<line x1="{hundred:.1f}" y1="34" x2="{hundred:.1f}" y2="{height - 24}" stroke="#888" stroke-dasharray="4 3"/>')
out.append(f'<text x="{hundred:.1f}" y="{height - 8}" text-anchor="middle" fill="#555">plain SQLite = 100%</text>')
out.append("</svg>")
pathlib.Path(sys.argv[1]).write_text("\n".join(out) + "\n", "utf-8")
print(f"perf_chart: {len(rows)} operations")
