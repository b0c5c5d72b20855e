// tests/vectors/crypto.json, checked with Node's own HKDF/HMAC (independent of bunkerlite's code),
// and the normalised forms observed through lookups on a live vault.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { hkdfSync, createHmac } from 'node:crypto'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('..')
const doc = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../tests/vectors/crypto.json'), 'utf8'))
const hex = (s) => Buffer.from(s, 'hex')
const hkdf = (ikm, salt, info) => Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info), 32))

test('key hierarchy', () => {
  const h = doc.key_hierarchy
  assert.equal(hkdf(hex(h.master_key), hex(h.vault_id), 'bunkerlite/v1/kek').toString('hex'), h.kek)
  assert.equal(hkdf(hex(h.master_key), hex(h.vault_id), 'bunkerlite/v1/key-check').toString('hex'), h.key_check)
})

test('blind indexes', () => {
  const h = doc.key_hierarchy
  for (const c of doc.blind_indexes) {
    const key = hkdf(hex(h.index_root), hex(h.vault_id), `bunkerlite/v1/index/${c.field}`)
    const mac = createHmac('sha256', key).update(c.normalized, 'utf8').digest()
    assert.equal(mac.subarray(0, 16).toString('hex'), c.index, JSON.stringify(c))
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
