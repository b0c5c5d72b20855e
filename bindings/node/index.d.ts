import type * as Native from './native';
/** The master key: 32 bytes from your secret store (`fromEnv`, `fromBytes`) or `generate()`. */
export declare const MasterKey: typeof Native.MasterKey;
export type MasterKey = Native.MasterKey;
/** The stable error codes, in the core's order. */
export declare const errorCodes: typeof Native.errorCodes;
/** The library version (the same in every language's package). */
export declare const version: typeof Native.version;
/** The stable error codes, identical in C, Python and Node (`err.code`). */
export type ErrorCode = 'INVALID_INPUT' | 'TOO_LARGE' | 'NOT_FOUND' | 'DUPLICATE' | 'ERASED' | 'WRONG_KEY' | 'INTEGRITY' | 'KEY_SOURCE' | 'BUSY' | 'STORAGE' | 'CLOSED' | 'UNSUPPORTED' | 'INTERNAL';
/** Errors thrown (and promises rejected) by bunkerlite carry a stable `code`. */
export interface BunkerliteError extends Error {
    code: ErrorCode;
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
    token: string;
    profile: {
        [key: string]: Json;
    };
    created_ms: number;
    updated_ms: number;
    version: number;
}
/** Proof of an erasure; holds no personal data. */
export interface ErasureReceipt {
    token: string;
    erased_ms: number;
    profile_removed: boolean;
    index_entries_removed: number;
    audit_details_shredded: number;
    wal_truncated: boolean;
    /** With `erasure_wal_window_ms` above 0: when the coalesced WAL truncation is due (ms since the epoch); `null` when the erasure truncated the WAL itself. */
    wal_truncation_due_ms: number | null;
}
/** The result of `compact`. */
export interface CompactReport {
    bytes_before: number;
    bytes_after: number;
    wal_truncated: boolean;
}
/** One audit event. */
export interface AuditEvent {
    seq: number;
    time_ms: number;
    actor: string;
    purpose: string | null;
    action: string;
    subject: string | null;
    outcome: 'ok' | ErrorCode;
    details: Json | null;
    details_erased: boolean;
}
/** A page of a listing, newest first: pass `next` as `cursor` for the following page. */
export interface Page<T> {
    total: number;
    items: T[];
    next: string | null;
}
/** The audit chain head: keep it outside the vault. */
export interface AuditHead {
    seq: number;
    hash: string;
}
/** The result of a successful audit verification. */
export interface AuditReport {
    events: number;
    subjects: number;
    head: AuditHead;
}
/** Vault options (all optional); unknown keys are refused with `INVALID_INPUT`. */
export interface Options {
    create?: boolean;
    busy_timeout_ms?: number;
    default_region?: string | null;
    indexed_fields?: string[];
    audit_flush_interval_ms?: number;
    audit_max_pending?: number;
    audit_details?: 'values' | 'fields' | 'none';
    /** 0 (default): each erasure truncates the WAL before it returns; above 0 (at most 60,000): truncations are coalesced over this many milliseconds (the receipt says when). */
    erasure_wal_window_ms?: number;
    limits?: {
        max_document_bytes?: number;
        /** At most 100. */
        max_depth?: number;
        max_fields?: number;
        max_string_bytes?: number;
        max_batch?: number;
        max_batch_bytes?: number;
    };
    sqlite?: {
        synchronous?: 'full' | 'normal';
        cache_kib?: number;
    };
}
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
    /** Open (or create) the vault file at `path` with `key`. */
    static open(path: string, key: Native.MasterKey, options?: Options | null): Vault;
    /** `open`, off the event loop. */
    static openAsync(path: string, key: Native.MasterKey, options?: Options | null): Promise<Vault>;
    /** A private in-memory vault, gone when closed. */
    static openInMemory(key: Native.MasterKey, options?: Options | null): Vault;
    /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
    close(): void;
    /** `close`, off the event loop. */
    closeAsync(): Promise<void>;
    /** Whether the vault is closed. */
    get closed(): boolean;
    /** Create a subject from a profile (a JSON object) and return its new token. Indexed fields (email, phone, login, configured ones) must be strings and unique. */
    createSubject(profile: Profile, opts?: CallOptions | null): string;
    /** `createSubject`, off the event loop. */
    createSubjectAsync(profile: Profile, opts?: CallOptions | null): Promise<string>;
    /** Create many subjects in one transaction from a list of profiles: all are created, or none (the error names the failing item's position). Returns their tokens in order. */
    createSubjects(profiles: Profile[], opts?: CallOptions | null): string[];
    /** `createSubjects`, off the event loop. */
    createSubjectsAsync(profiles: Profile[], opts?: CallOptions | null): Promise<string[]>;
    /** Read a subject found by a lookup (token, email, phone, login or a configured field). A subject found through an index is returned only if its profile really holds the value. */
    getSubject(lookup: Lookup, opts?: CallOptions | null): Subject;
    /** `getSubject`, off the event loop. */
    getSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Subject>;
    /** Read many subjects: a subject, or null where nothing matches (or the subject was erased), per lookup, in order. Each lookup is audited. */
    getSubjects(lookups: Lookup[], opts?: CallOptions | null): Array<Subject | null>;
    /** `getSubjects`, off the event loop. */
    getSubjectsAsync(lookups: Lookup[], opts?: CallOptions | null): Promise<Array<Subject | null>>;
    /** Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event keeps the before and after, encrypted under the subject's key. */
    updateSubject(lookup: Lookup, patch: Json, opts?: CallOptions | null): Subject;
    /** `updateSubject`, off the event loop. */
    updateSubjectAsync(lookup: Lookup, patch: Json, opts?: CallOptions | null): Promise<Subject>;
    /** Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index entries are deleted, the WAL is truncated, and the audit keeps only the fact. Returns the erasure receipt. */
    forgetSubject(lookup: Lookup, opts?: CallOptions | null): ErasureReceipt;
    /** `forgetSubject`, off the event loop. */
    forgetSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ErasureReceipt>;
    /** Erase many subjects in one transaction, each as a single erasure does, with one WAL truncation for the batch: a receipt, or null where nothing matches (or the subject was already erased), per lookup, in order. Any other error erases nobody. */
    forgetSubjects(lookups: Lookup[], opts?: CallOptions | null): Array<ErasureReceipt | null>;
    /** `forgetSubjects`, off the event loop. */
    forgetSubjectsAsync(lookups: Lookup[], opts?: CallOptions | null): Promise<Array<ErasureReceipt | null>>;
    /** List audit events, newest first: the subject's (a token) or, without one, all. A page is {total, items, next}; pass `next` as the cursor for the following page (each event is returned once even while others are appended). With `details`, each event's details (the before/after of a change) are decrypted while the subject exists, and the listing is audited as audit.list_details; otherwise as audit.list. */
    listAuditEvents(subject?: string | null, opts?: (PageOptions & {
        details?: boolean;
    }) | null): Page<AuditEvent>;
    /** `listAuditEvents`, off the event loop. */
    listAuditEventsAsync(subject?: string | null, opts?: (PageOptions & {
        details?: boolean;
    }) | null): Promise<Page<AuditEvent>>;
    /** The audit chain's head {seq, hash}, after committing buffered events: keep it outside the vault to detect truncation and rollback later. */
    getAuditHead(): AuditHead;
    /** `getAuditHead`, off the event loop. */
    getAuditHeadAsync(): Promise<AuditHead>;
    /** Verify the audit chain (every MAC and sequence number) and every stored subject against its last audited change; with an anchor (a head kept earlier) also detect truncation and rollback. Returns {events, subjects, head}. */
    verifyAudit(anchor?: AuditHead | null): AuditReport;
    /** `verifyAudit`, off the event loop. */
    verifyAuditAsync(anchor?: AuditHead | null): Promise<AuditReport>;
    /** Commit buffered read events now (they are otherwise group-committed within audit_flush_interval_ms). */
    flushAudit(): void;
    /** `flushAudit`, off the event loop. */
    flushAuditAsync(): Promise<void>;
    /** Rewrite the vault file so nothing of erased subjects survives in free page space (VACUUM, then a WAL truncation). Takes time proportional to the vault's size: run it after erasures. Returns {bytes_before, bytes_after, wal_truncated}. */
    compact(opts?: CallOptions | null): CompactReport;
    /** `compact`, off the event loop. */
    compactAsync(opts?: CallOptions | null): Promise<CompactReport>;
    /** Replace the master key: the root key is wrapped for the new key in one atomic write. Afterwards only the new key opens the vault; nothing else is re-encrypted. */
    rekey(new_key: Native.MasterKey, opts?: CallOptions | null): void;
    /** `rekey`, off the event loop. */
    rekeyAsync(new_key: Native.MasterKey, opts?: CallOptions | null): Promise<void>;
}
