import type * as Native from './native';
/**
 * The master key: 32 bytes from your secret store (`fromEnv`, `fromBytes`) or `generate()`. Its
 * constructors throw `BunkerliteError`s (code `KEY_SOURCE` for a key that cannot be read).
 */
export declare const MasterKey: {
    /** A new random key from the OS CSPRNG. */
    generate: () => MasterKey;
    /** A key from exactly 32 bytes. */
    fromBytes: (bytes: Buffer) => MasterKey;
    /** A key from 64 hex digits. */
    fromHex: (text: string) => MasterKey;
    /** A key from base64. */
    fromBase64: (text: string) => MasterKey;
    /** A key from an environment variable holding hex or base64. */
    fromEnv: (name: string) => MasterKey;
    /** A key from a file holding 32 raw bytes or hex/base64 text. */
    fromFile: (path: string) => MasterKey;
    /** `key instanceof MasterKey` holds for every key these make. */
    [Symbol.hasInstance]: (value: unknown) => boolean;
};
/** A 32-byte master key, held by the addon (wiped when collected); it never shows its bytes. */
export interface MasterKey {
    /** The key as 64 hex digits, to store in your secret store. */
    toHex(): string;
    /** Never the key's bytes. */
    toString(): string;
}
/** The stable error codes, in the core's order. */
export declare const errorCodes: typeof Native.errorCodes;
/** The library version (the same in every language's package). */
export declare const version: typeof Native.version;
/** The stable error codes, identical in C, Python and Node (`err.code`). */
export type ErrorCode = 'INVALID_INPUT' | 'TOO_LARGE' | 'NOT_FOUND' | 'DUPLICATE' | 'ERASED' | 'EXPIRED' | 'EXHAUSTED' | 'CONSENT_REQUIRED' | 'BULK_LOCKED' | 'WRONG_KEY' | 'INTEGRITY' | 'KEY_SOURCE' | 'BUSY' | 'STORAGE' | 'CLOSED' | 'UNSUPPORTED' | 'INTERNAL';
/** The groups of error codes (by their numbers' hundreds). */
export type ErrorGroup = 'input' | 'state' | 'security' | 'operational' | 'defect';
/**
 * Every error bunkerlite throws (and every rejection of an async call): `instanceof
 * BunkerliteError`, with the stable `code` (identical in C and Python), its `number`, its
 * `group`, and the `operation` that failed (`getSubject`, …; the method of this class that was
 * called). A code this package does not know (a newer addon) keeps its number and group.
 * Messages never contain personal data.
 */
export declare class BunkerliteError extends Error {
    readonly code: ErrorCode;
    readonly number: number;
    readonly group: ErrorGroup | undefined;
    readonly operation: string;
    constructor(code: ErrorCode, message: string, operation: string);
}
/** One key naming how to find a subject: `{ email }`, `{ token }`, `{ phone }`, `{ login }`, or an indexed field. */
export type Lookup = {
    [mode: string]: string;
};
/** A JSON document (profiles, patches). */
export type Json = null | boolean | number | string | Json[] | {
    [key: string]: Json;
};
/** A subject's profile: a JSON object. */
export type Profile = {
    [key: string]: Json;
};
/** A subject as read back. */
export interface Subject {
    /** The subject token (UUID v4). */
    token: string;
    /**
     * The profile (a JSON object). `null` in what
     * `update_subject` returns to a caller whose purpose may
     * change the profile but not read it.
     */
    profile: {
        [key: string]: Json;
    } | null;
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last changed, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** 1 at creation, +1 per update. */
    version: number;
}
/** A subject's document of one app, as read back. */
export interface AppDocument {
    /** The subject's token. */
    token: string;
    /** The app's name. */
    app: string;
    /**
     * The document (a JSON object). `null` in what a put or an update returns to a caller
     * whose purpose may change the document but not read it.
     */
    document: {
        [key: string]: Json;
    } | null;
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last changed, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** 1 when created, +1 per put or update. */
    version: number;
}
/** A session as read back. `Debug` shows neither the id nor the data. */
export interface Session {
    /** The session id. */
    id: string;
    /** The linked subject's token, if any. */
    subject: string | null;
    /** The data (a JSON object). */
    data: {
        [key: string]: Json;
    };
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last set or touched, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** When it expires, in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** 1 when created, +1 per set or touch. */
    version: number;
}
/** A session's metadata, as stored or changed. `Debug` does not show the id. */
export interface SessionInfo {
    /** The session id (as given, or generated). */
    id: string;
    /** The linked subject's token, if any. */
    subject: string | null;
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last set or touched, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** When it expires, in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** 1 when created, +1 per set or touch. */
    version: number;
}
/** The result of `purgeSessions`. */
export interface SessionPurge {
    /** Expired sessions deleted. */
    removed: number;
    /** Transactions it took (each holds the write lock for one batch of at most 1,000). */
    batches: number;
}
/** What `purgeShares` removed. */
export interface SharePurge {
    /** Expired shares deleted. */
    removed: number;
    /** Transactions it took (each holds the write lock for one batch of at most 1,000). */
    batches: number;
}
/** What `purge` did. Holds no personal data. */
export interface Purged {
    /** Expired tokens deleted. */
    tokens: number;
    /** Expired sessions deleted. */
    sessions: number;
    /** Expired shares deleted. */
    shares: number;
    /** Agreements recorded as expired. */
    agreements_expired: number;
    /** Unverified data-subject requests past their due date recorded as expired. */
    requests_expired: number;
    /**
     * Subjects whose scheduled erasure fell due, erased (each with its own receipt's facts in
     * the audit log and the erasure ledger).
     */
    subjects_erased: number;
    /**
     * Audit events whose details were shredded by the vault's `audit_details_retention_days`
     * (0 without one).
     */
    audit_details_shredded: number;
    /** When it ran (milliseconds since the Unix epoch, at its start). */
    started_ms: number;
    /** How long it took, in milliseconds. */
    took_ms: number;
}
/** A share as made. `Debug` does not show the id. */
export interface ShareInfo {
    /** The share id: a bearer secret, shown once (the vault keeps only its keyed hash). */
    id: string;
    /** The keyed hash of the id (hex), as the audit log and `list_shares` name the share. */
    reference: string;
    /** The shared subject's token. */
    subject: string;
    /** What is shared: `profile`, `app` or `session`. */
    of: string;
    /** The app, for an app document. */
    app: string | null;
    /** The shared fields; `null`: every field (asked for with `all_fields`). */
    fields: string[] | null;
    /** The partner it is for, if any. */
    partner: string | null;
    /** When it expires, in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** How many times it may be resolved, if limited. */
    max_reads: number | null;
}
/** What resolving a share gives: exactly the shared fields. `Debug` does not show the data. */
export interface Shared {
    /** What is shared: `profile`, `app` or `session`. */
    of: string;
    /** The app, for an app document. */
    app: string | null;
    /** The shared fields of the record as it is now (a field the record lacks is left out). */
    data: {
        [key: string]: Json;
    };
    /** When the share expires, in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** Resolutions left after this one, if limited (at 0 the share is gone). */
    reads_left: number | null;
}
/** One of a subject's shares as listed (never its id). */
export interface ShareRef {
    /** The keyed hash of the share's id (hex). */
    reference: string;
    /** What is shared: `profile`, `app` or `session`. */
    of: string;
    /** The app, for an app document. */
    app: string | null;
    /** The shared fields; `null`: every field. */
    fields: string[] | null;
    /** The partner it is for, if any. */
    partner: string | null;
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** When it expires (or expired), in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** Whether it has expired. */
    expired: boolean;
    /** How many times it was resolved. */
    reads: number;
    /** How many times it may be resolved, if limited. */
    max_reads: number | null;
}
/** A request as listed: no personal data (what it proposes is in `RequestDetail`). */
export interface Request {
    /** Its id (32 hexadecimal characters). */
    id: string;
    /** The subject's token. */
    subject: string;
    /** What is asked. */
    kind: string;
    /** The law it is made under. */
    regime: string;
    /** Its state: `open`, `in_progress`, `fulfilled`, `denied`, `revoked` or `expired`. */
    state: string;
    /** Whether the subject's identity was verified. */
    verified: boolean;
    /** When it was received (milliseconds since the Unix epoch). */
    received_ms: number;
    /**
     * When it must be answered: GDPR one calendar month, CCPA and voluntary 45 days, opt-outs
     * and opt-ins 15 business days (later once extended).
     */
    due_ms: number;
    /** When its receipt must be acknowledged (CCPA and voluntary: ten business days), if ever. */
    ack_due_ms: number | null;
    /** Whether its deadline was extended. */
    extended: boolean;
    /** Whether it is still open or in progress past its due date. */
    overdue: boolean;
    /** The app, for `change_app_data`. */
    app: string | null;
    /** The legal basis, for `withdraw_consent`, `opt_out` and `opt_in`. */
    legal_basis: string | null;
    /**
     * How many proposals it holds (a request of the same kind made again while this one was
     * open added its own).
     */
    proposals: number;
    /** The DRP reason code of a denial. */
    denial_code: string | null;
    /** Last changed (milliseconds since the Unix epoch). */
    updated_ms: number;
    /**
     * On `create_request`: an open request of the same kind existed, and this is it (the new
     * proposal was added to it). False everywhere else.
     */
    existing: boolean;
}
/** A request with what it proposes and the reasons given. `Debug` shows only the request. */
export interface RequestDetail {
    /** The request. */
    request: Request;
    /** Its proposals, oldest first (each kept: an operator sees them all). */
    proposals: Proposal[];
    /** Why the deadline was extended. */
    extension_reason: string | null;
    /** Why it was denied, in words. */
    denial_reason: string | null;
    /** Which proposal the approval applied (its position), once fulfilled. */
    applied_proposal: number | null;
}
/** One proposal of a request. `Debug` shows only when it came. */
export interface Proposal {
    /** When it came (milliseconds since the Unix epoch). */
    received_ms: number;
    /** The proposed change, if any. */
    patch: Json;
    /** What the subject wrote, if anything. */
    note: string | null;
}
/** A page of a listing, newest first. */
export interface Page<T> {
    /** How many items the whole listing holds. */
    total: number;
    /** This page's items. */
    items: T[];
    /** The cursor of the next page, or `null` when this page is the last. */
    next: string | null;
}
/** A request's transition, as the requests' outbox delivers it (no personal data). */
export interface RequestEvent {
    /** Its place in the outbox: acknowledge up to it with `ack_request_events`. */
    cursor: string;
    /** The request's id. */
    request: string;
    /** The subject's token. */
    subject: string;
    /** The request's kind. */
    kind: string;
    /**
     * What happened: `received`, `proposal_added`, `verified`, `in_progress`, `extended`,
     * `fulfilled`, `denied`, `revoked`, `expired`.
     */
    event: string;
    /** The request's state after it. */
    state: string;
    /** When (milliseconds since the Unix epoch). */
    time_ms: number;
}
/** What `expireRequests` did. */
export interface RequestExpiry {
    /** Requests recorded as expired. */
    expired: number;
    /** Transactions it took. */
    batches: number;
}
/** What `ackRequestEvents` did. */
export interface RequestAck {
    /** Outbox events deleted. */
    removed: number;
}
/** A subject's restriction of processing, as set or lifted. */
export interface Restriction {
    /** The subject's token. */
    subject: string;
    /** Whether its processing is restricted now. */
    restricted: boolean;
    /** Since when (milliseconds since the Unix epoch), while restricted. */
    since_ms: number | null;
    /** Whether this call changed it (false: it was so already). */
    changed: boolean;
}
/** A subject's scheduled erasure as set: with its capability, shown once. `Debug` hides it. */
export interface ScheduledErasure {
    /** The subject's token. */
    subject: string;
    /** When it is erased (milliseconds since the Unix epoch). */
    due_ms: number;
    /** When the schedule was set. */
    created_ms: number;
    /**
     * A bearer secret (43 characters of base64url) for the subject's links: keep its data
     * (`retain_by_capability`) or erase it now (`erase_by_capability`). Shown once; the vault
     * keeps only its keyed hash, and a new schedule voids it.
     */
    capability: string;
}
/** Whether and when a subject's erasure is scheduled. */
export interface ErasureSchedule {
    /** The subject's token. */
    subject: string;
    /** Whether an erasure is scheduled. */
    scheduled: boolean;
    /** When it is due, if scheduled. */
    due_ms: number | null;
    /** When it was set, if scheduled. */
    created_ms: number | null;
    /** Whether this call changed it (cancel, retain: false when nothing was scheduled). */
    changed: boolean;
}
/** Proof of an erasure. Holds no personal data. */
export interface ErasureReceipt {
    /** The erased subject's token. */
    token: string;
    /** When, in milliseconds since the Unix epoch. */
    erased_ms: number;
    /** The profile row and its data key were deleted (always true on success). */
    profile_removed: boolean;
    /** Blind-index entries deleted. */
    index_entries_removed: number;
    /** Tokens linked to the subject, deleted with it (as `removed_by_area["tokens"]`). */
    tokens_removed: number;
    /**
     * Consent decisions (the subject's whole consent record) deleted with it; its pending
     * consent events were deleted too, and one `erased` event was left in their place (as
     * `removed_by_area["consent"]`).
     */
    consents_removed: number;
    /**
     * Audit events whose encrypted details became unreadable (as
     * `removed_by_area["audit_details"]`).
     */
    audit_details_shredded: number;
    /** What each area of the lifecycle registry removed (or shredded), by area. */
    removed_by_area: {
        [key: string]: number;
    };
    /**
     * What the storage kept of the erased rows beside the live ones is gone (SQLite: the WAL
     * was checkpointed and truncated, so no old version of the subject's pages remains in it).
     * False when another process held a read open (the next scrub does it), or while a
     * coalesced scrub is pending (`residue_scrub_due_ms`).
     *
     * Deleted cells are zeroed (`secure_delete`), but SQLite can leave stale copies of rows it
     * moved between pages earlier (B-tree rebalancing does not clear the space it vacates).
     * `compact` rewrites the file and removes them; run it after
     * erasures (e.g. nightly, or after each batch of erasures) when no trace may remain.
     */
    residue_scrubbed: boolean;
    /**
     * With `erasure_wal_window_ms` above 0: when the coalesced scrub
     * is due (milliseconds since the Unix epoch); the background thread does it then (or
     * `flush_audit`/`close` sooner). `null` when the erasure scrubbed itself.
     */
    residue_scrub_due_ms: number | null;
    /**
     * The same, in the storage backend's own terms (`{"backend": "sqlite", "wal_truncated",
     * "wal_truncation_due_ms"}`).
     */
    storage: StorageReport;
    /**
     * `residue_scrubbed` under its SQLite name, kept for callers written before the backend
     * seam (prefer `residue_scrubbed` or `storage`).
     */
    wal_truncated: boolean;
    /**
     * `residue_scrub_due_ms` under its SQLite name, kept for callers written before the backend
     * seam.
     */
    wal_truncation_due_ms: number | null;
}
/**
 * What the backend did about the residue of deleted data, in its own terms: the part of an
 * erasure receipt or a compaction report that depends on the database engine. `backend` names
 * it; the other fields are that engine's.
 */
