//! The C entry points (`ffi/src/ops/<area>.rs`) and the C vector runner's dispatch (`tests/c/ops.h`).

use std::fmt::Write;

use crate::operations::{Arg, Op, Ret, OPERATIONS};
use crate::GENERATED;

fn out_name(ret: &Ret) -> Option<String> {
    match ret {
        Ret::Unit => None,
        Ret::Str(name) => Some(format!("out_{name}")),
        Ret::Json { name, .. } => Some(format!("out_{name}_json")),
    }
}

/// The C parameters of one argument.
fn params(arg: &Arg) -> Vec<(String, &'static str)> {
    let s = |n: &str| (n.to_owned(), "*const c_char");
    match arg {
        Arg::Caller => vec![("caller".into(), "*const bl_caller")],
        Arg::Lookup => vec![s("mode"), s("value")],
        Arg::Lookups => vec![s("lookups_json")],
        Arg::Doc { name, .. } | Arg::Docs { name, .. } | Arg::OptDoc { name, .. } => vec![s(&format!("{name}_json"))],
        Arg::Strs(name) => vec![s(&format!("{name}_json"))],
        Arg::Str(name) | Arg::OptStr(name) => vec![s(name)],
        Arg::Page => vec![s("cursor"), ("limit".into(), "u64")],
        Arg::Anchor => vec![s("anchor_json")],
        Arg::Key(name) => vec![(name.to_string(), "*const bl_key")],
        Arg::Flag(name) => vec![(name.to_string(), "bool")],
    }
}

/// The local a converted argument is held in, and the statement that converts it.
fn conversion(arg: &Arg) -> (String, String) {
    match arg {
        Arg::Caller => ("caller".into(), "unsafe { convert::caller(caller) }?".into()),
        Arg::Lookup => ("lookup".into(), "unsafe { convert::lookup(mode, value) }?".into()),
        Arg::Lookups => ("lookups".into(), "unsafe { convert::lookups(&v, lookups_json) }?".into()),
        Arg::Doc { name, .. } => {
            (name.to_string(), format!("unsafe {{ convert::document(&v, {name}_json, \"{name}_json\") }}?"))
        }
        Arg::Docs { name, .. } => {
            (name.to_string(), format!("unsafe {{ convert::documents(&v, {name}_json, \"{name}_json\") }}?"))
        }
        Arg::OptDoc { name, .. } => {
            (name.to_string(), format!("unsafe {{ convert::opt_document(&v, {name}_json, \"{name}_json\") }}?"))
        }
        Arg::Strs(name) => {
            (name.to_string(), format!("unsafe {{ convert::strings(&v, {name}_json, \"{name}_json\") }}?"))
        }
        // Owned, as in the other bindings (the core borrows it as `&str`).
        Arg::Str(name) => (name.to_string(), format!("unsafe {{ convert::str_arg({name}, \"{name}\") }}?.to_owned()")),
        Arg::OptStr(name) => {
            (name.to_string(), format!("unsafe {{ convert::opt_str_arg({name}, \"{name}\") }}?.map(str::to_owned)"))
        }
        Arg::Page => ("page".into(), "unsafe { convert::page(cursor, limit) }?".into()),
        Arg::Anchor => ("anchor".into(), "unsafe { convert::anchor(&v, anchor_json) }?".into()),
        Arg::Key(name) => (name.to_string(), format!("handles::key({name})?")),
        Arg::Flag(name) => (name.to_string(), name.to_string()),
    }
}

/// How the converted argument is passed to the core method.
pub(crate) fn core_arg(arg: &Arg, local: &str) -> String {
    match arg {
        Arg::Caller | Arg::Lookup | Arg::Lookups | Arg::Page | Arg::Str(_) | Arg::Strs(_) => format!("&{local}"),
        Arg::Key(_) => format!("{local}.as_ref()"),
        Arg::Doc { .. } | Arg::Docs { .. } | Arg::OptDoc { .. } | Arg::Flag(_) => local.to_owned(),
        Arg::OptStr(_) => format!("{local}.as_deref()"),
        Arg::Anchor => format!("{local}.as_ref()"),
    }
}

