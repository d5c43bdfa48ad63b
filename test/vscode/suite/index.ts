// The in-host mocha suite's entry: VS Code's extension test runner loads this module inside the
// real extension host and awaits run(). Used by both launchers — test/vscode/run.ts (code-server,
// via the smoke-test-driver payload) and test/vscode/electron.ts (@vscode/test-electron).
//
// When $ALEMBIC_VSCODE_RESULTS names a file, the counts and failures are written there as JSON
// (the code-server launcher reads it); the same JSON is logged as the last line, prefixed with
// RESULT_PREFIX. run() rejects when any test failed, so VS Code exits with code 1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export const RESULT_PREFIX = 'ALEMBIC_VSCODE_SUITE_RESULT ';

export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  tests: Array<{ title: string; state: 'passed' | 'failed' | 'skipped'; error?: string }>;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.ALEMBIC_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  const result: SuiteResult = { passed: 0, failed: 0, skipped: 0, tests: [] };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const line = JSON.stringify(result);
        const file = process.env.ALEMBIC_VSCODE_RESULTS;
        if (file) fs.writeFileSync(file, line + '\n');
        console.log(RESULT_PREFIX + line);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => {
        result.passed++;
        result.tests.push({ title: t.fullTitle(), state: 'passed' });
      });
      runner.on('fail', (t, err: unknown) => {
        result.failed++;
        const msg = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
        result.tests.push({ title: t.fullTitle(), state: 'failed', error: msg });
      });
      runner.on('pending', (t) => {
        result.skipped++;
        result.tests.push({ title: t.fullTitle(), state: 'skipped' });
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
