//! JSON documents at the boundary: parsing text under limits and checking values against them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Limits on what a caller may store. Checked before anything is encrypted or written; text is
/// checked for size before it is parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Limits {
    /// Largest document (profile or patch), in bytes of compact JSON.
    pub max_document_bytes: usize,
    /// Deepest nesting of arrays and objects (at most [`MAX_DEPTH`]).
    pub max_depth: usize,
    /// Most object keys in one document, counted at every level.
    pub max_fields: usize,
    /// Longest string (key or value), in bytes.
    pub max_string_bytes: usize,
    /// Most items in one batch call.
    pub max_batch: usize,
    /// Largest batch (all its documents together), in bytes of compact JSON.
    pub max_batch_bytes: usize,
}

/// The deepest `max_depth` a vault accepts: stored documents are read back by a JSON parser
/// that nests at most 128 levels (serde_json's, in every binding), so a deeper limit would let a
/// document be stored that could not be read.
pub const MAX_DEPTH: usize = 100;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_document_bytes: 1 << 20,
            max_depth: 32,
            max_fields: 1000,
            max_string_bytes: 64 << 10,
            max_batch: 10_000,
            max_batch_bytes: 64 << 20,
        }
    }
}

/// A builder method per field: `Options::default().create(false).busy_timeout_ms(500)`.
macro_rules! setters {
    ($ty:ty { $($(#[$doc:meta])* $field:ident: $arg:ty $(=> $conv:expr)?;)* }) => {
        impl $ty {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: $arg) -> Self {
                    self.$field = $crate::document::setters!(@conv value $(, $conv)?);
                    self
                }
            )*
        }
    };
    (@conv $value:ident) => { $value };
    (@conv $value:ident, $conv:expr) => { $conv($value) };
}
pub(crate) use setters;

setters!(Limits {
    /// Sets [`max_document_bytes`](Limits::max_document_bytes).
    max_document_bytes: usize;
    /// Sets [`max_depth`](Limits::max_depth) (at most [`MAX_DEPTH`]).
    max_depth: usize;
    /// Sets [`max_fields`](Limits::max_fields).
    max_fields: usize;
    /// Sets [`max_string_bytes`](Limits::max_string_bytes).
    max_string_bytes: usize;
    /// Sets [`max_batch`](Limits::max_batch).
    max_batch: usize;
    /// Sets [`max_batch_bytes`](Limits::max_batch_bytes).
    max_batch_bytes: usize;
});

impl Limits {
    /// Parse a JSON document from text, refusing oversized text before parsing it.
    pub(crate) fn parse(&self, text: &str) -> Result<Value> {
        if text.len() > self.max_document_bytes {
            return Err(Error::too_large(format!("document is larger than {} bytes", self.max_document_bytes)));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| {
            // serde_json's syntax errors quote no input, but only position and class are kept.
            Error::invalid(format!(
                "invalid JSON ({:?} error) at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        self.check(&value)?;
        Ok(value)
    }

    /// Parse the JSON text of a batch (an array of documents or lookups), refusing text larger
    /// than `max_batch_bytes` before parsing it. Each item is checked by the operation.
    pub(crate) fn parse_batch(&self, text: &str) -> Result<Value> {
        if text.len() > self.max_batch_bytes {
            return Err(self.batch_too_large());
        }
        serde_json::from_str(text).map_err(|e| {
            Error::invalid(format!(
                "invalid JSON ({:?} error) at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
    }

    pub(crate) fn batch_too_large(&self) -> Error {
        Error::too_large(format!("a batch is larger than {} bytes", self.max_batch_bytes))
    }

    /// Check a parsed document against the limits (depth, keys, string sizes).
    pub(crate) fn check(&self, value: &Value) -> Result<()> {
        let mut fields = 0usize;
        self.walk(value, 1, &mut fields)
    }

    /// Check the number of items of a batch.
    pub(crate) fn check_batch(&self, n: usize) -> Result<()> {
        if n > self.max_batch {
            return Err(Error::too_large(format!("a batch holds at most {} items", self.max_batch)));
        }
        Ok(())
    }

    /// Check an object against the limits (as [`check`](Self::check) does for a value).
    pub(crate) fn check_map(&self, map: &Map<String, Value>) -> Result<()> {
        let mut fields = map.len();
        if fields > self.max_fields {
            return Err(Error::too_large(format!("document has more than {} fields", self.max_fields)));
        }
        for (k, v) in map {
            self.check_string(k)?;
            self.walk(v, 2, &mut fields)?;
        }
        Ok(())
    }

    /// Serialise a checked document, refusing it when it exceeds the size limit.
    pub(crate) fn encode(&self, value: &impl Serialize) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let bytes = zeroize::Zeroizing::new(
            serde_json::to_vec(value).map_err(|_| Error::internal("serialising a JSON value failed"))?,
        );
        if bytes.len() > self.max_document_bytes {
            return Err(Error::too_large(format!("document is larger than {} bytes", self.max_document_bytes)));
        }
        Ok(bytes)
    }

    fn walk(&self, value: &Value, depth: usize, fields: &mut usize) -> Result<()> {
        if depth > self.max_depth {
            return Err(Error::too_large(format!("document is nested deeper than {} levels", self.max_depth)));
        }
        match value {
            Value::String(s) => self.check_string(s),
            Value::Array(items) => items.iter().try_for_each(|v| self.walk(v, depth + 1, fields)),
            Value::Object(map) => {
                *fields += map.len();
                if *fields > self.max_fields {
                    return Err(Error::too_large(format!("document has more than {} fields", self.max_fields)));
                }
                for (k, v) in map {
                    self.check_string(k)?;
                    self.walk(v, depth + 1, fields)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn check_string(&self, s: &str) -> Result<()> {
        if s.len() > self.max_string_bytes {
            return Err(Error::too_large(format!("a string is longer than {} bytes", self.max_string_bytes)));
        }
        Ok(())
    }
}

/// The documents of a batch call, from a JSON array (each item is checked by the operation).
/// The one rule every binding uses for the shape of a batch.
pub fn documents_from_json(value: Value) -> Result<Vec<Value>> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(Error::invalid("a batch must be an array of documents")),
    }
}

/// The strings of a batch call (tokens, values to tokenize), from a JSON array of strings. The
/// one rule every binding uses for a list of strings.
pub fn strings_from_json(value: Value) -> Result<Vec<String>> {
    let Value::Array(items) = value else {
        return Err(Error::invalid("a batch must be an array of strings"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s),
            _ => Err(Error::invalid(format!("item {i} of the batch is not a string"))),
        })
        .collect()
}

/// Read options (a JSON object into a struct): a refusal is `INVALID_INPUT` whose message names
/// where (the field's path) and what was expected — never what was given (see [`redact`]).
pub(crate) fn from_options<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let raw = e.inner().to_string();
        let message = redact(&raw);
        // The path's keys are fields that were accepted (options hold no free-form maps) —
        // except the last one of an unknown field, which is the caller's key: left out.
        let mut segments: Vec<&serde_path_to_error::Segment> = e.path().iter().collect();
        if raw.starts_with("unknown field") && matches!(segments.last(), Some(serde_path_to_error::Segment::Map { .. }))
        {
            segments.pop();
        }
        let mut path = String::new();
        for segment in segments {
            match segment {
                serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                serde_path_to_error::Segment::Unknown => path.push_str(".?"),
            }
        }
        if path.is_empty() {
            Error::invalid(format!("invalid {what}: {message}"))
        } else {
            Error::invalid(format!("invalid {what}: {path}: {message}"))
        }
    })
}

/// A serde error message without the input it quotes: `invalid type: integer `4111…`, expected
/// a string` keeps `invalid type, expected a string`; an unknown field or variant keeps what was
/// expected; `missing field` and `duplicate field` name one of our own fields; any other message
/// (one this version does not know the shape of) is replaced, since it might quote the input.
/// The input's part is cut at the *last* separator: the expected part after it is ours, so an
/// input holding the separator (or escaped quotes) cannot end the cut early.
fn redact(message: &str) -> String {
    // Errors of a parse (not of a value) end with a position, which is kept out too.
    let message = match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    };
    for (prefix, kept) in [("invalid type: ", "invalid type"), ("invalid value: ", "invalid value")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return match rest.rfind(", expected ") {
                Some(at) => format!("{kept}{}", &rest[at..]),
                None => kept.to_owned(),
            };
        }
    }
    for (prefix, kept) in [("unknown field `", "unknown field"), ("unknown variant `", "unknown variant")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let tail = ["`, expected ", "`, there are no "].iter().filter_map(|sep| rest.rfind(sep)).max();
            return match tail {
                Some(at) => format!("{kept}{}", &rest[at + 1..]),
                None => kept.to_owned(),
            };
        }
    }
    let ours = ["missing field `", "duplicate field `", "invalid length "];
    if ours.iter().any(|p| message.starts_with(p)) && !message.contains('"') {
        return message.to_owned();
    }
    "a value of the wrong shape".to_owned()
}

/// A profile must be a JSON object.
pub(crate) fn expect_object(value: Value, what: &str) -> Result<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Error::invalid(format!("{what} must be a JSON object"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_errors_do_not_echo_the_input() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        enum Kind {
            Uuid,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Inner {
            m: Option<u8>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Opts {
            kind: Option<Kind>,
            n: Option<u32>,
            s: Option<String>,
            list: Option<Vec<String>>,
            inner: Option<Inner>,
        }
        let canary = "Ann \\\"Canary\\\", expected `x`, there are no fields";
        for (value, kept) in [
            (serde_json::json!({"kind": canary}), "kind: unknown variant, expected `Uuid`"),
            (serde_json::json!({"n": canary}), "n: invalid type, expected u32"),
            (serde_json::json!({"n": 4111111111111111u64}), "n: invalid value, expected u32"),
            (serde_json::json!({"s": 4111111111111111u64}), "s: invalid type, expected a string"),
            (serde_json::json!({"s": -4111111111111111i64}), "s: invalid type, expected a string"),
            (serde_json::json!({"s": 41111.11111}), "s: invalid type, expected a string"),
            (serde_json::json!({"s": [canary]}), "s: invalid type, expected a string"),
            (serde_json::json!({"s": {canary: 1}}), "s: invalid type, expected a string"),
            (serde_json::json!({"list": [1, canary, 4111111111111111u64]}), "list[0]: invalid type, expected a string"),
            (serde_json::json!({"inner": {"m": 4111111111111111u64}}), "inner.m: invalid value, expected u8"),
            (serde_json::json!({"inner": {canary: 1}}), "inner: unknown field, expected `m`"),
            (serde_json::json!({canary: 1}), "unknown field, expected one of `kind`, `n`, `s`, `list`, `inner`"),
            (serde_json::json!({"alice@example.com": 1}), "unknown field, expected one of"),
            (serde_json::json!([canary]), "[0]: unknown variant, expected `Uuid`"),
            (serde_json::json!(4111111111111111u64), "invalid type, expected struct Opts"),
        ] {
            let message = from_options::<Opts>("options", value).expect_err("refused").to_string();
            for secret in ["Canary", "4111", "alice", "41111"] {
                assert!(!message.contains(secret), "{message}");
            }
            assert!(message.contains(kept), "{message} lacks {kept}");
        }
    }

    use serde_json::json;

    #[test]
    fn limits() {
        let l = Limits {
            max_document_bytes: 50,
            max_depth: 3,
            max_fields: 3,
            max_string_bytes: 5,
            max_batch: 2,
            max_batch_bytes: 60,
        };
        assert_eq!(l.parse_batch(&"x".repeat(61)).expect_err("batch size").kind(), crate::error::ErrorKind::TooLarge);
        assert_eq!(l.parse(&"x".repeat(51)).expect_err("size").kind(), crate::error::ErrorKind::TooLarge);
        assert_eq!(l.parse("{\"a\":").expect_err("syntax").kind(), crate::error::ErrorKind::InvalidInput);
        assert!(l.check(&json!({"a": {"b": 1}})).is_ok());
        assert!(l.check(&json!({"a": {"b": {"c": 1}}})).is_err());
        assert!(l.check(&json!({"a": 1, "b": 2, "c": 3, "d": 4})).is_err());
        assert!(l.check(&json!({"a": "toolong"})).is_err());
        assert!(l.check(&json!({"toolong": 1})).is_err());
        assert!(l.check_batch(3).is_err());
        let e = l.parse("{\"secret-value\" 1}").expect_err("syntax");
        assert!(!e.message().contains("secret"));
    }
}
