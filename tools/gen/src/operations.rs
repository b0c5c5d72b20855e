//! The operations, as the core declares them next to their methods (`operations!` in
//! `core/src/<area>/ops.rs`, read through `bunkerlite::bridge`), and what the generator
//! derives from them beyond the core's declaration: the Node names and the book's table of
//! purpose checks. Adding an operation: the declared method in its area's `ops.rs`, its
//! scenarios in `tests/vectors/scenarios/<area>.json`, then `cargo run -p bunkerlite-gen`.

use std::sync::LazyLock;

pub use bunkerlite::bridge::{Arg, Check, Op, Ret, Text};

/// Every operation, in the order the bindings list them.
pub static OPERATIONS: LazyLock<Vec<Op>> = LazyLock::new(bunkerlite::bridge::operations);

/// Every area's name and operations: the generated entry points are one file per area.
pub static AREAS: LazyLock<Vec<(&'static str, &'static [Op])>> = LazyLock::new(bunkerlite::bridge::areas);

/// The `mod.rs` of a folder of generated files, one per area: its doc, each area's module, and
/// `tail` (what the folder exports).
pub fn area_modules(doc: &str, public: bool, tail: &str) -> String {
    let mut out = format!("{doc}\n\n");
    for (area, _) in AREAS.iter() {
        out.push_str(&format!("mod {area};\n"));
    }
    if public {
        out.push('\n');
        for (area, _) in AREAS.iter() {
            out.push_str(&format!("pub use {area}::*;\n"));
        }
    }
    out.push_str(tail);
    out
}

/// The `Vault` methods that are not operations: the lifecycle, written by hand in each binding.
pub const LIFECYCLE: &[&str] = &["open", "open_in_memory", "close", "is_closed"];

/// What the generator adds to a declaration.
pub trait OpExt {
    /// The Node name: camelCase of `name`.
    fn js_name(&self) -> String;
}

impl OpExt for Op {
    fn js_name(&self) -> String {
        camel(self.name)
    }
}

/// The Rust call of `method` on the vault `receiver`: the operation itself is a `Vault` method,
/// its text forms are functions of `bunkerlite::bridge` (taking `reference`, the vault as a
/// `&Vault`).
pub fn call(op: &Op, receiver: &str, reference: &str, method: &str, args: &str) -> String {
    if method == op.name {
        format!("{receiver}.{method}({args})")
    } else {
        let sep = if args.is_empty() { "" } else { ", " };
        format!("bunkerlite::bridge::{method}({reference}{sep}{args})")
    }
}

/// The book's table of purpose checks (docs/src/consent.md, between its `checks` markers).
pub fn checks_table() -> String {
    let mut out = String::from(
        "| operation | purpose check | on what, or why none | no purpose, `require_purpose` set |\n|---|---|---|---|\n",
    );
    for op in OPERATIONS.iter() {
        let (check, on) = match op.check {
            Check::As { op, on } => (format!("`{op}`"), on),
            Check::None(why) => ("none".to_owned(), why),
        };
        let without = match (op.check.needs_purpose(), op.action.is_some()) {
            (true, _) => "`INVALID_INPUT`",
            (false, true) => "allowed",
            (false, false) => "takes no caller",
        };
        out.push_str(&format!("| `{}` | {check} | {on} | {without} |\n", op.name));
    }
    out
}

/// `snake_case` → `camelCase`.
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}
