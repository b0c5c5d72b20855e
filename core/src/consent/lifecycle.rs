//! Consent's part of a subject's life: its whole consent record (history and current
//! decisions) and its pending outbox events go with its erasure; a subject that had decisions
//! leaves one `erased` event in the outbox, so systems downstream learn to stop processing. Its
//! restriction of processing is an entry of its own (`RestrictionData`).

use crate::consent::policy::decision;
use crate::consent::receipt::receipt_of;
use crate::consent::restrict::Restriction;
use crate::consent::seal;
use crate::consent::store::OutboxRow;
use crate::consent::Consent;
use crate::crypto::keys::SecretKey;
use crate::engine::Engine;
use crate::error::Result;
use crate::ids::format_token;
use crate::lifecycle::{Erased, Section, SubjectData, SubjectRef};
use crate::store::{Db, Tx};

/// The consent area in the lifecycle registry.
pub(crate) struct ConsentData;

impl SubjectData for ConsentData {
    fn area(&self) -> &'static str {
        "consent"
    }

    fn erase(&self, engine: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        let key = &engine.keys().consent().state;
        let removed = tx.delete_decisions_of_subject(subject.id)?;
        // Its pending events go, the outbox's chain linked past them.
        seal::delete_subject_events(tx, key, subject.id)?;
        if removed == 0 {
            return Ok(Erased::rows(0));
        }
        // Decisions are remembered per catalogue generation (see `policy`): removing some moves it.
        tx.bump_catalogue_generation()?;
        let event = OutboxRow {
            seq: 0,
            subject_id: subject.id,
            subject: subject.token,
            basis: None,
            event: decision::ERASED,
            notice_version: None,
            time_ms: subject.now_ms,
            prev_seq: 0,
            prev_mac: seal::NONE_BEFORE,
            mac: seal::NONE_BEFORE,
            link: seal::NONE_BEFORE,
        };
        Ok(Erased { removed, downstream_event: Some(seal::append_outbox(tx, key, event)?) })
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        Ok(db.decision_history(subject.id)?.len() as u64)
    }

    /// The subject's consent record as a MACed receipt (every decision with its notice version,
    /// the state now), as `export_consent_receipt` gives it.
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        dek: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        out.value(&receipt_of(engine, db, (subject.id, &subject.token, dek), subject.now_ms)?)
    }
}

/// The restriction of processing (GDPR Art. 18) in the lifecycle registry: exported, so the
/// subject sees whether and since when its processing is restricted, and lifted with its
/// erasure (nothing is left to restrict).
pub(crate) struct RestrictionData;

impl SubjectData for RestrictionData {
    fn area(&self) -> &'static str {
        "restriction"
    }

    fn erase(&self, engine: &Engine, tx: &Tx<'_>, subject: &SubjectRef) -> Result<Erased> {
        Ok(Erased::rows(u64::from(Consent::erase_restriction(engine, tx, subject.id)?)))
    }

    fn count(&self, _: &Engine, db: &Db<'_>, subject: &SubjectRef) -> Result<u64> {
        Ok(u64::from(Consent::restricted_since(db, subject.id)?.is_some()))
    }

    fn section(&self) -> &'static str {
        "restriction"
    }

    /// Whether and since when the subject's processing is restricted (the restrictions are
    /// checked against the consent catalogue's MAC first).
    fn export(
        &self,
        engine: &Engine,
        db: &Db<'_>,
        subject: &SubjectRef,
        _: &SecretKey,
        out: &mut Section<'_>,
    ) -> Result<()> {
        seal::catalogue(db, &engine.keys().consent().state)?;
        let since_ms = Consent::restricted_since(db, subject.id)?;
        out.value(&Restriction {
            subject: format_token(&subject.token),
            restricted: since_ms.is_some(),
            since_ms,
            changed: false,
        })
    }
}
