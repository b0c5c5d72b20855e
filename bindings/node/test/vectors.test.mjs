// The shared scenarios of tests/vectors/scenarios.json, run against the Node binding.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Vault, MasterKey } = require('..')
const here = dirname(fileURLToPath(import.meta.url))
const doc = JSON.parse(readFileSync(join(here, '../../../tests/vectors/scenarios.json'), 'utf8'))

function substitute (v, saved) {
  if (typeof v === 'string' && v.startsWith('$')) {
    if (!(v.slice(1) in saved)) throw new Error(`unknown variable ${v}`)
    return saved[v.slice(1)]
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

class Run {
  constructor (scenario) {
    this.options = scenario.options ?? null
    const key = MasterKey.fromHex(doc.key)
    if (scenario.file) {
      this.dir = mkdtempSync(join(tmpdir(), 'bunkerlite-node-vectors-'))
      this.path = join(this.dir, 'vault.db')
      this.vault = Vault.open(this.path, key, this.options)
    } else {
      this.vault = Vault.openInMemory(key, this.options)
    }
  }

  step (s) {
    const v = this.vault
    const opts = { actor: s.actor ?? 'app', offset: s.offset, limit: s.limit }
    switch (s.op) {
      case 'create_subject': return v.createSubject(s.profile, opts)
      case 'create_subjects': return v.createSubjects(s.profiles, opts)
      case 'get_subject': return v.getSubject(s.lookup, opts)
      case 'get_subjects': return v.getSubjects(s.lookups, opts)
      case 'update_subject': return v.updateSubject(s.lookup, s.patch, opts)
      case 'forget_subject': return v.forgetSubject(s.lookup, opts)
      case 'audit_events': return v.auditEvents(s.token, opts)
      case 'audit_all': return v.auditAll(opts)
      case 'audit_head': return v.auditHead()
      case 'audit_verify': return v.auditVerify(s.anchor ?? null)
      case 'compact': return v.compact(opts)
      case 'audit_flush': return v.auditFlush()
      case 'close': return v.close()
      case 'reopen':
        v.close()
        this.vault = Vault.open(this.path, MasterKey.fromHex(s.key), this.options)
        return null
      default: throw new Error(`unknown op ${s.op}`)
    }
  }

  done () {
    this.vault.close()
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }
}

test('there are enough scenarios', () => assert.ok(doc.scenarios.length >= 40))

for (const scenario of doc.scenarios) {
  test(scenario.name, () => {
    if (scenario.open_error) {
      assert.throws(() => new Run(scenario), (e) => e.code === scenario.open_error)
      return
    }
    const run = new Run(scenario)
    const saved = {}
    try {
      scenario.steps.forEach((raw, i) => {
        const s = substitute(raw, saved)
        const at = `step ${i} (${s.op})`
        if (s.error) {
          assert.throws(() => run.step(s), (e) => e instanceof Error && e.code === s.error, at)
          return
        }
        const result = run.step(s)
        if ('expect' in s) assert.ok(matches(s.expect, result), `${at}: expected ${JSON.stringify(s.expect)}, got ${JSON.stringify(result)}`)
        if ('expect_len' in s) assert.equal(result.length, s.expect_len, at)
        if (raw.save) {
          if (Array.isArray(result)) result.forEach((item, k) => { saved[`${raw.save}${k}`] = item })
          saved[raw.save] = result
        }
      })
    } finally {
      run.done()
    }
  })
}
