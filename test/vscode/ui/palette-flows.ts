// Palette flows on a project with two lines and a labelled branch with its own base, checked
// against real alembic and PostgreSQL: "Show SQL…" for a revision whose parent is pending too
// shows that revision's own upgrade SQL only (from its parent), in a read-only `sql` document, and "Downgrade One Revision" on the own-base branch says where the database lands
// (not "base (an empty version table)": the other head's row stays) and reverts only that branch.
import type { Page } from 'playwright-core';
import type { ProjectRevision } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { alembic, makeWorkspace } from '../fixtures';
import { until } from '../workbench';

// a1 ─ a2 ─┬ c3 (current)          x1 (own base, label extra; current)
//          └ b3 ─ b4 (pending)
const REVS: ProjectRevision[] = [
  { id: 'a100000000a1', down: null, message: 'create accounts' },
  { id: 'a200000000a2', down: 'a100000000a1', message: 'add profiles' },
  { id: 'c300000000c3', down: 'a200000000a2', message: 'add reports' },
  { id: 'b300000000b3', down: 'a200000000a2', message: 'add billing' },
  { id: 'b400000000b4', down: 'b300000000b3', message: 'add invoices' },
  { id: 'e100000000e1', down: null, message: 'create events', branchLabels: ['extra'] },
];

async function pickRow(wb: { page: Page }, text: string): Promise<void> {
  const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

export const paletteFlowTests: UiTest[] = [
  {
    title: 'Show SQL… shows the revision\'s own SQL (not its pending parent\'s) as sql, and Downgrade One Revision on an own-base branch keeps the other head',
    folder: 'palette-flows',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'palette';
      const ws = await makeWorkspace('palette', await pg.createDatabase(db), REVS);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', 'c300000000c3']);
      await alembic(ws, ['upgrade', 'e100000000e1']);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      await wb.viewPane('Revisions').locator('.monaco-list-row', { hasText: 'c300000000c3' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await until('the tree to show c3 as current', 60_000, async () =>
        ((await wb.page.locator('.monaco-list-row', { hasText: /c300000000c3\s*current/ }).count()) > 0 ? true : undefined));

      await wb.runCommand('Alembic: Show SQL…');
      await pickRow(wb, 'add invoices');
      const sql = await until('the SQL document', 60_000, async () => {
        const text = await wb.page.locator('.editor-instance .view-lines').first().innerText().catch(() => '');
        return text.includes('COMMIT') ? text.replace(/\u00a0/g, ' ') : undefined;
      });
      await wb.shot('show sql');
      if ((await wb.page.locator('.tabs-container .tab.active.dirty').count()) > 0) throw new Error('the SQL document opens as an unsaved (dirty) buffer that asks to be saved when closed');
      if (!sql.includes('-- alembic upgrade b300000000b3:b400000000b4 --sql') || sql.includes('CREATE TABLE t_b300000000b3') || !sql.includes('CREATE TABLE t_b400000000b4')) {
        throw new Error(`the SQL should be b4's own upgrade (from b3), creating t_b4 only:\n${sql}`);
      }
      const mode = await until('the language mode in the status bar', 15_000, async () => {
        const t = await wb.page.locator('[id="status.editor.mode"]').first().innerText().catch(() => '');
        return t.trim() ? t.trim() : undefined;
      });
      // VS Code names the `sql` language "MS SQL".
      if (mode !== 'SQL' && mode !== 'MS SQL') throw new Error(`the SQL document opens with language mode '${mode}', not the sql language`);

      await wb.runCommand('Alembic: Downgrade One Revision');
      await pickRow(wb, 'create events');
      const box = await wb.modal();
      const text = await box.innerText();
      await wb.shot('downgrade one confirmation');
      if (!text.includes('to below e100000000e1 "create events"?') || text.includes('empty version table') || !text.includes('alembic downgrade e100000000e1@-1')) {
        throw new Error(`the modal should say the database goes below e1, not to an empty version table:\n${text}`);
      }
      await wb.clickModalButton(box, 'Downgrade');
      await until('alembic_version to hold only c300000000c3', 60_000, async () => {
        const rows = (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num));
        return rows.length === 1 && rows[0] === 'c300000000c3' ? true : undefined;
      });
      await wb.shot('after downgrade one');
    },
  },
];
