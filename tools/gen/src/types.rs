//! The shapes of results and options for Python and TypeScript, written from the JSON Schemas of
//! the core's types (`bunkerlite::bridge::schemas`, derived with schemars from the Rust types and
//! their doc comments): the TypedDicts of `bunkerlite/types.py` and the interfaces of `index.ts`.
//! A declaration's result type (`Ret::Json::rust`, e.g. `Vec<Option<Subject>>`) is translated
//! into each language from the same names.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::operations::{Ret, OPERATIONS};

/// A named type of the schemas: its name and schema, and whether it is an option object (read
/// with every field optional) rather than a result.
struct Def {
    name: String,
    schema: Value,
    input: bool,
}

/// Every named type, results first, each once (a type both returned and taken, such as
/// `TokenKind`, has one schema).
static DEFS: LazyLock<Vec<Def>> = LazyLock::new(|| {
    let schemas = bunkerlite::bridge::schemas();
    let mut seen = BTreeSet::new();
    let mut defs = Vec::new();
    for (input, map) in [(false, schemas.results), (true, schemas.inputs)] {
        for (name, schema) in map {
            if seen.insert(name.clone()) {
                defs.push(Def { name, schema, input });
            }
        }
    }
    defs
});

/// Results the core hands over as a bare JSON value, and their shape in each language.
const JSON_ALIASES: &[(&str, &str, &str, &str)] = &[(
    "ConsentReceipt",
    "A consent receipt: the Kantara Consent Receipt fields, the ISO/IEC TS 27560 record under `record`, and `mac`. \
     Change nothing in it: `verify_consent_receipt` answers `INTEGRITY` to any edit.",
    "{ [key: string]: Json }",
    "Dict[str, Any]",
)];

/// A generic type's schema name (`Page_of_AuditEvent`) split into the generic and its argument.
fn generic(name: &str) -> Option<(&str, &str)> {
    name.split_once("_of_")
}

fn ref_name(schema: &Map<String, Value>) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

/// The languages docs are written for.
#[derive(Clone, Copy, PartialEq)]
enum Lang {
    Ts,
    Py,
}

