// The shared scenarios of tests/vectors/scenarios/ (one file per area), run against the Node binding (sync and,
// in a second pass, async). Operations are called by name from tests/vectors/operations.json
// (generated from the one declaration of each operation), so a new operation needs no case here;
// `close` and `reopen` are the runner's.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('..')
const here = dirname(fileURLToPath(import.meta.url))
// Every scenario of every file of the folder (in file-name order), with its file's master key.
const folder = join(here, '../../../tests/vectors/scenarios')
const scenarios = readdirSync(folder).filter((f) => f.endsWith('.json')).sort()
  .flatMap((f) => {
    const doc = JSON.parse(readFileSync(join(folder, f), 'utf8'))
    return doc.scenarios.map((scenario) => ({ key: doc.key, scenario }))
  })
const operations = new Map(JSON.parse(readFileSync(join(here, '../../../tests/vectors/operations.json'), 'utf8')).operations.map((op) => [op.name, op]))

function substitute (v, saved) {
  if (typeof v === 'string' && v.startsWith('$')) {
    const [name, field] = v.slice(1).split('.')
    if (!(name in saved)) throw new Error(`unknown variable ${v}`)
    return field === undefined ? saved[name] : saved[name][field]
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, saved))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, saved)]))
  return v
}

function matches (expected, actual) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(e, actual[i]))
  }
  if (expected && typeof expected === 'object') {
    return actual !== null && typeof actual === 'object' && !Array.isArray(actual) &&
      Object.entries(expected).every(([k, e]) => k in actual && matches(e, actual[k]))
  }
  return expected === actual
}

// The PostgreSQL test cluster's URL (the test command starts one with scripts/pg_cluster.sh).
const postgres = process.env.BUNKERLITE_TEST_POSTGRES

class Run {
  constructor (keyHex, scenario, backend) {
    this.options = scenario.options ?? null
    const key = MasterKey.fromHex(keyHex)
    if (backend === 'postgres') {
      // A fresh schema of the cluster per scenario.
      this.path = `${postgres}${postgres.includes('?') ? '&' : '?'}schema=node_vectors_${randomBytes(6).toString('hex')}`
      this.vault = Vault.open(this.path, key, this.options)
    } else if (scenario.file) {
      this.dir = mkdtempSync(join(tmpdir(), 'bunkerlite-node-vectors-'))
      this.path = join(this.dir, 'vault.db')
      this.vault = Vault.open(this.path, key, this.options)
    } else {
      this.vault = Vault.openInMemory(key, this.options)
    }
  }

  /** The arguments of operation `op` from step `s`, as the layer method takes them. */
  args (op, s) {
    const args = []
    let opts
    for (const arg of op.args) {
      if (arg.kind === 'caller' || arg.kind === 'page' || arg.kind === 'flag') {
        opts ??= {}
        const keys = arg.kind === 'caller' ? ['actor', 'purpose'] : arg.kind === 'page' ? ['cursor', 'limit'] : [arg.name]
        for (const k of keys) if (k in s) opts[k] = s[k]
      } else if (arg.kind === 'key') {
        args.push(MasterKey.fromHex(s[arg.name]))
      } else {
        args.push(s[arg.name])
      }
    }
    if (opts !== undefined) args.push(opts)
    return args
  }

  step (s) {
    const op = operations.get(s.op)
    if (op) return this.vault[op.js](...this.args(op, s))
    switch (s.op) {
      case 'close': return this.vault.close()
      case 'reopen':
        this.vault.close()
        this.vault = Vault.open(this.path, MasterKey.fromHex(s.key), s.options ?? this.options) // a reopen may give its own options
        return null
      default: throw new Error(`unknown op ${s.op}`)
    }
  }

  async stepAsync (s) {
    const op = operations.get(s.op)
    if (op) return await this.vault[`${op.js}Async`](...this.args(op, s))
    return this.step(s)
  }

  done () {
    this.vault.close()
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }
}

