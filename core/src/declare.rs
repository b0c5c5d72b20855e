//! The declaration of an operation, written next to the method it declares (the `operations!`
//! macro, as libsignal's `bridge_fn`): its C name, audit action, purpose check, expected errors,
//! arguments and result shape, and its one doc text — which becomes the method's rustdoc and,
//! through `bunkerlite-gen`, the C header's, the Python stub's and the TypeScript typings'. The
//! generator reads the declarations from [`crate::bridge::operations`].
//!
//! Names: the method (`verb_noun`) is the Rust and Python name, Node uses its camelCase, C is
//! `bl_<noun>_<verb>` (`bl_<noun>s_<verb>` for a batch), and the audit action is `noun.verb`.

/// An argument, in the order the core method takes it (the caller always first).
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    /// Who acts and why: `actor` and `purpose` (C: `const bl_caller *`; Python: keyword
    /// arguments; Node: fields of the options object).
    Caller,
    /// One lookup (`{"email": "…"}`; C: `mode` and `value` strings).
    Lookup,
    /// A batch of lookups (a list of lookup objects; C: JSON text).
    Lookups,
    /// A JSON document (C: JSON text). `ts` and `py` are its type in the typings and stubs.
    Doc {
        /// Its name in every language.
        name: &'static str,
        /// Its type in the TypeScript typings.
        ts: &'static str,
        /// Its type in the Python stub.
        py: &'static str,
    },
    /// A batch of JSON documents (a list; C: JSON text of an array).
    Docs {
        /// Its name in every language.
        name: &'static str,
        /// Its type in the TypeScript typings.
        ts: &'static str,
        /// Its type in the Python stub.
        py: &'static str,
    },
    /// A required string (a token, a value to tokenize).
    Str(&'static str),
    /// A batch of strings (a list; C: JSON text of an array of strings).
    Strs(&'static str),
    /// An optional JSON object of options (C: JSON text or NULL; Python and Node: a dict/object,
    /// `None`/`null` or absent). `ts` and `py` are its type in the typings and stubs.
    OptDoc {
        /// Its name in every language.
        name: &'static str,
        /// Its type in the TypeScript typings.
        ts: &'static str,
        /// Its type in the Python stub.
        py: &'static str,
    },
    /// An optional string (C: NULL; Python and Node: `None`/`null`/absent).
    OptStr(&'static str),
    /// Paging of a listing: `cursor` (from the previous page's `next`) and `limit`.
    Page,
    /// An optional audit anchor `{seq, hash}` (C: JSON text or NULL).
    Anchor,
    /// A yes/no option, false when absent (C: `bool`; Python: a keyword argument; Node: a field
    /// of the options object).
    Flag(&'static str),
    /// A master key (C: `const bl_key *`; Python and Node: a `MasterKey`).
    Key(&'static str),
}

/// The purpose check an operation runs: the policy operation (`read`, `write`, `delete`,
/// `export`, `detokenize`) that the caller's processing activity must cover and, where the
/// activity relies on consent, the subject's agreement must allow — or none, with the reason.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Checked as the policy operation `op`, on what `on` says.
    As {
        /// The policy operation: `read`, `write`, `delete`, `export` or `detokenize`.
        op: &'static str,
        /// What it is checked on (the subject found, each one of a batch, …).
        on: &'static str,
    },
    /// No purpose check (a purpose given must still name an activity), and why.
    None(&'static str),
}

impl Check {
    /// The policy operation, if any.
    pub fn op(&self) -> Option<&'static str> {
        match self {
            Check::As { op, .. } => Some(op),
            Check::None(_) => None,
        }
    }

    /// Whether `require_purpose` refuses the operation without a purpose (reads, exports and
    /// detokenization; writes and deletes may be made without one).
    pub fn needs_purpose(&self) -> bool {
        matches!(self.op(), Some("read" | "export" | "detokenize"))
    }
}

/// What an operation returns.
#[derive(Debug, Clone, Copy)]
pub enum Ret {
    /// Nothing.
    Unit,
    /// A string (a token). C: `char **out_<name>`.
    Str(&'static str),
    /// A JSON value (C: `char **out_<name>_json`). `rust` is the core type (the Python TypedDicts
    /// and TypeScript interfaces are written from its JSON Schema, `bridge::schemas`); `py_fast`
    /// names a converter in the Python binding that builds it directly.
    /// `text` names the `bridge` functions that return the result as text (skipping a `Value`): C
    /// and Node hand the JSON text on (Node a subject's compact form, when there is one), and
    /// `py_fast` then converts from the JSON text.
    Json {
        /// Its name (C: `out_<name>_json`).
        name: &'static str,
        /// The core's Rust type.
        rust: &'static str,
        /// A converter of the Python binding that builds it directly.
        py_fast: Option<&'static str>,
        /// The `bridge` functions giving it as text, when there are.
        text: Option<Text>,
    },
}

impl Ret {
    /// A JSON result with no converter and no text form (most results).
    pub const fn json(name: &'static str, rust: &'static str) -> Ret {
        Ret::Json { name, rust, py_fast: None, text: None }
    }
}

/// The `bridge` functions giving a result as text (each takes the vault, then the method's
/// arguments).
#[derive(Debug, Clone, Copy)]
pub struct Text {
    /// Returns the result as JSON text.
    pub json: &'static str,
    /// For Node, when set: returns a `SubjectText`, which the addon hands over in the subject's
    /// compact text form and `index.ts` decodes with `subjectOf` (only the profile goes through
    /// `JSON.parse`: a third less text to parse than the whole subject's JSON).
    pub subject: Option<&'static str>,
}

/// One operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// The method's name (Rust and Python; Node uses its camelCase).
    pub name: &'static str,
    /// The C function's name.
    pub c_name: &'static str,
    /// The audit action it records (`None`: not audited, it reads no personal data).
    pub action: Option<&'static str>,
    /// The purpose check it runs (the README's table of checks is made from these).
    pub check: Check,
    /// What it does, for every language's documentation (the first sentence is the summary): the
    /// doc comment written on the method, line by line.
    pub doc: &'static str,
    /// The error codes a caller should expect besides `CLOSED`, `BUSY`, `STORAGE`, `INTERNAL`.
    pub errors: &'static [&'static str],
    /// Its arguments, in the order the core method takes them.
    pub args: &'static [Arg],
    /// What it returns.
    pub ret: Ret,
}

/// Argument and result shapes several operations share.
pub const PROFILE: Arg = Arg::Doc { name: "profile", ts: "Profile", py: "Dict[str, _JSON]" };
pub const SUBJECT: Ret = Ret::Json { name: "subject", rust: "Subject", py_fast: Some("convert::subject"), text: None };

pub const TOKENIZE_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "TokenizeOptions", py: "Dict[str, Any]" };
pub const TEXT_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "TextOptions", py: "Dict[str, Any]" };
pub const DETOKENIZE_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "DetokenizeOptions", py: "Dict[str, Any]" };

