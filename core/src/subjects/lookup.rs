//! How a subject is named in a call: by its token or by the value of an indexed field, and the
//! one rule for the JSON shape of a lookup and of a batch of them (every binding uses it).

use std::fmt;

use serde_json::Value;

use crate::error::{Error, Result};

/// How to find a subject: by its token or by the value of an indexed field.
///
/// `Debug` shows the field, never the value.
#[derive(Clone, PartialEq, Eq)]
pub enum Lookup {
    /// By subject token (a UUID).
    Token(String),
    /// By an indexed field (`email`, `phone`, `login`, or a configured one) and its value,
    /// normalised before it is looked up.
    Field {
        /// The indexed field's name.
        field: String,
        /// The value, as typed.
        value: String,
    },
}

const SHAPE: &str =
    "a lookup must be an object with one key (token, email, phone, login or an indexed field) and a string value";

impl Lookup {
    /// By subject token.
    pub fn token(token: impl Into<String>) -> Lookup {
        Lookup::Token(token.into())
    }
    /// By email (normalised as the vault normalises emails).
    pub fn email(value: impl Into<String>) -> Lookup {
        Lookup::field("email", value)
    }
    /// By phone (normalised to E.164).
    pub fn phone(value: impl Into<String>) -> Lookup {
        Lookup::field("phone", value)
    }
    /// By login.
    pub fn login(value: impl Into<String>) -> Lookup {
        Lookup::field("login", value)
    }
    /// By any indexed field.
    pub fn field(field: impl Into<String>, value: impl Into<String>) -> Lookup {
        Lookup::Field { field: field.into(), value: value.into() }
    }
    /// From a mode name (`token`, `email`, `phone`, `login`, or a configured field) and a value,
    /// as the bindings and the REST API receive them.
    pub fn parse(mode: &str, value: impl Into<String>) -> Lookup {
        match mode {
            "token" => Lookup::Token(value.into()),
            _ => Lookup::field(mode, value),
        }
    }

    /// From a JSON object with exactly one key, the mode, whose value is a string:
    /// `{"email": "ann@example.com"}`, `{"token": "…"}`.
    pub fn from_json(value: &Value) -> Result<Lookup> {
        let map = value.as_object().ok_or_else(|| Error::invalid(SHAPE))?;
        let mut entries = map.iter();
        match (entries.next(), entries.next()) {
            (Some((mode, Value::String(v))), None) => Ok(Lookup::parse(mode, v.clone())),
            _ => Err(Error::invalid(SHAPE)),
        }
    }

    /// From a JSON array of lookup objects (a batch read). A bad item is named by its position.
    pub fn many_from_json(value: &Value) -> Result<Vec<Lookup>> {
        let items = value.as_array().ok_or_else(|| Error::invalid("lookups must be an array of lookup objects"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| Lookup::from_json(item).map_err(|e| e.context(format_args!("item {i}"))))
            .collect()
    }
}

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lookup::Token(_) => f.write_str("Lookup::Token(<redacted>)"),
            Lookup::Field { field, .. } => write!(f, "Lookup::Field({field}, <redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes() {
        assert_eq!(Lookup::from_json(&json!({"email": "a@b.c"})).expect("ok"), Lookup::email("a@b.c"));
        assert_eq!(Lookup::from_json(&json!({"token": "t"})).expect("ok"), Lookup::token("t"));
        for bad in [json!({}), json!({"a": "1", "b": "2"}), json!({"email": 1}), json!("x"), json!(null)] {
            assert!(Lookup::from_json(&bad).is_err(), "{bad}");
        }
        let e = Lookup::many_from_json(&json!([{"email": "x"}, {"email": 2}])).expect_err("item 1");
        assert!(e.message().starts_with("item 1: "), "{}", e.message());
        assert!(Lookup::many_from_json(&json!({"email": "x"})).is_err());
        assert_eq!(format!("{:?}", Lookup::email("secret@x.org")), "Lookup::Field(email, <redacted>)");
    }
}
