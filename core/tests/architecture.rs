//! The layering of `core/src` (DESIGN.md, "Inside core"), checked by reading the sources: no
//! module cycle, every `use crate::…` points down the layers (or sideways between feature areas
//! without a cycle), `store` and `crypto` never import a feature area, no rusqlite type outside
//! `store/`, and `crypto/` uses nothing of the crate but its errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The layer of each unit (higher depends on lower). A unit is a top-level module, or for
/// `audit/` one of its files (the chain sits below the engine, the listing API above it).
fn layer(unit: &str) -> Option<u32> {
    Some(match unit {
        "error" => 0,
        "crypto" | "document" | "normalize" | "clock" | "page" | "caller" | "ids" | "audit::action" => 1,
        "patch" => 2,
        "options" => 2,
        "store" => 3,
        "keyring" | "audit::chain" | "audit::buffer" | "policy" => 4,
        "engine" => 5,
        "subjects" | "tokens" | "consent" | "audit::api" | "audit::reconcile" => 6,
        "upgrade" => 7,
        "vault" => 8,
        "lib" | "testing" | "audit" => 9,
        _ => return None,
    })
}

/// Feature areas (may call each other, never in a cycle) and the layers that must not see them.
const AREAS: &[&str] = &["subjects", "tokens", "consent", "audit::api", "audit::reconcile"];

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

/// The unit a source file belongs to.
fn unit_of(path: &Path) -> String {
    let rel = path.strip_prefix(SRC).expect("under src");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned()).collect();
    match parts.as_slice() {
        [one] => one.clone(),
        [dir, file] if dir == "audit" && file != "mod" => format!("audit::{file}"),
        [dir, ..] => dir.clone(),
        [] => unreachable!("a file"),
    }
}

/// The units a source text refers to through `crate::` paths.
fn references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // Comments may name paths without using them.
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let first: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let unit = if first == "audit" {
            let after = &rest[first.len()..];
            match after.strip_prefix("::") {
                Some(tail) => {
                    let second: String = tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if second.is_empty() {
                        // `crate::audit::{…}`: count every submodule named in the braces.
                        let group: String = tail.chars().skip(1).take_while(|c| *c != '}').collect();
                        for name in group.split(',') {
                            let name: String =
                                name.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                            if !name.is_empty() {
                                out.insert(format!("audit::{name}"));
                            }
                        }
                        continue;
                    }
                    format!("audit::{second}")
                }
                None => first,
            }
        } else {
            first
        };
        if !unit.is_empty() {
            out.insert(unit);
        }
    }
    // `super::x` inside audit/ names a sibling.
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let unit = unit_of(&path);
        let text = std::fs::read_to_string(&path).expect("read");
        let mut refs = references(&text);
        if unit.starts_with("audit::") {
            // `use super::chain::…` (or `super::{chain::…, action::…}`) names a sibling file.
            for (i, _) in text.match_indices("use super::") {
                let tail: String = text[i + "use super::".len()..].chars().take_while(|c| *c != ';').collect();
                for sibling in ["action", "api", "buffer", "chain"] {
                    if tail.starts_with(&format!("{sibling}::"))
                        || tail.contains(&format!("{{{sibling}::"))
                        || tail.contains(&format!(" {sibling}::"))
                    {
                        refs.insert(format!("audit::{sibling}"));
                    }
                }
            }
        }
        refs.remove(&unit);
        graph.entry(unit).or_default().extend(refs);
    }
    graph
}

#[test]
fn every_unit_has_a_layer_and_arrows_point_down() {
    let graph = graph();
    let mut problems = Vec::new();
    for (unit, deps) in &graph {
        let Some(own) = layer(unit) else {
            problems.push(format!("{unit} has no layer in tests/architecture.rs (add it where it belongs)"));
            continue;
        };
        for dep in deps {
            match layer(dep) {
                None => problems.push(format!("{unit} uses {dep}, which has no layer")),
                Some(l) if l > own => {
                    problems.push(format!("{unit} (layer {own}) uses {dep} (layer {l}): an arrow up"))
                }
                Some(l)
                    if l == own
                        && !(AREAS.contains(&unit.as_str()) && AREAS.contains(&dep.as_str()))
                        && own != 1
                        && own != 4 =>
                {
                    problems.push(format!("{unit} uses {dep} in its own layer"))
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
    // Depth-first search for a back edge.
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
fn store_and_crypto_never_see_a_feature_area_and_crypto_sees_only_errors() {
    let graph = graph();
    for (unit, deps) in &graph {
        if unit == "store" || unit == "crypto" {
            for area in AREAS {
                assert!(!deps.contains(*area), "{unit} uses the feature area {area}");
            }
        }
    }
    let crypto = graph.get("crypto").cloned().unwrap_or_default();
    assert!(crypto.iter().all(|d| d == "error"), "crypto uses {crypto:?}");
}

#[test]
fn only_store_knows_rusqlite() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut offenders = Vec::new();
    for path in files {
        if unit_of(&path) == "store" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        if text.lines().any(|l| !l.trim_start().starts_with("//") && l.contains("rusqlite")) {
            offenders.push(path.display().to_string());
        }
    }
    assert!(offenders.is_empty(), "rusqlite outside core/src/store: {offenders:?}");
}

#[test]
fn the_scanner_sees_what_it_must() {
    // The checks above would pass vacuously if the scanner found nothing.
    let graph = graph();
    assert!(graph["engine"].contains("store") && graph["engine"].contains("audit::chain"));
    assert!(graph["vault"].contains("subjects") && graph["subjects"].contains("engine"));
    assert!(references("use crate::audit::{action::Action, chain};").contains("audit::chain"));
    assert!(!references("// use crate::vault;").contains("vault"));
}
