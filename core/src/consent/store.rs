//! The consent area's store: its rows (legal bases and their notice versions, processing
//! activities, the agreement history and its current view, the outbox of consent events) and the
//! typed functions the area needs from a backend, in domain terms. Every backend implements them
//! (`store/sqlite/consent.rs`); nothing outside this area (and the purpose check it feeds) names
//! them.

use crate::error::Result;

/// A legal basis as stored (its texts are in the notice of `notice_version`).
#[derive(Debug, Clone)]
pub(crate) struct BasisRow {
    pub(crate) id: i64,
    pub(crate) brief: String,
    /// The basis type's stored number.
    pub(crate) kind: i64,
    pub(crate) module: String,
    pub(crate) required: bool,
    pub(crate) user_control: bool,
    /// The status's stored number.
    pub(crate) status: i64,
    pub(crate) notice_version: i64,
    /// Agreements up to this sequence number count as revoked.
    pub(crate) revoked_through: i64,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
}

/// One version of a basis's notice texts.
#[derive(Debug, Clone)]
pub(crate) struct NoticeRow {
    pub(crate) basis_id: i64,
    pub(crate) version: i64,
    /// JSON of the texts.
    pub(crate) text: String,
    pub(crate) sha256: [u8; 32],
    pub(crate) created_ms: i64,
}

/// A processing activity as stored, with the ids of the bases it relies on.
#[derive(Debug, Clone)]
pub(crate) struct ActivityRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) description: String,
    /// Bitmask of the operations it covers.
    pub(crate) operations: i64,
    pub(crate) bases: Vec<i64>,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
}

/// A consent decision (a row of the append-only history).
#[derive(Debug, Clone)]
pub(crate) struct DecisionRow {
    pub(crate) seq: i64,
    pub(crate) subject_id: i64,
    pub(crate) basis_id: i64,
    /// The decision's stored number.
    pub(crate) decision: i64,
    pub(crate) notice_version: i64,
    pub(crate) time_ms: i64,
    pub(crate) start_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) actor: String,
    /// Method, channel, language and reference, sealed under the subject's data key.
    pub(crate) details: Vec<u8>,
    /// The outbox event the decision wrote (format 6; `None` before).
    pub(crate) outbox_seq: Option<i64>,
    /// The MAC of the subject's previous decision (all zeros for the first).
    pub(crate) prev_mac: [u8; 32],
    /// This row's MAC (see `consent::seal`).
    pub(crate) mac: [u8; 32],
}

/// The current decision of a subject about a basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CurrentRow {
    pub(crate) subject_id: i64,
    pub(crate) basis_id: i64,
    pub(crate) seq: i64,
    pub(crate) decision: i64,
    pub(crate) start_ms: i64,
    pub(crate) expires_ms: Option<i64>,
    pub(crate) mac: [u8; 32],
}

/// A consent event in the outbox.
#[derive(Debug, Clone)]
pub(crate) struct OutboxRow {
    pub(crate) seq: i64,
    pub(crate) subject_id: i64,
    pub(crate) subject: [u8; 16],
    pub(crate) basis: Option<String>,
    pub(crate) event: i64,
    pub(crate) notice_version: Option<i64>,
    pub(crate) time_ms: i64,
    /// The event before it in the chain (0: none), and that event's `mac`.
    pub(crate) prev_seq: i64,
    pub(crate) prev_mac: [u8; 32],
    /// The MAC of this event's fields (see `consent::seal`).
    pub(crate) mac: [u8; 32],
    /// The MAC of its place in the chain (its sequence number and `prev_seq`, `prev_mac`).
    pub(crate) link: [u8; 32],
}

/// (basis id, version, SHA-256 of the text, created) of a notice version.
pub(crate) type NoticeHash = (i64, i64, [u8; 32], i64);

/// The consent catalogue: legal bases, their notice versions, processing activities and their links, and the generation every change bumps. (read)
pub(crate) trait CatalogueReads {
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
    fn catalogue_generation(&self, after_read: bool) -> Result<i64>;

    /// Every legal basis, by brief.
    fn bases(&self) -> Result<Vec<BasisRow>>;

    /// Every subject whose processing is restricted (GDPR Art. 18): (subject row id, since when).
    fn restrictions(&self) -> Result<Vec<(i64, i64)>>;

    /// The legal basis `brief`.
    fn basis_by_brief(&self, brief: &str) -> Result<Option<BasisRow>>;

