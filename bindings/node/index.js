"use strict";
// bunkerlite for Node.js: the public API over the native addon (native.js, built by napi-rs).
//
// Documents cross the boundary as JSON text: `JSON.stringify` here, serde in the addon, and
// `JSON.parse` here on the way back. Both run as plain JavaScript, where V8 is fastest; called
// from the addon they cost an N-API call into JavaScript each. Every operation and its `…Async`
// twin go through `native.calls`, plain N-API functions taking the vault's handle. Beyond that,
// this layer only checks that documents are plain data (what JSON.stringify would silently drop
// or change is refused, as Python refuses what is not JSON); every error and message comes from
// the addon. The operations' methods are generated from the one declaration of each operation
// (`tools/gen`, between the markers below); the rest is written here.
//
// index.js and index.d.ts are compiled from this file by `tsc -p tsconfig.build.json` (run by
// `npm run build`) and committed; the test command checks they match a fresh compilation.
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = exports.version = exports.errorCodes = exports.MasterKey = void 0;
const native = loadAddon();
const calls = native.calls;
/** The master key: 32 bytes from your secret store (`fromEnv`, `fromBytes`) or `generate()`. */
exports.MasterKey = native.MasterKey;
/** The stable error codes, in the core's order. */
exports.errorCodes = native.errorCodes;
/** The library version (the same in every language's package). */
exports.version = native.version;
// Loads the addon (the .node file next to native.js, or this platform's package). When it is
// missing, says which package provides it rather than only napi-rs's generic message.
function loadAddon() {
    try {
        return require('./native');
    }
    catch (cause) {
        const pkg = require('./package.json');
        const platforms = Object.keys(pkg.optionalDependencies ?? {});
        const where = platforms.length > 0
            ? `npm installs it from the optional dependency ${platforms.join(' / ')} for this platform ` +
                '(installing from tarballs, install that package\'s tarball too; --omit=optional leaves it out)'
            : 'in the repository, build it with `npm ci && npm run build`';
        throw new Error(`bunkerlite: the native addon for ${process.platform}-${process.arch} could not be loaded; ${where}`, { cause });
    }
}
// Why a value has no faithful JSON text; the addon turns each into its error (the same codes
// and messages as the Python binding gives for the same values).
/** Not plain data: undefined, a function, a symbol, a BigInt, a Map, a Date, a class instance… */
const NOT_PLAIN = 0;
/** NaN or ±Infinity, which JSON.stringify would silently turn into null. */
const NOT_FINITE = 1;
/** Nested deeper than any vault accepts (a cycle, too): `TOO_LARGE`. */
const TOO_DEEP = 2;
/** Deeper than any vault's limit; it only keeps a cycle from recursing forever. */
const MAX_DEPTH = 256;
/**
 * Why `value` would not survive JSON.stringify unchanged, or undefined when it would: plain
 * objects (prototype Object.prototype or null), arrays, strings, finite numbers, booleans and
 * null, nested at most MAX_DEPTH deep. An `undefined` property is an absent field, as in JSON;
 * anything JSON.stringify would drop, turn into null or replace by its toJSON() is refused.
 */
function fault(value, depth) {
    if (depth > MAX_DEPTH)
        return TOO_DEEP;
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return undefined;
        case 'number':
            return Number.isFinite(value) ? undefined : NOT_FINITE;
        case 'object':
            break;
        default:
            return NOT_PLAIN;
    }
    if (value === null)
        return undefined;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const f = fault(value[i], depth + 1);
            if (f !== undefined)
                return f;
        }
        return undefined;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
        return NOT_PLAIN;
    for (const key of Object.keys(value)) {
        const item = value[key];
        if (item === undefined)
            continue;
        const f = fault(item, depth + 1);
        if (f !== undefined)
            return f;
    }
    return undefined;
}
/**
 * A value as JSON text for the addon, or why it has none (the addon throws or rejects with the
 * matching error, like every other error). A getter that throws is reported as not plain data.
 */
