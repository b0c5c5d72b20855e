// bunkerlite for Node.js: the public API over the native addon (native.js, built by napi-rs).
//
// Documents cross the boundary as JSON text: `JSON.stringify` here, serde in the addon, and
// `JSON.parse` here on the way back. Both run as plain JavaScript, where V8 is fastest; called
// from the addon they cost an N-API call into JavaScript each. Synchronous operations go through
// `native.calls`, plain N-API functions taking the vault's handle; the `*Async` ones through the
// napi-rs class. Beyond that, this layer only checks that documents are plain data (what
// JSON.stringify would silently drop or change is refused, as Python refuses what is not JSON);
// every error and message comes from the addon.
//
// index.js and index.d.ts are compiled from this file by `tsc -p tsconfig.build.json` (run by
// `npm run build`) and committed; the test command checks they match a fresh compilation.

import * as native from './native'

const calls = native.calls

export { MasterKey, errorCodes, version } from './native'

/** The stable error codes, identical in C, Python and Node (`err.code`). */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'DUPLICATE'
  | 'ERASED'
  | 'WRONG_KEY'
  | 'INTEGRITY'
  | 'KEY_SOURCE'
  | 'BUSY'
  | 'STORAGE'
  | 'CLOSED'
  | 'UNSUPPORTED'
  | 'INTERNAL'

/** Errors thrown (and promises rejected) by bunkerlite carry a stable `code`. */
export interface BunkerliteError extends Error {
  code: ErrorCode
}

/** One key naming how to find a subject: `{ email }`, `{ token }`, `{ phone }`, `{ login }`, or an indexed field. */
export type Lookup = { [mode: string]: string }

/** A JSON document (profiles, patches). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A subject as read back. */
export interface Subject {
  token: string
  profile: { [key: string]: Json }
  created_ms: number
  updated_ms: number
  version: number
}

/** Proof of an erasure; holds no personal data. */
export interface ErasureReceipt {
  token: string
  erased_ms: number
  profile_removed: boolean
  index_entries_removed: number
  audit_details_shredded: number
  wal_truncated: boolean
}

/** The result of `compact`. */
export interface CompactReport {
  bytes_before: number
  bytes_after: number
  wal_truncated: boolean
}

/** One audit event. */
export interface AuditEvent {
  seq: number
  time_ms: number
  actor: string
  action: string
  subject: string | null
  outcome: 'ok' | ErrorCode
  details: Json | null
  details_erased: boolean
}

/** A page of results with the total across pages. */
export interface Page<T> {
  total: number
  items: T[]
}

/** The audit chain head: keep it outside the vault. */
export interface AuditHead {
  seq: number
  hash: string
}

/** The result of a successful audit verification. */
export interface AuditReport {
  events: number
  head: AuditHead
}

/** Vault options (all optional); unknown keys are refused with `INVALID_INPUT`. */
export interface Options {
  create?: boolean
  synchronous?: 'full' | 'normal'
  busy_timeout_ms?: number
  cache_kib?: number
  default_region?: string | null
  indexed_fields?: string[]
  audit_flush_interval_ms?: number
  audit_max_pending?: number
  limits?: {
    max_document_bytes?: number
    max_depth?: number
    max_fields?: number
    max_string_bytes?: number
    max_batch?: number
  }
}

/** Per-call options of most methods: who acts. */
export interface CallOptions {
  /** Recorded in the audit log (`"app:billing"`); defaults to `"app"`. */
  actor?: string
}

/** Per-call options of the audit listings: who acts, and paging. */
export interface PageOptions {
  /** Recorded in the audit log (`"admin:dpo"`); defaults to `"app"`. */
  actor?: string
  /** Events to skip (default 0). */
  offset?: number
  /** Events per page, 1–1000 (default 100). */
  limit?: number
}

// Why a value has no faithful JSON text; the addon turns each into its error (the same codes
// and messages as the Python binding gives for the same values).
/** Not plain data: undefined, a function, a symbol, a BigInt, a Map, a Date, a class instance… */
const NOT_PLAIN = 0
/** NaN or ±Infinity, which JSON.stringify would silently turn into null. */
const NOT_FINITE = 1
/** Nested deeper than any vault accepts (a cycle, too): `TOO_LARGE`. */
const TOO_DEEP = 2
/** Deeper than any vault's limit; it only keeps a cycle from recursing forever. */
const MAX_DEPTH = 256

/**
 * Why `value` would not survive JSON.stringify unchanged, or undefined when it would: plain
 * objects (prototype Object.prototype or null), arrays, strings, finite numbers, booleans and
 * null, nested at most MAX_DEPTH deep. An `undefined` property is an absent field, as in JSON;
 * anything JSON.stringify would drop, turn into null or replace by its toJSON() is refused.
 */