pub const BASIS_DEF: Arg = Arg::Doc { name: "definition", ts: "LegalBasisSpec", py: "Dict[str, Any]" };
pub const ACTIVITY_DEF: Arg = Arg::Doc { name: "definition", ts: "ActivitySpec", py: "Dict[str, Any]" };
pub const CONSENT_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "ConsentOptions", py: "Dict[str, Any]" };

impl Op {
    /// The core function the bindings call: the method, or the `bridge` function of the result's
    /// text form when it has one.
    pub fn core_method(&self) -> &'static str {
        match self.ret {
            Ret::Json { text: Some(text), .. } => text.json,
            _ => self.name,
        }
    }

    /// The core function the Node addon calls: a subject in text form when the result has one.
    pub fn node_method(&self) -> &'static str {
        match self.ret {
            Ret::Json { text: Some(Text { subject: Some(method), .. }), .. } => method,
            _ => self.core_method(),
        }
    }

    /// What the purpose check is, in a sentence for every language's documentation.
    pub fn check_doc(&self) -> String {
        match self.check {
            Check::As { op, on } => {
                let purpose =
                    if self.check.needs_purpose() { " A vault with require_purpose needs a purpose." } else { "" };
                format!("Purpose check: {op}, on {on}.{purpose}")
            }
            Check::None(why) => format!("No purpose check: {why}."),
        }
    }

    /// The doc as one text: the doc comment's lines joined (a blank line starts a paragraph).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines().map(str::trim) {
            if line.is_empty() {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push_str("\n\n");
                }
            } else {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push(' ');
                }
                out.push_str(line);
            }
        }
        out.trim_end().to_owned()
    }

    /// The doc followed by the purpose check.
    pub fn full_doc(&self) -> String {
        format!("{} {}", self.text(), self.check_doc())
    }

    /// The first sentence of the doc.
    pub fn summary(&self) -> String {
        let text = self.text();
        match text.find(". ") {
            Some(i) => text[..=i].to_owned(),
            None => text,
        }
    }
}

