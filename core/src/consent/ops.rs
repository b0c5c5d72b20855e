//! The consent area's operations on [`Vault`]: the catalogue, decisions, receipts, the outbox.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::consent::restrict::Restriction;
use crate::consent::types::{
    Activity, ActivitySpec, Agreement, ConsentEvent, ConsentOptions, ConsentReceipt, ConsentReport, LegalBasis,
    LegalBasisSpec, ProcessingDecision, ReceiptCheck,
};
use crate::consent::{self, catalogue, Consent};
use crate::declare::{operations, Arg, Ret, ACTIVITY_DEF, BASIS_DEF, CONSENT_OPTIONS};
use crate::engine::parse_options;
use crate::error::Result;
use crate::page::{Page, PageRequest};
use crate::subjects::Lookup;

use crate::vault::Vault;

operations! {
    /// Create or change a legal basis (brief: `^[a-z][a-z0-9-]{1,64}$`) from a definition: type
    /// (consent, contract, legal-obligation, vital-interest, public-task, legitimate-interest;
    /// required for a new basis), module, short_description, full_description, required,
    /// required_message, user_control, status (active, disabled). Absent fields keep their values;
    /// a change of the texts people are shown makes a new notice version (every version is kept).
    #[operation(
        c = "bl_basis_set",
        action = "basis.set",
        check = none("the catalogue holds no personal data"),
        errors = ["INVALID_INPUT", "TOO_LARGE"],
        args = [Arg::Caller, Arg::Str("brief"), BASIS_DEF],
        ret = Ret::json("basis", "LegalBasis"),
    )]
    pub fn set_legal_basis(&self, caller: &Caller, brief: &str, spec: Value) -> Result<LegalBasis> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::BasisSet, "legal basis", Some(spec))?;
        catalogue::set_basis(&open.engine, caller, brief, &spec)
    }

    /// A legal basis with every notice version (notices, oldest first). The catalogue holds no
    /// personal data: not audited.
    #[operation(
        c = "bl_basis_get",
        action = none,
        check = none("the catalogue holds no personal data (not audited)"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Str("brief")],
        ret = Ret::json("basis", "LegalBasis"),
    )]
    pub fn get_legal_basis(&self, brief: &str) -> Result<LegalBasis> {
        catalogue::get_basis(&self.state()?.engine, brief)
    }

    /// Every legal basis (deleted ones too), by brief, each with its current notice.
    #[operation(
        c = "bl_bases_list",
        action = none,
        check = none("the catalogue holds no personal data (not audited)"),
        errors = [],
        args = [],
        ret = Ret::json("bases", "Vec<LegalBasis>"),
    )]
    pub fn list_legal_bases(&self) -> Result<Vec<LegalBasis>> {
        catalogue::list_bases(&self.state()?.engine)
    }

    /// Delete a legal basis: it is marked deleted (its notices are kept) and every agreement under
    /// it is revoked, at once for every purpose check and then in the history and the outbox a
    /// thousand subjects per transaction (an interrupted call is completed by calling again).
    /// Returns {changed}.
    #[operation(
        c = "bl_basis_delete",
        action = "basis.delete",
        check = none("a catalogue change; the agreements it revokes only end processing"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("brief")],
        ret = Ret::json("report", "ConsentReport"),
    )]
    pub fn delete_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, true)
    }

    /// Revoke every agreement under a legal basis, as delete_legal_basis does, keeping the basis
    /// (new agreements may be given). Returns {changed}.
    #[operation(
        c = "bl_basis_revoke",
        action = "basis.revoke",
        check = none("a catalogue change; the agreements it revokes only end processing"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("brief")],
        ret = Ret::json("report", "ConsentReport"),
    )]
    pub fn revoke_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, false)
    }

    /// Create or change a processing activity: its name is the purpose callers pass; the definition
    /// has title, description, operations (read, write, delete, export, detokenize; required for a
    /// new activity) and legal_bases (briefs; replaces the links when given). Once a vault has an
    /// activity, every purpose a caller names must be one.
    #[operation(
        c = "bl_activity_set",
        action = "activity.set",
        check = none("the catalogue holds no personal data"),
        errors = ["INVALID_INPUT", "TOO_LARGE", "NOT_FOUND"],
        args = [Arg::Caller, Arg::Str("activity"), ACTIVITY_DEF],
        ret = Ret::json("activity", "Activity"),
    )]
    pub fn set_activity(&self, caller: &Caller, name: &str, spec: Value) -> Result<Activity> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::ActivitySet, "activity", Some(spec))?;
        catalogue::set_activity(&open.engine, caller, name, &spec)
    }

    /// Let a processing activity rely on a legal basis.
    #[operation(
        c = "bl_activity_link",
        action = "activity.link",
        check = none("the catalogue holds no personal data"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("activity"), Arg::Str("brief")],
        ret = Ret::json("activity", "Activity"),
    )]
    pub fn link_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, true)
    }

    /// Stop a processing activity relying on a legal basis.
    #[operation(
        c = "bl_activity_unlink",
        action = "activity.unlink",
        check = none("the catalogue holds no personal data"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("activity"), Arg::Str("brief")],
        ret = Ret::json("activity", "Activity"),
    )]
    pub fn unlink_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, false)
    }

    /// Delete a processing activity: its name is then an unknown purpose.
    #[operation(
        c = "bl_activity_delete",
        action = "activity.delete",
        check = none("the catalogue holds no personal data"),
        errors = ["NOT_FOUND", "INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("activity")],
        ret = Ret::Unit,
    )]
    pub fn delete_activity(&self, caller: &Caller, name: &str) -> Result<()> {
        catalogue::delete_activity(&self.state()?.engine, caller, name)
    }

    /// Every processing activity, by name, with the operations it covers and the legal bases it
    /// relies on.
    #[operation(
        c = "bl_activities_list",
        action = none,
        check = none("the catalogue holds no personal data (not audited)"),
        errors = [],
        args = [],
        ret = Ret::json("activities", "Vec<Activity>"),
    )]
    pub fn list_activities(&self) -> Result<Vec<Activity>> {
        catalogue::list_activities(&self.state()?.engine)
    }

    /// Record that a subject gave (or with status refused, refused) consent under a legal basis.
    /// Options: status, start_ms, expires_ms or ttl_ms, method, channel, language, reference
    /// (stored encrypted), notice_version (default: the current one). Appended to the subject's
    /// consent record with an outbox event in one transaction; the basis must be active. Returns
    /// the agreement.
    #[operation(
        c = "bl_consent_give",
        action = "consent.give",
        check = none("a decision is the subject's own act: recording it never needs the consent it records"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret = Ret::json("agreement", "Agreement"),
    )]
    pub fn give_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentGive, "consent options", options)?;
        Consent::give(&open.engine, &open.subjects, caller, lookup, brief, &options)
    }

    /// Record that a subject withdrew consent under a legal basis (options: method, channel,
    /// language, reference). An agreement not in force is returned unchanged; none at all is
    /// NOT_FOUND.
    #[operation(
        c = "bl_consent_withdraw",
        action = "consent.withdraw",
        check = none("a decision is the subject's own act: recording it never needs the consent it records"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret = Ret::json("agreement", "Agreement"),
    )]
    pub fn withdraw_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentWithdraw, "consent options", options)?;
        Consent::end(&open.engine, &open.subjects, caller, lookup, brief, &options, false)
    }

    /// Record that an operator revoked a subject's consent under a legal basis, as withdraw_consent
    /// records a withdrawal.
    #[operation(
        c = "bl_consent_revoke",
        action = "consent.revoke",
        check = none("ending an agreement only ends processing"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "TOO_LARGE", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("brief"), CONSENT_OPTIONS],
        ret = Ret::json("agreement", "Agreement"),
    )]
    pub fn revoke_consent(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: Option<Value>,
    ) -> Result<Agreement> {
        let open = self.state()?;
        let options: ConsentOptions =
            parse_options(&open.engine, caller, Action::ConsentRevoke, "consent options", options)?;
        Consent::end(&open.engine, &open.subjects, caller, lookup, brief, &options, true)
    }

    /// A subject's current decision about a legal basis: status (given, refused, withdrawn,
    /// revoked, expired), in_force, times, the notice version and hash, method, channel, language,
    /// reference, actor. NOT_FOUND when it never decided.
    #[operation(
        c = "bl_consent_get",
        action = "consent.get",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup, Arg::Str("brief")],
        ret = Ret::json("agreement", "Agreement"),
    )]
    pub fn get_consent(&self, caller: &Caller, lookup: &Lookup, brief: &str) -> Result<Agreement> {
        let open = self.state()?;
        Consent::get(&open.engine, &open.subjects, caller, lookup, brief)
    }

    /// A subject's current decisions, one per legal basis it decided about, by brief.
    #[operation(
        c = "bl_consents_list",
        action = "consent.list",
        check = read("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("agreements", "Vec<Agreement>"),
    )]
    pub fn list_consents(&self, caller: &Caller, lookup: &Lookup) -> Result<Vec<Agreement>> {
        let open = self.state()?;
        Consent::list(&open.engine, &open.subjects, caller, lookup)
    }

    /// A subject's whole consent record as a receipt: Kantara Consent Receipt v1.1 fields, the
    /// ISO/IEC TS 27560 record (every decision with the notice version and text hash, when, how, by
    /// whom) under record, and a mac (HMAC-SHA256 under the vault's consent key) over its canonical
    /// JSON.
    #[operation(
        c = "bl_consent_export",
        action = "consent.export",
        check = export("the subject found"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("receipt", "ConsentReceipt"),
    )]
    pub fn export_consent_receipt(&self, caller: &Caller, lookup: &Lookup) -> Result<ConsentReceipt> {
        let open = self.state()?;
        consent::export_receipt(&open.engine, &open.subjects, caller, lookup)
    }

    /// Verify a receipt this vault issued: INTEGRITY when anything in it changed or another vault
    /// issued it. Returns {valid, subject, events, issued_ms}.
    #[operation(
        c = "bl_consent_verify",
        action = none,
        check = none("checks a document the caller already holds; reads nothing stored about anyone (not audited)"),
        errors = ["INTEGRITY", "INVALID_INPUT"],
        args = [Arg::Doc { name: "receipt", ts: "ConsentReceipt", py: "Dict[str, Any]" }],
        ret = Ret::json("check", "ReceiptCheck"),
    )]
    pub fn verify_consent_receipt(&self, receipt: Value) -> Result<ReceiptCheck> {
        consent::verify(&self.state()?.engine, &receipt)
    }

    /// Whether a purpose allows an operation (read by default; write, delete, export, detokenize)
    /// on a subject, answered as the purpose check answers it, without reading the subject's data:
    /// {allowed, legal_basis, reason}. An unknown purpose is INVALID_INPUT.
    #[operation(
        c = "bl_consent_check",
        action = none,
        check = none("it is the check itself, answered for the purpose it names (audited as consent.check)"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Lookup, Arg::Str("purpose"), Arg::OptStr("operation")],
        ret = Ret::json("decision", "ProcessingDecision"),
    )]
    pub fn can_process(&self, lookup: &Lookup, purpose: &str, operation: Option<&str>) -> Result<ProcessingDecision> {
        let open = self.state()?;
        Consent::can_process(&open.engine, &open.subjects, lookup, purpose, operation)
    }

    /// Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first, after
    /// what the consumer (default when absent) acknowledged, or after the cursor. An event is
    /// delivered until acknowledged: at least once, in order. A page is {total, items, next}.
    #[operation(
        c = "bl_outbox_read",
        action = "outbox.read",
        check = read("no one subject: the activity must cover reads"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::OptStr("consumer"), Arg::Page],
        ret = Ret::json("page", "Page<ConsentEvent>"),
    )]
    pub fn list_consent_events(
        &self,
        caller: &Caller,
        consumer: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ConsentEvent>> {
        Consent::events(&self.state()?.engine, caller, consumer, page)
    }

    /// Acknowledge the consent events up to and including the one whose cursor is given: they are
    /// not delivered to this consumer again (events every consumer acknowledged are deleted).
    #[operation(
        c = "bl_outbox_ack",
        action = "outbox.ack",
        check = none("moves a consumer's mark; reads nothing"),
        errors = ["INVALID_INPUT"],
        args = [Arg::Caller, Arg::Str("cursor"), Arg::OptStr("consumer")],
        ret = Ret::Unit,
    )]
    pub fn ack_consent_events(&self, caller: &Caller, cursor: &str, consumer: Option<&str>) -> Result<()> {
        Consent::ack(&self.state()?.engine, caller, consumer, cursor)
    }

    /// Restrict the processing of a subject (GDPR Art. 18): from now on its data is stored,
    /// exported to it (`export_subject`) and erased, but read or detokenized for no purpose —
    /// named or not; such calls get `CONSENT_REQUIRED` — until `lift_restriction`. Returns
    /// {subject, restricted, since_ms, changed}.
    #[operation(
        c = "bl_restriction_set",
        action = "restriction.set",
        check = none("limits processing; reads nothing"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("restriction", "Restriction"),
    )]
    pub fn restrict_processing(&self, caller: &Caller, lookup: &Lookup) -> Result<Restriction> {
        let open = self.state()?;
        Consent::restrict(&open.engine, &open.subjects, caller, lookup, true)
    }

    /// Lift a subject's restriction of processing (`changed: false` when there was none).
    #[operation(
        c = "bl_restriction_lift",
        action = "restriction.lift",
        check = none("ends a limit the subject or an operator set; reads nothing"),
        errors = ["NOT_FOUND", "ERASED", "INVALID_INPUT", "INTEGRITY"],
        args = [Arg::Caller, Arg::Lookup],
        ret = Ret::json("restriction", "Restriction"),
    )]
    pub fn lift_restriction(&self, caller: &Caller, lookup: &Lookup) -> Result<Restriction> {
        let open = self.state()?;
        Consent::restrict(&open.engine, &open.subjects, caller, lookup, false)
    }

    /// Record every agreement whose expiry passed as expired (with its outbox event), a thousand
    /// per transaction. Returns {changed}.
    #[operation(
        c = "bl_consents_purge",
        action = "consent.purge",
        check = none("records the expiries that agreements' own terms set; returns only a count"),
        errors = [],
        args = [Arg::Caller],
        ret = Ret::json("report", "ConsentReport"),
    )]
    pub fn purge_consents(&self, caller: &Caller) -> Result<ConsentReport> {
        Consent::purge(&self.state()?.engine, caller)
    }
}

impl Vault {
    /// [`set_legal_basis`](Self::set_legal_basis) with a typed spec.
    pub fn set_legal_basis_with(&self, caller: &Caller, brief: &str, spec: &LegalBasisSpec) -> Result<LegalBasis> {
        let open = self.state()?;
        catalogue::set_basis(&open.engine, caller, brief, spec)
    }

    /// [`set_activity`](Self::set_activity) with a typed spec.
    pub fn set_activity_with(&self, caller: &Caller, name: &str, spec: &ActivitySpec) -> Result<Activity> {
        catalogue::set_activity(&self.state()?.engine, caller, name, spec)
    }

    /// [`give_consent`](Self::give_consent) with typed options.
    pub fn give_consent_with(
        &self,
        caller: &Caller,
        lookup: &Lookup,
        brief: &str,
        options: &ConsentOptions,
    ) -> Result<Agreement> {
        let open = self.state()?;
        Consent::give(&open.engine, &open.subjects, caller, lookup, brief, options)
    }
}