export type StorageReport = {
    backend: 'sqlite';
    /**
     * The WAL was checkpointed and truncated: no old version of the changed pages remains
     * in it. False when another process held a read open (the next checkpoint does it), or
     * while a coalesced truncation is pending.
     */
    wal_truncated: boolean;
    /**
     * When a coalesced truncation (`erasure_wal_window_ms`) is due, in milliseconds
     * since the Unix epoch; `null` when nothing is pending.
     */
    wal_truncation_due_ms: number | null;
} | {
    backend: 'postgres';
    /**
     * The tables a subject's rows live in were vacuumed after the erasure (the dead tuples'
     * space released for reuse). False when a coalesced `VACUUM` is pending, or it failed
     * (the next one does it).
     */
    vacuumed: boolean;
    /**
     * When a coalesced `VACUUM` (`erasure_wal_window_ms`) is due, in milliseconds
     * since the Unix epoch; `null` when nothing is pending.
     */
    vacuum_due_ms: number | null;
};
/** What a shredding did. Holds no personal data. */
export interface Shredded {
    /** Events whose details were shredded now. */
    events: number;
    /** Events before this time (milliseconds since the Unix epoch) were old enough. */
    cutoff_ms: number;
    /**
     * Every event from `shreddable_from` up to this one that is older than the cutoff has no
     * details left (0: none yet).
     */
    through_seq: number;
    /**
     * The first event whose details can be shredded: older ones were written before format 12
     * and keep theirs until their subject is erased.
     */
    shreddable_from: number;
    /** Transactions it took. */
    batches: number;
}
/**
 * Everything a vault holds about one subject (`export_subject`): its profile, its tokens'
 * metadata (never a token's value), its consent record as a verifiable receipt, its app
 * documents, its sessions (by reference, with their data), its shares (never their ids)
 * and its audit trail (newest first, with the decrypted details).
 */
export interface SubjectExport {
    /** The export format: `bunkerlite-export/1`. */
    format: 'bunkerlite-export/1';
    /** When the export was made, in milliseconds since the Unix epoch. */
    exported_ms: number;
    /** The exporting vault's id (hex, 32 digits). */
    vault: string;
    /** The subject: token, profile, times and version. */
    subject: Subject;
    /** The metadata of the tokens linked to the subject (kind, scope, expiry, reference). */
    tokens: TokenInfo[];
    /**
     * The subject's consent record: a receipt `verify_consent_receipt` accepts (the Kantara
     * Consent Receipt fields, the ISO/IEC TS 27560 record under `record`, and `mac`).
     */
    consent: {
        [key: string]: Json;
    };
    /** Whether and since when the subject's processing is restricted (GDPR Art. 18). */
    restriction: Restriction;
    /** The subject's app documents. */
    apps: AppDocument[];
    /** The sessions linked to the subject, live or expired, by reference, with their data. */
    sessions: ExportedSession[];
    /** The subject's shares, live or expired (never their ids). */
    shares: ShareRef[];
    /** The subject's data-subject requests, oldest first, with their proposals and reasons. */
    requests: RequestDetail[];
    /** Whether and when the subject's erasure is scheduled (never the capability). */
    erasure_schedule: ErasureSchedule;
    /** Every audit event naming the subject, newest first, with its decrypted details. */
    audit: AuditEvent[];
}
/** What `tokenInfo` tells about a token: never its value. */
export interface TokenInfo {
    /** The token's kind. */
    kind: TokenKind;
    /** Its scope (`default` unless given). */
    scope: string;
    /** Made deterministically (same value and scope, same token). */
    deterministic: boolean;
    /** Destroyed by its first detokenize. */
    once: boolean;
    /** Each detokenize moves the expiry `ttl_ms` ahead. */
    sliding: boolean;
    /** When it was made (milliseconds since the Unix epoch). */
    created_ms: number;
    /** When it expires (milliseconds since the Unix epoch), if ever. */
    expires_ms: number | null;
    /** The sliding expiry's duration. */
    ttl_ms: number | null;
    /** It has expired (detokenize answers `EXPIRED`; a purge removes it). */
    expired: boolean;
    /** The token of the subject it belongs to. */
    subject: string | null;
    /** The keyed hash of the token (hex) that audit events about it carry. */
    reference: string;
}
/** The kind of a token. */
export type TokenKind = 'uuid' | 'alphanumeric' | 'numeric' | 'card' | 'email' | 'transient' | 'fpe';
/**
 * One of a subject's sessions in its export: by reference (never its id), with its data.
 * `Debug` does not show the data.
 */
export interface ExportedSession {
    /** The keyed hash of the session's id (hex), as the audit log names it. */
    reference: string;
    /** The data (a JSON object). */
    data: {
        [key: string]: Json;
    };
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last set or touched, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** When it expires (or expired), in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** Whether it has expired (the purge removes it). */
    expired: boolean;
    /** 1 when created, +1 per set or touch. */
    version: number;
}
/** One audit event as read back. */
export interface AuditEvent {
    /** Position in the chain, from 1. */
    seq: number;
    /** When, in milliseconds since the Unix epoch. */
    time_ms: number;
    /** Who, as named by the caller (`app:billing`, `admin:ann`, `subject`). */
    actor: string;
    /** Why: the processing activity the caller named, if any. */
    purpose: string | null;
    /** What (`subject.create`, `subject.get`, …; see `Action`). */
    action: string;
    /** The subject token, if the event concerns one. */
    subject: string | null;
    /** `ok`, or the error code of a failed attempt. */
    outcome: 'ok' | ErrorCode;
    /**
     * For token operations: a keyed hash of the token (hex, 32 digits), never the token; the
     * same as `TokenInfo::reference`, so a token's events can be found.
     */
    reference: string | null;
    /**
     * The decrypted details (e.g. the before/after of a change), when the listing asked for
     * them, the event has any, and the subject still exists.
     */
    details: Json;
    /** True when details were asked for and the event's were shredded by the subject's erasure. */
    details_erased: boolean;
    /**
     * True when details were asked for and the event's were shredded by a retention rule
     * (`shred_audit_details`, or `purge` with `audit_details_retention_days`).
     */
    details_shredded: boolean;
    /**
     * When details were asked for and the event has some that the caller's purpose may not
     * see (it allows neither `read` nor `export` of the event's subject): why, in words.
     */
    details_refused: string | null;
}
/** What an export wrote. Holds no personal data. */
export interface ExportSummary {
    /** The exported subject's token. */
    subject: string;
    /** The export's format (`bunkerlite-export/1`). */
    format: string;
    /** When, in milliseconds since the Unix epoch (the document's `exported_ms`). */
    exported_ms: number;
    /** Bytes written (the document's length). */
    bytes: number;
    /** How many items each section holds (`audit`: events; `consent`: 1, the receipt). */
    sections: {
        [key: string]: number;
    };
}
/** The result of a token batch: one item per input, in order, and the counts. */
export interface TokenBatch<T> {
    /** One result per input, in order. */
    items: T[];
    /** The counts. */
    summary: BatchSummary;
}
/** One item of `tokenizeMany`. */
export interface TokenizeItem {
    /** `created`, `existing` (a deterministic token made earlier) or `failed`. */
    status: 'created' | 'existing' | 'failed';
    /** The token, unless the item failed. */
    token: string | null;
    /** Why the item failed. */
    error: ItemError | null;
}
/** A failed item of a batch. */
export interface ItemError {
    /** The error code (`INVALID_INPUT`, `NOT_FOUND`, `EXPIRED`, …). */
    code: ErrorCode;
    /** What went wrong (never the value). */
    message: string;
}
/** Counts of a batch. */
export interface BatchSummary {
    /** Items in the batch. */
    total: number;
    /** Items that succeeded. */
    ok: number;
    /** Items that failed. */
    failed: number;
}
/** One item of `detokenizeMany`. */
export interface DetokenizeItem {
    /** The value (masked when asked), unless the item failed. */
    value: string | null;
    /** Why the item failed. */
    error: ItemError | null;
}
/** One item of `tokenInfos`. */
export interface InfoItem {
    /** The token's metadata, unless the item failed. */
    info: TokenInfo | null;
    /** Why the item failed. */
    error: ItemError | null;
}
/** One item of `deleteTokens`. */
export interface DeleteItem {
    /** The token was deleted. */
    deleted: boolean;
    /** Why the item failed. */
    error: ItemError | null;
}
/** The result of `purgeTokens`. */
export interface PurgeReport {
    /** Expired tokens deleted. */
    removed: number;
}
/** A legal basis of the catalogue. */
export interface LegalBasis {
    /** The basis's short name (`^[a-z][a-z0-9-]{1,64}$`). */
    brief: string;
    /** The basis type (`type` in JSON). */
    type: BasisType;
    /** What part of the application it belongs to. */
    module: string;
    /** A one-line description shown to people (part of the notice). */
    short_description: string;
    /** The full text shown to people (part of the notice). */
    full_description: string;
    /** The subject must agree to use the service. */
    required: boolean;
    /** Shown when a required basis is refused (part of the notice). */
    required_message: string;
    /** The subject may give and withdraw it themselves. */
    user_control: boolean;
    /** The current status. */
    status: BasisStatus;
    /** The current notice version (agreements cite the version they were given under). */
    notice_version: number;
    /** SHA-256 (hex) of the cited notice version's canonical text. */
    notice_sha256: string;
    /** When it was created (ms since the epoch). */
    created_ms: number;
    /** When it last changed (ms since the epoch). */
    updated_ms: number;
    /**
     * Every notice version, oldest first (`getLegalBasis`
     * only; `null` in listings).
     */
    notices?: Notice[] | null;
}
/** The legal basis types of GDPR Art. 6(1). */
export type BasisType = 'consent' | 'contract' | 'legal-obligation' | 'vital-interest' | 'public-task' | 'legitimate-interest';
/**
 * A legal basis's status: only an active basis lets processing rely on it and takes new
 * agreements.
 */
