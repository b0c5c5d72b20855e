//! The one declaration of every operation on an open vault. From this table `bunkerlite-gen`
//! writes the C entry points (and, through cbindgen, the header), the Python methods and their
//! stubs, the Node sync functions, async twins, layer methods and typings, and the dispatch of
//! the shared vector runners. Adding an operation: the core method on `Vault`, one entry here,
//! its scenarios in `tests/vectors/scenarios/<area>.json`, then `cargo run -p bunkerlite-gen`.
//!
//! Names: `name` is the Rust and Python method (`verb_noun`), Node uses its camelCase, C is
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
    Doc { name: &'static str, ts: &'static str, py: &'static str },
    /// A batch of JSON documents (a list; C: JSON text of an array).
    Docs { name: &'static str, ts: &'static str, py: &'static str },
    /// A required string (a token, a value to tokenize).
    Str(&'static str),
    /// A batch of strings (a list; C: JSON text of an array of strings).
    Strs(&'static str),
    /// An optional JSON object of options (C: JSON text or NULL; Python and Node: a dict/object,
    /// `None`/`null` or absent). `ts` and `py` are its type in the typings and stubs.
    OptDoc { name: &'static str, ts: &'static str, py: &'static str },
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
    As { op: &'static str, on: &'static str },
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
    /// A JSON value (C: `char **out_<name>_json`). `rust` is the core type, `ts` and `py` its
    /// typing; `py_fast` names a converter in the Python binding that builds it directly.
    /// `text` names the core methods that return the result as text (skipping a `Value`): C
    /// and Node hand the JSON text on (Node a subject's compact form, when there is one), and
    /// `py_fast` then converts from the JSON text.
    Json {
        name: &'static str,
        rust: &'static str,
        ts: &'static str,
        py: &'static str,
        py_fast: Option<&'static str>,
        text: Option<Text>,
    },
}

/// The core methods giving a result as text.
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
    pub name: &'static str,
    pub c_name: &'static str,
    /// The audit action it records (`None`: not audited, it reads no personal data).
    pub action: Option<&'static str>,
    /// The purpose check it runs (the README's table of checks is made from these).
    pub check: Check,
    /// What it does, for every language's documentation (the first sentence is the summary).
    pub doc: &'static str,
    /// The error codes a caller should expect besides `CLOSED`, `BUSY`, `STORAGE`, `INTERNAL`.
    pub errors: &'static [&'static str],
    pub args: &'static [Arg],
    pub ret: Ret,
}

const PROFILE: Arg = Arg::Doc { name: "profile", ts: "Profile", py: "Dict[str, _JSON]" };
const SUBJECT: Ret = Ret::Json {
    name: "subject",
    rust: "Subject",
    ts: "Subject",
    py: "_Subject",
    py_fast: Some("convert::subject"),
    text: None,
};

const TOKENIZE_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "TokenizeOptions", py: "Dict[str, Any]" };
const TEXT_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "TextOptions", py: "Dict[str, Any]" };
const DETOKENIZE_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "DetokenizeOptions", py: "Dict[str, Any]" };

const BASIS_DEF: Arg = Arg::Doc { name: "definition", ts: "LegalBasisSpec", py: "Dict[str, Any]" };
const ACTIVITY_DEF: Arg = Arg::Doc { name: "definition", ts: "ActivitySpec", py: "Dict[str, Any]" };
const CONSENT_OPTIONS: Arg = Arg::OptDoc { name: "options", ts: "ConsentOptions", py: "Dict[str, Any]" };

