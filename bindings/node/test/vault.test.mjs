// The Node surface: every operation (sync and async), errors with `.code`, misuse, workers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey, BunkerliteError, errorCodes, version } = require('..')
const here = dirname(fileURLToPath(import.meta.url))

const code = (c) => (e) => e instanceof Error && e.code === c

test('the ErrorCode union in index.d.ts matches the core table', () => {
  const dts = readFileSync(join(here, '..', 'index.d.ts'), 'utf8')
  const union = dts.match(/export type ErrorCode =([^;]*);/)[1]
  const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(codes, errorCodes())
  assert.match(version(), /^\d+\.\d+\.\d+/)
})

test('getSubject gives the subject getSubjects gives, whatever its profile holds', async () => {
  // getSubject crosses from the addon in a compact form (fields, then the profile's JSON text);
  // getSubjects as the subject's JSON text. Both must give the same object, keys in order.
  const vault = Vault.openInMemory(MasterKey.generate())
  const profile = {
    email: 'comma,user@example.org',
    'key,with,commas': 'a,b,,c',
    nested: { '': [1, -2.5e-7, 1e21, null, false, { z: '"}\\,' }], ü: 'Grüße, 🦀' },
    version: 'not the subject version',
    token: 'not the subject token'
  }
  const token = vault.createSubject(profile)
  vault.updateSubject({ token }, { added: 'x' })
  for (const lookup of [{ email: 'comma,user@example.org' }, { token }]) {
    const one = vault.getSubject(lookup)
    const [many] = vault.getSubjects([lookup])
    assert.deepEqual(one, many)
    assert.equal(JSON.stringify(one), JSON.stringify(many), 'same keys in the same order')
    assert.equal(JSON.stringify(await vault.getSubjectAsync(lookup)), JSON.stringify(many))
    assert.equal(one.token, token)
    assert.equal(one.version, 2)
    assert.equal(typeof one.created_ms, 'number')
    assert.ok(one.updated_ms >= one.created_ms)
    assert.deepEqual(one.profile, { ...profile, added: 'x' })
  }
  vault.close()
})

test('round trip, sync', () => {
  const vault = Vault.openInMemory(MasterKey.generate(), { default_region: 'DE' })
  const profile = { email: 'Ann@Example.com', phone: '030 901820', name: 'Ann', tags: ['a', 1, 2.5, true, null] }
  const token = vault.createSubject(profile, { actor: 'app:signup' })
  const got = vault.getSubject({ email: 'ann@example.com' })
  assert.equal(got.token, token)
  assert.deepEqual(got.profile, profile)
  assert.deepEqual(Object.keys(got.profile), Object.keys(profile), 'key order kept')
  assert.equal(vault.getSubject({ phone: '+49 30 901820' }).token, token)
  const updated = vault.updateSubject({ token }, { name: null, city: 'Berlin' }, { actor: 'app:crm' })
  assert.equal(updated.profile.city, 'Berlin')
  assert.ok(!('name' in updated.profile))
  assert.equal(vault.updateSubject({ token }, [{ op: 'add', path: '/zip', value: '10115' }]).version, 3)
  const tokens = vault.createSubjects([{ login: 'b1' }, { login: 'b2' }])
  const found = vault.getSubjects([{ login: 'b2' }, { login: 'none' }, { token: tokens[0] }])
  assert.equal(found[0].token, tokens[1])
  assert.equal(found[1], null)
  const page = vault.listAuditEvents(token, { actor: 'admin:dpo', purpose: 'dsar', limit: 10 })
  assert.ok(page.total >= 4 && page.next === null)
  const first = vault.listAuditEvents(null, { limit: 1 })
  assert.ok(first.total >= 6)
  assert.equal(first.items[0].action, 'audit.list')
  assert.equal(first.items[0].purpose, 'dsar')
  const second = vault.listAuditEvents(undefined, { limit: 1, cursor: first.next })
  assert.equal(second.items[0].seq, first.items[0].seq - 1)
  const head = vault.getAuditHead()
  assert.equal(vault.verifyAudit(head).events, head.seq)
  vault.flushAudit()
  const receipt = vault.forgetSubject({ token }, { actor: 'admin:dpo' })
  assert.equal(receipt.index_entries_removed, 2)
  assert.throws(() => vault.getSubject({ token }), code('ERASED'))
  vault.close()
})

