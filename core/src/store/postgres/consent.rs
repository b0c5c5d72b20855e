//! The consent tables: the catalogue (legal bases, notice versions, activities and their links,
//! the generation in `meta`), the agreements (the append-only history and its current view) and
//! the outbox of consent events with its consumers' marks.

use postgres::Row;

use super::meta::{num, raise};
use super::{fixed, get, limit, mac_or_none, Db};
use crate::consent::store::{
    ActivityRow, BasisRow, CatalogueReads, CatalogueWrites, CurrentRow, DecisionReads, DecisionRow, DecisionWrites,
    NoticeHash, NoticeRow, OutboxReads, OutboxRow, OutboxWrites,
};
use crate::error::Result;

// ---- the catalogue ----

macro_rules! basis_columns {
    () => {
        "id, brief, type, module, required, user_control, status, notice_version, revoked_through, created_ms, updated_ms"
    };
}

fn basis(r: &Row) -> Result<BasisRow> {
    Ok(BasisRow {
        id: get(r, 0)?,
        brief: get(r, 1)?,
        kind: get(r, 2)?,
        module: get(r, 3)?,
        required: get(r, 4)?,
        user_control: get(r, 5)?,
        status: get(r, 6)?,
        notice_version: get(r, 7)?,
        revoked_through: get(r, 8)?,
        created_ms: get(r, 9)?,
        updated_ms: get(r, 10)?,
    })
}

macro_rules! notice_columns {
    () => {
        "basis_id, version, text, sha256, created_ms"
    };
}

fn notice(r: &Row) -> Result<NoticeRow> {
    Ok(NoticeRow {
        basis_id: get(r, 0)?,
        version: get(r, 1)?,
        text: get(r, 2)?,
        sha256: fixed(get(r, 3)?, "notice hash")?,
        created_ms: get(r, 4)?,
    })
}

macro_rules! activity_columns {
    () => {
        "id, name, title, description, operations, created_ms, updated_ms"
    };
}

fn activity(db: &Db<'_>, r: &Row) -> Result<ActivityRow> {
    let id: i64 = get(r, 0)?;
    let links = db.rows("SELECT basis_id FROM activity_bases WHERE activity_id = $1 ORDER BY basis_id", &[&id])?;
    Ok(ActivityRow {
        id,
        name: get(r, 1)?,
        title: get(r, 2)?,
        description: get(r, 3)?,
        operations: get(r, 4)?,
        bases: links.iter().map(|l| get(l, 0)).collect::<Result<_>>()?,
        created_ms: get(r, 5)?,
        updated_ms: get(r, 6)?,
    })
}

impl CatalogueReads for Db<'_> {
    fn catalogue_generation(&self, _after_read: bool) -> Result<i64> {
        // Read with the write lock (nobody else can change it until this transaction ends), or
        // from the database every time: another process's change shows at once.
        if let Some(generation) = self.prefetched.generation.get() {
            return Ok(generation);
        }
        Ok(num(self, "consent_generation")?.unwrap_or(0))
    }

    fn bases(&self) -> Result<Vec<BasisRow>> {
        self.all(concat!("SELECT ", basis_columns!(), " FROM legal_bases ORDER BY brief"), &[], basis)
    }

    fn restrictions(&self) -> Result<Vec<(i64, i64)>> {
        self.all("SELECT subject_id, since_ms FROM restrictions ORDER BY subject_id", &[], |r| {
            Ok((get(r, 0)?, get(r, 1)?))
        })
    }

    fn basis_by_brief(&self, brief: &str) -> Result<Option<BasisRow>> {
        self.maybe(concat!("SELECT ", basis_columns!(), " FROM legal_bases WHERE brief = $1"), &[&brief], basis)
    }

    fn notices_of_basis(&self, basis_id: i64) -> Result<Vec<NoticeRow>> {
        self.all(
            concat!("SELECT ", notice_columns!(), " FROM notices WHERE basis_id = $1 ORDER BY version"),
            &[&basis_id],
            notice,
        )
    }

    fn all_notices(&self) -> Result<Vec<NoticeRow>> {
        self.all(concat!("SELECT ", notice_columns!(), " FROM notices ORDER BY basis_id, version"), &[], notice)
    }

    fn notice_of(&self, basis_id: i64, version: i64) -> Result<Option<NoticeRow>> {
        self.maybe(
            concat!("SELECT ", notice_columns!(), " FROM notices WHERE basis_id = $1 AND version = $2"),
            &[&basis_id, &version],
            notice,
        )
    }

    fn activities(&self) -> Result<Vec<ActivityRow>> {
        let rows = self.rows(concat!("SELECT ", activity_columns!(), " FROM activities ORDER BY name"), &[])?;
        rows.iter().map(|r| activity(self, r)).collect()
    }

    fn activity_links(&self) -> Result<Vec<(i64, i64)>> {
        self.all("SELECT activity_id, basis_id FROM activity_bases ORDER BY activity_id, basis_id", &[], |r| {
            Ok((get(r, 0)?, get(r, 1)?))
        })
    }

    fn activity_by_name(&self, name: &str) -> Result<Option<ActivityRow>> {
        self.maybe(concat!("SELECT ", activity_columns!(), " FROM activities WHERE name = $1"), &[&name], |r| {
            activity(self, r)
        })
    }

    fn notice_hashes(&self) -> Result<Vec<NoticeHash>> {
        self.all("SELECT basis_id, version, sha256, created_ms FROM notices ORDER BY basis_id, version", &[], |r| {
            Ok((get(r, 0)?, get(r, 1)?, fixed(get(r, 2)?, "notice hash")?, get(r, 3)?))
        })
    }
}

