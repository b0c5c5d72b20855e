//! The consent tables: legal bases and their notice versions, processing activities and their
//! links, the append-only agreement history with its current view, the outbox of consent
//! events and its consumers' marks, and the catalogue generation in `meta`.

use rusqlite::OptionalExtension;

use super::{fixed, is_conflict, mac_or_none, Db};
use crate::consent::store::{
    ActivityRow, BasisRow, ConsentReads, ConsentWrites, CurrentRow, DecisionRow, NoticeHash, NoticeRow, OutboxRow,
};
use crate::error::Result;

// ---- the catalogue generation ----------------------------------------------------------------

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

/// The current decisions a statement selects (with [`current_columns`]).
fn current_rows(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> Result<Vec<CurrentRow>> {
    let rows = stmt.query_map(params, raw_current)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(current_row).collect()
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

// ---- erasure ---------------------------------------------------------------------------------

impl ConsentReads for Db<'_> {
    fn catalogue_generation(&self, after_read: bool) -> Result<i64> {
        let db = self;
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

    fn bases(&self) -> Result<Vec<BasisRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases ORDER BY brief"))?;
        let rows = stmt.query_map([], basis)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn basis_by_brief(&self, brief: &str) -> Result<Option<BasisRow>> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached(concat!("SELECT ", basis_columns!(), " FROM legal_bases WHERE brief = ?1"))?
            .query_row([brief], basis)
            .optional()?)
    }

    fn notices_of_basis(&self, basis_id: i64) -> Result<Vec<NoticeRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            notice_columns!(),
            " FROM notices WHERE basis_id = ?1 ORDER BY version"
        ))?;
        let rows = stmt.query_map([basis_id], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(notice_row).collect()
    }

    fn all_notices(&self) -> Result<Vec<NoticeRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            notice_columns!(),
            " FROM notices ORDER BY basis_id, version"
        ))?;
        let rows = stmt.query_map([], notice)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(notice_row).collect()
    }

    fn notice_of(&self, basis_id: i64, version: i64) -> Result<Option<NoticeRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!(
                "SELECT ",
                notice_columns!(),
                " FROM notices WHERE basis_id = ?1 AND version = ?2"
            ))?
            .query_row([basis_id, version], notice)
            .optional()?
            .map(notice_row)
            .transpose()
    }

    fn activities(&self) -> Result<Vec<ActivityRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities ORDER BY name"))?;
        let rows = stmt.query_map([], activity)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|a| with_bases(db, a)).collect()
    }

    fn activity_links(&self) -> Result<Vec<(i64, i64)>> {
        let db = self;
        let mut stmt = db
            .conn
            .prepare_cached("SELECT activity_id, basis_id FROM activity_bases ORDER BY activity_id, basis_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn activity_by_name(&self, name: &str) -> Result<Option<ActivityRow>> {
        let db = self;
        let found = db
            .conn
            .prepare_cached(concat!("SELECT ", activity_columns!(), " FROM activities WHERE name = ?1"))?
            .query_row([name], activity)
            .optional()?;
        found.map(|a| with_bases(db, a)).transpose()
    }

    fn last_decision_seq(&self) -> Result<i64> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'agreements'), 0),
                            coalesce((SELECT max(seq) FROM agreements), 0))",
            )?
            .query_row([], |r| r.get(0))?)
    }

    fn newest_decision_mac(&self, subject_id: i64) -> Result<Option<[u8; 32]>> {
        let db = self;
        let found: Option<Option<Vec<u8>>> = db
            .conn
            .prepare_cached("SELECT mac FROM agreements WHERE subject_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([subject_id], |r| r.get(0))
            .optional()?;
        found.map(mac_or_none).transpose()
    }

    fn subjects_with_decisions(&self) -> Result<Vec<i64>> {
        let db = self;
        let mut stmt = db.conn.prepare("SELECT DISTINCT subject_id FROM agreements ORDER BY subject_id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
    }

    fn decision_history(&self, subject_id: i64) -> Result<Vec<DecisionRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            decision_columns!(),
            " FROM agreements WHERE subject_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([subject_id], raw_decision)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(decision).collect()
    }

    fn decision_by_seq(&self, seq: i64) -> Result<Option<DecisionRow>> {
        let db = self;
        db.conn
            .prepare_cached(concat!("SELECT ", decision_columns!(), " FROM agreements WHERE seq = ?1"))?
            .query_row([seq], raw_decision)
            .optional()?
            .map(decision)
            .transpose()
    }

    fn all_current_decisions(&self) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now ORDER BY subject_id, basis_id"
        ))?;
        current_rows_uncached(&mut stmt)
    }

    fn current_decision(&self, subject_id: i64, basis_id: i64) -> Result<Option<CurrentRow>> {
        let db = self;
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

    fn current_decision_after(
        &self,
        subject_id: i64,
        basis_id: i64,
        after_read: bool,
    ) -> Result<(Option<CurrentRow>, bool)> {
        let db = self;
        let before = if after_read && db.seen.is_some() { db.data_version().ok() } else { None };
        let row = db.current_decision(subject_id, basis_id)?;
        let same = before.is_some() && db.data_version().ok() == before;
        Ok((row, same))
    }

    fn current_decisions_of_subject(&self, subject_id: i64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE subject_id = ?1 ORDER BY basis_id"
        ))?;
        current_rows(&mut stmt, [subject_id])
    }

    fn given_through(&self, basis_id: i64, through: i64, limit: u64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE basis_id = ?1 AND decision = 1 AND seq <= ?2 ORDER BY seq LIMIT ?3"
        ))?;
        current_rows(&mut stmt, rusqlite::params![basis_id, through, limit as i64])
    }

    fn expired_decisions(&self, now_ms: i64, limit: u64) -> Result<Vec<CurrentRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            current_columns!(),
            " FROM agreements_now WHERE decision = 1 AND expires_ms IS NOT NULL AND expires_ms <= ?1
             ORDER BY expires_ms LIMIT ?2"
        ))?;
        current_rows(&mut stmt, rusqlite::params![now_ms, limit as i64])
    }

    fn newest_outbox_event(&self) -> Result<Option<(i64, [u8; 32])>> {
        let db = self;
        let found: Option<(i64, Option<Vec<u8>>)> = db
            .conn
            .prepare_cached("SELECT seq, mac FROM consent_outbox ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found.map(|(seq, mac)| Ok((seq, mac_or_none(mac)?))).transpose()
    }

    fn outbox_events_after(&self, after: i64, limit: u64) -> Result<(Vec<OutboxRow>, u64)> {
        let db = self;
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

    fn all_outbox_events(&self) -> Result<Vec<OutboxRow>> {
        let db = self;
        let mut stmt =
            db.conn.prepare_cached(concat!("SELECT ", event_columns!(), " FROM consent_outbox ORDER BY seq"))?;
        event_rows(&mut stmt, [])
    }

    fn outbox_events_of_subject(&self, subject_id: i64) -> Result<Vec<OutboxRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM consent_outbox WHERE subject_id = ?1 ORDER BY seq"
        ))?;
        event_rows(&mut stmt, [subject_id])
    }

    fn outbox_event_after_link(&self, seq: i64) -> Result<Option<OutboxRow>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached(concat!(
            "SELECT ",
            event_columns!(),
            " FROM consent_outbox WHERE prev_seq = ?1 ORDER BY seq LIMIT 1"
        ))?;
        Ok(event_rows(&mut stmt, [seq])?.into_iter().next())
    }

    fn last_outbox_seq(&self) -> Result<i64> {
        let db = self;
        Ok(db
            .conn
            .prepare_cached("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'consent_outbox'), 0)")?
            .query_row([], |r| r.get(0))?)
    }

    fn outbox_consumers(&self) -> Result<Vec<(String, i64)>> {
        let db = self;
        let mut stmt = db.conn.prepare_cached("SELECT name, acked FROM consent_consumers ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn notice_hashes(&self) -> Result<Vec<NoticeHash>> {
        let db = self;
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
}

impl ConsentWrites for Db<'_> {
    fn bump_catalogue_generation(&self) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES ('consent_generation', 1)
                 ON CONFLICT (name) DO UPDATE SET value = value + 1",
            )?
            .execute([])?;
        Ok(())
    }

    fn insert_basis(&self, b: &BasisRow) -> Result<i64> {
        let tx = self;
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

    fn update_basis(&self, b: &BasisRow) -> Result<()> {
        let tx = self;
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

    fn insert_notice(&self, n: &NoticeRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO notices (basis_id, version, text, sha256, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![n.basis_id, n.version, n.text, n.sha256.as_slice(), n.created_ms])?;
        Ok(())
    }

    fn upsert_activity(&self, a: &ActivityRow) -> Result<i64> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO activities (name, title, description, operations, created_ms, updated_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (name) DO UPDATE SET title = ?2, description = ?3, operations = ?4, updated_ms = ?6",
            )?
            .execute(rusqlite::params![a.name, a.title, a.description, a.operations, a.created_ms, a.updated_ms])?;
        Ok(tx.conn.prepare_cached("SELECT id FROM activities WHERE name = ?1")?.query_row([&a.name], |r| r.get(0))?)
    }

    fn link_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let tx = self;
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

    fn unlink_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let tx = self;
        Ok(tx
            .conn
            .prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1 AND basis_id = ?2")?
            .execute([activity_id, basis_id])?
            > 0)
    }

    fn delete_activity(&self, activity_id: i64) -> Result<bool> {
        let tx = self;
        tx.conn.prepare_cached("DELETE FROM activity_bases WHERE activity_id = ?1")?.execute([activity_id])?;
        Ok(tx.conn.prepare_cached("DELETE FROM activities WHERE id = ?1")?.execute([activity_id])? > 0)
    }

    fn next_decision_seq(&self) -> Result<i64> {
        let tx = self;
        Ok(tx.last_decision_seq()? + 1)
    }

    fn append_decision(&self, d: &DecisionRow) -> Result<()> {
        let tx = self;
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

    fn set_decision_macs(&self, seq: i64, prev_mac: &[u8; 32], mac: &[u8; 32]) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("UPDATE agreements SET prev_mac = ?2, mac = ?3 WHERE seq = ?1")?
            .execute(rusqlite::params![seq, prev_mac.as_slice(), mac.as_slice()])?;
        Ok(())
    }

    fn set_current_decision(&self, c: &CurrentRow) -> Result<()> {
        let tx = self;
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

    fn push_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        let tx = self;
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

    fn delete_outbox_events_of_subject(&self, subject_id: i64) -> Result<()> {
        let tx = self;
        tx.conn.prepare_cached("DELETE FROM consent_outbox WHERE subject_id = ?1")?.execute([subject_id])?;
        Ok(())
    }

    fn relink_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "UPDATE consent_outbox SET prev_seq = ?2, prev_mac = ?3, mac = ?4, link = ?5 WHERE seq = ?1",
            )?
            .execute(rusqlite::params![
                e.seq,
                e.prev_seq,
                e.prev_mac.as_slice(),
                e.mac.as_slice(),
                e.link.as_slice()
            ])?;
        Ok(())
    }

    fn mark_outbox_pruned(&self) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
                 WHERE true ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            )?
            .execute([])?;
        Ok(())
    }

    fn register_consumer(&self, consumer: &str) -> Result<()> {
        let tx = self;
        tx.conn
            .prepare_cached("INSERT INTO consent_consumers (name, acked) VALUES (?1, 0) ON CONFLICT (name) DO NOTHING")?
            .execute([consumer])?;
        Ok(())
    }

    fn set_consumer_acked(&self, consumer: &str, acked: i64) -> Result<u64> {
        let tx = self;
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

    fn delete_decisions_of_subject(&self, subject_id: i64) -> Result<u64> {
        let tx = self;
        let n = tx.conn.prepare_cached("DELETE FROM agreements WHERE subject_id = ?1")?.execute([subject_id])?;
        tx.conn.prepare_cached("DELETE FROM agreements_now WHERE subject_id = ?1")?.execute([subject_id])?;
        Ok(n as u64)
    }
}