/// Declare operations where they are written: every method in the block carries an
/// `#[operation(…)]` with its C name, audit action, purpose check, expected errors, arguments and
/// result; the macro writes the methods (their doc comment completed with the purpose check and
/// the errors) and `OPERATIONS`, the module's declarations, in order.
///
/// ```text
/// operations! {
///     /// Create a subject from a profile and return its new token.
///     #[operation(c = "bl_subject_create", action = "subject.create",
///         check = write("no subject yet: the activity must cover writes"),
///         errors = ["INVALID_INPUT", "DUPLICATE"], args = [Arg::Caller, PROFILE], ret = Ret::Str("token"))]
///     pub fn create_subject(&self, caller: &Caller, profile: Value) -> Result<String> { … }
/// }
/// ```
///
/// `action` is the audit action (`"noun.verb"`) or `none` (not audited); `check` is
/// `<read|write|delete|export|detokenize>("on what")` or `none("why not")`.
macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        #[operation(
            c = $c:literal,
            action = $action:tt,
            check = $check:ident($check_text:literal),
            errors = [$($error:literal),* $(,)?],
            args = [$($arg:expr),* $(,)?],
            ret = $ret:expr $(,)?
        )]
        $vis:vis fn $name:ident($($params:tt)*) -> $result:ty $body:block
    )*) => {
        impl Vault {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = $crate::declare::action_doc!($action)]
                #[doc = $crate::declare::check_doc!($check, $check_text)]
                #[doc = ""]
                #[doc = $crate::declare::errors_doc!($($error),*)]
                $vis fn $name($($params)*) -> $result $body
            )*
        }

        /// The declarations of this module's operations, in order.
        pub(crate) const OPERATIONS: &[$crate::declare::Op] = &[$(
            $crate::declare::Op {
                name: stringify!($name),
                c_name: $c,
                action: $crate::declare::action!($action),
                check: $crate::declare::check!($check, $check_text),
                doc: concat!($($doc, "\n"),*),
                errors: &[$($error),*],
                args: &[$($arg),*],
                ret: $ret,
            },
        )*];
    };
}
pub(crate) use operations;

/// The audit action of a declaration.
macro_rules! action {
    (none) => {
        None
    };
    ($action:literal) => {
        Some($action)
    };
}
pub(crate) use action;

/// The rustdoc line of a declaration's audit action.
macro_rules! action_doc {
    (none) => {
        "**Not audited** (it reads or writes no personal data)."
    };
    ($action:literal) => {
        concat!("**Audited as** `", $action, "`.")
    };
}
pub(crate) use action_doc;

/// The [`Check`] of a declaration.
macro_rules! check {
    (none, $why:literal) => {
        $crate::declare::Check::None($why)
    };
    ($op:ident, $on:literal) => {
        $crate::declare::Check::As { op: stringify!($op), on: $on }
    };
}
pub(crate) use check;

/// The rustdoc line of a declaration's purpose check.
macro_rules! check_doc {
    (none, $why:literal) => {
        concat!("**No purpose check:** ", $why, ".")
    };
    ($op:ident, $on:literal) => {
        concat!("**Purpose check:** `", stringify!($op), "`, on ", $on, ".")
    };
}
pub(crate) use check_doc;

/// The rustdoc line of a declaration's errors.
macro_rules! errors_doc {
    () => {
        "**Errors:** only those of every call (`CLOSED`, `BUSY`, `STORAGE`, `INTERNAL`)."
    };
    ($($error:literal),+) => {
        concat!("**Errors:**", $(" `", $error, "`",)+ ", and those of every call.")
    };
}
pub(crate) use errors_doc;
