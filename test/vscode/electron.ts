// Desktop launcher for the SAME in-host mocha suite (test/vscode/suite/) through
// @vscode/test-electron: `npm run test:electron` on a machine with internet (it downloads VS Code;
// set VSCODE_EXECUTABLE=/path/to/code to use an installed one). CI here has no such download and
// uses test/vscode/run.ts (code-server) instead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeWorkspace, TWO_HEADS, TWO_HEAD_IDS } from './fixtures';
import { startPostgres } from '../support/postgres';

async function main(): Promise<number> {
  const extensionDevelopmentPath = path.resolve(__dirname, '..', '..', '..');
  const extensionTestsPath = path.join(__dirname, 'suite', 'index.js');
  const pg = await startPostgres();
  const ws = await makeWorkspace('electron', await pg.createDatabase('electron'), TWO_HEADS);
  const resultsFile = path.join(os.tmpdir(), `alembic-electron-results-${process.pid}.json`);
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-electron-ud-'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'alembic.command': ['/usr/bin/alembic'] }));
  try {
    const code = await runTests({
      extensionDevelopmentPath,
      extensionTestsPath,
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
      launchArgs: [ws.dir, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userData}`],
      extensionTestsEnv: {
        ALEMBIC_VSCODE_RESULTS: resultsFile,
        ALEMBIC_VSCODE_HEAD_FILES: TWO_HEAD_IDS.map((id) => ws.project.files.get(id) ?? '').join(path.delimiter),
      },
    });
    if (fs.existsSync(resultsFile)) {
      const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { passed: number; failed: number; skipped: number };
      console.log(`electron: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
    }
    return code;
  } finally {
    fs.rmSync(resultsFile, { force: true });
    fs.rmSync(userData, { recursive: true, force: true });
    await ws.project.remove();
    await pg.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