fn arg_doc(arg: &Arg) -> Option<String> {
    Some(match arg {
        Arg::Caller => "`caller` names who acts (`actor`, e.g. `\"app:billing\"`) and why (`purpose`, a processing \
                        activity, or NULL); a NULL `caller` is the actor `\"app\"` with no purpose."
            .into(),
        Arg::Lookup => {
            "`mode` is `\"token\"`, `\"email\"`, `\"phone\"`, `\"login\"` or a configured indexed field, and \
                        `value` the value to look up."
                .into()
        }
        Arg::Lookups => {
            "`lookups_json` is a JSON array of lookup objects (`[{\"email\": \"…\"}, {\"token\": \"…\"}]`).".into()
        }
        Arg::Doc { name, .. } => format!("`{name}_json` is the {name} as JSON text."),
        Arg::Docs { name, .. } => format!("`{name}_json` is a JSON array of {name}."),
        Arg::OptDoc { name, .. } => format!("`{name}_json` is NULL or the {name} as JSON text (an object)."),
        Arg::Strs(name) => format!("`{name}_json` is a JSON array of strings."),
        Arg::Str(name) => format!("`{name}` is required."),
        Arg::OptStr(name) => format!("`{name}` may be NULL."),
        Arg::Page => "`cursor` is NULL for the first page or the previous page's `next`; `limit` is 1–1000.".into(),
        Arg::Anchor => "`anchor_json` is NULL or a head `{\"seq\": N, \"hash\": \"…\"}` kept earlier.".into(),
        Arg::Key(name) => format!("`{name}` is a key handle (it may be freed after the call)."),
        Arg::Flag(name) => format!("`{name}` is true or false."),
    })
}

fn doc_lines(out: &mut String, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 96 {
            writeln!(out, "/// {line}").expect("string");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        writeln!(out, "/// {line}").expect("string");
    }
}

fn entry(out: &mut String, op: &Op) {
    let out_param = out_name(&op.ret);
    doc_lines(out, &op.full_doc());
    writeln!(out, "///").expect("string");
    let mut notes: Vec<String> = op.args.iter().filter_map(arg_doc).collect();
    match &op.ret {
        Ret::Unit => {}
        Ret::Str(name) => notes.push(format!("Writes the {name} to `*out_{name}`; free it with `bl_string_free`.")),
        Ret::Json { name, rust, .. } => notes.push(format!(
            "Writes the {name} (`{rust}` as JSON text) to `*out_{name}_json`; free it with `bl_string_free`, which \
             wipes it."
        )),
    }
    let mut errors: Vec<String> = op.errors.iter().map(|e| format!("`BL_{e}`")).collect();
    errors.extend(["`BL_CLOSED`", "`BL_BUSY`", "`BL_STORAGE`", "`BL_INTERNAL`"].map(String::from));
    notes.push(format!("Errors: {}.", errors.join(", ")));
    doc_lines(out, &notes.join(" "));
    writeln!(out, "///").expect("string");
    writeln!(out, "/// # Safety").expect("string");
    let mut safety = String::from(
        "`vault` is a handle from `bl_vault_open*` (NULL or closed is an error, not a crash); every string argument is \
         NULL or a NUL-terminated string valid for the call",
    );
    if op.args.iter().any(|a| matches!(a, Arg::Caller)) {
        safety.push_str("; `caller` is NULL or points to a `bl_caller` whose strings are NULL or NUL-terminated");
    }
    if let Some(o) = &out_param {
        write!(safety, "; `{o}` is a valid pointer").expect("string");
    }
    safety.push('.');
    doc_lines(out, &safety);
    writeln!(out, "#[no_mangle]").expect("string");
    writeln!(out, "pub unsafe extern \"C\" fn {}(", op.c_name).expect("string");
    writeln!(out, "    vault: *const bl_vault,").expect("string");
    for arg in op.args {
        for (name, ty) in params(arg) {
            writeln!(out, "    {name}: {ty},").expect("string");
        }
    }
    if let Some(o) = &out_param {
        writeln!(out, "    {o}: *mut *mut c_char,").expect("string");
    }
    writeln!(out, ") -> i32 {{").expect("string");
    writeln!(out, "    guard(|| {{").expect("string");
    if let Some(o) = &out_param {
        writeln!(out, "        check_out({o}, \"{o}\")?;").expect("string");
    }
    writeln!(out, "        let v = handles::vault(vault)?;").expect("string");
    let mut call_args = Vec::new();
    for arg in op.args {
        let (local, conv) = conversion(arg);
        if conv.starts_with("unsafe") {
            writeln!(out, "        // SAFETY: the pointers are valid per this function's contract.").expect("string");
        }
        if local != conv {
            writeln!(out, "        let {local} = {conv};").expect("string");
        }
        call_args.push(core_arg(arg, &local));
    }
    let call = crate::operations::call(op, "v", "&v", op.core_method(), &call_args.join(", "));
    match (&op.ret, &out_param) {
        (Ret::Unit, _) => writeln!(out, "        {call}").expect("string"),
        (Ret::Str(_), Some(o)) => {
            writeln!(out, "        let result = {call}?;").expect("string");
            writeln!(out, "        // SAFETY: `{o}` was checked above.").expect("string");
            writeln!(out, "        unsafe {{ put_string({o}, result) }}").expect("string");
        }
        (Ret::Json { text, .. }, Some(o)) => {
            writeln!(out, "        let result = {call}?;").expect("string");
            writeln!(out, "        // SAFETY: `{o}` was checked above.").expect("string");
            if text.is_some() {
                writeln!(out, "        unsafe {{ put_string({o}, result) }}").expect("string");
            } else {
                writeln!(out, "        unsafe {{ put_json({o}, &result) }}").expect("string");
            }
        }
        _ => unreachable!("a result always has an out-parameter"),
    }
    writeln!(out, "    }})").expect("string");
    writeln!(out, "}}").expect("string");
}

