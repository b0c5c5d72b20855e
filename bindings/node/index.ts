// bunkerlite for Node.js: the public API over the native addon (native.js, built by napi-rs).
//
// Documents cross the boundary as JSON text: `JSON.stringify` here, serde in the addon, and
// `JSON.parse` here on the way back (a single subject comes as its fields and its profile's
// JSON text, see `subjectOf`). Both run as plain JavaScript, where V8 is fastest; called
// from the addon they cost an N-API call into JavaScript each. Every operation and its `…Async`
// twin go through `native.calls`, plain N-API functions taking the vault's handle. Beyond that,
// this layer only checks that documents are plain data (what JSON.stringify would silently drop
// or change is refused, as Python refuses what is not JSON); every error and message comes from
// the addon. The operations' methods are generated from the one declaration of each operation
// (`tools/gen`, between the markers below); the rest is written here.
//
// index.js and index.d.ts are compiled from this file by `tsc -p tsconfig.build.json` (run by
// `npm run build`) and committed; the test command checks they match a fresh compilation.

import type * as Native from './native'

const native: typeof Native = loadAddon()
const calls = native.calls

/** The master key: 32 bytes from your secret store (`fromEnv`, `fromBytes`) or `generate()`. */
export const MasterKey = native.MasterKey
export type MasterKey = Native.MasterKey
/** The stable error codes, in the core's order. */
export const errorCodes = native.errorCodes
/** The library version (the same in every language's package). */
export const version = native.version

// Loads the addon (the .node file next to native.js, or this platform's package). When it is
// missing, says which package provides it rather than only napi-rs's generic message.
function loadAddon (): typeof Native {
  try {
    return require('./native') as typeof Native
  } catch (cause) {
    const pkg = require('./package.json') as { optionalDependencies?: Record<string, string> }
    const platforms = Object.keys(pkg.optionalDependencies ?? {})
    const where = platforms.length > 0
      ? `npm installs it from the optional dependency ${platforms.join(' / ')} for this platform ` +
        '(installing from tarballs, install that package\'s tarball too; --omit=optional leaves it out)'
      : 'in the repository, build it with `npm ci && npm run build`'
    throw new Error(
      `bunkerlite: the native addon for ${process.platform}-${process.arch} could not be loaded; ${where}`,
      { cause }
    )
  }
}

/** The stable error codes, identical in C, Python and Node (`err.code`). */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'TOO_LARGE'
  | 'NOT_FOUND'
  | 'DUPLICATE'
  | 'ERASED'
  | 'EXPIRED'
  | 'EXHAUSTED'
  | 'CONSENT_REQUIRED'
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

/** A subject's profile: a JSON object. */
export type Profile = { [key: string]: Json }

/** A subject as read back. */
export interface Subject {
  token: string
  /** `null` in what `updateSubject` returns to a purpose that may write but not read the profile. */
  profile: { [key: string]: Json } | null
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
  /** Tokens linked to the subject, deleted with it. */
  tokens_removed: number
  consents_removed: number
  audit_details_shredded: number
  wal_truncated: boolean
  /** With `erasure_wal_window_ms` above 0: when the coalesced WAL truncation is due (ms since the epoch); `null` when the erasure truncated the WAL itself. */
  wal_truncation_due_ms: number | null
}

/** The kinds of token. */
export type TokenKind = 'uuid' | 'alphanumeric' | 'numeric' | 'card' | 'email' | 'transient' | 'fpe'

/** Options of `tokenize` (all optional; unknown fields are refused). */
export interface TokenizeOptions {
  kind?: TokenKind
  /** alphanumeric and numeric: 6–128 characters (default 22 and 38). */
  length?: number
  /** card: keep this many leading digits (0–6). */
  keep_first?: number
  /** card: keep this many trailing digits (0–4). */
  keep_last?: number
  /** card: pass the Luhn check (by default card tokens fail it). */
  luhn_valid?: boolean
  /** email: keep the domain (default) or use `token.invalid`. */
  keep_domain?: boolean
  /** Same value and scope → same token. */
  deterministic?: boolean
  /** 1–64 of letters, digits, `.`, `_`, `:`, `-` (default `default`). */
  scope?: string
  ttl_ms?: number
  expires_at_ms?: number
  /** Each detokenize moves the expiry `ttl_ms` ahead. */
  sliding?: boolean
  /** Destroyed by its first detokenize. */
  once?: boolean
  /** The subject (its token) the token belongs to: erased with it. */
  subject?: string
  /** deterministic: an existing token's expiry restarts. */
  renew?: boolean
  /** fpe: `digits` (default), `hex`, `lower_alphanumeric`, `alphanumeric`, or a custom alphabet's characters. */
  alphabet?: string
}

/** Options of `detokenize`. */
export interface DetokenizeOptions {
  /** Mask the value: all but `keep_first` leading and `keep_last` trailing characters (default 0 and 4) become `char` (default `*`). */
  mask?: { keep_first?: number, keep_last?: number, char?: string } | null
  /** `fpe` for FF1 tokens (not stored: decrypted with their alphabet and scope). */
  kind?: 'fpe'
  alphabet?: string
  scope?: string
}

/** Options of `tokenizeText`. */
export interface TextOptions {
  /** What to find (all three when absent). */
  detect?: Array<'email' | 'phone' | 'card'>
  /** Literal values to replace wherever they occur. */
  values?: string[]
  /** The tokens' scope (`text` by default): a value keeps its token in a scope. */
  scope?: string
  ttl_ms?: number
  /** The subject (its token) the tokens belong to. */
  subject?: string
}

