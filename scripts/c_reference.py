"""Renders the C header's comments (include/bunkerlite.h) as the C API reference: one HTML page
per function group, and an index, into the folder given (the docs stage writes it into the
built book, under api/c/). Fails on a function that no group claims or that has no comment, so
the reference always covers the whole header.

usage: c_reference.py OUT_DIR
"""

import html
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[1]
header = (root / "include" / "bunkerlite.h").read_text("utf-8")

# (page, title, what it covers, name prefixes), in the order the index lists them.
GROUPS = [
    ("conventions", "Conventions and errors", "Return codes, the last error, strings the library returns.",
     ("BL_", "bl_string_free", "bl_last_error", "bl_error_code_name")),
    ("keys", "Master keys", "Making, loading, exporting and freeing a master key.", ("bl_key_",)),
    ("vault", "The vault", "Opening, closing, compacting and rekeying a vault; the caller; the version.",
     ("bl_vault", "bl_caller", "bl_version")),
    ("subjects", "Subjects", "Creating, reading, updating, exporting, listing (the bulk guard) and erasing subjects.",
     ("bl_subject", "bl_bulk_")),
    ("tokens", "Tokens", "Vaulted and format-preserving tokens, tokens in free text.", ("bl_token", "bl_text_")),
    ("consent", "Consent", "Legal bases, processing activities, decisions, receipts, the outbox, restriction of processing.",
     ("bl_basis", "bl_bases", "bl_activit", "bl_consent", "bl_outbox", "bl_restriction")),
    ("apps", "App documents", "A subject's JSON document per app.", ("bl_app",)),
    ("sessions", "Sessions", "Encrypted session records for web applications.", ("bl_session",)),
    ("shares", "Shares", "Listed fields of a subject's record shared with a partner.", ("bl_share",)),
    ("schedules", "Scheduled erasure", "A subject's erasure scheduled, seen, cancelled, kept or carried out by its capability.",
     ("bl_erasure_",)),
    ("requests", "Data-subject requests", "Requests with their deadlines and states, approval, the requests' outbox.",
     ("bl_request",)),
    ("audit", "Audit log", "Listing, the chain head, verification, flushing.", ("bl_audit",)),
    ("ledger", "Erasure ledger", "Exporting the ledger of erasures and re-applying it after a restore.", ("bl_ledger_",)),
]

# A comment, then the declaration it documents (a #define, a function or a typedef).
ITEM = re.compile(
    r"/\*\n(?P<doc>.*?)\*/\n(?P<decl>#define [A-Z_]+ [^\n]+|typedef struct \w+ \{.*?\} \w+;|[^;#{}]*?\b(?P<fn>bl_\w+)\([^;]*\);)",
    re.S,
)


def name_of(match: re.Match[str]) -> str:
    decl = match["decl"]
    if decl.startswith("#define"):
        return decl.split()[1]
    if decl.startswith("typedef struct"):
        return decl.split()[2]
    return match["fn"]


def paragraphs(doc: str) -> str:
    text = "\n".join(line[1:] if line.startswith(" ") else line for line in doc.splitlines())
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        block = html.escape(block.strip())
        block = re.sub(r"`([^`]+)`", r"<code>\1</code>", block)
        if block.startswith("# "):
            out.append(f"<h4>{block[2:]}</h4>")
        else:
            out.append(f"<p>{block}</p>")
    return "\n".join(out)


STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}code{background:#f4f4f4;padding:0 .2rem}"
    "h3{margin-top:2rem;font-family:monospace}nav a{margin-right:1rem}"
)


def page(title: str, body: str) -> str:
    nav = " ".join(f'<a href="{p}.html">{html.escape(t)}</a>' for p, t, _, _ in GROUPS)
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)} — bunkerlite C API"
        f"</title><style>{STYLE}</style></head><body><nav><a href=\"index.html\">C API</a> {nav}</nav>"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n"
    )


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: c_reference.py OUT_DIR")
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    items = [(name_of(m), m["doc"], m["decl"].strip()) for m in ITEM.finditer(header)]
    declared = set(re.findall(r"\b(bl_\w+)\(", header))
    documented = {name for name, _, _ in items}
    problems = [f"{fn} has no comment in the header" for fn in sorted(declared - documented)]
    pages: dict[str, list[tuple[str, str, str]]] = {p: [] for p, _, _, _ in GROUPS}
    for name, doc, decl in items:
        group = next((p for p, _, _, prefixes in GROUPS if name.startswith(prefixes)), None)
        if group is None:
            problems.append(f"{name} belongs to no group of scripts/c_reference.py")
            continue
        pages[group].append((name, doc, decl))
    if problems:
        sys.exit("\n".join(f"c_reference: {p}" for p in problems))
    intro = header[header.index("/*") + 2:header.index("*/")]
    rows = "\n".join(
        f'<li><a href="{p}.html">{html.escape(t)}</a> — {html.escape(what)} ({len(pages[p])})</li>'
        for p, t, what, _ in GROUPS
    )
    index = paragraphs("\n".join(line.lstrip(" *") for line in intro.splitlines()))
    (out / "index.html").write_text(page("C API", f"{index}\n<ul>\n{rows}\n</ul>"), "utf-8")
    for p, title, what, _ in GROUPS:
        body = [f"<p>{html.escape(what)} From <code>include/bunkerlite.h</code>.</p>"]
        for name, doc, decl in pages[p]:
            body.append(f'<h3 id="{name}">{name}</h3>\n<pre>{html.escape(decl)}</pre>\n{paragraphs(doc)}')
        (out / f"{p}.html").write_text(page(title, "\n".join(body)), "utf-8")
    print(f"c_reference: {len(items)} declarations on {len(GROUPS)} pages")


main()