export type BasisStatus = 'active' | 'disabled' | 'deleted';
/** One version of what people were shown for a legal basis. */
export interface Notice {
    /** The notice version (1, 2, …). */
    version: number;
    /** A one-line description shown to people (part of the notice). */
    short_description: string;
    /** The full text shown to people (part of the notice). */
    full_description: string;
    /** Shown when a required basis is refused (part of the notice). */
    required_message: string;
    /** SHA-256 (hex) of the notice's canonical JSON text: what agreements and receipts cite. */
    sha256: string;
    /** When it was created (ms since the epoch). */
    created_ms: number;
}
/** A processing activity: `name` is the purpose callers pass. */
export interface Activity {
    /** The activity's name: the purpose callers pass. */
    name: string;
    /** A short title. */
    title: string;
    /** What the processing is. */
    description: string;
    /** The operations it covers (`read`, `write`, `delete`, `export`, `detokenize`). */
    operations: Operation[];
    /** The briefs of the legal bases it relies on. */
    legal_bases: string[];
    /** When it was created (ms since the epoch). */
    created_ms: number;
    /** When it last changed (ms since the epoch). */
    updated_ms: number;
}
/** What an operation does to a subject's data, as processing activities list it. */
export type Operation = 'read' | 'write' | 'delete' | 'export' | 'detokenize';
/** A subject's current decision about one legal basis. */
export interface Agreement {
    /** The legal basis's brief. */
    legal_basis: string;
    /** The current status. */
    status: ConsentStatus;
    /** Given, started, not expired, not withdrawn or revoked: processing may rely on it. */
    in_force: boolean;
    /** When the decision was recorded. */
    decided_ms: number;
    /** Not in force before this time (ms since the epoch). */
    start_ms: number;
    /** Not in force from this time on (ms since the epoch), if it expires. */
    expires_ms: number | null;
    /** The notice version the subject was shown. */
    notice_version: number;
    /** SHA-256 (hex) of the cited notice version's canonical text. */
    notice_sha256: string;
    /** How it was collected (`web-form`, `email`, `api`, …; `expiry` and `operator` for decisions the vault recorded itself). */
    method: string;
    /** The channel or surface, if given. */
    channel: string | null;
    /** The language the notice was shown in, if given. */
    language: string | null;
    /** The reference code, if given (stored encrypted under the subject's key). */
    reference: string | null;
    /** Who recorded it (the caller's actor). */
    actor: string;
}
/**
 * A decision's state (after W3C DPV): `given`, `refused`, `withdrawn` (by the subject),
 * `revoked` (by an operator or a basis deletion), `expired`.
 */
export type ConsentStatus = 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired';
/** The result of `verifyConsentReceipt`. */
export interface ReceiptCheck {
    /** Always true (an invalid receipt is an error). */
    valid: boolean;
    /** The subject's token the receipt is about. */
    subject: string;
    /** How many decisions it records. */
    events: number;
    /** When the receipt was issued (ms since the epoch). */
    issued_ms: number;
}
/** The answer of `canProcess`. */
export interface ProcessingDecision {
    /** Whether the purpose allows the operation on the subject. */
    allowed: boolean;
    /** The legal basis that allows it, when one does. */
    legal_basis: string | null;
    /** Why (never personal data). */
    reason: string;
}
/**
 * The result of revoking (or deleting) a legal basis for everyone, and of purging expired
 * agreements.
 */
export interface ConsentReport {
    /** Agreements that were revoked (or recorded as expired) by this call. */
    changed: number;
}
/** A consent event of the outbox. */
export interface ConsentEvent {
    /** Pass to `ack_consent_events` to acknowledge this event and every one before it. */
    cursor: string;
    /** The subject's token. */
    subject: string;
    /**
     * `given`, `refused`, `withdrawn`, `revoked`, `expired`, or `erased` (the subject was
     * erased: every agreement ended; `legal_basis` is null).
     */
    event: 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired' | 'erased';
    /** The legal basis's brief. */
    legal_basis: string | null;
    /** The notice version the subject was shown. */
    notice_version: number | null;
    /** When it happened (ms since the epoch). */
    time_ms: number;
}
/**
 * One of a subject's sessions as listed: never its id (a bearer secret the vault does not
 * keep), a reference instead.
 */
export interface SessionRef {
    /** The keyed hash of the session's id (hex), as the audit log names it. */
    reference: string;
    /** Created, in milliseconds since the Unix epoch. */
    created_ms: number;
    /** Last set or touched, in milliseconds since the Unix epoch. */
    updated_ms: number;
    /** When it expires (or expired), in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** Whether it has expired (unreadable; the next purge removes it). */
    expired: boolean;
}
/** An unlock as granted (or as it stands). */
export interface BulkGrant {
    /** The actor it is for. */
    actor: string;
    /** The purpose it is for. */
    purpose: string;
    /** When it ends, in milliseconds since the Unix epoch. */
    expires_ms: number;
    /** How many subjects it allows in all. */
    max_subjects: number;
    /** How many it still allows. */
    remaining: number;
}
/**
 * The chain head: keep it outside the vault, and `verifyAudit` (and, given as `audit_anchor`, the vault's `open_report`)
 * can then detect truncation and rollback of the file.
 */
export interface AuditHead {
    /** The last event's sequence number (0 for an empty log). */
    seq: number;
    /** The last event's MAC, 64 hex digits. */
    hash: string;
}
/** The result of a successful verification. */
export interface AuditReport {
    /** Events checked. */
    events: number;
    /** Stored subjects reconciled with their last audited change. */
    subjects: number;
    /** Consent decisions checked (each history a chain, each decision made by an audited event). */
    consent_decisions: number;
    /** Outbox events checked (a chain, holding every event not yet acknowledged). */
    outbox_events: number;
    /** Token rows checked (each row's state against its MAC). */
    tokens: number;
    /** The head at the time of verification. */
    head: AuditHead;
}
/** The result of `compact`. */
export interface CompactReport {
    /** Size of the database file before, in bytes. */
    bytes_before: number;
    /** Size of the database file after, in bytes. */
    bytes_after: number;
    /**
     * What the storage keeps of deleted data beside the live rows was removed afterwards
     * (SQLite: the WAL was checkpointed and truncated; false when another process held a read
     * open, and the next checkpoint completes it).
     */
    residue_scrubbed: boolean;
    /**
     * The same, in the storage backend's own terms (`{"backend": "sqlite", "wal_truncated",
     * "wal_truncation_due_ms"}`).
     */
    storage: StorageReport;
    /**
     * `residue_scrubbed` under its SQLite name, kept for callers written before the backend
     * seam.
     */
    wal_truncated: boolean;
}
/** What opening the vault found (see `openReport`). Holds no personal data. */
export interface OpenReport {
    /** The audit chain's head when the vault was opened. */
    audit_head: AuditHead;
    /**
     * With `audit_anchor`: how the head compares with it —
     * `matches`, `ahead` (events came after the anchor), `behind` (the file is older than the
     * anchor: a restored backup, or a rollback — re-apply the erasure ledger, then keep the new
     * head) or `diverged` (the event at the anchor's position is another one: the log was
     * rewritten). `null` without an anchor.
     */
    audit_anchor: string | null;
    /** Entries in the vault's erasure ledger. */
    erasure_ledger_entries: number;
}
/** The erasure ledger as exported (and handed back to `reapply_erasures`): keyed hashes only. */
export interface ErasureLedger {
    /** `bunkerlite-erasure-ledger/1`. */
    format: string;
    /**
     * The vault's id (hex): a ledger is re-applied only to the vault (or a backup of the vault)
     * it came from.
     */
    vault: string;
    /** Every entry, oldest first. */
    entries: LedgerEntry[];
}
/** One erasure in the ledger. */
export interface LedgerEntry {
    /** Its position, from 1. */
    seq: number;
    /** The keyed hash of the erased subject's token (hex, 64 digits). */
    subject: string;
    /** The keyed hashes of its blind-index entries (hex, 64 digits each). */
    indexes: string[];
    /**
     * When it was erased, in milliseconds since the Unix epoch (0: before the vault kept a
     * ledger; carried over when it was upgraded).
     */
    erased_ms: number;
    /** The MAC chaining it to the entry before (hex, 64 digits). */
    mac: string;
}
/** What `reapply_erasures` did. Holds no personal data. */
export interface ReapplyReport {
    /** Entries in the ledger handed in. */
    entries: number;
    /** Subjects of the ledger that were stored again (a restored backup) and are erased now. */
    erased: number;
    /** The tokens of the subjects erased now. */
    tokens: string[];
    /** Entries the vault's own ledger lacked and gained (the erased subjects' included). */
    added_to_ledger: number;
    /**
     * As `ErasureReceipt::residue_scrubbed`: what the storage kept of the erased rows beside
     * the live ones is gone.
     */
    residue_scrubbed: boolean;
    /** The same, in the storage backend's own terms. */
    storage: StorageReport;
}
/**
 * Options for `open`. Every field has a default; from JSON, unknown
 * fields are refused.
 */