    /// Every notice version of a basis, oldest first.
    fn notices_of_basis(&self, basis_id: i64) -> Result<Vec<NoticeRow>>;

    /// Every notice version of every basis (for verification).
    fn all_notices(&self) -> Result<Vec<NoticeRow>>;

    /// One notice version of a basis.
    fn notice_of(&self, basis_id: i64, version: i64) -> Result<Option<NoticeRow>>;

    /// Every processing activity with its bases, by name.
    fn activities(&self) -> Result<Vec<ActivityRow>>;

    /// Every activity-to-basis link as stored.
    fn activity_links(&self) -> Result<Vec<(i64, i64)>>;

    /// The activity `name` with its bases.
    fn activity_by_name(&self, name: &str) -> Result<Option<ActivityRow>>;

    /// (basis id, version, SHA-256 of the text, created) of every notice version.
    fn notice_hashes(&self) -> Result<Vec<NoticeHash>>;
}

/// The consent catalogue: legal bases, their notice versions, processing activities and their links, and the generation every change bumps. (written, inside one write transaction)
pub(crate) trait CatalogueWrites: CatalogueReads {
    /// Bump the catalogue generation.
    fn bump_catalogue_generation(&self) -> Result<()>;

    /// Insert a new legal basis (`id` ignored); its row id.
    fn insert_basis(&self, b: &BasisRow) -> Result<i64>;

    /// Store a changed legal basis (by id; the brief never changes).
    fn update_basis(&self, b: &BasisRow) -> Result<()>;

    /// Append a notice version.
    fn insert_notice(&self, n: &NoticeRow) -> Result<()>;

    /// Insert or change an activity (by name); its row id. Links are set separately.
    fn upsert_activity(&self, a: &ActivityRow) -> Result<i64>;

    /// Link an activity to a basis; whether the link is new.
    fn link_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool>;

    /// Unlink an activity from a basis; whether there was a link.
    fn unlink_activity(&self, activity_id: i64, basis_id: i64) -> Result<bool>;

    /// Delete an activity and its links; whether it existed.
    fn delete_activity(&self, activity_id: i64) -> Result<bool>;

    /// Restrict the processing of a subject from `since_ms`; whether it was not restricted yet.
    fn insert_restriction(&self, subject_id: i64, since_ms: i64) -> Result<bool>;

    /// Lift a subject's restriction; whether there was one.
    fn delete_restriction(&self, subject_id: i64) -> Result<bool>;
}

/// Agreements: the append-only history of decisions and its current view. (read)
pub(crate) trait DecisionReads {
    /// The highest agreement sequence number ever handed out (0 before the first decision).
    fn last_decision_seq(&self) -> Result<i64>;

    /// The MAC of a subject's newest decision (the one a new decision chains to), if any.
    fn newest_decision_mac(&self, subject_id: i64) -> Result<Option<[u8; 32]>>;

    /// Every subject that has decisions, by row id (for the migration and for verification).
    fn subjects_with_decisions(&self) -> Result<Vec<i64>>;

    /// Every decision of a subject, oldest first.
    fn decision_history(&self, subject_id: i64) -> Result<Vec<DecisionRow>>;

    /// One decision by sequence number.
    fn decision_by_seq(&self, seq: i64) -> Result<Option<DecisionRow>>;

    /// Every current decision, by subject and basis (for the migration and for verification).
    fn all_current_decisions(&self) -> Result<Vec<CurrentRow>>;

    /// The current decision of a subject about a basis (the read every purpose check makes).
    fn current_decision(&self, subject_id: i64, basis_id: i64) -> Result<Option<CurrentRow>>;

    /// [`current_decision`](Self::current_decision), and whether it was read in the same committed state as the statement run on
    /// this handle just before (`after_read`: a pooled reader's previous statement; nothing was
    /// committed in between, by anyone). Never true on the writer.
    fn current_decision_after(
        &self,
        subject_id: i64,
        basis_id: i64,
        after_read: bool,
    ) -> Result<(Option<CurrentRow>, bool)>;

    /// Every current decision of a subject.
    fn current_decisions_of_subject(&self, subject_id: i64) -> Result<Vec<CurrentRow>>;

    /// Up to `limit` given agreements under `basis_id` decided at or before `through` (for a
    /// revocation for everyone).
    fn given_through(&self, basis_id: i64, through: i64, limit: u64) -> Result<Vec<CurrentRow>>;

