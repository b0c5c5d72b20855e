//! The Action table: the stable name of everything the audit log records. Names are
//! `noun.verb` and match the operations (`subject.get` ↔ `get_subject` ↔ `bl_subject_get`);
//! they are stored, so one is never renamed or reused.

macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal; )*) => {
        /// What an audited operation did, as recorded in [`AuditEvent::action`](crate::AuditEvent).
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $(#[$doc])* $variant, )*
        }

        impl Action {
            /// Every action, in table order.
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )* ];

            /// The stable name, e.g. `"subject.get"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Action::$variant => $name, )* }
            }

            /// The action with this name, if any.
            pub fn from_name(name: &str) -> Option<Action> {
                match name { $( $name => Some(Action::$variant), )* _ => None }
            }
        }
    };
}

actions! {
    /// A subject was created (one event per subject of a batch).
    SubjectCreate = "subject.create";
    /// A subject was read (one event per subject of a batch).
    SubjectGet = "subject.get";
    /// A subject's profile was changed; details hold the before and after.
    SubjectUpdate = "subject.update";
    /// A subject was erased.
    SubjectForget = "subject.forget";
    /// Audit events were listed (a subject's, or all), without their details.
    AuditList = "audit.list";
    /// Audit events were listed with their decrypted details.
    AuditListDetails = "audit.list_details";
    /// The vault file was compacted.
    VaultCompact = "vault.compact";
    /// The master key was replaced.
    VaultRekey = "vault.rekey";
    /// A token was made for a value (one event per item of a batch).
    TokenCreate = "token.create";
    /// A token was turned back into its value (masked or not).
    TokenDetokenize = "token.detokenize";
    /// A token was deleted.
    TokenDelete = "token.delete";
    /// A token's metadata (kind, scope, expiry, linked subject) was read.
    TokenInfo = "token.info";
    /// Expired tokens were removed.
    TokenPurge = "token.purge";
    /// Personal data in a text was replaced by placeholders (one event per distinct token).
    TextTokenize = "text.tokenize";
    /// Placeholders in a text were replaced by their values (one event per placeholder).
    TextDetokenize = "text.detokenize";
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_nouns_and_verbs() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(seen.insert(a.as_str()), "{a} twice");
            assert_eq!(Action::from_name(a.as_str()), Some(*a));
            let (noun, verb) = a.as_str().split_once('.').expect("noun.verb");
            assert!(!noun.is_empty() && !verb.is_empty());
        }
    }
}
