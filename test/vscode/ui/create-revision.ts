// Scenario 2: F1 → "Alembic: Create Revision" → a message → Enter → "Empty migration" → Enter:
// a new migration file appears on disk revising the previous head, alembic itself sees it as the
// only head, and the tree lists it as pending.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness';
import { alembic, LINEAR, makeWorkspace, versionFiles } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates } from './tree-states';

const MESSAGE = 'add shipping addresses';

export const createRevisionTests: UiTest[] = [
  {
    title: 'Create Revision from the command palette writes a file revising the head and lists it in the tree',
    folder: 'create-revision',
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('create', await pg.createDatabase('create'), LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', 'head']);
      const head = LINEAR[LINEAR.length - 1];
      const before = new Set(await versionFiles(ws));

      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [{ id: head.id, message: head.message ?? '', state: 'current' }]);

      await wb.runCommand('Alembic: Create Revision');
      await wb.inputBox();
      await wb.page.keyboard.type(MESSAGE, { delay: 10 });
      await wb.shot('revision message');
      await wb.page.keyboard.press('Enter');
      // Second step: the kind of revision; the first entry is an empty migration.
      const first = await until('the revision kind picker', 15_000, async () => {
        const rows = await wb.quickPickRows();
        return rows.length > 0 && /Empty migration/.test(rows[0]) ? rows[0] : undefined;
      }, async () => JSON.stringify(await wb.quickPickRows()));
      await wb.shot('revision kind');
      if (!first.startsWith('Empty migration')) throw new Error(`first entry is "${first}"`);
      await wb.page.keyboard.press('Enter');

      const created = await until('a new migration file in the versions folder', 60_000, async () => {
        const added = (await versionFiles(ws)).filter((f) => !before.has(f));
        return added.length === 1 ? added[0] : undefined;
      }, async () => JSON.stringify((await versionFiles(ws)).filter((f) => !before.has(f))));
      const text = await fs.readFile(path.join(ws.project.versionsDir, created), 'utf8');
      const id = /^revision[ \t]*(?::[^=\n]*)?=[ \t]*['"]([0-9a-f]+)['"]/m.exec(text)?.[1];
      const down = /^down_revision[ \t]*(?::[^=\n]*)?=(.+)$/m.exec(text)?.[1]?.trim();
      if (!id) throw new Error(`no revision id in ${created}:\n${text}`);
      if (down !== `'${head.id}'`) throw new Error(`down_revision of ${created} is ${down}, expected '${head.id}'`);
      if (!text.startsWith(`"""${MESSAGE}`)) throw new Error(`${created} does not start with the message:\n${text.slice(0, 200)}`);
      // Alembic itself sees the new revision as the one head.
      const heads = (await alembic(ws, ['heads'])).trim().split('\n').filter(Boolean);
      if (heads.length !== 1 || !heads[0].startsWith(`${id} (head)`)) throw new Error(`alembic heads: ${JSON.stringify(heads)}`);

      await expectTreeStates(wb, pane, [
        { id, message: MESSAGE, state: 'pending' },
        { id: head.id, message: head.message ?? '', state: 'current' },
      ]);
      await wb.shot('new revision in the tree');
    },
  },
];
