//! The consent catalogue: legal bases with their versioned notices, and processing activities
//! with the operations they cover and the bases they rely on. Every change bumps the catalogue
//! generation, so every open vault (in any process) reloads its cached copy before its next
//! purpose check.

use std::collections::HashMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::types::{Activity, ActivitySpec, BasisStatus, BasisType, LegalBasis, LegalBasisSpec, Notice};
use crate::action::Action;
use crate::caller::{check_purpose, Caller};
use crate::chain::Event;
use crate::consent::seal;
use crate::consent::store::{ActivityRow, BasisRow, NoticeRow};
use crate::engine::Engine;
use crate::error::{Error, ErrorKind, Result};
use crate::policy::Operation;
use crate::store::{Db, Tx};

/// The longest notice text (each of the three) in bytes.
const MAX_TEXT: usize = 65_536;
/// The longest module, title or short free-text field in characters.
const MAX_SHORT: usize = 256;

/// Check a legal basis's brief: `^[a-z][a-z0-9-]{1,64}$`.
pub(crate) fn check_brief(brief: &str) -> Result<()> {
    let mut bytes = brief.bytes();
    let ok = (2..=65).contains(&brief.len())
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("a legal basis brief must match ^[a-z][a-z0-9-]{1,64}$"))
    }
}

fn check_len(what: &str, text: &str, max: usize) -> Result<()> {
    if text.len() > max {
        return Err(Error::new(ErrorKind::TooLarge, format!("{what} is longer than {max} bytes")));
    }
    Ok(())
}

/// The texts of a notice version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Texts {
    short: String,
    full: String,
    required: String,
}

impl Texts {
    /// The canonical JSON text that is stored and hashed (keys in fixed order).
    fn canonical(&self) -> String {
        json!({"full_description": self.full, "required_message": self.required, "short_description": self.short})
            .to_string()
    }

    fn parse(text: &str) -> Result<Texts> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|_| Error::integrity("a stored notice is not JSON"))?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        Ok(Texts {
            short: field("short_description").ok_or_else(|| Error::integrity("a stored notice is malformed"))?,
            full: field("full_description").ok_or_else(|| Error::integrity("a stored notice is malformed"))?,
            required: field("required_message").ok_or_else(|| Error::integrity("a stored notice is malformed"))?,
        })
    }
}

/// A stored notice's texts, checked against its hash (which the catalogue's MAC covers): a text
/// rewritten in the file is `INTEGRITY`, never shown.
fn texts_of(row: &NoticeRow) -> Result<Texts> {
    let sha256: [u8; 32] = Sha256::digest(row.text.as_bytes()).into();
    if !bool::from(subtle::ConstantTimeEq::ct_eq(sha256.as_slice(), row.sha256.as_slice())) {
        return Err(Error::integrity("a stored notice text does not match its hash"));
    }
    Texts::parse(&row.text)
}

fn notice(row: &NoticeRow) -> Result<Notice> {
    let t = texts_of(row)?;
    Ok(Notice {
        version: row.version,
        short_description: t.short,
        full_description: t.full,
        required_message: t.required,
        sha256: hex::encode(row.sha256),
        created_ms: row.created_ms,
    })
}

/// A stored basis with its current notice, as the public shape.
pub(crate) fn basis_view(db: &Db<'_>, b: &BasisRow, history: bool) -> Result<LegalBasis> {
    let current =
        db.notice_of(b.id, b.notice_version)?.ok_or_else(|| Error::integrity("a legal basis's notice is missing"))?;
    let texts = texts_of(&current)?;
    let notices =
        if history { Some(db.notices_of_basis(b.id)?.iter().map(notice).collect::<Result<Vec<_>>>()?) } else { None };
    Ok(LegalBasis {
        brief: b.brief.clone(),
        kind: BasisType::from_number(b.kind).ok_or_else(|| Error::integrity("a stored basis type is unknown"))?,
        module: b.module.clone(),
        short_description: texts.short,
        full_description: texts.full,
        required: b.required,
        required_message: texts.required,
        user_control: b.user_control,
        status: BasisStatus::from_number(b.status)
            .ok_or_else(|| Error::integrity("a stored basis status is unknown"))?,
        notice_version: b.notice_version,
        notice_sha256: hex::encode(current.sha256),
        created_ms: b.created_ms,
        updated_ms: b.updated_ms,
        notices,
    })
}

