// Workspace Trust on (as users have it): an untrusted folder whose .vscode/settings.json sets
// `alembic.command` to a command that writes a marker file, and whose alembic.ini names a
// reachable PostgreSQL. In Restricted Mode the revisions are listed from the files, nothing runs
// alembic (no marker) and nothing connects to the database (its session count on the server does
// not move); a command says why. Trusting the folder (Manage Workspace Trust → Trust) reads the
// database without a reload: the states appear. Then the workspace's command is used (marker):
// the probe could see it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness';
import { alembic, ALEMBIC, LINEAR, makeWorkspace } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates, rowsExpanded } from './tree-states';

const [users, orders, invoices, payments] = LINEAR.map((r) => ({ id: r.id, message: r.message ?? '' }));

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export const workspaceTrustTests: UiTest[] = [
  {
    title: 'Restricted Mode lists the revisions without running alembic or connecting; trusting the folder shows the states without a reload',
    folder: 'workspace-trust',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'trust';
      const ws = await makeWorkspace('trust', await pg.createDatabase(db), LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', orders.id]);
      const marker = path.join(ws.dir, '..', `${path.basename(ws.dir)}-alembic-ran`);
      t.defer(() => fs.rm(marker, { force: true }));
      // The repository's own settings: a command that leaves a marker, no URL (alembic.ini names it).
      await fs.writeFile(
        path.join(ws.dir, '.vscode', 'settings.json'),
        JSON.stringify({ 'alembic.command': ['/bin/sh', '-c', `touch '${marker}' && exec '${ALEMBIC}' "$@"`, 'alembic'] }, null, 2),
      );
      // Sessions ever opened to the project's database (counted by the server; asked from another database).
      const sessions = async (): Promise<number> => {
        const rows = await pg.sql(`SELECT sessions FROM pg_stat_database WHERE datname = '${db}'`, 'postgres');
        return Number(rows[0]?.sessions ?? -1);
      };
      const before = await sessions();

      const { wb } = await t.openWorkbench(ws.dir, { workspaceTrust: true });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until(
        'the Revisions view to list the four revisions and the Restricted Mode row',
        60_000,
        async () => {
          const rows = await rowsExpanded(wb, pane);
          const labels = rows.map((r) => r.message);
          return LINEAR.every((r) => labels.includes(r.message ?? '')) && labels.some((l) => /Restricted Mode/.test(l)) ? rows : undefined;
        },
        async () => JSON.stringify(await wb.treeRows(pane)),
      );
      await wb.shot('restricted mode');
      const rows = await wb.treeRows(pane);
      const withState = rows.filter((r) => /\b(applied|current|pending)\b/.test(r.description));
      if (withState.length > 0) throw new Error(`rows show database states in Restricted Mode: ${JSON.stringify(withState)}`);

      // A command that would run alembic says why instead.
      await wb.runCommand('Alembic: Upgrade to Head');
      await until('a notification about Restricted Mode', 20_000, async () => ((await wb.notificationsText()).includes('Restricted Mode') ? true : undefined), () => wb.notificationsText());
      await wb.shot('command refused');
      await wb.escape();
      await new Promise((r) => setTimeout(r, 2000));
      if (await exists(marker)) throw new Error('alembic ran in Restricted Mode (the marker file exists)');
      const during = await sessions();
      if (during !== before) throw new Error(`the database got ${during - before} connection(s) in Restricted Mode`);
      const version = (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num));
      if (version.join() !== orders.id) throw new Error(`the database moved in Restricted Mode: ${version.join()}`);

      // Trust the folder: the states appear, no reload.
      await wb.runCommand('Workspaces: Manage Workspace Trust');
      const trustButton = wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^\s*Trust( Folder)?\s*$/ }).first();
      await trustButton.waitFor({ state: 'visible', timeout: 20_000 });
      await wb.shot('trust editor');
      await trustButton.click();
      await wb.page.getByText('You trust this folder').first().waitFor({ state: 'visible', timeout: 20_000 });
      // The trust editor opens as a modal editor: close it.
      await wb.escape();
      await wb.page.locator('.monaco-modal-editor-block').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      await expectTreeStates(wb, pane, [
        { ...users, state: 'applied' },
        { ...orders, state: 'current' },
        { ...invoices, state: 'pending' },
        { ...payments, state: 'pending' },
      ]);
      await wb.shot('trusted: states');
      // The server's statistics are flushed when a session ends: poll a little.
      await until('the server to count the session that read the states (the count sees our reads)', 15_000, async () => ((await sessions()) > before ? true : undefined), async () => `${await sessions()} sessions, ${before} before`);

      // Trusted, the workspace's command runs (the marker shows the probe works).
      await wb.runCommand('Alembic: Show Current Revision');
      await until('the workspace alembic.command to run (marker file)', 60_000, async () => ((await exists(marker)) ? true : undefined));
    },
  },
];