test('there are enough scenarios, each named once', () => {
  assert.ok(scenarios.length >= 40)
  assert.equal(new Set(scenarios.map(({ scenario }) => scenario.name)).size, scenarios.length)
})

test('the PostgreSQL test cluster is named (BUNKERLITE_TEST_POSTGRES; scripts/pg_cluster.sh start DIR)', () => {
  // Without it the PostgreSQL runs below are not registered; this test says so as a failure.
  assert.ok(postgres, 'BUNKERLITE_TEST_POSTGRES is not set')
})

const backends = postgres ? ['sqlite', 'postgres'] : ['sqlite']
for (const backend of backends) for (const mode of ['sync', 'async']) {
  for (const { key, scenario } of scenarios) {
    if (!(scenario.backends ?? [backend]).includes(backend)) continue
    test(`${scenario.name} (${mode}, ${backend})`, async () => {
      if (scenario.open_error) {
        assert.throws(() => new Run(key, scenario, backend), (e) => e.code === scenario.open_error)
        return
      }
      const run = new Run(key, scenario, backend)
      const step = mode === 'sync' ? async (s) => run.step(s) : (s) => run.stepAsync(s)
      const saved = {}
      try {
        for (const [i, raw] of scenario.steps.entries()) {
          const s = substitute(raw, saved)
          const at = `step ${i} (${s.op})`
          if (s.error) {
            await assert.rejects(step(s), (e) => e instanceof Error && e.code === s.error, at)
            continue
          }
          const result = await step(s)
          if ('expect' in s) assert.ok(matches(s.expect, result), `${at}: expected ${JSON.stringify(s.expect)}, got ${JSON.stringify(result)}`)
          if ('expect_not' in s) assert.ok(!matches(s.expect_not, result), `${at}: must not match ${JSON.stringify(s.expect_not)}, got ${JSON.stringify(result)}`)
          if ('expect_len' in s) assert.equal(result.length, s.expect_len, at)
          if (raw.save) {
            if (Array.isArray(result)) result.forEach((item, k) => { saved[`${raw.save}${k}`] = item })
            saved[raw.save] = result
          }
        }
      } finally {
        run.done()
      }
    })
  }
}

// tests/vectors/bad_arguments.json: every bad value of every kind, for every argument of every
// operation (the others valid), throws (sync) and rejects (async) with the expected code.
const bad = JSON.parse(readFileSync(join(here, '../../../tests/vectors/bad_arguments.json'), 'utf8'))
test('every argument of every operation refuses every bad value, sync and async', async () => {
  const vault = Vault.openInMemory(MasterKey.generate())
  const token = vault.createSubject({ email: 'ann@example.org' })
  const valid = (kind) => ({ lookup: { token }, lookups: [{ token }], doc: {}, docs: [{}], opt_str: token, str: 'x', strs: ['x'], opt_doc: null, anchor: null, key: MasterKey.generate() })[kind]
  let checked = 0
  for (const op of operations.values()) {
    for (const [index, target] of op.args.entries()) {
      for (const c of bad.kinds[target.kind]) {
        const args = []
        let opts
        for (const [i, arg] of op.args.entries()) {
          if (arg.kind === 'caller' || arg.kind === 'page' || arg.kind === 'flag') {
            opts ??= {}
            if (i === index && arg.kind === 'flag') opts[arg.name] = c.value
            else if (i === index) for (const [k, v] of Object.entries(c)) if (k !== 'type' && k !== 'code') opts[k] = v
          } else {
            args.push(i === index ? c.value : valid(arg.kind))
          }
        }
        if (opts !== undefined) args.push(opts)
        const expected = (e) => e instanceof Error && e.code === (c.code ?? 'INVALID_INPUT')
        const at = `${op.js}(${target.kind}: ${JSON.stringify(c)})`
        assert.throws(() => vault[op.js](...args), expected, at)
        await assert.rejects(vault[`${op.js}Async`](...args), expected, at)
        checked++
      }
    }
  }
  assert.ok(checked > 100, `${checked} cases`)
  vault.close()
})