function fault (value: unknown, depth: number): native.NotJson | undefined {
  if (depth > MAX_DEPTH) return TOO_DEEP
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : NOT_FINITE
    case 'object':
      break
    default:
      return NOT_PLAIN
  }
  if (value === null) return undefined
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = fault(value[i], depth + 1)
      if (f !== undefined) return f
    }
    return undefined
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN
  for (const key of Object.keys(value)) {
    const item = (value as { [key: string]: unknown })[key]
    if (item === undefined) continue
    const f = fault(item, depth + 1)
    if (f !== undefined) return f
  }
  return undefined
}

/**
 * A value as JSON text for the addon, or why it has none (the addon throws or rejects with the
 * matching error, like every other error). A getter that throws is reported as not plain data.
 */
function text (value: unknown): native.JsonText {
  try {
    return fault(value, 0) ?? JSON.stringify(value) ?? NOT_PLAIN
  } catch {
    return NOT_PLAIN
  }
}

/**
 * Per-call options for the addon: the actor string when `opts` is an object whose `actor` is a
 * string (the common case, read here where a property read is cheapest); otherwise `opts` itself,
 * for the addon to read or refuse with the same code, except that a string `opts` becomes `false`
 * so that it is refused like any other non-object instead of being taken for an actor.
 */
function actorArg (opts: unknown): native.ActorArg {
  if (typeof opts === 'object' && opts !== null) {
    const actor = (opts as CallOptions).actor
    return typeof actor === 'string' ? actor : opts
  }
  return typeof opts === 'string' ? false : opts
}

/** An optional document: `null` and `undefined` mean absent. */
function optionalText (value: unknown): native.JsonText | undefined {
  return value === null || value === undefined ? undefined : text(value)
}

/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
export class Vault {
  readonly #inner: native.Vault
  readonly #handle: native.VaultHandle

  private constructor (inner: native.Vault) {
    this.#inner = inner
    this.#handle = inner.handle()
  }

  /** Open (or create) the vault file at `path` with `key`. */
  static open (path: string, key: native.MasterKey, options?: Options | null): Vault {
    return new Vault(native.Vault.open(path, key, optionalText(options)))
  }

  /** `open`, off the event loop. */
  static async openAsync (path: string, key: native.MasterKey, options?: Options | null): Promise<Vault> {
    return new Vault(await native.Vault.openAsync(path, key, optionalText(options)))
  }

  /** A private in-memory vault, gone when closed. */
  static openInMemory (key: native.MasterKey, options?: Options | null): Vault {
    return new Vault(native.Vault.openInMemory(key, optionalText(options)))
  }

  /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
  close (): void {
    this.#inner.close()
  }

  /** `close`, off the event loop. */
  async closeAsync (): Promise<void> {
    await this.#inner.closeAsync()
  }

  /** Whether the vault is closed. */
  get closed (): boolean {
    return this.#inner.closed
  }

