import * as native from './native';
export { MasterKey, errorCodes, version } from './native';
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
    action: string;
    subject: string | null;
    outcome: 'ok' | ErrorCode;
    details: Json | null;
    details_erased: boolean;
}
/** A page of results with the total across pages. */
export interface Page<T> {
    total: number;
    items: T[];
}
/** The audit chain head: keep it outside the vault. */
export interface AuditHead {
    seq: number;
    hash: string;
}
/** The result of a successful audit verification. */
export interface AuditReport {
    events: number;
    head: AuditHead;
}
/** Vault options (all optional); unknown keys are refused with `INVALID_INPUT`. */
export interface Options {
    create?: boolean;
    synchronous?: 'full' | 'normal';
    busy_timeout_ms?: number;
    cache_kib?: number;
    default_region?: string | null;
    indexed_fields?: string[];
    audit_flush_interval_ms?: number;
    audit_max_pending?: number;
    limits?: {
        max_document_bytes?: number;
        max_depth?: number;
        max_fields?: number;
        max_string_bytes?: number;
        max_batch?: number;
    };
}
/** Per-call options of most methods: who acts. */
export interface CallOptions {
    /** Recorded in the audit log (`"app:billing"`); defaults to `"app"`. */
    actor?: string;
}
/** Per-call options of the audit listings: who acts, and paging. */
export interface PageOptions {
    /** Recorded in the audit log (`"admin:dpo"`); defaults to `"app"`. */
    actor?: string;
    /** Events to skip (default 0). */
    offset?: number;
    /** Events per page, 1–1000 (default 100). */
    limit?: number;
}
/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
export declare class Vault {
    #private;
    private constructor();
    /** Open (or create) the vault file at `path` with `key`. */
    static open(path: string, key: native.MasterKey, options?: Options | null): Vault;
    /** `open`, off the event loop. */
    static openAsync(path: string, key: native.MasterKey, options?: Options | null): Promise<Vault>;
    /** A private in-memory vault, gone when closed. */
    static openInMemory(key: native.MasterKey, options?: Options | null): Vault;
    /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
    close(): void;
    /** `close`, off the event loop. */
    closeAsync(): Promise<void>;
    /** Whether the vault is closed. */
    get closed(): boolean;
    /** Create a subject from a profile object; returns its token. */
    createSubject(profile: {
        [key: string]: Json;
    }, opts?: CallOptions | null): string;
    /** `createSubject`, off the event loop. */
    createSubjectAsync(profile: {
        [key: string]: Json;
    }, opts?: CallOptions | null): Promise<string>;
    /** Create many subjects in one transaction (all or none); returns their tokens. */
    createSubjects(profiles: Array<{
        [key: string]: Json;
    }>, opts?: CallOptions | null): string[];
    /** `createSubjects`, off the event loop. */
    createSubjectsAsync(profiles: Array<{
        [key: string]: Json;
    }>, opts?: CallOptions | null): Promise<string[]>;
    /**
     * Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
     * indexed field).
     */
    getSubject(lookup: Lookup, opts?: CallOptions | null): Subject;
    /** `getSubject`, off the event loop. */
    getSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<Subject>;
    /** Read many subjects: misses give `null`. */
    getSubjects(lookups: Lookup[], opts?: CallOptions | null): Array<Subject | null>;
    /** `getSubjects`, off the event loop. */
    getSubjectsAsync(lookups: Lookup[], opts?: CallOptions | null): Promise<Array<Subject | null>>;
    /** Change a subject: an object is a merge patch, an array a JSON Patch. */
    updateSubject(lookup: Lookup, patch: Json, opts?: CallOptions | null): Subject;
    /** `updateSubject`, off the event loop. */
    updateSubjectAsync(lookup: Lookup, patch: Json, opts?: CallOptions | null): Promise<Subject>;
    /** Erase a subject (crypto-shredding); returns the erasure receipt. */
    forgetSubject(lookup: Lookup, opts?: CallOptions | null): ErasureReceipt;
    /** `forgetSubject`, off the event loop. */
    forgetSubjectAsync(lookup: Lookup, opts?: CallOptions | null): Promise<ErasureReceipt>;
    /** A subject's audit events, newest first: `{ total, items }`. */
    auditEvents(token: string, opts?: PageOptions | null): Page<AuditEvent>;
    /** `auditEvents`, off the event loop. */
    auditEventsAsync(token: string, opts?: PageOptions | null): Promise<Page<AuditEvent>>;
    /** All audit events, newest first. */
    auditAll(opts?: PageOptions | null): Page<AuditEvent>;
    /** `auditAll`, off the event loop. */
    auditAllAsync(opts?: PageOptions | null): Promise<Page<AuditEvent>>;
    /** The audit chain head `{ seq, hash }`: keep it outside the vault. */
    auditHead(): AuditHead;
    /** `auditHead`, off the event loop. */
    auditHeadAsync(): Promise<AuditHead>;
    /** Verify the audit chain (against `anchor`, a head kept earlier, if given). */
    auditVerify(anchor?: AuditHead | null): AuditReport;
    /** `auditVerify`, off the event loop. */
    auditVerifyAsync(anchor?: AuditHead | null): Promise<AuditReport>;
    /** Commit buffered read events now. */
    auditFlush(): void;
    /** `auditFlush`, off the event loop. */
    auditFlushAsync(): Promise<void>;
    /** Rewrite the vault file so nothing of erased subjects survives (run it after erasures). */
    compact(opts?: CallOptions | null): CompactReport;
    /** `compact`, off the event loop. */
    compactAsync(opts?: CallOptions | null): Promise<CompactReport>;
}
