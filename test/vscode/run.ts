// The vscode suite: the extension in a real VS Code (code-server 4.139 = VS Code 1.139, real Node
// extension host), driven by headless Debian Chromium through playwright-core.
//   node out/test/vscode/run.js [--grep <regexp>]
// 1. makes sure code-server is installed in the cache (scripts/code-server.ts; ~4 min the first time),
// 2. runs the in-host mocha suite (test/vscode/suite/) inside the extension host,
// 3. runs the UI scenarios (test/vscode/ui/), each with a PNG per step under test-results/vscode/,
// then appends {"suite":"vscode",passed,failed,skipped} to $ALEMBIC_TEST_COUNTS and exits
// non-zero on any failure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer } from '../../scripts/code-server';
import { makeShared, REPO_ROOT, RESULTS_DIR, runUiTests, type Counts, type Shared } from './harness';
import { runInHostSuite } from './in-host';
import { installEnvTest } from './install-env';
import { packageTest } from './package';
import { graphWebviewTest } from './webview-graph';
import { createRevisionTests } from './ui/create-revision';
import { demoProjectTests } from './ui/demo-project';
import { graphTests } from './ui/graph';
import { graphActionTests } from './ui/graph-actions';
import { graphFirstScreenTests } from './ui/graph-first-screen';
import { treeFindTests } from './ui/tree-find';
import { mergeHeadsTests } from './ui/merge-heads';
import { paletteFlowTests } from './ui/palette-flows';
import { planTests } from './ui/plans';
import { refreshPolicyTests } from './ui/refresh-policy';
import { configUrlTests } from './ui/config-url';
import { sidebarStateTests } from './ui/sidebar-states';
import { storedPasswordTests } from './ui/stored-password';
import { smokeTests } from './ui/smoke';
import { upgradeDowngradeTests } from './ui/upgrade-downgrade';
import { workspaceTrustTests } from './ui/workspace-trust';
import { cleanExitTests } from './ui/clean-exit';
import { hostileDbTests } from './ui/hostile-db';
import { lintTests } from './ui/lint';

function report(counts: Counts): void {
  const file = process.env.ALEMBIC_TEST_COUNTS;
  const suite = process.env.ALEMBIC_TEST_SUITE || 'vscode';
  if (file) fs.appendFileSync(file, JSON.stringify({ suite, ...counts }) + '\n');
  console.log(`\n  vscode: ${counts.passed} passing, ${counts.failed} failing${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  console.log(`  screenshots: ${RESULTS_DIR}`);
}

function grepArg(): RegExp | undefined {
  const i = process.argv.indexOf('--grep');
  const g = i >= 0 ? process.argv[i + 1] : process.env.ALEMBIC_VSCODE_GREP;
  return g ? new RegExp(g, 'i') : undefined;
}

async function main(): Promise<number> {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const grep = grepArg();
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  for (const f of ['dist/extension.js', 'out/test/vscode/suite/index.js']) {
    if (!fs.existsSync(path.join(REPO_ROOT, f))) {
      console.log(`  ✘ ${f} is missing: run \`node esbuild.mjs && npx tsc -p .\` first`);
      counts.failed++;
      report(counts);
      return 1;
    }
  }
  if (!grep || grep.test('install environment')) await installEnvTest(counts);
  if (!grep || grep.test('graph webview page')) await graphWebviewTest(counts);
  let shared: Shared;
  try {
    shared = makeShared(await ensureCodeServer((l) => console.log(`  ${l}`)));
  } catch (e) {
    console.log(`  ✘ code-server could not be installed or started: ${e instanceof Error ? e.message : String(e)}`);
    counts.failed++;
    report(counts);
    return 1;
  }
  try {
    if (!grep || grep.test('in-host suite')) await runInHostSuite(shared, counts);
    await runUiTests(shared, 'UI: smoke', smokeTests, counts, grep);
    await runUiTests(shared, 'UI: scenario 1, upgrade and downgrade from the tree', upgradeDowngradeTests, counts, grep);
    // The same two against the extension installed from the .vsix: a file missing from the package fails them.
    const vsix = !grep || grep.test('package installed') ? packageTest(counts) : null;
    if (vsix) {
      await runUiTests(shared, 'UI (installed from the .vsix): smoke', smokeTests, counts, undefined, vsix);
      await runUiTests(shared, 'UI (installed from the .vsix): scenario 1, upgrade and downgrade from the tree', upgradeDowngradeTests, counts, undefined, vsix);
      // The graph webview loads its script, stylesheet and codicon font from the package: a missing asset fails it.
      await runUiTests(shared, 'UI (installed from the .vsix): the revision graph', graphTests, counts, undefined, vsix);
    }
    await runUiTests(shared, 'UI: scenario 2, create a revision from the command palette', createRevisionTests, counts, grep);
    await runUiTests(shared, 'UI: scenario 3, merge two heads with the quick fix', mergeHeadsTests, counts, grep);
    await runUiTests(shared, 'UI: the demo project', demoProjectTests, counts, grep);
    await runUiTests(shared, 'UI: more sidebar states', sidebarStateTests, counts, grep);
    await runUiTests(shared, 'UI: a stored database password', storedPasswordTests, counts, grep);
    await runUiTests(shared, 'UI: palette flows', paletteFlowTests, counts, grep);
    await runUiTests(shared, 'UI: plans as alembic runs them (issue 9)', planTests, counts, grep);
    await runUiTests(shared, 'UI: Workspace Trust', workspaceTrustTests, counts, grep);
    await runUiTests(shared, 'UI: clean exit', cleanExitTests, counts, grep);
    await runUiTests(shared, 'UI: when the database is read', refreshPolicyTests, counts, grep);
    await runUiTests(shared, 'UI: the config parsed once, by the server', configUrlTests, counts, grep);
    await runUiTests(shared, 'UI: a database server only the repository names', hostileDbTests, counts, grep);
    await runUiTests(shared, 'UI: the revision graph', graphTests, counts, grep);
    await runUiTests(shared, 'UI: acting on the revision graph', graphActionTests, counts, grep);
    await runUiTests(shared, 'UI: the revision graph at 400 revisions', graphFirstScreenTests, counts, grep);
    await runUiTests(shared, 'UI: finding revisions in the tree', treeFindTests, counts, grep);
    await runUiTests(shared, 'UI: the migration safety lint where decisions are made (issue 15)', lintTests, counts, grep);
  } finally {
    await shared.close();
  }
  report(counts);
  return counts.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