test('round trip, async', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bunkerlite-node-'))
  try {
    const key = MasterKey.generate()
    const vault = await Vault.openAsync(join(dir, 'v.db'), key, null)
    const token = await vault.createSubjectAsync({ email: 'a@x.org' })
    const [t2] = await vault.createSubjectsAsync([{ email: 'b@x.org' }])
    assert.equal((await vault.getSubjectAsync({ email: 'A@x.org' })).token, token)
    assert.equal((await vault.getSubjectsAsync([{ token: t2 }]))[0].token, t2)
    assert.equal((await vault.updateSubjectAsync({ token }, { n: 1 })).version, 2)
    assert.equal((await vault.listAuditEventsAsync(token)).total, 3)
    await assert.rejects(vault.getSubjectAsync({ email: 'nobody@x.org' }), code('NOT_FOUND'))
    await assert.rejects(vault.createSubjectAsync({ email: 'B@x.org' }), code('DUPLICATE'))
    assert.equal((await vault.forgetSubjectAsync({ token })).token, token)
    assert.ok((await vault.verifyAuditAsync(null)).events > 0)
    const head = await vault.getAuditHeadAsync()
    assert.equal((await vault.listAuditEventsAsync(null, { limit: 1 })).items[0].seq, head.seq)
    assert.strictEqual(await vault.flushAuditAsync(), undefined)
    const next = MasterKey.generate()
    assert.strictEqual(await vault.rekeyAsync(next, { actor: 'admin:keys' }), undefined)
    assert.strictEqual(await vault.closeAsync(), undefined)
    assert.equal(vault.closed, true)
    await assert.rejects(vault.getAuditHeadAsync(), code('CLOSED'))
    await assert.rejects(Vault.openAsync(join(dir, 'v.db'), key, null), code('WRONG_KEY'))
    await assert.rejects(Vault.openAsync(join(dir, 'v.db'), MasterKey.generate(), null), code('WRONG_KEY'))
    // Many calls in flight at once share the vault from libuv's threads.
    const v2 = await Vault.openAsync(join(dir, 'v.db'), next, null)
    const made = await Promise.all(Array.from({ length: 64 }, (_, i) => v2.createSubjectAsync({ email: `p${i}@x.org` })))
    assert.equal(new Set(made).size, 64)
    const racing = await Promise.allSettled(Array.from({ length: 16 }, () => v2.createSubjectAsync({ email: 'same@x.org' })))
    assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1)
    assert.ok(racing.filter((r) => r.status === 'rejected').every((r) => r.reason.code === 'DUPLICATE'))
    v2.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('errors are BunkerliteErrors with code, number, group and operation, sync and async', async () => {
  const vault = Vault.openInMemory(MasterKey.generate())
  const check = (e, code, number, group, operation) =>
    e instanceof BunkerliteError && e instanceof Error && e.code === code && e.number === number &&
    e.group === group && e.operation === operation && e.name === 'BunkerliteError'
  assert.throws(() => vault.getSubject({ email: 'nobody@example.org' }), (e) => check(e, 'NOT_FOUND', 200, 'state', 'getSubject'))
  await assert.rejects(vault.getSubjectAsync({ email: 'nobody@example.org' }), (e) => check(e, 'NOT_FOUND', 200, 'state', 'getSubjectAsync'))
  assert.throws(() => vault.getSubject({ token: 'x' }), (e) => check(e, 'INVALID_INPUT', 100, 'input', 'getSubject'))
  assert.throws(() => vault.createSubject({}, { actor: 'bad actor' }), (e) => check(e, 'INVALID_INPUT', 100, 'input', 'createSubject'))
  // An exception the caller's own getter throws passes through as it is.
  const trap = { get email () { throw new RangeError('mine') } }
  assert.throws(() => vault.getSubject(trap), (e) => e instanceof RangeError || e.code === 'INVALID_INPUT')
  vault.close()
  assert.throws(() => vault.getSubject({ token: 'x' }), (e) => check(e, 'CLOSED', 402, 'operational', 'getSubject'))
})

test('error matrix', async () => {
  const vault = Vault.openInMemory(MasterKey.generate())
  vault.createSubject({ email: 'dup@x.org' })
  assert.throws(() => vault.createSubject({ email: 'DUP@x.org' }), (e) => e.code === 'DUPLICATE' && !e.message.includes('dup@'))
  const invalid = [
    () => vault.getSubject({}),
    () => vault.getSubject({ email: 'a@x.org', phone: '+4930901820' }),
    () => vault.getSubject({ token: 'not-a-uuid' }),
    () => vault.getSubject({ email: 5 }),
    () => vault.getSubject('a@x.org'),
    () => vault.createSubject([1, 2]),
    () => vault.createSubject('text'),
    () => vault.createSubject({}, { actor: 'bad actor' }),
    () => vault.createSubject({}, { actor: 'ann@example.org' }),
    () => vault.createSubject({}, { purpose: 'Not A Purpose' }),
    () => vault.createSubject({}, { purpose: 5 }),
    () => vault.createSubjects({ a: 1 }),
    () => vault.updateSubject({ email: 'dup@x.org' }, 'x'),
    () => vault.listAuditEvents(null, { limit: 0 }),
    () => vault.listAuditEvents(null, { limit: -5 }),
    () => vault.listAuditEvents(null, { cursor: 'nope' }),
    () => vault.listAuditEvents(5),
    () => vault.verifyAudit({ seq: 1 }),
    () => vault.rekey('not a key'),
    () => vault.rekey({}),
    () => Vault.openInMemory(MasterKey.generate(), { nope: 1 })
  ]
  for (const call of invalid) assert.throws(call, code('INVALID_INPUT'), call.toString())
  // Only plain data crosses: whatever JSON.stringify would drop, turn into null or replace by its
  // toJSON() is refused, as Python refuses values that are not JSON (same codes and messages).
  class Point { constructor () { this.x = 1 } }
  const throwingGetter = { get a () { throw new Error('no') } }
  const notPlain = [{ n: 10n }, undefined, () => 1, Symbol('s'), { f: () => 1 }, { s: Symbol('s') },
    { toJSON () { return {} } }, new Map([['a', 1]]), new Set([1]), new Date(0), new Point(), Buffer.from('x'),
    new Uint8Array(2), /x/, [1, undefined], [1, , 3], [() => 1], throwingGetter, { nested: { m: new Map() } }] // eslint-disable-line no-sparse-arrays
  for (const value of notPlain) {
    const plainMessage = (e) => e.code === 'INVALID_INPUT' && /plain objects/.test(e.message)
    assert.throws(() => vault.createSubject(value), plainMessage, String(value))
    assert.throws(() => vault.updateSubject({ email: 'dup@x.org' }, value), plainMessage)
    assert.throws(() => vault.verifyAudit(value ?? 10n), plainMessage)
    // Async twins reject (never throw synchronously) with the same code.
    await assert.rejects(vault.createSubjectAsync(value), plainMessage)
    await assert.rejects(vault.getSubjectAsync(value), plainMessage)
  }
  for (const value of [{ n: NaN }, { n: [Infinity] }, { a: { b: -Infinity } }]) {
    const finiteMessage = (e) => e.code === 'INVALID_INPUT' && e.message === 'NaN and infinity are not JSON'
    assert.throws(() => vault.createSubject(value), finiteMessage)
    await assert.rejects(vault.createSubjectAsync(value), finiteMessage)
  }
  for (const value of [{ s: '\ud800' }, { ['\udfff']: 1 }]) {
    const unicodeMessage = (e) => e.code === 'INVALID_INPUT' && /lone surrogate/.test(e.message)
    assert.throws(() => vault.createSubject(value), unicodeMessage)
    await assert.rejects(vault.createSubjectAsync(value), unicodeMessage)
  }
  // A cycle is nested too deeply, as in Python.
  const cyclic = { a: 1 }
  cyclic.self = cyclic
  assert.throws(() => vault.createSubject(cyclic), code('TOO_LARGE'))
  await assert.rejects(vault.createSubjectAsync([cyclic]), code('TOO_LARGE'))
  await assert.rejects(Vault.openAsync(':memory:', MasterKey.generate(), { limits: 10n }), code('INVALID_INPUT'))
  assert.throws(() => vault.getSubject({ email: 'dup@x.org' }, 5), code('INVALID_INPUT'))
  assert.throws(() => vault.getSubject({ email: 'dup@x.org' }, { actor: 5 }), code('INVALID_INPUT'))
  // An undefined property is an absent field, as in JSON; null-prototype objects are plain data.
  const t = vault.createSubject({ u: undefined, k: 1, o: Object.assign(Object.create(null), { z: [0, -0, 1.5] }) })
  assert.deepEqual(vault.getSubject({ token: t }).profile, { k: 1, o: { z: [0, 0, 1.5] } })
  assert.throws(() => vault.createSubject({ big: 'x'.repeat(1 << 20) }), code('TOO_LARGE'))
  let deep = []
  for (let i = 0; i < 100; i++) deep = [deep]
  assert.throws(() => vault.createSubject({ deep }), code('TOO_LARGE'))
  assert.throws(() => vault.getSubject({ email: 'nobody@x.org' }), code('NOT_FOUND'))
  assert.throws(() => vault.createSubject(), code('INVALID_INPUT'))
  assert.throws(() => Vault.open(join(tmpdir(), 'never.db'), 'not a key'), (e) => e instanceof Error)
  vault.close()
  vault.close()
  assert.equal(vault.closed, true)
  assert.throws(() => vault.getSubject({ email: 'dup@x.org' }), code('CLOSED'))
  assert.throws(() => vault.getAuditHead(), code('CLOSED'))
})

test('lookups and options take the same path to the same answers', async () => {
  const vault = Vault.openInMemory(MasterKey.generate())
  const token = vault.createSubject({ email: 'lee@x.org', name: 'Lee' })
  // A plain one-key lookup goes to the addon as two strings; every other form as JSON text.
  const getter = { get email () { return 'lee@x.org' } }
  const nullProto = Object.assign(Object.create(null), { email: 'lee@x.org' })
  for (const lookup of [{ email: 'lee@x.org' }, { email: ' LEE@x.org ' }, { token }, getter, nullProto, { email: 'lee@x.org', extra: undefined }]) {
    assert.equal(vault.getSubject(lookup).token, token)
    assert.equal((await vault.getSubjectAsync(lookup)).token, token)
  }
  const throwing = { get email () { throw new Error('boom') } }
  class ByEmail { constructor () { this.email = 'lee@x.org' } }
  const refused = [{ email: '\ud800' }, { ['\udc00']: 'x' }, throwing, { email: 5 }, { email: 'a', token }, {}, 'lee@x.org', null, new ByEmail()]
  for (const lookup of refused) {
    assert.throws(() => vault.getSubject(lookup), code('INVALID_INPUT'))
    await assert.rejects(vault.getSubjectAsync(lookup), code('INVALID_INPUT'))
  }
  // Lone surrogates in either string refuse a lookup whichever path it takes, and long or
  // multi-byte strings (past the addon's stack buffers) arrive whole.
  assert.throws(() => vault.getSubject({ email: 'x'.repeat(600) + '\ud800' }), code('INVALID_INPUT'))
  for (const long of ['é'.repeat(700), '😀'.repeat(400), 'x'.repeat(509) + '😀', 'x'.repeat(1017) + 'é']) {
    const t = vault.createSubject({ note: long })
    assert.equal(vault.getSubject({ token: t }).profile.note, long)
    // Too long for an indexed field: the same refusal on both paths.
    assert.throws(() => vault.getSubject({ login: long }), code('TOO_LARGE'))
    const viaJson = Object.assign(Object.create(null), { login: long }) // not Object.prototype: the JSON path
    assert.throws(() => vault.getSubject(viaJson), code('TOO_LARGE'))
  }
  for (const login of ['é'.repeat(150), 'x'.repeat(300) + '😀']) {
    const t = vault.createSubject({ login })
    assert.equal(vault.getSubject({ login }).token, t)
  }
  // Options: an object with a string actor, nothing, or refused with INVALID_INPUT (a string
  // where the options object belongs is not taken for an actor).
  vault.getSubject({ token }, { actor: 'app:a' })
  vault.getSubject({ token }, { actor: undefined })
  vault.getSubject({ token }, {})
  vault.getSubject({ token }, null)
  for (const opts of ['app:a', 5, true, { actor: 5 }, { actor: {} }, { actor: 'bad actor' }]) {
    assert.throws(() => vault.getSubject({ token }, opts), code('INVALID_INPUT'), String(opts))
    assert.throws(() => vault.createSubject({ n: 1 }, opts), code('INVALID_INPUT'), String(opts))
    await assert.rejects(vault.getSubjectAsync({ token }, opts), code('INVALID_INPUT'))
  }
  const actors = vault.listAuditEvents(token, { limit: 1000 }).items.map((e) => e.actor)
  assert.ok(actors.includes('app:a') && actors.includes('app'))
  // An exception thrown by a getter on the options passes through unchanged.
  const boom = new Error('getter')
  assert.throws(() => vault.getSubject({ token }, { get actor () { throw boom } }), (e) => e === boom)
  for (const page of [{ limit: 'x' }, { cursor: 5 }, { limit: 1.5 }, { limit: NaN }, 'x', { actor: 5 }]) {
    assert.throws(() => vault.listAuditEvents(null, page), code('INVALID_INPUT'))
    await assert.rejects(vault.listAuditEventsAsync(null, page), code('INVALID_INPUT'))
    await assert.rejects(vault.listAuditEventsAsync(token, page), code('INVALID_INPUT'))
  }
  assert.throws(() => vault.listAuditEvents(5), code('INVALID_INPUT'))
  await assert.rejects(vault.listAuditEventsAsync(5), code('INVALID_INPUT'))
  vault.close()
})

test('a panic in the addon is an INTERNAL error and the process carries on', async () => {
  const native = require('../native.js')
  assert.throws(() => native.calls.__panicForTests(), (e) => e instanceof Error && e.code === 'INTERNAL' && /panic/.test(e.message))
  await assert.rejects(native.calls.__panicForTestsAsync(), (e) => e instanceof Error && e.code === 'INTERNAL' && /panic/.test(e.message))
  const vault = Vault.openInMemory(MasterKey.generate())
  assert.deepEqual(vault.getSubject({ token: vault.createSubject({ n: 1 }) }).profile, { n: 1 })
  vault.close()
})

test('the addon refuses what is not a vault handle', async () => {
  const { calls } = require('../native.js')
  // native.d.ts declares exactly the functions the addon exports in `calls`.
  const declared = readFileSync(join(here, '..', 'native.d.ts'), 'utf8').match(/export declare const calls: \{([^}]*)\}/)[1]
  assert.deepEqual([...declared.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort(), Object.keys(calls).sort())
  for (const handle of [undefined, null, {}, 'h', 5, Buffer.alloc(8)]) {
    assert.throws(() => calls.getSubject(handle, undefined, '{"token":"x"}'), code('INVALID_INPUT'))
    assert.throws(() => calls.getAuditHead(handle), code('INVALID_INPUT'))
    await assert.rejects(calls.getAuditHeadAsync(handle), code('INVALID_INPUT'))
  }
})

test('oversized JSON text is refused before it is parsed', async () => {
  const vault = Vault.openInMemory(MasterKey.generate(), { limits: { max_document_bytes: 1000, max_batch_bytes: 3000 } })
  const big = { note: 'x'.repeat(2000) }
  assert.throws(() => vault.createSubject(big), (e) => e.code === 'TOO_LARGE' && e.message === 'document is larger than 1000 bytes')
  await assert.rejects(vault.createSubjectAsync(big), (e) => e.code === 'TOO_LARGE')
  const batch = Array.from({ length: 5 }, () => ({ note: 'y'.repeat(800) }))
  assert.throws(() => vault.createSubjects(batch), (e) => e.code === 'TOO_LARGE' && e.message === 'a batch is larger than 3000 bytes')
  assert.equal(vault.createSubjects(batch.slice(0, 3)).length, 3)
  vault.close()
})

test('lookup fields and call options never collide', () => {
  // A vault may index fields named like call options: the lookup is its own argument.
  const vault = Vault.openInMemory(MasterKey.generate(), { indexed_fields: ['actor', 'purpose'] })
  const token = vault.createSubject({ actor: 'A-1', purpose: 'P-1' }, { actor: 'app:signup' })
  assert.equal(vault.getSubject({ actor: 'A-1' }, { actor: 'app:billing' }).token, token)
  assert.equal(vault.getSubject({ purpose: 'P-1' }, { purpose: 'billing' }).token, token)
  vault.close()
})

test('keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bunkerlite-node-keys-'))
  try {
    const key = MasterKey.generate()
    assert.equal(String(key), 'MasterKey(<redacted>)')
    const path = join(dir, 'v.db')
    Vault.open(path, key).close()
    Vault.open(path, MasterKey.fromHex(key.toHex())).close()
    Vault.open(path, MasterKey.fromBytes(Buffer.from(key.toHex(), 'hex'))).close()
    Vault.open(path, MasterKey.fromBase64(Buffer.from(key.toHex(), 'hex').toString('base64'))).close()
    writeFileSync(join(dir, 'k'), key.toHex())
    Vault.open(path, MasterKey.fromFile(join(dir, 'k'))).close()
    process.env.BUNKERLITE_NODE_TEST_KEY = key.toHex()
    Vault.open(path, MasterKey.fromEnv('BUNKERLITE_NODE_TEST_KEY')).close()
    assert.throws(() => Vault.open(path, MasterKey.generate()), code('WRONG_KEY'))
    assert.throws(() => MasterKey.fromBytes(Buffer.alloc(5)), code('KEY_SOURCE'))
    // Malformed key text is one code, whatever is wrong with it (lone surrogates included).
    for (const text of ['zz'.repeat(32), 'ab', '\udc00'.repeat(64)]) {
      assert.throws(() => MasterKey.fromHex(text), code('KEY_SOURCE'))
    }
    assert.throws(() => MasterKey.fromBase64('\udc00'.repeat(44)), code('KEY_SOURCE'))
    assert.throws(() => MasterKey.fromEnv('BUNKERLITE_NODE_TEST_UNSET'), (e) => e.code === 'KEY_SOURCE' && e.message.includes('BUNKERLITE_NODE_TEST_UNSET'))
    assert.throws(() => Vault.open(path, key.toHex()), (e) => e instanceof Error)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('worker threads each load the addon and use their own vaults', async () => {
  const { Worker } = await import('node:worker_threads')
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Vault, MasterKey } = require(workerData.addon)
    const v = Vault.openInMemory(MasterKey.generate())
    const t = v.createSubject({ email: 'w' + workerData.n + '@x.org' })
    parentPort.postMessage(v.getSubject({ token: t }).profile.email)
    v.close()
  `
  const results = await Promise.all([0, 1, 2].map((n) => new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: { n, addon: join(here, '..') } })
    w.once('message', resolve)
    w.once('error', reject)
  })))
  assert.deepEqual(results, ['w0@x.org', 'w1@x.org', 'w2@x.org'])
})

test('tokens from Node, sync and async', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bunkerlite-tokens-'))
  const path = join(dir, 'tokens.db')
  const key = MasterKey.generate()
  const start = 1_000_000_000_000
  let v = Vault.open(path, key, { manual_clock_ms: start })
  const card = v.tokenize('4111 1111 1111 1111', { kind: 'card', keep_last: 4, ttl_ms: 10 }, { actor: 'app:pay' })
  assert.equal(card.length, 16)
  assert.ok(card.endsWith('1111') && card !== '4111111111111111')
  assert.equal(await v.detokenizeAsync(card, { mask: {} }, { actor: 'app:support', purpose: 'support' }), '************1111')
  const info = v.tokenInfo(card)
  assert.equal(info.kind, 'card')
  assert.equal(info.expires_ms, start + 10)
  const batch = await v.tokenizeManyAsync(['a', 'b'], { kind: 'alphanumeric' }, { all_or_nothing: true })
  assert.deepEqual(batch.summary, { total: 2, ok: 2, failed: 0 })
  const text = v.tokenizeText('mail ann@example.org', { scope: 'chat' })
  assert.ok(text.startsWith('mail [EMAIL:') && !text.includes('ann@example.org'))
  assert.equal(v.detokenizeText(text, { scope: 'chat' }), 'mail ann@example.org')
  // Read back only in the scope it was made in.
  assert.equal(v.detokenizeText(text), text)
  assert.throws(() => v.tokenize('4111111111111112', { kind: 'card' }), code('INVALID_INPUT'))
  v.close()
  v = Vault.open(path, key, { manual_clock_ms: start + 10 })
  assert.throws(() => v.detokenize(card), code('EXPIRED'))
  await assert.rejects(v.detokenizeAsync(card), code('EXPIRED'))
  assert.equal(v.purgeTokens().removed, 1)
  v.close()
  rmSync(dir, { recursive: true, force: true })
})