impl CatalogueWrites for Db<'_> {
    fn bump_catalogue_generation(&self) -> Result<()> {
        self.prefetched.generation.set(None);
        self.exec(
            "INSERT INTO meta (name, num) VALUES ('consent_generation', 1)
             ON CONFLICT (name) DO UPDATE SET num = meta.num + 1",
            &[],
        )?;
        Ok(())
    }

    fn insert_basis(&self, b: &BasisRow) -> Result<i64> {
        let r = self.one(
            "INSERT INTO legal_bases (brief, type, module, required, user_control, status, notice_version,
                 revoked_through, created_ms, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                &b.brief,
                &b.kind,
                &b.module,
                &b.required,
                &b.user_control,
                &b.status,
                &b.notice_version,
                &b.revoked_through,
                &b.created_ms,
                &b.updated_ms,
            ],
        )?;
        get(&r, 0)
    }

    fn update_basis(&self, b: &BasisRow) -> Result<()> {
        self.exec(
            "UPDATE legal_bases SET type = $2, module = $3, required = $4, user_control = $5, status = $6,
                 notice_version = $7, revoked_through = $8, updated_ms = $9
             WHERE id = $1",
            &[
                &b.id,
                &b.kind,
                &b.module,
                &b.required,
                &b.user_control,
                &b.status,
                &b.notice_version,
                &b.revoked_through,
                &b.updated_ms,
            ],
        )?;
        Ok(())
    }

    fn insert_notice(&self, n: &NoticeRow) -> Result<()> {
        self.exec(
            "INSERT INTO notices (basis_id, version, text, sha256, created_ms) VALUES ($1, $2, $3, $4, $5)",
            &[&n.basis_id, &n.version, &n.text, &n.sha256.as_slice(), &n.created_ms],
        )?;
        Ok(())
    }

    fn upsert_activity(&self, a: &ActivityRow) -> Result<i64> {
        let r = self.one(
            "INSERT INTO activities (name, title, description, operations, created_ms, updated_ms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (name) DO UPDATE SET title = $2, description = $3, operations = $4, updated_ms = $6
             RETURNING id",
            &[&a.name, &a.title, &a.description, &a.operations, &a.created_ms, &a.updated_ms],
        )?;
        get(&r, 0)
    }

    fn link_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let n = self.exec(
            "INSERT INTO activity_bases (activity_id, basis_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&activity_id, &basis_id],
        )?;
        Ok(n == 1)
    }

    fn unlink_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool> {
        let n = self
            .exec("DELETE FROM activity_bases WHERE activity_id = $1 AND basis_id = $2", &[&activity_id, &basis_id])?;
        Ok(n > 0)
    }

    fn delete_activity(&self, activity_id: i64) -> Result<bool> {
        self.exec("DELETE FROM activity_bases WHERE activity_id = $1", &[&activity_id])?;
        Ok(self.exec("DELETE FROM activities WHERE id = $1", &[&activity_id])? > 0)
    }

    fn insert_restriction(&self, subject_id: i64, since_ms: i64) -> Result<bool> {
        let sql = "INSERT INTO restrictions (subject_id, since_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING";
        Ok(self.exec(sql, &[&subject_id, &since_ms])? > 0)
    }

    fn delete_restriction(&self, subject_id: i64) -> Result<bool> {
        Ok(self.exec("DELETE FROM restrictions WHERE subject_id = $1", &[&subject_id])? > 0)
    }
}

