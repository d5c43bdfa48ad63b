// Issue #9 in real VS Code, real alembic and PostgreSQL, on the demo project's shape: the modal's
// promise holds where it broke. Stamp below a merge lists the merged branch as "Marked as not
// applied" and alembic then leaves exactly that; Downgrade One Revision at a merge runs a command
// alembic accepts (not `<merge>@-1`, "Ambiguous walk"); a failed upgrade shows in the status bar
// and as an error notification with Show Output.
import type { Page } from 'playwright-core';
import type { ProjectRevision } from '../../support/alembic-project';
import { raiseBody } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { alembic, makeWorkspace } from '../fixtures';
import { until } from '../workbench';

const quiet = { upgrade: [] as string[], downgrade: [] as string[] };
// 1a2b ─ 7e4d ─┬ c27f (audit) ───────┬ 605a (merge) ─ 0a7d (archive) ─ f00d (fails)
//              └ b18e ─ d3a0 (billing) ┘
const REVS: ProjectRevision[] = [
  { id: '1a2b3c4d5e6f', down: null, message: 'create users', ...quiet },
  { id: '7e4d0a6b3c32', down: '1a2b3c4d5e6f', message: 'add projects', ...quiet },
  { id: 'b18e4a0f7c54', down: '7e4d0a6b3c32', message: 'create plans', ...quiet },
  { id: 'd3a06c2b9e65', down: 'b18e4a0f7c54', message: 'add invoices', ...quiet },
  { id: 'c27f5b1e8d76', down: '7e4d0a6b3c32', message: 'add audit log', ...quiet },
  { id: '605ac23a0d8f', down: ['c27f5b1e8d76', 'd3a06c2b9e65'], message: 'merge billing', ...quiet },
  { id: '0a7d3f6b2ca9', down: '605ac23a0d8f', message: 'archive projects', ...quiet },
  { id: 'f00df00df00d', down: '0a7d3f6b2ca9', message: 'broken migration', upgrade: raiseBody('this migration fails'), downgrade: [] },
];

async function pickRow(wb: { page: Page }, text: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

export const planTests: UiTest[] = [
  {
    title: 'stamp below a merge, downgrade one at a merge, and a failed upgrade: the modal says what alembic does',
    folder: 'plans',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'plans';
      const ws = await makeWorkspace('plans', await pg.createDatabase(db), REVS);
      t.defer(() => ws.project.remove());
      const rows = async (): Promise<string> => (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num)).sort().join(',');
      await alembic(ws, ['upgrade', '0a7d3f6b2ca9']);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      await until('the tree to show 0a7d as current', 60_000, async () =>
        ((await wb.page.locator('.monaco-list-row', { hasText: /0a7d3f6b2ca9\s*current/ }).count()) > 0 ? true : undefined));

      // Stamp at c27f: alembic moves the row down to c27f, so the billing branch goes too.
      await wb.runCommand('Alembic: Stamp…');
      await pickRow(wb, 'add audit log');
      await pickRow(wb, 'Stamp');
      const stamp = await wb.modal();
      const stampText = (await stamp.innerText()).replace(/\u00a0/g, ' ');
      await wb.shot('stamp below a merge');
      for (const want of ['Marked as not applied (4)', 'b18e4a0f7c54', 'd3a06c2b9e65', '605ac23a0d8f', '0a7d3f6b2ca9', 'Version table after: c27f5b1e8d76', 'alembic stamp c27f5b1e8d76']) {
        if (!stampText.includes(want)) throw new Error(`the stamp modal lacks '${want}':\n${stampText}`);
      }
      await wb.clickModalButton(stamp, 'Stamp');
      await until('alembic_version to hold c27f only', 60_000, async () => ((await rows()) === 'c27f5b1e8d76' ? true : undefined), rows);

      // At the merge, Downgrade One Revision reverts the merge alone with a command alembic runs.
      await alembic(ws, ['stamp', '605ac23a0d8f']);
      await wb.runCommand('Alembic: Refresh');
      await until('the tree to show the merge as current', 60_000, async () =>
        ((await wb.page.locator('.monaco-list-row', { hasText: /605ac23a0d8f\s*current/ }).count()) > 0 ? true : undefined));
      await wb.runCommand('Alembic: Downgrade One Revision');
      const down = await wb.modal();
      const downText = (await down.innerText()).replace(/\u00a0/g, ' ');
      await wb.shot('downgrade one at a merge');
      if (!downText.includes('Reverts 1 revision') || !downText.includes('alembic downgrade c27f5b1e8d76') || downText.includes('@-1')) {
        throw new Error(`the modal should revert the merge alone with 'alembic downgrade c27f5b1e8d76':\n${downText}`);
      }
      await wb.clickModalButton(down, 'Downgrade');
      await until('alembic_version to hold both parents', 60_000, async () => ((await rows()) === 'c27f5b1e8d76,d3a06c2b9e65' ? true : undefined), rows);

      // A failing upgrade: error notification with Show Output, and the status bar says it failed.
      await wb.runCommand('Alembic: Upgrade…');
      await pickRow(wb, 'broken migration');
      const up = await wb.modal();
      await wb.clickModalButton(up, 'Upgrade');
      await until('a status bar message that the run failed', 90_000, async () =>
        ((await wb.page.locator('.statusbar-item', { hasText: 'failed (see Output' }).count()) > 0 ? true : undefined));
      await until('an error notification with Show Output', 30_000, async () => {
        const toast = wb.page.locator('.notification-toast, .notifications-center', { hasText: 'Show Output' });
        return (await toast.count()) > 0 || (await wb.notificationsText()).includes('this migration fails') ? true : undefined;
      });
      await wb.shot('failed upgrade');
      if ((await rows()) !== 'c27f5b1e8d76,d3a06c2b9e65') throw new Error(`the failed upgrade changed the version table: ${await rows()}`);
    },
  },
];
