//! The layering of `core/src` (the book's "Layout and contributing" chapter, which this test checks against
//! the one table below): every unit (a top-level module: a file or a folder) has a floor, and
//! every path naming another unit — `use crate::…`, grouped (`use crate::{a, b::c}`), nested,
//! or reaching out with `super::super::…` — points down a floor, or sideways only where listed.
//! No cycle, whatever the floors say. An area's store (`<area>/store.rs`: its rows and its store
//! trait) is a unit of its own, low in the building; a backend (`store/sqlite`, `store/postgres`) implements every
//! store trait and is named by the facade alone. A feature area never names another area's rows
//! nor calls its store functions (which every handle carries): it calls that area. Only
//! `store/sqlite` knows rusqlite, `crypto` knows nothing of the crate but its errors. The test
//! prints the import graph by floor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const LAYOUT_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/src/contributing.md");

/// The floors, lowest first: a unit may use the units of the floors below its own.
const FLOORS: &[(&str, &[&str])] = &[
    ("error", &["error"]),
    (
        "primitives",
        &["crypto", "document", "normalize", "clock", "page", "caller", "ids", "action", "patch", "options", "declare"],
    ),
    ("area stores", &["<area>::store"]),
    ("storage seam", &["store"]),
    ("backends", &["store::sqlite", "store::postgres"]),
    ("keys and rules", &["keyring", "policy"]),
    ("audit chain", &["chain"]),
    ("unit of work", &["engine", "lifecycle"]),
    ("feature areas", &["<area>"]),
    ("orchestrators", &["erasure", "export", "fulfilment", "retention", "upgrade"]),
    ("facade", &["vault", "<area>::ops"]),
    ("crate root", &["lib", "testing", "bridge"]),
];

/// The arrows allowed between units of one floor (from, to): primitives building on each other,
/// and areas calling another area's operations (never its tables).
const SIDEWAYS: &[(&str, &str)] = &[
    ("document", "normalize"),
    ("patch", "document"),
    ("options", "document"),
    ("options", "normalize"),
    ("options", "clock"),
    ("policy", "keyring"),
    ("audit_log::store", "chain::store"),
    ("<area>::ops", "vault"),
    ("lifecycle", "engine"),
    ("<area>", "subjects"),
    ("audit_log", "tokens"),
    ("audit_log", "consent"),
    ("audit_log", "requests"),
    ("audit_log", "schedules"),
    ("shares", "apps"),
    ("shares", "sessions"),
    ("export", "erasure"),
    ("fulfilment", "erasure"),
    ("retention", "erasure"),
    ("requests", "apps"),
    ("requests", "consent"),
];

/// The feature areas, found, not listed: each folder of `core/src` with its operations
/// (`ops.rs`) and its store (`store.rs`). `<area>` in the tables above stands for each of them
/// (so a new area needs no edit here), `<area>::store` for the store of every unit that has one
/// (the areas, and `chain` below them), `<area>::ops` for an area's operations.
fn areas() -> Vec<String> {
    folders_with(&["ops.rs", "store.rs"])
}

/// The units with a store of their own (`<unit>/store.rs`): the areas and `chain`.
fn stored() -> Vec<String> {
    folders_with(&["store.rs"])
}

fn folders_with(files: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(SRC)
        .expect("read src")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && files.iter().all(|f| p.join(f).is_file()))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    out.sort();
    out
}

/// Whether `unit` is what a table entry (a unit, or a pattern with `<area>`) names.
fn names(entry: &str, unit: &str) -> bool {
    match entry {
        "<area>" => areas().iter().any(|a| a == unit),
        "<area>::store" => unit.strip_suffix("::store").is_some_and(|u| stored().iter().any(|a| a == u)),
        "<area>::ops" => unit.strip_suffix("::ops").is_some_and(|u| areas().iter().any(|a| a == u)),
        _ => entry == unit,
    }
}

/// The units a floor's entries name, patterns expanded.
fn expand(entries: &[&str]) -> Vec<String> {
    entries
        .iter()
        .flat_map(|e| match *e {
            "<area>" => areas(),
            "<area>::store" => stored().into_iter().map(|a| format!("{a}::store")).collect(),
            "<area>::ops" => areas().into_iter().map(|a| format!("{a}::ops")).collect(),
            unit => vec![unit.to_owned()],
        })
        .collect()
}

/// The units that name the backend: the facade opens it.
const BACKEND_USERS: &[&str] = &["vault"];

