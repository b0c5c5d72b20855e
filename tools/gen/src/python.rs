//! The Python methods (`bindings/python/src/ops/<area>.rs`) and their stubs (a region of `_native.pyi`).

use std::fmt::Write;

use crate::c::core_arg;
use crate::operations::{Arg, Op, Ret, OPERATIONS};
use crate::GENERATED;

/// Python parameters: positional (required, then optional), then keyword-only.
struct Param {
    /// The Rust parameter and its type.
    rust: String,
    /// Its entry in `#[pyo3(signature = …)]`.
    sig: String,
    /// Its entry in the stub.
    stub: String,
    keyword: bool,
    optional: bool,
}

fn params(arg: &Arg) -> Vec<Param> {
    let req = |n: &str, stub: &str| Param {
        rust: format!("{n}: &Bound<'py, PyAny>"),
        sig: n.to_owned(),
        stub: format!("{n}: {stub}"),
        keyword: false,
        optional: false,
    };
    let opt = |n: &str, stub: &str, keyword: bool| Param {
        rust: format!("{n}: Option<&Bound<'py, PyAny>>"),
        sig: format!("{n} = None"),
        stub: format!("{n}: Optional[{stub}] = None"),
        keyword,
        optional: true,
    };
    match arg {
        Arg::Caller => vec![opt("actor", "str", true), opt("purpose", "str", true)],
        Arg::Lookup => vec![req("lookup", "Dict[str, str]")],
        Arg::Lookups => vec![req("lookups", "List[Dict[str, str]]")],
        Arg::Doc { name, py, .. } | Arg::Docs { name, py, .. } => vec![req(name, py)],
        Arg::Str(name) => vec![req(name, "str")],
        Arg::Strs(name) => vec![req(name, "List[str]")],
        Arg::OptDoc { name, py, .. } => vec![opt(name, py, false)],
        Arg::OptStr(name) => vec![opt(name, "str", false)],
        Arg::Page => vec![opt("cursor", "str", true), opt("limit", "int", true)],
        Arg::Anchor => vec![opt("anchor", "Union[AuditHead, Dict[str, Any]]", false)],
        Arg::Key(name) => vec![req(name, "MasterKey")],
        Arg::Flag(name) => vec![Param {
            rust: format!("{name}: Option<&Bound<'py, PyAny>>"),
            sig: format!("{name} = None"),
            stub: format!("{name}: Optional[bool] = None"),
            keyword: true,
            optional: true,
        }],
    }
}

fn ordered(op: &Op) -> Vec<Param> {
    let all: Vec<Param> = op.args.iter().flat_map(params).collect();
    let (mut positional, keyword): (Vec<Param>, Vec<Param>) = all.into_iter().partition(|p| !p.keyword);
    positional.sort_by_key(|p| p.optional); // stable: required first, each group in declared order
    positional.extend(keyword);
    positional
}

fn conversion(arg: &Arg) -> (String, String) {
    match arg {
        Arg::Caller => ("caller".into(), "convert::caller(actor, purpose)".into()),
        Arg::Lookup => ("lookup".into(), "convert::lookup(lookup, &self.inner)".into()),
        Arg::Lookups => ("lookups".into(), "convert::lookups(lookups, &self.inner)".into()),
        Arg::Doc { name, .. } => (name.to_string(), format!("convert::document({name}, &self.inner)")),
        Arg::Docs { name, .. } => (name.to_string(), format!("convert::documents({name}, &self.inner, \"{name}\")")),
        Arg::OptDoc { name, .. } => (name.to_string(), format!("convert::opt_document({name}, &self.inner)")),
        Arg::Strs(name) => (name.to_string(), format!("convert::strings({name}, &self.inner, \"{name}\")")),
        Arg::Str(name) => (name.to_string(), format!("convert::string({name}, \"{name}\")")),
        Arg::OptStr(name) => (name.to_string(), format!("convert::opt_string({name}, \"{name}\")")),
        Arg::Page => ("page".into(), "convert::page(cursor, limit)".into()),
        Arg::Anchor => ("anchor".into(), "convert::anchor(anchor)".into()),
        Arg::Key(name) => (name.to_string(), format!("convert::key({name})")),
        Arg::Flag(name) => (name.to_string(), format!("convert::flag({name}, \"{name}\")")),
    }
}