/** What `tokenInfo` tells about a token (never its value). */
export interface TokenInfo {
  kind: TokenKind
  scope: string
  deterministic: boolean
  once: boolean
  sliding: boolean
  created_ms: number
  expires_ms: number | null
  ttl_ms: number | null
  expired: boolean
  subject: string | null
  /** The keyed hash of the token that its audit events carry. */
  reference: string
}

/** A failed item of a batch. */
export interface ItemError { code: ErrorCode, message: string }
/** An item of `tokenizeMany`. */
export interface TokenizeItem { status: 'created' | 'existing' | 'failed', token: string | null, error: ItemError | null }
/** An item of `detokenizeMany`. */
export interface DetokenizeItem { value: string | null, error: ItemError | null }
/** An item of `tokenInfos`. */
export interface InfoItem { info: TokenInfo | null, error: ItemError | null }
/** An item of `deleteTokens`. */
export interface DeleteItem { deleted: boolean, error: ItemError | null }
/** The result of a token batch. */
export interface TokenBatch<T> { items: T[], summary: { total: number, ok: number, failed: number } }
/** The result of `purgeTokens`. */
export interface PurgeReport { removed: number }

/** A legal basis type (GDPR Art. 6(1)). */
export type BasisType = 'consent' | 'contract' | 'legal-obligation' | 'vital-interest' | 'public-task' | 'legitimate-interest'
/** A consent decision's state. */
export type ConsentStatus = 'given' | 'refused' | 'withdrawn' | 'revoked' | 'expired'
/** An operation a processing activity covers. */
export type Operation = 'read' | 'write' | 'delete' | 'export' | 'detokenize'

/** What `setLegalBasis` takes: `type` for a new basis; absent fields keep their values. */
export interface LegalBasisSpec {
  type?: BasisType
  module?: string
  short_description?: string
  full_description?: string
  required?: boolean
  required_message?: string
  user_control?: boolean
  status?: 'active' | 'disabled'
}

/** One version of what people were shown. */
export interface Notice {
  version: number
  short_description: string
  full_description: string
  required_message: string
  /** SHA-256 (hex) of the notice's canonical text. */
  sha256: string
  created_ms: number
}

/** A legal basis of the catalogue. */
export interface LegalBasis {
  brief: string
  type: BasisType
  module: string
  short_description: string
  full_description: string
  required: boolean
  required_message: string
  user_control: boolean
  status: 'active' | 'disabled' | 'deleted'
  notice_version: number
  notice_sha256: string
  created_ms: number
  updated_ms: number
  /** Every notice version (`getLegalBasis` only). */
  notices?: Notice[]
}

/** What `setActivity` takes: `operations` for a new activity; `legal_bases` replaces the links. */
export interface ActivitySpec {
  title?: string
  description?: string
  operations?: Operation[]
  legal_bases?: string[]
}

/** A processing activity: its name is the purpose callers pass. */
export interface Activity {
  name: string
  title: string
  description: string
  operations: Operation[]
  legal_bases: string[]
  created_ms: number
  updated_ms: number
}

/** Options of `giveConsent`, `withdrawConsent` and `revokeConsent`. */
export interface ConsentOptions {
  /** `giveConsent` only. */
  status?: 'given' | 'refused'
  start_ms?: number
  expires_ms?: number
  ttl_ms?: number
  method?: string
  channel?: string
  language?: string
  /** Stored encrypted under the subject's key. */
  reference?: string
  notice_version?: number
}

/** A subject's current decision about a legal basis. */
export interface Agreement {
  legal_basis: string
  status: ConsentStatus
  in_force: boolean
  decided_ms: number
  start_ms: number
  expires_ms: number | null
  notice_version: number
  notice_sha256: string
  method: string
  channel: string | null
  language: string | null
  reference: string | null
  actor: string
}

/** A consent receipt (Kantara fields, the ISO/IEC TS 27560 record under `record`, and `mac`). */
export type ConsentReceipt = { [key: string]: Json }
/** The result of `verifyConsentReceipt`. */
export interface ReceiptCheck { valid: boolean, subject: string, events: number, issued_ms: number }
/** The answer of `canProcess`. */
export interface ProcessingDecision { allowed: boolean, legal_basis: string | null, reason: string }
/** A consent event of the outbox. */
export interface ConsentEvent {
  cursor: string
  subject: string
  event: ConsentStatus | 'erased'
  legal_basis: string | null
  notice_version: number | null
  time_ms: number
}
/** The result of revoking or deleting a legal basis, and of `purgeConsents`. */
export interface ConsentReport { changed: number }

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
  purpose: string | null
  action: string
  subject: string | null
  outcome: 'ok' | ErrorCode
  /** Token operations: the keyed hash of the token (never the token). */
  reference: string | null
  details: Json | null
  details_erased: boolean
  /** Details asked for that the caller's purpose may not see (neither read nor export of the subject): why. */
  details_refused: string | null
}

/** A page of a listing, newest first: pass `next` as `cursor` for the following page. */
export interface Page<T> {
  total: number
  items: T[]
  next: string | null
}

/** The audit chain head: keep it outside the vault. */
export interface AuditHead {
  seq: number
  hash: string
}

/** The result of a successful audit verification. */
export interface AuditReport {
  events: number
  subjects: number
  /** Consent decisions checked: each history a chain, each decision made by an audited event. */
  consent_decisions: number
  /** Outbox events checked: a chain holding every event not yet acknowledged. */
  outbox_events: number
  /** Token rows checked against their MACs. */
  tokens: number
  head: AuditHead
}

