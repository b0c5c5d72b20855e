//! The Node addon's functions (`bindings/node/src/ops/<area>.rs`: each operation's sync function and
//! async twin, both reading arguments with the same readers), their typings (a region of
//! `header.d.ts`) and the layer's methods (a region of `index.ts`).

use std::fmt::Write;

use crate::c::core_arg;
use crate::operations::{Arg, Op, OpExt, Ret, Text, OPERATIONS};
use crate::GENERATED;

/// One JavaScript-level parameter of a layer method.
struct Param {
    arg: Arg,
    /// Its name in the layer method.
    name: String,
    /// Its TypeScript declaration in the layer method.
    ts: String,
}

fn js_params(op: &Op) -> (Vec<Param>, Option<String>) {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut caller = false;
    let mut page = false;
    let mut flags = Vec::new();
    for arg in op.args {
        let p = |name: &str, ts: String, _optional: bool| Param { arg: *arg, name: name.to_owned(), ts };
        match arg {
            Arg::Caller => caller = true,
            Arg::Page => page = true,
            Arg::Flag(name) => flags.push(*name),
            Arg::Lookup => required.push(p("lookup", "lookup: Lookup".into(), false)),
            Arg::Lookups => required.push(p("lookups", "lookups: Lookup[]".into(), false)),
            Arg::Doc { name, ts, .. } | Arg::Docs { name, ts, .. } => {
                required.push(p(name, format!("{name}: {ts}"), false))
            }
            Arg::Str(name) => required.push(p(name, format!("{name}: string"), false)),
            Arg::Strs(name) => required.push(p(name, format!("{name}: string[]"), false)),
            Arg::OptDoc { name, ts, .. } => optional.push(p(name, format!("{name}?: {ts} | null"), true)),
            Arg::Key(name) => required.push(p(name, format!("{name}: MasterKey"), false)),
            Arg::OptStr(name) => optional.push(p(name, format!("{name}?: string | null"), true)),
            Arg::Anchor => optional.push(p("anchor", "anchor?: AuditHead | null".into(), true)),
        }
    }
    required.extend(optional);
    // Options the addon reads from the object itself (paging, flags), or only the caller's two
    // fields, which the layer reads.
    let opts = match (caller, page, flags.as_slice()) {
        (_, true, []) => Some("PageOptions".to_owned()),
        (_, true, flags) => Some(format!(
            "PageOptions & {{ {} }}",
            flags.iter().map(|f| format!("{f}?: boolean")).collect::<Vec<_>>().join("; ")
        )),
        (_, false, flags) if !flags.is_empty() => Some(format!(
            "CallOptions & {{ {} }}",
            flags.iter().map(|f| format!("{f}?: boolean")).collect::<Vec<_>>().join("; ")
        )),
        (true, false, _) => Some("CallOptions".to_owned()),
        (false, false, _) => None,
    };
    (required, opts)
}

/// How many native argument slots a parameter takes (a lookup crosses as mode and value).
fn slots(arg: &Arg) -> usize {
    if matches!(arg, Arg::Lookup) {
        2
    } else {
        1
    }
}

/// The native slot of each declared argument (by index), and the slot count.
fn layout(op: &Op) -> (Vec<usize>, usize) {
    let (params, opts) = js_params(op);
    let mut slot = vec![0; op.args.len()];
    let mut at = 1; // slot 0 is the vault handle
    for p in &params {
        let i = op.args.iter().position(|a| same(a, &p.arg)).expect("declared");
        slot[i] = at;
        at += slots(&p.arg);
    }
    match opts.as_deref() {
        // Paging options and flags are read by the addon, with the caller's fields, from one object.
        Some(o) if o != "CallOptions" => {
            for (i, arg) in op.args.iter().enumerate() {
                if matches!(arg, Arg::Caller | Arg::Page | Arg::Flag(_)) {
                    slot[i] = at;
                }
            }
            at += 1;
        }
        // The caller crosses as two values the layer reads from the options: actor, purpose.
        Some(_) => {
            let i = op.args.iter().position(|a| matches!(a, Arg::Caller)).expect("caller");
            slot[i] = at;
            at += 2;
        }
        None => {}
    }
    (slot, at)
}

/// The same declared argument (kind and name).
fn same(a: &Arg, b: &Arg) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn reader(arg: &Arg, slot: usize, paged: bool) -> (String, String) {
    match arg {
        Arg::Caller if paged => ("caller".into(), format!("c.caller({slot})")),
        Arg::Flag(name) => (name.to_string(), format!("c.flag({slot}, c\"{name}\")")),
        Arg::Caller => ("caller".into(), format!("c.caller_of({slot})")),
        Arg::Lookup => ("lookup".into(), format!("c.lookup({slot})")),
        Arg::Lookups => ("lookups".into(), format!("c.lookups({slot})")),
        Arg::Doc { name, .. } => (name.to_string(), format!("c.document({slot})")),
        Arg::Docs { name, .. } => (name.to_string(), format!("c.documents({slot})")),
        Arg::Str(name) => (name.to_string(), format!("c.string({slot}, \"{name}\")")),
        Arg::Strs(name) => (name.to_string(), format!("c.strings({slot})")),
        Arg::OptDoc { name, .. } => (name.to_string(), format!("c.opt_document({slot})")),
        Arg::OptStr(name) => (name.to_string(), format!("c.opt_string({slot}, \"{name}\")")),
        Arg::Page => ("page".into(), format!("c.page({slot})")),
        Arg::Anchor => ("anchor".into(), format!("c.anchor({slot})")),
        Arg::Key(name) => (name.to_string(), format!("c.key({slot})")),
    }
}