// ---- the agreements ----

macro_rules! decision_columns {
    () => {
        "seq, subject_id, basis_id, decision, notice_version, time_ms, start_ms, expires_ms, actor, details, \
         outbox_seq, prev_mac, mac"
    };
}

fn decision(r: &Row) -> Result<DecisionRow> {
    Ok(DecisionRow {
        seq: get(r, 0)?,
        subject_id: get(r, 1)?,
        basis_id: get(r, 2)?,
        decision: get(r, 3)?,
        notice_version: get(r, 4)?,
        time_ms: get(r, 5)?,
        start_ms: get(r, 6)?,
        expires_ms: get(r, 7)?,
        actor: get(r, 8)?,
        details: get(r, 9)?,
        outbox_seq: get(r, 10)?,
        prev_mac: mac_or_none(get(r, 11)?)?,
        mac: mac_or_none(get(r, 12)?)?,
    })
}

macro_rules! current_columns {
    () => {
        "subject_id, basis_id, seq, decision, start_ms, expires_ms, mac"
    };
}

fn current(r: &Row) -> Result<CurrentRow> {
    Ok(CurrentRow {
        subject_id: get(r, 0)?,
        basis_id: get(r, 1)?,
        seq: get(r, 2)?,
        decision: get(r, 3)?,
        start_ms: get(r, 4)?,
        expires_ms: get(r, 5)?,
        mac: fixed(get(r, 6)?, "agreement MAC")?,
    })
}

impl DecisionReads for Db<'_> {
    fn last_decision_seq(&self) -> Result<i64> {
        let r = self.one(
            "SELECT greatest(coalesce((SELECT num FROM meta WHERE name = 'agreements_seq'), 0),
                             coalesce((SELECT max(seq) FROM agreements), 0))",
            &[],
        )?;
        get(&r, 0)
    }

    fn newest_decision_mac(&self, subject_id: i64) -> Result<Option<[u8; 32]>> {
        self.maybe("SELECT mac FROM agreements WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1", &[&subject_id], |r| {
            mac_or_none(get(r, 0)?)
        })
    }

    fn subjects_with_decisions(&self) -> Result<Vec<i64>> {
        self.all("SELECT DISTINCT subject_id FROM agreements ORDER BY subject_id", &[], |r| get(r, 0))
    }

    fn decision_history(&self, subject_id: i64) -> Result<Vec<DecisionRow>> {
        self.all(
            concat!("SELECT ", decision_columns!(), " FROM agreements WHERE subject_id = $1 ORDER BY seq"),
            &[&subject_id],
            decision,
        )
    }

    fn decision_by_seq(&self, seq: i64) -> Result<Option<DecisionRow>> {
        self.maybe(concat!("SELECT ", decision_columns!(), " FROM agreements WHERE seq = $1"), &[&seq], decision)
    }

    fn all_current_decisions(&self) -> Result<Vec<CurrentRow>> {
        self.all(
            concat!("SELECT ", current_columns!(), " FROM agreements_now ORDER BY subject_id, basis_id"),
            &[],
            current,
        )
    }

    fn current_decision(&self, subject_id: i64, basis_id: i64) -> Result<Option<CurrentRow>> {
        self.maybe(
            concat!("SELECT ", current_columns!(), " FROM agreements_now WHERE subject_id = $1 AND basis_id = $2"),
            &[&subject_id, &basis_id],
            current,
        )
    }

    fn current_decision_after(
        &self,
        subject_id: i64,
        basis_id: i64,
        _after_read: bool,
    ) -> Result<(Option<CurrentRow>, bool)> {
        // Two statements on the server never share a state unless inside one transaction: the
        // caller always checks again.
        Ok((self.current_decision(subject_id, basis_id)?, false))
    }

    fn current_decisions_of_subject(&self, subject_id: i64) -> Result<Vec<CurrentRow>> {
        self.all(
            concat!("SELECT ", current_columns!(), " FROM agreements_now WHERE subject_id = $1 ORDER BY basis_id"),
            &[&subject_id],
            current,
        )
    }

    fn given_through(&self, basis_id: i64, through: i64, n: u64) -> Result<Vec<CurrentRow>> {
        self.all(
            concat!(
                "SELECT ",
                current_columns!(),
                " FROM agreements_now WHERE basis_id = $1 AND decision = 1 AND seq <= $2 ORDER BY seq LIMIT $3"
            ),
            &[&basis_id, &through, &limit(n)],
            current,
        )
    }

    fn expired_decisions(&self, now_ms: i64, n: u64) -> Result<Vec<CurrentRow>> {
        self.all(
            concat!(
                "SELECT ",
                current_columns!(),
                " FROM agreements_now WHERE decision = 1 AND expires_ms IS NOT NULL AND expires_ms <= $1
                 ORDER BY expires_ms LIMIT $2"
            ),
            &[&now_ms, &limit(n)],
            current,
        )
    }
}

