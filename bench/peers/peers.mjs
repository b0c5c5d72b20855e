// The Node side of bench/peers/run.sh: bunkerlite against what a Node developer would use instead
// to keep personal data in an embedded database, on the workload of peers.py (see there).
//
// Contenders: bunkerlite through its Node binding (sync calls, default options);
// better-sqlite3-multiple-ciphers in SQLCipher 4 mode (every page encrypted, one key);
// DIY: better-sqlite3 + node:crypto AES-256-GCM (random nonce per row, one application key) and
// HMAC-SHA256 blind indexes of email and phone, no audit; plain better-sqlite3 (no encryption).
// Prints one JSON object for run.sh.
import { randomBytes, createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { profile } from '../profile.mjs'

const here = new URL('.', import.meta.url).pathname
const require = createRequire(join(here, 'node', 'package.json'))
const Database = require('better-sqlite3')
const Ciphers = require('better-sqlite3-multiple-ciphers')
const { Vault, MasterKey } = require(resolve(here, '../../bindings/node'))

const N = Number(process.env.BUNKERLITE_PEERS_N ?? 20_000)
const ROUNDS = Number(process.env.BUNKERLITE_PEERS_ROUNDS ?? 3)
const BATCH = 1000
const ERASURES = 1000

// Permutations of 0..N-1, as in peers.py (numbers kept exact: products stay below 2^53).
const order = (step) => Array.from({ length: N }, (_, i) => Number((BigInt(i) * BigInt(step)) % BigInt(N)))
const CREATE_ORDER = order(7919)
const GET_ORDER = order(104_729)
const ERASE_ORDER = order(15_485_863).slice(0, ERASURES)
const BATCH_ERASE_ORDER = order(15_485_863).slice(ERASURES, 2 * ERASURES)
const ERASE_BATCH = 100

function pragmas (db) {
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.pragma('cache_size = -16384')
}

class Bunkerlite {
  static label = 'bunkerlite (Node binding, sync)'
  constructor (folder) { this.path = join(folder, 'vault.db'); this.key = MasterKey.generate(); this.open() }
  open () { this.vault = Vault.open(this.path, this.key) }
  close () { this.vault.close() }
  create (batch) { this.vault.createSubjects(batch, { actor: 'app:bench' }) }
  get (email) { return this.vault.getSubject({ email }, { actor: 'app:bench' }).profile }
  erase (email) { this.vault.forgetSubject({ email }, { actor: 'app:bench' }) }
  eraseMany (emails) { this.vault.forgetSubjects(emails.map((email) => ({ email })), { actor: 'app:bench' }) }
}

class SqlCipher {
  static label = 'better-sqlite3-multiple-ciphers (SQLCipher 4)'
  constructor (folder) {
    this.path = join(folder, 'sqlcipher.db')
    this.key = randomBytes(32).toString('hex')
    this.open()
    this.db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, phone TEXT NOT NULL UNIQUE, profile TEXT NOT NULL)')
    this.prepare()
  }

  open () {
    this.db = new Ciphers(this.path)
    this.db.pragma("cipher = 'sqlcipher'")
    this.db.pragma('legacy = 4')
    this.db.pragma(`key = "x'${this.key}'"`)
    pragmas(this.db)
    if (this.insert) this.prepare()
  }

  prepare () {
    this.insert = this.db.prepare('INSERT INTO people (email, phone, profile) VALUES (?, ?, ?)')
    this.select = this.db.prepare('SELECT profile FROM people WHERE email = ?').pluck()
    this.delete = this.db.prepare('DELETE FROM people WHERE email = ?')
    this.batch = this.db.transaction((rows) => { for (const p of rows) this.insert.run(p.email, p.phone, JSON.stringify(p)) })
    this.deleteMany = this.db.transaction((emails) => { for (const e of emails) this.delete.run(e) })
  }

  close () { this.db.close() }
  create (batch) { this.batch(batch) }
  get (email) { return JSON.parse(this.select.get(email)) }
  erase (email) { this.delete.run(email) }
  eraseMany (emails) { this.deleteMany(emails) }
}

class Plain extends SqlCipher {
  static label = 'plain better-sqlite3 (no encryption)'
  open () {
    this.db = new Database(this.path)
    pragmas(this.db)
    if (this.insert) this.prepare()
  }
}

