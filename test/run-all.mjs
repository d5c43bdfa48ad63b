// The one test command: builds, compiles, then runs every suite and ends with
// a single line `N passed, N failed` (plus `, N skipped` when any were skipped).
//   node test/run-all.mjs            all suites
//   node test/run-all.mjs unit db    only those suites
//   node test/run-all.mjs lint       only the lint step (ESLint + import cycles)
// Suites: unit (pure core + io), diff (core vs real Alembic), server (LSP over stdio),
// db (real PostgreSQL + real alembic), vscode (real VS Code in code-server).
// The lint step (ESLint with type information, then scripts/import-cycles.mjs) runs with every
// full run and when `lint` is named; any finding fails the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['unit', 'diff', 'server', 'db', 'vscode'];
const args = process.argv.slice(2);
const lint = args.length === 0 || args.includes('lint');
const wanted = args.length ? args.filter((a) => a !== 'lint') : all;
for (const s of wanted) {
  if (!all.includes(s)) {
    console.error(`unknown suite '${s}' (known: ${all.join(', ')})`);
    process.exit(2);
  }
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const countsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-tests-')), 'counts.jsonl');
let buildFailed = 0;
if (run('node', ['esbuild.mjs']) !== 0) buildFailed++;
if (run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']) !== 0) buildFailed++;
let lintFailed = 0;
if (lint) {
  console.log('\n=== lint ===');
  if (run(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', '.']) !== 0) lintFailed++;
  if (run(process.execPath, [path.join(root, 'scripts/import-cycles.mjs')]) !== 0) lintFailed++;
  console.log(lintFailed ? `lint: ${lintFailed} step(s) failed` : 'lint: no findings');
}

const exitCodes = {};
for (const suite of wanted) {
  console.log(`\n=== suite: ${suite} ===`);
  const env = { ALEMBIC_TEST_COUNTS: countsFile, ALEMBIC_TEST_SUITE: suite };
  if (suite === 'vscode') {
    exitCodes[suite] = run('node', ['out/test/vscode/run.js'], env);
  } else {
    const dir = `out/test/${suite}`;
    if (!fs.existsSync(path.join(root, dir))) {
      console.log(`(no tests in ${dir})`);
      continue;
    }
    exitCodes[suite] = run(process.execPath, [
      path.join(root, 'node_modules/mocha/bin/mocha.js'),
      '--reporter', path.join(root, 'test/support/count-reporter.js'),
      '--recursive', '--timeout', '60000', '--exit',
      `${dir}/**/*.test.js`,
    ], env);
  }
}

let passed = 0;
let failed = buildFailed + lintFailed;
let skipped = 0;
const seen = new Set();
if (fs.existsSync(countsFile)) {
  for (const line of fs.readFileSync(countsFile, 'utf8').split('\n').filter(Boolean)) {
    const c = JSON.parse(line);
    seen.add(c.suite);
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped ?? 0;
    console.log(`${c.suite}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
  }
}
// A suite that crashed before reporting counts is one failure, never silently zero.
for (const [suite, code] of Object.entries(exitCodes)) {
  if (code !== 0 && !seen.has(suite)) {
    console.log(`${suite}: crashed with exit code ${code} before reporting results`);
    failed++;
  }
}
fs.rmSync(path.dirname(countsFile), { recursive: true, force: true });
if (buildFailed) console.log(`build/type-check: ${buildFailed} step(s) failed`);
if (lintFailed) console.log(`lint: ${lintFailed} step(s) failed (npm run lint)`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
