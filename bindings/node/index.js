"use strict";
// bunkerlite for Node.js: the public API over the native addon (native.js, built by napi-rs).
//
// Documents cross the boundary as JSON text: `JSON.stringify` here, serde in the addon, and
// `JSON.parse` here on the way back. Both run as plain JavaScript, where V8 is fastest; called
// from the addon they cost an N-API call into JavaScript each. Nothing else happens in this
// layer: every check, error and message comes from the addon.
//
// index.js and index.d.ts are compiled from this file by `tsc -p tsconfig.build.json` (run by
// `npm run build`) and committed; the test command checks they match a fresh compilation.
Object.defineProperty(exports, "__esModule", { value: true });
exports.Vault = exports.version = exports.errorCodes = exports.MasterKey = void 0;
const native = require("./native");
var native_1 = require("./native");
Object.defineProperty(exports, "MasterKey", { enumerable: true, get: function () { return native_1.MasterKey; } });
Object.defineProperty(exports, "errorCodes", { enumerable: true, get: function () { return native_1.errorCodes; } });
Object.defineProperty(exports, "version", { enumerable: true, get: function () { return native_1.version; } });
/**
 * A value as JSON text for the addon. `false` stands for a value `JSON.stringify` cannot
 * serialise (undefined, a function, a symbol, a BigInt, a cycle, a throwing `toJSON`): the addon
 * answers it with `INVALID_INPUT`, thrown or rejected like every other error.
 */
function text(value) {
    try {
        return JSON.stringify(value) ?? false;
    }
    catch {
        return false;
    }
}
/** An optional document: `null` and `undefined` mean absent. */
function optionalText(value) {
    return value === null || value === undefined ? undefined : text(value);
}
/** An open vault. Share it freely; the `*Async` methods run off the event loop. */
class Vault {
    #inner;
    constructor(inner) {
        this.#inner = inner;
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
        return this.#inner.createSubject(text(profile), opts);
    }
    /** `createSubject`, off the event loop. */
    async createSubjectAsync(profile, opts) {
        return JSON.parse(await this.#inner.createSubjectAsync(text(profile), opts));
    }
    /** Create many subjects in one transaction (all or none); returns their tokens. */
    createSubjects(profiles, opts) {
        return this.#inner.createSubjects(text(profiles), opts);
    }
    /** `createSubjects`, off the event loop. */
    async createSubjectsAsync(profiles, opts) {
        return JSON.parse(await this.#inner.createSubjectsAsync(text(profiles), opts));
    }
    /**
     * Read a subject: `getSubject({ email: "…" })` (one of token, email, phone, login or an
     * indexed field).
     */
    getSubject(lookup, opts) {
        return JSON.parse(this.#inner.getSubject(text(lookup), opts));
    }
    /** `getSubject`, off the event loop. */
    async getSubjectAsync(lookup, opts) {
        return JSON.parse(await this.#inner.getSubjectAsync(text(lookup), opts));
    }
    /** Read many subjects: misses give `null`. */
    getSubjects(lookups, opts) {
        return JSON.parse(this.#inner.getSubjects(text(lookups), opts));
    }
    /** `getSubjects`, off the event loop. */
    async getSubjectsAsync(lookups, opts) {
        return JSON.parse(await this.#inner.getSubjectsAsync(text(lookups), opts));
    }
    /** Change a subject: an object is a merge patch, an array a JSON Patch. */
    updateSubject(lookup, patch, opts) {
        return JSON.parse(this.#inner.updateSubject(text(lookup), text(patch), opts));
    }
    /** `updateSubject`, off the event loop. */
    async updateSubjectAsync(lookup, patch, opts) {
        return JSON.parse(await this.#inner.updateSubjectAsync(text(lookup), text(patch), opts));
    }
    /** Erase a subject (crypto-shredding); returns the erasure receipt. */
    forgetSubject(lookup, opts) {
        return JSON.parse(this.#inner.forgetSubject(text(lookup), opts));
    }
    /** `forgetSubject`, off the event loop. */
    async forgetSubjectAsync(lookup, opts) {
        return JSON.parse(await this.#inner.forgetSubjectAsync(text(lookup), opts));
    }
    /** A subject's audit events, newest first: `{ total, items }`. */
    auditEvents(token, opts) {
        return JSON.parse(this.#inner.auditEvents(token, opts));
    }
    /** `auditEvents`, off the event loop. */
    async auditEventsAsync(token, opts) {
        return JSON.parse(await this.#inner.auditEventsAsync(token, opts));
    }
    /** All audit events, newest first. */
    auditAll(opts) {
        return JSON.parse(this.#inner.auditAll(opts));
    }
    /** `auditAll`, off the event loop. */
    async auditAllAsync(opts) {
        return JSON.parse(await this.#inner.auditAllAsync(opts));
    }
    /** The audit chain head `{ seq, hash }`: keep it outside the vault. */
    auditHead() {
        return JSON.parse(this.#inner.auditHead());
    }
    /** `auditHead`, off the event loop. */
    async auditHeadAsync() {
        return JSON.parse(await this.#inner.auditHeadAsync());
    }
    /** Verify the audit chain (against `anchor`, a head kept earlier, if given). */
    auditVerify(anchor) {
        return JSON.parse(this.#inner.auditVerify(optionalText(anchor)));
    }
    /** `auditVerify`, off the event loop. */
    async auditVerifyAsync(anchor) {
        return JSON.parse(await this.#inner.auditVerifyAsync(optionalText(anchor)));
    }
    /** Commit buffered read events now. */
    auditFlush() {
        this.#inner.auditFlush();
    }
    /** `auditFlush`, off the event loop. */
    async auditFlushAsync() {
        await this.#inner.auditFlushAsync();
    }
    /** Rewrite the vault file so nothing of erased subjects survives (run it after erasures). */
    compact(opts) {
        return JSON.parse(this.#inner.compact(opts));
    }
    /** `compact`, off the event loop. */
    async compactAsync(opts) {
        return JSON.parse(await this.#inner.compactAsync(opts));
    }
}
exports.Vault = Vault;