fn method(out: &mut String, op: &Op) {
    let ps = ordered(op);
    writeln!(out, "    /// {}", op.full_doc()).expect("string");
    let mut sig: Vec<String> = Vec::new();
    let mut star = false;
    for p in &ps {
        if p.keyword && !star {
            sig.push("*".into());
            star = true;
        }
        sig.push(p.sig.clone());
    }
    writeln!(out, "    #[pyo3(signature = ({}))]", sig.join(", ")).expect("string");
    let ret = match op.ret {
        Ret::Unit => "()".to_owned(),
        Ret::Str(_) => "String".to_owned(),
        Ret::Json { .. } => "Bound<'py, PyAny>".to_owned(),
    };
    let mut rust_params = vec!["&self".to_owned(), "py: Python<'py>".to_owned()];
    rust_params.extend(ps.iter().map(|p| p.rust.clone()));
    writeln!(out, "    fn {}<'py>({}) -> PyResult<{ret}> {{", op.name, rust_params.join(", ")).expect("string");
    let mut call_args = Vec::new();
    let mut locals = Vec::new();
    let mut convs = Vec::new();
    for arg in op.args {
        let (local, conv) = conversion(arg);
        call_args.push(core_arg(arg, &local));
        locals.push(local);
        convs.push(conv);
    }
    match locals.len() {
        0 => {}
        1 => writeln!(out, "        let {} = arg(py, || {})?;", locals[0], convs[0]).expect("string"),
        _ => writeln!(
            out,
            "        let ({}) = arg(py, || Ok(({})))?;",
            locals.join(", "),
            convs.iter().map(|c| format!("{c}?")).collect::<Vec<_>>().join(", ")
        )
        .expect("string"),
    }
    let call = format!(
        "call(py, || {})",
        crate::operations::call(op, "self.inner", "&self.inner", op.core_method(), &call_args.join(", "))
    );
    match op.ret {
        Ret::Unit | Ret::Str(_) => writeln!(out, "        {call}").expect("string"),
        Ret::Json { py_fast, text, .. } => {
            writeln!(out, "        let result = {call}?;").expect("string");
            // A text result is handed over (the converter wipes it).
            let by = if text.is_some() { "" } else { "&" };
            writeln!(out, "        {}(py, {by}result)", py_fast.unwrap_or("convert::result")).expect("string");
        }
    }
    writeln!(out, "    }}").expect("string");
}

/// `bindings/python/src/ops/<area>.rs`.
pub(crate) fn methods(area: &str, ops: &[Op]) -> String {
    let mut out = format!(
        "//! The `Vault` methods of the `{area}` operations: arguments converted with the GIL held,\n\
         //! the core called without it. {GENERATED}\n\n\
         // A method takes each option as its own keyword argument.\n\
         #![allow(clippy::too_many_arguments)]\n\n\
         use pyo3::prelude::*;\n\n\
         use crate::{{arg, call, convert, Vault}};\n\n\
         #[pymethods]\n\
         impl Vault {{\n"
    );
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        method(&mut out, op);
    }
    out.push_str("}\n");
    out
}

/// `bindings/python/src/ops/mod.rs`: one `#[pymethods]` block per area.
pub(crate) fn methods_mod() -> String {
    crate::operations::area_modules(
        &format!("//! The `Vault` methods of every operation, one module per area. {GENERATED}"),
        false,
        "",
    )
}

/// The stub lines of every operation (inside `class Vault` of `_native.pyi`).
pub(crate) fn stubs() -> String {
    let mut out = String::new();
    for op in OPERATIONS.iter() {
        let ps = ordered(op);
        let mut items = vec!["self".to_owned()];
        let mut star = false;
        for p in &ps {
            if p.keyword && !star {
                items.push("*".into());
                star = true;
            }
            items.push(p.stub.clone());
        }
        let ret = match op.ret {
            Ret::Unit => "None",
            Ret::Str(_) => "str",
            Ret::Json { rust, .. } => &crate::types::py_type(rust),
        };
        writeln!(out, "    def {}({}) -> {ret}:", op.name, items.join(", ")).expect("string");
        writeln!(out, "        \"\"\"{} {}\"\"\"", op.summary(), op.check_doc()).expect("string");
    }
    out
}

/// The stub's import of the types its methods' signatures name (from `bunkerlite/types.py`).
pub(crate) fn stub_imports() -> String {
    // Every name of types.py that the methods' signatures use, whole words only.
    let stubs = stubs();
    let words: std::collections::BTreeSet<&str> = stubs
        .lines()
        .filter(|l| l.trim_start().starts_with("def "))
        .flat_map(|l| l.split(|c: char| !c.is_alphanumeric() && c != '_'))
        .collect();
    let names = crate::types::py_names().into_iter().filter(|n| words.contains(n.as_str()));
    let mut out = String::from("from .types import (\n");
    for n in names {
        out.push_str(&format!("    {n},\n"));
    }
    out.push_str(")\n");
    out
}
