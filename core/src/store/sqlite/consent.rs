//! The consent tables: legal bases and their notice versions, processing activities and their
//! links, the append-only agreement history with its current view, the outbox of consent
//! events and its consumers' marks, and the catalogue generation in `meta`.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, mac_or_none, Db, Tx};
use crate::error::Result;
use crate::store::{ActivityRow, BasisRow, CurrentRow, DecisionRow, NoticeRow, OutboxRow};

// ---- the catalogue generation ----------------------------------------------------------------

/// The catalogue's generation: bumped by every change of a basis or an activity and by every
/// change of a current consent decision, so every connection (of any process) sees when what it
/// cached is stale. 0 before any change.
///
/// With `after_read` (the caller has just run a statement on this handle, outside a write), a
/// pooled reader's memo answers: it remembers the generation it read with its data version then,
/// and while the data version has not moved (no commit to the file since, by anyone) the
/// generation has not either, so no statement runs. A connection's data version is that of its
/// last read transaction, so the memo is used only right after a statement: the answer then
/// belongs to that statement's snapshot.
pub(crate) fn generation(db: &Db<'_>, after_read: bool) -> Result<i64> {
    if let Some(seen) = db.seen.filter(|_| after_read) {
        if let (Some((version, generation)), Ok(now)) = (seen.get(), db.data_version()) {
            if version == now {
                return Ok(generation);
            }
        }
    }
    let generation = db
        .conn
        .prepare_cached("SELECT value FROM meta WHERE name = 'consent_generation'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    if let Some(seen) = db.seen {
        seen.set(Some((db.data_version()?, generation)));
    }
    Ok(generation)
}

/// Bump the catalogue generation.
pub(crate) fn bump_generation(tx: &Tx<'_>) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO meta (name, value) VALUES ('consent_generation', 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1",
        )?
        .execute([])?;
    Ok(())
}

// ---- legal bases and notices -----------------------------------------------------------------

macro_rules! basis_columns {
    () => {
        "id, brief, type, module, required, user_control, status, notice_version, revoked_through, created_ms, updated_ms"
    };
}

fn basis(r: &rusqlite::Row<'_>) -> rusqlite::Result<BasisRow> {
    Ok(BasisRow {
        id: r.get(0)?,
        brief: r.get(1)?,
        kind: r.get(2)?,
        module: r.get(3)?,
        required: r.get(4)?,
        user_control: r.get(5)?,
        status: r.get(6)?,
        notice_version: r.get(7)?,
        revoked_through: r.get(8)?,
        created_ms: r.get(9)?,
        updated_ms: r.get(10)?,
    })
}