export interface Options {
    /** Create the vault file when it does not exist (default `true`); otherwise `NOT_FOUND`. */
    create?: boolean;
    /** How long a call waits for another connection's write lock before `BUSY`. */
    busy_timeout_ms?: number;
    /**
     * ISO 3166 region for phone numbers written without `+` (e.g. `"DE"`); none by default, so
     * such numbers are refused. The first region given is recorded in the vault (the blind
     * index of a national number depends on it): later opens use it when this is `null` and
     * refuse another region with `INVALID_INPUT`.
     */
    default_region?: string | null;
    /**
     * Extra unique, indexed top-level profile fields (beyond email, phone, login), fixed when
     * the vault is created. Names match `^[a-z][a-z0-9_]{0,63}$`.
     */
    indexed_fields?: string[];
    /**
     * Read events are group-committed at most this many milliseconds after the read; `0` writes
     * each read's event in its own transaction before the read returns.
     */
    audit_flush_interval_ms?: number;
    /**
     * Read events held in memory at most (default 65,536, ~10 MB); reaching it flushes in the
     * calling thread, which then waits for any flush under way. Keep it well above what one
     * flush interval gathers, or readers stall on each other's flushes.
     */
    audit_max_pending?: number;
    /** What an update's audit event keeps about the change (`values`, `fields` or `none`). */
    audit_details?: AuditDetails;
    /**
     * Shred the details of audit events older than this many days (1 to 36,500) when
     * `purge` runs: the sealed before/after of old changes goes, the
     * chain's facts stay and still verify. `null` (the default) keeps details until their
     * subject is erased; `shred_audit_details` shreds on
     * demand.
     */
    audit_details_retention_days?: number | null;
    /**
     * The longest a share may live, in milliseconds (default 7 days, at most 400 days): a
     * share asking for more is `INVALID_INPUT`.
     */
    share_max_ttl_ms?: number;
    /**
     * The audit head the application kept from this vault (`get_audit_head`, kept outside the
     * vault): at open the vault compares its own head with it, and
     * `open_report` says `behind` when the file is older — a
     * restored backup (re-apply the erasure ledger), or a rollback.
     */
    audit_anchor?: AuditHead | null;
    /**
     * How erasures clear the WAL. `0` (the default): each erasure checkpoints and truncates
     * the WAL before it returns, so no old copy of the subject's pages remains there when the
     * receipt says `wal_truncated: true` — about three extra fsyncs per erasure (a batch of
     * `forget_subjects` pays them once). Above `0`: an erasure commits and returns, and the
     * truncation is coalesced with the other erasures of the next `erasure_wal_window_ms`
     * milliseconds (at most 60,000), done by the background thread; the receipt says
     * `wal_truncated: false` and gives the time it is due (`wal_truncation_due_ms`).
     * `flush_audit` and `close` complete pending truncations at once; if the process ends
     * first, the next open does.
     */
    erasure_wal_window_ms?: number;
    /**
     * How many audit events wait, unindexed, before they are added to the audit's index by
     * subject in one sorted pass, appended as a run of its own (default 100,000; at least 1).
     * Read events name random subjects: indexing each as it is appended would rewrite a random
     * index page per event. Listing a subject's events scans the waiting ones and looks into
     * each run (runs of small passes are merged eight at a time), so a smaller value makes
     * those scans shorter and audited reads dearer.
     */
    audit_index_batch?: number;
    /**
     * Refuse every read, detokenization and export whose caller names no purpose
     * (`INVALID_INPUT`). With processing activities defined, a named purpose is then always
     * checked against them (see the README's "Consent").
     */
    require_purpose?: boolean;
    /** Input limits. */
    limits?: Limits;
    /** SQLite-only settings. */
    sqlite?: SqliteOptions;
    /** PostgreSQL-only settings. */
    postgres?: PostgresOptions;
    /**
     * For tests (and the shared vectors) from any language: a manual clock standing still at
     * this time (milliseconds since the Unix epoch) instead of the system clock — expiry is
     * tested by reopening with a later time. Audit events are stamped with it. Ignored when
     * `clock` is already a manual clock.
     */
    manual_clock_ms?: number | null;
}
/**
 * What the audit event of a profile change keeps about it, encrypted under the subject's key
 * (so it is shredded with the subject).
 */
export type AuditDetails = 'values' | 'fields' | 'none';
/**
 * Limits on what a caller may store. Checked before anything is encrypted or written; text is
 * checked for size before it is parsed.
 */
export interface Limits {
    /** Largest document (profile or patch), in bytes of compact JSON. */
    max_document_bytes?: number;
    /** Deepest nesting of arrays and objects (at most `MAX_DEPTH`). */
    max_depth?: number;
    /** Most object keys in one document, counted at every level. */
    max_fields?: number;
    /** Longest string (key or value), in bytes. */
    max_string_bytes?: number;
    /** Most items in one batch call. */
    max_batch?: number;
    /** Largest batch (all its documents together), in bytes of compact JSON. */
    max_batch_bytes?: number;
}
/** Settings that only the SQLite backend has. */
export interface SqliteOptions {
    /** Commit durability (default `full`). */
    synchronous?: Synchronous;
    /** Page cache per connection, in KiB (the writer and each pooled reader has one). */
    cache_kib?: number;
}
/** How durable a commit is before the call returns. */
export type Synchronous = 'full' | 'normal';
/** Settings that only the PostgreSQL backend has (a vault opened at a `postgres://` URL). */
export interface PostgresOptions {
    /**
     * The most connections this handle (and its clones) holds to the server at once (default
     * 16, 2 to 1,000: the background flusher and a caller may each hold one). A call that finds them all in use waits for one up to `busy_timeout_ms`,
     * then fails with `BUSY`. Size it with the server's `max_connections` divided among the
     * processes that share it.
     */
    max_connections?: number;
}
/**
 * Options of `tokenize` (from JSON in the bindings: unknown
 * fields are refused). Every field is optional.
 */
export interface TokenizeOptions {
    /** The token's kind (`uuid` by default). */
    kind?: TokenKind;
    /** Alphanumeric and numeric tokens: how many characters (6–128; default 22 and 38). */
    length?: number | null;
    /** Card tokens: keep this many leading digits (0–6). */
    keep_first?: number;
    /** Card tokens: keep this many trailing digits (0–4). */
    keep_last?: number;
    /**
     * Card tokens: pass the Luhn check (by default they fail it, so no token can be taken for
     * a card number).
     */
    luhn_valid?: boolean;
    /** Email tokens: keep the value's domain (default) or use `token.invalid`. */
    keep_domain?: boolean | null;
    /**
     * The same value (normalised: a card's digits, an email lower-cased) in the same scope gets
     * the same token. Off by default: deterministic tokens reveal which values repeat.
     */
    deterministic?: boolean;
    /**
     * The namespace of deterministic tokens (`default` when absent): scopes never share tokens.
     * 1–64 letters, digits, `.`, `_`, `:` or `-`.
     */
    scope?: string | null;
    /**
     * The token expires this many milliseconds after it is made (or, `sliding`, after its
     * last detokenize).
     */
    ttl_ms?: number | null;
    /** The token expires at this time (milliseconds since the Unix epoch). */
    expires_at_ms?: number | null;
    /** Each detokenize moves the expiry to `ttl_ms` from then. */
    sliding?: boolean;
    /** The token is destroyed by its first detokenize. */
    once?: boolean;
    /**
     * The token belongs to this subject (its token): the value is sealed under the subject's
     * data key and the token is erased with the subject.
     */
    subject?: string | null;
    /**
     * Deterministic tokens: tokenizing a value that already has a token moves that token's
     * expiry as if it were made now.
     */
    renew?: boolean;
    /**
     * FF1 tokens: the alphabet of values and tokens — `digits` (the default), `hex`,
     * `lower_alphanumeric`, `alphanumeric`, or the characters of a custom one (2–256, each once).
     */
    alphabet?: string | null;
}
/** Options of `detokenize`. */
export interface DetokenizeOptions {
    /** Return the value masked (e.g. `************1111`). */
    mask?: Mask | null;
    /**
     * `fpe` for FF1 tokens, which the vault does not store: they are decrypted with the
     * `alphabet` and `scope` they were made with. Vaulted tokens know their kind.
     */
    kind?: TokenKind | null;
    /** FF1 tokens: their alphabet (`digits` by default). */
    alphabet?: string | null;
    /**
     * FF1 tokens: their scope (`default` by default). For `detokenize_text`: the scope the
     * text was tokenized in (`text` by default); only its tokens are read back.
     */
    scope?: string | null;
}
/**
 * A mask applied by `detokenize`: every character but the
 * first `keep_first` and the last `keep_last` (of an email: of its local part) becomes `char`.
 */
export interface Mask {
    /** Leading characters shown (default 0). */
    keep_first?: number;
    /** Trailing characters shown (default 4). */
    keep_last?: number;
    /** The masking character (default `*`). */
    char?: string;
}
/**
 * Options of `tokenizeText` (unknown fields refused).
 * `Debug` does not show the literal values (they are personal data).
 */
export interface TextOptions {
    /** What to find: any of `email`, `phone`, `card` (all three when absent). */
    detect?: Detect[] | null;
    /**
     * Literal values to replace wherever they occur (names, account numbers; at most 1,000,
     * each at least 2 characters).
     */
    values?: string[];
    /**
     * The scope of the placeholders' tokens (`text` when absent): in one scope a value always
     * gets the same token, so one conversation keeps one token per person.
     */
    scope?: string | null;
    /** The tokens expire this many milliseconds after they are made. */
    ttl_ms?: number | null;
    /** The tokens belong to this subject (its token) and are erased with it. */
    subject?: string | null;
}
/** What a placeholder stands for. */
export type Detect = 'email' | 'phone' | 'card';
/**
 * What `setLegalBasis` takes. A new basis needs
 * `type`; on an existing one every absent field keeps its value. A change of the texts people
 * are shown (`short_description`, `full_description`, `required_message`) makes a new notice
 * version.
 */
export interface LegalBasisSpec {
    /** The basis type (`type` in JSON). */
    type?: BasisType | null;
    /** What part of the application it belongs to (free text, ≤ 64 characters). */
    module?: string | null;
    /** A one-line description shown to people (part of the notice). */
    short_description?: string | null;
    /** The full text shown to people (part of the notice). */
    full_description?: string | null;
    /** The subject must agree to use the service. */
    required?: boolean | null;
    /** Shown when a required basis is refused. */
    required_message?: string | null;
    /** The subject may give and withdraw it themselves (the portal shows it). */
    user_control?: boolean | null;
    /** `deleted` is set by `deleteLegalBasis` only. */
    status?: BasisStatus | null;
}
/**
 * What `setActivity` takes. A new activity needs
 * `operations`; on an existing one every absent field keeps its value, and `legal_bases`, when
 * given, replaces its links.
 */
export interface ActivitySpec {
    /** A short title. */
    title?: string | null;
    /** What the processing is. */
    description?: string | null;
    /** The operations it covers: `read`, `write`, `delete`, `export`, `detokenize`. */
    operations?: Operation[] | null;
    /** The briefs of the legal bases it relies on. */
    legal_bases?: string[] | null;
}
/** Options of a consent decision (give, withdraw, revoke). Every field is optional. */
export interface ConsentOptions {
    /** `give_consent` only: `given` (the default) or `refused`. */
    status?: ConsentStatus | null;
    /** Not in force before this time (ms since the epoch; default: now). */
    start_ms?: number | null;
    /** In force until this time (ms since the epoch; after it the agreement is `expired`). */
    expires_ms?: number | null;
    /** In force for this many milliseconds from its start (instead of `expires_ms`). */
    ttl_ms?: number | null;
    /** How it was collected: `web-form`, `email`, `phone`, `paper`, `api`, … (default `api`). */
    method?: string | null;
    /** The channel or surface (`portal`, `mobile-app`, …). */
    channel?: string | null;
    /** The language the notice was shown in (BCP 47, e.g. `en`, `de-CH`). */
    language?: string | null;
    /** A reference code (a ticket, a form id). Stored encrypted under the subject's key. */
    reference?: string | null;
    /** The notice version the subject was shown (default: the basis's current one). */
    notice_version?: number | null;
}
/**
 * Options of `setSession` and
 * `touchSession` (unknown fields refused). `Debug` does
 * not show the id (a bearer secret).
 */
export interface SessionOptions {
    /**
     * The session id: 16 to 256 visible ASCII characters. Generated (43 characters, 256 random
     * bits) when absent.
     */
    id?: string | null;
    /**
     * The token of the subject the session belongs to. A session linked to a subject keeps its
     * link: naming another subject is `DUPLICATE`, naming none keeps the one it has.
     */
    subject?: string | null;
    /** Lifetime from now, in milliseconds (1 to 400 days' worth; default 24 hours). */
    ttl_ms?: number | null;
    /** Expiry as a time, in milliseconds since the Unix epoch (instead of `ttl_ms`). */
    expires_at_ms?: number | null;
}
/**
 * What to share, for `createShare` (unknown fields
 * refused). `Debug` does not show the session id.
 */
export interface ShareSpec {
    /** What is shared: `profile`, `app` or `session` (required). */
    of?: string | null;
    /** The app whose document is shared (with `of: "app"`). */
    app?: string | null;
    /** The id of the subject's session that is shared (with `of: "session"`). */
    session?: string | null;
    /**
     * The fields shared, as dotted paths (`"address.city"`); 1 to 100 of them. Give this or
     * `all_fields`.
     */
    fields?: string[] | null;
    /** Share every field (must be asked for explicitly; never the default). */
    all_fields?: boolean;
    /** The partner the share is for (1 to 128 characters): resolving it must name the same. */
    partner?: string | null;
    /** How many times it may be resolved (1 to 1,000,000; none: until it expires). */
    max_reads?: number | null;
    /** Lifetime from now, in milliseconds (default 24 hours, at most `share_max_ttl_ms`). */
    ttl_ms?: number | null;
    /** Expiry as a time, in milliseconds since the Unix epoch (instead of `ttl_ms`). */
    expires_at_ms?: number | null;
}
/** What an unlock asks for (unknown fields refused). */
export interface BulkOptions {
    /** How long it lasts, in milliseconds (default 10 minutes, at most 1 hour). */
    ttl_ms?: number | null;
    /** How many subjects it allows listing in all (default 10,000, at most 1,000,000). */
    max_subjects?: number | null;
}
/**
 * A new request, for `createRequest` (unknown fields
 * refused). `Debug` shows only its kind and regime.
 */
