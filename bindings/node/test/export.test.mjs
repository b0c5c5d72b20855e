// Export from Node: the document and the file both validate against the committed JSON Schema
// (schemas/export.schema.json) with a real validator (ajv, draft 2020-12), hold the subject's
// data and nobody else's, and the file form never replaces a file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('..')
const Ajv2020 = require('ajv/dist/2020').default
const here = dirname(fileURLToPath(import.meta.url))
const schema = JSON.parse(readFileSync(join(here, '..', '..', '..', 'schemas', 'export.schema.json'), 'utf8'))
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema)
const code = (c) => (e) => e instanceof Error && e.code === c

function populated () {
  const vault = Vault.openInMemory(MasterKey.generate(), { default_region: 'DE' })
  const ann = vault.createSubject({ email: 'ann.canary@example.org', name: 'Ann', address: { city: 'Berlin' } })
  const bob = vault.createSubject({ email: 'bob.canary@example.org', name: 'Bob Secret' })
  for (const [who, street, phone] of [[ann, 'Ann Street', '+49 30 901820'], [bob, 'Bob Street', '+49 30 901821']]) {
    const lookup = { token: who }
    vault.updateSubject(lookup, { phone })
    vault.putAppDocument(lookup, 'shipping', { street })
    vault.setSession({ cart: [street] }, { subject: who })
    vault.createShare(lookup, { of: 'profile', fields: ['name'], partner: 'courier' })
    vault.tokenize(`${street} 4111`, { subject: who })
  }
  vault.setLegalBasis('newsletter', { type: 'consent' }, { actor: 'admin:dpo' })
  vault.giveConsent({ token: ann }, 'newsletter', null, { actor: 'subject' })
  return { vault, ann, bob }
}

test('the export validates against the schema and holds only the subject', async () => {
  const { vault, ann, bob } = populated()
  const doc = vault.exportSubject({ email: 'ann.canary@example.org' }, { actor: 'admin:dpo' })
  assert.ok(validate(doc), JSON.stringify(validate.errors))
  assert.equal(doc.format, 'bunkerlite-export/1')
  assert.equal(doc.subject.token, ann)
  assert.deepEqual(doc.apps.map((a) => a.app), ['shipping'])
  assert.equal(doc.audit[0].action, 'consent.give')
  const text = JSON.stringify(doc)
  for (const other of [bob, 'bob.canary', 'Bob Secret', 'Bob Street', 'Ann Street 4111']) {
    assert.ok(!text.includes(other), other)
  }
  assert.equal(vault.verifyConsentReceipt(doc.consent).valid, true)
  const later = await vault.exportSubjectAsync({ token: ann })
  assert.ok(validate(later), JSON.stringify(validate.errors))
  assert.equal(later.audit[0].action, 'subject.export')
  // The schema is strict: an added or missing section fails it.
  assert.equal(validate({ ...doc, extra: 1 }), false)
  const { audit, ...noAudit } = doc
  assert.ok(audit.length > 0)
  assert.equal(validate(noAudit), false)
  vault.close()
})

test('the file streams, validates, is private and never replaced', () => {
  const { vault, ann } = populated()
  const dir = mkdtempSync(join(tmpdir(), 'bl-export-'))
  try {
    const path = join(dir, 'ann.json')
    const summary = vault.exportSubjectToFile({ token: ann }, path)
    const data = readFileSync(path)
    assert.equal(summary.bytes, data.length)
    assert.equal(summary.subject, ann)
    assert.equal(summary.sections.audit, 7)
    assert.ok(validate(JSON.parse(data.toString('utf8'))), JSON.stringify(validate.errors))
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.throws(() => vault.exportSubjectToFile({ token: ann }, path), code('INVALID_INPUT'))
    assert.deepEqual(readFileSync(path), data)
    assert.throws(() => vault.exportSubjectToFile({ email: 'nobody@example.org' }, join(dir, 'n.json')), code('NOT_FOUND'))
    assert.deepEqual(readdirSync(dir), ['ann.json'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
    vault.close()
  }
})