fn result(op: &Op, call: &str, sync: bool) -> String {
    match op.ret {
        Ret::Unit => format!("{{\n            {call}?;\n            Ok(Out::Nothing)\n        }}"),
        // A subject in its compact text form (see `Out::subject`).
        Ret::Json { text: Some(Text { subject: Some(_), .. }), .. } => format!("Ok(Out::subject({call}?))"),
        // A string, or a result the core already gives as JSON text.
        Ret::Str(_) | Ret::Json { text: Some(_), .. } => format!("Ok(Out::Text({call}?))"),
        Ret::Json { .. } => {
            if sync {
                format!("Ok(Out::json(&{call}?)?)")
            } else {
                format!("Out::json(&{call}?)")
            }
        }
    }
}

/// `bindings/node/src/ops/<area>.rs`.
pub(crate) fn functions(area: &str, ops: &[Op]) -> String {
    let mut out = format!(
        "//! The addon's function for each `{area}` operation and its `…Async` twin (core work on libuv's\n\
         //! thread pool), both reading their arguments with the same readers, so they refuse the\n\
         //! same values with the same codes. {GENERATED}\n\n\
         use crate::calls::{{calls, Call, Failure, Out}};\n\n\
         calls! {{\n"
    );
    for op in ops {
        let js = op.js_name();
        let (slot, count) = layout(op);
        let paged = op.args.iter().any(|a| matches!(a, Arg::Page | Arg::Flag(_)));
        let reads: Vec<(String, String)> = op.args.iter().zip(&slot).map(|(arg, at)| reader(arg, *at, paged)).collect();
        let call_args: Vec<String> = op.args.iter().zip(&reads).map(|(arg, (local, _))| core_arg(arg, local)).collect();
        let names: Vec<String> = native_slot_types(op)
            .iter()
            .map(|t| t.split(':').next().unwrap_or_default().trim_end_matches('?').to_owned())
            .collect();
        debug_assert_eq!(names.len(), count);
        let sig = format!("{js}({})", names.join(", "));
        writeln!(out, "    /// `{sig}`: {}", op.summary()).expect("string");
        writeln!(out, "    c\"{js}\" => {}(|c| unsafe {{", op.name).expect("string");
        writeln!(out, "        let v = c.vault()?;").expect("string");
        for (local, read) in &reads {
            writeln!(out, "        let {local} = {read}?;").expect("string");
        }
        let call = crate::operations::call(op, "v", "v", op.node_method(), &call_args.join(", "));
        writeln!(out, "        {}", result(op, &call, true)).expect("string");
        writeln!(out, "    }});").expect("string");
        writeln!(
            out,
            "    /// `{js}Async({})`: the same, off the event loop; argument errors reject the promise.",
            names.join(", ")
        )
        .expect("string");
        writeln!(out, "    c\"{js}Async\" => {}_async(|c| unsafe {{", op.name).expect("string");
        writeln!(out, "        let v = c.later(c.vault().cloned())?;").expect("string");
        for (local, read) in &reads {
            writeln!(out, "        let {local} = c.later({read})?;").expect("string");
        }
        let async_args: Vec<String> =
            op.args.iter().zip(&reads).map(|(arg, (local, _))| core_arg(arg, &format!("{local}?"))).collect();
        let call = crate::operations::call(op, "v?", "&v?", op.node_method(), &async_args.join(", "));
        writeln!(out, "        c.spawn(move || {})", result(op, &call, false)).expect("string");
        writeln!(out, "    }});").expect("string");
    }
    out.push_str("}\n");
    out
}

fn native_slot_types(op: &Op) -> Vec<String> {
    let (params, opts) = js_params(op);
    let mut out = vec!["handle: VaultHandle".to_owned()];
    for p in &params {
        match p.arg {
            Arg::Lookup => {
                out.push("mode: string | undefined".into());
                out.push("lookup: unknown".into());
            }
            Arg::Lookups | Arg::Doc { .. } | Arg::Docs { .. } | Arg::Strs(_) => {
                out.push(format!("{}: JsonText", p.name))
            }
            Arg::OptDoc { .. } => out.push(format!("{}?: JsonText", p.name)),
            // `unknown` takes `undefined` too: the addon checks the type (a required parameter,
            // so that a document may follow it).
            Arg::Str(_) => out.push(format!("{}: unknown", p.name)),
            Arg::OptStr(_) => out.push(format!("{}?: unknown", p.name)),
            Arg::Anchor => out.push("anchor?: JsonText".into()),
            Arg::Key(_) => out.push(format!("{}: unknown", p.name)),
            Arg::Caller | Arg::Page | Arg::Flag(_) => {}
        }
    }
    match opts.as_deref() {
        Some(o) if o != "CallOptions" => out.push("opts?: unknown".into()),
        Some(_) => {
            out.push("actor?: unknown".into());
            out.push("purpose?: unknown".into());
        }
        None => {}
    }
    out
}

