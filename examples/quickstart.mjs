// bunkerlite quickstart (Node): create, look up, update, tokenize, read the audit trail, erase.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('bunkerlite')

// In production the key comes from your secret store: MasterKey.fromEnv('BUNKERLITE_KEY').
const key = MasterKey.generate()
const vault = await Vault.openAsync(join(mkdtempSync(join(tmpdir(), 'bunkerlite-')), 'vault.db'), key, null)

// Every audited call names who acts and, optionally, why (a processing activity).
const token = await vault.createSubjectAsync({ email: 'Ann.Lee@Example.com', name: 'Ann Lee' }, { actor: 'app:signup' })
console.log('created subject', token)

let ann = await vault.getSubjectAsync({ email: 'ann.lee@example.com' }, { actor: 'app:billing', purpose: 'invoicing' })
console.log('found by email:', ann.profile.name)

ann = await vault.updateSubjectAsync({ token }, { phone: '+49 30 901820' }, { actor: 'app:crm' })
console.log(`updated to version ${ann.version}:`, ann.profile)

// A token stands in for one value elsewhere (here a card number); only the vault maps it back.
// Linked to the subject, it is erased with her.
const card = await vault.tokenizeAsync('4111 1111 1111 1111', { kind: 'card', keep_last: 4, subject: token }, { actor: 'app:payments' })
console.log('card token:', card, '->', await vault.detokenizeAsync(card, { mask: {} }, { actor: 'app:support', purpose: 'support' }))

for (const event of (await vault.listAuditEventsAsync(token, { actor: 'admin:dpo', limit: 10 })).items.reverse()) {
  console.log(`audit #${event.seq} ${event.actor} (${event.purpose ?? '-'}) ${event.action} -> ${event.outcome}`)
}

const receipt = await vault.forgetSubjectAsync({ token }, { actor: 'admin:dpo' })
console.log(`erased: ${receipt.index_entries_removed} index entries and ${receipt.tokens_removed} token removed, residue scrubbed: ${receipt.residue_scrubbed}`)
try {
  await vault.getSubjectAsync({ token }, { actor: 'app:billing' })
} catch (e) {
  console.log('after erasure:', e.code)
}
// Rewrite the file so no stale copy of the erased rows survives (run after erasures, e.g. nightly).
const compacted = await vault.compactAsync({ actor: 'admin:dpo' })
console.log(`compacted: ${compacted.bytes_before} -> ${compacted.bytes_after} bytes`)
console.log('audit chain verified:', (await vault.verifyAuditAsync(null)).events, 'events')
vault.close()