  /** Create a subject from a profile object; returns its token. */
  createSubject (profile: { [key: string]: Json }, opts?: CallOptions | null): string {
    return calls.createSubject(this.#handle, text(profile), actorArg(opts))
  }

  /** `createSubject`, off the event loop. */
  async createSubjectAsync (profile: { [key: string]: Json }, opts?: CallOptions | null): Promise<string> {
    return JSON.parse(await this.#inner.createSubjectAsync(text(profile), actorArg(opts)))
  }

  /** Create many subjects in one transaction (all or none); returns their tokens. */
  createSubjects (profiles: Array<{ [key: string]: Json }>, opts?: CallOptions | null): string[] {
    return JSON.parse(calls.createSubjects(this.#handle, text(profiles), actorArg(opts)))
  }

  /** `createSubjects`, off the event loop. */
  async createSubjectsAsync (profiles: Array<{ [key: string]: Json }>, opts?: CallOptions | null): Promise<string[]> {
    return JSON.parse(await this.#inner.createSubjectsAsync(text(profiles), actorArg(opts)))
  }

  /**
   * Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
   * indexed field).
   */
  getSubject (lookup: Lookup, opts?: CallOptions | null): Subject {
    // A plain object with one own property holding a string (`{ email: "…" }`) goes to the addon
    // as two strings instead of JSON text, with the same results: every other value takes the
    // JSON path (a throwing getter included, which it reports as INVALID_INPUT), and the addon
    // refuses lone surrogates in the strings as the JSON path does.
    let mode: string | undefined
    let value: unknown
    try {
      if (typeof lookup === 'object' && lookup !== null && Object.getPrototypeOf(lookup) === Object.prototype) {
        const keys = Object.keys(lookup)
        if (keys.length === 1) {
          mode = keys[0]
          value = lookup[mode]
        }
      }
    } catch {
      value = undefined
    }
    if (mode !== undefined && typeof value === 'string') {
      return JSON.parse(calls.getSubjectBy(this.#handle, mode, value, actorArg(opts)))
    }
    return JSON.parse(calls.getSubject(this.#handle, text(lookup), actorArg(opts)))
  }

  /** `getSubject`, off the event loop. */
  async getSubjectAsync (lookup: Lookup, opts?: CallOptions | null): Promise<Subject> {
    return JSON.parse(await this.#inner.getSubjectAsync(text(lookup), actorArg(opts)))
  }

  /** Read many subjects: misses give `null`. */
  getSubjects (lookups: Lookup[], opts?: CallOptions | null): Array<Subject | null> {
    return JSON.parse(calls.getSubjects(this.#handle, text(lookups), actorArg(opts)))
  }

  /** `getSubjects`, off the event loop. */
  async getSubjectsAsync (lookups: Lookup[], opts?: CallOptions | null): Promise<Array<Subject | null>> {
    return JSON.parse(await this.#inner.getSubjectsAsync(text(lookups), actorArg(opts)))
  }

  /** Change a subject: an object is a merge patch, an array a JSON Patch. */
  updateSubject (lookup: Lookup, patch: Json, opts?: CallOptions | null): Subject {
    return JSON.parse(calls.updateSubject(this.#handle, text(lookup), text(patch), actorArg(opts)))
  }

  /** `updateSubject`, off the event loop. */
  async updateSubjectAsync (lookup: Lookup, patch: Json, opts?: CallOptions | null): Promise<Subject> {
    return JSON.parse(await this.#inner.updateSubjectAsync(text(lookup), text(patch), actorArg(opts)))
  }

  /** Erase a subject (crypto-shredding); returns the erasure receipt. */
  forgetSubject (lookup: Lookup, opts?: CallOptions | null): ErasureReceipt {
    return JSON.parse(calls.forgetSubject(this.#handle, text(lookup), actorArg(opts)))
  }

  /** `forgetSubject`, off the event loop. */
  async forgetSubjectAsync (lookup: Lookup, opts?: CallOptions | null): Promise<ErasureReceipt> {
    return JSON.parse(await this.#inner.forgetSubjectAsync(text(lookup), actorArg(opts)))
  }

  /** A subject's audit events, newest first: `{ total, items }`. */
  auditEvents (token: string, opts?: PageOptions | null): Page<AuditEvent> {
    return JSON.parse(calls.auditEvents(this.#handle, token, opts))
  }

  /** `auditEvents`, off the event loop. */
  async auditEventsAsync (token: string, opts?: PageOptions | null): Promise<Page<AuditEvent>> {
    return JSON.parse(await this.#inner.auditEventsAsync(token, opts))
  }

  /** All audit events, newest first. */
  auditAll (opts?: PageOptions | null): Page<AuditEvent> {
    return JSON.parse(calls.auditAll(this.#handle, opts))
  }

  /** `auditAll`, off the event loop. */
  async auditAllAsync (opts?: PageOptions | null): Promise<Page<AuditEvent>> {
    return JSON.parse(await this.#inner.auditAllAsync(opts))
  }

  /** The audit chain head `{ seq, hash }`: keep it outside the vault. */
  auditHead (): AuditHead {
    return JSON.parse(calls.auditHead(this.#handle))
  }

  /** `auditHead`, off the event loop. */
  async auditHeadAsync (): Promise<AuditHead> {
    return JSON.parse(await this.#inner.auditHeadAsync())
  }

  /** Verify the audit chain (against `anchor`, a head kept earlier, if given). */
  auditVerify (anchor?: AuditHead | null): AuditReport {
    return JSON.parse(calls.auditVerify(this.#handle, optionalText(anchor)))
  }

  /** `auditVerify`, off the event loop. */
  async auditVerifyAsync (anchor?: AuditHead | null): Promise<AuditReport> {
    return JSON.parse(await this.#inner.auditVerifyAsync(optionalText(anchor)))
  }

  /** Commit buffered read events now. */
  auditFlush (): void {
    calls.auditFlush(this.#handle)
  }

  /** `auditFlush`, off the event loop. */
  async auditFlushAsync (): Promise<void> {
    await this.#inner.auditFlushAsync()
  }

  /** Rewrite the vault file so nothing of erased subjects survives (run it after erasures). */
  compact (opts?: CallOptions | null): CompactReport {
    return JSON.parse(calls.compact(this.#handle, actorArg(opts)))
  }

  /** `compact`, off the event loop. */
  async compactAsync (opts?: CallOptions | null): Promise<CompactReport> {
    return JSON.parse(await this.#inner.compactAsync(actorArg(opts)))
  }
}
