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
export type MasterKey = Native.MasterKey;
/** The stable error codes, in the core's order. */
export declare const errorCodes: typeof Native.errorCodes;
/** The library version (the same in every language's package). */
export declare const version: typeof Native.version;
/** The stable error codes, identical in C, Python and Node (`err.code`). */
export type ErrorCode = 'INVALID_INPUT' | 'TOO_LARGE' | 'NOT_FOUND' | 'DUPLICATE' | 'ERASED' | 'EXPIRED' | 'EXHAUSTED' | 'CONSENT_REQUIRED' | 'WRONG_KEY' | 'INTEGRITY' | 'KEY_SOURCE' | 'BUSY' | 'STORAGE' | 'CLOSED' | 'UNSUPPORTED' | 'INTERNAL';
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
    token: string;
    /** `null` in what `updateSubject` returns to a purpose that may write but not read the profile. */
    profile: {
        [key: string]: Json;
    } | null;
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
    /** Tokens linked to the subject, deleted with it. */
    tokens_removed: number;
    consents_removed: number;
    audit_details_shredded: number;
    /** What each area that holds a subject's data removed (or shredded), by area. */
    removed_by_area: {
        [area: string]: number;
    };
    /** What the storage kept of the erased rows beside the live ones is gone (SQLite: the WAL was truncated); false while a coalesced scrub is pending or another process held a read open. */
    residue_scrubbed: boolean;
    /** With `erasure_wal_window_ms` above 0: when the coalesced scrub is due (ms since the epoch); `null` when the erasure scrubbed itself. */
    residue_scrub_due_ms: number | null;
    /** The same in the storage backend's own terms. */
    storage: StorageReport;
    /** `residue_scrubbed` under its SQLite name (kept for existing callers). */
    wal_truncated: boolean;
    /** `residue_scrub_due_ms` under its SQLite name (kept for existing callers). */
    wal_truncation_due_ms: number | null;
}
/** What the storage backend did about the residue of deleted data, in its own terms. */
export type StorageReport = {
    backend: 'sqlite';
    /** The WAL was checkpointed and truncated: no old version of the changed pages remains in it. */
    wal_truncated: boolean;
    /** When a coalesced truncation is due (ms since the epoch); `null` when none is pending. */
    wal_truncation_due_ms: number | null;
};
/** The kinds of token. */
export type TokenKind = 'uuid' | 'alphanumeric' | 'numeric' | 'card' | 'email' | 'transient' | 'fpe';
/** Options of `tokenize` (all optional; unknown fields are refused). */
export interface TokenizeOptions {
    kind?: TokenKind;
    /** alphanumeric and numeric: 6–128 characters (default 22 and 38). */
    length?: number;
    /** card: keep this many leading digits (0–6). */
    keep_first?: number;
    /** card: keep this many trailing digits (0–4). */
    keep_last?: number;
    /** card: pass the Luhn check (by default card tokens fail it). */
    luhn_valid?: boolean;
    /** email: keep the domain (default) or use `token.invalid`. */
    keep_domain?: boolean;
    /** Same value and scope → same token. */
    deterministic?: boolean;
    /** 1–64 of letters, digits, `.`, `_`, `:`, `-` (default `default`). */
    scope?: string;
    ttl_ms?: number;
    expires_at_ms?: number;
    /** Each detokenize moves the expiry `ttl_ms` ahead. */
    sliding?: boolean;
    /** Destroyed by its first detokenize. */
    once?: boolean;
    /** The subject (its token) the token belongs to: erased with it. */
    subject?: string;
    /** deterministic: an existing token's expiry restarts. */
    renew?: boolean;
    /** fpe: `digits` (default), `hex`, `lower_alphanumeric`, `alphanumeric`, or a custom alphabet's characters. */
    alphabet?: string;
}
/** Options of `detokenize`. */
export interface DetokenizeOptions {
    /** Mask the value: all but `keep_first` leading and `keep_last` trailing characters (default 0 and 4) become `char` (default `*`). */
    mask?: {
        keep_first?: number;
        keep_last?: number;
        char?: string;
    } | null;
    /** `fpe` for FF1 tokens (not stored: decrypted with their alphabet and scope). */
    kind?: 'fpe';
    alphabet?: string;
    scope?: string;
}
/** Options of `tokenizeText`. */
export interface TextOptions {
    /** What to find (all three when absent). */
    detect?: Array<'email' | 'phone' | 'card'>;
    /** Literal values to replace wherever they occur. */
    values?: string[];
    /** The tokens' scope (`text` by default): a value keeps its token in a scope. */
    scope?: string;
    ttl_ms?: number;
    /** The subject (its token) the tokens belong to. */
    subject?: string;
}
/** What `tokenInfo` tells about a token (never its value). */
export interface TokenInfo {
    kind: TokenKind;
    scope: string;
    deterministic: boolean;
    once: boolean;
    sliding: boolean;
    created_ms: number;
    expires_ms: number | null;
    ttl_ms: number | null;
    expired: boolean;
    subject: string | null;
    /** The keyed hash of the token that its audit events carry. */
    reference: string;
}
/** A failed item of a batch. */
export interface ItemError {
    code: ErrorCode;
    message: string;
}
/** An item of `tokenizeMany`. */
export interface TokenizeItem {
    status: 'created' | 'existing' | 'failed';
    token: string | null;
    error: ItemError | null;
}
/** An item of `detokenizeMany`. */
export interface DetokenizeItem {
    value: string | null;
    error: ItemError | null;
}
/** An item of `tokenInfos`. */
export interface InfoItem {
    info: TokenInfo | null;
    error: ItemError | null;
}
/** An item of `deleteTokens`. */
export interface DeleteItem {
    deleted: boolean;
    error: ItemError | null;
}
/** The result of a token batch. */
export interface TokenBatch<T> {
    items: T[];
    summary: {
        total: number;
        ok: number;
        failed: number;
    };
}
/** The result of `purgeTokens`. */
export interface PurgeReport {
    removed: number;
}
/** A legal basis type (GDPR Art. 6(1)). */
export type BasisType = 'consent' | 'contract' | 'legal-obligation' | 'vital-interest' | 'public-task' | 'legitimate-interest';
/** A consent decision's state. */
export type ConsentStatus = 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired';
/** An operation a processing activity covers. */
export type Operation = 'read' | 'write' | 'delete' | 'export' | 'detokenize';
/** What `setLegalBasis` takes: `type` for a new basis; absent fields keep their values. */
export interface LegalBasisSpec {
    type?: BasisType;
    module?: string;
    short_description?: string;
    full_description?: string;
    required?: boolean;
    required_message?: string;
    user_control?: boolean;
    status?: 'active' | 'disabled';
}
/** One version of what people were shown. */
export interface Notice {
    version: number;
    short_description: string;
    full_description: string;
    required_message: string;
    /** SHA-256 (hex) of the notice's canonical text. */
    sha256: string;
    created_ms: number;
}
/** A legal basis of the catalogue. */
export interface LegalBasis {
    brief: string;
    type: BasisType;
    module: string;
    short_description: string;
    full_description: string;
    required: boolean;
    required_message: string;
    user_control: boolean;
    status: 'active' | 'disabled' | 'deleted';
    notice_version: number;
    notice_sha256: string;
    created_ms: number;
    updated_ms: number;
    /** Every notice version (`getLegalBasis` only). */
    notices?: Notice[];
}
/** What `setActivity` takes: `operations` for a new activity; `legal_bases` replaces the links. */
export interface ActivitySpec {
    title?: string;
    description?: string;
    operations?: Operation[];
    legal_bases?: string[];
}
/** A processing activity: its name is the purpose callers pass. */
export interface Activity {
    name: string;
    title: string;
    description: string;
    operations: Operation[];
    legal_bases: string[];
    created_ms: number;
    updated_ms: number;
}
/** Options of `giveConsent`, `withdrawConsent` and `revokeConsent`. */
export interface ConsentOptions {
    /** `giveConsent` only. */
    status?: 'given' | 'refused';
    start_ms?: number;
    expires_ms?: number;
    ttl_ms?: number;
    method?: string;
    channel?: string;
    language?: string;
    /** Stored encrypted under the subject's key. */
    reference?: string;
    notice_version?: number;
}
/** A subject's current decision about a legal basis. */
export interface Agreement {
    legal_basis: string;
    status: ConsentStatus;
    in_force: boolean;
    decided_ms: number;
    start_ms: number;
    expires_ms: number | null;
    notice_version: number;
    notice_sha256: string;
    method: string;
    channel: string | null;
    language: string | null;
    reference: string | null;
    actor: string;
}
/** A consent receipt (Kantara fields, the ISO/IEC TS 27560 record under `record`, and `mac`). */
export type ConsentReceipt = {
    [key: string]: Json;
};
/** The result of `verifyConsentReceipt`. */
export interface ReceiptCheck {
    valid: boolean;
    subject: string;
    events: number;
    issued_ms: number;
}
/** The answer of `canProcess`. */
export interface ProcessingDecision {
    allowed: boolean;
    legal_basis: string | null;
    reason: string;
}
/** A consent event of the outbox. */
export interface ConsentEvent {
    cursor: string;
    subject: string;
    event: ConsentStatus | 'erased';
    legal_basis: string | null;
    notice_version: number | null;
    time_ms: number;
}
/** The result of revoking or deleting a legal basis, and of `purgeConsents`. */
export interface ConsentReport {
    changed: number;
}
/** The result of `compact`. */
export interface CompactReport {
    bytes_before: number;
    bytes_after: number;
    /** What the storage keeps of deleted data beside the live rows was removed afterwards. */
    residue_scrubbed: boolean;
    /** The same in the storage backend's own terms. */
    storage: StorageReport;
    /** `residue_scrubbed` under its SQLite name (kept for existing callers). */
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
    /** Token operations: the keyed hash of the token (never the token). */
    reference: string | null;
    details: Json | null;
    details_erased: boolean;
    /** Details asked for that the caller's purpose may not see (neither read nor export of the subject): why. */
    details_refused: string | null;
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
    /** Consent decisions checked: each history a chain, each decision made by an audited event. */
    consent_decisions: number;
    /** Outbox events checked: a chain holding every event not yet acknowledged. */
    outbox_events: number;
    /** Token rows checked against their MACs. */
    tokens: number;
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
    /** How many audit events wait before they are indexed by subject in one sorted pass (default 100,000). */
    audit_index_batch?: number;
    /** Refuse every read, detokenization and export whose caller names no purpose (`INVALID_INPUT`). */
    require_purpose?: boolean;
    /** Tests: a manual clock standing still at this time (ms since the epoch) instead of the system clock. */
    manual_clock_ms?: number;
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
    /** Record every agreement whose expiry passed as expired (with its outbox event), a thousand per transaction. Returns {changed}. No purpose check: records the expiries that agreements' own terms set; returns only a count. */
    purgeConsents(opts?: CallOptions | null): ConsentReport;
    /** `purgeConsents`, off the event loop. */
    purgeConsentsAsync(opts?: CallOptions | null): Promise<ConsentReport>;
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
    /** Rewrite the vault file so nothing of erased subjects survives in free page space: SQLite zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier; compaction (VACUUM, then a WAL truncation) writes every page afresh from live rows. Takes time proportional to the vault's size and holds the write lock meanwhile: run it after erasures, e.g. nightly. Returns {bytes_before, bytes_after, residue_scrubbed, storage, wal_truncated}. No purpose check: rewrites the file; reads and returns no personal data. */
    compact(opts?: CallOptions | null): CompactReport;
    /** `compact`, off the event loop. */
    compactAsync(opts?: CallOptions | null): Promise<CompactReport>;
    /** Replace the master key: the root key is wrapped for the new key in one atomic write (one row). Afterwards only the new key opens the vault; a crash at any point leaves exactly one of the two keys able to open it. Nothing else is re-encrypted. No purpose check: rewraps the root key; reads and returns no personal data. */
    rekey(new_key: Native.MasterKey, opts?: CallOptions | null): void;
    /** `rekey`, off the event loop. */
    rekeyAsync(new_key: Native.MasterKey, opts?: CallOptions | null): Promise<void>;
}
