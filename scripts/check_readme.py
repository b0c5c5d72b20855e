"""Checks the README's code blocks against what the test command runs.

- Each block marked `<!-- example: PATH -->` must be the file PATH, verbatim (the README shows one
  quickstart; the book includes the others, see check_docs.py).
- Each language has a block marked `<!-- install: LANG -->` (node, python, c, rust) of at most five
  commands; the packages stage (tests/packages/run.sh) runs those blocks as written.

`check_readme.py --install LANG` prints that install block instead, for the packages stage to run.
"""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
readme = (root / "README.md").read_text("utf-8")
LANGUAGES = ("node", "python", "c", "rust")
installs = dict(re.findall(r"<!-- install: (\S+) -->\n```sh\n(.*?)```\n", readme, re.S))

if len(sys.argv) == 3 and sys.argv[1] == "--install":
    if sys.argv[2] not in installs:
        sys.exit(f"README.md: no install block for {sys.argv[2]}")
    print(installs[sys.argv[2]], end="")
    sys.exit(0)
if len(sys.argv) != 1:
    sys.exit("usage: check_readme.py [--install LANG]")

problems = []
blocks = re.findall(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)```\n", readme, re.S)
for path, body in blocks:
    if (root / path).read_text("utf-8") != body:
        problems.append(f"the block for {path} differs from the file (copy the file into the README)")
if not blocks:
    problems.append("no example block (the README shows one quickstart; the book includes the others)")
for lang in LANGUAGES:
    if lang not in installs:
        problems.append(f"no install block for {lang}")
        continue
    commands = [line for line in installs[lang].splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(commands) > 5:
        problems.append(f"the install block for {lang} has {len(commands)} commands (at most 5)")
for lang in sorted(set(installs) - set(LANGUAGES)):
    problems.append(f"install block for an unknown language {lang}")
for problem in problems:
    print(f"README.md: {problem}")
if problems:
    sys.exit(1)
print(f"README.md: {len(blocks)} example blocks match their files; {len(installs)} install blocks")