impl DecisionWrites for Db<'_> {
    fn next_decision_seq(&self) -> Result<i64> {
        Ok(self.last_decision_seq()? + 1)
    }

    fn append_decision(&self, d: &DecisionRow) -> Result<()> {
        self.exec(
            concat!(
                "INSERT INTO agreements (",
                decision_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ),
            &[
                &d.seq,
                &d.subject_id,
                &d.basis_id,
                &d.decision,
                &d.notice_version,
                &d.time_ms,
                &d.start_ms,
                &d.expires_ms,
                &d.actor,
                &d.details,
                &d.outbox_seq,
                &d.prev_mac.as_slice(),
                &d.mac.as_slice(),
            ],
        )?;
        raise(self, "agreements_seq", d.seq)
    }

    fn set_decision_macs(&self, seq: i64, prev_mac: &[u8; 32], mac: &[u8; 32]) -> Result<()> {
        self.exec(
            "UPDATE agreements SET prev_mac = $2, mac = $3 WHERE seq = $1",
            &[&seq, &prev_mac.as_slice(), &mac.as_slice()],
        )?;
        Ok(())
    }

    fn set_current_decision(&self, c: &CurrentRow) -> Result<()> {
        self.exec(
            concat!(
                "INSERT INTO agreements_now (",
                current_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (subject_id, basis_id) DO UPDATE SET seq = $3, decision = $4, start_ms = $5,
                     expires_ms = $6, mac = $7"
            ),
            &[&c.subject_id, &c.basis_id, &c.seq, &c.decision, &c.start_ms, &c.expires_ms, &c.mac.as_slice()],
        )?;
        Ok(())
    }

    fn delete_decisions_of_subject(&self, subject_id: i64) -> Result<u64> {
        let n = self.exec("DELETE FROM agreements WHERE subject_id = $1", &[&subject_id])?;
        self.exec("DELETE FROM agreements_now WHERE subject_id = $1", &[&subject_id])?;
        Ok(n)
    }
}

// ---- the outbox ----

macro_rules! event_columns {
    () => {
        "seq, subject_id, subject, basis, event, notice_version, time_ms, prev_seq, prev_mac, mac, link"
    };
}

fn event(r: &Row) -> Result<OutboxRow> {
    Ok(OutboxRow {
        seq: get(r, 0)?,
        subject_id: get(r, 1)?,
        subject: fixed(get(r, 2)?, "subject token")?,
        basis: get(r, 3)?,
        event: get(r, 4)?,
        notice_version: get(r, 5)?,
        time_ms: get(r, 6)?,
        prev_seq: get::<Option<i64>>(r, 7)?.unwrap_or(0),
        prev_mac: mac_or_none(get(r, 8)?)?,
        mac: mac_or_none(get(r, 9)?)?,
        link: mac_or_none(get(r, 10)?)?,
    })
}

/// Record up to where every consumer acknowledged (an event before the first one kept may be
/// missing only up to it).
fn record_pruned(db: &Db<'_>) -> Result<()> {
    db.exec(
        "INSERT INTO meta (name, num) SELECT 'outbox_pruned', coalesce(min(acked), 0) FROM consent_consumers
         ON CONFLICT (name) DO UPDATE SET num = greatest(meta.num, excluded.num)",
        &[],
    )?;
    Ok(())
}

