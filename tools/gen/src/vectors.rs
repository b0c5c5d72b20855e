//! What the shared vector runners need to call every operation without a hand-written case:
//! `tests/vectors/operations.json` (read by the Python and Node runners) and the Rust runner's
//! dispatch (`core/tests/vectors/dispatch.rs`).

use std::fmt::Write;

use serde_json::{json, Value};

use crate::c::core_arg;
use crate::operations::{Arg, OpExt, Ret, OPERATIONS};
use crate::GENERATED;

fn arg_json(arg: &Arg) -> Value {
    match arg {
        Arg::Caller => json!({"kind": "caller"}),
        Arg::Lookup => json!({"kind": "lookup", "name": "lookup"}),
        Arg::Lookups => json!({"kind": "lookups", "name": "lookups"}),
        Arg::Doc { name, .. } => json!({"kind": "doc", "name": name}),
        Arg::Docs { name, .. } => json!({"kind": "docs", "name": name}),
        Arg::Str(name) => json!({"kind": "str", "name": name}),
        Arg::Strs(name) => json!({"kind": "strs", "name": name}),
        Arg::OptDoc { name, .. } => json!({"kind": "opt_doc", "name": name}),
        Arg::OptStr(name) => json!({"kind": "opt_str", "name": name}),
        Arg::Page => json!({"kind": "page"}),
        Arg::Anchor => json!({"kind": "anchor", "name": "anchor"}),
        Arg::Key(name) => json!({"kind": "key", "name": name}),
        Arg::Flag(name) => json!({"kind": "flag", "name": name}),
    }
}

/// `tests/vectors/operations.json`.
pub(crate) fn table() -> String {
    let ops: Vec<Value> = OPERATIONS
        .iter()
        .map(|op| {
            json!({
                "name": op.name,
                "js": op.js_name(),
                "c": op.c_name,
                "action": op.action,
                "check": op.check.op(),
                "args": op.args.iter().map(arg_json).collect::<Vec<_>>(),
                "returns": match op.ret { Ret::Unit => "nothing", Ret::Str(_) => "string", Ret::Json { .. } => "json" },
            })
        })
        .collect();
    let doc = json!({
        "description": format!("Every operation of the bindings, in the order the core declares them, for the vector runners. {GENERATED}"),
        "operations": ops,
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}

/// `core/tests/vectors/dispatch.rs`.
pub(crate) fn rust_dispatch() -> String {
    let mut out = format!(
        "//! The Rust vector runner's dispatch: one case per operation. {GENERATED}\n\n\
         use super::*;\n\n\
         /// Run the operation a step names, or `None` when the name is not an operation.\n\
         pub fn dispatch(v: &Vault, s: &Value) -> Option<bunkerlite::Result<Value>> {{\n\
         \x20   let run = || -> bunkerlite::Result<Value> {{\n\
         \x20       Ok(match s[\"op\"].as_str().unwrap_or_default() {{\n"
    );
    for op in OPERATIONS.iter() {
        let mut lets = Vec::new();
        let mut call_args = Vec::new();
        for arg in op.args {
            let (local, read) = match arg {
                Arg::Caller => ("caller".to_owned(), "caller(s)?".to_owned()),
                Arg::Lookup => ("lookup".into(), "Lookup::from_json(&s[\"lookup\"])?".into()),
                Arg::Lookups => ("lookups".into(), "Lookup::many_from_json(&s[\"lookups\"])?".into()),
                Arg::Doc { name, .. } => (name.to_string(), format!("s[\"{name}\"].clone()")),
                Arg::Docs { name, .. } => (name.to_string(), format!("documents_from_json(s[\"{name}\"].clone())?")),
                Arg::Str(name) => (name.to_string(), format!("s[\"{name}\"].as_str().unwrap_or_default().to_owned()")),
                Arg::Strs(name) => (name.to_string(), format!("strings_from_json(s[\"{name}\"].clone())?")),
                Arg::OptDoc { name, .. } => {
                    (name.to_string(), format!("s.get(\"{name}\").filter(|v| !v.is_null()).cloned()"))
                }
                Arg::OptStr(name) => (name.to_string(), format!("s[\"{name}\"].as_str().map(str::to_owned)")),
                Arg::Page => ("page".into(), "page(s)".into()),
                Arg::Anchor => ("anchor".into(), "anchor(s)?".into()),
                Arg::Key(name) => (
                    name.to_string(),
                    format!("Arc::new(MasterKey::from_hex(s[\"{name}\"].as_str().unwrap_or_default())?)"),
                ),
                Arg::Flag(name) => (name.to_string(), format!("s[\"{name}\"].as_bool().unwrap_or(false)")),
            };
            lets.push(format!("let {local} = {read};"));
            call_args.push(core_arg(arg, &local));
        }
        let call = format!("v.{}({})", op.name, call_args.join(", "));
        let value = match op.ret {
            Ret::Unit => {
                format!("{{\n                    {call}?;\n                    Value::Null\n                }}")
            }
            _ => format!("to_value({call}?)"),
        };
        writeln!(out, "            \"{}\" => {{", op.name).expect("string");
        for l in &lets {
            writeln!(out, "                {l}").expect("string");
        }
        writeln!(out, "                {value}").expect("string");
        writeln!(out, "            }}").expect("string");
    }
    out.push_str(
        "            _ => unreachable!(\"checked below\"),\n        })\n    };\n    \
         OPERATIONS.contains(&s[\"op\"].as_str().unwrap_or_default()).then(run)\n}\n\n\
         /// The operations' names.\npub const OPERATIONS: &[&str] = &[\n",
    );
    for op in OPERATIONS.iter() {
        writeln!(out, "    \"{}\",", op.name).expect("string");
    }
    out.push_str("];\n");
    out
}
