// Runs the in-host mocha suite (test/vscode/suite/) inside code-server's real Node extension host.
// No CLI flag does that: a headless Chromium page is the client, opening the workbench with the
// smoke-test driver's payload (extensionDevelopmentPath + extensionTestsPath). The driver calls
// window.codeAutomationExit(code) when the suite ends; the suite writes its counts to the file
// named by $ALEMBIC_VSCODE_RESULTS (the server's environment reaches its extension hosts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SuiteResult } from './suite/index';
import { indent, REPO_ROOT, RESULTS_DIR, TestRun, withTimeout, type Counts, type Shared } from './harness';
import { makeWorkspace, TWO_HEADS, TWO_HEAD_IDS } from './fixtures';

const SUITE_TIMEOUT_MS = 180_000;

function isSuiteResult(v: unknown): v is SuiteResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.passed === 'number' && typeof r.failed === 'number' && typeof r.skipped === 'number' && Array.isArray(r.tests);
}

export async function runInHostSuite(shared: Shared, counts: Counts): Promise<void> {
  console.log('\n  in-host suite (mocha inside the code-server extension host)');
  const t = new TestRun(shared, 'in-host suite', 'in-host');
  const started = Date.now();
  try {
    const pg = await shared.postgres();
    const ws = await makeWorkspace('inhost', await pg.createDatabase('inhost'), TWO_HEADS);
    t.defer(() => ws.project.remove());
    const resultsFile = path.join(ws.dir, '..', `${path.basename(ws.dir)}-results.json`);
    t.defer(async () => fs.rmSync(resultsFile, { force: true }));
    const heads = TWO_HEAD_IDS.map((id) => ws.project.files.get(id) ?? '');
    const server = await t.server({
      env: {
        ALEMBIC_VSCODE_RESULTS: resultsFile,
        ALEMBIC_VSCODE_HEAD_FILES: heads.join(path.delimiter),
        ...(process.env.ALEMBIC_VSCODE_GREP ? { ALEMBIC_VSCODE_GREP: process.env.ALEMBIC_VSCODE_GREP } : {}),
      },
    });
    const browser = await shared.browser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    t.defer(() => context.close());
    const page = await context.newPage();
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (resolveExit = r));
    const log: string[] = [];
    await page.exposeFunction('codeAutomationExit', (code: unknown) => resolveExit(typeof code === 'number' ? code : 1));
    await page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => {
      log.push(Array.isArray(args) ? args.map(String).join(' ') : String(args));
      if (log.length > 400) log.shift();
    });
    const url = server.workbenchUrl(ws.dir, {
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
    let code: number;
    try {
      code = await withTimeout(exited, SUITE_TIMEOUT_MS, 'the in-host suite');
    } catch (e) {
      fs.mkdirSync(t.shotsDir, { recursive: true });
      await page.screenshot({ path: path.join(t.shotsDir, 'timeout.png') }).catch(() => undefined);
      throw new Error(`${e instanceof Error ? e.message : String(e)}\ncode-server log:\n${server.logTail(20)}\nextension host log:\n${log.slice(-20).join('\n')}`);
    }
    let result: unknown = null;
    try {
      result = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as unknown;
    } catch {
      result = null;
    }
    if (!isSuiteResult(result)) {
      throw new Error(`the in-host suite exited with code ${code} without writing its results to ${resultsFile}\ncode-server log:\n${server.logTail(20)}\nlog:\n${log.slice(-30).join('\n')}`);
    }
    for (const test of result.tests) {
      const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✘' : '-';
      console.log(`    ${mark} ${test.title}`);
      if (test.error) console.log(indent(test.error, 8));
    }
    counts.passed += result.passed;
    counts.failed += result.failed;
    counts.skipped += result.skipped;
    if (code !== 0 && result.failed === 0) {
      counts.failed++;
      console.log(`    ✘ the extension host exited with code ${code} although no test failed`);
    }
    console.log(`    (${Math.round((Date.now() - started) / 1000)} s)`);
  } catch (e) {
    counts.failed++;
    console.log(`    ✘ in-host suite could not run`);
    console.log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e), 8));
    console.log(indent(`screenshots: ${path.join(RESULTS_DIR, 'in-host')}`, 8));
  } finally {
    await t.cleanup();
  }
}
