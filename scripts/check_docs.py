"""Checks the README and the book (docs/src) as the test command's docs stage does.

- Every relative link resolves: the file exists, and an anchor (`#...`) names a heading of it
  (GitHub's and mdBook's heading ids: lower case, spaces to hyphens, punctuation dropped).
  Links into `api/` and `images/` name the API references and pictures the docs stage builds
  into the rendered book (each picture from its text source in docs/diagrams/).
- The book's SUMMARY.md lists every chapter in docs/src, and every chapter it lists exists.
- Every `{{#include PATH}}` of the book names a file; every quickstart in examples/ is shown
  (the README's blocks are checked verbatim by check_readme.py, the book's are includes, so both
  show the files the examples stage runs).
- The README stays what a newcomer reads in five minutes: at most 300 lines.
"""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
src = root / "docs" / "src"
book = root / "target" / "book"
README_MAX_LINES = 300
QUICKSTARTS = {"examples/quickstart.rs", "examples/quickstart.c", "examples/quickstart.py", "examples/quickstart.mjs"}

problems: list[str] = []


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def slug(heading: str) -> str:
    heading = re.sub(r"`", "", heading.strip()).lower()
    heading = re.sub(r"[^\w\- ]", "", heading)
    return heading.replace(" ", "-")


def anchors(path: pathlib.Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text("utf-8"), flags=re.S | re.M)
    return {slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def check_links(path: pathlib.Path, api_built: bool) -> None:
    rel = path.relative_to(root)
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(path.read_text("utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        if file.startswith(("api/", "images/")) and path.parent == src:
            if api_built and not (book / file).exists():
                problems.append(f"{rel}: {target}: not in the built book")
            continue
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            problems.append(f"{rel}: {target}: no such file")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            problems.append(f"{rel}: {target}: no heading with that id")


def main() -> None:
    api_built = "--built" in sys.argv
    readme = root / "README.md"
    lines = readme.read_text("utf-8").count("\n")
    if lines > README_MAX_LINES:
        problems.append(f"README.md: {lines} lines (at most {README_MAX_LINES}: move the rest into the book)")
    chapters = set(re.findall(r"\]\(([^)]+\.md)\)", (src / "SUMMARY.md").read_text("utf-8")))
    present = {p.name for p in src.glob("*.md")} - {"SUMMARY.md"}
    for missing in sorted(chapters - present):
        problems.append(f"docs/src/SUMMARY.md lists {missing}, which does not exist")
    for unlisted in sorted(present - chapters):
        problems.append(f"docs/src/{unlisted} is not in SUMMARY.md")
    shown = set(re.findall(r"<!-- example: (\S+) -->", readme.read_text("utf-8")))
    for page in [readme, *sorted(src.glob("*.md"))]:
        check_links(page, api_built)
        for include in re.findall(r"\{\{#include ([^}\s]+)\}\}", page.read_text("utf-8")):
            target = (page.parent / include).resolve()
            if not target.exists():
                problems.append(f"{page.relative_to(root)}: includes {include}, which does not exist")
            else:
                shown.add(str(target.relative_to(root)))
    for path in sorted(QUICKSTARTS - shown):
        problems.append(f"{path} is shown neither in the README nor in the book")
    for problem in problems:
        print(f"docs: {problem}")
    if problems:
        sys.exit(1)
    print(f"docs: README {lines} lines; {len(present)} chapters; every link resolves")


main()
