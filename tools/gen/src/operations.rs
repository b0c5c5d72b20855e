//! The one declaration of every operation on an open vault. From this table `bunkerlite-gen`
//! writes the C entry points (and, through cbindgen, the header), the Python methods and their
//! stubs, the Node sync functions, async twins, layer methods and typings, and the dispatch of
//! the shared vector runners. Adding an operation: the core method on `Vault`, one entry here,
//! its scenarios in `tests/vectors/scenarios.json`, then `cargo run -p bunkerlite-gen`.
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

/// What an operation returns.
#[derive(Debug, Clone, Copy)]
pub enum Ret {
    /// Nothing.
    Unit,
    /// A string (a token). C: `char **out_<name>`.
    Str(&'static str),
    /// A JSON value (C: `char **out_<name>_json`). `rust` is the core type, `ts` and `py` its
    /// typing; `py_fast` names a converter in the Python binding that builds it directly.
    /// `text` names a core method that returns the result as JSON text (skipping a `Value`):
    /// C and Node hand that text on, and `py_fast` then converts from the text.
    Json {
        name: &'static str,
        rust: &'static str,
        ts: &'static str,
        py: &'static str,
        py_fast: Option<&'static str>,
        text: Option<&'static str>,
    },
}

/// One operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub name: &'static str,
    pub c_name: &'static str,
    /// The audit action it records (`None`: not audited, it reads no personal data).
    pub action: Option<&'static str>,
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

/// Every operation, in the order the bindings list them.
pub const OPERATIONS: &[Op] = &[
    Op {
        name: "create_subject",
        c_name: "bl_subject_create",
        action: Some("subject.create"),
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
            text: Some("get_subject_json"),
        },
    },
    Op {
        name: "get_subjects",
        c_name: "bl_subjects_get",
        action: Some("subject.get"),
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
            text: Some("get_subjects_json"),
        },
    },
    Op {
        name: "update_subject",
        c_name: "bl_subject_update",
        action: Some("subject.update"),
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
        doc: "The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the \
              value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of \
              the token. An expired token is EXPIRED; a token made with once is destroyed by this call; a \
              sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}.",
        errors: &["NOT_FOUND", "EXPIRED", "INVALID_INPUT", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Str("token"), DETOKENIZE_OPTIONS],
        ret: Ret::Str("value"),
    },
    Op {
        name: "detokenize_many",
        c_name: "bl_tokens_detokenize",
        action: Some("token.detokenize"),
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
        doc: "Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and \
              the literal values of the values option) with typed placeholders [EMAIL:token], [PHONE:token], \
              [CARD:token], [VALUE:token], for logs and prompts sent to language models. The tokens are vaulted \
              and deterministic in the scope option (text by default). Options: detect (email, phone, card), \
              values, scope, ttl_ms, subject.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND", "ERASED", "EXHAUSTED"],
        args: &[Arg::Caller, Arg::Str("text"), TEXT_OPTIONS],
        ret: Ret::Str("text"),
    },
    Op {
        name: "detokenize_text",
        c_name: "bl_text_detokenize",
        action: Some("text.detokenize"),
        doc: "Put the values back in place of the placeholders tokenize_text wrote (masked with the mask \
              option); a placeholder whose token is unknown or expired stays as it is.",
        errors: &["INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args: &[Arg::Caller, Arg::Str("text"), DETOKENIZE_OPTIONS],
        ret: Ret::Str("text"),
    },
    Op {
        name: "delete_token",
        c_name: "bl_token_delete",
        action: Some("token.delete"),
        doc: "Delete a token: its value can no longer be recovered through it.",
        errors: &["NOT_FOUND", "INVALID_INPUT"],
        args: &[Arg::Caller, Arg::Str("token")],
        ret: Ret::Unit,
    },
    Op {
        name: "delete_tokens",
        c_name: "bl_tokens_delete",
        action: Some("token.delete"),
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
        name: "list_audit_events",
        c_name: "bl_audit_list",
        action: Some("audit.list"),
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
        doc: "Rewrite the vault file so nothing of erased subjects survives in free page space (VACUUM, \
              then a WAL truncation). Takes time proportional to the vault's size: run it after erasures. \
              Returns {bytes_before, bytes_after, wal_truncated}.",
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
            Ret::Json { text: Some(method), .. } => method,
            _ => self.name,
        }
    }

    /// The Node name: camelCase of `name`.
    pub fn js_name(&self) -> String {
        camel(self.name)
    }

    /// The first sentence of the doc.
    pub fn summary(&self) -> &'static str {
        match self.doc.find(". ") {
            Some(i) => &self.doc[..=i],
            None => self.doc,
        }
    }
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