    /// Up to `limit` given agreements whose expiry is at or before `now_ms`.
    fn expired_decisions(&self, now_ms: i64, limit: u64) -> Result<Vec<CurrentRow>>;
}

/// Agreements: the append-only history of decisions and its current view. (written, inside one write transaction)
pub(crate) trait DecisionWrites: DecisionReads {
    /// The next agreement sequence number (decisions are appended under the write lock): above
    /// every number ever handed out, also those of rows an erasure deleted.
    fn next_decision_seq(&self) -> Result<i64>;

    /// Append a decision (its `seq` from [`next_decision_seq`](Self::next_decision_seq)).
    fn append_decision(&self, d: &DecisionRow) -> Result<()>;

    /// Store a decision's chain MACs (giving the rows of an older format theirs).
    fn set_decision_macs(&self, seq: i64, prev_mac: &[u8; 32], mac: &[u8; 32]) -> Result<()>;

    /// Set the current decision of a subject about a basis.
    fn set_current_decision(&self, c: &CurrentRow) -> Result<()>;

    /// Delete every agreement row of a subject (its outbox events go through `consent::seal`, which
    /// keeps the outbox's chain whole); how many decisions were removed.
    fn delete_decisions_of_subject(&self, subject_id: i64) -> Result<u64>;
}

/// The outbox of consent events and its consumers' marks. (read)
pub(crate) trait OutboxReads {
    /// The newest event still kept: its sequence number and MAC.
    fn newest_outbox_event(&self) -> Result<Option<(i64, [u8; 32])>>;

    /// Up to `limit` events after `after`, in order, and how many there are after `after` in all.
    fn outbox_events_after(&self, after: i64, limit: u64) -> Result<(Vec<OutboxRow>, u64)>;

    /// Every event, in order (for the migration and for verification).
    fn all_outbox_events(&self) -> Result<Vec<OutboxRow>>;

    /// A subject's pending events, in order.
    fn outbox_events_of_subject(&self, subject_id: i64) -> Result<Vec<OutboxRow>>;

    /// The event that names event `seq` as its predecessor, if one is kept.
    fn outbox_event_after_link(&self, seq: i64) -> Result<Option<OutboxRow>>;

    /// The highest outbox sequence number ever handed out (0 before the first event).
    fn last_outbox_seq(&self) -> Result<i64>;

    /// Every consumer's acknowledged mark, by name.
    fn outbox_consumers(&self) -> Result<Vec<(String, i64)>>;
}

/// The outbox of consent events and its consumers' marks. (written, inside one write transaction)
pub(crate) trait OutboxWrites: OutboxReads {
    /// Append a consent event with the sequence number, link and MAC it was given.
    fn push_outbox_event(&self, e: &OutboxRow) -> Result<()>;

    /// Delete a subject's pending events (the caller links their successors past them).
    fn delete_outbox_events_of_subject(&self, subject_id: i64) -> Result<()>;

    /// Store an event's place in the chain (and its MAC, for a row of an older format).
    fn relink_outbox_event(&self, e: &OutboxRow) -> Result<()>;

    /// Record that events up to every consumer's mark may have been deleted (what a vault of an
    /// older format did without recording it).
    fn mark_outbox_pruned(&self) -> Result<()>;

    /// Register a consumer (from the oldest event still kept) unless it is registered.
    fn register_consumer(&self, consumer: &str) -> Result<()>;

    /// Set a consumer's acknowledged mark, then delete the events every consumer acknowledged and
    /// record up to where (`outbox_pruned` in `meta`: an event before the first one kept may be
    /// missing only up to it). Returns how many events were deleted.
    fn set_consumer_acked(&self, consumer: &str, acked: i64) -> Result<u64>;
}

/// Everything the consent area reads.
pub(crate) trait ConsentReads: CatalogueReads + DecisionReads + OutboxReads {}

impl<T: ?Sized + CatalogueReads + DecisionReads + OutboxReads> ConsentReads for T {}

/// Everything the consent area writes.
pub(crate) trait ConsentWrites: ConsentReads + CatalogueWrites + DecisionWrites + OutboxWrites {}

impl<T: ?Sized + ConsentReads + CatalogueWrites + DecisionWrites + OutboxWrites> ConsentWrites for T {}
