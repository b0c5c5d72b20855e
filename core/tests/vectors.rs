//! The shared scenarios of `tests/vectors/scenarios/` (one file per area), run against the Rust
//! API. The C, Python and Node suites run the same files against their bindings and must agree. Operations
//! are dispatched by the generated `vectors/dispatch.rs`; `close` and `reopen` are the runner's.

mod common;

use std::collections::HashMap;

use bunkerlite::{MasterKey, Options, Vault};
use common::ops::dispatch;
use serde_json::{json, Value};

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/scenarios");

/// Every scenario of every file of the folder (in file-name order), with its file's key.
fn scenarios() -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(SCENARIOS)
        .expect("the scenarios folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "one scenario file per area: {files:?}");
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        let key = doc["key"].as_str().expect("key").to_owned();
        let scenarios = doc["scenarios"].as_array().expect("scenarios");
        assert!(!scenarios.is_empty(), "{} has no scenarios", file.display());
        for sc in scenarios {
            let name = sc["name"].as_str().expect("name");
            assert!(names.insert(name.to_owned()), "two scenarios are named {name}");
            out.push((key.clone(), sc.clone()));
        }
    }
    out
}

/// Replace every string `"$name"` (or `"$name.field"`) by the saved value.
fn substitute(v: &Value, vars: &HashMap<String, Value>) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => {
            let (name, field) = match s[1..].split_once('.') {
                Some((n, f)) => (n, Some(f)),
                None => (&s[1..], None),
            };
            let saved = vars.get(name).unwrap_or_else(|| panic!("unknown variable {s}"));
            match field {
                Some(f) => saved.get(f).cloned().unwrap_or_else(|| panic!("no field in {s}")),
                None => saved.clone(),
            }
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| substitute(x, vars)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), substitute(x, vars))).collect()),
        other => other.clone(),
    }
}

/// Subset match: expected object keys must match; arrays match element-wise with equal length.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e.iter().all(|(k, v)| a.get(k).is_some_and(|x| matches(v, x))),
        (Value::Array(e), Value::Array(a)) => e.len() == a.len() && e.iter().zip(a).all(|(x, y)| matches(x, y)),
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

struct Run {
    vault: Vault,
    /// Where a `reopen` opens again: a file, or the PostgreSQL URL of the scenario's schema.
    location: Option<String>,
    options: Options,
    _dir: Option<tempfile::TempDir>,
}

fn step(run: &mut Run, s: &Value) -> bunkerlite::Result<Value> {
    if let Some(result) = dispatch(&run.vault, s) {
        return result;
    }
    match s["op"].as_str().expect("op") {
        "close" => run.vault.close()?,
        "reopen" => {
            run.vault.close()?;
            let key = MasterKey::from_hex(s["key"].as_str().expect("key"))?;
            let location = run.location.clone().expect("reopen needs a file scenario");
            // A reopen may give its own options (those of the scenario otherwise).
            let options = match s.get("options") {
                Some(o) => Options::from_json(o.clone())?,
                None => run.options.clone(),
            };
            run.vault = Vault::open(location, &key, options)?;
        }
        other => panic!("unknown op {other}"),
    }
    Ok(Value::Null)
}

/// The backend a run of the scenarios uses: SQLite (a file, or memory), or a PostgreSQL server
/// (a fresh schema per scenario).
#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[test]
fn shared_scenarios() {
    run_scenarios(Backend::Sqlite);
}

/// The same scenarios against a PostgreSQL server: the test command starts a throwaway cluster
/// (`scripts/pg_cluster.sh`) and names it in `BUNKERLITE_TEST_POSTGRES`.
#[cfg(feature = "postgres")]
#[test]
fn shared_scenarios_on_postgres() {
    run_scenarios(Backend::Postgres);
}

