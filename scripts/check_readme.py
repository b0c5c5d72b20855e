"""Checks that each README code block marked `<!-- example: PATH -->` is the file PATH, verbatim."""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
readme = (root / "README.md").read_text("utf-8")
blocks = re.findall(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)```\n", readme, re.S)
errors = [path for path, body in blocks if (root / path).read_text("utf-8") != body]
expected = {"examples/quickstart.rs", "examples/quickstart.c", "examples/quickstart.py", "examples/quickstart.mjs"}
missing = expected - {path for path, _ in blocks}
for path in errors:
    print(f"README.md: the block for {path} differs from the file (copy the file into the README)")
for path in sorted(missing):
    print(f"README.md: no block for {path}")
if errors or missing:
    sys.exit(1)
print(f"README.md: {len(blocks)} example blocks match their files")
