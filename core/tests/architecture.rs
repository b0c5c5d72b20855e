//! The layering of `core/src` (the README's "Layering" section, which this test checks against
//! the one table below): every unit (a top-level module: a file or a folder) has a floor, and
//! every path naming another unit — `use crate::…`, grouped (`use crate::{a, b::c}`), nested,
//! or reaching out with `super::super::…` — points down a floor, or sideways only where listed.
//! No cycle, whatever the floors say. A feature area never names another area's tables or rows
//! (its `store::<area>` module): it calls that area. Only `store` knows rusqlite, `crypto` knows
//! nothing of the crate but its errors. The test prints the import graph by floor.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");

/// The floors, lowest first: a unit may use the units of the floors below its own.
const FLOORS: &[(&str, &[&str])] = &[
    ("error", &["error"]),
    (
        "primitives",
        &["crypto", "document", "normalize", "clock", "page", "caller", "ids", "action", "patch", "options"],
    ),
    ("storage", &["store"]),
    ("keys and rules", &["keyring", "policy"]),
    ("audit chain", &["chain"]),
    ("unit of work", &["engine", "lifecycle"]),
    ("feature areas", &["subjects", "tokens", "consent", "audit_log"]),
    ("orchestrators", &["erasure", "upgrade"]),
    ("facade", &["vault"]),
    ("crate root", &["lib", "testing"]),
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
    ("lifecycle", "engine"),
    ("tokens", "subjects"),
    ("consent", "subjects"),
    ("audit_log", "subjects"),
    ("audit_log", "tokens"),
    ("audit_log", "consent"),
];

/// The feature areas, each with the one `store` module whose tables and rows are its own.
const AREAS: &[(&str, &str)] =
    &[("subjects", "subjects"), ("tokens", "tokens"), ("consent", "consent"), ("audit_log", "audit")];

fn floor(unit: &str) -> Option<usize> {
    FLOORS.iter().position(|(_, units)| units.contains(&unit))
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

/// The unit of a module path: its first segment (`lib` for the crate root).
fn unit_of_module(module: &[String]) -> String {
    module.first().cloned().unwrap_or_else(|| "lib".into())
}

/// Code without comments (line comments, doc comments) and without string literals' contents.
fn code_of(text: &str) -> String {
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

/// The first names of every path in a `{…}` group (nested groups expanded), and where the group
/// ends.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start_of_item = true;
    for (i, c) in s.char_indices() {
        match c {
            '{' => {
                depth += 1;
                start_of_item = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => start_of_item = true,
            c if c.is_whitespace() => {}
            _ if start_of_item && depth == 1 => {
                heads.push(ident(&s[i..]));
                start_of_item = false;
            }
            _ => {}
        }
    }
    heads.into_iter().filter(|h| !h.is_empty()).collect()
}

/// The units a source file (module path `module`) refers to, and the `store::<x>` modules it
/// names.
fn references(module: &[String], text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let code = code_of(text);
    let mut units = BTreeSet::new();
    let mut stores = BTreeSet::new();
    let add = |path: Vec<String>, units: &mut BTreeSet<String>, stores: &mut BTreeSet<String>| {
        if let Some(first) = path.first() {
            units.insert(first.clone());
            if first == "store" {
                if let Some(second) = path.get(1) {
                    stores.insert(second.clone());
                }
            }
        }
    };
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
        let consumed = rest.len() - after.len();
        if let Some(group) = after.strip_prefix('{') {
            for head in group_heads(&format!("{{{group}")) {
                let mut path = base.clone();
                path.push(head);
                add(path, &mut units, &mut stores);
            }
        } else {
            let mut path = base.clone();
            let mut tail = after;
            loop {
                let name = ident(tail);
                if name.is_empty() {
                    // `store::{a, b}`: each of the group's heads.
                    if let Some(group) = tail.strip_prefix('{') {
                        for head in group_heads(&format!("{{{group}")) {
                            let mut p = path.clone();
                            p.push(head);
                            add(p, &mut units, &mut stores);
                        }
                    }
                    break;
                }
                path.push(name.clone());
                tail = &tail[name.len()..];
                match tail.strip_prefix("::") {
                    Some(t) => tail = t,
                    None => break,
                }
            }
            add(path, &mut units, &mut stores);
        }
        i += consumed.max(1);
    }
    // `use crate::store::{self, …}` then `store::tokens::get(…)`, or `crate::{store::{tokens}}`:
    // every module of `store` named after `store::`.
    if units.contains("store") {
        for (i, _) in code.match_indices("store::") {
            // Not the end of a longer name (`keystore::`).
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            let after = &code[i + "store::".len()..];
            let names = if after.starts_with('{') { group_heads(after) } else { vec![ident(after)] };
            for name in names {
                if name != "self" && name.chars().next().is_some_and(|c| c.is_lowercase()) {
                    stores.insert(name);
                }
            }
        }
    }
    (units, stores)
}

/// unit → (the units it uses, the `store::<x>` modules it names).
fn graph() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut graph: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for path in files {
        let module = module_of(&path);
        let unit = unit_of_module(&module);
        let text = std::fs::read_to_string(&path).expect("read");
        let (mut units, stores) = references(&module, &text);
        units.remove(&unit);
        // Names that are not units of the crate (a `crate::Vault` re-export names the root).
        units.retain(|u| floor(u).is_some() || u.chars().next().is_some_and(|c| c.is_lowercase()));
        let entry = graph.entry(unit).or_default();
        entry.0.extend(units);
        entry.1.extend(stores);
    }
    graph
}

