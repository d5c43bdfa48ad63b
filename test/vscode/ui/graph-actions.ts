// The revision graph, acted on by clicks in a real VS Code (one code-server session, several
// steps; screenshots in test-results/vscode/graph-actions/): the hover's "Show in Graph" link in a
// revision file; the node hover card; a ghost (missing parent) repaired by drag and another by
// pick; two heads merged by pick and two by drag; Stamp Here, Downgrade to Here and Show SQL from a
// node's context menu through the tree's confirmations; a file edit and a database change keep
// the scroll position and the selection; the high-contrast theme applies --vscode-contrastBorder.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { writeAlembicProject, type ProjectRevision } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { ALEMBIC, LINEAR, makeWorkspace, TWO_HEADS, versionFiles, type Workspace } from '../fixtures';
import { until, type Workbench } from '../workbench';
import { graphFrame, rowLabel, stateIn } from './graph';

const hex = (prefix: string, i: number): string => `${prefix}${String(i).padStart(12 - prefix.length, '0')}`;
const M = (i: number): string => hex('a', i);
const MAIN = 30;
const B = hex('b', 1);
const E = hex('e', 1);
const F = hex('f', 1);
const C = hex('c', 1);
const D = hex('d', 1);
const GHOST_C = hex('dead', 1);
const GHOST_D = hex('dead', 2);
const noop = { upgrade: ['pass'], downgrade: ['pass'] };

/** A main line of 30, three side branches (heads), two revisions whose parent no file defines. */
const REVS: ProjectRevision[] = [
  ...Array.from({ length: MAIN }, (_, k): ProjectRevision => ({ id: M(k + 1), down: k === 0 ? null : M(k), message: `main step ${k + 1}`, ...noop })),
  { id: B, down: M(20), message: 'branch b', ...noop },
  { id: E, down: M(10), message: 'branch e', ...noop },
  { id: F, down: M(5), message: 'branch f', ...noop },
  { id: C, down: GHOST_C, message: 'orphan c', ...noop },
  { id: D, down: GHOST_D, message: 'orphan d', ...noop },
];

async function fileOf(ws: Workspace, id: string): Promise<string> {
  const f = ws.project.files.get(id);
  if (!f) throw new Error(`no file for ${id}`);
  return f;
}

async function downOf(ws: Workspace, id: string): Promise<string> {
  const text = await fs.readFile(await fileOf(ws, id), 'utf8');
  return /^down_revision[ \t]*(?::[^=\n]*)?=(.+)$/m.exec(text)?.[1]?.trim() ?? '';
}

/** Selects and scrolls to a revision with the graph's search, then leaves the search (Escape). */
async function show(frame: FrameLocator, id: string): Promise<void> {
  await frame.locator('#search').fill(id);
  await frame.locator(`.row[data-id="${id}"].selected`).waitFor({ state: 'visible', timeout: 10_000 });
  await frame.locator('#search').press('Escape');
}