/// Every legal basis, by brief.
pub(crate) fn bases(db: &Db<'_>) -> Result<Vec<BasisRow>> {
    let mut stmt = db.conn.prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases ORDER BY brief"))?;
    let rows = stmt.query_map([], basis)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The legal basis `brief`.
pub(crate) fn basis_by_brief(db: &Db<'_>, brief: &str) -> Result<Option<BasisRow>> {
    Ok(db
        .conn
        .prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases WHERE brief = ?1"))?
        .query_row([brief], basis)
        .optional()?)
}

/// Insert a new legal basis (`id` ignored); its row id.
pub(crate) fn insert_basis(tx: &Tx<'_>, b: &BasisRow) -> Result<i64> {
    tx.conn
        .prepare_cached(
            "INSERT INTO legal_bases (brief, type, module, required, user_control, status, notice_version,
                 revoked_through, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(rusqlite::params![
            b.brief,
            b.kind,
            b.module,
            b.required,
            b.user_control,
            b.status,
            b.notice_version,
            b.revoked_through,
            b.created_ms,
            b.updated_ms
        ])?;
    Ok(tx.conn.last_insert_rowid())
}

/// Store a changed legal basis (by id; the brief never changes).
pub(crate) fn update_basis(tx: &Tx<'_>, b: &BasisRow) -> Result<()> {
    tx.conn
        .prepare_cached(
            "UPDATE legal_bases SET type = ?2, module = ?3, required = ?4, user_control = ?5, status = ?6,
                 notice_version = ?7, revoked_through = ?8, updated_ms = ?9
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            b.id,
            b.kind,
            b.module,
            b.required,
            b.user_control,
            b.status,
            b.notice_version,
            b.revoked_through,
            b.updated_ms
        ])?;
    Ok(())
}

macro_rules! notice_columns {
    () => {
        "basis_id, version, text, sha256, created_ms"
    };
}

fn notice(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, String, Vec<u8>, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn notice_row((basis_id, version, text, sha256, created_ms): (i64, i64, String, Vec<u8>, i64)) -> Result<NoticeRow> {
    Ok(NoticeRow { basis_id, version, text, sha256: fixed(sha256, "notice hash")?, created_ms })
}

/// Every notice version of a basis, oldest first.
pub(crate) fn notices(db: &Db<'_>, basis_id: i64) -> Result<Vec<NoticeRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        notice_columns!(),
        " FROM notices WHERE basis_id = ?1 ORDER BY version"
    ))?;
    let rows = stmt.query_map([basis_id], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(notice_row).collect()
}

/// Every notice version of every basis (for verification).
pub(crate) fn all_notices(db: &Db<'_>) -> Result<Vec<NoticeRow>> {
    let mut stmt =
        db.conn.prepare_cached(concat!("SELECT ", notice_columns!(), " FROM notices ORDER BY basis_id, version"))?;
    let rows = stmt.query_map([], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(notice_row).collect()
}

/// One notice version of a basis.
pub(crate) fn notice_of(db: &Db<'_>, basis_id: i64, version: i64) -> Result<Option<NoticeRow>> {
    db.conn
        .prepare_cached(concat!("SELECT ", notice_columns!(), " FROM notices WHERE basis_id = ?1 AND version = ?2"))?
        .query_row([basis_id, version], notice)
        .optional()?
        .map(notice_row)
        .transpose()
}

/// Append a notice version.
pub(crate) fn insert_notice(tx: &Tx<'_>, n: &NoticeRow) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO notices (basis_id, version, text, sha256, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![n.basis_id, n.version, n.text, n.sha256.as_slice(), n.created_ms])?;
    Ok(())
}

// ---- activities ------------------------------------------------------------------------------

macro_rules! activity_columns {
    () => {
        "id, name, title, description, operations, created_ms, updated_ms"
    };
}

fn activity(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActivityRow> {
    Ok(ActivityRow {
        id: r.get(0)?,
        name: r.get(1)?,
        title: r.get(2)?,
        description: r.get(3)?,
        operations: r.get(4)?,
        bases: Vec::new(),
        created_ms: r.get(5)?,
        updated_ms: r.get(6)?,
    })
}

fn with_bases(db: &Db<'_>, mut a: ActivityRow) -> Result<ActivityRow> {
    let mut stmt =
        db.conn.prepare_cached("SELECT basis_id FROM activity_bases WHERE activity_id = ?1 ORDER BY basis_id")?;
    a.bases = stmt.query_map([a.id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(a)
}

/// Every processing activity with its bases, by name.
pub(crate) fn activities(db: &Db<'_>) -> Result<Vec<ActivityRow>> {
    let mut stmt = db.conn.prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities ORDER BY name"))?;
    let rows = stmt.query_map([], activity)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|a| with_bases(db, a)).collect()
}

/// Every activity-to-basis link as stored.
pub(crate) fn links(db: &Db<'_>) -> Result<Vec<(i64, i64)>> {
    let mut stmt =
        db.conn.prepare_cached("SELECT activity_id, basis_id FROM activity_bases ORDER BY activity_id, basis_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The activity `name` with its bases.
pub(crate) fn activity_by_name(db: &Db<'_>, name: &str) -> Result<Option<ActivityRow>> {
    let found = db
        .conn
        .prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities WHERE name = ?1"))?
        .query_row([name], activity)
        .optional()?;
    found.map(|a| with_bases(db, a)).transpose()
}

/// Insert or change an activity (by name); its row id. Links are set separately.
pub(crate) fn upsert_activity(tx: &Tx<'_>, a: &ActivityRow) -> Result<i64> {
    tx.conn
        .prepare_cached(
            "INSERT INTO activities (name, title, description, operations, created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (name) DO UPDATE SET title = ?2, description = ?3, operations = ?4, updated_ms = ?6",
        )?
        .execute(rusqlite::params![a.name, a.title, a.description, a.operations, a.created_ms, a.updated_ms])?;
    Ok(tx.conn.prepare_cached("SELECT id FROM activities WHERE name = ?1")?.query_row([&a.name], |r| r.get(0))?)
}

/// Link an activity to a basis; whether the link is new.
pub(crate) fn link(tx: &Tx<'_>, activity_id: i64, basis_id: i64) -> Result<bool> {
    let result = tx
        .conn
        .prepare_cached("INSERT INTO activity_bases (activity_id, basis_id) VALUES (?1, ?2)")?
        .execute([activity_id, basis_id]);
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_conflict(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Unlink an activity from a basis; whether there was a link.
pub(crate) fn unlink(tx: &Tx<'_>, activity_id: i64, basis_id: i64) -> Result<bool> {
    Ok(tx
        .conn
        .prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1 AND basis_id = ?2")?
        .execute([activity_id, basis_id])?
        > 0)
}

/// Delete an activity and its links; whether it existed.
pub(crate) fn delete_activity(tx: &Tx<'_>, activity_id: i64) -> Result<bool> {
    tx.conn.prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1")?.execute([activity_id])?;
    Ok(tx.conn.prepare_cached("DELETE FROM activities WHERE id = ?1")?.execute([activity_id])? > 0)
}

// ---- agreements ------------------------------------------------------------------------------

macro_rules! decision_columns {
    () => {
        "seq, subject_id, basis_id, decision, notice_version, time_ms, start_ms, expires_ms, actor, details, \
         outbox_seq, prev_mac, mac"
    };
}

type RawDecision = (DecisionRow, Option<Vec<u8>>, Option<Vec<u8>>);

fn raw_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDecision> {
    let row = DecisionRow {
        seq: r.get(0)?,
        subject_id: r.get(1)?,
        basis_id: r.get(2)?,
        decision: r.get(3)?,
        notice_version: r.get(4)?,
        time_ms: r.get(5)?,
        start_ms: r.get(6)?,
        expires_ms: r.get(7)?,
        actor: r.get(8)?,
        details: r.get(9)?,
        outbox_seq: r.get(10)?,
        prev_mac: [0; 32],
        mac: [0; 32],
    };
    Ok((row, r.get(11)?, r.get(12)?))
}

fn decision((mut row, prev_mac, mac): RawDecision) -> Result<DecisionRow> {
    row.prev_mac = mac_or_none(prev_mac)?;
    row.mac = mac_or_none(mac)?;
    Ok(row)
}

/// The next agreement sequence number (decisions are appended under the write lock): above
/// every number ever handed out, also those of rows an erasure deleted.
pub(crate) fn next_seq(tx: &Tx<'_>) -> Result<i64> {
    Ok(last_seq(tx)? + 1)
}

/// The highest agreement sequence number ever handed out (0 before the first decision).
pub(crate) fn last_seq(db: &Db<'_>) -> Result<i64> {
    Ok(db
        .conn
        .prepare_cached(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'agreements'), 0),
                        coalesce((SELECT max(seq) FROM agreements), 0))",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Append a decision (its `seq` from [`next_seq`]).
pub(crate) fn append_decision(tx: &Tx<'_>, d: &DecisionRow) -> Result<()> {
    tx.conn
        .prepare_cached(concat!(
            "INSERT INTO agreements (",
            decision_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ))?
        .execute(rusqlite::params![
            d.seq,
            d.subject_id,
            d.basis_id,
            d.decision,
            d.notice_version,
            d.time_ms,
            d.start_ms,
            d.expires_ms,
            d.actor,
            d.details,
            d.outbox_seq,
            d.prev_mac.as_slice(),
            d.mac.as_slice()
        ])?;
    Ok(())
}

/// The MAC of a subject's newest decision (the one a new decision chains to), if any.
pub(crate) fn newest_decision_mac(db: &Db<'_>, subject_id: i64) -> Result<Option<[u8; 32]>> {
    let found: Option<Option<Vec<u8>>> = db
        .conn
        .prepare_cached("SELECT mac FROM agreements WHERE subject_id = ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row([subject_id], |r| r.get(0))
        .optional()?;
    found.map(mac_or_none).transpose()
}

/// Store a decision's chain MACs (giving the rows of an older format theirs).
pub(crate) fn set_decision_macs(tx: &Tx<'_>, seq: i64, prev_mac: &[u8; 32], mac: &[u8; 32]) -> Result<()> {
    tx.conn
        .prepare_cached("UPDATE agreements SET prev_mac = ?2, mac = ?3 WHERE seq = ?1")?
        .execute(rusqlite::params![seq, prev_mac.as_slice(), mac.as_slice()])?;
    Ok(())
}

/// Every subject that has decisions, by row id (for the migration and for verification).
pub(crate) fn subjects_with_decisions(db: &Db<'_>) -> Result<Vec<i64>> {
    let mut stmt = db.conn.prepare("SELECT DISTINCT subject_id FROM agreements ORDER BY subject_id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
}

/// Every decision of a subject, oldest first.
pub(crate) fn history(db: &Db<'_>, subject_id: i64) -> Result<Vec<DecisionRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        decision_columns!(),
        " FROM agreements WHERE subject_id = ?1 ORDER BY seq"
    ))?;
    let rows = stmt.query_map([subject_id], raw_decision)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(decision).collect()
}

/// One decision by sequence number.
pub(crate) fn decision_by_seq(db: &Db<'_>, seq: i64) -> Result<Option<DecisionRow>> {
    db.conn
        .prepare_cached(concat!("SELECT ", decision_columns!(), " FROM agreements WHERE seq = ?1"))?
        .query_row([seq], raw_decision)
        .optional()?
        .map(decision)
        .transpose()
}

macro_rules! current_columns {
    () => {
        "subject_id, basis_id, seq, decision, start_ms, expires_ms, mac"
    };
}

type RawCurrent = (i64, i64, i64, i64, i64, Option<i64>, Vec<u8>);

fn raw_current(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawCurrent> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn current_row((subject_id, basis_id, seq, decision, start_ms, expires_ms, mac): RawCurrent) -> Result<CurrentRow> {
    Ok(CurrentRow { subject_id, basis_id, seq, decision, start_ms, expires_ms, mac: fixed(mac, "agreement MAC")? })
}

fn current_rows_uncached(stmt: &mut rusqlite::Statement<'_>) -> Result<Vec<CurrentRow>> {
    let rows = stmt.query_map([], raw_current)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(current_row).collect()
}

/// Every current decision, by subject and basis (for the migration and for verification).
pub(crate) fn all_current(db: &Db<'_>) -> Result<Vec<CurrentRow>> {
    let mut stmt = db.conn.prepare(concat!(
        "SELECT ",
        current_columns!(),
        " FROM agreements_now ORDER BY subject_id, basis_id"
    ))?;
    current_rows_uncached(&mut stmt)
}

/// The current decisions a statement selects (with [`current_columns`]).
fn current_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> Result<Vec<CurrentRow>> {
    let rows = stmt.query_map(params, raw_current)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(current_row).collect()
}

/// The current decision of a subject about a basis (the read every purpose check makes).
pub(crate) fn current(db: &Db<'_>, subject_id: i64, basis_id: i64) -> Result<Option<CurrentRow>> {
    db.conn
        .prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE subject_id = ?1 AND basis_id = ?2"
        ))?
        .query_row([subject_id, basis_id], raw_current)
        .optional()?
        .map(current_row)
        .transpose()
}

/// [`current`], and whether it was read in the same committed state as the statement run on
/// this handle just before (`after_read`: a pooled reader's previous statement; nothing was
/// committed in between, by anyone). Never true on the writer.
pub(crate) fn current_after(
    db: &Db<'_>,
    subject_id: i64,
    basis_id: i64,
    after_read: bool,
) -> Result<(Option<CurrentRow>, bool)> {
    let before = if after_read && db.seen.is_some() { db.data_version().ok() } else { None };
    let row = current(db, subject_id, basis_id)?;
    let same = before.is_some() && db.data_version().ok() == before;
    Ok((row, same))
}

/// Every current decision of a subject.
pub(crate) fn current_of_subject(db: &Db<'_>, subject_id: i64) -> Result<Vec<CurrentRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        current_columns!(),
        " FROM agreements_now WHERE subject_id = ?1 ORDER BY basis_id"
    ))?;
    current_rows(&mut stmt, [subject_id])
}

/// Set the current decision of a subject about a basis.
pub(crate) fn set_current(tx: &Tx<'_>, c: &CurrentRow) -> Result<()> {
    tx.conn
        .prepare_cached(concat!(
            "INSERT OR REPLACE INTO agreements_now (",
            current_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        ))?
        .execute(rusqlite::params![
            c.subject_id,
            c.basis_id,
            c.seq,
            c.decision,
            c.start_ms,
            c.expires_ms,
            c.mac.as_slice()
        ])?;
    Ok(())
}

/// Up to `limit` given agreements under `basis_id` decided at or before `through` (for a
/// revocation for everyone).
pub(crate) fn given_through(db: &Db<'_>, basis_id: i64, through: i64, limit: u64) -> Result<Vec<CurrentRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        current_columns!(),
        " FROM agreements_now WHERE basis_id = ?1 AND decision = 1 AND seq <= ?2 ORDER BY seq LIMIT ?3"
    ))?;
    current_rows(&mut stmt, rusqlite::params![basis_id, through, limit as i64])
}

/// Up to `limit` given agreements whose expiry is at or before `now_ms`.
pub(crate) fn expired(db: &Db<'_>, now_ms: i64, limit: u64) -> Result<Vec<CurrentRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        current_columns!(),
        " FROM agreements_now WHERE decision = 1 AND expires_ms IS NOT NULL AND expires_ms <= ?1
         ORDER BY expires_ms LIMIT ?2"
    ))?;
    current_rows(&mut stmt, rusqlite::params![now_ms, limit as i64])
}

// ---- the outbox ------------------------------------------------------------------------------

macro_rules! event_columns {
    () => {
        "seq, subject_id, subject, basis, event, notice_version, time_ms, prev_seq, prev_mac, mac, link"
    };
}

type RawEvent = (OutboxRow, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

fn raw_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEvent> {
    let row = OutboxRow {
        seq: r.get(0)?,
        subject_id: r.get(1)?,
        subject: [0; 16],
        basis: r.get(3)?,
        event: r.get(4)?,
        notice_version: r.get(5)?,
        time_ms: r.get(6)?,
        prev_seq: r.get::<_, Option<i64>>(7)?.unwrap_or(0),
        prev_mac: [0; 32],
        mac: [0; 32],
        link: [0; 32],
    };
    Ok((row, r.get(2)?, r.get(8)?, r.get(9)?, r.get(10)?))
}

fn event_row((mut row, subject, prev_mac, mac, link): RawEvent) -> Result<OutboxRow> {
    row.subject = fixed(subject, "subject token")?;
    row.prev_mac = mac_or_none(prev_mac)?;
    row.mac = mac_or_none(mac)?;
    row.link = mac_or_none(link)?;
    Ok(row)
}

fn event_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> Result<Vec<OutboxRow>> {
    let rows = stmt.query_map(params, raw_event)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(event_row).collect()
}

/// Append a consent event with the sequence number, link and MAC it was given.
pub(crate) fn push_event(tx: &Tx<'_>, e: &OutboxRow) -> Result<()> {
    tx.conn
        .prepare_cached(concat!(
            "INSERT INTO consent_outbox (",
            event_columns!(),
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ))?
        .execute(rusqlite::params![
            e.seq,
            e.subject_id,
            e.subject.as_slice(),
            e.basis,
            e.event,
            e.notice_version,
            e.time_ms,
            e.prev_seq,
            e.prev_mac.as_slice(),
            e.mac.as_slice(),
            e.link.as_slice()
        ])?;
    Ok(())
}

/// The newest event still kept: its sequence number and MAC.
pub(crate) fn newest_event(db: &Db<'_>) -> Result<Option<(i64, [u8; 32])>> {
    let found: Option<(i64, Option<Vec<u8>>)> = db
        .conn
        .prepare_cached("SELECT seq, mac FROM consent_outbox ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(seq, mac)| Ok((seq, mac_or_none(mac)?))).transpose()
}

/// Up to `limit` events after `after`, in order, and how many there are after `after` in all.
pub(crate) fn events_after(db: &Db<'_>, after: i64, limit: u64) -> Result<(Vec<OutboxRow>, u64)> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        event_columns!(),
        " FROM consent_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2"
    ))?;
    let rows = event_rows(&mut stmt, rusqlite::params![after, limit as i64])?;
    let total: i64 = db
        .conn
        .prepare_cached("SELECT count(*) FROM consent_outbox WHERE seq > ?1")?
        .query_row([after], |r| r.get(0))?;
    Ok((rows, total as u64))
}

/// Every event, in order (for the migration and for verification).
pub(crate) fn all_events(db: &Db<'_>) -> Result<Vec<OutboxRow>> {
    let mut stmt = db.conn.prepare_cached(concat!("SELECT ", event_columns!(), " FROM consent_outbox ORDER BY seq"))?;
    event_rows(&mut stmt, [])
}

/// A subject's pending events, in order.
pub(crate) fn events_of_subject(db: &Db<'_>, subject_id: i64) -> Result<Vec<OutboxRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        event_columns!(),
        " FROM consent_outbox WHERE subject_id = ?1 ORDER BY seq"
    ))?;
    event_rows(&mut stmt, [subject_id])
}