/// A doc comment's text for another language: rustdoc links become code, `Vault::method` the
/// method's name there, `Options::field` the option's name, and Rust's `None` null (TypeScript).
fn doc(schema: &Value, lang: Lang) -> Option<String> {
    let text = rust_doc(schema)?;
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find('`') {
        let Some(j) = rest[i + 1..].find('`') else { break };
        let code = &rest[i + 1..i + 1 + j];
        out.push_str(&rest[..i]);
        let code = if let Some(method) = code.strip_prefix("Vault::") {
            if lang == Lang::Ts {
                crate::operations::camel(method)
            } else {
                method.to_owned()
            }
        } else if let Some(option) = code.strip_prefix("Options::") {
            option.to_owned()
        } else if code == "None" && lang == Lang::Ts {
            "null".to_owned()
        } else {
            code.to_owned()
        };
        out.push('`');
        out.push_str(&code);
        out.push('`');
        rest = &rest[i + 1 + j + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A doc comment's text without rustdoc's link targets and without its Rust examples (a fenced
/// block, and the paragraph introducing it).
fn rust_doc(schema: &Value) -> Option<String> {
    let full = schema.get("description")?.as_str()?;
    let mut kept: Vec<&str> = Vec::new();
    let mut fenced = false;
    for line in full.lines() {
        if line.trim_start().starts_with("```") {
            if !fenced {
                // Drop the paragraph introducing the example.
                while kept.last().is_some_and(|l| l.trim().is_empty()) {
                    kept.pop();
                }
                while kept.last().is_some_and(|l| !l.trim().is_empty()) {
                    kept.pop();
                }
            }
            fenced = !fenced;
        } else if !fenced {
            kept.push(line);
        }
    }
    let joined = kept.join("\n");
    let text = joined.trim();
    let mut out = String::new();
    let mut rest = text;
    // [`x`](path) and [`x`] → `x`
    while let Some(i) = rest.find("[`") {
        let Some(j) = rest[i + 2..].find("`]") else { break };
        let end = i + 2 + j + 2;
        out.push_str(&rest[..i]);
        out.push('`');
        out.push_str(&rest[i + 2..i + 2 + j]);
        out.push('`');
        rest = &rest[end..];
        if rest.starts_with('(') {
            if let Some(k) = rest.find(')') {
                rest = &rest[k + 1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The string values of an enumeration (`enum`, or `oneOf`/`anyOf` of `const`s).
fn literals(schema: &Map<String, Value>) -> Option<Vec<String>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().map(|v| v.as_str().map(str::to_owned)).collect();
    }
    let members = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    members.iter().map(|m| m.get("const").and_then(Value::as_str).map(str::to_owned)).collect()
}

fn types_of(schema: &Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// TypeScript

/// A schema as a TypeScript type; `param` is a generic's argument, written `T`.
fn ts(schema: &Value, param: Option<&str>) -> String {
    let Some(s) = schema.as_object() else { return "Json".into() };
    if let Some(t) = s.get("x-ts").and_then(Value::as_str) {
        return t.to_owned();
    }
    if let Some(name) = ref_name(s) {
        if Some(name) == param {
            return "T".into();
        }
        return match generic(name) {
            Some((g, arg)) => format!("{g}<{arg}>"),
            None => name.to_owned(),
        };
    }
    if let Some(values) = literals(s) {
        return values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(" | ");
    }
    if let Some(c) = s.get("const").and_then(Value::as_str) {
        return format!("'{c}'");
    }
    if let Some(members) = s.get("anyOf").or_else(|| s.get("oneOf")).and_then(Value::as_array) {
        return union(members.iter().map(|m| ts(m, param)));
    }
    let kinds = types_of(s);
    if kinds.is_empty() {
        return "Json".into();
    }
    union(kinds.iter().map(|kind| match *kind {
        "string" => "string".to_owned(),
        "integer" | "number" => "number".to_owned(),
        "boolean" => "boolean".to_owned(),
        "null" => "null".to_owned(),
        "array" => {
            let item = s.get("items").map_or("Json".to_owned(), |i| ts(i, param));
            if item.contains(' ') {
                format!("Array<{item}>")
            } else {
                format!("{item}[]")
            }
        }
        _ => ts_object(s, param, ""),
    }))
}

/// Members joined with `|`, each once, `null` last.
fn union(members: impl Iterator<Item = String>) -> String {
    let mut all: Vec<String> = Vec::new();
    for m in members {
        for part in m.split(" | ") {
            if !all.iter().any(|a| a == part) {
                all.push(part.to_owned());
            }
        }
    }
    all.sort_by_key(|m| m == "null");
    all.join(" | ")
}

/// An object schema as a TypeScript object type (fields on their own lines, indented by
/// `indent`, with their docs), or a map type.
fn ts_object(s: &Map<String, Value>, param: Option<&str>, indent: &str) -> String {
    let Some(props) = s.get("properties").and_then(Value::as_object) else {
        return match s.get("additionalProperties") {
            Some(v @ Value::Object(_)) => format!("{{ [key: string]: {} }}", ts(v, param)),
            _ => "{ [key: string]: Json }".into(),
        };
    };
    let required = required(s);
    let mut out = String::from("{\n");
    for (field, schema) in props {
        if let Some(text) = doc(schema, Lang::Ts) {
            out.push_str(&ts_doc(&text, &format!("{indent}  ")));
        }
        let optional = if required.contains(field.as_str()) { "" } else { "?" };
        writeln!(out, "{indent}  {field}{optional}: {}", ts(schema, param)).expect("string");
    }
    out.push_str(indent);
    out.push('}');
    out
}

fn required(s: &Map<String, Value>) -> BTreeSet<&str> {
    s.get("required")
        .and_then(Value::as_array)
        .map_or_else(BTreeSet::new, |r| r.iter().filter_map(Value::as_str).collect())
}

/// A JSDoc comment.
fn ts_doc(text: &str, indent: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        if line.is_empty() {
            writeln!(out, "{indent} *").expect("string");
        } else {
            writeln!(out, "{indent} * {line}").expect("string");
        }
    }
    writeln!(out, "{indent} */").expect("string");
    out
}

/// The typings of every result and option type (the `types` region of `index.ts`).
pub(crate) fn typescript() -> String {
    let mut out = String::new();
    let mut generics = BTreeSet::new();
    for def in DEFS.iter() {
        let (name, param) = match generic(&def.name) {
            Some((g, arg)) => {
                if !generics.insert(g) {
                    continue;
                }
                (format!("{g}<T>"), Some(arg))
            }
            None => (def.name.clone(), None),
        };
        if let Some(text) = doc(&def.schema, Lang::Ts) {
            out.push_str(&ts_doc(&text, ""));
        }
        let s = def.schema.as_object().expect("a type's schema is an object");
        if s.get("properties").is_some() {
            writeln!(out, "export interface {name} {}\n", ts_object(s, param, "")).expect("string");
        } else if let Some(members) = s.get("oneOf").and_then(Value::as_array).filter(|_| literals(s).is_none()) {
            let members: Vec<String> =
                members.iter().map(|m| ts_object(m.as_object().expect("a variant is an object"), param, "")).collect();
            writeln!(out, "export type {name} = {}\n", members.join(" | ")).expect("string");
        } else {
            writeln!(out, "export type {name} = {}\n", ts(&def.schema, param)).expect("string");
        }
    }
    for (name, text, ts_type, _) in JSON_ALIASES {
        writeln!(out, "{}export type {name} = {ts_type}\n", ts_doc(text, "")).expect("string");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Python

/// The Python name of a schema name (`Page_of_AuditEvent` → `PageOfAuditEvent`).
fn py_name(name: &str) -> String {
    match generic(name) {
        Some((g, arg)) => format!("{g}Of{arg}"),
        None => name.to_owned(),
    }
}

/// A schema as a Python type.
fn py(schema: &Value) -> String {
    let Some(s) = schema.as_object() else { return "Any".into() };
    if let Some(name) = ref_name(s) {
        return py_name(name);
    }
    if let Some(values) = literals(s) {
        return format!("Literal[{}]", values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", "));
    }
    if let Some(c) = s.get("const").and_then(Value::as_str) {
        return format!("Literal[\"{c}\"]");
    }
    if s.contains_key("x-ts") {
        // A string whose TypeScript type names the error codes (which Python checks by class).
        return "str".into();
    }
    if let Some(members) = s.get("anyOf").or_else(|| s.get("oneOf")).and_then(Value::as_array) {
        return py_union(members.iter().map(py).collect());
    }
    let kinds = types_of(s);
    if kinds.is_empty() {
        return "Any".into();
    }
    py_union(
        kinds
            .iter()
            .map(|kind| match *kind {
                "string" => "str".to_owned(),
                "integer" => "int".to_owned(),
                "number" => "float".to_owned(),
                "boolean" => "bool".to_owned(),
                "null" => "None".to_owned(),
                "array" => format!("List[{}]", s.get("items").map_or("Any".to_owned(), py)),
                _ => match s.get("additionalProperties") {
                    Some(v @ Value::Object(_)) => format!("Dict[str, {}]", py(v)),
                    _ => "Dict[str, Any]".to_owned(),
                },
            })
            .collect(),
    )
}

/// `Optional[X]` for X or None, `Union[…]` for more.
fn py_union(members: Vec<String>) -> String {
    let nullable = members.iter().any(|m| m == "None");
    let rest: Vec<String> = members.into_iter().filter(|m| m != "None").collect();
    if rest.is_empty() {
        return "None".into();
    }
    let inner = if rest.len() == 1 { rest[0].clone() } else { format!("Union[{}]", rest.join(", ")) };
    if nullable {
        format!("Optional[{inner}]")
    } else {
        inner
    }
}

/// A docstring, indented.
fn py_doc(text: &str, indent: &str) -> String {
    let text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        return format!("{indent}\"\"\"{}\"\"\"\n", lines[0]);
    }
    let mut out = format!("{indent}\"\"\"{}\n", lines[0]);
    for line in &lines[1..] {
        if line.is_empty() {
            out.push('\n');
        } else {
            writeln!(out, "{indent}{line}").expect("string");
        }
    }
    writeln!(out, "{indent}\"\"\"").expect("string");
    out
}

/// A TypedDict for an object schema: a base of the required fields, then the optional ones.
fn py_class(out: &mut String, name: &str, doc_text: Option<String>, s: &Map<String, Value>, input: bool) {
    let props = s.get("properties").and_then(Value::as_object).expect("an object type has properties");
    let required = if input { BTreeSet::new() } else { required(s) };
    let fields = |out: &mut String, want_required: bool| {
        for (field, schema) in props {
            if required.contains(field.as_str()) != want_required {
                continue;
            }
            writeln!(out, "    {field}: {}", py(schema)).expect("string");
            if let Some(text) = doc(schema, Lang::Py) {
                out.push_str(&py_doc(&text, "    "));
            }
        }
    };
    let doc_text = doc_text.unwrap_or_else(|| format!("`{name}`."));
    let optional: Vec<&str> = props.keys().map(String::as_str).filter(|k| !required.contains(k)).collect();
    if required.is_empty() || optional.is_empty() {
        let total = if required.is_empty() { ", total=False" } else { "" };
        writeln!(out, "class {name}(TypedDict{total}):").expect("string");
        out.push_str(&py_doc(&doc_text, "    "));
        out.push('\n');
        fields(out, !required.is_empty());
    } else {
        // Some keys are always there, some not. Python 3.10 has no `NotRequired` (and a base
        // class of the required keys hides them from documentation tools), so the class is
        // `total=False` for type checkers and states at run time which keys are always there.
        let always: Vec<String> = required.iter().map(|k| format!("`{k}`")).collect();
        let doc_text = format!("{doc_text}\n\nAlways present: {}.", always.join(", "));
        writeln!(out, "class {name}(TypedDict, total=False):").expect("string");
        out.push_str(&py_doc(&doc_text, "    "));
        out.push('\n');
        fields(out, true);
        fields(out, false);
        let quoted = |keys: Vec<&str>| keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
        writeln!(
            out,
            "\n\n{name}.__required_keys__ = frozenset({{{}}})\n{name}.__optional_keys__ = frozenset({{{}}})",
            quoted(required.iter().copied().collect()),
            quoted(optional)
        )
        .expect("string");
    }
    out.push_str("\n\n");
}

/// `bunkerlite/types.py`: every result and option type as a TypedDict (or a `Literal`), and the
/// names the stub's return types use.
pub(crate) fn python() -> String {
    let mut out = format!(
        "\"\"\"The shapes of what the vault returns and of the options it takes, as TypedDicts: \
         `from bunkerlite.types import Subject`.\n\n{}\n\"\"\"\n\n\
         from __future__ import annotations\n\n\
         from typing import Any, Dict, List, Literal, Optional, TypedDict, Union\n\n",
        crate::GENERATED
    );
    let mut names = Vec::new();
    // Enumerations first (aliases are evaluated at import), then the classes, then the unions
    // of classes.
    let mut classes = String::new();
    let mut unions = String::new();
    for def in DEFS.iter() {
        let name = py_name(&def.name);
        let s = def.schema.as_object().expect("a type's schema is an object");
        let text = doc(&def.schema, Lang::Py);
        if s.get("properties").is_some() {
            py_class(&mut classes, &name, text, s, def.input);
        } else if let Some(members) = s.get("oneOf").and_then(Value::as_array).filter(|_| literals(s).is_none()) {
            let mut variants = Vec::new();
            for m in members {
                let m = m.as_object().expect("a variant is an object");
                let tag = m
                    .get("properties")
                    .and_then(Value::as_object)
                    .and_then(|p| p.values().find_map(|v| v.get("const").and_then(Value::as_str)))
                    .expect("a variant has a tag");
                let variant = format!("{name}{}{}", tag[..1].to_uppercase(), &tag[1..]);
                py_class(&mut classes, &variant, text.clone(), m, def.input);
                names.push(variant.clone());
                variants.push(variant);
            }
            let value =
                if variants.len() == 1 { variants[0].clone() } else { format!("Union[{}]", variants.join(", ")) };
            writeln!(unions, "{name} = {value}").expect("string");
            if let Some(text) = &text {
                unions.push_str(&py_doc(text, ""));
            }
            unions.push('\n');
        } else {
            writeln!(out, "{name} = {}", py(&def.schema)).expect("string");
            if let Some(text) = &text {
                out.push_str(&py_doc(text, ""));
            }
            out.push('\n');
        }
        names.push(name);
    }
    for (name, text, _, py_type) in JSON_ALIASES {
        writeln!(out, "{name} = {py_type}").expect("string");
        out.push_str(&py_doc(text, ""));
        out.push('\n');
        names.push((*name).to_owned());
    }
    out.push('\n');
    out.push_str(&classes);
    out.push_str(&unions);
    names.sort();
    out.push_str("__all__ = [\n");
    for n in names {
        writeln!(out, "    \"{n}\",").expect("string");
    }
    out.push_str("]\n");
    out
}

// ---------------------------------------------------------------------------------------------
// A declaration's result type

/// A Rust type expression (`Vec<Option<Subject>>`) split into its head and argument.
fn split(rust: &str) -> (&str, Option<&str>) {
    match rust.find('<') {
        Some(i) if rust.ends_with('>') => (&rust[..i], Some(&rust[i + 1..rust.len() - 1])),
        _ => (rust, None),
    }
}

/// Whether a name is a type of the schemas (or a JSON alias).
fn known(name: &str) -> bool {
    DEFS.iter().any(|d| d.name == name) || JSON_ALIASES.iter().any(|a| a.0 == name)
}

/// A declared result type in TypeScript.
pub(crate) fn ts_type(rust: &str) -> String {
    match split(rust) {
        ("String", None) => "string".into(),
        ("Vec", Some(inner)) => {
            let inner = ts_type(inner);
            if inner.contains(' ') {
                format!("Array<{inner}>")
            } else {
                format!("{inner}[]")
            }
        }
        ("Option", Some(inner)) => format!("{} | null", ts_type(inner)),
        (g, Some(arg)) => format!("{g}<{arg}>"),
        (name, None) => name.to_owned(),
    }
}

/// A declared result type in Python.
pub(crate) fn py_type(rust: &str) -> String {
    match split(rust) {
        ("String", None) => "str".into(),
        ("Vec", Some(inner)) => format!("List[{}]", py_type(inner)),
        ("Option", Some(inner)) => format!("Optional[{}]", py_type(inner)),
        (g, Some(arg)) => py_name(&format!("{g}_of_{arg}")),
        (name, None) => name.to_owned(),
    }
}

/// The schema names a declared result type uses (`Page<AuditEvent>` → `Page_of_AuditEvent`).
fn names_in(rust: &str) -> Vec<String> {
    match split(rust) {
        ("Vec" | "Option", Some(inner)) => names_in(inner),
        (g, Some(arg)) => vec![format!("{g}_of_{arg}")],
        ("String", None) => Vec::new(),
        (name, None) => vec![name.to_owned()],
    }
}

/// The names `types.py` defines (its `__all__`).
pub(crate) fn py_names() -> Vec<String> {
    let module = python();
    let list = module.split("__all__ = [").nth(1).unwrap_or_default();
    list.lines().filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix("\",")).map(str::to_owned).collect()
}

/// Declared result types that no schema describes.
pub(crate) fn problems() -> Vec<String> {
    let mut out = Vec::new();
    for op in OPERATIONS.iter() {
        let Ret::Json { rust, .. } = op.ret else { continue };
        for name in names_in(rust) {
            if !known(&name) {
                out.push(format!(
                    "operation {}: result type {name} has no schema (add it to bunkerlite::bridge::schemas)",
                    op.name
                ));
            }
        }
    }
    out
}

/// The annotations of the core's schemas that only the generator reads (`x-ts`), and the
/// integer formats schemars notes (`int64`, …: not formats JSON Schema defines, which strict
/// validators refuse): left out of the published schema.
fn published(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    let integer_format = k.as_str() == "format" && v.as_str().is_some_and(|f| f.contains("int"));
                    !(k.starts_with("x-") || integer_format)
                })
                .map(|(k, v)| (k.clone(), published(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(published).collect()),
        other => other.clone(),
    }
}

/// The names of the types a schema refers to (`#/$defs/<name>`), found anywhere inside it.
fn refs_in(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = ref_name(map) {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// `schemas/export.schema.json`: the JSON Schema (draft 2020-12) of `export_subject`'s document,
/// standalone (the types it uses under `$defs`), for any validator.
pub(crate) fn export_schema() -> String {
    let results = bunkerlite::bridge::schemas().results;
    let root = results.get("SubjectExport").expect("the core declares SubjectExport's schema");
    let mut needed = BTreeSet::new();
    let mut todo = vec![root.clone()];
    while let Some(schema) = todo.pop() {
        let mut found = BTreeSet::new();
        refs_in(&schema, &mut found);
        for name in found {
            if needed.insert(name.clone()) {
                todo.push(results.get(&name).cloned().unwrap_or(Value::Null));
            }
        }
    }
    let mut doc = Map::new();
    doc.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
    doc.insert("$comment".into(), crate::GENERATED.into());
    doc.insert("title".into(), "bunkerlite subject export (bunkerlite-export/1)".into());
    if let Value::Object(map) = published(root) {
        doc.extend(map);
    }
    let defs: Map<String, Value> = needed.into_iter().map(|name| (name.clone(), published(&results[&name]))).collect();
    doc.insert("$defs".into(), Value::Object(defs));
    let mut text = serde_json::to_string_pretty(&Value::Object(doc)).expect("a schema serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_types_translate() {
        assert_eq!(ts_type("Vec<Option<Subject>>"), "Array<Subject | null>");
        assert_eq!(ts_type("Vec<String>"), "string[]");
        assert_eq!(ts_type("Page<AuditEvent>"), "Page<AuditEvent>");
        assert_eq!(py_type("Vec<Option<Subject>>"), "List[Optional[Subject]]");
        assert_eq!(py_type("TokenBatch<InfoItem>"), "TokenBatchOfInfoItem");
        assert!(problems().is_empty(), "{:?}", problems());
    }

    #[test]
    fn rustdoc_links_become_code() {
        let schema =
            serde_json::json!({"description": "See [`Vault::token_info`](crate::Vault::token_info); `None` if not."});
        assert_eq!(doc(&schema, Lang::Ts).as_deref(), Some("See `tokenInfo`; `null` if not."));
        assert_eq!(doc(&schema, Lang::Py).as_deref(), Some("See `token_info`; `None` if not."));
    }
}