/** A new merge revision written after `before` (file names), whose down_revision names both `ids`. */
async function expectMerge(wb: Workbench, ws: Workspace, before: Set<string>, ids: string[], what: string): Promise<string> {
  const input = wb.page.locator('.quick-input-widget');
  const added = async (): Promise<string[]> => (await versionFiles(ws)).filter((f) => !before.has(f));
  const next = await until(`${what}: a merge message prompt or a merge file`, 30_000, async () => ((await input.isVisible()) ? 'prompt' : (await added()).length > 0 ? 'file' : undefined));
  if (next === 'prompt') {
    await wb.shot(`${what} message`);
    await wb.page.keyboard.press('Enter');
  }
  const file = await until(`${what}: the merge revision file`, 60_000, async () => {
    const a = await added();
    return a.length === 1 ? a[0] : undefined;
  }, async () => JSON.stringify(await added()));
  const text = await fs.readFile(path.join(ws.project.versionsDir, file), 'utf8');
  const down = /^down_revision[ \t]*(?::[^=\n]*)?=(.+)$/m.exec(text)?.[1] ?? '';
  for (const id of ids) if (!down.includes(`'${id}'`)) throw new Error(`${what}: down_revision of ${file} is ${down}; ${id} missing`);
  // The new revision opens in an editor (as after the quick fix); then back to the graph.
  await wb.page.locator('.tabs-container .tab', { hasText: file }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await wb.page.locator('.tabs-container .tab', { hasText: 'Alembic Graph' }).first().click();
  return file;
}

/** Brings the graph's tab forward (a merge opens its new file in the same editor group). */
async function toGraph(wb: Workbench): Promise<void> {
  await wb.page.locator('.tabs-container .tab', { hasText: 'Alembic Graph' }).first().click();
}

/** Waits for the graph's header to count `n` revisions. */
async function revisionCount(frame: FrameLocator, n: number): Promise<void> {
  await until(`the graph to count ${n} revisions`, 30_000, async () => (((await frame.locator('#summary').textContent()) ?? '').startsWith(`${n} revisions`) ? true : undefined), async () => (await frame.locator('#summary').textContent()) ?? '');
}

/** What the user sees of the graph's scroll position and selection. */
async function viewState(frame: FrameLocator): Promise<{ scrollTop: number; first: string | null; selected: string | null }> {
  return frame.locator('#scroller').evaluate((s) => {
    const rows = Array.from(s.querySelectorAll<HTMLElement>('.row[data-id]')).filter((r) => r.offsetTop >= s.scrollTop);
    rows.sort((a, b) => a.offsetTop - b.offsetTop);
    return { scrollTop: s.scrollTop, first: rows[0]?.dataset.id ?? null, selected: s.querySelector<HTMLElement>('.row.selected')?.dataset.id ?? null };
  });
}

export const graphActionTests: UiTest[] = [
  {
    title: 'graph: Show in Graph from the hover, hover card, ghost repair by drag and by pick, merge by pick and by drag, Stamp/Downgrade/Show SQL from a node, live updates keep scroll and selection, high contrast',
    folder: 'graph-actions',
    timeoutMs: 420_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('graph-actions', await pg.createDatabase('graphactions'), REVS);
      t.defer(() => ws.project.remove());
      const version = async (): Promise<string[]> => (await pg.sql('SELECT version_num FROM alembic_version', 'graphactions').catch(() => [])).map((r) => String(r.version_num));

      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      await wb.viewPane('Revisions').locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 45_000 });
      const sidebar = wb.page.locator('[id="workbench.parts.sidebar"]');
      await sidebar.hover();
      await sidebar.locator('.action-label[aria-label="Show Graph"]').first().click();
      const frame = await graphFrame(wb);
      await frame.locator('#unfold-all').click();
      await until('the ghost rows drawn', 20_000, async () => ((await rowLabel(frame, GHOST_C)) !== null || (await frame.locator('.row').count()) > 20 ? true : undefined));

      // 1. The hover of a revision id in its file: "Show in Graph" reveals and selects it in the graph.
      const m20 = path.basename(await fileOf(ws, M(20)));
      await wb.openFile(m20);
      const idSpan = wb.page.locator('.monaco-editor .view-line span', { hasText: M(20) }).last();
      await idSpan.waitFor({ state: 'visible', timeout: 15_000 });
      await until('the hover with a Show in Graph link', 30_000, async () => {
        await idSpan.hover();
        const link = wb.page.locator('.monaco-hover a', { hasText: 'Show in Graph' });
        return (await link.count()) > 0 && (await link.first().isVisible()) ? true : undefined;
      });
      await wb.shot('hover with Show in Graph');
      await wb.page.locator('.monaco-hover a', { hasText: 'Show in Graph' }).first().click();
      await until('the revision selected in the graph', 20_000, async () => ((await frame.locator('.row.selected').getAttribute('data-id').catch(() => null)) === M(20) ? true : undefined));
      await wb.shot('revealed from the hover');

      // 2. The hover card of a node: id, state, parents, children, file.
      await frame.locator(`.row[data-id="${M(21)}"]`).hover();
      const card = frame.locator('#card');
      await card.waitFor({ state: 'visible', timeout: 10_000 });
      const cardText = (await card.textContent()) ?? '';
      for (const want of [M(21), 'pending', M(20), M(22), path.basename(await fileOf(ws, M(21)))]) {
        if (!cardText.includes(want)) throw new Error(`the hover card lacks '${want}': ${cardText}`);
      }
      await wb.shot('hover card');

      // Everything in view at once for the drags (lines keep their text at this zoom).
      await frame.locator('#zoom-out').click();
      await frame.locator('#zoom-out').click();

      // 3. Ghost repair by drag: the missing parent of "orphan c" dropped on main step 30.
      await frame.locator(`.row[data-id="${GHOST_C}"]`).dragTo(frame.locator(`.row[data-id="${M(30)}"]`));
      await until('orphan c to point at main step 30', 30_000, async () => ((await downOf(ws, C)) === `'${M(30)}'` ? true : undefined), () => downOf(ws, C));
      await until('the first ghost to go', 30_000, async () => ((await frame.locator(`.row[data-id="${GHOST_C}"]`).count()) === 0 ? true : undefined));
      await wb.shot('ghost repaired by drag');

      // 4. Ghost repair by pick: the ghost's menu, then the revision in a quick pick.
      await frame.locator(`.row[data-id="${GHOST_D}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'Repair Link' }).click();
      const pick = await wb.quickInput();
      await wb.page.keyboard.type('branch b', { delay: 10 });
      await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'branch b' }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await wb.shot('repair pick');
      await wb.page.keyboard.press('Enter');
      await until('orphan d to point at branch b', 30_000, async () => ((await downOf(ws, D)) === `'${B}'` ? true : undefined), () => downOf(ws, D));
      await until('the second ghost to go', 30_000, async () => ((await frame.locator(`.row[data-id="${GHOST_D}"]`).count()) === 0 ? true : undefined));

      // 5. Merge by pick: "Merge with …" in a head's menu.
      let before = new Set(await versionFiles(ws));
      await frame.locator(`.row[data-id="${C}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'orphan d' }).click();
      await expectMerge(wb, ws, before, [C, D], 'merge by pick');
      await revisionCount(frame, REVS.length + 1);
      await wb.shot('merged by pick');

      // 6. Merge by drag: one head dropped on another.
      before = new Set(await versionFiles(ws));
      await frame.locator(`.row[data-id="${E}"]`).waitFor({ state: 'visible', timeout: 20_000 });
      await frame.locator(`.row[data-id="${E}"]`).dragTo(frame.locator(`.row[data-id="${F}"]`));
      await expectMerge(wb, ws, before, [E, F], 'merge by drag');
      await revisionCount(frame, REVS.length + 2);
      await wb.shot('merged by drag');

      // 7. Stamp Here, Downgrade to Here, Show SQL from the node's menu, with the tree's confirmations.
      await frame.locator('#zoom-reset').click();
      await show(frame, M(25));
      await frame.locator(`.row[data-id="${M(25)}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'Stamp Here' }).click();
      const stampPick = wb.page.locator('.quick-input-widget');
      if (await stampPick.isVisible().catch(() => false)) await wb.page.keyboard.press('Enter');
      const stampModal = await wb.modal();
      await wb.shot('stamp confirmation from the graph');
      await wb.clickModalButton(stampModal, 'Stamp');
      await until('the database stamped at main step 25', 60_000, async () => ((await version()).join() === M(25) ? true : undefined), async () => JSON.stringify(await version()));
      await until('main step 25 current in the graph', 30_000, async () => (stateIn(await rowLabel(frame, M(25))) === 'current' ? true : undefined));

      await show(frame, M(22));
      await frame.locator(`.row[data-id="${M(22)}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'Downgrade to Here' }).click();
      const downModal = await wb.modal();
      const downText = (await downModal.textContent()) ?? '';
      if (!downText.includes(`alembic downgrade ${M(22)}`)) throw new Error(`the downgrade confirmation does not name the command: ${downText}`);
      await wb.shot('downgrade confirmation from the graph');
      await wb.clickModalButton(downModal, 'Downgrade');
      await until('the database downgraded to main step 22', 90_000, async () => ((await version()).join() === M(22) ? true : undefined), async () => JSON.stringify(await version()));
      await until('main step 22 current, 25 pending', 30_000, async () =>
        stateIn(await rowLabel(frame, M(22))) === 'current' && stateIn(await rowLabel(frame, M(25))) === 'pending' ? true : undefined,
      );

      await frame.locator(`.row[data-id="${M(24)}"]`).click({ button: 'right' });
      await frame.locator('#menu .menu-item', { hasText: 'Show SQL' }).click();
      const sqlTab = wb.page.locator('.tabs-container .tab', { hasText: /alembic upgrade .*\.sql/ });
      await sqlTab.first().waitFor({ state: 'visible', timeout: 60_000 });
      await wb.shot('show SQL from the graph');
      await toGraph(wb);

      // 8. Live: a file edit and a database change keep the scroll position and the selection.
      await show(frame, M(12));
      await frame.locator('#scroller').evaluate((s) => {
        s.scrollTop += 30;
      });
      await until('the scroll to settle', 5_000, async () => ((await viewState(frame)).first !== null ? true : undefined));
      const kept = await viewState(frame);
      if (kept.selected !== M(12)) throw new Error(`selection is ${String(kept.selected)}, expected ${M(12)}`);
      const m12 = await fileOf(ws, M(12));
      await fs.writeFile(m12, (await fs.readFile(m12, 'utf8')).replace('main step 12', 'main step 12 edited on disk'));
      await until('the edited message in the graph', 30_000, async () => ((await rowLabel(frame, M(12)))?.includes('edited on disk') ? true : undefined));
      const afterEdit = await viewState(frame);
      if (JSON.stringify(afterEdit) !== JSON.stringify(kept)) throw new Error(`a file edit moved the graph: ${JSON.stringify(kept)} → ${JSON.stringify(afterEdit)}`);
      await pg.sql(`UPDATE alembic_version SET version_num = '${M(12)}'`, 'graphactions');
      await wb.runCommand('Alembic: Refresh');
      await until('main step 12 current after the database change', 60_000, async () => (stateIn(await rowLabel(frame, M(12))) === 'current' ? true : undefined));
      // The detail panel of the selected revision follows too.
      await until('the detail panel to say current', 20_000, async () => (/State\s*current/.test((await frame.locator('#detail').textContent()) ?? '') ? true : undefined), async () => (await frame.locator('#detail').textContent()) ?? '');
      const afterDb = await viewState(frame);
      if (JSON.stringify(afterDb) !== JSON.stringify(kept)) throw new Error(`a database change moved the graph: ${JSON.stringify(kept)} → ${JSON.stringify(afterDb)}`);
      await wb.shot('live updates kept scroll and selection');

      // 9. High contrast: the theme's contrastBorder colours the graph's borders.
      await wb.runCommand('Preferences: Color Theme');
      await wb.page.keyboard.type('Dark High Contrast', { delay: 10 });
      const hcRow = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' }).first();
      await hcRow.waitFor({ state: 'visible', timeout: 15_000 });
      await hcRow.click();
      const hc = await until('the graph in high contrast', 30_000, async () => {
        const r = await frame.locator('body').evaluate((body) => {
          const contrast = getComputedStyle(body).getPropertyValue('--vscode-contrastBorder').trim();
          if (!body.classList.contains('vscode-high-contrast') || !contrast) return null;
          // The variable as a computed colour, to compare with the toolbar's border.
          const probe = document.createElement('span');
          probe.style.color = contrast;
          body.append(probe);
          const want = getComputedStyle(probe).color;
          probe.remove();
          const toolbar = document.querySelector('.toolbar');
          return { contrast, want, toolbar: toolbar ? getComputedStyle(toolbar).borderBottomColor : '' };
        });
        return r ?? undefined;
      });
      if (hc.toolbar !== hc.want) throw new Error(`the toolbar border is ${hc.toolbar}, not the theme's contrastBorder ${hc.contrast} (${hc.want})`);
      await frame.locator(`.row[data-id="${M(12)}"]`).hover();
      await wb.shot('high contrast');
    },
  },
];

/** Two projects in one workspace: the graph's project picker switches between them. */
graphActionTests.push({
  title: 'graph: several projects in the workspace, selectable in the graph',
  folder: 'graph-projects',
  timeoutMs: 180_000,
  async run(t) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-graph-projects-'));
    t.defer(() => fs.rm(dir, { recursive: true, force: true }));
    const url = 'postgresql://nobody@127.0.0.1:1/none';
    await writeAlembicProject({ dir: path.join(dir, 'app'), url, revisions: LINEAR });
    await writeAlembicProject({ dir: path.join(dir, 'reports'), url, revisions: TWO_HEADS });
    await fs.mkdir(path.join(dir, '.vscode'), { recursive: true });
    // No database for this one: the picture is read from the files.
    await fs.writeFile(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'alembic.command': [ALEMBIC], 'alembic.databaseUrl': '' }, null, 2));

    const { wb } = await t.openWorkbench(dir);
    await wb.openContainer('Alembic');
    await until('both projects in the tree', 60_000, async () => ((await wb.viewPane('Revisions').locator('.monaco-list-row', { hasText: 'alembic.ini' }).count()) >= 2 ? true : undefined));
    const sidebar = wb.page.locator('[id="workbench.parts.sidebar"]');
    await sidebar.hover();
    await sidebar.locator('.action-label[aria-label="Show Graph"]').first().click();
    const frame = await graphFrame(wb);
    const options = await frame.locator('#project option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '', selected: (o as HTMLOptionElement).selected })));
    if (options.length !== 2) throw new Error(`the project picker offers ${JSON.stringify(options)}`);
    const shown = options.find((o) => o.selected);
    const other = options.find((o) => !o.selected);
    if (!shown || !other) throw new Error(`no selected project: ${JSON.stringify(options)}`);
    const idsOf = (p: string): string[] => (p.includes(`${path.sep}reports${path.sep}`) ? TWO_HEADS : LINEAR).map((r) => r.id);
    const drawn = async (ids: string[]): Promise<boolean> => {
      for (const id of ids) if ((await rowLabel(frame, id)) === null) return false;
      return true;
    };
    await until(`the revisions of ${shown.text}`, 20_000, async () => ((await drawn(idsOf(shown.value))) ? true : undefined));
    await wb.shot('first project');
    await frame.locator('#project').selectOption(other.value);
    await until(`the revisions of ${other.text} after picking it`, 20_000, async () => ((await drawn(idsOf(other.value))) && (await rowLabel(frame, idsOf(shown.value)[0])) === null ? true : undefined));
    const summary = (await frame.locator('#summary').textContent()) ?? '';
    if (!summary.startsWith(`${idsOf(other.value).length} revisions`)) throw new Error(`the header says '${summary}' for ${other.text}`);
    await until('the panel title to name the other project', 10_000, async () => ((await wb.page.locator('.tabs-container .tab', { hasText: `Alembic Graph — ${other.text.split(' ')[0]}` }).count()) > 0 ? true : undefined));
    await wb.shot('second project picked');
  },
});
