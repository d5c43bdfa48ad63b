// The revision graph webview on the `npm run demo` project, by clicks: Show Graph from the view
// title; every revision drawn with its state; a pending node → Upgrade to Here → the same
// confirmation as the tree → the database moves and the node turns current; search with next;
// Export as SVG writes a file a browser parses.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { REVISIONS, runAlembic, UPGRADE_TARGETS, writeDemoProject } from '../../../scripts/demo';
import type { UiTest } from '../harness';
import { ALEMBIC } from '../fixtures';
import { until, type Workbench } from '../workbench';

/** The graph's document inside the webview's two iframes. */
export async function graphFrame(wb: Workbench): Promise<FrameLocator> {
  const frame = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  return frame;
}

/** aria-label of the row drawing revision `id` ("<short> <message>, <state>, …"), or null when not drawn. */
export async function rowLabel(frame: FrameLocator, id: string): Promise<string | null> {
  const row = frame.locator(`.row[data-id="${id}"]`);
  return (await row.count()) > 0 ? row.first().getAttribute('aria-label') : null;
}

export function stateIn(label: string | null): string | null {
  return label ? (/, (current|applied|pending|broken|unknown|missing)\b/.exec(label)?.[1] ?? null) : null;
}

export const graphTests: UiTest[] = [
  {
    title: 'Show Graph draws the demo project with states; Upgrade to Here from a node, search, Export as SVG',
    folder: 'graph',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const url = await pg.createDatabase('graph');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-ws-graph-'));
      t.defer(async () => fs.rmSync(dir, { recursive: true, force: true }));
      writeDemoProject(dir, url, ALEMBIC);
      for (const target of UPGRADE_TARGETS) await runAlembic(ALEMBIC, dir, ['upgrade', target]);

      const { wb } = await t.openWorkbench(dir, { userSettings: { 'alembic.databaseUrl': url } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await pane.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 45_000 });
      // The view title's "Show Graph" button (the only view of the container: its buttons sit in the sidebar's title bar).
      const sidebar = wb.page.locator('[id="workbench.parts.sidebar"]');
      await sidebar.hover();
      const clicked = Date.now();
      await sidebar.locator('.action-label[aria-label="Show Graph"]').first().click();
      const frame = await graphFrame(wb);
      // A figure for the report, not an assertion (no wall-clock asserts in tests).
      console.log(`        Show Graph → first screen drawn: ${Date.now() - clicked} ms (${REVISIONS.length} revisions, webview creation included)`);

      // Every revision is drawn, with the state the database gives it.
      const expected = (id: string): string => (UPGRADE_TARGETS.includes(id) ? 'current' : ['3f1a9c2e7b10', '5c2b8d4f1a21', '7e4d0a6b3c32', '9a6f2c8d5e43', 'c27f5b1e8d76'].includes(id) ? 'applied' : 'pending');
      await until(
        'every demo revision drawn with its state',
        30_000,
        async () => {
          for (const r of REVISIONS) if (stateIn(await rowLabel(frame, r.id)) !== expected(r.id)) return undefined;
          return true;
        },
        async () => JSON.stringify(await Promise.all(REVISIONS.map((r) => rowLabel(frame, r.id)))),
      );
      // The codicon font the webview ships (no remote resource) is loaded.
      const codicons = await frame.locator('body').evaluate(async () => {
        await document.fonts.ready;
        let loaded = false;
        document.fonts.forEach((f) => {
          if (f.family.replace(/["']/g, '') === 'codicon' && f.status === 'loaded') loaded = true;
        });
        return loaded;
      });
      if (!codicons) throw new Error('the codicon font did not load in the graph webview');
      const nodes = await frame.locator('svg#edges .node').count();
      if (nodes !== REVISIONS.length) throw new Error(`${nodes} nodes drawn for ${REVISIONS.length} revisions`);
      const dashed = await frame.locator('svg#edges path.edge').count();
      if (dashed < REVISIONS.length - 2) throw new Error(`only ${dashed} edges drawn`);
      await wb.readmeShot('graph');

      // A pending node: its context menu's Upgrade to Here goes through the tree's confirmation.
      const target = REVISIONS.find((r) => r.message === 'create invoices');
      if (!target) throw new Error('demo revision "create invoices" missing');
      await frame.locator(`.row[data-id="${target.id}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'Upgrade to Here' }).click();
      const modal = await wb.modal();
      await wb.shot('upgrade confirmation from the graph');
      const modalText = (await modal.textContent()) ?? '';
      if (!modalText.includes('alembic upgrade ' + target.id)) throw new Error(`the confirmation does not name the command: ${modalText}`);
      await wb.clickModalButton(modal, 'Upgrade');
      await until('alembic_version to hold the upgraded revision', 90_000, async () => {
        const rows = (await pg.sql('SELECT version_num FROM alembic_version', 'graph')).map((r) => String(r.version_num));
        return rows.includes(target.id) ? true : undefined;
      });
      await until('the node to turn current, its parent applied', 45_000, async () =>
        stateIn(await rowLabel(frame, target.id)) === 'current' && stateIn(await rowLabel(frame, 'b18e4a0f7c54')) === 'applied' ? true : undefined,
      );
      await wb.shot('after upgrade from the graph');

      // Search by message, jump with Enter: the match is selected and counted.
      await frame.locator('#search').fill('audit');
      // "merge billing and audit", "index audit log by user", "add audit log", newest first.
      await until('three matches for "audit"', 10_000, async () => ((await frame.locator('#match-count').textContent()) === '1 of 3' ? true : undefined));
      await frame.locator('#search').press('Enter');
      await until('the second match to be current', 10_000, async () => ((await frame.locator('#match-count').textContent()) === '2 of 3' ? true : undefined));
      const current = await frame.locator('.row.current-match').getAttribute('data-id');
      if (current !== 'e49c7d3a0f87') throw new Error(`the second "audit" match is ${current}, expected e49c7d3a0f87 (index audit log by user)`);
      await frame.locator('#detail pre.code').first().waitFor({ state: 'visible', timeout: 10_000 });
      await wb.shot('search and detail');

      // Keyboard: Down moves the selection to the next revision; Enter opens its file beside the
      // graph, and the node of the file in the active editor is outlined.
      await frame.locator('#scroller').focus();
      await frame.locator('#scroller').press('ArrowDown');
      await until('the selection to move down to "add audit log"', 10_000, async () => ((await frame.locator('.row.selected').getAttribute('data-id')) === 'c27f5b1e8d76' ? true : undefined));
      await frame.locator('#scroller').press('Enter');
      await until('the opened file\'s node outlined', 20_000, async () => ((await frame.locator('.row.active-editor').getAttribute('data-id').catch(() => null)) === 'c27f5b1e8d76' ? true : undefined));
      const tab = await wb.page.locator('.tabs-container .tab', { hasText: 'c27f5b1e8d76_' }).count();
      if (tab === 0) throw new Error('Enter on a node did not open its revision file');
      await wb.shot('keyboard open and active editor');

      // Export as SVG: the save dialog offers <project>/alembic-graph.svg; accept it.
      await frame.locator('#export').click();
      const dialog = await wb.quickInput();
      await wb.shot('export dialog');
      await dialog.locator('.quick-input-box input').press('Enter');
      const svgFile = path.join(dir, 'alembic-graph.svg');
      await until('the exported SVG file', 20_000, () => (fs.existsSync(svgFile) ? true : undefined));
      const svg = fs.readFileSync(svgFile, 'utf8');
      const parsed = await wb.page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.nodeName, circles: doc.getElementsByTagName('circle').length };
      }, svg);
      if (parsed.error > 0 || parsed.root !== 'svg') throw new Error(`the exported SVG does not parse: ${JSON.stringify(parsed)}`);
      if (parsed.circles !== REVISIONS.length) throw new Error(`the exported SVG has ${parsed.circles} nodes for ${REVISIONS.length} revisions`);
    },
  },
];