/// `bindings/node/src/ops/mod.rs`: every area's functions.
pub(crate) fn functions_mod() -> String {
    let mut list = String::from(
        "\n/// Every area's exported names and callbacks.\npub const CALLS: &[&[(&std::ffi::CStr, crate::calls::Callback)]] = &[\n",
    );
    for (area, _) in crate::operations::AREAS.iter() {
        list.push_str(&format!("    {area}::CALLS,\n"));
    }
    list.push_str("];\n");
    crate::operations::area_modules(
        &format!("//! The addon's functions for every operation, one module per area. {GENERATED}"),
        false,
        &list,
    )
}

/// The `calls` declaration of `header.d.ts` (one line per function).
pub(crate) fn typings() -> String {
    let mut out = String::new();
    for op in OPERATIONS.iter() {
        let js = op.js_name();
        let ret = match op.ret {
            Ret::Unit => "void",
            Ret::Str(_) | Ret::Json { .. } => "string",
        };
        let slots = native_slot_types(op).join(", ");
        writeln!(out, "  {js}({slots}): {ret}").expect("string");
        writeln!(out, "  {js}Async({slots}): Promise<{ret}>").expect("string");
    }
    out
}

/// The `Vault` methods of `index.ts`.
pub(crate) fn layer() -> String {
    let mut out = String::new();
    for op in OPERATIONS.iter() {
        let js = op.js_name();
        let (params, opts) = js_params(op);
        let mut decl: Vec<String> = params.iter().map(|p| p.ts.clone()).collect();
        if let Some(o) = &opts {
            let o = if o.contains('&') { format!("({o})") } else { o.clone() };
            decl.push(format!("opts?: {o} | null"));
        }
        let mut prelude = String::new();
        let mut args = vec!["this.#handle".to_owned()];
        for p in &params {
            match p.arg {
                Arg::Lookup => {
                    prelude.push_str("    const mode = lookupMode(lookup)\n");
                    args.push("mode".into());
                    args.push("mode === undefined ? text(lookup) : lookup[mode]".into());
                }
                Arg::Lookups | Arg::Doc { .. } | Arg::Docs { .. } | Arg::Strs(_) => {
                    args.push(format!("text({})", p.name))
                }
                Arg::Anchor => args.push("optionalText(anchor)".into()),
                Arg::OptDoc { .. } => args.push(format!("optionalText({})", p.name)),
                _ => args.push(p.name.clone()),
            }
        }
        match opts.as_deref() {
            Some("CallOptions") => args.extend(["actorOf(opts)".to_owned(), "purposeOf(opts)".to_owned()]),
            Some(_) => args.push("opts".into()),
            None => {}
        }
        let ret = match op.ret {
            Ret::Unit => "void",
            Ret::Str(_) => "string",
            Ret::Json { rust, .. } => &crate::types::ts_type(rust),
        };
        let args = args.join(", ");
        // The call in a `try`: what the addon throws becomes a `BunkerliteError` of the method
        // (V8 optimises a try/catch that never catches as if it were not there).
        let body = |call: String, operation: String| -> String {
            let inner = match op.ret {
                Ret::Unit => format!("      {call}\n"),
                Ret::Str(_) => format!("      return {call}\n"),
                Ret::Json { text: Some(Text { subject: Some(_), .. }), .. } => {
                    format!("      return subjectOf({call})\n")
                }
                Ret::Json { .. } => format!("      return JSON.parse({call})\n"),
            };
            format!("    try {{\n{inner}    }} catch (e) {{\n      throw lift(e, '{operation}')\n    }}\n")
        };
        writeln!(out, "  /** {} */", op.full_doc()).expect("string");
        writeln!(out, "  {js} ({}): {ret} {{", decl.join(", ")).expect("string");
        out.push_str(&prelude);
        out.push_str(&body(format!("calls.{js}({args})"), js.clone()));
        writeln!(out, "  }}\n").expect("string");
        writeln!(out, "  /** `{js}`, off the event loop. */").expect("string");
        writeln!(out, "  async {js}Async ({}): Promise<{ret}> {{", decl.join(", ")).expect("string");
        out.push_str(&prelude);
        out.push_str(&body(format!("await calls.{js}Async({args})"), format!("{js}Async")));
        writeln!(out, "  }}\n").expect("string");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