/// The basis `brief` as the catalogue holds it (checked against the catalogue's MAC;
/// `NOT_FOUND` when there is none).
pub(crate) fn basis(engine: &Engine, db: &Db<'_>, brief: &str) -> Result<BasisRow> {
    check_brief(brief)?;
    super::policy::Policy::of(engine)?
        .basis(db, &engine.keys().consent().state, brief)?
        .ok_or_else(|| Error::new(ErrorKind::NotFound, "no legal basis has this brief"))
}

/// Check the stored catalogue against its MAC before a change: a change must never seal rows
/// someone edited in the file.
pub(crate) fn before_change(engine: &Engine, tx: &Tx<'_>) -> Result<()> {
    seal::catalogue(tx, &engine.keys().consent().state).map(drop)
}

/// After a change of the catalogue: move its generation (every open vault reloads it before its
/// next check) and seal it.
pub(crate) fn after_change(engine: &Engine, tx: &Tx<'_>) -> Result<()> {
    tx.bump_catalogue_generation()?;
    seal::seal_catalogue(tx, &engine.keys().consent().state)
}

/// The basis `brief` as stored now (in a change, after [`before_change`]).
fn stored_basis(tx: &Tx<'_>, brief: &str) -> Result<BasisRow> {
    check_brief(brief)?;
    tx.basis_by_brief(brief)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "no legal basis has this brief"))
}

/// Create or change a legal basis.
pub(crate) fn set_basis(engine: &Engine, caller: &Caller, brief: &str, spec: &LegalBasisSpec) -> Result<LegalBasis> {
    let checked = (|| {
        check_brief(brief)?;
        for (what, text) in [
            ("short_description", &spec.short_description),
            ("full_description", &spec.full_description),
            ("required_message", &spec.required_message),
        ] {
            if let Some(t) = text {
                check_len(what, t, MAX_TEXT)?;
            }
        }
        if let Some(m) = &spec.module {
            check_len("module", m, MAX_SHORT)?;
        }
        if spec.status == Some(BasisStatus::Deleted) {
            return Err(Error::invalid("status deleted is set by delete_legal_basis"));
        }
        Ok(())
    })();
    checked.map_err(|e| engine.refused(caller, Action::BasisSet, None, e))?;
    engine.write(caller, Action::BasisSet, None, |tx| {
        engine.validate_purpose(tx, caller)?;
        before_change(engine, tx)?;
        let now = engine.now_ms();
        let existing = tx.basis_by_brief(brief)?;
        let (mut row, old_texts) = match existing {
            Some(row) => {
                let notice = tx
                    .notice_of(row.id, row.notice_version)?
                    .ok_or_else(|| Error::integrity("a legal basis's notice is missing"))?;
                (row, Some(texts_of(&notice)?))
            }
            None => {
                let kind = spec.kind.ok_or_else(|| Error::invalid("a new legal basis needs a type"))?;
                let row = BasisRow {
                    id: 0,
                    brief: brief.to_owned(),
                    kind: kind.number(),
                    module: String::new(),
                    required: false,
                    user_control: true,
                    status: BasisStatus::Active.number(),
                    notice_version: 0,
                    revoked_through: 0,
                    created_ms: now,
                    updated_ms: now,
                };
                (row, None)
            }
        };
        let base = old_texts.clone().unwrap_or_default();
        let texts = Texts {
            short: spec.short_description.clone().unwrap_or(base.short),
            full: spec.full_description.clone().unwrap_or(base.full),
            required: spec.required_message.clone().unwrap_or(base.required),
        };
        if let Some(k) = spec.kind {
            row.kind = k.number();
        }
        if let Some(m) = &spec.module {
            row.module = m.clone();
        }
        if let Some(r) = spec.required {
            row.required = r;
        }
        if let Some(u) = spec.user_control {
            row.user_control = u;
        }
        if let Some(s) = spec.status {
            row.status = s.number();
        }
        row.updated_ms = now;
        let new_notice = old_texts.as_ref() != Some(&texts);
        if new_notice {
            row.notice_version += 1;
        }
        if row.id == 0 {
            row.id = tx.insert_basis(&row)?;
        } else {
            tx.update_basis(&row)?;
        }
        if new_notice {
            let text = texts.canonical();
            let sha256: [u8; 32] = Sha256::digest(text.as_bytes()).into();
            let n = NoticeRow { basis_id: row.id, version: row.notice_version, text, sha256, created_ms: now };
            tx.insert_notice(&n)?;
        }
        after_change(engine, tx)?;
        Ok((basis_view(tx, &row, false)?, vec![Event::attempt(Action::BasisSet, None)]))
    })
}