class Diy {
  static label = 'DIY: better-sqlite3 + node:crypto AES-GCM + HMAC index'
  constructor (folder) {
    this.path = join(folder, 'diy.db')
    this.key = randomBytes(32)
    this.indexKey = randomBytes(32)
    this.open()
    this.db.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, email_index BLOB NOT NULL UNIQUE, phone_index BLOB NOT NULL UNIQUE, data BLOB NOT NULL)')
    this.prepare()
  }

  open () {
    this.db = new Database(this.path)
    pragmas(this.db)
    if (this.insert) this.prepare()
  }

  prepare () {
    this.insert = this.db.prepare('INSERT INTO people (email_index, phone_index, data) VALUES (?, ?, ?)')
    this.select = this.db.prepare('SELECT data FROM people WHERE email_index = ?').pluck()
    this.delete = this.db.prepare('DELETE FROM people WHERE email_index = ?')
    this.batch = this.db.transaction((rows) => { for (const r of rows) this.insert.run(...r) })
    this.deleteMany = this.db.transaction((emails) => { for (const e of emails) this.delete.run(this.index('email', e)) })
  }

  index (field, value) { return createHmac('sha256', this.indexKey).update(`${field}:${value.trim().toLowerCase()}`).digest() }
  seal (p) {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    const body = Buffer.concat([cipher.update(JSON.stringify(p)), cipher.final()])
    return Buffer.concat([nonce, cipher.getAuthTag(), body])
  }

  open_ (data) {
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12))
    decipher.setAuthTag(data.subarray(12, 28))
    return JSON.parse(Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString())
  }

  close () { this.db.close() }
  create (batch) { this.batch(batch.map((p) => [this.index('email', p.email), this.index('phone', p.phone), this.seal(p)])) }
  get (email) { return this.open_(this.select.get(this.index('email', email))) }
  erase (email) { this.delete.run(this.index('email', email)) }
  eraseMany (emails) { this.deleteMany(emails) }
}

const filesBytes = (folder) => readdirSync(folder).reduce((n, f) => n + statSync(join(folder, f)).size, 0)
const reveals = (folder) => readdirSync(folder).some((f) => readFileSync(join(folder, f)).includes('@example.org'))

function timed (n, f) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) f(i)
  return n / (Number(process.hrtime.bigint() - start) / 1e9)
}

function run (Kind, root) {
  const folder = mkdtempSync(join(root, 'c-'))
  const c = new Kind(folder)
  const profiles = CREATE_ORDER.map(profile)
  const batches = Array.from({ length: N / BATCH }, (_, b) => profiles.slice(b * BATCH, (b + 1) * BATCH))
  const creates = timed(batches.length, (b) => c.create(batches[b])) * BATCH
  c.close()
  const bytes = filesBytes(folder)
  c.open()
  const emails = GET_ORDER.map((i) => `user${i}@example.org`)
  const gets = timed(N, (i) => c.get(emails[i]))
  const erase = ERASE_ORDER.map((i) => `user${i}@example.org`)
  const erasures = timed(ERASURES, (i) => c.erase(erase[i]))
  const doomed = BATCH_ERASE_ORDER.map((i) => `user${i}@example.org`)
  const batched = timed(ERASURES / ERASE_BATCH, (b) => c.eraseMany(doomed.slice(b * ERASE_BATCH, (b + 1) * ERASE_BATCH)))
  c.close()
  return { contender: Kind.label, creates, gets, erasures, batched_erasures: batched * ERASE_BATCH, bytes, reveals_emails: reveals(folder) }
}

const root = mkdtempSync(join(process.env.BUNKERLITE_BENCH_DIR ?? '.', 'peers-'))
const rounds = []
for (let r = 0; r < ROUNDS; r++) {
  console.error(`node round ${r + 1}/${ROUNDS}`)
  rounds.push([Bunkerlite, SqlCipher, Diy, Plain].map((Kind) => run(Kind, root)))
}
rmSync(root, { recursive: true, force: true })
const version = new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get()
console.log(JSON.stringify({ language: 'Node', runtime: `Node ${process.versions.node}, SQLite ${version} (better-sqlite3)`, n: N, rounds }))
