//! JSON documents at the boundary: parsing text under limits, checking values against the limits,
//! and applying merge patches (RFC 7396) and JSON Patches (RFC 6902).

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
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Most object keys in one document, counted at every level.
    pub max_fields: usize,
    /// Longest string (key or value), in bytes.
    pub max_string_bytes: usize,
    /// Most items in one batch call.
    pub max_batch: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_document_bytes: 1 << 20,
            max_depth: 32,
            max_fields: 1000,
            max_string_bytes: 64 << 10,
            max_batch: 10_000,
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

/// A profile must be a JSON object.
pub(crate) fn expect_object(value: Value, what: &str) -> Result<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(Error::invalid(format!("{what} must be a JSON object"))),
    }
}

/// Apply a patch to a document: an object is a merge patch (RFC 7396, `null` removes a key), an
/// array is a JSON Patch (RFC 6902). The result must still be an object.
pub(crate) fn apply_patch(doc: &Map<String, Value>, patch: &Value) -> Result<Map<String, Value>> {
    let mut target = Value::Object(doc.clone());
    match patch {
        Value::Object(_) => json_patch::merge(&mut target, patch),
        Value::Array(_) => {
            let ops: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|_| Error::invalid("patch is not a valid JSON Patch (RFC 6902) array"))?;
            json_patch::patch(&mut target, &ops).map_err(|e| {
                // The error names the failing operation's index and kind, never the values.
                Error::invalid(format!("JSON Patch operation {} failed ({})", e.operation, patch_error_kind(&e.kind)))
            })?;
        }
        _ => return Err(Error::invalid("patch must be a JSON object (merge patch) or array (JSON Patch)")),
    }
    expect_object(target, "the patched profile")
}

fn patch_error_kind(kind: &json_patch::PatchErrorKind) -> &'static str {
    use json_patch::PatchErrorKind as K;
    match kind {
        K::TestFailed => "test failed",
        K::InvalidPointer => "path does not exist",
        K::CannotMoveInsideItself => "cannot move a value inside itself",
        _ => "invalid operation",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limits() {
        let l = Limits { max_document_bytes: 50, max_depth: 3, max_fields: 3, max_string_bytes: 5, max_batch: 2 };
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

    #[test]
    fn patches() {
        let doc = expect_object(json!({"a": 1, "b": {"c": 2}}), "doc").expect("object");
        let merged = apply_patch(&doc, &json!({"a": null, "b": {"d": 3}})).expect("merge");
        assert_eq!(Value::Object(merged), json!({"b": {"c": 2, "d": 3}}));
        let patched = apply_patch(&doc, &json!([{"op": "replace", "path": "/a", "value": 5}])).expect("patch");
        assert_eq!(Value::Object(patched), json!({"a": 5, "b": {"c": 2}}));
        let e = apply_patch(&doc, &json!([{"op": "remove", "path": "/zz"}])).expect_err("missing");
        assert_eq!(e.kind(), crate::error::ErrorKind::InvalidInput);
        assert!(apply_patch(&doc, &json!([{"op": "replace", "path": "", "value": 1}])).is_err());
        assert!(apply_patch(&doc, &json!("x")).is_err());
        assert!(apply_patch(&doc, &json!([{"op": "nope"}])).is_err());
    }
}
