// Smoke: the extension loads in code-server on a workspace with an alembic.ini, the Alembic
// activity-bar container opens, and its Revisions view lists the workspace's revisions; a project
// that appears later is found without a reload.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAlembicProject } from '../../support/alembic-project';
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

smokeTests.push({
  title: 'a project that appears after the window opened (no config at first) is found without a reload',
  folder: 'smoke-late-project',
  async run(t) {
    const pg = await t.shared.postgres();
    const url = await pg.createDatabase('late');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-late-'));
    t.defer(() => fs.rm(dir, { recursive: true, force: true }));
    const { wb } = await t.openWorkbench(dir);
    await wb.openContainer('Alembic');
    await until('the view to say no project was found', 45_000, async () =>
      (await wb.page.locator('[id="workbench.parts.sidebar"]').innerText()).includes('No Alembic project was found') ? true : undefined);
    // The extension watches for a config while no language server runs (the server watches after).
    await writeAlembicProject({ dir, url, revisions: LINEAR });
    const pane = wb.viewPane('Revisions');
    await until('the Revisions view to list the new project\'s revisions', 45_000, async () => {
      const labels = (await wb.treeRows(pane)).map((r) => r.message);
      return LINEAR.every((r) => labels.includes(r.message ?? '')) ? true : undefined;
    }, async () => JSON.stringify(await wb.treeRows(pane)));
    await wb.shot('the project found');
  },
});