/// One basis with every notice version.
pub(crate) fn get_basis(engine: &Engine, brief: &str) -> Result<LegalBasis> {
    engine.unaudited(|db| basis_view(db, &basis(engine, db, brief)?, true))
}

/// Every basis (deleted ones included), by brief.
pub(crate) fn list_bases(engine: &Engine) -> Result<Vec<LegalBasis>> {
    engine.unaudited(|db| {
        let mut bases = seal::catalogue(db, &engine.keys().consent().state)?.bases;
        bases.sort_by(|a, b| a.brief.cmp(&b.brief));
        bases.iter().map(|b| basis_view(db, b, false)).collect()
    })
}

// ---- activities ------------------------------------------------------------------------------

fn operations_mask(names: &[String]) -> Result<i64> {
    let mut mask = 0;
    for n in names {
        mask |= Operation::parse(n)?.bit();
    }
    Ok(mask)
}

fn operation_names(mask: i64) -> Vec<String> {
    Operation::ALL.iter().filter(|o| mask & o.bit() != 0).map(|o| o.name().to_owned()).collect()
}

fn activity_view(a: &ActivityRow, briefs: &HashMap<i64, String>) -> Activity {
    let mut legal_bases: Vec<String> = a.bases.iter().filter_map(|id| briefs.get(id).cloned()).collect();
    legal_bases.sort();
    Activity {
        name: a.name.clone(),
        title: a.title.clone(),
        description: a.description.clone(),
        operations: operation_names(a.operations),
        legal_bases,
        created_ms: a.created_ms,
        updated_ms: a.updated_ms,
    }
}

fn briefs(bases: &[BasisRow]) -> HashMap<i64, String> {
    bases.iter().map(|b| (b.id, b.brief.clone())).collect()
}

fn activity(db: &Db<'_>, name: &str) -> Result<ActivityRow> {
    check_purpose(name)?;
    db.activity_by_name(name)?.ok_or_else(|| Error::new(ErrorKind::NotFound, "no processing activity has this name"))
}

/// A basis an activity may be linked to: it exists and is not deleted.
fn linkable(tx: &Tx<'_>, brief: &str) -> Result<BasisRow> {
    let b = stored_basis(tx, brief)?;
    if b.status == BasisStatus::Deleted.number() {
        return Err(Error::invalid("a deleted legal basis cannot be linked"));
    }
    Ok(b)
}

