// tests/vectors/crypto.json, checked with Node's own HKDF/HMAC (independent of bunkerlite's code):
// the key hierarchy, blind indexes, the associated data rebuilt from its specification and the
// audit chain MACs; and the normalised forms observed through lookups on a live vault.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { hkdfSync, createHash, createHmac } from 'node:crypto'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('..')
const doc = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../tests/vectors/crypto.json'), 'utf8'))
const hex = (s) => Buffer.from(s, 'hex')
const hkdf = (ikm, salt, info) => Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info), 32))
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
const i64 = (n) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b }
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b }

test('key hierarchy', () => {
  const h = doc.key_hierarchy
  assert.equal(hkdf(hex(h.master_key), hex(h.vault_id), 'bunkerlite/v2/wrap/master').toString('hex'), h.wrapping_key)
  assert.equal(doc.envelopes[0].key, h.wrapping_key)
  assert.equal(doc.envelopes[0].plaintext, h.root_key)
})

test('associated data of every envelope', () => {
  for (const e of doc.envelopes) {
    const header = Buffer.concat([Buffer.from([2]), u32(e.key_id)])
    assert.deepEqual(hex(e.envelope).subarray(0, 5), header)
    const slot = Buffer.from(e.slot)
    const record = hex(e.record)
    const row = e.row === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), i64(e.row.version), i64(e.row.created_ms), i64(e.row.updated_ms)])
    const ad = Buffer.concat([Buffer.from('bunkerlite/v2\0'), header, hex(e.vault_id), Buffer.from([slot.length]), slot, u32(record.length), record, row])
    assert.equal(ad.toString('hex'), e.ad, e.slot)
  }
})

test('blind indexes', () => {
  const h = doc.key_hierarchy
  for (const c of doc.blind_indexes) {
    const key = hkdf(hex(h.index_root), hex(h.vault_id), `bunkerlite/v2/index/${c.field}`)
    const mac = createHmac('sha256', key).update(c.normalized, 'utf8').digest()
    assert.equal(mac.subarray(0, 16).toString('hex'), c.index, JSON.stringify(c))
  }
})

test('audit chain MACs', () => {
  const opt = (b) => (b === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), b]))
  let prev = Buffer.alloc(32)
  for (const e of doc.audit_chain.events) {
    // Format 12 (label v3) covers the SHA-256 of the sealed details instead of the details.
    const label = e.label ?? 'bunkerlite/v2/audit'
    let details = e.details === null ? null : hex(e.details)
    if (details !== null && label === 'bunkerlite/v3/audit') details = createHash('sha256').update(details).digest()
    const parts = [
      Buffer.from(label), prev, u64(e.seq), i64(e.time_ms), Buffer.from(e.actor),
      opt(e.purpose === null ? null : Buffer.from(e.purpose)), Buffer.from(e.action),
      opt(e.subject === null ? null : hex(e.subject)), opt(e.subject_id === null ? null : i64(e.subject_id)),
      opt(e.version === null ? null : i64(e.version)), Buffer.from(e.outcome), opt(details)
    ]
    const mac = createHmac('sha256', hex(doc.audit_chain.key))
    for (const p of parts) mac.update(u64(p.length)).update(p)
    prev = mac.digest()
    assert.equal(prev.toString('hex'), e.mac, `event ${e.seq}`)
  }
})

test('normalisation is the one the vault uses', () => {
  for (const c of doc.blind_indexes) {
    const vault = Vault.openInMemory(MasterKey.generate(), { indexed_fields: ['customer_id'], default_region: c.default_region })
    const token = vault.createSubject({ [c.field]: c.input })
    assert.equal(vault.getSubject({ [c.field]: c.normalized }).token, token)
    vault.close()
  }
})
