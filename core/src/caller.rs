//! Who calls and why: the actor (a role or operator id) and the optional purpose (a processing
//! activity's name), checked once when the caller is made and recorded in every audit event.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};

/// The actor the bindings use when the caller names none.
pub const DEFAULT_ACTOR: &str = "app";

/// The caller of an operation: an actor and, optionally, the purpose of the processing.
///
/// Actors name roles and operators (`app:billing`, `admin:7`, `subject`), never a person's
/// data: they are stored in clear in the audit log and kept after an erasure, so they are 1–64
/// characters of `A-Z a-z 0-9 . _ : / -` — no `@`, so an email address cannot be an actor.
/// A purpose names a processing activity (`billing`, `fraud-check`): `^[a-z][a-z0-9_-]{0,63}$`.
/// Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    actor: Arc<str>,
    purpose: Option<Arc<str>>,
}

impl Caller {
    /// A caller acting as `actor`, with no purpose.
    pub fn new(actor: &str) -> Result<Caller> {
        check_actor(actor)?;
        Ok(Caller { actor: Arc::from(actor), purpose: None })
    }

    /// The same caller, acting for `purpose`.
    pub fn with_purpose(self, purpose: &str) -> Result<Caller> {
        check_purpose(purpose)?;
        Ok(Caller { purpose: Some(Arc::from(purpose)), ..self })
    }

    /// A caller from optional parts, as the bindings receive them: no actor means
    /// [`DEFAULT_ACTOR`], no purpose means none.
    pub fn from_parts(actor: Option<&str>, purpose: Option<&str>) -> Result<Caller> {
        let caller = Caller::new(actor.unwrap_or(DEFAULT_ACTOR))?;
        match purpose {
            Some(p) => caller.with_purpose(p),
            None => Ok(caller),
        }
    }

    /// The actor.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The purpose, if one was named.
    pub fn purpose(&self) -> Option<&str> {
        self.purpose.as_deref()
    }

    pub(crate) fn actor_arc(&self) -> &Arc<str> {
        &self.actor
    }

    pub(crate) fn purpose_arc(&self) -> Option<&Arc<str>> {
        self.purpose.as_ref()
    }
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Both are checked to be role and activity names, never personal data.
        f.debug_struct("Caller").field("actor", &&*self.actor).field("purpose", &self.purpose.as_deref()).finish()
    }
}

fn check_actor(actor: &str) -> Result<()> {
    let ok = !actor.is_empty()
        && actor.len() <= 64
        && actor.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_/-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "actor must be 1-64 characters of A-Z a-z 0-9 . _ : / - (a role or operator id, not an email)",
        ))
    }
}

/// Check a purpose (or processing activity) name: `^[a-z][a-z0-9_-]{0,63}$`.
pub(crate) fn check_purpose(purpose: &str) -> Result<()> {
    let mut bytes = purpose.bytes();
    let ok = purpose.len() <= 64
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("purpose must match ^[a-z][a-z0-9_-]{0,63}$"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn actors_and_purposes_are_checked() {
        let c = Caller::new("app:billing").expect("actor").with_purpose("fraud-check").expect("purpose");
        assert_eq!((c.actor(), c.purpose()), ("app:billing", Some("fraud-check")));
        for bad in ["", "ann.canary@example.org", "a b", "é", &"x".repeat(65)] {
            assert_eq!(Caller::new(bad).expect_err(bad).kind(), ErrorKind::InvalidInput, "{bad:?}");
        }
        for bad in ["", "Billing", "1st", "a b", "a.b", &"x".repeat(65)] {
            let e = Caller::new("app").expect("actor").with_purpose(bad).expect_err(bad);
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad:?}");
        }
        let d = Caller::from_parts(None, None).expect("default");
        assert_eq!((d.actor(), d.purpose()), (DEFAULT_ACTOR, None));
        assert_eq!(format!("{c:?}"), r#"Caller { actor: "app:billing", purpose: Some("fraud-check") }"#);
    }

    #[test]
    fn messages_do_not_echo_the_value() {
        let e = Caller::new("ann.canary@example.org").expect_err("email");
        assert!(!e.message().contains("canary"));
    }
}
