//! The consent area's operations on [`Vault`]: the catalogue, decisions, receipts, the outbox.

use serde_json::Value;

use crate::action::Action;
use crate::caller::Caller;
use crate::consent::types::{
    Activity, ActivitySpec, Agreement, ConsentEvent, ConsentOptions, ConsentReport, LegalBasis, LegalBasisSpec,
    ProcessingDecision, ReceiptCheck,
};
use crate::consent::{self, catalogue, Consent};
use crate::engine::parse_options;
use crate::error::Result;
use crate::page::{Page, PageRequest};
use crate::subjects::Lookup;

use super::Vault;

impl Vault {
    /// Create or change the legal basis `brief` (`^[a-z][a-z0-9-]{1,64}$`) from a JSON object of
    /// [`LegalBasisSpec`]. A new basis needs `type`; absent fields keep their values. A change
    /// of the texts people are shown makes a new notice version (all are kept). Audited as
    /// `basis.set`.
    pub fn set_legal_basis(&self, caller: &Caller, brief: &str, spec: Value) -> Result<LegalBasis> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::BasisSet, "legal basis", Some(spec))?;
        catalogue::set_basis(&open.engine, caller, brief, &spec)
    }

    /// [`set_legal_basis`](Self::set_legal_basis) with a typed spec.
    pub fn set_legal_basis_with(&self, caller: &Caller, brief: &str, spec: &LegalBasisSpec) -> Result<LegalBasis> {
        let open = self.state()?;
        catalogue::set_basis(&open.engine, caller, brief, spec)
    }

    /// The legal basis `brief` with every notice version (`NOT_FOUND` when there is none). The
    /// catalogue holds no personal data: not audited.
    pub fn get_legal_basis(&self, brief: &str) -> Result<LegalBasis> {
        catalogue::get_basis(&self.state()?.engine, brief)
    }

    /// Every legal basis (deleted ones too), by brief.
    pub fn list_legal_bases(&self) -> Result<Vec<LegalBasis>> {
        catalogue::list_bases(&self.state()?.engine)
    }

    /// Delete a legal basis: it is marked `deleted` (its notices are kept) and every agreement
    /// under it is revoked — at once for every purpose check, then in the history and the
    /// outbox a thousand subjects per transaction (an interrupted call is completed by calling
    /// again). Audited as `basis.delete`, and `consent.revoke` per subject.
    pub fn delete_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, true)
    }

    /// Revoke every agreement under a legal basis (the basis stays; new agreements may be
    /// given), as [`delete_legal_basis`](Self::delete_legal_basis) does. Audited as
    /// `basis.revoke`.
    pub fn revoke_legal_basis(&self, caller: &Caller, brief: &str) -> Result<ConsentReport> {
        Consent::revoke_basis(&self.state()?.engine, caller, brief, false)
    }

    /// Create or change the processing activity `name` (the purpose callers pass) from a JSON
    /// object of [`ActivitySpec`]. Once a vault has an activity, every purpose a caller names
    /// must be one of them. Audited as `activity.set`.
    pub fn set_activity(&self, caller: &Caller, name: &str, spec: Value) -> Result<Activity> {
        let open = self.state()?;
        let spec = parse_options(&open.engine, caller, Action::ActivitySet, "activity", Some(spec))?;
        catalogue::set_activity(&open.engine, caller, name, &spec)
    }

    /// [`set_activity`](Self::set_activity) with a typed spec.
    pub fn set_activity_with(&self, caller: &Caller, name: &str, spec: &ActivitySpec) -> Result<Activity> {
        catalogue::set_activity(&self.state()?.engine, caller, name, spec)
    }

    /// Let an activity rely on a legal basis. Audited as `activity.link`.
    pub fn link_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, true)
    }

    /// Stop an activity relying on a legal basis. Audited as `activity.unlink`.
    pub fn unlink_activity(&self, caller: &Caller, name: &str, brief: &str) -> Result<Activity> {
        catalogue::link_activity(&self.state()?.engine, caller, name, brief, false)
    }

    /// Delete a processing activity (its name is then an unknown purpose). Audited as
    /// `activity.delete`.
    pub fn delete_activity(&self, caller: &Caller, name: &str) -> Result<()> {
        catalogue::delete_activity(&self.state()?.engine, caller, name)
    }

    /// Every processing activity, by name.
    pub fn list_activities(&self) -> Result<Vec<Activity>> {
        catalogue::list_activities(&self.state()?.engine)
    }

    /// Record that a subject gave (or, with `status: "refused"`, refused) consent under a legal
    /// basis, with [`ConsentOptions`] (start, expiry, method, channel, language, reference,
    /// notice version). Appended to the subject's consent record (never an edit) with an outbox
    /// event, in one transaction. The basis must be active. Audited as `consent.give`.
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

    /// Record that a subject withdrew consent (options: method, channel, language, reference).
    /// An agreement not in force is returned unchanged; none at all is `NOT_FOUND`. Audited as
    /// `consent.withdraw`.
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

    /// Record that an operator revoked a subject's consent, as
    /// [`withdraw_consent`](Self::withdraw_consent) records a withdrawal. Audited as
    /// `consent.revoke`.
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

    /// A subject's current decision about a legal basis (`NOT_FOUND` when it never decided).
    /// Audited as `consent.get`.
    pub fn get_consent(&self, caller: &Caller, lookup: &Lookup, brief: &str) -> Result<Agreement> {
        let open = self.state()?;
        Consent::get(&open.engine, &open.subjects, caller, lookup, brief)
    }

    /// A subject's current decisions, by legal basis. Audited as `consent.list`.
    pub fn list_consents(&self, caller: &Caller, lookup: &Lookup) -> Result<Vec<Agreement>> {
        let open = self.state()?;
        Consent::list(&open.engine, &open.subjects, caller, lookup)
    }

    /// A subject's whole consent record as a receipt (Kantara Consent Receipt fields, the
    /// ISO/IEC TS 27560 record under `record`), MACed so that
    /// [`verify_consent_receipt`](Self::verify_consent_receipt) detects any change. Audited as
    /// `consent.export`.
    pub fn export_consent_receipt(&self, caller: &Caller, lookup: &Lookup) -> Result<Value> {
        let open = self.state()?;
        consent::export_receipt(&open.engine, &open.subjects, caller, lookup)
    }

    /// Verify a receipt this vault issued: `INTEGRITY` when anything in it changed (or another
    /// vault issued it).
    pub fn verify_consent_receipt(&self, receipt: Value) -> Result<ReceiptCheck> {
        consent::verify(&self.state()?.engine, &receipt)
    }

    /// Whether `purpose` allows `operation` (`read` by default; `write`, `delete`, `export`,
    /// `detokenize`) on a subject, answered as the purpose check answers it, without reading
    /// the subject's data. An unknown purpose is `INVALID_INPUT`. Audited as `consent.check`
    /// (the default actor, the purpose asked about, the subject; never the looked-up value):
    /// the answer tells whether someone is a subject.
    pub fn can_process(&self, lookup: &Lookup, purpose: &str, operation: Option<&str>) -> Result<ProcessingDecision> {
        let open = self.state()?;
        Consent::can_process(&open.engine, &open.subjects, lookup, purpose, operation)
    }

    /// Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first,
    /// after what `consumer` (`default` when `None`) acknowledged — or after `page.cursor`. An
    /// event stays deliverable until acknowledged: at least once, in order. Audited as
    /// `outbox.read`.
    pub fn list_consent_events(
        &self,
        caller: &Caller,
        consumer: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<ConsentEvent>> {
        Consent::events(&self.state()?.engine, caller, consumer, page)
    }

    /// Acknowledge the consent events up to and including the one whose `cursor` is given.
    /// Audited as `outbox.ack`.
    pub fn ack_consent_events(&self, caller: &Caller, cursor: &str, consumer: Option<&str>) -> Result<()> {
        Consent::ack(&self.state()?.engine, caller, consumer, cursor)
    }

    /// Record every agreement whose expiry passed as `expired` (with its outbox event), a
    /// thousand per transaction. Audited as `consent.purge`.
    pub fn purge_consents(&self, caller: &Caller) -> Result<ConsentReport> {
        Consent::purge(&self.state()?.engine, caller)
    }
}
