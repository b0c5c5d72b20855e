"use strict";
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
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = exports.BunkerliteError = exports.version = exports.errorCodes = exports.MasterKey = void 0;
const native = loadAddon();
const calls = native.calls;
/**
 * The master key: 32 bytes from your secret store (`fromEnv`, `fromBytes`) or `generate()`. Its
 * constructors throw `BunkerliteError`s (code `KEY_SOURCE` for a key that cannot be read).
 */
exports.MasterKey = {
    /** A new random key from the OS CSPRNG. */
    generate: () => lifted('MasterKey.generate', () => native.MasterKey.generate()),
    /** A key from exactly 32 bytes. */
    fromBytes: (bytes) => lifted('MasterKey.fromBytes', () => native.MasterKey.fromBytes(bytes)),
    /** A key from 64 hex digits. */
    fromHex: (text) => lifted('MasterKey.fromHex', () => native.MasterKey.fromHex(text)),
    /** A key from base64. */
    fromBase64: (text) => lifted('MasterKey.fromBase64', () => native.MasterKey.fromBase64(text)),
    /** A key from an environment variable holding hex or base64. */
    fromEnv: (name) => lifted('MasterKey.fromEnv', () => native.MasterKey.fromEnv(name)),
    /** A key from a file holding 32 raw bytes or hex/base64 text. */
    fromFile: (path) => lifted('MasterKey.fromFile', () => native.MasterKey.fromFile(path)),
    /** `key instanceof MasterKey` holds for every key these make. */
    [Symbol.hasInstance]: (value) => value instanceof native.MasterKey
};
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
const NUMBERS = {
    INVALID_INPUT: 100,
    TOO_LARGE: 101,
    NOT_FOUND: 200,
    DUPLICATE: 201,
    ERASED: 202,
    EXPIRED: 203,
    EXHAUSTED: 204,
    CONSENT_REQUIRED: 205,
    BULK_LOCKED: 206,
    WRONG_KEY: 300,
    INTEGRITY: 301,
    KEY_SOURCE: 302,
    BUSY: 400,
    STORAGE: 401,
    CLOSED: 402,
    UNSUPPORTED: 403,
    INTERNAL: 900,
};
const GROUPS = {
    1: 'input',
    2: 'state',
    3: 'security',
    4: 'operational',
    9: 'defect',
};
/**
 * Every error bunkerlite throws (and every rejection of an async call): `instanceof
 * BunkerliteError`, with the stable `code` (identical in C and Python), its `number`, its
 * `group`, and the `operation` that failed (`getSubject`, …; the method of this class that was
 * called). A code this package does not know (a newer addon) keeps its number and group.
 * Messages never contain personal data.
 */
class BunkerliteError extends Error {
    constructor(code, message, operation) {
        super(message);
        this.name = 'BunkerliteError';
        const number = NUMBERS[code] ?? 0;
        Object.defineProperties(this, {
            code: { value: code, enumerable: true },
            number: { value: number, enumerable: true },
            group: { value: GROUPS[Math.floor(number / 100)], enumerable: true },
            operation: { value: operation, enumerable: true }
        });
    }
}
exports.BunkerliteError = BunkerliteError;
/**
 * An error of the addon as a `BunkerliteError` of `operation`; anything else (an exception a
 * getter of the caller's threw) passes through as it is.
 */
