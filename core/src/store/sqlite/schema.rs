//! The schema, its forward-only migrations, and the check that a file holds exactly the schema
//! objects bunkerlite made (a trigger, view or table planted by someone who can write the file
//! could copy rows out before an erasure, so any extra object is `INTEGRITY`). The database holds
//! ciphertext, keyed hashes, random tokens, timestamps and the audit chain; never a plaintext
//! value of a subject.

use std::sync::OnceLock;

use rusqlite::Connection;

use super::{Db, Tx};
use crate::error::{Error, ErrorKind, Result};

/// `PRAGMA application_id` of a bunkerlite vault ("BLV1"), so other SQLite files are told apart.
pub(crate) const APPLICATION_ID: i32 = 0x424C_5631;

/// The first format this build opens. Format 1 was written by pre-release builds and is not
/// migrated (see the README).
const FIRST_SUPPORTED: i64 = 2;

/// Migrations, in order: `(version it makes, SQL)`. An empty file runs all of them; a file at a
/// supported version runs those above it. Never edit a released migration; append a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        2,
        r#"
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY NOT NULL,
        value ANY NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- How the root key is unlocked: one row per method ('master': a key derived from the master
    -- key wraps it; passphrase, recovery shares and HSMs later). Rekeying rewrites one row.
    CREATE TABLE key_wrappings (
        method     TEXT PRIMARY KEY NOT NULL,
        params     BLOB,
        wrapped    BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- Random purpose keys (KEK, index root, audit MAC, ...) wrapped by the root key. `id` is the
    -- key id written in the envelopes a key seals; one active key per purpose.
    CREATE TABLE keys (
        id         INTEGER PRIMARY KEY,
        purpose    TEXT NOT NULL,
        wrapped    BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        retired_ms INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX keys_active ON keys (purpose) WHERE retired_ms IS NULL;

    -- One row per person. `dek` is the subject's data key wrapped by the KEK; deleting the row
    -- (with secure_delete on) is the crypto-shredding of everything encrypted under it. The
    -- profile's ciphertext is bound to (version, created_ms, updated_ms).
    -- AUTOINCREMENT: an id is never reused, so audit events keep pointing at one subject.
    CREATE TABLE subjects (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        token      BLOB NOT NULL UNIQUE CHECK (length(token) = 16),
        dek        BLOB NOT NULL,
        profile    BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        version    INTEGER NOT NULL DEFAULT 1
    ) STRICT;

    -- Blind indexes. The primary key makes identity fields unique in the database itself, so
    -- concurrent writers cannot both insert the same value.
    CREATE TABLE subject_index (
        field      TEXT NOT NULL,
        hash       BLOB NOT NULL,
        subject_id INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        PRIMARY KEY (field, hash)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX subject_index_subject ON subject_index (subject_id);

    -- Tokens of erased subjects: the fact of an erasure, no personal data.
    CREATE TABLE erased (
        token      BLOB PRIMARY KEY NOT NULL,
        subject_id INTEGER NOT NULL,
        erased_ms  INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- The audit chain. `details` is encrypted under the subject's data key; `mac` chains each
    -- event to the one before it under the audit MAC key. `version` is the subject's row version
    -- after a write (so verify can reconcile rows with their last audited change). A subject's
    -- events are indexed by its integer id: new subjects get increasing ids, so indexing their
    -- events appends instead of touching a random page per event.
    CREATE TABLE audit (
        seq        INTEGER PRIMARY KEY,
        time_ms    INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        purpose    TEXT,
        action     TEXT NOT NULL,
        subject    BLOB,
        subject_id INTEGER,
        version    INTEGER,
        outcome    TEXT NOT NULL,
        details    BLOB,
        mac        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_subject ON audit (subject_id, seq) WHERE subject_id IS NOT NULL;
    "#,
    ),
    (
        3,
        r#"
    -- Vaulted tokens. `hash` is a keyed hash of the token (the token itself is not stored: a
    -- stolen file and key cannot map values back to the tokens other systems hold). `value` is
    -- sealed under the linked subject's data key, or under the token key; erasing the subject
    -- deletes its tokens. `kind`: 1 uuid, 2 alphanumeric, 3 numeric, 4 card, 5 email,
    -- 6 transient. `flags`: 1 deterministic, 2 destroyed on first detokenize, 4 sliding expiry.
    -- Rows are appended in creation order (integer key); the hashes, which arrive in random
    -- order, are a separate small index, so a batch of tokens dirties few pages.
    CREATE TABLE tokens (
        id         INTEGER PRIMARY KEY,
        hash       BLOB NOT NULL UNIQUE CHECK (length(hash) = 16),
        kind       INTEGER NOT NULL,
        scope      TEXT NOT NULL,
        flags      INTEGER NOT NULL,
        subject_id INTEGER REFERENCES subjects (id),
        value      BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        expires_ms INTEGER,
        ttl_ms     INTEGER
    ) STRICT;
    CREATE INDEX tokens_subject ON tokens (subject_id) WHERE subject_id IS NOT NULL;
    CREATE INDEX tokens_expiry ON tokens (expires_ms) WHERE expires_ms IS NOT NULL;

    -- The audit chain with its action and outcome stored as numbers (the Action table's and the
    -- error kinds' stable numbers; 0 is ok): the MAC still covers their names, so format 2
    -- events verify unchanged. `ref` is a keyed hash of the token an event concerns
    -- (detokenize, delete, ...): never the token.
    CREATE TABLE audit_3 (
        seq        INTEGER PRIMARY KEY,
        time_ms    INTEGER NOT NULL,
        actor      TEXT NOT NULL,
        purpose    TEXT,
        action     INTEGER NOT NULL,
        subject    BLOB,
        subject_id INTEGER,
        version    INTEGER,
        outcome    INTEGER NOT NULL,
        details    BLOB,
        mac        BLOB NOT NULL,
        ref        BLOB
    ) STRICT;
    INSERT INTO audit_3 (seq, time_ms, actor, purpose, action, subject, subject_id, version, outcome, details, mac)
        SELECT seq, time_ms, actor, purpose,
            CASE action
            WHEN 'subject.create' THEN 1
            WHEN 'subject.get' THEN 2
            WHEN 'subject.update' THEN 3
            WHEN 'subject.forget' THEN 4
            WHEN 'audit.list' THEN 5
            WHEN 'audit.list_details' THEN 6
            WHEN 'vault.compact' THEN 7
            WHEN 'vault.rekey' THEN 8 END,
            subject, subject_id, version,
            CASE outcome
            WHEN 'ok' THEN 0
            WHEN 'INVALID_INPUT' THEN 100
            WHEN 'TOO_LARGE' THEN 101
            WHEN 'NOT_FOUND' THEN 200
            WHEN 'DUPLICATE' THEN 201
            WHEN 'ERASED' THEN 202
            WHEN 'WRONG_KEY' THEN 300
            WHEN 'INTEGRITY' THEN 301
            WHEN 'KEY_SOURCE' THEN 302
            WHEN 'BUSY' THEN 400
            WHEN 'STORAGE' THEN 401
            WHEN 'CLOSED' THEN 402
            WHEN 'UNSUPPORTED' THEN 403
            WHEN 'INTERNAL' THEN 900 END,
            details, mac
        FROM audit;
    DROP TABLE audit;
    ALTER TABLE audit_3 RENAME TO audit;
    CREATE INDEX audit_subject ON audit (subject_id, seq) WHERE subject_id IS NOT NULL;

    -- Blind indexes without the per-subject index and the foreign key of format 2: an erasure
    -- or an update deletes a subject's entries by the (field, hash) it recomputes from the
    -- stored profile, so the second B-tree (a quarter of the file's index bytes, and two more
    -- page writes per create) is not needed.
    CREATE TABLE subject_index_3 (
        field      TEXT NOT NULL,
        hash       BLOB NOT NULL,
        subject_id INTEGER NOT NULL,
        PRIMARY KEY (field, hash)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO subject_index_3 (field, hash, subject_id) SELECT field, hash, subject_id FROM subject_index;
    DROP TABLE subject_index;
    ALTER TABLE subject_index_3 RENAME TO subject_index;
    "#,
    ),
    (
        4,
        r#"
    -- Consent. The catalogue (legal bases, their notice versions, processing activities) holds
    -- no personal data; agreements and the outbox are a subject's rows and go with its erasure.

    -- Legal bases, by `brief`. `type`: 1 consent, 2 contract, 3 legal-obligation,
    -- 4 vital-interest, 5 public-task, 6 legitimate-interest. `status`: 1 active, 2 disabled,
    -- 3 deleted. `notice_version` is the current notice. `revoked_through` is the agreement
    -- sequence number up to which every agreement under this basis counts as revoked (a
    -- revocation for everyone takes effect in its first transaction; its history and outbox
    -- rows follow in batches).
    CREATE TABLE legal_bases (
        id              INTEGER PRIMARY KEY,
        brief           TEXT NOT NULL UNIQUE,
        type            INTEGER NOT NULL,
        module          TEXT NOT NULL,
        required        INTEGER NOT NULL,
        user_control    INTEGER NOT NULL,
        status          INTEGER NOT NULL,
        notice_version  INTEGER NOT NULL,
        revoked_through INTEGER NOT NULL DEFAULT 0,
        created_ms      INTEGER NOT NULL,
        updated_ms      INTEGER NOT NULL
    ) STRICT;

    -- What people were shown: every version of a basis's texts, kept forever (`text` is JSON of
    -- the short and full description and the required message; `sha256` its hash).
    CREATE TABLE notices (
        basis_id   INTEGER NOT NULL,
        version    INTEGER NOT NULL,
        text       TEXT NOT NULL,
        sha256     BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (basis_id, version)
    ) STRICT, WITHOUT ROWID;

    -- Processing activities: `name` is the purpose callers pass; `operations` a bitmask
    -- (1 read, 2 write, 4 delete, 8 export, 16 detokenize).
    CREATE TABLE activities (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        title       TEXT NOT NULL,
        description TEXT NOT NULL,
        operations  INTEGER NOT NULL,
        created_ms  INTEGER NOT NULL,
        updated_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE activity_bases (
        activity_id INTEGER NOT NULL,
        basis_id    INTEGER NOT NULL,
        PRIMARY KEY (activity_id, basis_id)
    ) STRICT, WITHOUT ROWID;

    -- Every consent decision, appended, never edited. `decision`: 1 given, 2 refused,
    -- 3 withdrawn, 4 revoked, 5 expired. `details` (method, channel, language, reference) is
    -- sealed under the subject's data key, bound to the row's other fields. AUTOINCREMENT: a
    -- sequence number is never reused after an erasure deleted the rows that held the highest
    -- ones (a revocation for everyone covers the decisions up to a sequence number).
    CREATE TABLE agreements (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        subject_id     INTEGER NOT NULL,
        basis_id       INTEGER NOT NULL,
        decision       INTEGER NOT NULL,
        notice_version INTEGER NOT NULL,
        time_ms        INTEGER NOT NULL,
        start_ms       INTEGER NOT NULL,
        expires_ms     INTEGER,
        actor          TEXT NOT NULL,
        details        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX agreements_subject ON agreements (subject_id, seq);

    -- The current decision per subject and basis (the latest row of `agreements`), read by
    -- every purpose check; `mac` (under the consent key) makes a row planted or edited by
    -- someone who can write the file fail the check.
    CREATE TABLE agreements_now (
        subject_id     INTEGER NOT NULL,
        basis_id       INTEGER NOT NULL,
        seq            INTEGER NOT NULL,
        decision       INTEGER NOT NULL,
        start_ms       INTEGER NOT NULL,
        expires_ms     INTEGER,
        mac            BLOB NOT NULL,
        PRIMARY KEY (subject_id, basis_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX agreements_now_basis ON agreements_now (basis_id, seq) WHERE decision = 1;
    CREATE INDEX agreements_now_expiry ON agreements_now (expires_ms) WHERE decision = 1 AND expires_ms IS NOT NULL;

    -- Consent events for downstream systems, written in the transaction of the change.
    -- `event`: the decision numbers above, 6 erased. Consumers read after their `acked` mark.
    CREATE TABLE consent_outbox (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        subject_id     INTEGER NOT NULL,
        subject        BLOB NOT NULL,
        basis          TEXT,
        event          INTEGER NOT NULL,
        notice_version INTEGER,
        time_ms        INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX consent_outbox_subject ON consent_outbox (subject_id);
    CREATE TABLE consent_consumers (
        name  TEXT PRIMARY KEY NOT NULL,
        acked INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;

    -- The audit's index by subject, filled in sorted batches instead of at every append: read
    -- events name random subjects, so indexing each as it was appended rewrote a random index
    -- page per event (about 1.4 KB written per audited read on 20,000 subjects). Events up to
    -- the `audit_indexed` mark (in `meta`) are in `audit_subjects`; the few after it are found by
    -- scanning the log's tail. Events with details (a subject's changes, which an erasure
    -- counts) keep a small index of their own, written as they are appended.
    DROP INDEX audit_subject;
    CREATE INDEX audit_details ON audit (subject_id, seq) WHERE details IS NOT NULL;
    CREATE TABLE audit_subjects (
        subject_id INTEGER NOT NULL,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (subject_id, seq)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO audit_subjects (subject_id, seq)
        SELECT subject_id, seq FROM audit WHERE subject_id IS NOT NULL ORDER BY subject_id, seq;
    INSERT INTO meta (name, value) SELECT 'audit_indexed', coalesce(max(seq), 0) FROM audit;
    "#,
    ),
    (
        5,
        r#"
    -- The audit's index by subject as runs: each sorted pass appends a run of its own (keys
    -- start with the run, so a pass writes only new pages at the end of the index) instead of
    -- inserting into one index ordered by subject, which rewrote the pages of every subject a
    -- pass touched and grew dearer with the log (0.36 to 1.5 us per event over 3.5 million
    -- events on 20,000 subjects). `audit_runs` lists the runs in order with the last event each
    -- covers (a run covers the events after the previous run's last one); the `audit_indexed`
    -- mark in `meta` is the last run's. The index of format 4 becomes run 1.
    -- `level`: 0 for a pass's run, L + 1 for runs merged from runs of level L (small passes are
    -- merged eight at a time), 99 for the index of format 4 (never merged).
    CREATE TABLE audit_runs (
        run      INTEGER PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        level    INTEGER NOT NULL
    ) STRICT;
    INSERT INTO audit_runs (run, last_seq, level)
        SELECT 1, value, 99 FROM meta WHERE name = 'audit_indexed' AND value > 0;
    CREATE TABLE audit_subjects_5 (
        run        INTEGER NOT NULL,
        subject_id INTEGER NOT NULL,
        seq        INTEGER NOT NULL,
        PRIMARY KEY (run, subject_id, seq)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO audit_subjects_5 (run, subject_id, seq)
        SELECT 1, subject_id, seq FROM audit_subjects ORDER BY subject_id, seq;
    DROP TABLE audit_subjects;
    ALTER TABLE audit_subjects_5 RENAME TO audit_subjects;
    "#,
    ),
    (
        6,
        r#"
    -- Every row that decides a permission or a promise is authenticated (MACs under keys
    -- derived from the vault's purpose keys; computed for the rows of an older format when it is
    -- opened by this one, in the transaction of the migration):
    -- a token's state (its kind, scope, flags, subject link, times) beside its sealed value;
    ALTER TABLE tokens ADD COLUMN mac BLOB;
    -- each subject's consent history as a chain (each row MACs its fields and the MAC of the
    -- subject's previous row), with the outbox event the decision wrote;
    ALTER TABLE agreements ADD COLUMN prev_mac BLOB;
    ALTER TABLE agreements ADD COLUMN mac BLOB;
    ALTER TABLE agreements ADD COLUMN outbox_seq INTEGER;
    -- the outbox as a chain: each event MACs its fields (`mac`, which never changes) and, in
    -- `link`, its predecessor's sequence number and `mac`; an erasure that deletes pending events
    -- links each successor past them (its `link` changes, nothing else).
    ALTER TABLE consent_outbox ADD COLUMN prev_seq INTEGER;
    ALTER TABLE consent_outbox ADD COLUMN prev_mac BLOB;
    ALTER TABLE consent_outbox ADD COLUMN mac BLOB;
    ALTER TABLE consent_outbox ADD COLUMN link BLOB;
    -- The consent catalogue and the outbox consumers' marks are MACed as wholes, in `meta`
    -- (`catalogue_mac`, `consumers_mac`), so a row deleted or added is seen as an edit is.
    -- Decisions after `consent_audited_from` are reconciled with the audit chain by
    -- `verify_audit` (their events carry the decision's sequence number).
    INSERT INTO meta (name, value) SELECT 'consent_audited_from', max(
        coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'agreements'), 0),
        coalesce((SELECT max(seq) FROM agreements), 0));
    -- The version of the rules that normalise indexed values (email, phone, login): a value
    -- keeps the index entry it was given under the rules that made it (see `normalize.rs`).
    INSERT INTO meta (name, value) VALUES ('normalize_rules', 1);
    "#,
    ),
    (
        7,
        r#"
    -- App documents: a subject's JSON document per app (`shipping`, `billing`, ...), sealed under
    -- the subject's data key and bound to its token, the app's name and the row's version and
    -- times. Deleted with the subject (by its erasure; the foreign key backs that up).
    CREATE TABLE app_documents (
        subject_id INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        app        TEXT NOT NULL,
        document   BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        version    INTEGER NOT NULL,
        PRIMARY KEY (subject_id, app)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX app_documents_app ON app_documents (app);
    "#,
    ),
    (
        8,
        r#"
    -- Sessions: by the keyed hash of their id (never the id), the data sealed under the linked
    -- subject's data key (or the vault's session key) and bound to the hash, the expiry, the
    -- subject's token and the row's version and times. Deleted with the subject.
    CREATE TABLE sessions (
        hash       BLOB PRIMARY KEY,
        subject_id INTEGER REFERENCES subjects (id) ON DELETE CASCADE,
        data       BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        version    INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    -- No index on the expiry: a purge walks the table in key order (a batch deletes neighbouring
    -- rows instead of rows scattered over every page).
    CREATE INDEX sessions_subject ON sessions (subject_id, hash) WHERE subject_id IS NOT NULL;
    "#,
    ),
    (
        9,
        r#"
    -- Shares: by the keyed hash of their id (never the id); what each names (record, fields,
    -- partner) sealed under the subject's data key and bound to the hash, the expiry, the read
    -- limit and the number of reads so far. Deleted with the subject.
    CREATE TABLE shares (
        hash       BLOB PRIMARY KEY,
        subject_id INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        spec       BLOB NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL,
        max_reads  INTEGER,
        reads      INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX shares_subject ON shares (subject_id, hash);
    "#,
    ),
    (
        10,
        r#"
    -- The erasure ledger: one entry per erased subject — the keyed hash of its token and of its
    -- blind indexes, never personal data — MAC-chained and append-only, for the application to
    -- keep outside the database and re-apply after restoring a backup.
    CREATE TABLE erasure_ledger (
        seq       INTEGER PRIMARY KEY,
        subject   BLOB NOT NULL UNIQUE,
        indexes   BLOB NOT NULL,
        erased_ms INTEGER NOT NULL,
        mac       BLOB NOT NULL
    ) STRICT;
    "#,
    ),
    (
        11,
        r#"
    -- Data-subject requests: kind, regime, state (the Data Rights Protocol's), verification and
    -- deadlines in clear (listings filter on them), bound with the id and version into the body —
    -- the proposals, notes and reasons, sealed under the subject's data key — so an edited
    -- column fails when read. Deleted with the subject.
    CREATE TABLE requests (
        seq         INTEGER PRIMARY KEY,
        id          BLOB NOT NULL UNIQUE,
        subject_id  INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        regime      TEXT NOT NULL,
        state       TEXT NOT NULL,
        verified    INTEGER NOT NULL,
        received_ms INTEGER NOT NULL,
        due_ms      INTEGER NOT NULL,
        ack_due_ms  INTEGER,
        extended    INTEGER NOT NULL,
        updated_ms  INTEGER NOT NULL,
        version     INTEGER NOT NULL,
        body        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX requests_subject ON requests (subject_id, kind, state);
    CREATE INDEX requests_due ON requests (state, due_ms);
    -- The outbox of the requests' transitions (ids, names and times: no personal data), each
    -- MACed with the one before it (a chain whose head and acknowledged end are in `meta`),
    -- deleted once acknowledged.
    CREATE TABLE request_events (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        request BLOB NOT NULL,
        subject BLOB NOT NULL,
        kind    TEXT NOT NULL,
        event   TEXT NOT NULL,
        state   TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        mac     BLOB NOT NULL
    ) STRICT;
    -- Restrictions of processing (GDPR Art. 18), under the consent catalogue's MAC.
    CREATE TABLE restrictions (
        subject_id INTEGER PRIMARY KEY REFERENCES subjects (id) ON DELETE CASCADE,
        since_ms   INTEGER NOT NULL
    ) STRICT;
    -- Scheduled erasures: when each subject is erased, the keyed hash of the capability handed
    -- to it (to keep its data, or to have it erased now), MACed with the subject's token.
    CREATE TABLE erasure_schedules (
        subject_id INTEGER PRIMARY KEY REFERENCES subjects (id) ON DELETE CASCADE,
        due_ms     INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        capability BLOB NOT NULL UNIQUE,
        mac        BLOB NOT NULL
    ) STRICT;
    CREATE INDEX erasure_schedules_due ON erasure_schedules (due_ms);
    "#,
    ),
    (
        12,
        r#"
    -- Audit details can be shredded by a retention rule while the chain still verifies: from
    -- `audit_digests_from` on, an event's MAC covers the SHA-256 of its sealed details instead of
    -- the details themselves, and a shredded event keeps that hash in `details_hash` (its details
    -- gone). Events written before this format keep their MACs and their details.
    ALTER TABLE audit ADD COLUMN details_hash BLOB;
    INSERT INTO meta (name, value) SELECT 'audit_digests_from', coalesce(max(seq), 0) + 1 FROM audit;
    "#,
    ),
];

/// The schema version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// What an existing file is, from its header fields alone.
pub(crate) enum FileKind {
    /// A database with no schema objects: it becomes a vault.
    Empty,
    /// A bunkerlite vault of a version this build opens.
    Vault,
}

/// Tell an empty database or a supported vault from anything else (`STORAGE`: another file;
/// `UNSUPPORTED`: a vault of a format this build does not open).
pub(crate) fn classify(db: &Db<'_>) -> Result<FileKind> {
    let app_id: i32 = db.conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = db.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if app_id == 0 && version == 0 {
        let objects: i64 = db.conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if objects == 0 {
            return Ok(FileKind::Empty);
        }
    }
    if app_id != APPLICATION_ID {
        return Err(Error::new(ErrorKind::Storage, "the file is not a bunkerlite vault"));
    }
    check_version(version)?;
    Ok(FileKind::Vault)
}

fn check_version(version: i64) -> Result<()> {
    if version > VERSION {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("the vault has format {version}; this bunkerlite opens formats {FIRST_SUPPORTED} to {VERSION}"),
        ));
    }
    if version < FIRST_SUPPORTED {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "the vault has format {version}, written by a pre-release bunkerlite; this version opens formats {FIRST_SUPPORTED} to {VERSION}"
            ),
        ));
    }
    Ok(())
}

/// Bring the schema from its current version up to [`VERSION`] inside `tx`, then check that the
/// file holds exactly the expected schema objects. Returns the version the file had (0: a new
/// vault), so the caller can finish what a migration needs the keys for.
pub(crate) fn migrate(tx: &Tx<'_>) -> Result<i64> {
    let conn = tx.conn;
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current != 0 {
        check_version(current)?;
    }
    apply(conn, current)?;
    if current == 0 {
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    check_objects(tx)?;
    Ok(current)
}

fn apply(conn: &Connection, current: i64) -> Result<()> {
    apply_until(conn, current, VERSION)
}

fn apply_until(conn: &Connection, current: i64, until: i64) -> Result<()> {
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current && *v <= until) {
        conn.execute_batch(sql)?;
        conn.pragma_update(None, "user_version", version)?;
    }
    Ok(())
}

/// A schema object: (type, name, table, SQL).
type Object = (String, String, String, Option<String>);

/// The schema objects of a file, sorted.
fn objects(conn: &Connection) -> Result<Vec<Object>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The objects a vault of each supported format holds, made once per format by running the
/// migrations up to it in memory.
fn expected(version: i64) -> Result<&'static [Object]> {
    const FORMATS: usize = MIGRATIONS.len();
    static EXPECTED: [OnceLock<Vec<Object>>; FORMATS] = [const { OnceLock::new() }; FORMATS];
    let at = MIGRATIONS
        .iter()
        .position(|(v, _)| *v == version)
        .ok_or_else(|| Error::new(ErrorKind::Unsupported, format!("the vault has format {version}")))?;
    if let Some(e) = EXPECTED[at].get() {
        return Ok(e);
    }
    let conn = Connection::open_in_memory()?;
    apply_until(&conn, 0, version)?;
    let made = objects(&conn)?;
    Ok(EXPECTED[at].get_or_init(|| made))
}

/// Fail with `INTEGRITY` unless the file holds exactly the tables and indexes its format
/// (`user_version`) has, with the same definitions: no trigger, view or table that bunkerlite
/// did not create.
pub(crate) fn check_objects(db: &Db<'_>) -> Result<()> {
    let found = objects(db.conn)?;
    let version: i64 = db.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let expected = expected(version)?;
    if found.as_slice() == expected {
        return Ok(());
    }
    let extra = found.iter().find(|o| !expected.contains(o));
    let message = match extra {
        // Names are not echoed: someone who planted an object chose them.
        Some((kind, ..)) => format!("the vault file holds a {kind} that bunkerlite did not create (or one it changed)"),
        None => "the vault file lacks part of its schema".to_owned(),
    };
    Err(Error::integrity(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_schema_has_no_triggers_or_views() {
        let e = expected(VERSION).expect("expected schema");
        assert!(e.iter().any(|o| o.0 == "table" && o.1 == "subjects"));
        assert!(e.iter().all(|o| o.0 == "table" || o.0 == "index"));
    }
}