/// The import graph by floor, as the test prints it.
fn render(graph: &BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>) -> String {
    let mut out = String::new();
    for (i, (name, units)) in FLOORS.iter().enumerate().rev() {
        out.push_str(&format!("{i} {name}\n"));
        for u in units.iter() {
            let deps: Vec<&String> = graph.get(*u).map(|(d, _)| d.iter().collect()).unwrap_or_default();
            let deps: Vec<&str> = deps.iter().map(|d| d.as_str()).collect();
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
    for (unit, (deps, _)) in &graph {
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
                Some(f) if f == own && !SIDEWAYS.contains(&(unit.as_str(), dep.as_str())) => {
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
        graph: &'a BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
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
        for dep in graph.get(unit).map(|(d, _)| d.iter()).into_iter().flatten() {
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
fn an_area_never_names_another_areas_tables() {
    let graph = graph();
    let mut problems = Vec::new();
    for (area, own) in AREAS {
        let Some((_, stores)) = graph.get(*area) else { continue };
        for other in AREAS.iter().map(|(_, s)| *s).filter(|s| s != own) {
            if stores.contains(other) {
                problems.push(format!("{area} names store::{other} (another area's tables): call that area instead"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn store_and_crypto_never_see_a_feature_area_and_crypto_sees_only_errors() {
    let graph = graph();
    for unit in ["store", "crypto"] {
        let deps = &graph.get(unit).cloned().unwrap_or_default().0;
        for (area, _) in AREAS {
            assert!(!deps.contains(*area), "{unit} uses the feature area {area}");
        }
    }
    let crypto = graph.get("crypto").cloned().unwrap_or_default().0;
    assert!(crypto.iter().all(|d| d == "error"), "crypto uses {crypto:?}");
}

#[test]
fn only_store_knows_rusqlite() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut offenders = Vec::new();
    for path in files {
        if unit_of_module(&module_of(&path)) == "store" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        if code_of(&text).contains("rusqlite") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "rusqlite outside core/src/store: {offenders:?}");
}

#[test]
fn the_readme_shows_these_floors() {
    let readme = std::fs::read_to_string(README).expect("README");
    let (start, end) = ("<!-- <floors: checked by core/tests/architecture.rs> -->", "<!-- </floors> -->");
    let a = readme.find(start).expect("the README's floors section") + start.len();
    let b = readme[a..].find(end).expect("its end") + a;
    let mut table = String::from("\n| floor | units (each may use the floors below it) |\n|---|---|\n");
    for (i, (name, units)) in FLOORS.iter().enumerate().rev() {
        table.push_str(&format!(
            "| {i} {name} | {} |\n",
            units.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(" ")
        ));
    }
    assert_eq!(
        readme[a..b].trim(),
        table.trim(),
        "the README's floors differ from FLOORS: write this table there:\n{table}"
    );
}

#[test]
fn the_scanner_sees_what_it_must() {
    // The checks above would pass vacuously if the scanner found nothing.
    let graph = graph();
    assert!(graph["engine"].0.contains("store") && graph["engine"].0.contains("chain"));
    assert!(graph["vault"].0.contains("subjects") && graph["subjects"].0.contains("engine"));
    let m = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let (units, stores) = references(&m(&["tokens", "text"]), "use crate::{action::Action, store::{self, tokens}};");
    assert!(units.contains("action") && units.contains("store"));
    assert!(stores.contains("tokens"), "{stores:?}");
    let (units, _) = references(&m(&["tokens", "text"]), "use super::super::vault::Vault;");
    assert!(units.contains("vault"));
    let (units, _) = references(&m(&["tokens", "text"]), "use super::format;");
    assert!(units.contains("tokens"));
    let (units, _) = references(&m(&["x"]), "// use crate::vault;\nlet s = \"crate::vault\";");
    assert!(units.is_empty(), "{units:?}");
    let (_, stores) = references(&m(&["consent"]), "use crate::store::{self, Tx};\nstore::subjects::erase(tx)");
    assert!(stores.contains("subjects"), "{stores:?}");
}
