// A password kept with "Alembic: Store Database Password…" (VS Code's secret storage) is used for
// the database whose URL has none, and an empty one forgets it: the extension notes in its global
// state which databases have one and asks the secret storage only for those (each lookup is a round
// trip to the workbench on the first paint's path), so storing and forgetting must keep the note.
import type { UiTest } from '../harness';
import { LINEAR, makeWorkspace } from '../fixtures';
import { until, type Workbench } from '../workbench';
import { expectTreeStates, rowsExpanded } from './tree-states';

const msg = (i: number) => ({ id: LINEAR[i].id, message: LINEAR[i].message ?? '' });

export const storedPasswordTests: UiTest[] = [
  {
    title: 'a stored password reads a database whose URL has none, and forgetting it stops that',
    folder: 'stored-password',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'storedpw';
      const withPassword = new URL(await pg.createDatabase(db));
      const password = decodeURIComponent(withPassword.password);
      withPassword.password = '';
      const url = withPassword.toString();
      if (url.includes(password)) throw new Error('the URL still holds the password');
      await pg.sql(`CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('${LINEAR[1].id}')`, db);
      const ws = await makeWorkspace('storedpw', url, LINEAR);
      t.defer(() => ws.project.remove());
      // No PGPASSWORD for the editor: only the stored password can get in.
      const { wb } = await t.openWorkbench(ws.dir, { env: { PGPASSWORD: '', PGPASSFILE: '/nonexistent' } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      const authRow = async (w: Workbench): Promise<true | undefined> =>
        (await rowsExpanded(w, w.viewPane('Revisions'))).some((r) => r.label === 'Wrong user name or password') ? true : undefined;
      await until('an error row: the database wants a password', 60_000, () => authRow(wb), async () => JSON.stringify(await wb.treeRows(pane)));

      await wb.runCommand('Alembic: Store Database Password…');
      await wb.inputBox();
      await wb.page.keyboard.type(password, { delay: 5 });
      await wb.page.keyboard.press('Enter');
      const states = [{ ...msg(1), state: 'current' as const }, { ...msg(0), state: 'applied' as const }, { ...msg(2), state: 'pending' as const }];
      await expectTreeStates(wb, pane, states);
      await wb.shot('stored password');

      // An empty password forgets it: the next read is refused again.
      await wb.runCommand('Alembic: Store Database Password…');
      await wb.inputBox();
      await wb.page.keyboard.press('Enter');
      await until('the error row again after forgetting the password', 60_000, () => authRow(wb), async () => JSON.stringify(await wb.treeRows(wb.viewPane('Revisions'))));
    },
  },
];