/** Vault options (all optional); unknown keys are refused with `INVALID_INPUT`. */
export interface Options {
  create?: boolean
  busy_timeout_ms?: number
  default_region?: string | null
  indexed_fields?: string[]
  audit_flush_interval_ms?: number
  audit_max_pending?: number
  audit_details?: 'values' | 'fields' | 'none'
  /** 0 (default): each erasure truncates the WAL before it returns; above 0 (at most 60,000): truncations are coalesced over this many milliseconds (the receipt says when). */
  erasure_wal_window_ms?: number
  /** How many audit events wait before they are indexed by subject in one sorted pass (default 100,000). */
  audit_index_batch?: number
  /** Refuse every read, detokenization and export whose caller names no purpose (`INVALID_INPUT`). */
  require_purpose?: boolean
  /** Tests: a manual clock standing still at this time (ms since the epoch) instead of the system clock. */
  manual_clock_ms?: number
  limits?: {
    max_document_bytes?: number
    /** At most 100. */
    max_depth?: number
    max_fields?: number
    max_string_bytes?: number
    max_batch?: number
    max_batch_bytes?: number
  }
  sqlite?: {
    synchronous?: 'full' | 'normal'
    cache_kib?: number
  }
}

/** Per-call options of every audited method: who acts, and why. */
export interface CallOptions {
  /** A role or operator id recorded in the audit log (`"app:billing"`); defaults to `"app"`. */
  actor?: string
  /** The processing activity the call serves (`"invoicing"`), recorded in the audit log. */
  purpose?: string
}

