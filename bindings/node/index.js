"use strict";
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
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = exports.version = exports.errorCodes = exports.MasterKey = void 0;
const native = require("./native");
const calls = native.calls;
var native_1 = require("./native");
Object.defineProperty(exports, "MasterKey", { enumerable: true, get: function () { return native_1.MasterKey; } });
Object.defineProperty(exports, "errorCodes", { enumerable: true, get: function () { return native_1.errorCodes; } });
Object.defineProperty(exports, "version", { enumerable: true, get: function () { return native_1.version; } });
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
 * Per-call options for the addon: the actor string when `opts` is an object whose `actor` is a
 * string (the common case, read here where a property read is cheapest); otherwise `opts` itself,
 * for the addon to read or refuse with the same code, except that a string `opts` becomes `false`
 * so that it is refused like any other non-object instead of being taken for an actor.
 */
function actorArg(opts) {
    if (typeof opts === 'object' && opts !== null) {
        const actor = opts.actor;
        return typeof actor === 'string' ? actor : opts;
    }
    return typeof opts === 'string' ? false : opts;
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
    /** Create a subject from a profile object; returns its token. */
    createSubject(profile, opts) {
        return calls.createSubject(this.#handle, text(profile), actorArg(opts));
    }
    /** `createSubject`, off the event loop. */
    async createSubjectAsync(profile, opts) {
        return JSON.parse(await this.#inner.createSubjectAsync(text(profile), actorArg(opts)));
    }
    /** Create many subjects in one transaction (all or none); returns their tokens. */
    createSubjects(profiles, opts) {
        return JSON.parse(calls.createSubjects(this.#handle, text(profiles), actorArg(opts)));
    }
    /** `createSubjects`, off the event loop. */
    async createSubjectsAsync(profiles, opts) {
        return JSON.parse(await this.#inner.createSubjectsAsync(text(profiles), actorArg(opts)));
    }
    /**
     * Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
     * indexed field).
     */
    getSubject(lookup, opts) {
        // A plain object with one own property holding a string (`{ email: "…" }`) goes to the addon
        // as two strings instead of JSON text, with the same results: every other value takes the
        // JSON path (a throwing getter included, which it reports as INVALID_INPUT), and the addon
        // refuses lone surrogates in the strings as the JSON path does.
        let mode;
        let value;
        try {
            if (typeof lookup === 'object' && lookup !== null && Object.getPrototypeOf(lookup) === Object.prototype) {
                const keys = Object.keys(lookup);
                if (keys.length === 1) {
                    mode = keys[0];
                    value = lookup[mode];
                }
            }
        }
        catch {
            value = undefined;
        }
        if (mode !== undefined && typeof value === 'string') {
            return JSON.parse(calls.getSubjectBy(this.#handle, mode, value, actorArg(opts)));
        }
        return JSON.parse(calls.getSubject(this.#handle, text(lookup), actorArg(opts)));
    }
    /** `getSubject`, off the event loop. */
    async getSubjectAsync(lookup, opts) {
        return JSON.parse(await this.#inner.getSubjectAsync(text(lookup), actorArg(opts)));
    }
    /** Read many subjects: misses give `null`. */
    getSubjects(lookups, opts) {
        return JSON.parse(calls.getSubjects(this.#handle, text(lookups), actorArg(opts)));
    }
    /** `getSubjects`, off the event loop. */
    async getSubjectsAsync(lookups, opts) {
        return JSON.parse(await this.#inner.getSubjectsAsync(text(lookups), actorArg(opts)));
    }
    /** Change a subject: an object is a merge patch, an array a JSON Patch. */
    updateSubject(lookup, patch, opts) {
        return JSON.parse(calls.updateSubject(this.#handle, text(lookup), text(patch), actorArg(opts)));
    }
    /** `updateSubject`, off the event loop. */
    async updateSubjectAsync(lookup, patch, opts) {
        return JSON.parse(await this.#inner.updateSubjectAsync(text(lookup), text(patch), actorArg(opts)));
    }
    /** Erase a subject (crypto-shredding); returns the erasure receipt. */
    forgetSubject(lookup, opts) {
        return JSON.parse(calls.forgetSubject(this.#handle, text(lookup), actorArg(opts)));
    }
    /** `forgetSubject`, off the event loop. */
    async forgetSubjectAsync(lookup, opts) {
        return JSON.parse(await this.#inner.forgetSubjectAsync(text(lookup), actorArg(opts)));
    }
    /** A subject's audit events, newest first: `{ total, items }`. */
    auditEvents(token, opts) {
        return JSON.parse(calls.auditEvents(this.#handle, token, opts));
    }
    /** `auditEvents`, off the event loop. */
    async auditEventsAsync(token, opts) {
        return JSON.parse(await this.#inner.auditEventsAsync(token, opts));
    }
    /** All audit events, newest first. */
    auditAll(opts) {
        return JSON.parse(calls.auditAll(this.#handle, opts));
    }
    /** `auditAll`, off the event loop. */
    async auditAllAsync(opts) {
        return JSON.parse(await this.#inner.auditAllAsync(opts));
    }
    /** The audit chain head `{ seq, hash }`: keep it outside the vault. */
    auditHead() {
        return JSON.parse(calls.auditHead(this.#handle));
    }
    /** `auditHead`, off the event loop. */
    async auditHeadAsync() {
        return JSON.parse(await this.#inner.auditHeadAsync());
    }
    /** Verify the audit chain (against `anchor`, a head kept earlier, if given). */
    auditVerify(anchor) {
        return JSON.parse(calls.auditVerify(this.#handle, optionalText(anchor)));
    }
    /** `auditVerify`, off the event loop. */
    async auditVerifyAsync(anchor) {
        return JSON.parse(await this.#inner.auditVerifyAsync(optionalText(anchor)));
    }
    /** Commit buffered read events now. */
    auditFlush() {
        calls.auditFlush(this.#handle);
    }
    /** `auditFlush`, off the event loop. */
    async auditFlushAsync() {
        await this.#inner.auditFlushAsync();
    }
    /** Rewrite the vault file so nothing of erased subjects survives (run it after erasures). */
    compact(opts) {
        return JSON.parse(calls.compact(this.#handle, actorArg(opts)));
    }
    /** `compact`, off the event loop. */
    async compactAsync(opts) {
        return JSON.parse(await this.#inner.compactAsync(actorArg(opts)));
    }
}
exports.Vault = Vault;
