// The Node side of bench/bindings.sh: the workload of core/benches/calls.rs, one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { profile } from './profile.mjs'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('../bindings/node')
const [BATCHES, BATCH, GETS, PASSES] = [20, 1000, 10_000, 20]
const [TOKEN_BATCHES, BATCH_TOKENS, TOKEN_PASSES] = [5, 10_000, 3]

const dir = mkdtempSync(join(process.env.BUNKERLITE_BENCH_DIR ?? '.', 'calls-'))
const vault = Vault.open(join(dir, 'calls.db'), MasterKey.generate())
const batches = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, k) => profile(b * BATCH + k)))
let start = process.hrtime.bigint()
const tokens = []
for (const batch of batches) tokens.push(...vault.createSubjects(batch, { actor: 'app:bench' }))
const createUs = Number(process.hrtime.bigint() - start) / 1e3 / (BATCHES * BATCH)
const picks = Array.from({ length: GETS }, (_, i) => ({ token: tokens[(i * 7919) % tokens.length] }))
const opts = { actor: 'app:bench' }
let getUs = Infinity
for (let pass = 0; pass < PASSES; pass++) { // the best pass counts, as in the Rust and Python runs
  start = process.hrtime.bigint()
  for (const p of picks) vault.getSubject(p, opts)
  getUs = Math.min(getUs, Number(process.hrtime.bigint() - start) / 1e3 / GETS)
}
const values = Array.from({ length: TOKEN_BATCHES * BATCH_TOKENS }, (_, i) => `tok-value-${i}`)
start = process.hrtime.bigint()
const vaulted = []
for (let b = 0; b < TOKEN_BATCHES; b++) {
  const batch = vault.tokenizeMany(values.slice(b * BATCH_TOKENS, (b + 1) * BATCH_TOKENS), null, opts)
  for (const item of batch.items) vaulted.push(item.token)
}
const tokenizeUs = Number(process.hrtime.bigint() - start) / 1e3 / values.length
let detokenizeUs = Infinity
for (let pass = 0; pass < TOKEN_PASSES; pass++) { // the best pass counts, as in the Rust and Python runs
  start = process.hrtime.bigint()
  for (let b = 0; b < TOKEN_BATCHES; b++) vault.detokenizeMany(vaulted.slice(b * BATCH_TOKENS, (b + 1) * BATCH_TOKENS), null, opts)
  detokenizeUs = Math.min(detokenizeUs, Number(process.hrtime.bigint() - start) / 1e3 / values.length)
}
vault.close()
rmSync(dir, { recursive: true, force: true })
console.log(JSON.stringify({ lang: 'node', create_batched_us: createUs, get_by_token_us: getUs, tokenize_batched_us: tokenizeUs, detokenize_batched_us: detokenizeUs }))