function lift(e, operation) {
    if (e instanceof BunkerliteError || !(e instanceof Error))
        return e;
    const code = e.code;
    if (typeof code !== 'string' || !/^[A-Z_]+$/.test(code))
        return e;
    const lifted = new BunkerliteError(code, e.message, operation);
    lifted.stack = e.stack;
    return lifted;
}
/** Run `f` as `operation`: its errors become `BunkerliteError`s. */
function lifted(operation, f) {
    try {
        return f();
    }
    catch (e) {
        throw lift(e, operation);
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
/**
 * A subject from the addon's compact text for one (`Out::subject` in src/calls.rs): token,
 * created_ms, updated_ms and version, each followed by a comma, then the profile's JSON text.
 * Only the profile goes through JSON.parse: the same object, keys in the same order, as parsing
 * the subject's JSON text, for about two thirds of the parsing.
 */
function subjectOf(compact) {
    const a = compact.indexOf(',');
    const b = compact.indexOf(',', a + 1);
    const c = compact.indexOf(',', b + 1);
    const d = compact.indexOf(',', c + 1);
    return {
        token: compact.slice(0, a),
        profile: JSON.parse(compact.slice(d + 1)),
        created_ms: Number(compact.slice(a + 1, b)),
        updated_ms: Number(compact.slice(b + 1, c)),
        version: Number(compact.slice(c + 1, d))
    };
}
/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
class Vault {
    #inner;
    #handle;
    constructor(inner) {
        this.#inner = inner;
        this.#handle = inner.handle();
    }
    /**
     * Open (or create) the vault at `path` with `key`: a file name, or a PostgreSQL URL
     * (`postgres://user@host/db?schema=name`, see the book's "Scaling out").
     */
    static open(path, key, options) {
        return lifted('open', () => new Vault(native.Vault.open(path, key, optionalText(options))));
    }
    /** `open`, off the event loop. */
    static async openAsync(path, key, options) {
        try {
            return new Vault(await native.Vault.openAsync(path, key, optionalText(options)));
        }
        catch (e) {
            throw lift(e, 'openAsync');
        }
    }
    /** A private in-memory vault, gone when closed. */
    static openInMemory(key, options) {
        return lifted('openInMemory', () => new Vault(native.Vault.openInMemory(key, optionalText(options))));
    }
    /** Close the vault (idempotent): writes buffered read events and checkpoints the WAL. Later calls throw with code `CLOSED`. */
    close() {
        lifted('close', () => this.#inner.close());
    }
    /** `close`, off the event loop. */
    async closeAsync() {
        try {
            await this.#inner.closeAsync();
        }
        catch (e) {
            throw lift(e, 'closeAsync');
        }
    }
    /** Whether the vault is closed. */
    get closed() {
        return this.#inner.closed;
    }
    // <operations: generated by bunkerlite-gen>
    /** Create a subject from a profile (a JSON object) and return its new token. Indexed fields (email, phone, login, configured ones) must be strings and unique. Purpose check: write, on no subject yet: the activity must cover writes. */
    createSubject(profile, opts) {
        try {
            return calls.createSubject(this.#handle, text(profile), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'createSubject');
        }
    }
    /** `createSubject`, off the event loop. */
    async createSubjectAsync(profile, opts) {
        try {
            return await calls.createSubjectAsync(this.#handle, text(profile), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'createSubjectAsync');
        }
    }
    /** Create many subjects in one transaction from a list of profiles: all are created, or none (the error names the failing item's position). Returns their tokens in order. Purpose check: write, on no subject yet: the activity must cover writes. */
    createSubjects(profiles, opts) {
        try {
            return JSON.parse(calls.createSubjects(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createSubjects');
        }
    }
    /** `createSubjects`, off the event loop. */
    async createSubjectsAsync(profiles, opts) {
        try {
            return JSON.parse(await calls.createSubjectsAsync(this.#handle, text(profiles), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createSubjectsAsync');
        }
    }
    /** Read a subject found by a lookup (token, email, phone, login or a configured field). A subject found through an index is returned only if its profile really holds the value. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getSubject(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return subjectOf(calls.getSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSubject');
        }
    }
    /** `getSubject`, off the event loop. */
    async getSubjectAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return subjectOf(await calls.getSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSubjectAsync');
        }
    }
    /** Read many subjects: a subject, or null where nothing matches (or the subject was erased), per lookup, in order. Each lookup is audited. Purpose check: read, on each subject found (a refused one is a null item). A vault with require_purpose needs a purpose. */
    getSubjects(lookups, opts) {
        try {
            return JSON.parse(calls.getSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSubjects');
        }
    }
    /** `getSubjects`, off the event loop. */
    async getSubjectsAsync(lookups, opts) {
        try {
            return JSON.parse(await calls.getSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSubjectsAsync');
        }
    }
    /** Change a subject's profile: an object is a merge patch (RFC 7396; null removes a key), an array a JSON Patch (RFC 6902). Returns the subject as stored afterwards; the audit event keeps the before and after, encrypted under the subject's key. Purpose check: write, on the subject found; the profile is returned only when `read` is allowed too. */
    updateSubject(lookup, patch, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.updateSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'updateSubject');
        }
    }
    /** `updateSubject`, off the event loop. */
    async updateSubjectAsync(lookup, patch, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.updateSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], text(patch), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'updateSubjectAsync');
        }
    }
    /** Erase a subject (right to be forgotten) by crypto-shredding: its data key, profile and index entries are deleted (secure_delete on), what the storage keeps of them beside the live rows is scrubbed (the WAL truncated), and the audit chain keeps only the fact (older events' details become unreadable; the chain still verifies). Later lookups by token are ERASED. Returns the erasure receipt. Purpose check: delete, on the subject found. */
    forgetSubject(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.forgetSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'forgetSubject');
        }
    }
    /** `forgetSubject`, off the event loop. */
    async forgetSubjectAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.forgetSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'forgetSubjectAsync');
        }
    }
    /** Erase many subjects in one transaction, each as a single erasure does, with one WAL truncation for the batch: a receipt, or null where nothing matches (or the subject was already erased), per lookup, in order. Any other error erases nobody. Purpose check: delete, on each subject found (a refused one is a null item). */
    forgetSubjects(lookups, opts) {
        try {
            return JSON.parse(calls.forgetSubjects(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'forgetSubjects');
        }
    }
    /** `forgetSubjects`, off the event loop. */
    async forgetSubjectsAsync(lookups, opts) {
        try {
            return JSON.parse(await calls.forgetSubjectsAsync(this.#handle, text(lookups), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'forgetSubjectsAsync');
        }
    }
    /** Export everything held about a subject (the rights of access and portability) as one document, `schemas/export.schema.json`: the subject, its tokens' metadata, its consent record as a verifiable receipt, its app documents, its sessions (by reference), its shares (never their ids) and its whole audit trail with details, read in one snapshot. Audited as subject.export. For a long audit trail prefer `export_subject_to_file`, which streams to disk instead of building the document in memory. Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportSubject(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.exportSubject(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportSubject');
        }
    }
    /** `exportSubject`, off the event loop. */
    async exportSubjectAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.exportSubjectAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportSubjectAsync');
        }
    }
    /** Export a subject as `export_subject` does, streamed into a new file at `path` as it is read (memory stays flat however long the audit trail): the file is created with owner-only permissions under a temporary name in the same folder, synced, then given its name in one step, so it appears whole or not at all. An existing file is never replaced (`INVALID_INPUT`). Returns what was written (no personal data). Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportSubjectToFile(lookup, path, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.exportSubjectToFile(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], path, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportSubjectToFile');
        }
    }
    /** `exportSubjectToFile`, off the event loop. */
    async exportSubjectToFileAsync(lookup, path, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.exportSubjectToFileAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], path, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportSubjectToFileAsync');
        }
    }
    /** Every stored subject, a page at a time in creation order (at most 100 per page; pass `next` as the cursor), each checked as a read (a refused one is left out) and audited as subject.list. Refused with `BULK_LOCKED` unless `unlock_bulk` unlocked it for the caller's actor and purpose, and until that unlock expires or its number of subjects is used up. Purpose check: read, on the activity's coverage, then each subject listed (a refused one is left out); needs a bulk unlock. A vault with require_purpose needs a purpose. */
    listSubjects(opts) {
        try {
            return JSON.parse(calls.listSubjects(this.#handle, opts));
        }
        catch (e) {
            throw lift(e, 'listSubjects');
        }
    }
    /** `listSubjects`, off the event loop. */
    async listSubjectsAsync(opts) {
        try {
            return JSON.parse(await calls.listSubjectsAsync(this.#handle, opts));
        }
        catch (e) {
            throw lift(e, 'listSubjectsAsync');
        }
    }
    /** Unlock `list_subjects` for the caller's actor and purpose (a purpose is required, and its activity must cover reads): for `ttl_ms` (default 10 minutes, at most 1 hour) and `max_subjects` in all (default 10,000, at most 1,000,000). Audited as bulk.unlock before it returns. The unlock lives in this open vault (each process unlocks for itself); a new one replaces the caller's previous one. Purpose check: read, on the activity's coverage (an unlock reads nobody's data; each listed subject is checked then). A vault with require_purpose needs a purpose. */
    unlockBulk(options, opts) {
        try {
            return JSON.parse(calls.unlockBulk(this.#handle, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'unlockBulk');
        }
    }
    /** `unlockBulk`, off the event loop. */
    async unlockBulkAsync(options, opts) {
        try {
            return JSON.parse(await calls.unlockBulkAsync(this.#handle, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'unlockBulkAsync');
        }
    }
    /** End the caller's bulk unlock now (nothing when it has none). Audited as bulk.lock. No purpose check: ends an unlock; reads nothing. */
    lockBulk(opts) {
        try {
            calls.lockBulk(this.#handle, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'lockBulk');
        }
    }
    /** `lockBulk`, off the event loop. */
    async lockBulkAsync(opts) {
        try {
            await calls.lockBulkAsync(this.#handle, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'lockBulkAsync');
        }
    }
    /** Make a token standing in for a value (a card number, an email, any string) and return it. Options: kind (uuid, alphanumeric, numeric, card, email, transient, fpe), length, keep_first, keep_last, luhn_valid, keep_domain, deterministic with a scope, ttl_ms or expires_at_ms, sliding, once, subject (the token is erased with that subject), renew, and for fpe (FF1 format-preserving encryption, nothing stored) an alphabet. The vault keeps a keyed hash of the token and the value encrypted; errors never contain the value. Purpose check: write, on the linked subject (or none); an FF1 token is checked as `detokenize`: it is the value encrypted, so making tokens of chosen values tests guesses against one held. */
    tokenize(value, options, opts) {
        try {
            return calls.tokenize(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'tokenize');
        }
    }
    /** `tokenize`, off the event loop. */
    async tokenizeAsync(value, options, opts) {
        try {
            return await calls.tokenizeAsync(this.#handle, value, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'tokenizeAsync');
        }
    }
    /** Tokenize many values with the same options in one transaction: per item a status (created, existing, failed), the token or the error, and a summary. One bad item fails only itself unless all_or_nothing, which makes any failure fail the call and write nothing. Purpose check: write, on the linked subject (or none); FF1 tokens as `detokenize` (see tokenize). */
    tokenizeMany(values, options, opts) {
        try {
            return JSON.parse(calls.tokenizeMany(this.#handle, text(values), optionalText(options), opts));
        }
        catch (e) {
            throw lift(e, 'tokenizeMany');
        }
    }
    /** `tokenizeMany`, off the event loop. */
    async tokenizeManyAsync(values, options, opts) {
        try {
            return JSON.parse(await calls.tokenizeManyAsync(this.#handle, text(values), optionalText(options), opts));
        }
        catch (e) {
            throw lift(e, 'tokenizeManyAsync');
        }
    }
    /** The value a token stands for, or with the mask option ({keep_first, keep_last, char}) the value masked (e.g. ************1111). Audited with the caller's purpose and a keyed hash of the token. An expired token is EXPIRED; a token made with once is deleted by this call (and is then NOT_FOUND); a sliding expiry moves. FF1 tokens are decrypted with options {kind: fpe, alphabet, scope}. Purpose check: detokenize, on the token's linked subject (or none). A vault with require_purpose needs a purpose. */
    detokenize(token, options, opts) {
        try {
            return calls.detokenize(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'detokenize');
        }
    }
    /** `detokenize`, off the event loop. */
    async detokenizeAsync(token, options, opts) {
        try {
            return await calls.detokenizeAsync(this.#handle, token, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'detokenizeAsync');
        }
    }
    /** Detokenize many tokens in one transaction: per item the value or the error (NOT_FOUND, EXPIRED, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: detokenize, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
    detokenizeMany(tokens, options, opts) {
        try {
            return JSON.parse(calls.detokenizeMany(this.#handle, text(tokens), optionalText(options), opts));
        }
        catch (e) {
            throw lift(e, 'detokenizeMany');
        }
    }
    /** `detokenizeMany`, off the event loop. */
    async detokenizeManyAsync(tokens, options, opts) {
        try {
            return JSON.parse(await calls.detokenizeManyAsync(this.#handle, text(tokens), optionalText(options), opts));
        }
        catch (e) {
            throw lift(e, 'detokenizeManyAsync');
        }
    }
    /** Replace the personal data in free text (emails, phone numbers, Luhn-checked card numbers, and the literal values of the values option) with typed placeholders `[EMAIL:token]`, `[PHONE:token]`, `[CARD:token]`, `[VALUE:token]`, for logs and prompts sent to language models. The tokens are vaulted and deterministic in the scope option (text by default). Options: detect (email, phone, card), values (each at least 2 characters), scope, ttl_ms, subject. Dates, times, timestamps, IP addresses, ids and versions are never taken for numbers; a national phone number needs the default region's grouping or a context word (tel, call, ...). At most max_batch items per call (TOO_LARGE beyond). Purpose check: write, on the linked subject (or none). */
    tokenizeText(text, options, opts) {
        try {
            return calls.tokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'tokenizeText');
        }
    }
    /** `tokenizeText`, off the event loop. */
    async tokenizeTextAsync(text, options, opts) {
        try {
            return await calls.tokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'tokenizeTextAsync');
        }
    }
    /** Put the values back in place of the placeholders tokenize_text wrote (masked with the mask option), reading only tokens made by tokenize_text in the scope option (text by default) for the placeholder's tag; any other placeholder (unknown, expired, another scope or tag, or one the purpose may not read) stays as it is. At most max_batch placeholders per call. Purpose check: detokenize, on each placeholder's linked subject (a refused one stays a placeholder). A vault with require_purpose needs a purpose. */
    detokenizeText(text, options, opts) {
        try {
            return calls.detokenizeText(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'detokenizeText');
        }
    }
    /** `detokenizeText`, off the event loop. */
    async detokenizeTextAsync(text, options, opts) {
        try {
            return await calls.detokenizeTextAsync(this.#handle, text, optionalText(options), actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'detokenizeTextAsync');
        }
    }
    /** Delete a token: its value can no longer be recovered through it. Purpose check: delete, on the token's linked subject (or none). */
    deleteToken(token, opts) {
        try {
            calls.deleteToken(this.#handle, token, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteToken');
        }
    }
    /** `deleteToken`, off the event loop. */
    async deleteTokenAsync(token, opts) {
        try {
            await calls.deleteTokenAsync(this.#handle, token, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteTokenAsync');
        }
    }
    /** Delete many tokens in one transaction: per item whether it was deleted or the error, and a summary; all_or_nothing makes any failure fail the call and delete nothing. Purpose check: delete, on each token's linked subject (a refused one is an item error). */
    deleteTokens(tokens, opts) {
        try {
            return JSON.parse(calls.deleteTokens(this.#handle, text(tokens), opts));
        }
        catch (e) {
            throw lift(e, 'deleteTokens');
        }
    }
    /** `deleteTokens`, off the event loop. */
    async deleteTokensAsync(tokens, opts) {
        try {
            return JSON.parse(await calls.deleteTokensAsync(this.#handle, text(tokens), opts));
        }
        catch (e) {
            throw lift(e, 'deleteTokensAsync');
        }
    }
    /** What is known about a token without its value: kind, scope, deterministic, once, sliding, created_ms, expires_ms, ttl_ms, expired, the linked subject, and the reference (the keyed hash its audit events carry). Purpose check: read, on the token's linked subject (or none): the info names it. A vault with require_purpose needs a purpose. */
    tokenInfo(token, opts) {
        try {
            return JSON.parse(calls.tokenInfo(this.#handle, token, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'tokenInfo');
        }
    }
    /** `tokenInfo`, off the event loop. */
    async tokenInfoAsync(token, opts) {
        try {
            return JSON.parse(await calls.tokenInfoAsync(this.#handle, token, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'tokenInfoAsync');
        }
    }
    /** token_info of many tokens on one snapshot: per item the info or the error (NOT_FOUND, ...), and a summary; all_or_nothing makes any failure fail the call. Purpose check: read, on each token's linked subject (a refused one is an item error). A vault with require_purpose needs a purpose. */
    tokenInfos(tokens, opts) {
        try {
            return JSON.parse(calls.tokenInfos(this.#handle, text(tokens), opts));
        }
        catch (e) {
            throw lift(e, 'tokenInfos');
        }
    }
    /** `tokenInfos`, off the event loop. */
    async tokenInfosAsync(tokens, opts) {
        try {
            return JSON.parse(await calls.tokenInfosAsync(this.#handle, text(tokens), opts));
        }
        catch (e) {
            throw lift(e, 'tokenInfosAsync');
        }
    }
    /** Delete every expired token, a thousand per transaction (readers are never blocked). Returns {removed}. No purpose check: removes only what the tokens' own expiry ended; reads and returns no value. */
    purgeTokens(opts) {
        try {
            return JSON.parse(calls.purgeTokens(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeTokens');
        }
    }
    /** `purgeTokens`, off the event loop. */
    async purgeTokensAsync(opts) {
        try {
            return JSON.parse(await calls.purgeTokensAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeTokensAsync');
        }
    }
    /** Create or change a legal basis (brief: `^[a-z][a-z0-9-]{1,64}$`) from a definition: type (consent, contract, legal-obligation, vital-interest, public-task, legitimate-interest; required for a new basis), module, short_description, full_description, required, required_message, user_control, status (active, disabled). Absent fields keep their values; a change of the texts people are shown makes a new notice version (every version is kept). No purpose check: the catalogue holds no personal data. */
    setLegalBasis(brief, definition, opts) {
        try {
            return JSON.parse(calls.setLegalBasis(this.#handle, brief, text(definition), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setLegalBasis');
        }
    }
    /** `setLegalBasis`, off the event loop. */
    async setLegalBasisAsync(brief, definition, opts) {
        try {
            return JSON.parse(await calls.setLegalBasisAsync(this.#handle, brief, text(definition), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setLegalBasisAsync');
        }
    }
    /** A legal basis with every notice version (notices, oldest first). The catalogue holds no personal data: not audited. No purpose check: the catalogue holds no personal data (not audited). */
    getLegalBasis(brief) {
        try {
            return JSON.parse(calls.getLegalBasis(this.#handle, brief));
        }
        catch (e) {
            throw lift(e, 'getLegalBasis');
        }
    }
    /** `getLegalBasis`, off the event loop. */
    async getLegalBasisAsync(brief) {
        try {
            return JSON.parse(await calls.getLegalBasisAsync(this.#handle, brief));
        }
        catch (e) {
            throw lift(e, 'getLegalBasisAsync');
        }
    }
    /** Every legal basis (deleted ones too), by brief, each with its current notice. No purpose check: the catalogue holds no personal data (not audited). */
    listLegalBases() {
        try {
            return JSON.parse(calls.listLegalBases(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listLegalBases');
        }
    }
    /** `listLegalBases`, off the event loop. */
    async listLegalBasesAsync() {
        try {
            return JSON.parse(await calls.listLegalBasesAsync(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listLegalBasesAsync');
        }
    }
    /** Delete a legal basis: it is marked deleted (its notices are kept) and every agreement under it is revoked, at once for every purpose check and then in the history and the outbox a thousand subjects per transaction (an interrupted call is completed by calling again). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
    deleteLegalBasis(brief, opts) {
        try {
            return JSON.parse(calls.deleteLegalBasis(this.#handle, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'deleteLegalBasis');
        }
    }
    /** `deleteLegalBasis`, off the event loop. */
    async deleteLegalBasisAsync(brief, opts) {
        try {
            return JSON.parse(await calls.deleteLegalBasisAsync(this.#handle, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'deleteLegalBasisAsync');
        }
    }
    /** Revoke every agreement under a legal basis, as delete_legal_basis does, keeping the basis (new agreements may be given). Returns {changed}. No purpose check: a catalogue change; the agreements it revokes only end processing. */
    revokeLegalBasis(brief, opts) {
        try {
            return JSON.parse(calls.revokeLegalBasis(this.#handle, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeLegalBasis');
        }
    }
    /** `revokeLegalBasis`, off the event loop. */
    async revokeLegalBasisAsync(brief, opts) {
        try {
            return JSON.parse(await calls.revokeLegalBasisAsync(this.#handle, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeLegalBasisAsync');
        }
    }
    /** Create or change a processing activity: its name is the purpose callers pass; the definition has title, description, operations (read, write, delete, export, detokenize; required for a new activity) and legal_bases (briefs; replaces the links when given). Once a vault has an activity, every purpose a caller names must be one. No purpose check: the catalogue holds no personal data. */
    setActivity(activity, definition, opts) {
        try {
            return JSON.parse(calls.setActivity(this.#handle, activity, text(definition), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setActivity');
        }
    }
    /** `setActivity`, off the event loop. */
    async setActivityAsync(activity, definition, opts) {
        try {
            return JSON.parse(await calls.setActivityAsync(this.#handle, activity, text(definition), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setActivityAsync');
        }
    }
    /** Let a processing activity rely on a legal basis. No purpose check: the catalogue holds no personal data. */
    linkActivity(activity, brief, opts) {
        try {
            return JSON.parse(calls.linkActivity(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'linkActivity');
        }
    }
    /** `linkActivity`, off the event loop. */
    async linkActivityAsync(activity, brief, opts) {
        try {
            return JSON.parse(await calls.linkActivityAsync(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'linkActivityAsync');
        }
    }
    /** Stop a processing activity relying on a legal basis. No purpose check: the catalogue holds no personal data. */
    unlinkActivity(activity, brief, opts) {
        try {
            return JSON.parse(calls.unlinkActivity(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'unlinkActivity');
        }
    }
    /** `unlinkActivity`, off the event loop. */
    async unlinkActivityAsync(activity, brief, opts) {
        try {
            return JSON.parse(await calls.unlinkActivityAsync(this.#handle, activity, brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'unlinkActivityAsync');
        }
    }
    /** Delete a processing activity: its name is then an unknown purpose. No purpose check: the catalogue holds no personal data. */
    deleteActivity(activity, opts) {
        try {
            calls.deleteActivity(this.#handle, activity, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteActivity');
        }
    }
    /** `deleteActivity`, off the event loop. */
    async deleteActivityAsync(activity, opts) {
        try {
            await calls.deleteActivityAsync(this.#handle, activity, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteActivityAsync');
        }
    }
    /** Every processing activity, by name, with the operations it covers and the legal bases it relies on. No purpose check: the catalogue holds no personal data (not audited). */
    listActivities() {
        try {
            return JSON.parse(calls.listActivities(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listActivities');
        }
    }
    /** `listActivities`, off the event loop. */
    async listActivitiesAsync() {
        try {
            return JSON.parse(await calls.listActivitiesAsync(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listActivitiesAsync');
        }
    }
    /** Record that a subject gave (or with status refused, refused) consent under a legal basis. Options: status, start_ms, expires_ms or ttl_ms, method, channel, language, reference (stored encrypted), notice_version (default: the current one). Appended to the subject's consent record with an outbox event in one transaction; the basis must be active. Returns the agreement. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
    giveConsent(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.giveConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'giveConsent');
        }
    }
    /** `giveConsent`, off the event loop. */
    async giveConsentAsync(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.giveConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'giveConsentAsync');
        }
    }
    /** Record that a subject withdrew consent under a legal basis (options: method, channel, language, reference). An agreement not in force is returned unchanged; none at all is NOT_FOUND. No purpose check: a decision is the subject's own act: recording it never needs the consent it records. */
    withdrawConsent(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.withdrawConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'withdrawConsent');
        }
    }
    /** `withdrawConsent`, off the event loop. */
    async withdrawConsentAsync(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.withdrawConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'withdrawConsentAsync');
        }
    }
    /** Record that an operator revoked a subject's consent under a legal basis, as withdraw_consent records a withdrawal. No purpose check: ending an agreement only ends processing. */
    revokeConsent(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.revokeConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeConsent');
        }
    }
    /** `revokeConsent`, off the event loop. */
    async revokeConsentAsync(lookup, brief, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.revokeConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeConsentAsync');
        }
    }
    /** A subject's current decision about a legal basis: status (given, refused, withdrawn, revoked, expired), in_force, times, the notice version and hash, method, channel, language, reference, actor. NOT_FOUND when it never decided. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getConsent(lookup, brief, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.getConsent(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getConsent');
        }
    }
    /** `getConsent`, off the event loop. */
    async getConsentAsync(lookup, brief, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.getConsentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], brief, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getConsentAsync');
        }
    }
    /** A subject's current decisions, one per legal basis it decided about, by brief. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listConsents(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.listConsents(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listConsents');
        }
    }
    /** `listConsents`, off the event loop. */
    async listConsentsAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.listConsentsAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listConsentsAsync');
        }
    }
    /** A subject's whole consent record as a receipt: Kantara Consent Receipt v1.1 fields, the ISO/IEC TS 27560 record (every decision with the notice version and text hash, when, how, by whom) under record, and a mac (HMAC-SHA256 under the vault's consent key) over its canonical JSON. Purpose check: export, on the subject found. A vault with require_purpose needs a purpose. */
    exportConsentReceipt(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.exportConsentReceipt(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportConsentReceipt');
        }
    }
    /** `exportConsentReceipt`, off the event loop. */
    async exportConsentReceiptAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.exportConsentReceiptAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportConsentReceiptAsync');
        }
    }
    /** Verify a receipt this vault issued: INTEGRITY when anything in it changed or another vault issued it. Returns {valid, subject, events, issued_ms}. No purpose check: checks a document the caller already holds; reads nothing stored about anyone (not audited). */
    verifyConsentReceipt(receipt) {
        try {
            return JSON.parse(calls.verifyConsentReceipt(this.#handle, text(receipt)));
        }
        catch (e) {
            throw lift(e, 'verifyConsentReceipt');
        }
    }
    /** `verifyConsentReceipt`, off the event loop. */
    async verifyConsentReceiptAsync(receipt) {
        try {
            return JSON.parse(await calls.verifyConsentReceiptAsync(this.#handle, text(receipt)));
        }
        catch (e) {
            throw lift(e, 'verifyConsentReceiptAsync');
        }
    }
    /** Whether a purpose allows an operation (read by default; write, delete, export, detokenize) on a subject, answered as the purpose check answers it, without reading the subject's data: {allowed, legal_basis, reason}. An unknown purpose is INVALID_INPUT. No purpose check: it is the check itself, answered for the purpose it names (audited as consent.check). */
    canProcess(lookup, purpose, operation) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.canProcess(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], purpose, operation));
        }
        catch (e) {
            throw lift(e, 'canProcess');
        }
    }
    /** `canProcess`, off the event loop. */
    async canProcessAsync(lookup, purpose, operation) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.canProcessAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], purpose, operation));
        }
        catch (e) {
            throw lift(e, 'canProcessAsync');
        }
    }
    /** Consent events (given, refused, withdrawn, revoked, expired, erased), oldest first, after what the consumer (default when absent) acknowledged, or after the cursor. An event is delivered until acknowledged: at least once, in order. A page is {total, items, next}. Purpose check: read, on no one subject: the activity must cover reads. A vault with require_purpose needs a purpose. */
    listConsentEvents(consumer, opts) {
        try {
            return JSON.parse(calls.listConsentEvents(this.#handle, consumer, opts));
        }
        catch (e) {
            throw lift(e, 'listConsentEvents');
        }
    }
    /** `listConsentEvents`, off the event loop. */
    async listConsentEventsAsync(consumer, opts) {
        try {
            return JSON.parse(await calls.listConsentEventsAsync(this.#handle, consumer, opts));
        }
        catch (e) {
            throw lift(e, 'listConsentEventsAsync');
        }
    }
    /** Acknowledge the consent events up to and including the one whose cursor is given: they are not delivered to this consumer again (events every consumer acknowledged are deleted). No purpose check: moves a consumer's mark; reads nothing. */
    ackConsentEvents(cursor, consumer, opts) {
        try {
            calls.ackConsentEvents(this.#handle, cursor, consumer, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'ackConsentEvents');
        }
    }
    /** `ackConsentEvents`, off the event loop. */
    async ackConsentEventsAsync(cursor, consumer, opts) {
        try {
            await calls.ackConsentEventsAsync(this.#handle, cursor, consumer, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'ackConsentEventsAsync');
        }
    }
    /** Restrict the processing of a subject (GDPR Art. 18): from now on its data is stored, exported to it (`export_subject`) and erased, but read or detokenized for no purpose — named or not; such calls get `CONSENT_REQUIRED` — until `lift_restriction`. Returns {subject, restricted, since_ms, changed}. No purpose check: limits processing; reads nothing. */
    restrictProcessing(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.restrictProcessing(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'restrictProcessing');
        }
    }
    /** `restrictProcessing`, off the event loop. */
    async restrictProcessingAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.restrictProcessingAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'restrictProcessingAsync');
        }
    }
    /** Lift a subject's restriction of processing (`changed: false` when there was none). No purpose check: ends a limit the subject or an operator set; reads nothing. */
    liftRestriction(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.liftRestriction(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'liftRestriction');
        }
    }
    /** `liftRestriction`, off the event loop. */
    async liftRestrictionAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.liftRestrictionAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'liftRestrictionAsync');
        }
    }
    /** Record every agreement whose expiry passed as expired (with its outbox event), a thousand per transaction. Returns {changed}. No purpose check: records the expiries that agreements' own terms set; returns only a count. */
    purgeConsents(opts) {
        try {
            return JSON.parse(calls.purgeConsents(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeConsents');
        }
    }
    /** `purgeConsents`, off the event loop. */
    async purgeConsentsAsync(opts) {
        try {
            return JSON.parse(await calls.purgeConsentsAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeConsentsAsync');
        }
    }
    /** Store a JSON object as the subject's document of an app (`shipping`, `billing`…; names match `^[a-z][a-z0-9_]{1,30}$`): created at version 1, or replacing the stored one as its next version. Sealed under the subject's key, under the limits profiles have, erased with the subject. Returns the document as stored (`document` null when the purpose may write but not read); the audit event keeps the app's name and, as for a profile change, what `audit_details` says of the change. Purpose check: write, on the subject found; the document is returned only when `read` is allowed too. */
    putAppDocument(lookup, app, document, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.putAppDocument(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, text(document), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'putAppDocument');
        }
    }
    /** `putAppDocument`, off the event loop. */
    async putAppDocumentAsync(lookup, app, document, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.putAppDocumentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, text(document), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'putAppDocumentAsync');
        }
    }
    /** Read the subject's document of an app (`NOT_FOUND` when it has none). Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    getAppDocument(lookup, app, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.getAppDocument(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getAppDocument');
        }
    }
    /** `getAppDocument`, off the event loop. */
    async getAppDocumentAsync(lookup, app, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.getAppDocumentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getAppDocumentAsync');
        }
    }
    /** Change the subject's document of an app: an object is a merge patch (RFC 7396), an array a JSON Patch (RFC 6902). `NOT_FOUND` when it has none. Returns the document as stored afterwards (`document` null when the purpose may write but not read). Purpose check: write, on the subject found; the document is returned only when `read` is allowed too. */
    updateAppDocument(lookup, app, patch, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.updateAppDocument(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, text(patch), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'updateAppDocument');
        }
    }
    /** `updateAppDocument`, off the event loop. */
    async updateAppDocumentAsync(lookup, app, patch, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.updateAppDocumentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, text(patch), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'updateAppDocumentAsync');
        }
    }
    /** Delete the subject's document of an app (`NOT_FOUND` when it has none). Purpose check: delete, on the subject found. */
    deleteAppDocument(lookup, app, opts) {
        const mode = lookupMode(lookup);
        try {
            calls.deleteAppDocument(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteAppDocument');
        }
    }
    /** `deleteAppDocument`, off the event loop. */
    async deleteAppDocumentAsync(lookup, app, opts) {
        const mode = lookupMode(lookup);
        try {
            await calls.deleteAppDocumentAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], app, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteAppDocumentAsync');
        }
    }
    /** The names of the apps the subject has a document of, sorted (each document authenticated on the way: one moved or renamed in the database is `INTEGRITY`). Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listApps(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.listApps(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listApps');
        }
    }
    /** `listApps`, off the event loop. */
    async listAppsAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.listAppsAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listAppsAsync');
        }
    }
    /** The names of the apps any subject has a document of, sorted. Names only, read without opening any document (a read or a subject's listing is what authenticates a document). No purpose check: app names hold no personal data (not audited). */
    listAppNames() {
        try {
            return JSON.parse(calls.listAppNames(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listAppNames');
        }
    }
    /** `listAppNames`, off the event loop. */
    async listAppNamesAsync() {
        try {
            return JSON.parse(await calls.listAppNamesAsync(this.#handle));
        }
        catch (e) {
            throw lift(e, 'listAppNamesAsync');
        }
    }
    /** Store a session: a JSON object under a session id — `options.id` (16 to 256 visible ASCII characters; generated, 256 random bits, when absent) — with an expiry (`ttl_ms` or `expires_at_ms`; 24 hours by default, at most 400 days), optionally linked to a subject (`options.subject`, a token: its data is then sealed under the subject's key and erased with it). An existing id gets the new data and expiry as its next version; a session linked to one subject is never taken over through another (`DUPLICATE`), and a set that names no subject keeps the link it has. Only a keyed hash of the id is stored. Returns the session's metadata with its id. Purpose check: write, on the linked subject (or none). */
    setSession(data, options, opts) {
        try {
            return JSON.parse(calls.setSession(this.#handle, text(data), optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setSession');
        }
    }
    /** `setSession`, off the event loop. */
    async setSessionAsync(data, options, opts) {
        try {
            return JSON.parse(await calls.setSessionAsync(this.#handle, text(data), optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'setSessionAsync');
        }
    }
    /** Read a session by its id: `NOT_FOUND` when there is none, `EXPIRED` from its expiry on (until `purge_sessions` removes it). Purpose check: read, on the linked subject (or none). A vault with require_purpose needs a purpose. */
    getSession(id, opts) {
        try {
            return JSON.parse(calls.getSession(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSession');
        }
    }
    /** `getSession`, off the event loop. */
    async getSessionAsync(id, opts) {
        try {
            return JSON.parse(await calls.getSessionAsync(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getSessionAsync');
        }
    }
    /** Move a live session's expiry ahead (`ttl_ms` or `expires_at_ms`; 24 hours from now by default), its data unchanged: what a session store does on each request. Purpose check: write, on the linked subject (or none). */
    touchSession(id, options, opts) {
        try {
            return JSON.parse(calls.touchSession(this.#handle, id, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'touchSession');
        }
    }
    /** `touchSession`, off the event loop. */
    async touchSessionAsync(id, options, opts) {
        try {
            return JSON.parse(await calls.touchSessionAsync(this.#handle, id, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'touchSessionAsync');
        }
    }
    /** Delete a session, expired or not (`NOT_FOUND` when there is none). Purpose check: delete, on the linked subject (or none). */
    deleteSession(id, opts) {
        try {
            calls.deleteSession(this.#handle, id, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteSession');
        }
    }
    /** `deleteSession`, off the event loop. */
    async deleteSessionAsync(id, opts) {
        try {
            await calls.deleteSessionAsync(this.#handle, id, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'deleteSessionAsync');
        }
    }
    /** A page of the subject's sessions, live and expired: each by a reference (the keyed hash of its id, as the audit log names it — never the id) with its times. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listSessions(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.listSessions(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], opts));
        }
        catch (e) {
            throw lift(e, 'listSessions');
        }
    }
    /** `listSessions`, off the event loop. */
    async listSessionsAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.listSessionsAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], opts));
        }
        catch (e) {
            throw lift(e, 'listSessionsAsync');
        }
    }
    /** Delete every expired session, at most 1,000 per transaction (readers and writers wait for one batch at most). Returns how many went and in how many batches. No purpose check: removes what expired by its own terms; returns only counts. */
    purgeSessions(opts) {
        try {
            return JSON.parse(calls.purgeSessions(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeSessions');
        }
    }
    /** `purgeSessions`, off the event loop. */
    async purgeSessionsAsync(opts) {
        try {
            return JSON.parse(await calls.purgeSessionsAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeSessionsAsync');
        }
    }
    /** Share part of a subject's data: `spec.of` is `profile`, `app` (with `spec.app`) or `session` (with `spec.session`, the id of one of the subject's sessions), limited to `spec.fields` (dotted paths) — every field only with `spec.all_fields: true` — for `ttl_ms`/`expires_at_ms` (default 24 hours, at most the vault's `share_max_ttl_ms`), optionally for one `partner` and at most `max_reads` resolutions. Returns the share with its id: a bearer secret of 256 random bits, shown once (only its keyed hash is kept). Purpose check: export, on the subject found: a share discloses its data to a third party. A vault with require_purpose needs a purpose. */
    createShare(lookup, spec, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.createShare(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(spec), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createShare');
        }
    }
    /** `createShare`, off the event loop. */
    async createShareAsync(lookup, spec, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.createShareAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(spec), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createShareAsync');
        }
    }
    /** Resolve a share by its id: exactly the shared fields of the record as it is now (a field the record lacks is left out). A share bound to a partner needs that partner's name; otherwise, and for an unknown or revoked share, `NOT_FOUND`; `EXPIRED` from its expiry on; the last allowed resolution deletes it. Audited against the subject. No purpose check: the share is the authorisation (its creation was checked as `export`). */
    resolveShare(id, partner, opts) {
        try {
            return JSON.parse(calls.resolveShare(this.#handle, id, partner, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'resolveShare');
        }
    }
    /** `resolveShare`, off the event loop. */
    async resolveShareAsync(id, partner, opts) {
        try {
            return JSON.parse(await calls.resolveShareAsync(this.#handle, id, partner, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'resolveShareAsync');
        }
    }
    /** Revoke a share (`NOT_FOUND` when there is none): later resolutions are `NOT_FOUND`. No purpose check: ends a disclosure; reads nothing. */
    revokeShare(id, opts) {
        try {
            calls.revokeShare(this.#handle, id, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'revokeShare');
        }
    }
    /** `revokeShare`, off the event loop. */
    async revokeShareAsync(id, opts) {
        try {
            await calls.revokeShareAsync(this.#handle, id, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'revokeShareAsync');
        }
    }
    /** The subject's shares, live and expired, each by its reference (never its id) with what it shares, with whom, until when and how often it was resolved. Purpose check: read, on the subject found. A vault with require_purpose needs a purpose. */
    listShares(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.listShares(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listShares');
        }
    }
    /** `listShares`, off the event loop. */
    async listSharesAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.listSharesAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'listSharesAsync');
        }
    }
    /** Delete every expired share, at most 1,000 per transaction (readers and writers wait for one batch at most). Returns how many went and in how many batches. No purpose check: removes what expired by its own terms; returns only counts. */
    purgeShares(opts) {
        try {
            return JSON.parse(calls.purgeShares(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeShares');
        }
    }
    /** `purgeShares`, off the event loop. */
    async purgeSharesAsync(opts) {
        try {
            return JSON.parse(await calls.purgeSharesAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeSharesAsync');
        }
    }
    /** Record a data-subject request of the subject `lookup` names: `spec.kind` (access, rectify, change_app_data, erase, restrict, object, port, withdraw_consent, opt_out, opt_in), `spec.regime` (gdpr by default, ccpa, voluntary), `spec.verified` (the subject proved who they are), `spec.patch` (rectify, change_app_data), `spec.app`, `spec.legal_basis`, `spec.note`, `spec.received_ms`. Its due date follows the regime (GDPR: one calendar month; CCPA and voluntary: 45 days, with an acknowledgement due in ten business days; opt-outs and opt-ins: 15 business days). When one of the same kind is open or in progress, this one's proposal is added to it and that request is returned with `existing: true` — both proposals stay visible. No purpose check: a subject exercising a right: the request is not processing of its data. */
    createRequest(lookup, spec, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.createRequest(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(spec), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createRequest');
        }
    }
    /** `createRequest`, off the event loop. */
    async createRequestAsync(lookup, spec, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.createRequestAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(spec), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'createRequestAsync');
        }
    }
    /** A request by its id, with its proposals (each kept, oldest first) and the reasons given. No purpose check: handling the subject's own request: what it sent to exercise a right. */
    getRequest(id, opts) {
        try {
            return JSON.parse(calls.getRequest(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getRequest');
        }
    }
    /** `getRequest`, off the event loop. */
    async getRequestAsync(id, opts) {
        try {
            return JSON.parse(await calls.getRequestAsync(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getRequestAsync');
        }
    }
    /** Requests in arrival order, at most 100 per page (no proposals: `get_request` has them), narrowed by `query`: `state`, `subject` (a token), `overdue` (open or in progress past the due date), `due_within_days`. No purpose check: ids, kinds, states and dates: no personal data. */
    listRequests(query, opts) {
        try {
            return JSON.parse(calls.listRequests(this.#handle, optionalText(query), opts));
        }
        catch (e) {
            throw lift(e, 'listRequests');
        }
    }
    /** `listRequests`, off the event loop. */
    async listRequestsAsync(query, opts) {
        try {
            return JSON.parse(await calls.listRequestsAsync(this.#handle, optionalText(query), opts));
        }
        catch (e) {
            throw lift(e, 'listRequestsAsync');
        }
    }
    /** Start working on an open request (→ `in_progress`). No purpose check: a step in handling the subject's request. */
    startRequest(id, opts) {
        try {
            return JSON.parse(calls.startRequest(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'startRequest');
        }
    }
    /** `startRequest`, off the event loop. */
    async startRequestAsync(id, opts) {
        try {
            return JSON.parse(await calls.startRequestAsync(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'startRequestAsync');
        }
    }
    /** Record that the request's subject proved who they are (an approval needs it). No purpose check: a step in handling the subject's request. */
    verifyRequest(id, opts) {
        try {
            return JSON.parse(calls.verifyRequest(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'verifyRequest');
        }
    }
    /** `verifyRequest`, off the event loop. */
    async verifyRequestAsync(id, opts) {
        try {
            return JSON.parse(await calls.verifyRequestAsync(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'verifyRequestAsync');
        }
    }
    /** Extend the request's deadline, once, with a reason (1 to 2,000 characters), as far as its regime allows: GDPR to three months after receipt, CCPA and voluntary to 90 days; opt-outs and opt-ins cannot be extended. No purpose check: a step in handling the subject's request. */
    extendRequest(id, reason, opts) {
        try {
            return JSON.parse(calls.extendRequest(this.#handle, id, reason, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'extendRequest');
        }
    }
    /** `extendRequest`, off the event loop. */
    async extendRequestAsync(id, reason, opts) {
        try {
            return JSON.parse(await calls.extendRequestAsync(this.#handle, id, reason, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'extendRequestAsync');
        }
    }
    /** Approve a verified request and apply its change in the same unit of work (→ `fulfilled`): rectify patches the profile and change_app_data the app's document (with `options.proposal`, or the latest proposal; re-validated now), erase erases the subject, restrict restricts its processing, withdraw_consent / opt_out / opt_in withdraw, refuse or give consent under the request's legal basis; access, port and object are answered outside the vault and recorded as fulfilled. Each change is checked as its own operation is (rectify and change_app_data as write, erase as delete). No purpose check: the change it applies is checked as its own operation is (write, or delete for an erasure). */
    approveRequest(id, options, opts) {
        try {
            return JSON.parse(calls.approveRequest(this.#handle, id, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'approveRequest');
        }
    }
    /** `approveRequest`, off the event loop. */
    async approveRequestAsync(id, options, opts) {
        try {
            return JSON.parse(await calls.approveRequestAsync(this.#handle, id, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'approveRequestAsync');
        }
    }
    /** Deny a request (→ `denied`) with a Data Rights Protocol reason code (need_user_verification, suspected_fraud, insufficient_verification, no_match, claim_not_covered, outside_jurisdiction, too_many_requests, other) and, optionally, words. No purpose check: a step in handling the subject's request. */
    denyRequest(id, code, reason, opts) {
        try {
            return JSON.parse(calls.denyRequest(this.#handle, id, code, reason, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'denyRequest');
        }
    }
    /** `denyRequest`, off the event loop. */
    async denyRequestAsync(id, code, reason, opts) {
        try {
            return JSON.parse(await calls.denyRequestAsync(this.#handle, id, code, reason, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'denyRequestAsync');
        }
    }
    /** The subject withdraws its open or in-progress request (→ `revoked`). No purpose check: the subject withdrawing its own request. */
    revokeRequest(id, opts) {
        try {
            return JSON.parse(calls.revokeRequest(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeRequest');
        }
    }
    /** `revokeRequest`, off the event loop. */
    async revokeRequestAsync(id, opts) {
        try {
            return JSON.parse(await calls.revokeRequestAsync(this.#handle, id, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'revokeRequestAsync');
        }
    }
    /** Record every unverified open request past its due date as expired (the subject never proved who they are), 1,000 per transaction. Returns {expired, batches}. No purpose check: records what the requests' own deadlines decided; returns counts. */
    expireRequests(opts) {
        try {
            return JSON.parse(calls.expireRequests(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'expireRequests');
        }
    }
    /** `expireRequests`, off the event loop. */
    async expireRequestsAsync(opts) {
        try {
            return JSON.parse(await calls.expireRequestsAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'expireRequestsAsync');
        }
    }
    /** The requests' outbox, oldest first, after `cursor` (every transition: received, proposal_added, verified, in_progress, extended, fulfilled, denied, revoked, expired; ids, names and times only). Delivered until acknowledged: at least once, in order. Purpose check: read, on no one subject: the activity must cover reads. A vault with require_purpose needs a purpose. */
    listRequestEvents(opts) {
        try {
            return JSON.parse(calls.listRequestEvents(this.#handle, opts));
        }
        catch (e) {
            throw lift(e, 'listRequestEvents');
        }
    }
    /** `listRequestEvents`, off the event loop. */
    async listRequestEventsAsync(opts) {
        try {
            return JSON.parse(await calls.listRequestEventsAsync(this.#handle, opts));
        }
        catch (e) {
            throw lift(e, 'listRequestEventsAsync');
        }
    }
    /** Acknowledge the requests' outbox up to and including the event whose cursor is given: those events are deleted. Returns {removed}. No purpose check: removes delivered events; reads nothing. */
    ackRequestEvents(cursor, opts) {
        try {
            return JSON.parse(calls.ackRequestEvents(this.#handle, cursor, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'ackRequestEvents');
        }
    }
    /** `ackRequestEvents`, off the event loop. */
    async ackRequestEventsAsync(cursor, opts) {
        try {
            return JSON.parse(await calls.ackRequestEventsAsync(this.#handle, cursor, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'ackRequestEventsAsync');
        }
    }
    /** Schedule the erasure of a subject: `options.ttl_ms` from now or at `options.expires_at_ms` (within ten years). `purge` erases it once due. Returns the schedule with its capability — a bearer secret for the subject's "keep my data" and "erase it now" links, shown once (only its keyed hash is kept); a new schedule replaces the old one and voids its capability. Purpose check: delete, on the subject found: its erasure is decided now. */
    scheduleErasure(lookup, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.scheduleErasure(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'scheduleErasure');
        }
    }
    /** `scheduleErasure`, off the event loop. */
    async scheduleErasureAsync(lookup, options, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.scheduleErasureAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'scheduleErasureAsync');
        }
    }
    /** Whether and when a subject's erasure is scheduled: {subject, scheduled, due_ms, created_ms}. No purpose check: a date: no personal data. */
    getErasureSchedule(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.getErasureSchedule(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getErasureSchedule');
        }
    }
    /** `getErasureSchedule`, off the event loop. */
    async getErasureScheduleAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.getErasureScheduleAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'getErasureScheduleAsync');
        }
    }
    /** Cancel a subject's scheduled erasure (`changed: false` when none was scheduled). No purpose check: keeps the data as it is; reads nothing. */
    cancelErasure(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(calls.cancelErasure(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'cancelErasure');
        }
    }
    /** `cancelErasure`, off the event loop. */
    async cancelErasureAsync(lookup, opts) {
        const mode = lookupMode(lookup);
        try {
            return JSON.parse(await calls.cancelErasureAsync(this.#handle, mode, mode === undefined ? text(lookup) : lookup[mode], actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'cancelErasureAsync');
        }
    }
    /** The subject keeps its data: cancel the scheduled erasure its capability names (`NOT_FOUND` for a capability that names none — never set, replaced, cancelled or carried out). No purpose check: the capability is the subject's own authorisation; reads nothing. */
    retainByCapability(capability, opts) {
        try {
            return JSON.parse(calls.retainByCapability(this.#handle, capability, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'retainByCapability');
        }
    }
    /** `retainByCapability`, off the event loop. */
    async retainByCapabilityAsync(capability, opts) {
        try {
            return JSON.parse(await calls.retainByCapabilityAsync(this.#handle, capability, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'retainByCapabilityAsync');
        }
    }
    /** The subject has itself erased now, through its scheduled erasure's capability: the erasure's receipt (as `forget_subject` gives it). Purpose check: delete, on the subject the capability names. */
    eraseByCapability(capability, opts) {
        try {
            return JSON.parse(calls.eraseByCapability(this.#handle, capability, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'eraseByCapability');
        }
    }
    /** `eraseByCapability`, off the event loop. */
    async eraseByCapabilityAsync(capability, opts) {
        try {
            return JSON.parse(await calls.eraseByCapabilityAsync(this.#handle, capability, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'eraseByCapabilityAsync');
        }
    }
    /** List audit events, newest first: the subject's (a token) or, without one, all. A page is {total, items, next}; pass `next` as the cursor for the following page (each event is returned once even while others are appended). With `details`, each event's details (the before/after of a change) are decrypted while the subject exists, and the listing is audited as audit.list_details; otherwise as audit.list. Purpose check: read, on each event's subject, for its details only (`export` also allows them); refused details are left out with the reason. A vault with require_purpose needs a purpose. */
    listAuditEvents(subject, opts) {
        try {
            return JSON.parse(calls.listAuditEvents(this.#handle, subject, opts));
        }
        catch (e) {
            throw lift(e, 'listAuditEvents');
        }
    }
    /** `listAuditEvents`, off the event loop. */
    async listAuditEventsAsync(subject, opts) {
        try {
            return JSON.parse(await calls.listAuditEventsAsync(this.#handle, subject, opts));
        }
        catch (e) {
            throw lift(e, 'listAuditEventsAsync');
        }
    }
    /** The audit chain's head {seq, hash}, after committing buffered events: keep it outside the vault to detect truncation and rollback later. No purpose check: a sequence number and a MAC: no personal data (not audited). */
    getAuditHead() {
        try {
            return JSON.parse(calls.getAuditHead(this.#handle));
        }
        catch (e) {
            throw lift(e, 'getAuditHead');
        }
    }
    /** `getAuditHead`, off the event loop. */
    async getAuditHeadAsync() {
        try {
            return JSON.parse(await calls.getAuditHeadAsync(this.#handle));
        }
        catch (e) {
            throw lift(e, 'getAuditHeadAsync');
        }
    }
    /** Verify the audit chain (every MAC and sequence number) and every stored subject against its last audited change; with an anchor (a head kept earlier) also detect truncation and rollback. Returns {events, subjects, head}. No purpose check: returns counts and the head only (not audited). */
    verifyAudit(anchor) {
        try {
            return JSON.parse(calls.verifyAudit(this.#handle, optionalText(anchor)));
        }
        catch (e) {
            throw lift(e, 'verifyAudit');
        }
    }
    /** `verifyAudit`, off the event loop. */
    async verifyAuditAsync(anchor) {
        try {
            return JSON.parse(await calls.verifyAuditAsync(this.#handle, optionalText(anchor)));
        }
        catch (e) {
            throw lift(e, 'verifyAuditAsync');
        }
    }
    /** Commit buffered read events now (they are otherwise group-committed within audit_flush_interval_ms), and complete the residue scrubs that erasures left pending (with erasure_wal_window_ms above 0). No purpose check: writes events already recorded (not audited). */
    flushAudit() {
        try {
            calls.flushAudit(this.#handle);
        }
        catch (e) {
            throw lift(e, 'flushAudit');
        }
    }
    /** `flushAudit`, off the event loop. */
    async flushAuditAsync() {
        try {
            await calls.flushAuditAsync(this.#handle);
        }
        catch (e) {
            throw lift(e, 'flushAuditAsync');
        }
    }
    /** Shred the details (the sealed before/after of changes) of audit events older than `options.older_than_days` (default: the vault's audit_details_retention_days, which `purge` also applies): the chain keeps every fact and still verifies; listings say details_shredded. Events written before format 12 keep their details until their subject is erased. Runs in batches of 1,000 events per transaction, from where the last run stopped. Returns {events, cutoff_ms, through_seq, shreddable_from, batches}. No purpose check: removes old details by a retention rule; reads and returns no personal data. */
    shredAuditDetails(options, opts) {
        try {
            return JSON.parse(calls.shredAuditDetails(this.#handle, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'shredAuditDetails');
        }
    }
    /** `shredAuditDetails`, off the event loop. */
    async shredAuditDetailsAsync(options, opts) {
        try {
            return JSON.parse(await calls.shredAuditDetailsAsync(this.#handle, optionalText(options), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'shredAuditDetailsAsync');
        }
    }
    /** The erasure ledger: one entry per erased subject — keyed hashes of its token and blind indexes, when, a MAC chaining it to the entry before — oldest first. Keep it outside the database (beside the backups, replaced after each export); after restoring a backup, hand its entries to `reapply_erasures`. `INTEGRITY` when the stored ledger was changed. No purpose check: keyed hashes only: no personal data. */
    exportErasureLedger(opts) {
        try {
            return JSON.parse(calls.exportErasureLedger(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportErasureLedger');
        }
    }
    /** `exportErasureLedger`, off the event loop. */
    async exportErasureLedgerAsync(opts) {
        try {
            return JSON.parse(await calls.exportErasureLedgerAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'exportErasureLedgerAsync');
        }
    }
    /** Re-apply erasures after restoring a backup: `entries` is the `entries` list of a ledger this vault exported (checked whole: in order from 1, every MAC — `INTEGRITY` for any change or another vault's). Every subject of the ledger that is stored again is erased, with its tokens, documents, sessions and shares, in one transaction (a crash leaves nothing half done; running it again is harmless), and the vault's own ledger gains the entries it lacked. Returns what it did. Purpose check: delete, on the activity's coverage, then each subject of the ledger found stored. */
    reapplyErasures(entries, opts) {
        try {
            return JSON.parse(calls.reapplyErasures(this.#handle, text(entries), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'reapplyErasures');
        }
    }
    /** `reapplyErasures`, off the event loop. */
    async reapplyErasuresAsync(entries, opts) {
        try {
            return JSON.parse(await calls.reapplyErasuresAsync(this.#handle, text(entries), actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'reapplyErasuresAsync');
        }
    }
    /** Remove or record everything whose time has passed: agreements past their expiry are recorded as expired (with their outbox events), expired tokens, sessions and shares are deleted, unverified data-subject requests past their due date recorded as expired — each in batches of at most 1,000 per transaction (the write lock is never held longer than one batch) — subjects whose scheduled erasure fell due are erased (100 per transaction), and with audit_details_retention_days the details of older audit events are shredded; a purge killed half way leaves whole batches done and running it again finishes the work. Returns what each part did. No purpose check: removes what expired by its own terms; returns only counts. */
    purge(opts) {
        try {
            return JSON.parse(calls.purge(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purge');
        }
    }
    /** `purge`, off the event loop. */
    async purgeAsync(opts) {
        try {
            return JSON.parse(await calls.purgeAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'purgeAsync');
        }
    }
    /** What opening the vault found: the audit head then, how it compares with `Options::audit_anchor` (`behind`: the file is older than the anchor — a restored backup; re-apply the erasure ledger) and how many erasures the ledger holds. No purpose check: a head, a word and a count: no personal data (not audited). */
    openReport() {
        try {
            return JSON.parse(calls.openReport(this.#handle));
        }
        catch (e) {
            throw lift(e, 'openReport');
        }
    }
    /** `openReport`, off the event loop. */
    async openReportAsync() {
        try {
            return JSON.parse(await calls.openReportAsync(this.#handle));
        }
        catch (e) {
            throw lift(e, 'openReportAsync');
        }
    }
    /** Rewrite the vault file so nothing of erased subjects survives in free page space: SQLite zeroes deleted rows, but B-tree rebalancing can leave stale copies of rows it moved earlier; compaction (VACUUM, then a WAL truncation) writes every page afresh from live rows. Takes time proportional to the vault's size and holds the write lock meanwhile: run it after erasures, e.g. nightly. Returns {bytes_before, bytes_after, residue_scrubbed, storage, wal_truncated}. No purpose check: rewrites the file; reads and returns no personal data. */
    compact(opts) {
        try {
            return JSON.parse(calls.compact(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'compact');
        }
    }
    /** `compact`, off the event loop. */
    async compactAsync(opts) {
        try {
            return JSON.parse(await calls.compactAsync(this.#handle, actorOf(opts), purposeOf(opts)));
        }
        catch (e) {
            throw lift(e, 'compactAsync');
        }
    }
    /** Replace the master key: the root key is wrapped for the new key in one atomic write (one row). Afterwards only the new key opens the vault; a crash at any point leaves exactly one of the two keys able to open it. Nothing else is re-encrypted. No purpose check: rewraps the root key; reads and returns no personal data. */
    rekey(new_key, opts) {
        try {
            calls.rekey(this.#handle, new_key, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'rekey');
        }
    }
    /** `rekey`, off the event loop. */
    async rekeyAsync(new_key, opts) {
        try {
            await calls.rekeyAsync(this.#handle, new_key, actorOf(opts), purposeOf(opts));
        }
        catch (e) {
            throw lift(e, 'rekeyAsync');
        }
    }
}
exports.Vault = Vault;