/// Every operation, in the order the bindings list them.
pub const OPERATIONS: &[Op] = &[
    Op {
        name: "create_subject",
        c_name: "bl_subject_create",
        action: Some("subject.create"),
        check: Check::As { op: "write", on: "no subject yet: the activity must cover writes" },
        doc: "Create a subject from a profile (a JSON object) and return its new token. Indexed fields \
              (email, phone, login, configured ones) must be strings and unique.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "DUPLICATE"],
        args: &[Arg::Caller, PROFILE],
        ret: Ret::Str("token"),
    },
    Op {
        name: "create_subjects",
        c_name: "bl_subjects_create",
        action: Some("subject.create"),
        check: Check::As { op: "write", on: "no subject yet: the activity must cover writes" },
        doc: "Create many subjects in one transaction from a list of profiles: all are created, or none \
              (the error names the failing item's position). Returns their tokens in order.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "DUPLICATE"],
        args: &[Arg::Caller, Arg::Docs { name: "profiles", ts: "Profile[]", py: "List[Dict[str, _JSON]]" }],
        ret: Ret::Json {
            name: "tokens",
            rust: "Vec<String>",
            ts: "string[]",
            py: "List[str]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "get_subject",
        c_name: "bl_subject_get",
        action: Some("subject.get"),
        check: Check::As { op: "read", on: "the subject found" },
        doc: "Read a subject found by a lookup (token, email, phone, login or a configured field). A \
              subject found through an index is returned only if its profile really holds the value.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup],
        ret: Ret::Json {
            name: "subject",
            rust: "Subject",
            ts: "Subject",
            py: "_Subject",
            py_fast: Some("convert::from_json_text"),
            text: Some(Text { json: "get_subject_json", subject: Some("get_subject_text") }),
        },
    },
    Op {
        name: "get_subjects",
        c_name: "bl_subjects_get",
        action: Some("subject.get"),
        check: Check::As { op: "read", on: "each subject found (a refused one is a null item)" },
        doc: "Read many subjects: a subject, or null where nothing matches (or the subject was erased), \
              per lookup, in order. Each lookup is audited.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookups],
        ret: Ret::Json {
            name: "subjects",
            rust: "Vec<Option<Subject>>",
            ts: "Array<Subject | null>",
            py: "List[Optional[_Subject]]",
            py_fast: Some("convert::from_json_text"),
            text: Some(Text { json: "get_subjects_json", subject: None }),
        },
    },
    Op {
        name: "update_subject",
        c_name: "bl_subject_update",
        action: Some("subject.update"),
        check: Check::As { op: "write", on: "the subject found; the profile is returned only when `read` is allowed too" },
        doc: "Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an \
              array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event \
              keeps the before and after, encrypted under the subject's key.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "DUPLICATE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup, Arg::Doc { name: "patch", ts: "Json", py: "_JSON" }],
        ret: SUBJECT,
    },
    Op {
        name: "forget_subject",
        c_name: "bl_subject_forget",
        action: Some("subject.forget"),
        check: Check::As { op: "delete", on: "the subject found" },
        doc: "Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and \
              index entries are deleted, the WAL is truncated, and the audit keeps only the fact. \
              Returns the erasure receipt.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup],
        ret: Ret::Json {
            name: "receipt",
            rust: "ErasureReceipt",
            ts: "ErasureReceipt",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "forget_subjects",
        c_name: "bl_subjects_forget",
        action: Some("subject.forget"),
        check: Check::As { op: "delete", on: "each subject found (a refused one is a null item)" },
        doc: "Erase many subjects in one transaction, each as a single erasure does, with one WAL \
              truncation for the batch: a receipt, or null where nothing matches (or the subject was \
              already erased), per lookup, in order. Any other error erases nobody.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookups],
        ret: Ret::Json {
            name: "receipts",
            rust: "Vec<Option<ErasureReceipt>>",
            ts: "Array<ErasureReceipt | null>",
            py: "List[Optional[Dict[str, Any]]]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "tokenize",
        c_name: "bl_token_create",
        action: Some("token.create"),
        check: Check::As { op: "write", on: "the linked subject (or none); an FF1 token is checked as `detokenize`: it is the value encrypted, so making tokens of chosen values tests guesses against one held" },
        doc: "Make a token standing in for a value (a card number, an email, any string) and return it. \
              Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length, \
              keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or \
              expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and \
              for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a \
              keyed hash of the token and the value encrypted; errors never contain the value.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args: &[Arg::Caller, Arg::Str("value"), TOKENIZE_OPTIONS],
        ret: Ret::Str("token"),
    },
    Op {
        name: "tokenize_many",
        c_name: "bl_tokens_create",
        action: Some("token.create"),
        check: Check::As { op: "write", on: "the linked subject (or none); FF1 tokens as `detokenize` (see tokenize)" },
        doc: "Tokenize many values with the same options in one transaction: per item a status (created, \
              existing, failed), the token or the error, and a summary. One bad item fails only itself \
              unless all_or_nothing, which makes any failure fail the call and write nothing.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args: &[Arg::Caller, Arg::Strs("values"), TOKENIZE_OPTIONS, Arg::Flag("all_or_nothing")],
        ret: Ret::Json {
            name: "batch",
            rust: "TokenBatch<TokenizeItem>",
            ts: "TokenBatch<TokenizeItem>",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "detokenize",
        c_name: "bl_token_detokenize",
        action: Some("token.detokenize"),
        check: Check::As { op: "detokenize", on: "the token's linked subject (or none)" },
        doc: "The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the \
              value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of \
              the token. An expired token is EXPIRED; a token made with once is deleted by this call (and is then NOT_FOUND); a \
              sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}.",
        errors: &["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Str("token"), DETOKENIZE_OPTIONS],
        ret: Ret::Str("value"),
    },
    Op {
        name: "detokenize_many",
        c_name: "bl_tokens_detokenize",
        action: Some("token.detokenize"),
        check: Check::As { op: "detokenize", on: "each token's linked subject (a refused one is an item error)" },
        doc: "Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND, \
              EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "EXPIRED", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Strs("tokens"), DETOKENIZE_OPTIONS, Arg::Flag("all_or_nothing")],
        ret: Ret::Json {
            name: "batch",
            rust: "TokenBatch<DetokenizeItem>",
            ts: "TokenBatch<DetokenizeItem>",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "tokenize_text",
        c_name: "bl_text_tokenize",
        action: Some("text.tokenize"),
        check: Check::As { op: "write", on: "the linked subject (or none)" },
        doc: "Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and \
              the literal values of the values option) with typed placeholders [EMAIL:token], [PHONE:token], \
              [CARD:token], [VALUE:token], for logs and prompts sent to language models. The tokens are vaulted \
              and deterministic in the scope option (text by default). Options: detect (email, phone, card), \
              values (each at least 2 characters), scope, ttl_ms, subject. Dates, times, timestamps, IP \
              addresses, ids and versions are never taken for numbers; a national phone number needs the \
              default region's grouping or a context word (tel, call, ...). At most max_batch items per \
              call (TOO_LARGE beyond).",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args: &[Arg::Caller, Arg::Str("text"), TEXT_OPTIONS],
        ret: Ret::Str("text"),
    },
    Op {
        name: "detokenize_text",
        c_name: "bl_text_detokenize",
        action: Some("text.detokenize"),
        check: Check::As { op: "detokenize", on: "each placeholder's linked subject (a refused one stays a placeholder)" },
        doc: "Put the values back in place of the placeholders tokenize_text wrote (masked with the mask \
              option), reading only tokens made by tokenize_text in the scope option (text by default) for \
              the placeholder's tag; any other placeholder (unknown, expired, another scope or tag, or one \
              the purpose may not read) stays as it is. At most max_batch placeholders per call.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Str("text"), DETOKENIZE_OPTIONS],
        ret: Ret::Str("text"),
    },
    Op {
        name: "delete_token",
        c_name: "bl_token_delete",
        action: Some("token.delete"),
        check: Check::As { op: "delete", on: "the token's linked subject (or none)" },
        doc: "Delete a token: its value can no longer be recovered through it.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("token")],
        ret: Ret::Unit,
    },
    Op {
        name: "delete_tokens",
        c_name: "bl_tokens_delete",
        action: Some("token.delete"),
        check: Check::As { op: "delete", on: "each token's linked subject (a refused one is an item error)" },
        doc: "Delete many tokens in one transaction: per item whether it was deleted or the error, and a \
              summary; all_or_nothing makes any failure fail the call and delete nothing.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args: &[Arg::Caller, Arg::Strs("tokens"), Arg::Flag("all_or_nothing")],
        ret: Ret::Json {
            name: "batch",
            rust: "TokenBatch<DeleteItem>",
            ts: "TokenBatch<DeleteItem>",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "token_info",
        c_name: "bl_token_info",
        action: Some("token.info"),
        check: Check::As { op: "read", on: "the token's linked subject (or none): the info names it" },
        doc: "What is known about a token without its value: kind, scope, deterministic, once, sliding, \
              created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed \
              hash its audit events carry).",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("token")],
        ret: Ret::Json {
            name: "info",
            rust: "TokenInfo",
            ts: "TokenInfo",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "token_infos",
        c_name: "bl_tokens_info",
        action: Some("token.info"),
        check: Check::As { op: "read", on: "each token's linked subject (a refused one is an item error)" },
        doc: "token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...), \
              and a summary; all_or_nothing makes any failure fail the call.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args: &[Arg::Caller, Arg::Strs("tokens"), Arg::Flag("all_or_nothing")],
        ret: Ret::Json {
            name: "batch",
            rust: "TokenBatch<InfoItem>",
            ts: "TokenBatch<InfoItem>",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "purge_tokens",
        c_name: "bl_tokens_purge",
        action: Some("token.purge"),
        check: Check::None("removes only what the tokens' own expiry ended; reads and returns no value"),
        doc: "Delete every expired token, a thousand per transaction (readers are never blocked). Returns \
              {removed}.",
        errors: &[],
        args: &[Arg::Caller],
        ret: Ret::Json {
            name: "report",
            rust: "PurgeReport",
            ts: "PurgeReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "set_legal_basis",
        c_name: "bl_basis_set",
        action: Some("basis.set"),
        check: Check::None("the catalogue holds no personal data"),
        doc: "Create or change a legal basis (brief: ^[a-z][a-z0-9-]{1,64}$) from a definition: type (consent, \
              contract, legal-obligation, vital-interest, public-task, legitimate-interest; required for a new \
              basis), module, short_description, full_description, required, required_message, user_control, \
              status (active, disabled). Absent fields keep their values; a change of the texts people are \
              shown makes a new notice version (every version is kept).",
        errors: &["INVALID_INPUT", "TOO_LARGE"],
        args: &[Arg::Caller, Arg::Str("brief"), BASIS_DEF],
        ret: Ret::Json {
            name: "basis",
            rust: "LegalBasis",
            ts: "LegalBasis",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "get_legal_basis",
        c_name: "bl_basis_get",
        action: None,
        check: Check::None("the catalogue holds no personal data (not audited)"),
        doc: "A legal basis with every notice version (notices, oldest first). The catalogue holds no personal \
              data: not audited.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Str("brief")],
        ret: Ret::Json {
            name: "basis",
            rust: "LegalBasis",
            ts: "LegalBasis",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "list_legal_bases",
        c_name: "bl_bases_list",
        action: None,
        check: Check::None("the catalogue holds no personal data (not audited)"),
        doc: "Every legal basis (deleted ones too), by brief, each with its current notice.",
        errors: &[],
        args: &[],
        ret: Ret::Json {
            name: "bases",
            rust: "Vec<LegalBasis>",
            ts: "LegalBasis[]",
            py: "List[Dict[str, Any]]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "delete_legal_basis",
        c_name: "bl_basis_delete",
        action: Some("basis.delete"),
        check: Check::None("a catalogue change; the agreements it revokes only end processing"),
        doc: "Delete a legal basis: it is marked deleted (its notices are kept) and every agreement under it \
              is revoked, at once for every purpose check and then in the history and the outbox a thousand \
              subjects per transaction (an interrupted call is completed by calling again). Returns {changed}.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("brief")],
        ret: Ret::Json {
            name: "report",
            rust: "ConsentReport",
            ts: "ConsentReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "revoke_legal_basis",
        c_name: "bl_basis_revoke",
        action: Some("basis.revoke"),
        check: Check::None("a catalogue change; the agreements it revokes only end processing"),
        doc: "Revoke every agreement under a legal basis, as delete_legal_basis does, keeping the basis (new \
              agreements may be given). Returns {changed}.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("brief")],
        ret: Ret::Json {
            name: "report",
            rust: "ConsentReport",
            ts: "ConsentReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "set_activity",
        c_name: "bl_activity_set",
        action: Some("activity.set"),
        check: Check::None("the catalogue holds no personal data"),
        doc: "Create or change a processing activity: its name is the purpose callers pass; the definition has \
              title, description, operations (read, write, delete, export, detokenize; required for a new \
              activity) and legal_bases (briefs; replaces the links when given). Once a vault has an activity, \
              every purpose a caller names must be one.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args: &[Arg::Caller, Arg::Str("activity"), ACTIVITY_DEF],
        ret: Ret::Json {
            name: "activity",
            rust: "Activity",
            ts: "Activity",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "link_activity",
        c_name: "bl_activity_link",
        action: Some("activity.link"),
        check: Check::None("the catalogue holds no personal data"),
        doc: "Let a processing activity rely on a legal basis.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("activity"), Arg::Str("brief")],
        ret: Ret::Json {
            name: "activity",
            rust: "Activity",
            ts: "Activity",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "unlink_activity",
        c_name: "bl_activity_unlink",
        action: Some("activity.unlink"),
        check: Check::None("the catalogue holds no personal data"),
        doc: "Stop a processing activity relying on a legal basis.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("activity"), Arg::Str("brief")],
        ret: Ret::Json {
            name: "activity",
            rust: "Activity",
            ts: "Activity",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "delete_activity",
        c_name: "bl_activity_delete",
        action: Some("activity.delete"),
        check: Check::None("the catalogue holds no personal data"),
        doc: "Delete a processing activity: its name is then an unknown purpose.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("activity")],
        ret: Ret::Unit,
    },
    Op {
        name: "list_activities",
        c_name: "bl_activities_list",
        action: None,
        check: Check::None("the catalogue holds no personal data (not audited)"),
        doc: "Every processing activity, by name, with the operations it covers and the legal bases it relies \
              on.",
        errors: &[],
        args: &[],
        ret: Ret::Json {
            name: "activities",
            rust: "Vec<Activity>",
            ts: "Activity[]",
            py: "List[Dict[str, Any]]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "give_consent",
        c_name: "bl_consent_give",
        action: Some("consent.give"),
        check: Check::None("a decision is the subject's own act: recording it never needs the consent it records"),
        doc: "Record that a subject gave (or with status refused, refused) consent under a legal basis. \
              Options: status, start_ms, expires_ms or ttl_ms, method, channel, language, reference (stored \
              encrypted), notice_version (default: the current one). Appended to the subject's consent record \
              with an outbox event in one transaction; the basis must be active. Returns the agreement.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret: Ret::Json {
            name: "agreement",
            rust: "Agreement",
            ts: "Agreement",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "withdraw_consent",
        c_name: "bl_consent_withdraw",
        action: Some("consent.withdraw"),
        check: Check::None("a decision is the subject's own act: recording it never needs the consent it records"),
        doc: "Record that a subject withdrew consent under a legal basis (options: method, channel, language, \
              reference). An agreement not in force is returned unchanged; none at all is NOT_FOUND.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret: Ret::Json {
            name: "agreement",
            rust: "Agreement",
            ts: "Agreement",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "revoke_consent",
        c_name: "bl_consent_revoke",
        action: Some("consent.revoke"),
        check: Check::None("ending an agreement only ends processing"),
        doc: "Record that an operator revoked a subject's consent under a legal basis, as withdraw_consent \
              records a withdrawal.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret: Ret::Json {
            name: "agreement",
            rust: "Agreement",
            ts: "Agreement",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "get_consent",
        c_name: "bl_consent_get",
        action: Some("consent.get"),
        check: Check::As { op: "read", on: "the subject found" },
        doc: "A subject's current decision about a legal basis: status (given, refused, withdrawn, revoked, \
              expired), in_force, times, the notice version and hash, method, channel, language, reference, \
              actor. NOT_FOUND when it never decided.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup, Arg::Str("brief")],
        ret: Ret::Json {
            name: "agreement",
            rust: "Agreement",
            ts: "Agreement",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "list_consents",
        c_name: "bl_consents_list",
        action: Some("consent.list"),
        check: Check::As { op: "read", on: "the subject found" },
        doc: "A subject's current decisions, one per legal basis it decided about, by brief.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup],
        ret: Ret::Json {
            name: "agreements",
            rust: "Vec<Agreement>",
            ts: "Agreement[]",
            py: "List[Dict[str, Any]]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "export_consent_receipt",
        c_name: "bl_consent_export",
        action: Some("consent.export"),
        check: Check::As { op: "export", on: "the subject found" },
        doc: "A subject's whole consent record as a receipt: Kantara Consent Receipt v1.1 fields, the ISO/IEC \
              TS 27560 record (every decision with the notice version and text hash, when, how, by whom) under \
              record, and a mac (HMAC-SHA256 under the vault's consent key) over its canonical JSON.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Lookup],
        ret: Ret::Json {
            name: "receipt",
            rust: "serde_json::Value",
            ts: "ConsentReceipt",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "verify_consent_receipt",
        c_name: "bl_consent_verify",
        action: None,
        check: Check::None("checks a document the caller already holds; reads nothing stored about anyone (not audited)"),
        doc: "Verify a receipt this vault issued: INTEGRITY when anything in it changed or another vault \
              issued it. Returns {valid, subject, events, issued_ms}.",
        errors: &["INTEGRITY", "INVALID_INPUT"],
        args: &[Arg::Doc { name: "receipt", ts: "ConsentReceipt", py: "Dict[str, Any]" }],
        ret: Ret::Json {
            name: "check",
            rust: "ReceiptCheck",
            ts: "ReceiptCheck",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "can_process",
        c_name: "bl_consent_check",
        action: None,
        check: Check::None("it is the check itself, answered for the purpose it names (audited as consent.check)"),
        doc: "Whether a purpose allows an operation (read by default; write, delete, export, detokenize) on a \
              subject, answered as the purpose check answers it, without reading the subject's data: {allowed, \
              legal_basis, reason}. An unknown purpose is INVALID_INPUT.",
        errors: &["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Lookup, Arg::Str("purpose"), Arg::OptStr("operation")],
        ret: Ret::Json {
            name: "decision",
            rust: "ProcessingDecision",
            ts: "ProcessingDecision",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "list_consent_events",
        c_name: "bl_outbox_read",
        action: Some("outbox.read"),
        check: Check::As { op: "read", on: "no one subject: the activity must cover reads" },
        doc: "Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first, after what \
              the consumer (default when absent) acknowledged, or after the cursor. An event is delivered \
              until acknowledged: at least once, in order. A page is {total, items, next}.",
        errors: &["INVALID_INPUT"],
        args: &[Arg::Caller, Arg::OptStr("consumer"), Arg::Page],
        ret: Ret::Json {
            name: "page",
            rust: "Page<ConsentEvent>",
            ts: "Page<ConsentEvent>",
            py: "_Page",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "ack_consent_events",
        c_name: "bl_outbox_ack",
        action: Some("outbox.ack"),
        check: Check::None("moves a consumer's mark; reads nothing"),
        doc: "Acknowledge the consent events up to and including the one whose cursor is given: they are not \
              delivered to this consumer again (events every consumer acknowledged are deleted).",
        errors: &["INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("cursor"), Arg::OptStr("consumer")],
        ret: Ret::Unit,
    },
    Op {
        name: "purge_consents",
        c_name: "bl_consents_purge",
        action: Some("consent.purge"),
        check: Check::None("records the expiries that agreements' own terms set; returns only a count"),
        doc: "Record every agreement whose expiry passed as expired (with its outbox event), a thousand per \
              transaction. Returns {changed}.",
        errors: &[],
        args: &[Arg::Caller],
        ret: Ret::Json {
            name: "report",
            rust: "ConsentReport",
            ts: "ConsentReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "list_audit_events",
        c_name: "bl_audit_list",
        action: Some("audit.list"),
        check: Check::As { op: "read", on: "each event's subject, for its details only (`export` also allows them); refused details are left out with the reason" },
        doc: "List audit events, newest first: the subject's (a token) or, without one, all. A page is \
              {total, items, next}; pass `next` as the cursor for the following page (each event is \
              returned once even while others are appended). With `details`, each event's details \
              (the before/after of a change) are decrypted while the subject exists, and the listing \
              is audited as audit.list_details; otherwise as audit.list.",
        errors: &["NOT_FOUND", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::OptStr("subject"), Arg::Page, Arg::Flag("details")],
        ret: Ret::Json {
            name: "page",
            rust: "Page<AuditEvent>",
            ts: "Page<AuditEvent>",
            py: "_Page",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "get_audit_head",
        c_name: "bl_audit_head",
        action: None,
        check: Check::None("a sequence number and a MAC: no personal data (not audited)"),
        doc: "The audit chain's head {seq, hash}, after committing buffered events: keep it outside the \
              vault to detect truncation and rollback later.",
        errors: &[],
        args: &[],
        ret: Ret::Json {
            name: "head",
            rust: "AuditHead",
            ts: "AuditHead",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "verify_audit",
        c_name: "bl_audit_verify",
        action: None,
        check: Check::None("returns counts and the head only (not audited)"),
        doc: "Verify the audit chain (every MAC and sequence number) and every stored subject against its \
              last audited change; with an anchor (a head kept earlier) also detect truncation and \
              rollback. Returns {events, subjects, head}.",
        errors: &["INTEGRITY", "INVALID_INPUT"],
        args: &[Arg::Anchor],
        ret: Ret::Json {
            name: "report",
            rust: "AuditReport",
            ts: "AuditReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "flush_audit",
        c_name: "bl_audit_flush",
        action: None,
        check: Check::None("writes events already recorded (not audited)"),
        doc: "Commit buffered read events now (they are otherwise group-committed within \
              audit_flush_interval_ms).",
        errors: &[],
        args: &[],
        ret: Ret::Unit,
    },
    Op {
        name: "compact",
        c_name: "bl_vault_compact",
        action: Some("vault.compact"),
        check: Check::None("rewrites the file; reads and returns no personal data"),
        doc: "Rewrite the vault file so nothing of erased subjects survives in free page space (VACUUM, \
              then a WAL truncation). Takes time proportional to the vault's size: run it after erasures. \
              Returns {bytes_before, bytes_after, residue_scrubbed, storage, wal_truncated}.",
        errors: &[],
        args: &[Arg::Caller],
        ret: Ret::Json {
            name: "report",
            rust: "CompactReport",
            ts: "CompactReport",
            py: "Dict[str, Any]",
            py_fast: None,
            text: None,
        },
    },
    Op {
        name: "rekey",
        c_name: "bl_vault_rekey",
        action: Some("vault.rekey"),
        check: Check::None("rewraps the root key; reads and returns no personal data"),
        doc: "Replace the master key: the root key is wrapped for the new key in one atomic write. \
              Afterwards only the new key opens the vault; nothing else is re-encrypted.",
        errors: &["INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Key("new_key")],
        ret: Ret::Unit,
    },
];

/// The `Vault` methods that are not operations: the lifecycle, written by hand in each binding,
/// and the helpers bindings use to convert arguments under the vault's limits.
pub const LIFECYCLE: &[&str] =
    &["open", "open_in_memory", "close", "is_closed", "parse_document", "parse_batch", "limits"];

impl Op {
    /// The core method the bindings call: the result's text form when it has one.
    pub fn core_method(&self) -> &'static str {
        match self.ret {
            Ret::Json { text: Some(text), .. } => text.json,
            _ => self.name,
        }
    }

    /// The core method the Node addon calls: a subject in text form when the result has one.
    pub fn node_method(&self) -> &'static str {
        match self.ret {
            Ret::Json { text: Some(Text { subject: Some(method), .. }), .. } => method,
            _ => self.core_method(),
        }
    }

    /// The Node name: camelCase of `name`.
    pub fn js_name(&self) -> String {
        camel(self.name)
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

    /// The doc followed by the purpose check.
    pub fn full_doc(&self) -> String {
        format!("{} {}", self.doc, self.check_doc())
    }

    /// The first sentence of the doc.
    pub fn summary(&self) -> &'static str {
        match self.doc.find(". ") {
            Some(i) => &self.doc[..=i],
            None => self.doc,
        }
    }
}

/// The README's table of purpose checks (between its `checks` markers).
pub fn checks_table() -> String {
    let mut out = String::from(
        "| operation | purpose check | on what, or why none | no purpose, `require_purpose` set |\n|---|---|---|---|\n",
    );
    for op in OPERATIONS {
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
