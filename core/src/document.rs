//! JSON documents at the boundary: parsing text under limits and checking values against them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Limits on what a caller may store. Checked before anything is encrypted or written; text is
/// checked for size before it is parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

impl Limits {
    /// Parse a JSON document from text, refusing oversized text before parsing it.
    pub fn parse(&self, text: &str) -> Result<Value> {
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
    pub fn parse_batch(&self, text: &str) -> Result<Value> {
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
    pub fn check(&self, value: &Value) -> Result<()> {
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

/// `INVALID_INPUT` for options (a JSON object read into a struct) that serde refused: its
/// message names the field and what was expected, without the input it quotes (`invalid type:
/// string "…"`, `unknown variant `…``) — a value given by mistake is never echoed.
pub(crate) fn invalid_options(what: &str, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    for (prefix, close) in
        [("invalid type: string \"", '"'), ("invalid value: string \"", '"'), ("unknown variant `", '`')]
    {
        if let Some(at) = message.find(prefix) {
            let start = at + prefix.len();
            if let Some(len) = message[start..].find(close) {
                let kept = format!("{}{}", message[..start - 1].trim_end(), &message[start + len + 1..]);
                return Error::invalid(format!("invalid {what}: {kept}"));
            }
        }
    }
    Error::invalid(format!("invalid {what}: {message}"))
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
        struct Opts {
            kind: Option<Kind>,
            n: Option<u32>,
        }
        for (value, kept) in [
            (serde_json::json!({"kind": "Ann Canary"}), "unknown variant, expected `Uuid`"),
            (serde_json::json!({"n": "Ann Canary"}), "invalid type: string, expected u32"),
            (serde_json::json!({"Ann": 1}), "unknown field `Ann`"),
        ] {
            let e = serde_json::from_value::<Opts>(value).expect_err("refused");
            let message = invalid_options("options", &e).to_string();
            assert!(!message.contains("Canary") && message.contains(kept), "{message}");
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
