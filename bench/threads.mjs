// The Node side of bench/threads.sh: gets by email and single-subject creates from 1, 2 and 4
// concurrent callers, the workload of core/benches/threads.rs, two ways Node code runs vault work
// in parallel:
// - async: one Vault, the `*Async` twins with that many calls in flight (they run on libuv's
//   thread pool while the event loop converts arguments and results);
// - workers: that many worker_threads, each with its own Vault handle on the same file, calling
//   the sync methods.
// Prints one JSON line: per round, operations per second by concurrency.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { profile } from './profile.mjs'

const here = new URL('.', import.meta.url).pathname
const { Vault, MasterKey } = createRequire(import.meta.url)(resolve(here, '../bindings/node'))

const N = Number(process.env.BUNKERLITE_BENCH_N ?? 20_000)
const SECONDS = Number(process.env.BUNKERLITE_BENCH_SECONDS ?? 2)
const ROUNDS = Number(process.env.BUNKERLITE_BENCH_ROUNDS ?? 3)
const THREADS = (process.env.BUNKERLITE_BENCH_THREADS ?? '1,2,4').split(',').map(Number)
const opts = { actor: 'app:bench' }

const lookup = (i) => ({ email: `user${(i * 104_729) % N}@example.org` })

// Sync work for SECONDS: operations done. `fresh` numbers this caller's new subjects.
function syncRun (vault, kind, first) {
  const until = performance.now() + SECONDS * 1000
  let i = 0
  for (; performance.now() < until; i++) {
    if (kind === 'gets') vault.getSubject(lookup(first + i * 7), opts)
    else vault.createSubject(profile(first + i), opts)
  }
  return i
}

if (!isMainThread) {
  const { path, key } = workerData
  const vault = Vault.open(path, MasterKey.fromHex(key))
  parentPort.on('message', ({ kind, first }) => {
    if (kind === 'close') { vault.close(); parentPort.close(); return }
    parentPort.postMessage(syncRun(vault, kind, first))
  })
} else {
  const root = mkdtempSync(join(process.env.BUNKERLITE_BENCH_DIR ?? '.', 'threads-'))
  const path = join(root, 'threads.db')
  const key = MasterKey.generate()
  const vault = Vault.open(path, key)
  for (let b = 0; b < N; b += 1000) {
    vault.createSubjects(Array.from({ length: Math.min(1000, N - b) }, (_, j) => profile(b + j)), opts)
  }
  for (let i = 0; i < N; i++) vault.getSubject(lookup(i), opts) // warm-up pass
  let fresh = N

  // `inFlight` async calls kept going for SECONDS: operations per second.
  async function asyncRate (kind, inFlight) {
    const until = performance.now() + SECONDS * 1000
    const start = performance.now()
    let done = 0
    const lane = async (l) => {
      for (let i = l; performance.now() < until; i += inFlight, done++) {
        if (kind === 'gets') await vault.getSubjectAsync(lookup(i * 7), opts)
        else await vault.createSubjectAsync(profile(fresh++), opts)
      }
    }
    await Promise.all(Array.from({ length: inFlight }, (_, l) => lane(l)))
    return done / ((performance.now() - start) / 1000)
  }

  const workers = await Promise.all(Array.from({ length: Math.max(...THREADS) }, () => new Promise((ok) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { path, key: key.toHex() } })
    w.once('online', () => ok(w))
  })))
  // `count` workers busy for SECONDS: operations per second.
  async function workerRate (kind, count) {
    const start = performance.now()
    const counts = await Promise.all(workers.slice(0, count).map((w) => new Promise((ok) => {
      w.once('message', ok)
      // Creates: each worker numbers its new subjects from a range of its own.
      const first = kind === 'gets' ? Math.floor(Math.random() * N) : fresh
      if (kind === 'creates') fresh += 1_000_000
      w.postMessage({ kind, first })
    })))
    return counts.reduce((a, b) => a + b, 0) / ((performance.now() - start) / 1000)
  }

  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const order = [...THREADS.slice(r % THREADS.length), ...THREADS.slice(0, r % THREADS.length)]
    const round = {}
    for (const [name, rate] of [['async', asyncRate], ['workers', workerRate]]) {
      for (const kind of ['gets', 'creates']) {
        round[`${name} ${kind}`] = {}
        for (const t of order) round[`${name} ${kind}`][t] = await rate(kind, t)
      }
    }
    rounds.push(round)
  }
  for (const w of workers) w.postMessage({ kind: 'close' })
  await Promise.all(workers.map((w) => new Promise((ok) => w.once('exit', ok))))
  vault.close()
  rmSync(root, { recursive: true, force: true })
  console.log(JSON.stringify({ lang: 'node', rounds }))
}