/** Per-call options of listings: who acts and why, and which page. */
export interface PageOptions extends CallOptions {
  /** The `next` of the previous page; absent for the first page. */
  cursor?: string | null
  /** Items per page, 1–1000 (default 100). */
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
function fault (value: unknown, depth: number): Native.NotJson | undefined {
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
function text (value: unknown): Native.JsonText {
  try {
    return fault(value, 0) ?? JSON.stringify(value) ?? NOT_PLAIN
  } catch {
    return NOT_PLAIN
  }
}

/**
 * The mode of a plain one-key lookup holding a string (`{ email: "…" }`), which crosses to the
 * addon as two strings; `undefined` for any other value, which crosses as JSON text (a throwing
 * getter included, which the addon reports as INVALID_INPUT). Both paths give the same results:
 * the addon refuses lone surrogates in the strings as the JSON path does.
 */
function lookupMode (lookup: unknown): string | undefined {
  try {
    if (typeof lookup === 'object' && lookup !== null && Object.getPrototypeOf(lookup) === Object.prototype) {
      const keys = Object.keys(lookup)
      if (keys.length === 1 && typeof (lookup as Lookup)[keys[0]] === 'string') return keys[0]
    }
  } catch {}
  return undefined
}

/**
 * The actor of per-call options, for the addon to check: the options' `actor` (`undefined` when
 * there are no options), or `false` when the options are not an object (refused as such). Read
 * here, where a property read is cheapest; a throwing getter's exception passes through.
 */
function actorOf (opts: unknown): unknown {
  if (opts === undefined || opts === null) return undefined
  return typeof opts === 'object' ? (opts as CallOptions).actor : false
}

/** The purpose of per-call options (`undefined` when there are none), for the addon to check. */
function purposeOf (opts: unknown): unknown {
  return typeof opts === 'object' && opts !== null ? (opts as CallOptions).purpose : undefined
}

/** An optional document: `null` and `undefined` mean absent. */
function optionalText (value: unknown): Native.JsonText | undefined {
  return value === null || value === undefined ? undefined : text(value)
}

/**
 * A subject from the addon's compact text for one (`Out::subject` in src/calls.rs): token,
 * created_ms, updated_ms and version, each followed by a comma, then the profile's JSON text.
 * Only the profile goes through JSON.parse: the same object, keys in the same order, as parsing
 * the subject's JSON text, for about two thirds of the parsing.
 */
function subjectOf (compact: string): Subject {
  const a = compact.indexOf(',')
  const b = compact.indexOf(',', a + 1)
  const c = compact.indexOf(',', b + 1)
  const d = compact.indexOf(',', c + 1)
  return {
    token: compact.slice(0, a),
    profile: JSON.parse(compact.slice(d + 1)),
    created_ms: Number(compact.slice(a + 1, b)),
    updated_ms: Number(compact.slice(b + 1, c)),
    version: Number(compact.slice(c + 1, d))
  }
}

/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
export class Vault {
  readonly #inner: Native.Vault
  readonly #handle: Native.VaultHandle

  private constructor (inner: Native.Vault) {
    this.#inner = inner
    this.#handle = inner.handle()
  }

  /** Open (or create) the vault file at `path` with `key`. */
  static open (path: string, key: Native.MasterKey, options?: Options | null): Vault {
    return new Vault(native.Vault.open(path, key, optionalText(options)))
  }

  /** `open`, off the event loop. */
  static async openAsync (path: string, key: Native.MasterKey, options?: Options | null): Promise<Vault> {
    return new Vault(await native.Vault.openAsync(path, key, optionalText(options)))
  }

  /** A private in-memory vault, gone when closed. */
  static openInMemory (key: Native.MasterKey, options?: Options | null): Vault {
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

  // <operations: generated by bunkerlite-gen>
  /** Create a subject from a profile (a JSON object) and return its new token. Indexed fields (email, phone, login, configured ones) must be strings and unique. Purpose check: write, on no subject yet: the activity must cover writes. */
  createSubject (profile: Profile, opts?: CallOptions | null): string {
    return calls.createSubject(this.#handle, text(profile), actorOf(opts), purposeOf(opts))
  }

  /** `createSubject`, off the event loop. */
  async createSubjectAsync (profile: Profile, opts?: CallOptions | null): Promise<string> {
    return await calls.createSubjectAsync(this.#handle, text(profile), actorOf(opts), purposeOf(opts))
  }

  /** Create many subjects in one transaction from a list of profiles: all are created, or none (the error names the failing item's position). Returns their tokens in order. Purpose check: write, on no subject yet: the activity must cover writes. */
  createSubjects (profiles: Profile[], opts?: CallOptions | null): string[] {
    return JSON.parse(calls.createSubjects(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)))
  }

  /** `createSubjects`, off the event loop. */
  async createSubjectsAsync (profiles: Profile[], opts?: CallOptions | null): Promise<string[]> {
    return JSON.parse(await calls.createSubjectsAsync(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)))
  }

  /** Read a subject found by a lookup (token, email, phone, login or a configured field). A subject found through an index is returned only if its profile really holds the value. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
  getSubject (lookup: Lookup, opts?: CallOptions | null): Subject {
    const mode = lookupMode(lookup)
    return subjectOf(calls.getSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** `getSubject`, off the event loop. */
  async getSubjectAsync (lookup: Lookup, opts?: CallOptions | null): Promise<Subject> {
    const mode = lookupMode(lookup)
    return subjectOf(await calls.getSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** Read many subjects: a subject, or null where nothing matches (or the subject was erased), per lookup, in order. Each lookup is audited. Purpose check: read, on each subject found (a refused one is a null item). A vault with require_purpose needs a purpose. */
  getSubjects (lookups: Lookup[], opts?: CallOptions | null): Array<Subject | null> {
    return JSON.parse(calls.getSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)))
  }

  /** `getSubjects`, off the event loop. */
  async getSubjectsAsync (lookups: Lookup[], opts?: CallOptions | null): Promise<Array<Subject | null>> {
    return JSON.parse(await calls.getSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)))
  }

  /** Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event keeps the before and after, encrypted under the subject's key. Purpose check: write, on the subject found; the profile is returned only when `read` is allowed too. */
  updateSubject (lookup: Lookup, patch: Json, opts?: CallOptions | null): Subject {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.updateSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)))
  }

  /** `updateSubject`, off the event loop. */
  async updateSubjectAsync (lookup: Lookup, patch: Json, opts?: CallOptions | null): Promise<Subject> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.updateSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)))
  }

  /** Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index entries are deleted, the WAL is truncated, and the audit keeps only the fact. Returns the erasure receipt. Purpose check: delete, on the subject found. */
  forgetSubject (lookup: Lookup, opts?: CallOptions | null): ErasureReceipt {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.forgetSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** `forgetSubject`, off the event loop. */
  async forgetSubjectAsync (lookup: Lookup, opts?: CallOptions | null): Promise<ErasureReceipt> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.forgetSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** Erase many subjects in one transaction, each as a single erasure does, with one WAL truncation for the batch: a receipt, or null where nothing matches (or the subject was already erased), per lookup, in order. Any other error erases nobody. Purpose check: delete, on each subject found (a refused one is a null item). */
  forgetSubjects (lookups: Lookup[], opts?: CallOptions | null): Array<ErasureReceipt | null> {
    return JSON.parse(calls.forgetSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)))
  }

  /** `forgetSubjects`, off the event loop. */
  async forgetSubjectsAsync (lookups: Lookup[], opts?: CallOptions | null): Promise<Array<ErasureReceipt | null>> {
    return JSON.parse(await calls.forgetSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)))
  }

  /** Make a token standing in for a value (a card number, an email, any string) and return it. Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length, keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a keyed hash of the token and the value encrypted; errors never contain the value. Purpose check: write, on the linked subject (or none); an FF1 token is checked as `detokenize`: it is the value encrypted, so making tokens of chosen values tests guesses against one held. */
  tokenize (value: string, options?: TokenizeOptions | null, opts?: CallOptions | null): string {
    return calls.tokenize(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** `tokenize`, off the event loop. */
  async tokenizeAsync (value: string, options?: TokenizeOptions | null, opts?: CallOptions | null): Promise<string> {
    return await calls.tokenizeAsync(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** Tokenize many values with the same options in one transaction: per item a status (created, existing, failed), the token or the error, and a summary. One bad item fails only itself unless all_or_nothing, which makes any failure fail the call and write nothing. Purpose check: write, on the linked subject (or none); FF1 tokens as `detokenize` (see tokenize). */
  tokenizeMany (values: string[], options?: TokenizeOptions | null, opts?: (CallOptions & { all_or_nothing?: boolean }) | null): TokenBatch<TokenizeItem> {
    return JSON.parse(calls.tokenizeMany(this.#handle, text(values), optionalText(options), opts))
  }

  /** `tokenizeMany`, off the event loop. */
  async tokenizeManyAsync (values: string[], options?: TokenizeOptions | null, opts?: (CallOptions & { all_or_nothing?: boolean }) | null): Promise<TokenBatch<TokenizeItem>> {
    return JSON.parse(await calls.tokenizeManyAsync(this.#handle, text(values), optionalText(options), opts))
  }

  /** The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of the token. An expired token is EXPIRED; a token made with once is deleted by this call (and is then NOT_FOUND); a sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}. Purpose check: detokenize, on the token's linked subject (or none). A vault with require_purpose needs a purpose. */
  detokenize (token: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): string {
    return calls.detokenize(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** `detokenize`, off the event loop. */
  async detokenizeAsync (token: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): Promise<string> {
    return await calls.detokenizeAsync(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND, EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: detokenize, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
  detokenizeMany (tokens: string[], options?: DetokenizeOptions | null, opts?: (CallOptions & { all_or_nothing?: boolean }) | null): TokenBatch<DetokenizeItem> {
    return JSON.parse(calls.detokenizeMany(this.#handle, text(tokens), optionalText(options), opts))
  }

  /** `detokenizeMany`, off the event loop. */
  async detokenizeManyAsync (tokens: string[], options?: DetokenizeOptions | null, opts?: (CallOptions & { all_or_nothing?: boolean }) | null): Promise<TokenBatch<DetokenizeItem>> {
    return JSON.parse(await calls.detokenizeManyAsync(this.#handle, text(tokens), optionalText(options), opts))
  }

  /** Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and the literal values of the values option) with typed placeholders [EMAIL:token], [PHONE:token], [CARD:token], [VALUE:token], for logs and prompts sent to language models. The tokens are vaulted and deterministic in the scope option (text by default). Options: detect (email, phone, card), values (each at least 2 characters), scope, ttl_ms, subject. Dates, times, timestamps, IP addresses, ids and versions are never taken for numbers; a national phone number needs the default region's grouping or a context word (tel, call, ...). At most max_batch items per call (TOO_LARGE beyond). Purpose check: write, on the linked subject (or none). */
  tokenizeText (text: string, options?: TextOptions | null, opts?: CallOptions | null): string {
    return calls.tokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** `tokenizeText`, off the event loop. */
  async tokenizeTextAsync (text: string, options?: TextOptions | null, opts?: CallOptions | null): Promise<string> {
    return await calls.tokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** Put the values back in place of the placeholders tokenize_text wrote (masked with the mask option), reading only tokens made by tokenize_text in the scope option (text by default) for the placeholder's tag; any other placeholder (unknown, expired, another scope or tag, or one the purpose may not read) stays as it is. At most max_batch placeholders per call. Purpose check: detokenize, on each placeholder's linked subject (a refused one stays a placeholder). A vault with require_purpose needs a purpose. */
  detokenizeText (text: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): string {
    return calls.detokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** `detokenizeText`, off the event loop. */
  async detokenizeTextAsync (text: string, options?: DetokenizeOptions | null, opts?: CallOptions | null): Promise<string> {
    return await calls.detokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts))
  }

  /** Delete a token: its value can no longer be recovered through it. Purpose check: delete, on the token's linked subject (or none). */
  deleteToken (token: string, opts?: CallOptions | null): void {
    calls.deleteToken(this.#handle, token, actorOf(opts), purposeOf(opts))
  }

  /** `deleteToken`, off the event loop. */
  async deleteTokenAsync (token: string, opts?: CallOptions | null): Promise<void> {
    await calls.deleteTokenAsync(this.#handle, token, actorOf(opts), purposeOf(opts))
  }

  /** Delete many tokens in one transaction: per item whether it was deleted or the error, and a summary; all_or_nothing makes any failure fail the call and delete nothing. Purpose check: delete, on each token's linked subject (a refused one is an item error). */
  deleteTokens (tokens: string[], opts?: (CallOptions & { all_or_nothing?: boolean }) | null): TokenBatch<DeleteItem> {
    return JSON.parse(calls.deleteTokens(this.#handle, text(tokens), opts))
  }

  /** `deleteTokens`, off the event loop. */
  async deleteTokensAsync (tokens: string[], opts?: (CallOptions & { all_or_nothing?: boolean }) | null): Promise<TokenBatch<DeleteItem>> {
    return JSON.parse(await calls.deleteTokensAsync(this.#handle, text(tokens), opts))
  }

  /** What is known about a token without its value: kind, scope, deterministic, once, sliding, created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed hash its audit events carry). Purpose check: read, on the token's linked subject (or none): the info names it. A vault with require_purpose needs a purpose. */
  tokenInfo (token: string, opts?: CallOptions | null): TokenInfo {
    return JSON.parse(calls.tokenInfo(this.#handle, token, actorOf(opts), purposeOf(opts)))
  }

  /** `tokenInfo`, off the event loop. */
  async tokenInfoAsync (token: string, opts?: CallOptions | null): Promise<TokenInfo> {
    return JSON.parse(await calls.tokenInfoAsync(this.#handle, token, actorOf(opts), purposeOf(opts)))
  }

  /** token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: read, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
  tokenInfos (tokens: string[], opts?: (CallOptions & { all_or_nothing?: boolean }) | null): TokenBatch<InfoItem> {
    return JSON.parse(calls.tokenInfos(this.#handle, text(tokens), opts))
  }

  /** `tokenInfos`, off the event loop. */
  async tokenInfosAsync (tokens: string[], opts?: (CallOptions & { all_or_nothing?: boolean }) | null): Promise<TokenBatch<InfoItem>> {
    return JSON.parse(await calls.tokenInfosAsync(this.#handle, text(tokens), opts))
  }

  /** Delete every expired token, a thousand per transaction (readers are never blocked). Returns {removed}. No purpose check: removes only what the tokens' own expiry ended; reads and returns no value. */
  purgeTokens (opts?: CallOptions | null): PurgeReport {
    return JSON.parse(calls.purgeTokens(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** `purgeTokens`, off the event loop. */
  async purgeTokensAsync (opts?: CallOptions | null): Promise<PurgeReport> {
    return JSON.parse(await calls.purgeTokensAsync(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** Create or change a legal basis (brief: ^[a-z][a-z0-9-]{1,64}$) from a definition: type (consent, contract, legal-obligation, vital-interest, public-task, legitimate-interest; required for a new basis), module, short_description, full_description, required, required_message, user_control, status (active, disabled). Absent fields keep their values; a change of the texts people are shown makes a new notice version (every version is kept). No purpose check: the catalogue holds no personal data. */
  setLegalBasis (brief: string, definition: LegalBasisSpec, opts?: CallOptions | null): LegalBasis {
    return JSON.parse(calls.setLegalBasis(this.#handle, brief, text(definition), actorOf(opts), purposeOf(opts)))
  }

  /** `setLegalBasis`, off the event loop. */
  async setLegalBasisAsync (brief: string, definition: LegalBasisSpec, opts?: CallOptions | null): Promise<LegalBasis> {
    return JSON.parse(await calls.setLegalBasisAsync(this.#handle, brief, text(definition), actorOf(opts), purposeOf(opts)))
  }

  /** A legal basis with every notice version (notices, oldest first). The catalogue holds no personal data: not audited. No purpose check: the catalogue holds no personal data (not audited). */
  getLegalBasis (brief: string): LegalBasis {
    return JSON.parse(calls.getLegalBasis(this.#handle, brief))
  }

  /** `getLegalBasis`, off the event loop. */
  async getLegalBasisAsync (brief: string): Promise<LegalBasis> {
    return JSON.parse(await calls.getLegalBasisAsync(this.#handle, brief))
  }

  /** Every legal basis (deleted ones too), by brief, each with its current notice. No purpose check: the catalogue holds no personal data (not audited). */
  listLegalBases (): LegalBasis[] {
    return JSON.parse(calls.listLegalBases(this.#handle))
  }

  /** `listLegalBases`, off the event loop. */
  async listLegalBasesAsync (): Promise<LegalBasis[]> {
    return JSON.parse(await calls.listLegalBasesAsync(this.#handle))
  }

  /** Delete a legal basis: it is marked deleted (its notices are kept) and every agreement under it is revoked, at once for every purpose check and then in the history and the outbox a thousand subjects per transaction (an interrupted call is completed by calling again). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
  deleteLegalBasis (brief: string, opts?: CallOptions | null): ConsentReport {
    return JSON.parse(calls.deleteLegalBasis(this.#handle, brief, actorOf(opts), purposeOf(opts)))
  }

  /** `deleteLegalBasis`, off the event loop. */
  async deleteLegalBasisAsync (brief: string, opts?: CallOptions | null): Promise<ConsentReport> {
    return JSON.parse(await calls.deleteLegalBasisAsync(this.#handle, brief, actorOf(opts), purposeOf(opts)))
  }

  /** Revoke every agreement under a legal basis, as delete_legal_basis does, keeping the basis (new agreements may be given). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
  revokeLegalBasis (brief: string, opts?: CallOptions | null): ConsentReport {
    return JSON.parse(calls.revokeLegalBasis(this.#handle, brief, actorOf(opts), purposeOf(opts)))
  }

  /** `revokeLegalBasis`, off the event loop. */
  async revokeLegalBasisAsync (brief: string, opts?: CallOptions | null): Promise<ConsentReport> {
    return JSON.parse(await calls.revokeLegalBasisAsync(this.#handle, brief, actorOf(opts), purposeOf(opts)))
  }

  /** Create or change a processing activity: its name is the purpose callers pass; the definition has title, description, operations (read, write, delete, export, detokenize; required for a new activity) and legal_bases (briefs; replaces the links when given). Once a vault has an activity, every purpose a caller names must be one. No purpose check: the catalogue holds no personal data. */
  setActivity (activity: string, definition: ActivitySpec, opts?: CallOptions | null): Activity {
    return JSON.parse(calls.setActivity(this.#handle, activity, text(definition), actorOf(opts), purposeOf(opts)))
  }

  /** `setActivity`, off the event loop. */
  async setActivityAsync (activity: string, definition: ActivitySpec, opts?: CallOptions | null): Promise<Activity> {
    return JSON.parse(await calls.setActivityAsync(this.#handle, activity, text(definition), actorOf(opts), purposeOf(opts)))
  }

  /** Let a processing activity rely on a legal basis. No purpose check: the catalogue holds no personal data. */
  linkActivity (activity: string, brief: string, opts?: CallOptions | null): Activity {
    return JSON.parse(calls.linkActivity(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)))
  }

  /** `linkActivity`, off the event loop. */
  async linkActivityAsync (activity: string, brief: string, opts?: CallOptions | null): Promise<Activity> {
    return JSON.parse(await calls.linkActivityAsync(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)))
  }

  /** Stop a processing activity relying on a legal basis. No purpose check: the catalogue holds no personal data. */
  unlinkActivity (activity: string, brief: string, opts?: CallOptions | null): Activity {
    return JSON.parse(calls.unlinkActivity(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)))
  }

  /** `unlinkActivity`, off the event loop. */
  async unlinkActivityAsync (activity: string, brief: string, opts?: CallOptions | null): Promise<Activity> {
    return JSON.parse(await calls.unlinkActivityAsync(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)))
  }

  /** Delete a processing activity: its name is then an unknown purpose. No purpose check: the catalogue holds no personal data. */
  deleteActivity (activity: string, opts?: CallOptions | null): void {
    calls.deleteActivity(this.#handle, activity, actorOf(opts), purposeOf(opts))
  }

  /** `deleteActivity`, off the event loop. */
  async deleteActivityAsync (activity: string, opts?: CallOptions | null): Promise<void> {
    await calls.deleteActivityAsync(this.#handle, activity, actorOf(opts), purposeOf(opts))
  }

  /** Every processing activity, by name, with the operations it covers and the legal bases it relies on. No purpose check: the catalogue holds no personal data (not audited). */
  listActivities (): Activity[] {
    return JSON.parse(calls.listActivities(this.#handle))
  }

  /** `listActivities`, off the event loop. */
  async listActivitiesAsync (): Promise<Activity[]> {
    return JSON.parse(await calls.listActivitiesAsync(this.#handle))
  }

  /** Record that a subject gave (or with status refused, refused) consent under a legal basis. Options: status, start_ms, expires_ms or ttl_ms, method, channel, language, reference (stored encrypted), notice_version (default: the current one). Appended to the subject's consent record with an outbox event in one transaction; the basis must be active. Returns the agreement. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
  giveConsent (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.giveConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** `giveConsent`, off the event loop. */
  async giveConsentAsync (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.giveConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** Record that a subject withdrew consent under a legal basis (options: method, channel, language, reference). An agreement not in force is returned unchanged; none at all is NOT_FOUND. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
  withdrawConsent (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.withdrawConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** `withdrawConsent`, off the event loop. */
  async withdrawConsentAsync (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.withdrawConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** Record that an operator revoked a subject's consent under a legal basis, as withdraw_consent records a withdrawal. No purpose check: ending an agreement only ends processing. */
  revokeConsent (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Agreement {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.revokeConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** `revokeConsent`, off the event loop. */
  async revokeConsentAsync (lookup: Lookup, brief: string, options?: ConsentOptions | null, opts?: CallOptions | null): Promise<Agreement> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.revokeConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)))
  }

  /** A subject's current decision about a legal basis: status (given, refused, withdrawn, revoked, expired), in_force, times, the notice version and hash, method, channel, language, reference, actor. NOT_FOUND when it never decided. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
  getConsent (lookup: Lookup, brief: string, opts?: CallOptions | null): Agreement {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.getConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, actorOf(opts), purposeOf(opts)))
  }

  /** `getConsent`, off the event loop. */
  async getConsentAsync (lookup: Lookup, brief: string, opts?: CallOptions | null): Promise<Agreement> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.getConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, actorOf(opts), purposeOf(opts)))
  }

  /** A subject's current decisions, one per legal basis it decided about, by brief. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
  listConsents (lookup: Lookup, opts?: CallOptions | null): Agreement[] {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.listConsents(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** `listConsents`, off the event loop. */
  async listConsentsAsync (lookup: Lookup, opts?: CallOptions | null): Promise<Agreement[]> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.listConsentsAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** A subject's whole consent record as a receipt: Kantara Consent Receipt v1.1 fields, the ISO/IEC TS 27560 record (every decision with the notice version and text hash, when, how, by whom) under record, and a mac (HMAC-SHA256 under the vault's consent key) over its canonical JSON. Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
  exportConsentReceipt (lookup: Lookup, opts?: CallOptions | null): ConsentReceipt {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.exportConsentReceipt(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** `exportConsentReceipt`, off the event loop. */
  async exportConsentReceiptAsync (lookup: Lookup, opts?: CallOptions | null): Promise<ConsentReceipt> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.exportConsentReceiptAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)))
  }

  /** Verify a receipt this vault issued: INTEGRITY when anything in it changed or another vault issued it. Returns {valid, subject, events, issued_ms}. No purpose check: checks a document the caller already holds; reads nothing stored about anyone (not audited). */
  verifyConsentReceipt (receipt: ConsentReceipt): ReceiptCheck {
    return JSON.parse(calls.verifyConsentReceipt(this.#handle, text(receipt)))
  }

  /** `verifyConsentReceipt`, off the event loop. */
  async verifyConsentReceiptAsync (receipt: ConsentReceipt): Promise<ReceiptCheck> {
    return JSON.parse(await calls.verifyConsentReceiptAsync(this.#handle, text(receipt)))
  }

  /** Whether a purpose allows an operation (read by default; write, delete, export, detokenize) on a subject, answered as the purpose check answers it, without reading the subject's data: {allowed, legal_basis, reason}. An unknown purpose is INVALID_INPUT. No purpose check: it is the check itself, answered for the purpose it names (audited as consent.check). */
  canProcess (lookup: Lookup, purpose: string, operation?: string | null): ProcessingDecision {
    const mode = lookupMode(lookup)
    return JSON.parse(calls.canProcess(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], purpose, operation))
  }

  /** `canProcess`, off the event loop. */
  async canProcessAsync (lookup: Lookup, purpose: string, operation?: string | null): Promise<ProcessingDecision> {
    const mode = lookupMode(lookup)
    return JSON.parse(await calls.canProcessAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], purpose, operation))
  }

  /** Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first, after what the consumer (default when absent) acknowledged, or after the cursor. An event is delivered until acknowledged: at least once, in order. A page is {total, items, next}. Purpose check: read, on no one subject: the activity must cover reads. A vault with require_purpose needs a purpose. */
  listConsentEvents (consumer?: string | null, opts?: PageOptions | null): Page<ConsentEvent> {
    return JSON.parse(calls.listConsentEvents(this.#handle, consumer, opts))
  }

  /** `listConsentEvents`, off the event loop. */
  async listConsentEventsAsync (consumer?: string | null, opts?: PageOptions | null): Promise<Page<ConsentEvent>> {
    return JSON.parse(await calls.listConsentEventsAsync(this.#handle, consumer, opts))
  }

  /** Acknowledge the consent events up to and including the one whose cursor is given: they are not delivered to this consumer again (events every consumer acknowledged are deleted). No purpose check: moves a consumer's mark; reads nothing. */
  ackConsentEvents (cursor: string, consumer?: string | null, opts?: CallOptions | null): void {
    calls.ackConsentEvents(this.#handle, cursor, consumer, actorOf(opts), purposeOf(opts))
  }

  /** `ackConsentEvents`, off the event loop. */
  async ackConsentEventsAsync (cursor: string, consumer?: string | null, opts?: CallOptions | null): Promise<void> {
    await calls.ackConsentEventsAsync(this.#handle, cursor, consumer, actorOf(opts), purposeOf(opts))
  }

  /** Record every agreement whose expiry passed as expired (with its outbox event), a thousand per transaction. Returns {changed}. No purpose check: records the expiries that agreements' own terms set; returns only a count. */
  purgeConsents (opts?: CallOptions | null): ConsentReport {
    return JSON.parse(calls.purgeConsents(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** `purgeConsents`, off the event loop. */
  async purgeConsentsAsync (opts?: CallOptions | null): Promise<ConsentReport> {
    return JSON.parse(await calls.purgeConsentsAsync(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** List audit events, newest first: the subject's (a token) or, without one, all. A page is {total, items, next}; pass `next` as the cursor for the following page (each event is returned once even while others are appended). With `details`, each event's details (the before/after of a change) are decrypted while the subject exists, and the listing is audited as audit.list_details; otherwise as audit.list. Purpose check: read, on each event's subject, for its details only (`export` also allows them); refused details are left out with the reason. A vault with require_purpose needs a purpose. */
  listAuditEvents (subject?: string | null, opts?: (PageOptions & { details?: boolean }) | null): Page<AuditEvent> {
    return JSON.parse(calls.listAuditEvents(this.#handle, subject, opts))
  }

  /** `listAuditEvents`, off the event loop. */
  async listAuditEventsAsync (subject?: string | null, opts?: (PageOptions & { details?: boolean }) | null): Promise<Page<AuditEvent>> {
    return JSON.parse(await calls.listAuditEventsAsync(this.#handle, subject, opts))
  }

  /** The audit chain's head {seq, hash}, after committing buffered events: keep it outside the vault to detect truncation and rollback later. No purpose check: a sequence number and a MAC: no personal data (not audited). */
  getAuditHead (): AuditHead {
    return JSON.parse(calls.getAuditHead(this.#handle))
  }

  /** `getAuditHead`, off the event loop. */
  async getAuditHeadAsync (): Promise<AuditHead> {
    return JSON.parse(await calls.getAuditHeadAsync(this.#handle))
  }

  /** Verify the audit chain (every MAC and sequence number) and every stored subject against its last audited change; with an anchor (a head kept earlier) also detect truncation and rollback. Returns {events, subjects, head}. No purpose check: returns counts and the head only (not audited). */
  verifyAudit (anchor?: AuditHead | null): AuditReport {
    return JSON.parse(calls.verifyAudit(this.#handle, optionalText(anchor)))
  }

  /** `verifyAudit`, off the event loop. */
  async verifyAuditAsync (anchor?: AuditHead | null): Promise<AuditReport> {
    return JSON.parse(await calls.verifyAuditAsync(this.#handle, optionalText(anchor)))
  }

  /** Commit buffered read events now (they are otherwise group-committed within audit_flush_interval_ms). No purpose check: writes events already recorded (not audited). */
  flushAudit (): void {
    calls.flushAudit(this.#handle)
  }

  /** `flushAudit`, off the event loop. */
  async flushAuditAsync (): Promise<void> {
    await calls.flushAuditAsync(this.#handle)
  }

  /** Rewrite the vault file so nothing of erased subjects survives in free page space (VACUUM, then a WAL truncation). Takes time proportional to the vault's size: run it after erasures. Returns {bytes_before, bytes_after, wal_truncated}. No purpose check: rewrites the file; reads and returns no personal data. */
  compact (opts?: CallOptions | null): CompactReport {
    return JSON.parse(calls.compact(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** `compact`, off the event loop. */
  async compactAsync (opts?: CallOptions | null): Promise<CompactReport> {
    return JSON.parse(await calls.compactAsync(this.#handle, actorOf(opts), purposeOf(opts)))
  }

  /** Replace the master key: the root key is wrapped for the new key in one atomic write. Afterwards only the new key opens the vault; nothing else is re-encrypted. No purpose check: rewraps the root key; reads and returns no personal data. */
  rekey (new_key: Native.MasterKey, opts?: CallOptions | null): void {
    calls.rekey(this.#handle, new_key, actorOf(opts), purposeOf(opts))
  }

  /** `rekey`, off the event loop. */
  async rekeyAsync (new_key: Native.MasterKey, opts?: CallOptions | null): Promise<void> {
    await calls.rekeyAsync(this.#handle, new_key, actorOf(opts), purposeOf(opts))
  }
  // </operations>
}
