//! A stored profile read as text: checked to be one JSON object and searched for one top-level
//! field without building a `Value` (reads through the bindings hand the text on to their
//! language's parser), and a subject written as JSON text around it.

use std::fmt::{self, Write};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Check that `text` is one JSON object and return the value of its top-level `field` when that
/// is a string (the last one, as a parsed `Map` keeps). `INTEGRITY` when it is not an object.
pub(super) fn profile_field(text: &str, field: Option<&str>) -> Result<Option<Zeroizing<String>>> {
    let bad = || Error::integrity("a stored profile is not a JSON object");
    let mut de = serde_json::Deserializer::from_str(text);
    let held = FieldOf { field }.deserialize(&mut de).map_err(|_| bad())?;
    de.end().map_err(|_| bad())?;
    Ok(held)
}

/// The JSON text of a [`Subject`](super::Subject) (same fields, same order as its `Serialize`)
/// with `profile`, already JSON, written as is.
pub(super) fn subject_json(token: &str, created_ms: i64, updated_ms: i64, version: i64, profile: &str) -> String {
    let mut out = String::with_capacity(profile.len() + 128);
    // Writing to a String cannot fail; tokens are hex and hyphens, needing no escapes.
    let _ = write!(
        out,
        "{{\"token\":\"{token}\",\"profile\":{profile},\"created_ms\":{created_ms},\"updated_ms\":{updated_ms},\"version\":{version}}}"
    );
    out
}

/// Visits a JSON object, skipping every value but the wanted field's.
struct FieldOf<'f> {
    field: Option<&'f str>,
}

impl<'de> DeserializeSeed<'de> for FieldOf<'_> {
    type Value = Option<Zeroizing<String>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldOf<'_> {
    type Value = Option<Zeroizing<String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        let mut held = None;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.field))? {
            if wanted {
                held = match map.next_value::<Value>()? {
                    Value::String(s) => Some(Zeroizing::new(s)),
                    mut other => {
                        wipe(&mut other);
                        None
                    }
                };
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(held)
    }
}

/// Wipes the strings of a value about to be dropped.
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => zeroize::Zeroize::zeroize(s),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

/// A key, compared with the wanted field's name without allocating (`true` when they match).
struct KeyIs<'f>(Option<&'f str>);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<bool, E> {
        Ok(self.0 == Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_and_checks_the_shape() {
        let text = r#"{"email":"a@b.c","n":{"email":"inner"},"list":[1,"x",{"k":null}],"phone":"+1"}"#;
        assert_eq!(profile_field(text, Some("email")).expect("scan").as_deref().map(String::as_str), Some("a@b.c"));
        assert_eq!(profile_field(text, Some("phone")).expect("scan").as_deref().map(String::as_str), Some("+1"));
        assert_eq!(profile_field(text, Some("n")).expect("scan"), None, "not a string");
        assert_eq!(profile_field(text, Some("login")).expect("scan"), None);
        assert_eq!(profile_field(text, None).expect("scan"), None);
        // Escaped keys compare by their value.
        assert!(profile_field(r#"{"em\u0061il":"x"}"#, Some("email")).expect("scan").is_some());
        for bad in
            ["[1]", "\"s\"", "{\"a\":1} x", "{\"a\":", "{\"a\" 1}", "", "{\"a\":\"\u{1}\"}", "{\"a\":\"\\ud800\"}"]
        {
            let e = profile_field(bad, Some("a")).expect_err("bad");
            assert_eq!(e.code(), "INTEGRITY", "{bad:?}");
        }
    }

    #[test]
    fn subject_text_is_the_subject_serialised() {
        let profile = r#"{"email":"a@b.c","n":[1.5,true,null]}"#;
        let subject = super::super::Subject {
            token: "t".into(),
            profile: serde_json::from_str(profile).expect("scan"),
            created_ms: 1,
            updated_ms: 2,
            version: 3,
        };
        assert_eq!(subject_json("t", 1, 2, 3, profile), serde_json::to_string(&subject).expect("scan"));
    }
}