/// Delete a subject's pending events (the caller links their successors past them).
pub(crate) fn delete_events_of_subject(tx: &Tx<'_>, subject_id: i64) -> Result<()> {
    tx.conn.prepare_cached("DELETE FROM consent_outbox WHERE subject_id = ?1")?.execute([subject_id])?;
    Ok(())
}

/// The event that names event `seq` as its predecessor, if one is kept.
pub(crate) fn event_after_link(db: &Db<'_>, seq: i64) -> Result<Option<OutboxRow>> {
    let mut stmt = db.conn.prepare_cached(concat!(
        "SELECT ",
        event_columns!(),
        " FROM consent_outbox WHERE prev_seq = ?1 ORDER BY seq LIMIT 1"
    ))?;
    Ok(event_rows(&mut stmt, [seq])?.into_iter().next())
}

/// Store an event's place in the chain (and its MAC, for a row of an older format).
pub(crate) fn relink_event(tx: &Tx<'_>, e: &OutboxRow) -> Result<()> {
    tx.conn
        .prepare_cached("UPDATE consent_outbox SET prev_seq = ?2, prev_mac = ?3, mac = ?4, link = ?5 WHERE seq = ?1")?
        .execute(rusqlite::params![e.seq, e.prev_seq, e.prev_mac.as_slice(), e.mac.as_slice(), e.link.as_slice()])?;
    Ok(())
}