function text(value) {
    try {
        return fault(value, 0) ?? JSON.stringify(value) ?? NOT_PLAIN;
    }
    catch {
        return NOT_PLAIN;
    }
}
/**
 * The mode of a plain one-key lookup holding a string (`{ email: "…" }`), which crosses to the
 * addon as two strings; `undefined` for any other value, which crosses as JSON text (a throwing
 * getter included, which the addon reports as INVALID_INPUT). Both paths give the same results:
 * the addon refuses lone surrogates in the strings as the JSON path does.
 */
function lookupMode(lookup) {
    try {
        if (typeof lookup === 'object' && lookup !== null && Object.getPrototypeOf(lookup) === Object.prototype) {
            const keys = Object.keys(lookup);
            if (keys.length === 1 && typeof lookup[keys[0]] === 'string')
                return keys[0];
        }
    }
    catch { }
    return undefined;
}
/**
 * The actor of per-call options, for the addon to check: the options' `actor` (`undefined` when
 * there are no options), or `false` when the options are not an object (refused as such). Read
 * here, where a property read is cheapest; a throwing getter's exception passes through.
 */
function actorOf(opts) {
    if (opts === undefined || opts === null)
        return undefined;
    return typeof opts === 'object' ? opts.actor : false;
}
/** The purpose of per-call options (`undefined` when there are none), for the addon to check. */
function purposeOf(opts) {
    return typeof opts === 'object' && opts !== null ? opts.purpose : undefined;
}
/** An optional document: `null` and `undefined` mean absent. */
function optionalText(value) {
    return value === null || value === undefined ? undefined : text(value);
}
/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
class Vault {
    #inner;
    #handle;
    constructor(inner) {
        this.#inner = inner;
        this.#handle = inner.handle();
    }
    /** Open (or create) the vault file at `path` with `key`. */
    static open(path, key, options) {
        return new Vault(native.Vault.open(path, key, optionalText(options)));
    }
    /** `open`, off the event loop. */
    static async openAsync(path, key, options) {
        return new Vault(await native.Vault.openAsync(path, key, optionalText(options)));
    }
    /** A private in-memory vault, gone when closed. */
    static openInMemory(key, options) {
        return new Vault(native.Vault.openInMemory(key, optionalText(options)));
    }
    /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
    close() {
        this.#inner.close();
    }
    /** `close`, off the event loop. */
    async closeAsync() {
        await this.#inner.closeAsync();
    }
    /** Whether the vault is closed. */
    get closed() {
        return this.#inner.closed;
    }
    // <operations: generated by bunkerlite-gen>
    /** Create a subject from a profile (a JSON object) and return its new token. Indexed fields (email, phone, login, configured ones) must be strings and unique. */
    createSubject(profile, opts) {
        return calls.createSubject(this.#handle, text(profile), actorOf(opts), purposeOf(opts));
    }
    /** `createSubject`, off the event loop. */
    async createSubjectAsync(profile, opts) {
        return await calls.createSubjectAsync(this.#handle, text(profile), actorOf(opts), purposeOf(opts));
    }
    /** Create many subjects in one transaction from a list of profiles: all are created, or none (the error names the failing item's position). Returns their tokens in order. */
    createSubjects(profiles, opts) {
        return JSON.parse(calls.createSubjects(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)));
    }
    /** `createSubjects`, off the event loop. */
    async createSubjectsAsync(profiles, opts) {
        return JSON.parse(await calls.createSubjectsAsync(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)));
    }
    /** Read a subject found by a lookup (token, email, phone, login or a configured field). A subject found through an index is returned only if its profile really holds the value. */
    getSubject(lookup, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(calls.getSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
    }
    /** `getSubject`, off the event loop. */
    async getSubjectAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(await calls.getSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
    }
    /** Read many subjects: a subject, or null where nothing matches (or the subject was erased), per lookup, in order. Each lookup is audited. */
    getSubjects(lookups, opts) {
        return JSON.parse(calls.getSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
    }
    /** `getSubjects`, off the event loop. */
    async getSubjectsAsync(lookups, opts) {
        return JSON.parse(await calls.getSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
    }
    /** Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event keeps the before and after, encrypted under the subject's key. */
    updateSubject(lookup, patch, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(calls.updateSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)));
    }
    /** `updateSubject`, off the event loop. */
    async updateSubjectAsync(lookup, patch, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(await calls.updateSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)));
    }
    /** Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index entries are deleted, the WAL is truncated, and the audit keeps only the fact. Returns the erasure receipt. */
    forgetSubject(lookup, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(calls.forgetSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
    }
    /** `forgetSubject`, off the event loop. */
    async forgetSubjectAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        return JSON.parse(await calls.forgetSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
    }
    /** Erase many subjects in one transaction, each as a single erasure does, with one WAL truncation for the batch: a receipt, or null where nothing matches (or the subject was already erased), per lookup, in order. Any other error erases nobody. */
    forgetSubjects(lookups, opts) {
        return JSON.parse(calls.forgetSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
    }
    /** `forgetSubjects`, off the event loop. */
    async forgetSubjectsAsync(lookups, opts) {
        return JSON.parse(await calls.forgetSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
    }
    /** Make a token standing in for a value (a card number, an email, any string) and return it. Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length, keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a keyed hash of the token and the value encrypted; errors never contain the value. */
    tokenize(value, options, opts) {
        return calls.tokenize(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** `tokenize`, off the event loop. */
    async tokenizeAsync(value, options, opts) {
        return await calls.tokenizeAsync(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** Tokenize many values with the same options in one transaction: per item a status (created, existing, failed), the token or the error, and a summary. One bad item fails only itself unless all_or_nothing, which makes any failure fail the call and write nothing. */
    tokenizeMany(values, options, opts) {
        return JSON.parse(calls.tokenizeMany(this.#handle, text(values), optionalText(options), opts));
    }
    /** `tokenizeMany`, off the event loop. */
    async tokenizeManyAsync(values, options, opts) {
        return JSON.parse(await calls.tokenizeManyAsync(this.#handle, text(values), optionalText(options), opts));
    }
    /** The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of the token. An expired token is EXPIRED; a token made with once is destroyed by this call; a sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}. */
    detokenize(token, options, opts) {
        return calls.detokenize(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** `detokenize`, off the event loop. */
    async detokenizeAsync(token, options, opts) {
        return await calls.detokenizeAsync(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND, EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call. */
    detokenizeMany(tokens, options, opts) {
        return JSON.parse(calls.detokenizeMany(this.#handle, text(tokens), optionalText(options), opts));
    }
    /** `detokenizeMany`, off the event loop. */
    async detokenizeManyAsync(tokens, options, opts) {
        return JSON.parse(await calls.detokenizeManyAsync(this.#handle, text(tokens), optionalText(options), opts));
    }
    /** Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and the literal values of the values option) with typed placeholders [EMAIL:token], [PHONE:token], [CARD:token], [VALUE:token], for logs and prompts sent to language models. The tokens are vaulted and deterministic in the scope option (text by default). Options: detect (email, phone, card), values, scope, ttl_ms, subject. */
    tokenizeText(text, options, opts) {
        return calls.tokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** `tokenizeText`, off the event loop. */
    async tokenizeTextAsync(text, options, opts) {
        return await calls.tokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** Put the values back in place of the placeholders tokenize_text wrote (masked with the mask option); a placeholder whose token is unknown or expired stays as it is. */
    detokenizeText(text, options, opts) {
        return calls.detokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** `detokenizeText`, off the event loop. */
    async detokenizeTextAsync(text, options, opts) {
        return await calls.detokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
    }
    /** Delete a token: its value can no longer be recovered through it. */
    deleteToken(token, opts) {
        calls.deleteToken(this.#handle, token, actorOf(opts), purposeOf(opts));
    }
    /** `deleteToken`, off the event loop. */
    async deleteTokenAsync(token, opts) {
        await calls.deleteTokenAsync(this.#handle, token, actorOf(opts), purposeOf(opts));
    }
    /** Delete many tokens in one transaction: per item whether it was deleted or the error, and a summary; all_or_nothing makes any failure fail the call and delete nothing. */
    deleteTokens(tokens, opts) {
        return JSON.parse(calls.deleteTokens(this.#handle, text(tokens), opts));
    }
    /** `deleteTokens`, off the event loop. */
    async deleteTokensAsync(tokens, opts) {
        return JSON.parse(await calls.deleteTokensAsync(this.#handle, text(tokens), opts));
    }
    /** What is known about a token without its value: kind, scope, deterministic, once, sliding, created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed hash its audit events carry). */
    tokenInfo(token, opts) {
        return JSON.parse(calls.tokenInfo(this.#handle, token, actorOf(opts), purposeOf(opts)));
    }
    /** `tokenInfo`, off the event loop. */
    async tokenInfoAsync(token, opts) {
        return JSON.parse(await calls.tokenInfoAsync(this.#handle, token, actorOf(opts), purposeOf(opts)));
    }
    /** token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...), and a summary; all_or_nothing makes any failure fail the call. */
    tokenInfos(tokens, opts) {
        return JSON.parse(calls.tokenInfos(this.#handle, text(tokens), opts));
    }
    /** `tokenInfos`, off the event loop. */
    async tokenInfosAsync(tokens, opts) {
        return JSON.parse(await calls.tokenInfosAsync(this.#handle, text(tokens), opts));
    }
    /** Delete every expired token, a thousand per transaction (readers are never blocked). Returns {removed}. */
    purgeTokens(opts) {
        return JSON.parse(calls.purgeTokens(this.#handle, actorOf(opts), purposeOf(opts)));
    }
    /** `purgeTokens`, off the event loop. */
    async purgeTokensAsync(opts) {
        return JSON.parse(await calls.purgeTokensAsync(this.#handle, actorOf(opts), purposeOf(opts)));
    }
    /** List audit events, newest first: the subject's (a token) or, without one, all. A page is {total, items, next}; pass `next` as the cursor for the following page (each event is returned once even while others are appended). With `details`, each event's details (the before/after of a change) are decrypted while the subject exists, and the listing is audited as audit.list_details; otherwise as audit.list. */
    listAuditEvents(subject, opts) {
        return JSON.parse(calls.listAuditEvents(this.#handle, subject, opts));
    }
    /** `listAuditEvents`, off the event loop. */
    async listAuditEventsAsync(subject, opts) {
        return JSON.parse(await calls.listAuditEventsAsync(this.#handle, subject, opts));
    }
    /** The audit chain's head {seq, hash}, after committing buffered events: keep it outside the vault to detect truncation and rollback later. */
    getAuditHead() {
        return JSON.parse(calls.getAuditHead(this.#handle));
    }
    /** `getAuditHead`, off the event loop. */
    async getAuditHeadAsync() {
        return JSON.parse(await calls.getAuditHeadAsync(this.#handle));
    }
    /** Verify the audit chain (every MAC and sequence number) and every stored subject against its last audited change; with an anchor (a head kept earlier) also detect truncation and rollback. Returns {events, subjects, head}. */
    verifyAudit(anchor) {
        return JSON.parse(calls.verifyAudit(this.#handle, optionalText(anchor)));
    }
    /** `verifyAudit`, off the event loop. */
    async verifyAuditAsync(anchor) {
        return JSON.parse(await calls.verifyAuditAsync(this.#handle, optionalText(anchor)));
    }
    /** Commit buffered read events now (they are otherwise group-committed within audit_flush_interval_ms). */
    flushAudit() {
        calls.flushAudit(this.#handle);
    }
    /** `flushAudit`, off the event loop. */
    async flushAuditAsync() {
        await calls.flushAuditAsync(this.#handle);
    }
    /** Rewrite the vault file so nothing of erased subjects survives in free page space (VACUUM, then a WAL truncation). Takes time proportional to the vault's size: run it after erasures. Returns {bytes_before, bytes_after, wal_truncated}. */
    compact(opts) {
        return JSON.parse(calls.compact(this.#handle, actorOf(opts), purposeOf(opts)));
    }
    /** `compact`, off the event loop. */
    async compactAsync(opts) {
        return JSON.parse(await calls.compactAsync(this.#handle, actorOf(opts), purposeOf(opts)));
    }
    /** Replace the master key: the root key is wrapped for the new key in one atomic write. Afterwards only the new key opens the vault; nothing else is re-encrypted. */
    rekey(new_key, opts) {
        calls.rekey(this.#handle, new_key, actorOf(opts), purposeOf(opts));
    }
    /** `rekey`, off the event loop. */
    async rekeyAsync(new_key, opts) {
        await calls.rekeyAsync(this.#handle, new_key, actorOf(opts), purposeOf(opts));
    }
}
exports.Vault = Vault;