/// Create or change a processing activity.
pub(crate) fn set_activity(engine: &Engine, caller: &Caller, name: &str, spec: &ActivitySpec) -> Result<Activity> {
    let checked = (|| {
        check_purpose(name).map_err(|_| Error::invalid("an activity name must match ^[a-z][a-z0-9_-]{0,63}$"))?;
        for (what, text) in [("title", &spec.title), ("description", &spec.description)] {
            if let Some(t) = text {
                check_len(what, t, if what == "title" { MAX_SHORT } else { MAX_TEXT })?;
            }
        }
        spec.operations.as_deref().map(operations_mask).transpose()
    })();
    let mask = checked.map_err(|e| engine.refused(caller, Action::ActivitySet, None, e))?;
    engine.write(caller, Action::ActivitySet, None, |tx| {
        engine.validate_purpose(tx, caller)?;
        before_change(engine, tx)?;
        let now = engine.now_ms();
        let existing = tx.activity_by_name(name)?;
        let mut row = match existing {
            Some(row) => row,
            None => ActivityRow {
                id: 0,
                name: name.to_owned(),
                title: String::new(),
                description: String::new(),
                operations: mask.ok_or_else(|| Error::invalid("a new processing activity needs operations"))?,
                bases: Vec::new(),
                created_ms: now,
                updated_ms: now,
            },
        };
        if let Some(t) = &spec.title {
            row.title = t.clone();
        }
        if let Some(d) = &spec.description {
            row.description = d.clone();
        }
        if let Some(m) = mask {
            row.operations = m;
        }
        row.updated_ms = now;
        let id = tx.upsert_activity(&row)?;
        if let Some(bases) = &spec.legal_bases {
            let ids = bases.iter().map(|b| linkable(tx, b).map(|r| r.id)).collect::<Result<Vec<_>>>()?;
            for old in &row.bases {
                tx.unlink_activity(id, *old)?;
            }
            for b in ids {
                tx.link_activity(id, b)?;
            }
        }
        after_change(engine, tx)?;
        let stored = activity(tx, name)?;
        Ok((activity_view(&stored, &briefs(&tx.bases()?)), vec![Event::attempt(Action::ActivitySet, None)]))
    })
}

/// Link (`link`) or unlink an activity and a basis.
pub(crate) fn link_activity(engine: &Engine, caller: &Caller, name: &str, brief: &str, link: bool) -> Result<Activity> {
    let action = if link { Action::ActivityLink } else { Action::ActivityUnlink };
    engine.write(caller, action, None, |tx| {
        engine.validate_purpose(tx, caller)?;
        before_change(engine, tx)?;
        let a = activity(tx, name)?;
        if link {
            let b = linkable(tx, brief)?;
            tx.link_activity(a.id, b.id)?;
        } else {
            let b = stored_basis(tx, brief)?;
            if !tx.unlink_activity(a.id, b.id)? {
                return Err(Error::new(ErrorKind::NotFound, "the activity is not linked to this legal basis"));
            }
        }
        after_change(engine, tx)?;
        let stored = activity(tx, name)?;
        Ok((activity_view(&stored, &briefs(&tx.bases()?)), vec![Event::attempt(action, None)]))
    })
}

/// Delete an activity (a purpose naming it is then unknown).
pub(crate) fn delete_activity(engine: &Engine, caller: &Caller, name: &str) -> Result<()> {
    engine.write(caller, Action::ActivityDelete, None, |tx| {
        engine.validate_purpose(tx, caller)?;
        before_change(engine, tx)?;
        let a = activity(tx, name)?;
        tx.delete_activity(a.id)?;
        after_change(engine, tx)?;
        Ok(((), vec![Event::attempt(Action::ActivityDelete, None)]))
    })
}

/// Every activity, by name.
pub(crate) fn list_activities(engine: &Engine) -> Result<Vec<Activity>> {
    engine.unaudited(|db| {
        let rows = seal::catalogue(db, &engine.keys().consent().state)?;
        let briefs = briefs(&rows.bases);
        let mut activities = rows.activities;
        activities.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(activities.iter().map(|a| activity_view(a, &briefs)).collect())
    })
}