export interface RequestSpec {
    /**
     * What is asked (required): `access`, `rectify`, `change_app_data`, `erase`, `restrict`,
     * `object`, `port`, `withdraw_consent`, `opt_out`, `opt_in`.
     */
    kind?: string | null;
    /**
     * The law it is made under: `gdpr` (default), `ccpa` or `voluntary`. `restrict` and `object`
     * are GDPR rights (not under `ccpa`); `opt_out` and `opt_in` are CCPA's (not under `gdpr`).
     */
    regime?: string | null;
    /**
     * The subject proved who they are (e.g. logged in to the portal): the request starts
     * verified. A request an operator records for a subject starts unverified.
     */
    verified?: boolean;
    /**
     * The proposed change (a merge patch object or a JSON Patch array): required for `rectify`
     * (of the profile) and `change_app_data` (of the document of `app`), refused otherwise.
     */
    patch?: Json;
    /** The app whose document `change_app_data` changes. */
    app?: string | null;
    /**
     * The legal basis (its brief) that `withdraw_consent`, `opt_out` or `opt_in` is about;
     * approving withdraws (or gives) consent under it.
     */
    legal_basis?: string | null;
    /** What the subject wrote (up to 2,000 characters). */
    note?: string | null;
    /**
     * When it was received, in milliseconds since the Unix epoch (default: now; not in the
     * future). Its deadlines count from it.
     */
    received_ms?: number | null;
}
/**
 * Which requests `listRequests` lists (unknown fields
 * refused; every field narrows it).
 */
export interface RequestQuery {
    /** Only those in this state. */
    state?: string | null;
    /** Only this subject's (its token). */
    subject?: string | null;
    /** Only those open or in progress past their due date. */
    overdue?: boolean;
    /** Only those open or in progress due within this many days from now (0 to 3,650). */
    due_within_days?: number | null;
}
/** What `approveRequest` takes (unknown fields refused). */
export interface ApproveOptions {
    /** Which proposal to apply (its position in `proposals`; default the latest). */
    proposal?: number | null;
}
/**
 * When to erase, for `scheduleErasure` (unknown
 * fields refused; give one of the two).
 */
