// Smoke: the extension loads in code-server on a workspace with an alembic.ini, the Alembic
// activity-bar container opens, and its Revisions view lists the workspace's revisions.
import type { UiTest } from '../harness';
import { LINEAR, makeWorkspace } from '../fixtures';
import { until } from '../workbench';

export const smokeTests: UiTest[] = [
  {
    title: 'the Alembic container opens from the activity bar and its Revisions view lists the revisions',
    folder: 'smoke',
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('smoke', await pg.createDatabase('smoke'), LINEAR);
      t.defer(() => ws.project.remove());
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.shot('workbench');
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await pane.waitFor({ state: 'visible', timeout: 20_000 });
      await wb.shot('alembic container');
      // Every revision of the project shows up as a row labelled with its message.
      await until(
        'the Revisions view to list all four revisions',
        45_000,
        async () => {
          const labels = (await wb.treeRows(pane)).map((r) => r.message);
          return LINEAR.every((r) => labels.includes(r.message ?? '')) ? true : undefined;
        },
        async () => JSON.stringify(await wb.treeRows(pane)),
      );
      await wb.shot('revisions listed');
    },
  },
];