/// The server URL of the PostgreSQL test cluster, with `schema=` naming a fresh schema.
#[cfg(feature = "postgres")]
fn postgres_location(scenario: usize) -> String {
    let base = std::env::var("BUNKERLITE_TEST_POSTGRES")
        .expect("BUNKERLITE_TEST_POSTGRES names the test cluster's URL (scripts/pg_cluster.sh start DIR prints one)");
    let mut nonce = [0u8; 6];
    getrandom::fill(&mut nonce).expect("random");
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}schema=vectors_{scenario}_{}", hex::encode(nonce))
}

#[cfg(not(feature = "postgres"))]
fn postgres_location(_scenario: usize) -> String {
    unreachable!("the PostgreSQL run is compiled with the postgres feature only")
}

fn run_scenarios(backend: Backend) {
    let scenarios = scenarios();
    assert!(scenarios.len() >= 40, "at least 40 scenarios");
    let mut ran = 0;
    for (index, (key_hex, sc)) in scenarios.iter().enumerate() {
        let name = sc["name"].as_str().expect("name");
        // A scenario about one backend's own terms names the backends it is for.
        if let Some(only) = sc.get("backends") {
            if !only.as_array().expect("backends").iter().any(|b| b == backend.name()) {
                continue;
            }
        }
        ran += 1;
        let options = Options::from_json(sc.get("options").cloned().unwrap_or(Value::Null));
        let key = MasterKey::from_hex(key_hex).expect("key");
        let file = sc["file"].as_bool().unwrap_or(false);
        let (dir, location) = match backend {
            Backend::Sqlite if file => {
                let dir = tempfile::tempdir().expect("tempdir");
                let path = dir.path().join("vault.db").to_str().expect("utf-8").to_owned();
                (Some(dir), Some(path))
            }
            Backend::Sqlite => (None, None),
            Backend::Postgres => (None, Some(postgres_location(index))),
        };
        let opened = options.and_then(|o| {
            let vault = match &location {
                Some(p) => Vault::open(p, &key, o.clone())?,
                None => Vault::open_in_memory(&key, o.clone())?,
            };
            Ok((vault, o))
        });
        if let Some(code) = sc.get("open_error") {
            let err = opened.expect_err(name);
            assert_eq!(json!(err.code()), *code, "{name}: open error");
            continue;
        }
        let (vault, options) = opened.unwrap_or_else(|e| panic!("{name}: open: {e}"));
        let mut run = Run { vault, location, options, _dir: dir };
        let mut vars: HashMap<String, Value> = HashMap::new();
        for (i, raw) in sc["steps"].as_array().expect("steps").iter().enumerate() {
            let s = substitute(raw, &vars);
            let result = step(&mut run, &s);
            let at = format!("{name}: step {i} ({})", s["op"]);
            match (s.get("error"), result) {
                (Some(code), Err(e)) => assert_eq!(json!(e.code()), *code, "{at}: {e}"),
                (Some(code), Ok(v)) => panic!("{at}: expected {code}, got {v}"),
                (None, Err(e)) => panic!("{at}: unexpected error {e}"),
                (None, Ok(value)) => {
                    if let Some(expected) = s.get("expect") {
                        assert!(matches(expected, &value), "{at}: expected {expected}\n got {value}");
                    }
                    if let Some(unexpected) = s.get("expect_not") {
                        assert!(!matches(unexpected, &value), "{at}: must not match {unexpected}\n got {value}");
                    }
                    if let Some(n) = s.get("expect_len") {
                        assert_eq!(value.as_array().map(|a| a.len() as u64), n.as_u64(), "{at}: length");
                    }
                    if let Some(Value::String(var)) = raw.get("save") {
                        if let Value::Array(items) = &value {
                            for (k, item) in items.iter().enumerate() {
                                vars.insert(format!("{var}{k}"), item.clone());
                            }
                        }
                        vars.insert(var.clone(), value);
                    }
                }
            }
        }
    }
    assert!(ran >= 40, "{} ran {ran} scenarios", backend.name());
}
