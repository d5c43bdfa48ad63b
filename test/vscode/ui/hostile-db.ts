// A repository whose alembic.ini names a database server that is not this machine (here: a fake
// PostgreSQL on this machine's non-loopback address that captures any password it is sent), with
// PGPASSWORD set in the editor's environment. Before: the database was read on open, no click, and
// the fake server captured PGPASSWORD. Now the extension asks once per workspace before the first
// connection and, when allowed, still never sends PGPASSWORD / ~/.pgpass to that host.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAlembicProject } from '../../support/alembic-project';
import { startFakePostgres } from '../../support/fake-postgres';
import type { UiTest } from '../harness';
import { LINEAR } from '../fixtures';
import { until } from '../workbench';

const SECRET = 'UiEnvSecret-3d1c';

function externalAddress(): string | null {
  for (const a of Object.values(os.networkInterfaces()).flat()) {
    if (a && !a.internal && a.family === 'IPv4') return a.address;
  }
  return null;
}

export const hostileDbTests: UiTest[] = [
  {
    title: 'a server only alembic.ini names: asked once before connecting; when allowed, PGPASSWORD is not sent to it',
    folder: 'hostile-db',
    timeoutMs: 240_000,
    async run(t) {
      const address = externalAddress();
      if (address === null) throw new Error('this machine has no non-loopback IPv4 address to test with');
      const fake = await startFakePostgres('md5', '0.0.0.0');
      t.defer(() => fake.stop());
      const host = `${address}:${fake.port}`;
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-hostile-'));
      const project = await writeAlembicProject({ dir, url: `postgresql://app@${host}/app`, revisions: LINEAR });
      t.defer(() => project.remove());

      const { wb } = await t.openWorkbench(dir, { env: { PGPASSWORD: SECRET } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until('the tree to say the server is not connected yet', 60_000, async () => {
        const rows = await wb.treeRows(pane);
        return rows.some((r) => r.text.includes('Not connected')) ? true : undefined;
      }, async () => JSON.stringify(await wb.treeRows(pane)));
      if (fake.connections !== 0) throw new Error(`connected ${fake.connections} time(s) before the user allowed it`);
      await wb.shot('asked before connecting');
      const asked = await wb.clickNotificationButton(`names the database server ${host}`, 'Connect');
      if (!asked.includes('alembic.ini')) throw new Error(`the question does not name the file:\n${asked}`);
      await until('the allowed connection', 60_000, () => (fake.connections > 0 ? true : undefined));
      await until('the tree to show the password was not sent', 60_000, async () => {
        const rows = await wb.treeRows(pane);
        return rows.some((r) => /PGPASSWORD|password/i.test(r.text)) ? true : undefined;
      }, async () => JSON.stringify(await wb.treeRows(pane)));
      if (fake.passwords.length !== 0) throw new Error(`the fake server received ${fake.passwords.length} password message(s)`);
      await wb.shot('connected without sending PGPASSWORD');
    },
  },
];