impl OutboxReads for Db<'_> {
    fn newest_outbox_event(&self) -> Result<Option<(i64, [u8; 32])>> {
        self.maybe("SELECT seq, mac FROM consent_outbox ORDER BY seq DESC LIMIT 1", &[], |r| {
            Ok((get(r, 0)?, mac_or_none(get(r, 1)?)?))
        })
    }

    fn outbox_events_after(&self, after: i64, n: u64) -> Result<(Vec<OutboxRow>, u64)> {
        let rows = self.rows(
            concat!("SELECT ", event_columns!(), " FROM consent_outbox WHERE seq > $1 ORDER BY seq LIMIT $2"),
            &[&after, &limit(n)],
        )?;
        let events = rows.iter().map(event).collect::<Result<Vec<_>>>()?;
        let total: i64 = get(&self.one("SELECT count(*) FROM consent_outbox WHERE seq > $1", &[&after])?, 0)?;
        Ok((events, total as u64))
    }

    fn all_outbox_events(&self) -> Result<Vec<OutboxRow>> {
        self.all(concat!("SELECT ", event_columns!(), " FROM consent_outbox ORDER BY seq"), &[], event)
    }

    fn outbox_events_of_subject(&self, subject_id: i64) -> Result<Vec<OutboxRow>> {
        self.all(
            concat!("SELECT ", event_columns!(), " FROM consent_outbox WHERE subject_id = $1 ORDER BY seq"),
            &[&subject_id],
            event,
        )
    }

    fn outbox_event_after_link(&self, seq: i64) -> Result<Option<OutboxRow>> {
        self.maybe(
            concat!("SELECT ", event_columns!(), " FROM consent_outbox WHERE prev_seq = $1 ORDER BY seq LIMIT 1"),
            &[&seq],
            event,
        )
    }

    fn last_outbox_seq(&self) -> Result<i64> {
        let r = self.one(
            "SELECT greatest(coalesce((SELECT num FROM meta WHERE name = 'outbox_seq'), 0),
                             coalesce((SELECT max(seq) FROM consent_outbox), 0))",
            &[],
        )?;
        get(&r, 0)
    }

    fn outbox_consumers(&self) -> Result<Vec<(String, i64)>> {
        self.all("SELECT name, acked FROM consent_consumers ORDER BY name", &[], |r| Ok((get(r, 0)?, get(r, 1)?)))
    }
}

impl OutboxWrites for Db<'_> {
    fn push_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        self.exec(
            concat!(
                "INSERT INTO consent_outbox (",
                event_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ),
            &[
                &e.seq,
                &e.subject_id,
                &e.subject.as_slice(),
                &e.basis,
                &e.event,
                &e.notice_version,
                &e.time_ms,
                &e.prev_seq,
                &e.prev_mac.as_slice(),
                &e.mac.as_slice(),
                &e.link.as_slice(),
            ],
        )?;
        raise(self, "outbox_seq", e.seq)
    }

    fn delete_outbox_events_of_subject(&self, subject_id: i64) -> Result<()> {
        self.exec("DELETE FROM consent_outbox WHERE subject_id = $1", &[&subject_id])?;
        Ok(())
    }

    fn relink_outbox_event(&self, e: &OutboxRow) -> Result<()> {
        self.exec(
            "UPDATE consent_outbox SET prev_seq = $2, prev_mac = $3, mac = $4, link = $5 WHERE seq = $1",
            &[&e.seq, &e.prev_seq, &e.prev_mac.as_slice(), &e.mac.as_slice(), &e.link.as_slice()],
        )?;
        Ok(())
    }

    fn mark_outbox_pruned(&self) -> Result<()> {
        record_pruned(self)
    }

    fn register_consumer(&self, consumer: &str) -> Result<()> {
        self.exec(
            "INSERT INTO consent_consumers (name, acked) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
            &[&consumer],
        )?;
        Ok(())
    }

    fn set_consumer_acked(&self, consumer: &str, acked: i64) -> Result<u64> {
        self.exec(
            "INSERT INTO consent_consumers (name, acked) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET acked = greatest(consent_consumers.acked, $2)",
            &[&consumer, &acked],
        )?;
        let n = self.exec("DELETE FROM consent_outbox WHERE seq <= (SELECT min(acked) FROM consent_consumers)", &[])?;
        record_pruned(self)?;
        Ok(n)
    }
}