/// `ffi/src/ops/<area>.rs`: the area's entry points, importing what they use.
pub(crate) fn ffi(area: &str, ops: &[Op]) -> String {
    let mut body = String::new();
    for op in ops {
        body.push('\n');
        entry(&mut body, op);
    }
    let used = |names: &[&str]| -> String {
        names.iter().filter(|n| n.starts_with("self") || body.contains(**n)).copied().collect::<Vec<_>>().join(", ")
    };
    let convert = used(&["self", "check_out", "put_json", "put_string"]);
    let handles = used(&["self", "bl_caller", "bl_key", "bl_vault"]);
    format!(
        "//! The C entry points of the `{area}` operations. {GENERATED}\n\n\
         // A C function takes each argument and out-parameter separately.\n\
         #![allow(clippy::too_many_arguments)]\n\n\
         use std::ffi::c_char;\n\n\
         use crate::convert::{{{convert}}};\n\
         use crate::error::guard;\n\
         use crate::handles::{{{handles}}};\n{body}"
    )
}

/// `ffi/src/ops/mod.rs`: the areas' entry points, exported from the crate root.
pub(crate) fn ffi_mod() -> String {
    crate::operations::area_modules(
        &format!("//! The C entry points of every operation on an open vault, one module per area. {GENERATED}"),
        true,
        "",
    )
}

/// `tests/c/ops.h`: the vector runner's dispatch from a step's `op` to the C entry point.
pub(crate) fn dispatch() -> String {
    let mut out = format!(
        "/* The shared vector runner's dispatch: one case per operation. {GENERATED} */\n\n\
         /* Runs the operation a step names; returns its status, or -1 for a name that is not an operation.\n \
         * `*text` is set when the result is a plain string rather than JSON text. */\n\
         static int dispatch(bl_vault *vault, const cJSON *s, char **out, int *text) {{\n\
         \x20   const char *op = json_str(s, \"op\", \"\");\n\
         \x20   (void)text;\n"
    );
    for op in OPERATIONS.iter() {
        let mut args = vec!["vault".to_owned()];
        for arg in op.args {
            match arg {
                Arg::Caller => args.push("step_caller(s)".into()),
                Arg::Lookup => args.extend(["lookup_mode(s)".into(), "lookup_value(s)".into()]),
                Arg::Lookups => args.push("doc_arg(s, \"lookups\")".into()),
                Arg::Doc { name, .. } | Arg::Docs { name, .. } | Arg::OptDoc { name, .. } | Arg::Strs(name) => {
                    args.push(format!("doc_arg(s, \"{name}\")"))
                }
                Arg::Str(name) | Arg::OptStr(name) => args.push(format!("json_str(s, \"{name}\", NULL)")),
                Arg::Page => args.extend(["json_str(s, \"cursor\", NULL)".into(), "page_limit(s)".into()]),
                Arg::Anchor => args.push("doc_arg(s, \"anchor\")".into()),
                Arg::Key(name) => args.push(format!("key_arg(s, \"{name}\")")),
                Arg::Flag(name) => args.push(format!("json_flag(s, \"{name}\")")),
            }
        }
        if !matches!(op.ret, Ret::Unit) {
            args.push("out".into());
        }
        writeln!(out, "    if (!strcmp(op, \"{}\")) {{", op.name).expect("string");
        if matches!(op.ret, Ret::Str(_)) {
            writeln!(out, "        *text = 1;").expect("string");
        }
        writeln!(out, "        return {}({});", op.c_name, args.join(", ")).expect("string");
        writeln!(out, "    }}").expect("string");
    }
    out.push_str("    return -1;\n}\n");
    out
}
