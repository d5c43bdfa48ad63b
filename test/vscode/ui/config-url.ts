// The config is parsed once, by the language server (issue 12, point 2): the extension reads the
// database through the URL of alembic.ini that the server answers (alembic/databaseUrl), and with
// `alembic.trace.server: verbose` the message trace, written to the "Alembic Language Server"
// output's log file, shows that answer with the password masked. No log file of the session holds
// the password.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAlembicProject } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { ALEMBIC, LINEAR } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates } from './tree-states';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export const configUrlTests: UiTest[] = [
  {
    title: 'the state is read through the URL the server parsed from alembic.ini; the verbose trace shows that answer masked, no log holds the password',
    folder: 'config-url-trace',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const url = await pg.createDatabase('traced');
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-traced-'));
      t.defer(() => fs.rm(dir, { recursive: true, force: true }));
      // The URL (with its password) is in alembic.ini only: no databaseUrl setting.
      const project = await writeAlembicProject({ dir, url, revisions: LINEAR });
      await new Promise<void>((resolve, reject) => {
        execFile(ALEMBIC, ['-c', project.ini, 'upgrade', LINEAR[1].id], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`alembic upgrade failed: ${stdout}${stderr}`)) : resolve(),
        );
      });
      const { server, wb } = await t.openWorkbench(dir, { userSettings: { 'alembic.trace.server': 'verbose' } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [
        { id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'current' },
        { id: LINEAR[2].id, message: LINEAR[2].message ?? '', state: 'pending' },
      ], 90_000);
      await wb.shot('states read through the config URL');

      const logs = path.join(server.userDataDir, 'logs');
      const masked = `postgresql://${pg.user}:***@${pg.host}:${pg.port}/traced`;
      const trace = await until('the trace to show the alembic/databaseUrl answer, masked', 30_000, async () => {
        const files = (await filesUnder(logs)).filter((f) => path.basename(f).includes('Alembic Language Server'));
        const text = (await Promise.all(files.map((f) => fs.readFile(f, 'utf8')))).join('\n');
        return text.includes("'alembic/databaseUrl") && text.includes(masked) ? text : undefined;
      }, async () => (await filesUnder(logs)).map((f) => path.relative(logs, f)).join(', '));
      if (!/Params: \{/.test(trace)) throw new Error('the trace is not verbose: no message parameters in it');
      for (const file of await filesUnder(server.root)) {
        if (!/\.(log|txt|json)$/.test(file)) continue;
        const text = await fs.readFile(file, 'utf8').catch(() => '');
        if (text.includes(pg.password)) throw new Error(`${path.relative(server.root, file)} holds the database password`);
      }
    },
  },
];
