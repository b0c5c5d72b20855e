//! What opening a vault of an older format does once the schema is migrated and the keys are
//! open, in the same transaction: give the rows of the older format the MACs format 6 adds (a
//! new vault gets the MACs of its empty catalogue and outbox consumers), and carry the erasures
//! of a vault older than format 10 into its erasure ledger.
//!
//! The rows are taken as they are: a file edited behind the vault's back before this upgrade
//! is sealed as it was found — except current consent decisions, whose older MAC (format 4)
//! is checked first, so one planted or edited before keeps a MAC that fails. `verify_audit`
//! reconciles subjects with their audited token and version whatever the format.

use crate::consent::policy::state_mac;
use crate::consent::seal;
use crate::error::Result;
use crate::keyring::Keyring;
use crate::store::Tx;

/// The first format whose rows carry the MACs this module backfills.
const MACS_FROM: i64 = 6;

/// The first format with an erasure ledger: the erasures of older vaults are carried into it.
const LEDGER_FROM: i64 = 10;

/// Finish the migration from format `from` (0: a new vault) for what needs the keys.
pub(crate) fn finish(tx: &Tx<'_>, keys: &Keyring, from: i64) -> Result<()> {
    if from > 0 && from < LEDGER_FROM {
        // Every erasure made before the ledger existed, by its token (its blind indexes went
        // with it, so the entry has none; its time is unknown: 0).
        let mut erased = tx.erased_subjects()?;
        erased.sort_by_key(|(_, id)| *id);
        for (token, _) in erased {
            let subject = crate::ledger::subject_hash(keys.erasures(), &token);
            crate::ledger::append_hashed(keys.erasures(), tx, subject, Vec::new(), 0)?;
        }
    }
    if from >= MACS_FROM {
        return Ok(());
    }
    let consent = &keys.consent().state;
    if from > 0 {
        // Current decisions: the format-4 MAC bound the row id alone; checked, then rebound to
        // the subject's token.
        for mut c in tx.all_current_decisions()? {
            let Some((token, _)) = tx.subject_key_by_id(c.subject_id)? else { continue };
            let old = state_mac(consent, None, &c);
            if bool::from(subtle::ConstantTimeEq::ct_eq(old.as_slice(), c.mac.as_slice())) {
                c.mac = state_mac(consent, Some(&token), &c);
                tx.set_current_decision(&c)?;
            }
        }
        // Each subject's history becomes its chain.
        for sid in tx.subjects_with_decisions()? {
            let Some((token, _)) = tx.subject_key_by_id(sid)? else { continue };
            let mut before = seal::NONE_BEFORE;
            for mut d in tx.decision_history(sid)? {
                d.prev_mac = before;
                d.mac = seal::agreement_mac(consent, &token, &d);
                tx.set_decision_macs(d.seq, &d.prev_mac, &d.mac)?;
                before = d.mac;
            }
        }
        // The outbox becomes a chain; what every consumer acknowledged may have been deleted.
        let mut before: Option<(i64, [u8; 32])> = None;
        for mut e in tx.all_outbox_events()? {
            (e.prev_seq, e.prev_mac) = before.unwrap_or((0, seal::NONE_BEFORE));
            e.mac = seal::outbox_mac(consent, &e);
            e.link = seal::outbox_link(consent, &e);
            tx.relink_outbox_event(&e)?;
            before = Some((e.seq, e.mac));
        }
        tx.mark_outbox_pruned()?;
        // Token rows get their state MAC.
        let tokens = &keys.tokens().state;
        let mut rows = Vec::new();
        tx.each_token(&mut |row| {
            rows.push((row.hash, crate::tokens::row_mac(tokens, &row)));
            Ok(())
        })?;
        for (hash, mac) in rows {
            tx.set_token_mac(&hash, &mac)?;
        }
    }
    seal::seal_catalogue(tx, consent)?;
    seal::seal_consumers(tx, consent)
}