/// The highest outbox sequence number ever handed out (0 before the first event).
pub(crate) fn last_event(db: &Db<'_>) -> Result<i64> {
    Ok(db
        .conn
        .prepare_cached("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'consent_outbox'), 0)")?
        .query_row([], |r| r.get(0))?)
}

/// Record that events up to every consumer's mark may have been deleted (what a vault of an
/// older format did without recording it).
pub(crate) fn mark_pruned(tx: &Tx<'_>) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO meta (name, value) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
             WHERE true ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
        )?
        .execute([])?;
    Ok(())
}

/// Every consumer's acknowledged mark, by name.
pub(crate) fn consumers(db: &Db<'_>) -> Result<Vec<(String, i64)>> {
    let mut stmt = db.conn.prepare_cached("SELECT name, acked FROM consent_consumers ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Register a consumer (from the oldest event still kept) unless it is registered.
pub(crate) fn register(tx: &Tx<'_>, consumer: &str) -> Result<()> {
    tx.conn
        .prepare_cached("INSERT INTO consent_consumers (name, acked) VALUES (?1, 0) ON CONFLICT (name) DO NOTHING")?
        .execute([consumer])?;
    Ok(())
}

/// Set a consumer's acknowledged mark, then delete the events every consumer acknowledged and
/// record up to where (`outbox_pruned` in `meta`: an event before the first one kept may be
/// missing only up to it). Returns how many events were deleted.
pub(crate) fn set_acked(tx: &Tx<'_>, consumer: &str, acked: i64) -> Result<u64> {
    tx.conn
        .prepare_cached(
            "INSERT INTO consent_consumers (name, acked) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET acked = max(acked, ?2)",
        )?
        .execute(rusqlite::params![consumer, acked])?;
    let n = tx
        .conn
        .prepare_cached("DELETE FROM consent_outbox WHERE seq <= (SELECT min(acked) FROM consent_consumers)")?
        .execute([])?;
    tx.conn
        .prepare_cached(
            "INSERT INTO meta (name, value) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
             WHERE true ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
        )?
        .execute([])?;
    Ok(n as u64)
}

// ---- erasure ---------------------------------------------------------------------------------

/// Delete every agreement row of a subject (its outbox events go through `policy::seal`, which
/// keeps the outbox's chain whole); how many decisions were removed.
pub(crate) fn delete_of_subject(tx: &Tx<'_>, subject_id: i64) -> Result<u64> {
    let n = tx.conn.prepare_cached("DELETE FROM agreements WHERE subject_id = ?1")?.execute([subject_id])?;
    tx.conn.prepare_cached("DELETE FROM agreements_now WHERE subject_id = ?1")?.execute([subject_id])?;
    Ok(n as u64)
}

/// (basis id, version, SHA-256 of the text, created) of a notice version.
pub(crate) type NoticeHash = (i64, i64, [u8; 32], i64);

/// (basis id, version, SHA-256 of the text, created) of every notice version.
pub(crate) fn notice_hashes(db: &Db<'_>) -> Result<Vec<NoticeHash>> {
    let mut stmt = db
        .conn
        .prepare_cached("SELECT basis_id, version, sha256, created_ms FROM notices ORDER BY basis_id, version")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?, r.get::<_, i64>(3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(b, v, sha, c)| Ok((b, v, fixed(sha, "notice hash")?, c))).collect()
}
