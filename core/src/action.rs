//! The Action table: the stable name of everything the audit log records. Names are
//! `noun.verb` and match the operations (`subject.get` ↔ `get_subject` ↔ `bl_subject_get`);
//! they are stored (as their numbers since format 3), so one is never renamed, renumbered or
//! reused.

macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident = $number:literal, $name:literal; )*) => {
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

            /// The stable number the audit table stores (format 3).
            pub const fn number(self) -> i64 {
                match self { $( Action::$variant => $number, )* }
            }

            /// The action with this stored number, if any.
            pub fn from_number(number: i64) -> Option<Action> {
                match number { $( $number => Some(Action::$variant), )* _ => None }
            }
        }
    };
}

actions! {
    /// A subject was created (one event per subject of a batch).
    SubjectCreate = 1, "subject.create";
    /// A subject was read (one event per subject of a batch).
    SubjectGet = 2, "subject.get";
    /// A subject's profile was changed; details hold the before and after.
    SubjectUpdate = 3, "subject.update";
    /// A subject was erased.
    SubjectForget = 4, "subject.forget";
    /// Audit events were listed (a subject's, or all), without their details.
    AuditList = 5, "audit.list";
    /// Audit events were listed with their decrypted details.
    AuditListDetails = 6, "audit.list_details";
    /// The vault file was compacted.
    VaultCompact = 7, "vault.compact";
    /// The master key was replaced.
    VaultRekey = 8, "vault.rekey";
    /// A token was made for a value (one event per item of a batch).
    TokenCreate = 9, "token.create";
    /// A token was turned back into its value (masked or not).
    TokenDetokenize = 10, "token.detokenize";
    /// A token was deleted.
    TokenDelete = 11, "token.delete";
    /// A token's metadata (kind, scope, expiry, linked subject) was read.
    TokenInfo = 12, "token.info";
    /// Expired tokens were removed.
    TokenPurge = 13, "token.purge";
    /// Personal data in a text was replaced by placeholders (one event per distinct token).
    TextTokenize = 14, "text.tokenize";
    /// Placeholders in a text were replaced by their values (one event per placeholder).
    TextDetokenize = 15, "text.detokenize";
    /// A legal basis was created or changed (a changed notice text makes a new notice version).
    BasisSet = 16, "basis.set";
    /// A legal basis was deleted (its agreements revoked).
    BasisDelete = 17, "basis.delete";
    /// Every agreement under a legal basis was revoked.
    BasisRevoke = 18, "basis.revoke";
    /// A processing activity was created or changed.
    ActivitySet = 19, "activity.set";
    /// A processing activity was linked to a legal basis.
    ActivityLink = 20, "activity.link";
    /// A processing activity was unlinked from a legal basis.
    ActivityUnlink = 21, "activity.unlink";
    /// A processing activity was deleted.
    ActivityDelete = 22, "activity.delete";
    /// A subject gave (or refused) consent under a legal basis.
    ConsentGive = 23, "consent.give";
    /// A subject withdrew consent.
    ConsentWithdraw = 24, "consent.withdraw";
    /// An operator revoked a subject's consent.
    ConsentRevoke = 25, "consent.revoke";
    /// A subject's current decision about one legal basis was read.
    ConsentGet = 26, "consent.get";
    /// A subject's current decisions were listed.
    ConsentList = 27, "consent.list";
    /// A subject's consent record was exported as a receipt.
    ConsentExport = 28, "consent.export";
    /// Expired agreements were recorded as expired.
    ConsentPurge = 29, "consent.purge";
    /// Consent events were read from the outbox.
    OutboxRead = 30, "outbox.read";
    /// Consent events were acknowledged.
    OutboxAck = 31, "outbox.ack";
    /// Whether a purpose allows an operation on a subject was asked (`can_process`).
    ConsentCheck = 32, "consent.check";
    /// A subject's document of an app was stored (created or replaced); details name the app
    /// and keep what `audit_details` says of the change.
    AppPut = 33, "app.put";
    /// A subject's document of an app was read; details name the app.
    AppGet = 34, "app.get";
    /// A subject's document of an app was changed by a patch; details name the app and keep
    /// what `audit_details` says of the change.
    AppUpdate = 35, "app.update";
    /// A subject's document of an app was deleted; details name the app.
    AppDelete = 36, "app.delete";
    /// The apps a subject has documents of were listed.
    AppList = 37, "app.list";
    /// A session was stored (created, or replaced with new data and expiry); the event names the
    /// session by the keyed hash of its id, never the id.
    SessionSet = 38, "session.set";
    /// A session was read.
    SessionGet = 39, "session.get";
    /// A session's expiry was moved ahead.
    SessionTouch = 40, "session.touch";
    /// A session was deleted.
    SessionDelete = 41, "session.delete";
    /// A subject's sessions were listed.
    SessionList = 42, "session.list";
    /// Expired sessions were removed.
    SessionPurge = 43, "session.purge";
    /// A share of a subject's data was made; the event names it by the keyed hash of its id and
    /// keeps what it shares, with whom, in sealed details.
    ShareCreate = 44, "share.create";
    /// A share was resolved (its fields read by the partner holding its id).
    ShareResolve = 45, "share.resolve";
    /// A share was revoked.
    ShareRevoke = 46, "share.revoke";
    /// A subject's shares were listed.
    ShareList = 47, "share.list";
    /// Everything held about a subject was exported (to the subject, or for portability).
    SubjectExport = 48, "subject.export";
    /// The erasure ledger was exported.
    LedgerExport = 49, "ledger.export";
    /// An erasure ledger was re-applied (after a backup restore); each subject it erased has its
    /// own `subject.forget` event.
    LedgerReapply = 50, "ledger.reapply";
    /// A subject was returned by a bulk listing (one event per subject of a page).
    SubjectList = 51, "subject.list";
    /// Bulk listing was unlocked for an actor and purpose, for a bounded time and number of
    /// subjects.
    BulkUnlock = 52, "bulk.unlock";
    /// An actor ended its bulk unlock.
    BulkLock = 53, "bulk.lock";
    /// Expired shares were removed.
    SharePurge = 54, "share.purge";
    /// Everything that expired was removed or recorded (`purge`: tokens, sessions, shares,
    /// agreements); each part also has its own event.
    VaultPurge = 55, "vault.purge";
    /// A data-subject request was received (or, one of its kind being open, its proposal added
    /// to that one); details hold its kind, regime and verification.
    RequestCreate = 56, "request.create";
    /// A request was read with its proposals.
    RequestGet = 57, "request.get";
    /// Requests were listed.
    RequestList = 58, "request.list";
    /// Work on a request started.
    RequestStart = 59, "request.start";
    /// A request's subject was verified.
    RequestVerify = 60, "request.verify";
    /// A request's deadline was extended; details hold the new due date.
    RequestExtend = 61, "request.extend";
    /// A request was approved and its change applied (the change has its own event).
    RequestApprove = 62, "request.approve";
    /// A request was denied; details hold the reason code.
    RequestDeny = 63, "request.deny";
    /// The subject withdrew its request.
    RequestRevoke = 64, "request.revoke";
    /// An unverified request past its due date was recorded as expired.
    RequestExpire = 65, "request.expire";
    /// The requests' outbox was read.
    RequestEvents = 66, "request.events";
    /// The requests' outbox was acknowledged.
    RequestAck = 67, "request.ack";
    /// A subject's processing was restricted (GDPR Art. 18).
    RestrictionSet = 68, "restriction.set";
    /// A subject's restriction of processing was lifted.
    RestrictionLift = 69, "restriction.lift";
    /// A subject's erasure was scheduled; details hold when it falls due.
    ErasureSchedule = 70, "erasure.schedule";
    /// Whether a subject's erasure is scheduled was read.
    ErasureStatus = 71, "erasure.status";
    /// A subject's scheduled erasure was cancelled by an operator.
    ErasureCancel = 72, "erasure.cancel";
    /// The subject kept its data through its schedule's capability (the schedule cancelled).
    ErasureRetain = 73, "erasure.retain";
    /// The subject had itself erased now through its schedule's capability (the erasure has its
    /// own `subject.forget` event).
    ErasureConfirm = 74, "erasure.confirm";
    /// Subjects whose scheduled erasure fell due were erased (each has its own
    /// `subject.forget` event).
    ErasureDue = 75, "erasure.due";
    /// The sealed details of old audit events were shredded by a retention rule; `version`
    /// holds the last event it covered (every event up to it from the digest mark on that is
    /// old enough has no details left).
    AuditShred = 76, "audit.shred";
}

/// The outcome of a successful operation (stored as 0; a failure as its error kind's number).
pub(crate) const OK: &str = "ok";

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
            assert_eq!(Action::from_number(a.number()), Some(*a));
            let (noun, verb) = a.as_str().split_once('.').expect("noun.verb");
            assert!(!noun.is_empty() && !verb.is_empty());
        }
    }
}