/// Units other than an area that use an area's store functions or rows, and why. Each is a
/// known debt with its reason, checked so the list stays exact.
const TABLE_READERS: &[(&str, &str, &str)] = &[
    ("audit_log", "chain", "the listing is the chain's area: it pages and verifies the chain's rows"),
    ("chain", "subjects", "an audited failure naming only a token is linked to the subject's row id"),
    ("upgrade", "tokens", "the format-6 migration seals every token row with its MAC"),
    ("upgrade", "consent", "the format-6 migration seals the agreement and outbox chains"),
    ("upgrade", "subjects", "the format-6 migration binds consent states to their subject's token"),
];

fn floor(unit: &str) -> Option<usize> {
    FLOORS.iter().position(|(_, entries)| entries.iter().any(|e| names(e, unit)))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file (`tokens/text.rs` → `["tokens", "text"]`, `lib.rs` → `[]`).
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(SRC).expect("under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// The unit of a module path: its first segment (`lib` for the crate root), or the first two
/// for an area's store (`consent::store`), an area's operations on the facade (`consent::ops`)
/// and a backend (`store::sqlite`, `store::postgres`).
fn unit_of_module(module: &[String]) -> String {
    match (module.first().map(String::as_str), module.get(1).map(String::as_str)) {
        (None, _) => "lib".into(),
        (Some(first), Some("store")) if stored().iter().any(|s| s == first) => format!("{first}::store"),
        (Some(first), Some("ops")) if areas().iter().any(|a| a == first) => format!("{first}::ops"),
        (Some("store"), Some(backend @ ("sqlite" | "postgres"))) => format!("store::{backend}"),
        (Some(first), _) => first.to_owned(),
    }
}

/// Code without comments (line comments, doc comments), without string literals' contents, and
/// without the file's unit tests (`#[cfg(test)] mod tests`, which may open a concrete backend).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if !in_string && c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            }
            if !in_string {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

fn ident(s: &str) -> String {
    s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The paths of a use-tree or an expression path starting at `s` (after `crate::` or the
/// `super::`s): `a::b::{c, d::{e, f}}` gives `a::b::c`, `a::b::d::e`, `a::b::d::f`. Each path
/// ends where the next character is neither a name nor `::` (a call, a generic, `;`).
fn paths(s: &str) -> Vec<Vec<String>> {
    fn tree(s: &str, at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let skip_ws = |at: &mut usize| {
            while s[*at..].starts_with(char::is_whitespace) {
                *at += s[*at..].chars().next().map_or(1, char::len_utf8);
            }
        };
        let mut path = prefix.to_vec();
        loop {
            skip_ws(at);
            if s[*at..].starts_with('{') {
                *at += 1;
                loop {
                    skip_ws(at);
                    if s[*at..].starts_with('}') || *at >= s.len() {
                        *at += 1;
                        return;
                    }
                    tree(s, at, &path, out);
                    skip_ws(at);
                    if s[*at..].starts_with(',') {
                        *at += 1;
                    }
                }
            }
            let name = ident(&s[*at..]);
            if name.is_empty() {
                break;
            }
            *at += name.len();
            if name != "self" {
                path.push(name);
            }
            if s[*at..].starts_with("::") {
                *at += 2;
            } else {
                break;
            }
        }
        // `as x` and anything after a name end the path.
        if !path.is_empty() {
            out.push(path);
        }
        // Skip a rename (`as name`) up to the item's end.
        let rest = &s[*at..];
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix("as ") {
            *at += rest.len() - after.len();
            *at += ident(after.trim_start()).len() + (after.len() - after.trim_start().len());
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    tree(s, &mut at, &[], &mut out);
    out
}

/// The units a source file (module path `module`) refers to.
fn references(module: &[String], text: &str) -> BTreeSet<String> {
    let code = code_of(text);
    let mut units = BTreeSet::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let before_ok =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        let (base, after): (Vec<String>, &str) = if before_ok && rest.starts_with("crate::") {
            (Vec::new(), &rest["crate::".len()..])
        } else if before_ok && rest.starts_with("super::") {
            let mut up = 0;
            let mut tail = rest;
            while let Some(t) = tail.strip_prefix("super::") {
                up += 1;
                tail = t;
            }
            let mut base = module.to_vec();
            for _ in 0..up {
                base.pop();
            }
            (base, tail)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        for tail in paths(after) {
            let mut path = base.clone();
            path.extend(tail);
            if !path.is_empty() {
                units.insert(unit_of_module(&path));
            }
        }
        i += (rest.len() - after.len()).max(1);
    }
    units
}

/// The store functions each unit with a store declares: the `fn` names in its `store.rs`.
fn store_functions() -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for unit in stored() {
        let text = std::fs::read_to_string(Path::new(SRC).join(&unit).join("store.rs")).expect("an area's store.rs");
        let names = code_of(&text).split("fn ").skip(1).map(ident).filter(|n| !n.is_empty()).collect::<BTreeSet<_>>();
        out.insert(unit, names);
    }
    out
}

/// For each unit, the units whose store functions (`.name(` calls) or rows it uses.
fn table_uses() -> BTreeMap<String, BTreeSet<String>> {
    let functions = store_functions();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    for path in files {
        let module = module_of(&path);
        let unit = unit_of_module(&module);
        if unit.ends_with("::store") || unit == "store" || unit.starts_with("store::") {
            continue; // the stores, the seam that gathers them, the backends: they are the tables
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let code = code_of(&text);
        // An area's operations on the facade are the area's.
        let owner = unit.split("::").next().unwrap_or_default();
        for (stored, names) in &functions {
            if stored == owner {
                continue;
            }
            let calls = names.iter().any(|n| code.contains(&format!(".{n}(")));
            let rows = references(&module, &text).contains(&format!("{stored}::store"));
            if calls || rows {
                uses.entry(unit.clone()).or_default().insert(stored.clone());
            }
        }
    }
    uses
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let module = module_of(&path);
        let unit = unit_of_module(&module);
        let text = std::fs::read_to_string(&path).expect("read");
        let mut units = references(&module, &text);
        units.remove(&unit);
        // Names that are not units of the crate (a `crate::Vault` re-export names the root).
        units.retain(|u| floor(u).is_some() || u.chars().next().is_some_and(|c| c.is_lowercase()));
        graph.entry(unit).or_default().extend(units);
    }
    graph
}

/// The import graph by floor, as the test prints it.
fn render(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::new();
    for (i, (name, entries)) in FLOORS.iter().enumerate().rev() {
        out.push_str(&format!("{i} {name}\n"));
        for u in expand(entries).iter() {
            let deps: Vec<&str> = graph.get(u).map(|d| d.iter().map(String::as_str).collect()).unwrap_or_default();
            out.push_str(&format!(
                "    {u} -> {}\n",
                if deps.is_empty() { "(nothing)".into() } else { deps.join(", ") }
            ));
        }
    }
    out
}

#[test]
fn every_unit_has_a_floor_and_arrows_point_down() {
    let graph = graph();
    println!("core's import graph, by floor (highest first):\n{}", render(&graph));
    let mut problems = Vec::new();
    for (unit, deps) in &graph {
        let Some(own) = floor(unit) else {
            problems.push(format!("{unit} has no floor in core/tests/architecture.rs (add it where it belongs)"));
            continue;
        };
        for dep in deps {
            match floor(dep) {
                None => problems.push(format!("{unit} uses {dep}, which has no floor")),
                Some(f) if f > own => {
                    problems.push(format!("{unit} (floor {own}) uses {dep} (floor {f}): an arrow up"))
                }
                Some(f) if f == own && !SIDEWAYS.iter().any(|(from, to)| names(from, unit) && names(to, dep)) => {
                    problems.push(format!("{unit} uses {dep} on its own floor (not among the listed sideways arrows)"))
                }
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn there_is_no_module_cycle() {
    let graph = graph();
    fn visit<'a>(
        unit: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(unit) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|u| *u == unit).unwrap_or(0);
                let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
                cycle.push(unit.to_owned());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(unit, 1);
        path.push(unit);
        for dep in graph.get(unit).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(unit, 2);
        None
    }
    let mut state = BTreeMap::new();
    for unit in graph.keys() {
        if let Some(cycle) = visit(unit, &graph, &mut state, &mut Vec::new()) {
            panic!("module cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn an_area_never_uses_another_areas_tables() {
    let uses = table_uses();
    let mut problems = Vec::new();
    for (unit, stored) in &uses {
        for other in stored {
            if TABLE_READERS.iter().any(|(u, s, _)| u == unit && s == other) {
                continue;
            }
            problems.push(if areas().contains(unit) {
                format!("the area {unit} uses the store of {other} (its rows or functions): call {other}'s operations instead")
            } else {
                format!("{unit} uses the store of {other}, which TABLE_READERS does not list")
            });
        }
    }
    for (unit, stored, _) in TABLE_READERS {
        if !uses.get(*unit).is_some_and(|s| s.contains(*stored)) {
            problems.push(format!("TABLE_READERS lists {unit} -> {stored}, which no longer happens: remove it"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn only_the_facade_names_a_backend() {
    let graph = graph();
    for (unit, deps) in &graph {
        for backend in ["store::sqlite", "store::postgres"] {
            if deps.contains(backend) {
                assert!(BACKEND_USERS.contains(&unit.as_str()), "{unit} names the backend {backend}");
            }
        }
    }
}

#[test]
fn stores_and_crypto_never_see_a_feature_area_and_crypto_sees_only_errors() {
    let graph = graph();
    let low: Vec<String> = FLOORS
        .iter()
        .filter(|(name, _)| ["area stores", "storage seam", "backends"].contains(name))
        .flat_map(|(_, entries)| expand(entries))
        .chain(["crypto".to_string()])
        .collect();
    for unit in &low {
        let deps = graph.get(unit).cloned().unwrap_or_default();
        for area in areas() {
            assert!(!deps.contains(&area), "{unit} uses the feature area {area}");
        }
    }
    let crypto = graph.get("crypto").cloned().unwrap_or_default();
    assert!(crypto.iter().all(|d| d == "error"), "crypto uses {crypto:?}");
}

#[test]
fn only_the_backend_knows_rusqlite() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut offenders = Vec::new();
    for path in files {
        if unit_of_module(&module_of(&path)) == "store::sqlite" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        if code_of(&text).contains("rusqlite") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "rusqlite outside core/src/store/sqlite: {offenders:?}");
}

#[test]
fn only_the_postgres_backend_knows_its_driver_and_tls() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut offenders = Vec::new();
    for path in files {
        if unit_of_module(&module_of(&path)) == "store::postgres" {
            continue;
        }
        // The facade names the backend's module (`store::postgres::…`), never the driver.
        let code = code_of(&std::fs::read_to_string(&path).expect("read")).replace("store::postgres", "");
        if ["postgres::", "tokio_postgres", "rustls"].iter().any(|name| code.contains(name)) {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "the PostgreSQL driver outside core/src/store/postgres: {offenders:?}");
}

#[test]
fn the_readme_shows_these_floors() {
    let readme = std::fs::read_to_string(LAYOUT_DOC).expect("docs/src/contributing.md");
    let (start, end) = ("<!-- <floors: checked by core/tests/architecture.rs> -->", "<!-- </floors> -->");
    let a = readme.find(start).expect("the book's floors section") + start.len();
    let b = readme[a..].find(end).expect("its end") + a;
    let mut table = String::from("\n| floor | units (each may use the floors below it) |\n|---|---|\n");
    for (i, (name, entries)) in FLOORS.iter().enumerate().rev() {
        table.push_str(&format!(
            "| {i} {name} | {} |\n",
            entries.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(" ")
        ));
    }
    assert_eq!(
        readme[a..b].trim(),
        table.trim(),
        "docs/src/contributing.md's floors differ from FLOORS: write this table there:\n{table}"
    );
}

#[test]
fn the_scanner_sees_what_it_must() {
    // The checks above would pass vacuously if the scanner found nothing.
    let graph = graph();
    assert!(graph["engine"].contains("store") && graph["engine"].contains("chain"));
    assert!(graph["vault"].contains("subjects") && graph["subjects"].contains("engine"));
    assert!(graph["store"].contains("consent::store") && graph["vault"].contains("store::sqlite"));
    let m = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let units = references(&m(&["tokens", "text"]), "use crate::{action::Action, store::{self, sqlite::Db}};");
    assert!(units.contains("action") && units.contains("store") && units.contains("store::sqlite"), "{units:?}");
    let units = references(&m(&["tokens", "text"]), "use super::super::vault::Vault;");
    assert!(units.contains("vault"));
    let units = references(&m(&["tokens", "text"]), "use super::format;");
    assert!(units.contains("tokens"));
    let units = references(&m(&["consent", "verify"]), "let x: &super::store::OutboxRow = y;");
    assert!(units.contains("consent::store"), "{units:?}");
    let units = references(&m(&["x"]), "use crate::{consent::{self, store::{BasisRow as B, CurrentRow}}, ids};");
    assert!(units.contains("consent::store") && units.contains("consent") && units.contains("ids"), "{units:?}");
    let units = references(&m(&["x"]), "// use crate::vault;\nlet s = \"crate::vault\";");
    assert!(units.is_empty(), "{units:?}");
    // Store functions are seen as calls, whatever the handle.
    let uses = table_uses();
    assert!(uses.get("upgrade").is_some_and(|s| s.contains("tokens")), "{uses:?}");
    assert!(store_functions()["tokens"].contains("token_by_hash"));
}