export interface ScheduleOptions {
    /** Erase this many milliseconds from now (1 ms to ten years). */
    ttl_ms?: number | null;
    /** Erase at this time, in milliseconds since the Unix epoch (in the future, within ten years). */
    expires_at_ms?: number | null;
}
/** Options of `shredAuditDetails`. */
export interface ShredOptions {
    /**
     * Shred the details of events older than this many days (1 to 36,500); default: the vault's
     * `audit_details_retention_days`.
     */
    older_than_days?: number | null;
}
/** A consent receipt: the Kantara Consent Receipt fields, the ISO/IEC TS 27560 record under `record`, and `mac`. Change nothing in it: `verify_consent_receipt` answers `INTEGRITY` to any edit. */
export type ConsentReceipt = {
    [key: string]: Json;
};
/** Per-call options of every audited method: who acts, and why. */
export interface CallOptions {
    /** A role or operator id recorded in the audit log (`"app:billing"`); defaults to `"app"`. */
    actor?: string;
    /** The processing activity the call serves (`"invoicing"`), recorded in the audit log. */
    purpose?: string;
}
/** Per-call options of listings: who acts and why, and which page. */
export interface PageOptions extends CallOptions {
    /** The `next` of the previous page; absent for the first page. */
    cursor?: string | null;
    /** Items per page, 1–1000 (default 100). */
    limit?: number;
}
/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
export declare class Vault {
    #private;
    private constructor();
    /**
     * Open (or create) the vault at `path` with `key`: a file name, or a PostgreSQL URL
     * (`postgres://user@host/db?schema=name`, see the book's "Scaling out").
     */
    static open(path: string, key: MasterKey, options?: Options | null): Vault;
    /** `open`, off the event loop. */
    static openAsync(path: string, key: MasterKey, options?: Options | null): Promise<Vault>;
    /** A private in-memory vault, gone when closed. */
    static openInMemory(key: MasterKey, options?: Options | null): Vault;
    /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
    close(): void;
    /** `close`, off the event loop. */
    closeAsync(): Promise<void>;
    /** Whether the vault is closed. */
    get closed(): boolean;
    /** Create a subject from a profile (a JSON object) and return its new token. Indexed fields (email, phone, login, configured ones) must be strings and unique. Purpose check: write, on no subject yet: the activity must cover writes. */
    createSubject(profile: Profile, opts?: CallOptions | null): string;
    /** `createSubject`, off the event loop. */
    createSubjectAsync(profile: Profile, opts?: CallOptions | null): Promise<string>;
    /** Create many subjects in one transaction from a list of profiles: all are created, or none (the error names the failing item's position). Returns their tokens in order. Purpose check: write, on no subject yet: the activity must cover writes. */
    createSubjects(profiles: Profile[], opts?: CallOptions | null): string[];
    /** `createSubjects`, off the event loop. */
    createSubjectsAsync(profiles: Profile[], opts?: CallOptions | null): Promise<string[]>;
    /** Read a subject found by a lookup (token, email, phone, login or a configured field). A subject found through an index is returned only if its profile really holds the value. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getSubject(lookup: Lookup, opts?: CallOptions | null): Subject;
    /** `getSubject`, off the event loop. */
    getSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Subject>;
    /** Read many subjects: a subject, or null where nothing matches (or the subject was erased), per lookup, in order. Each lookup is audited. Purpose check: read, on each subject found (a refused one is a null item). A vault with require_purpose needs a purpose. */
    getSubjects(lookups: Lookup[], opts?: CallOptions | null): Array<Subject | null>;
    /** `getSubjects`, off the event loop. */
    getSubjectsAsync(lookups: Lookup[], opts?: CallOptions | null): Promise<Array<Subject | null>>;
    /** Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event keeps the before and after, encrypted under the subject's key. Purpose check: write, on the subject found; the profile is returned only when `read` is allowed too. */
    updateSubject(lookup: Lookup, patch: Json, opts?: CallOptions | null): Subject;
    /** `updateSubject`, off the event loop. */
    updateSubjectAsync(lookup: Lookup, patch: Json, opts?: CallOptions | null): Promise<Subject>;
    /** Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index entries are deleted (secure_delete on), what the storage keeps of them beside the live rows is scrubbed (the WAL truncated), and the audit chain keeps only the fact (older events' details become unreadable; the chain still verifies). Later lookups by token are ERASED. Returns the erasure receipt. Purpose check: delete, on the subject found. */
    forgetSubject(lookup: Lookup, opts?: CallOptions | null): ErasureReceipt;
    /** `forgetSubject`, off the event loop. */
    forgetSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ErasureReceipt>;
    /** Erase many subjects in one transaction, each as a single erasure does, with one WAL truncation for the batch: a receipt, or null where nothing matches (or the subject was already erased), per lookup, in order. Any other error erases nobody. Purpose check: delete, on each subject found (a refused one is a null item). */
    forgetSubjects(lookups: Lookup[], opts?: CallOptions | null): Array<ErasureReceipt | null>;
    /** `forgetSubjects`, off the event loop. */
    forgetSubjectsAsync(lookups: Lookup[], opts?: CallOptions | null): Promise<Array<ErasureReceipt | null>>;
    /** Export everything held about a subject (the rights of access and portability) as one document, `schemas/export.schema.json`: the subject, its tokens' metadata, its consent record as a verifiable receipt, its app documents, its sessions (by reference), its shares (never their ids) and its whole audit trail with details, read in one snapshot. Audited as subject.export. For a long audit trail prefer `export_subject_to_file`, which streams to disk instead of building the document in memory. Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportSubject(lookup: Lookup, opts?: CallOptions | null): SubjectExport;
    /** `exportSubject`, off the event loop. */
    exportSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<SubjectExport>;
    /** Export a subject as `export_subject` does, streamed into a new file at `path` as it is read (memory stays flat however long the audit trail): the file is created with owner-only permissions under a temporary name in the same folder, synced, then given its name in one step, so it appears whole or not at all. An existing file is never replaced (`INVALID_INPUT`). Returns what was written (no personal data). Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportSubjectToFile(lookup: Lookup, path: string, opts?: CallOptions | null): ExportSummary;
    /** `exportSubjectToFile`, off the event loop. */
    exportSubjectToFileAsync(lookup: Lookup, path: string, opts?: CallOptions | null): Promise<ExportSummary>;
    /** Every stored subject, a page at a time in creation order (at most 100 per page; pass `next` as the cursor), each checked as a read (a refused one is left out) and audited as subject.list. Refused with `BULK_LOCKED` unless `unlock_bulk` unlocked it for the caller's actor and purpose, and until that unlock expires or its number of subjects is used up. Purpose check: read, on the activity's coverage, then each subject listed (a refused one is left out); needs a bulk unlock. A vault with require_purpose needs a purpose. */
    listSubjects(opts?: PageOptions | null): Page<Subject>;
    /** `listSubjects`, off the event loop. */
    listSubjectsAsync(opts?: PageOptions | null): Promise<Page<Subject>>;
    /** Unlock `list_subjects` for the caller's actor and purpose (a purpose is required, and its activity must cover reads): for `ttl_ms` (default 10 minutes, at most 1 hour) and `max_subjects` in all (default 10,000, at most 1,000,000). Audited as bulk.unlock before it returns. The unlock lives in this open vault (each process unlocks for itself); a new one replaces the caller's previous one. Purpose check: read, on the activity's coverage (an unlock reads nobody's data; each listed subject is checked then). A vault with require_purpose needs a purpose. */
    unlockBulk(options?: BulkOptions | null, opts?: CallOptions | null): BulkGrant;
    /** `unlockBulk`, off the event loop. */
    unlockBulkAsync(options?: BulkOptions | null, opts?: CallOptions | null): Promise<BulkGrant>;
    /** End the caller's bulk unlock now (nothing when it has none). Audited as bulk.lock. No purpose check: ends an unlock; reads nothing. */
    lockBulk(opts?: CallOptions | null): void;
    /** `lockBulk`, off the event loop. */
    lockBulkAsync(opts?: CallOptions | null): Promise<void>;
    /** Make a token standing in for a value (a card number, an email, any string) and return it. Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length, keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a keyed hash of the token and the value encrypted; errors never contain the value. Purpose check: write, on the linked subject (or none); an FF1 token is checked as `detokenize`: it is the value encrypted, so making tokens of chosen values tests guesses against one held. */
    tokenize(value: string, options?: TokenizeOptions | null, opts?: CallOptions | null): string;
    /** `tokenize`, off the event loop. */
    tokenizeAsync(value: string, options?: TokenizeOptions | null, opts?: CallOptions | null): Promise<string>;
    /** Tokenize many values with the same options in one transaction: per item a status (created, existing, failed), the token or the error, and a summary. One bad item fails only itself unless all_or_nothing, which makes any failure fail the call and write nothing. Purpose check: write, on the linked subject (or none); FF1 tokens as `detokenize` (see tokenize). */
    tokenizeMany(values: string[], options?: TokenizeOptions | null, opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): TokenBatch<TokenizeItem>;
    /** `tokenizeMany`, off the event loop. */
    tokenizeManyAsync(values: string[], options?: TokenizeOptions | null, opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): Promise<TokenBatch<TokenizeItem>>;
    /** The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of the token. An expired token is EXPIRED; a token made with once is deleted by this call (and is then NOT_FOUND); a sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}. Purpose check: detokenize, on the token's linked subject (or none). A vault with require_purpose needs a purpose. */
    detokenize(token: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): string;
    /** `detokenize`, off the event loop. */
    detokenizeAsync(token: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): Promise<string>;
    /** Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND, EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: detokenize, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
    detokenizeMany(tokens: string[], options?: DetokenizeOptions | null, opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): TokenBatch<DetokenizeItem>;
    /** `detokenizeMany`, off the event loop. */
    detokenizeManyAsync(tokens: string[], options?: DetokenizeOptions | null, opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): Promise<TokenBatch<DetokenizeItem>>;
    /** Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and the literal values of the values option) with typed placeholders `[EMAIL:token]`, `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]`, for logs and prompts sent to language models. The tokens are vaulted and deterministic in the scope option (text by default). Options: detect (email, phone, card), values (each at least 2 characters), scope, ttl_ms, subject. Dates, times, timestamps, IP addresses, ids and versions are never taken for numbers; a national phone number needs the default region's grouping or a context word (tel, call, ...). At most max_batch items per call (TOO_LARGE beyond). Purpose check: write, on the linked subject (or none). */
    tokenizeText(text: string, options?: TextOptions | null, opts?: CallOptions | null): string;
    /** `tokenizeText`, off the event loop. */
    tokenizeTextAsync(text: string, options?: TextOptions | null, opts?: CallOptions | null): Promise<string>;
    /** Put the values back in place of the placeholders tokenize_text wrote (masked with the mask option), reading only tokens made by tokenize_text in the scope option (text by default) for the placeholder's tag; any other placeholder (unknown, expired, another scope or tag, or one the purpose may not read) stays as it is. At most max_batch placeholders per call. Purpose check: detokenize, on each placeholder's linked subject (a refused one stays a placeholder). A vault with require_purpose needs a purpose. */
    detokenizeText(text: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): string;
    /** `detokenizeText`, off the event loop. */
    detokenizeTextAsync(text: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): Promise<string>;
    /** Delete a token: its value can no longer be recovered through it. Purpose check: delete, on the token's linked subject (or none). */
    deleteToken(token: string, opts?: CallOptions | null): void;
    /** `deleteToken`, off the event loop. */
    deleteTokenAsync(token: string, opts?: CallOptions | null): Promise<void>;
    /** Delete many tokens in one transaction: per item whether it was deleted or the error, and a summary; all_or_nothing makes any failure fail the call and delete nothing. Purpose check: delete, on each token's linked subject (a refused one is an item error). */
    deleteTokens(tokens: string[], opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): TokenBatch<DeleteItem>;
    /** `deleteTokens`, off the event loop. */
    deleteTokensAsync(tokens: string[], opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): Promise<TokenBatch<DeleteItem>>;
    /** What is known about a token without its value: kind, scope, deterministic, once, sliding, created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed hash its audit events carry). Purpose check: read, on the token's linked subject (or none): the info names it. A vault with require_purpose needs a purpose. */
    tokenInfo(token: string, opts?: CallOptions | null): TokenInfo;
    /** `tokenInfo`, off the event loop. */
    tokenInfoAsync(token: string, opts?: CallOptions | null): Promise<TokenInfo>;
    /** token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: read, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
    tokenInfos(tokens: string[], opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): TokenBatch<InfoItem>;
    /** `tokenInfos`, off the event loop. */
    tokenInfosAsync(tokens: string[], opts?: (CallOptions & {
        all_or_nothing?: boolean;
    }) | null): Promise<TokenBatch<InfoItem>>;
    /** Delete every expired token, a thousand per transaction (readers are never blocked). Returns {removed}. No purpose check: removes only what the tokens' own expiry ended; reads and returns no value. */
    purgeTokens(opts?: CallOptions | null): PurgeReport;
    /** `purgeTokens`, off the event loop. */
    purgeTokensAsync(opts?: CallOptions | null): Promise<PurgeReport>;
    /** Create or change a legal basis (brief: `^[a-z][a-z0-9-]{1,64}$`) from a definition: type (consent, contract, legal-obligation, vital-interest, public-task, legitimate-interest; required for a new basis), module, short_description, full_description, required, required_message, user_control, status (active, disabled). Absent fields keep their values; a change of the texts people are shown makes a new notice version (every version is kept). No purpose check: the catalogue holds no personal data. */
    setLegalBasis(brief: string, definition: LegalBasisSpec, opts?: CallOptions | null): LegalBasis;
    /** `setLegalBasis`, off the event loop. */
    setLegalBasisAsync(brief: string, definition: LegalBasisSpec, opts?: CallOptions | null): Promise<LegalBasis>;
    /** A legal basis with every notice version (notices, oldest first). The catalogue holds no personal data: not audited. No purpose check: the catalogue holds no personal data (not audited). */
    getLegalBasis(brief: string): LegalBasis;
    /** `getLegalBasis`, off the event loop. */
    getLegalBasisAsync(brief: string): Promise<LegalBasis>;
    /** Every legal basis (deleted ones too), by brief, each with its current notice. No purpose check: the catalogue holds no personal data (not audited). */
    listLegalBases(): LegalBasis[];
    /** `listLegalBases`, off the event loop. */
    listLegalBasesAsync(): Promise<LegalBasis[]>;
    /** Delete a legal basis: it is marked deleted (its notices are kept) and every agreement under it is revoked, at once for every purpose check and then in the history and the outbox a thousand subjects per transaction (an interrupted call is completed by calling again). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
    deleteLegalBasis(brief: string, opts?: CallOptions | null): ConsentReport;
    /** `deleteLegalBasis`, off the event loop. */
    deleteLegalBasisAsync(brief: string, opts?: CallOptions | null): Promise<ConsentReport>;
    /** Revoke every agreement under a legal basis, as delete_legal_basis does, keeping the basis (new agreements may be given). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
    revokeLegalBasis(brief: string, opts?: CallOptions | null): ConsentReport;
    /** `revokeLegalBasis`, off the event loop. */
    revokeLegalBasisAsync(brief: string, opts?: CallOptions | null): Promise<ConsentReport>;
    /** Create or change a processing activity: its name is the purpose callers pass; the definition has title, description, operations (read, write, delete, export, detokenize; required for a new activity) and legal_bases (briefs; replaces the links when given). Once a vault has an activity, every purpose a caller names must be one. No purpose check: the catalogue holds no personal data. */
    setActivity(activity: string, definition: ActivitySpec, opts?: CallOptions | null): Activity;
    /** `setActivity`, off the event loop. */
    setActivityAsync(activity: string, definition: ActivitySpec, opts?: CallOptions | null): Promise<Activity>;
    /** Let a processing activity rely on a legal basis. No purpose check: the catalogue holds no personal data. */
    linkActivity(activity: string, brief: string, opts?: CallOptions | null): Activity;
    /** `linkActivity`, off the event loop. */
    linkActivityAsync(activity: string, brief: string, opts?: CallOptions | null): Promise<Activity>;
    /** Stop a processing activity relying on a legal basis. No purpose check: the catalogue holds no personal data. */
    unlinkActivity(activity: string, brief: string, opts?: CallOptions | null): Activity;
    /** `unlinkActivity`, off the event loop. */
    unlinkActivityAsync(activity: string, brief: string, opts?: CallOptions | null): Promise<Activity>;
    /** Delete a processing activity: its name is then an unknown purpose. No purpose check: the catalogue holds no personal data. */
    deleteActivity(activity: string, opts?: CallOptions | null): void;
    /** `deleteActivity`, off the event loop. */
    deleteActivityAsync(activity: string, opts?: CallOptions | null): Promise<void>;
    /** Every processing activity, by name, with the operations it covers and the legal bases it relies on. No purpose check: the catalogue holds no personal data (not audited). */
    listActivities(): Activity[];
    /** `listActivities`, off the event loop. */
    listActivitiesAsync(): Promise<Activity[]>;
    /** Record that a subject gave (or with status refused, refused) consent under a legal basis. Options: status, start_ms, expires_ms or ttl_ms, method, channel, language, reference (stored encrypted), notice_version (default: the current one). Appended to the subject's consent record with an outbox event in one transaction; the basis must be active. Returns the agreement. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
    giveConsent(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement;
    /** `giveConsent`, off the event loop. */
    giveConsentAsync(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement>;
    /** Record that a subject withdrew consent under a legal basis (options: method, channel, language, reference). An agreement not in force is returned unchanged; none at all is NOT_FOUND. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
    withdrawConsent(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement;
    /** `withdrawConsent`, off the event loop. */
    withdrawConsentAsync(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement>;
    /** Record that an operator revoked a subject's consent under a legal basis, as withdraw_consent records a withdrawal. No purpose check: ending an agreement only ends processing. */
    revokeConsent(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement;
    /** `revokeConsent`, off the event loop. */
    revokeConsentAsync(lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement>;
    /** A subject's current decision about a legal basis: status (given, refused, withdrawn, revoked, expired), in_force, times, the notice version and hash, method, channel, language, reference, actor. NOT_FOUND when it never decided. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getConsent(lookup: Lookup, brief: string, opts?: CallOptions | null): Agreement;
    /** `getConsent`, off the event loop. */
    getConsentAsync(lookup: Lookup, brief: string, opts?: CallOptions | null): Promise<Agreement>;
    /** A subject's current decisions, one per legal basis it decided about, by brief. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listConsents(lookup: Lookup, opts?: CallOptions | null): Agreement[];
    /** `listConsents`, off the event loop. */
    listConsentsAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Agreement[]>;
    /** A subject's whole consent record as a receipt: Kantara Consent Receipt v1.1 fields, the ISO/IEC TS 27560 record (every decision with the notice version and text hash, when, how, by whom) under record, and a mac (HMAC-SHA256 under the vault's consent key) over its canonical JSON. Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportConsentReceipt(lookup: Lookup, opts?: CallOptions | null): ConsentReceipt;
    /** `exportConsentReceipt`, off the event loop. */
    exportConsentReceiptAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ConsentReceipt>;
    /** Verify a receipt this vault issued: INTEGRITY when anything in it changed or another vault issued it. Returns {valid, subject, events, issued_ms}. No purpose check: checks a document the caller already holds; reads nothing stored about anyone (not audited). */
    verifyConsentReceipt(receipt: ConsentReceipt): ReceiptCheck;
    /** `verifyConsentReceipt`, off the event loop. */
    verifyConsentReceiptAsync(receipt: ConsentReceipt): Promise<ReceiptCheck>;
    /** Whether a purpose allows an operation (read by default; write, delete, export, detokenize) on a subject, answered as the purpose check answers it, without reading the subject's data: {allowed, legal_basis, reason}. An unknown purpose is INVALID_INPUT. No purpose check: it is the check itself, answered for the purpose it names (audited as consent.check). */
    canProcess(lookup: Lookup, purpose: string, operation?: string | null): ProcessingDecision;
    /** `canProcess`, off the event loop. */
    canProcessAsync(lookup: Lookup, purpose: string, operation?: string | null): Promise<ProcessingDecision>;
    /** Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first, after what the consumer (default when absent) acknowledged, or after the cursor. An event is delivered until acknowledged: at least once, in order. A page is {total, items, next}. Purpose check: read, on no one subject: the activity must cover reads. A vault with require_purpose needs a purpose. */
    listConsentEvents(consumer?: string | null, opts?: PageOptions | null): Page<ConsentEvent>;
    /** `listConsentEvents`, off the event loop. */
    listConsentEventsAsync(consumer?: string | null, opts?: PageOptions | null): Promise<Page<ConsentEvent>>;
    /** Acknowledge the consent events up to and including the one whose cursor is given: they are not delivered to this consumer again (events every consumer acknowledged are deleted). No purpose check: moves a consumer's mark; reads nothing. */
    ackConsentEvents(cursor: string, consumer?: string | null, opts?: CallOptions | null): void;
    /** `ackConsentEvents`, off the event loop. */
    ackConsentEventsAsync(cursor: string, consumer?: string | null, opts?: CallOptions | null): Promise<void>;
    /** Restrict the processing of a subject (GDPR Art. 18): from now on its data is stored, exported to it (`export_subject`) and erased, but read or detokenized for no purpose — named or not; such calls get `CONSENT_REQUIRED` — until `lift_restriction`. Returns {subject, restricted, since_ms, changed}. No purpose check: limits processing; reads nothing. */
    restrictProcessing(lookup: Lookup, opts?: CallOptions | null): Restriction;
    /** `restrictProcessing`, off the event loop. */
    restrictProcessingAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Restriction>;
    /** Lift a subject's restriction of processing (`changed: false` when there was none). No purpose check: ends a limit the subject or an operator set; reads nothing. */
    liftRestriction(lookup: Lookup, opts?: CallOptions | null): Restriction;
    /** `liftRestriction`, off the event loop. */
    liftRestrictionAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Restriction>;
    /** Record every agreement whose expiry passed as expired (with its outbox event), a thousand per transaction. Returns {changed}. No purpose check: records the expiries that agreements' own terms set; returns only a count. */
    purgeConsents(opts?: CallOptions | null): ConsentReport;
    /** `purgeConsents`, off the event loop. */
    purgeConsentsAsync(opts?: CallOptions | null): Promise<ConsentReport>;
    /** Store a JSON object as the subject's document of an app (`shipping`, `billing`…; names match `^[a-z][a-z0-9_]{1,30}$`): created at version 1, or replacing the stored one as its next version. Sealed under the subject's key, under the limits profiles have, erased with the subject. Returns the document as stored (`document` null when the purpose may write but not read); the audit event keeps the app's name and, as for a profile change, what `audit_details` says of the change. Purpose check: write, on the subject found; the document is returned only when `read` is allowed too. */
    putAppDocument(lookup: Lookup, app: string, document: Record<string, Json>, opts?: CallOptions | null): AppDocument;
    /** `putAppDocument`, off the event loop. */
    putAppDocumentAsync(lookup: Lookup, app: string, document: Record<string, Json>, opts?: CallOptions | null): Promise<AppDocument>;
    /** Read the subject's document of an app (`NOT_FOUND` when it has none). Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getAppDocument(lookup: Lookup, app: string, opts?: CallOptions | null): AppDocument;
    /** `getAppDocument`, off the event loop. */
    getAppDocumentAsync(lookup: Lookup, app: string, opts?: CallOptions | null): Promise<AppDocument>;
    /** Change the subject's document of an app: an object is a merge patch (RFC 7396), an array a JSON Patch (RFC 6902). `NOT_FOUND` when it has none. Returns the document as stored afterwards (`document` null when the purpose may write but not read). Purpose check: write, on the subject found; the document is returned only when `read` is allowed too. */
    updateAppDocument(lookup: Lookup, app: string, patch: Json, opts?: CallOptions | null): AppDocument;
    /** `updateAppDocument`, off the event loop. */
    updateAppDocumentAsync(lookup: Lookup, app: string, patch: Json, opts?: CallOptions | null): Promise<AppDocument>;
    /** Delete the subject's document of an app (`NOT_FOUND` when it has none). Purpose check: delete, on the subject found. */
    deleteAppDocument(lookup: Lookup, app: string, opts?: CallOptions | null): void;
    /** `deleteAppDocument`, off the event loop. */
    deleteAppDocumentAsync(lookup: Lookup, app: string, opts?: CallOptions | null): Promise<void>;
    /** The names of the apps the subject has a document of, sorted (each document authenticated on the way: one moved or renamed in the database is `INTEGRITY`). Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listApps(lookup: Lookup, opts?: CallOptions | null): string[];
    /** `listApps`, off the event loop. */
    listAppsAsync(lookup: Lookup, opts?: CallOptions | null): Promise<string[]>;
    /** The names of the apps any subject has a document of, sorted. Names only, read without opening any document (a read or a subject's listing is what authenticates a document). No purpose check: app names hold no personal data (not audited). */
    listAppNames(): string[];
    /** `listAppNames`, off the event loop. */
    listAppNamesAsync(): Promise<string[]>;
    /** Store a session: a JSON object under a session id — `options.id` (16 to 256 visible ASCII characters; generated, 256 random bits, when absent) — with an expiry (`ttl_ms` or `expires_at_ms`; 24 hours by default, at most 400 days), optionally linked to a subject (`options.subject`, a token: its data is then sealed under the subject's key and erased with it). An existing id gets the new data and expiry as its next version; a session linked to one subject is never taken over through another (`DUPLICATE`), and a set that names no subject keeps the link it has. Only a keyed hash of the id is stored. Returns the session's metadata with its id. Purpose check: write, on the linked subject (or none). */
    setSession(data: Record<string, Json>, options?: SessionOptions | null, opts?: CallOptions | null): SessionInfo;
    /** `setSession`, off the event loop. */
    setSessionAsync(data: Record<string, Json>, options?: SessionOptions | null, opts?: CallOptions | null): Promise<SessionInfo>;
    /** Read a session by its id: `NOT_FOUND` when there is none, `EXPIRED` from its expiry on (until `purge_sessions` removes it). Purpose check: read, on the linked subject (or none). A vault with require_purpose needs a purpose. */
    getSession(id: string, opts?: CallOptions | null): Session;
    /** `getSession`, off the event loop. */
    getSessionAsync(id: string, opts?: CallOptions | null): Promise<Session>;
    /** Move a live session's expiry ahead (`ttl_ms` or `expires_at_ms`; 24 hours from now by default), its data unchanged: what a session store does on each request. Purpose check: write, on the linked subject (or none). */
    touchSession(id: string, options?: SessionOptions | null, opts?: CallOptions | null): SessionInfo;
    /** `touchSession`, off the event loop. */
    touchSessionAsync(id: string, options?: SessionOptions | null, opts?: CallOptions | null): Promise<SessionInfo>;
    /** Delete a session, expired or not (`NOT_FOUND` when there is none). Purpose check: delete, on the linked subject (or none). */
    deleteSession(id: string, opts?: CallOptions | null): void;
    /** `deleteSession`, off the event loop. */
    deleteSessionAsync(id: string, opts?: CallOptions | null): Promise<void>;
    /** A page of the subject's sessions, live and expired: each by a reference (the keyed hash of its id, as the audit log names it — never the id) with its times. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listSessions(lookup: Lookup, opts?: PageOptions | null): Page<SessionRef>;
    /** `listSessions`, off the event loop. */
    listSessionsAsync(lookup: Lookup, opts?: PageOptions | null): Promise<Page<SessionRef>>;
    /** Delete every expired session, at most 1,000 per transaction (readers and writers wait for one batch at most). Returns how many went and in how many batches. No purpose check: removes what expired by its own terms; returns only counts. */
    purgeSessions(opts?: CallOptions | null): SessionPurge;
    /** `purgeSessions`, off the event loop. */
    purgeSessionsAsync(opts?: CallOptions | null): Promise<SessionPurge>;
    /** Share part of a subject's data: `spec.of` is `profile`, `app` (with `spec.app`) or `session` (with `spec.session`, the id of one of the subject's sessions), limited to `spec.fields` (dotted paths) — every field only with `spec.all_fields: true` — for `ttl_ms`/`expires_at_ms` (default 24 hours, at most the vault's `share_max_ttl_ms`), optionally for one `partner` and at most `max_reads` resolutions. Returns the share with its id: a bearer secret of 256 random bits, shown once (only its keyed hash is kept). Purpose check: export, on the subject found: a share discloses its data to a third party. A vault with require_purpose needs a purpose. */
    createShare(lookup: Lookup, spec?: ShareSpec | null, opts?: CallOptions | null): ShareInfo;
    /** `createShare`, off the event loop. */
    createShareAsync(lookup: Lookup, spec?: ShareSpec | null, opts?: CallOptions | null): Promise<ShareInfo>;
    /** Resolve a share by its id: exactly the shared fields of the record as it is now (a field the record lacks is left out). A share bound to a partner needs that partner's name; otherwise, and for an unknown or revoked share, `NOT_FOUND`; `EXPIRED` from its expiry on; the last allowed resolution deletes it. Audited against the subject. No purpose check: the share is the authorisation (its creation was checked as `export`). */
    resolveShare(id: string, partner?: string | null, opts?: CallOptions | null): Shared;
    /** `resolveShare`, off the event loop. */
    resolveShareAsync(id: string, partner?: string | null, opts?: CallOptions | null): Promise<Shared>;
    /** Revoke a share (`NOT_FOUND` when there is none): later resolutions are `NOT_FOUND`. No purpose check: ends a disclosure; reads nothing. */
    revokeShare(id: string, opts?: CallOptions | null): void;
    /** `revokeShare`, off the event loop. */
    revokeShareAsync(id: string, opts?: CallOptions | null): Promise<void>;
    /** The subject's shares, live and expired, each by its reference (never its id) with what it shares, with whom, until when and how often it was resolved. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listShares(lookup: Lookup, opts?: CallOptions | null): ShareRef[];
    /** `listShares`, off the event loop. */
    listSharesAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ShareRef[]>;
    /** Delete every expired share, at most 1,000 per transaction (readers and writers wait for one batch at most). Returns how many went and in how many batches. No purpose check: removes what expired by its own terms; returns only counts. */
    purgeShares(opts?: CallOptions | null): SharePurge;
    /** `purgeShares`, off the event loop. */
    purgeSharesAsync(opts?: CallOptions | null): Promise<SharePurge>;
    /** Record a data-subject request of the subject `lookup` names: `spec.kind` (access, rectify, change_app_data, erase, restrict, object, port, withdraw_consent, opt_out, opt_in), `spec.regime` (gdpr by default, ccpa, voluntary), `spec.verified` (the subject proved who they are), `spec.patch` (rectify, change_app_data), `spec.app`, `spec.legal_basis`, `spec.note`, `spec.received_ms`. Its due date follows the regime (GDPR: one calendar month; CCPA and voluntary: 45 days, with an acknowledgement due in ten business days; opt-outs and opt-ins: 15 business days). When one of the same kind is open or in progress, this one's proposal is added to it and that request is returned with `existing: true` — both proposals stay visible. No purpose check: a subject exercising a right: the request is not processing of its data. */
    createRequest(lookup: Lookup, spec?: RequestSpec | null, opts?: CallOptions | null): Request;
    /** `createRequest`, off the event loop. */
    createRequestAsync(lookup: Lookup, spec?: RequestSpec | null, opts?: CallOptions | null): Promise<Request>;
    /** A request by its id, with its proposals (each kept, oldest first) and the reasons given. No purpose check: handling the subject's own request: what it sent to exercise a right. */
    getRequest(id: string, opts?: CallOptions | null): RequestDetail;
    /** `getRequest`, off the event loop. */
    getRequestAsync(id: string, opts?: CallOptions | null): Promise<RequestDetail>;
    /** Requests in arrival order, at most 100 per page (no proposals: `get_request` has them), narrowed by `query`: `state`, `subject` (a token), `overdue` (open or in progress past the due date), `due_within_days`. No purpose check: ids, kinds, states and dates: no personal data. */
    listRequests(query?: RequestQuery | null, opts?: PageOptions | null): Page<Request>;
    /** `listRequests`, off the event loop. */
    listRequestsAsync(query?: RequestQuery | null, opts?: PageOptions | null): Promise<Page<Request>>;
    /** Start working on an open request (→ `in_progress`). No purpose check: a step in handling the subject's request. */
    startRequest(id: string, opts?: CallOptions | null): Request;
    /** `startRequest`, off the event loop. */
    startRequestAsync(id: string, opts?: CallOptions | null): Promise<Request>;
    /** Record that the request's subject proved who they are (an approval needs it). No purpose check: a step in handling the subject's request. */
    verifyRequest(id: string, opts?: CallOptions | null): Request;
    /** `verifyRequest`, off the event loop. */
    verifyRequestAsync(id: string, opts?: CallOptions | null): Promise<Request>;
    /** Extend the request's deadline, once, with a reason (1 to 2,000 characters), as far as its regime allows: GDPR to three months after receipt, CCPA and voluntary to 90 days; opt-outs and opt-ins cannot be extended. No purpose check: a step in handling the subject's request. */
    extendRequest(id: string, reason: string, opts?: CallOptions | null): Request;
    /** `extendRequest`, off the event loop. */
    extendRequestAsync(id: string, reason: string, opts?: CallOptions | null): Promise<Request>;
    /** Approve a verified request and apply its change in the same unit of work (→ `fulfilled`): rectify patches the profile and change_app_data the app's document (with `options.proposal`, or the latest proposal; re-validated now), erase erases the subject, restrict restricts its processing, withdraw_consent / opt_out / opt_in withdraw, refuse or give consent under the request's legal basis; access, port and object are answered outside the vault and recorded as fulfilled. Each change is checked as its own operation is (rectify and change_app_data as write, erase as delete). No purpose check: the change it applies is checked as its own operation is (write, or delete for an erasure). */
    approveRequest(id: string, options?: ApproveOptions | null, opts?: CallOptions | null): Request;
    /** `approveRequest`, off the event loop. */
    approveRequestAsync(id: string, options?: ApproveOptions | null, opts?: CallOptions | null): Promise<Request>;
    /** Deny a request (→ `denied`) with a Data Rights Protocol reason code (need_user_verification, suspected_fraud, insufficient_verification, no_match, claim_not_covered, outside_jurisdiction, too_many_requests, other) and, optionally, words. No purpose check: a step in handling the subject's request. */
    denyRequest(id: string, code: string, reason?: string | null, opts?: CallOptions | null): Request;
    /** `denyRequest`, off the event loop. */
    denyRequestAsync(id: string, code: string, reason?: string | null, opts?: CallOptions | null): Promise<Request>;
    /** The subject withdraws its open or in-progress request (→ `revoked`). No purpose check: the subject withdrawing its own request. */
    revokeRequest(id: string, opts?: CallOptions | null): Request;
    /** `revokeRequest`, off the event loop. */
    revokeRequestAsync(id: string, opts?: CallOptions | null): Promise<Request>;
    /** Record every unverified open request past its due date as expired (the subject never proved who they are), 1,000 per transaction. Returns {expired, batches}. No purpose check: records what the requests' own deadlines decided; returns counts. */
    expireRequests(opts?: CallOptions | null): RequestExpiry;
    /** `expireRequests`, off the event loop. */
    expireRequestsAsync(opts?: CallOptions | null): Promise<RequestExpiry>;
    /** The requests' outbox, oldest first, after `cursor` (every transition: received, proposal_added, verified, in_progress, extended, fulfilled, denied, revoked, expired; ids, names and times only). Delivered until acknowledged: at least once, in order. Purpose check: read, on no one subject: the activity must cover reads. A vault with require_purpose needs a purpose. */
    listRequestEvents(opts?: PageOptions | null): Page<RequestEvent>;
    /** `listRequestEvents`, off the event loop. */
    listRequestEventsAsync(opts?: PageOptions | null): Promise<Page<RequestEvent>>;
    /** Acknowledge the requests' outbox up to and including the event whose cursor is given: those events are deleted. Returns {removed}. No purpose check: removes delivered events; reads nothing. */
    ackRequestEvents(cursor: string, opts?: CallOptions | null): RequestAck;
    /** `ackRequestEvents`, off the event loop. */
    ackRequestEventsAsync(cursor: string, opts?: CallOptions | null): Promise<RequestAck>;
    /** Schedule the erasure of a subject: `options.ttl_ms` from now or at `options.expires_at_ms` (within ten years). `purge` erases it once due. Returns the schedule with its capability — a bearer secret for the subject's "keep my data" and "erase it now" links, shown once (only its keyed hash is kept); a new schedule replaces the old one and voids its capability. Purpose check: delete, on the subject found: its erasure is decided now. */
    scheduleErasure(lookup: Lookup, options?: ScheduleOptions | null, opts?: CallOptions | null): ScheduledErasure;
    /** `scheduleErasure`, off the event loop. */
    scheduleErasureAsync(lookup: Lookup, options?: ScheduleOptions | null, opts?: CallOptions | null): Promise<ScheduledErasure>;
    /** Whether and when a subject's erasure is scheduled: {subject, scheduled, due_ms, created_ms}. No purpose check: a date: no personal data. */
    getErasureSchedule(lookup: Lookup, opts?: CallOptions | null): ErasureSchedule;
    /** `getErasureSchedule`, off the event loop. */
    getErasureScheduleAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ErasureSchedule>;
    /** Cancel a subject's scheduled erasure (`changed: false` when none was scheduled). No purpose check: keeps the data as it is; reads nothing. */
    cancelErasure(lookup: Lookup, opts?: CallOptions | null): ErasureSchedule;
    /** `cancelErasure`, off the event loop. */
    cancelErasureAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ErasureSchedule>;
    /** The subject keeps its data: cancel the scheduled erasure its capability names (`NOT_FOUND` for a capability that names none — never set, replaced, cancelled or carried out). No purpose check: the capability is the subject's own authorisation; reads nothing. */
    retainByCapability(capability: string, opts?: CallOptions | null): ErasureSchedule;
    /** `retainByCapability`, off the event loop. */
    retainByCapabilityAsync(capability: string, opts?: CallOptions | null): Promise<ErasureSchedule>;
    /** The subject has itself erased now, through its scheduled erasure's capability: the erasure's receipt (as `forget_subject` gives it). Purpose check: delete, on the subject the capability names. */
    eraseByCapability(capability: string, opts?: CallOptions | null): ErasureReceipt;
    /** `eraseByCapability`, off the event loop. */
    eraseByCapabilityAsync(capability: string, opts?: CallOptions | null): Promise<ErasureReceipt>;
    /** List audit events, newest first: the subject's (a token) or, without one, all. A page is {total, items, next}; pass `next` as the cursor for the following page (each event is returned once even while others are appended). With `details`, each event's details (the before/after of a change) are decrypted while the subject exists, and the listing is audited as audit.list_details; otherwise as audit.list. Purpose check: read, on each event's subject, for its details only (`export` also allows them); refused details are left out with the reason. A vault with require_purpose needs a purpose. */
    listAuditEvents(subject?: string | null, opts?: (PageOptions & {
        details?: boolean;
    }) | null): Page<AuditEvent>;
    /** `listAuditEvents`, off the event loop. */
    listAuditEventsAsync(subject?: string | null, opts?: (PageOptions & {
        details?: boolean;
    }) | null): Promise<Page<AuditEvent>>;
    /** The audit chain's head {seq, hash}, after committing buffered events: keep it outside the vault to detect truncation and rollback later. No purpose check: a sequence number and a MAC: no personal data (not audited). */
    getAuditHead(): AuditHead;
    /** `getAuditHead`, off the event loop. */
    getAuditHeadAsync(): Promise<AuditHead>;
    /** Verify the audit chain (every MAC and sequence number) and every stored subject against its last audited change; with an anchor (a head kept earlier) also detect truncation and rollback. Returns {events, subjects, head}. No purpose check: returns counts and the head only (not audited). */
    verifyAudit(anchor?: AuditHead | null): AuditReport;
    /** `verifyAudit`, off the event loop. */
    verifyAuditAsync(anchor?: AuditHead | null): Promise<AuditReport>;
    /** Commit buffered read events now (they are otherwise group-committed within audit_flush_interval_ms), and complete the residue scrubs that erasures left pending (with erasure_wal_window_ms above 0). No purpose check: writes events already recorded (not audited). */
    flushAudit(): void;
    /** `flushAudit`, off the event loop. */
    flushAuditAsync(): Promise<void>;
    /** Shred the details (the sealed before/after of changes) of audit events older than `options.older_than_days` (default: the vault's audit_details_retention_days, which `purge` also applies): the chain keeps every fact and still verifies; listings say details_shredded. Events written before format 12 keep their details until their subject is erased. Runs in batches of 1,000 events per transaction, from where the last run stopped. Returns {events, cutoff_ms, through_seq, shreddable_from, batches}. No purpose check: removes old details by a retention rule; reads and returns no personal data. */
    shredAuditDetails(options?: ShredOptions | null, opts?: CallOptions | null): Shredded;
    /** `shredAuditDetails`, off the event loop. */
    shredAuditDetailsAsync(options?: ShredOptions | null, opts?: CallOptions | null): Promise<Shredded>;
    /** The erasure ledger: one entry per erased subject — keyed hashes of its token and blind indexes, when, a MAC chaining it to the entry before — oldest first. Keep it outside the database (beside the backups, replaced after each export); after restoring a backup, hand its entries to `reapply_erasures`. `INTEGRITY` when the stored ledger was changed. No purpose check: keyed hashes only: no personal data. */
    exportErasureLedger(opts?: CallOptions | null): ErasureLedger;
    /** `exportErasureLedger`, off the event loop. */
    exportErasureLedgerAsync(opts?: CallOptions | null): Promise<ErasureLedger>;
    /** Re-apply erasures after restoring a backup: `entries` is the `entries` list of a ledger this vault exported (checked whole: in order from 1, every MAC — `INTEGRITY` for any change or another vault's). Every subject of the ledger that is stored again is erased, with its tokens, documents, sessions and shares, in one transaction (a crash leaves nothing half done; running it again is harmless), and the vault's own ledger gains the entries it lacked. Returns what it did. Purpose check: delete, on the activity's coverage, then each subject of the ledger found stored. */
    reapplyErasures(entries: LedgerEntry, opts?: CallOptions | null): ReapplyReport;
    /** `reapplyErasures`, off the event loop. */
    reapplyErasuresAsync(entries: LedgerEntry, opts?: CallOptions | null): Promise<ReapplyReport>;
    /** Remove or record everything whose time has passed: agreements past their expiry are recorded as expired (with their outbox events), expired tokens, sessions and shares are deleted, unverified data-subject requests past their due date recorded as expired — each in batches of at most 1,000 per transaction (the write lock is never held longer than one batch) — subjects whose scheduled erasure fell due are erased (100 per transaction), and with audit_details_retention_days the details of older audit events are shredded; a purge killed half way leaves whole batches done and running it again finishes the work. Returns what each part did. No purpose check: removes what expired by its own terms; returns only counts. */
    purge(opts?: CallOptions | null): Purged;
    /** `purge`, off the event loop. */
    purgeAsync(opts?: CallOptions | null): Promise<Purged>;
    /** What opening the vault found: the audit head then, how it compares with `Options::audit_anchor` (`behind`: the file is older than the anchor — a restored backup; re-apply the erasure ledger) and how many erasures the ledger holds. No purpose check: a head, a word and a count: no personal data (not audited). */
    openReport(): OpenReport;
    /** `openReport`, off the event loop. */
    openReportAsync(): Promise<OpenReport>;
    /** Rewrite the vault file so nothing of erased subjects survives in free page space: SQLite zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier; compaction (VACUUM, then a WAL truncation) writes every page afresh from live rows. Takes time proportional to the vault's size and holds the write lock meanwhile: run it after erasures, e.g. nightly. Returns {bytes_before, bytes_after, residue_scrubbed, storage, wal_truncated}. No purpose check: rewrites the file; reads and returns no personal data. */
    compact(opts?: CallOptions | null): CompactReport;
    /** `compact`, off the event loop. */
    compactAsync(opts?: CallOptions | null): Promise<CompactReport>;
    /** Replace the master key: the root key is wrapped for the new key in one atomic write (one row). Afterwards only the new key opens the vault; a crash at any point leaves exactly one of the two keys able to open it. Nothing else is re-encrypted. No purpose check: rewraps the root key; reads and returns no personal data. */
    rekey(new_key: MasterKey, opts?: CallOptions | null): void;
    /** `rekey`, off the event loop. */
    rekeyAsync(new_key: MasterKey, opts?: CallOptions | null): Promise<void>;
}
