// Finding your way in the Revisions tree: the tree's own find matches a revision id (it is in the
// label); a single click previews the file and keeps the keyboard in the tree; Pending only;
// Reveal Current selects the database's revision; Go to Revision… finds one by id and opens it.
import type { UiTest } from '../harness';
import { alembic, LINEAR, makeWorkspace } from '../fixtures';
import { until, type Workbench } from '../workbench';
import { rowsExpanded } from './tree-states';

const [, orders, invoices, payments] = LINEAR.map((r) => ({ id: r.id, message: r.message ?? '' }));

async function activeTab(wb: Workbench): Promise<{ label: string; cls: string } | null> {
  const tab = wb.page.locator('.tabs-container .tab.active').first();
  if ((await tab.count()) === 0) return null;
  // A preview tab's title is set in italics (the class sits on its label element).
  const italic = (await tab.locator('.italic').count()) > 0;
  return { label: (await tab.getAttribute('aria-label')) ?? '', cls: `${(await tab.getAttribute('class')) ?? ''}${italic ? ' italic' : ''}` };
}

export const treeFindTests: UiTest[] = [
  {
    title: 'tree find matches an id; a click previews and keeps focus; Pending only; Reveal Current; Go to Revision…',
    folder: 'tree-find',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('treefind', await pg.createDatabase('treefind'), LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', orders.id]);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until('the four revisions with states', 45_000, async () => {
        const rows = await rowsExpanded(wb, pane);
        return LINEAR.every((r) => rows.some((x) => x.message === r.message && /\b(applied|current|pending)\b/.test(x.description))) ? true : undefined;
      });

      // A single click: a preview tab of the file, the keyboard stays in the tree.
      await wb.treeRow(pane, invoices.message).click();
      const tab = await until('a tab for the clicked revision', 15_000, async () => {
        const a = await activeTab(wb);
        return a && a.label.includes(`${invoices.id}_`) ? a : undefined;
      });
      if (!/\bitalic\b|\bpreview\b/.test(tab.cls)) throw new Error(`the click opened a permanent tab (class "${tab.cls}")`);
      const focusInTree = await wb.page.evaluate(() => document.activeElement?.closest('[id="workbench.parts.sidebar"]') !== null);
      if (!focusInTree) throw new Error('the click moved the keyboard focus out of the tree');
      await wb.shot('click previews');

      // The tree's own find (typing in the focused tree) matches a revision id.
      await wb.page.keyboard.press('Control+Alt+F');
      await wb.page.keyboard.type(payments.id.slice(0, 7), { delay: 20 });
      await until('the payments row highlighted by the tree find', 10_000, async () => {
        const row = wb.treeRow(pane, payments.message);
        return (await row.locator('.label-name .highlight').count()) > 0 ? true : undefined;
      });
      await wb.shot('tree find by id');
      await wb.page.keyboard.press('Escape');

      // Pending only, then all again.
      const sidebar = wb.page.locator('[id="workbench.parts.sidebar"]');
      await sidebar.hover();
      await sidebar.locator('.action-label[aria-label="Show Pending Revisions Only"]').first().click();
      await until('only the two pending revisions', 15_000, async () => {
        const messages = (await rowsExpanded(wb, pane)).map((r) => r.message);
        return messages.includes(invoices.message) && messages.includes(payments.message) && !messages.includes(orders.message) ? true : undefined;
      }, async () => JSON.stringify(await wb.treeRows(pane)));
      await wb.shot('pending only');
      await sidebar.hover();
      await sidebar.locator('.action-label[aria-label="Show All Revisions"]').first().click();
      await until('all four revisions again', 15_000, async () => ((await rowsExpanded(wb, pane)).filter((r) => LINEAR.some((l) => l.message === r.message)).length === 4 ? true : undefined));

      // Reveal Current selects the database's revision.
      await wb.runCommand('Alembic: Reveal Current Revision');
      await until('the current revision selected', 15_000, async () => ((await wb.treeRow(pane, orders.message).getAttribute('aria-selected')) === 'true' ? true : undefined));
      await wb.shot('reveal current');

      // Go to Revision… by id: opens the file and selects its row.
      await wb.runCommand('Alembic: Go to Revision…');
      const input = await wb.quickInput();
      await wb.page.keyboard.type(payments.id.slice(0, 8), { delay: 10 });
      await until('the quick pick to offer the payments revision', 10_000, async () => ((await wb.quickPickRows()).some((r) => r.includes(payments.message)) ? true : undefined));
      await wb.shot('go to revision');
      await input.locator('.quick-input-box input').press('Enter');
      await until('the payments file open and its row selected', 15_000, async () => {
        const a = await activeTab(wb);
        const selected = await wb.treeRow(pane, payments.message).getAttribute('aria-selected');
        return a && a.label.includes(`${payments.id}_`) && selected === 'true' ? true : undefined;
      });
      await wb.shot('after go to revision');
    },
  },
];
