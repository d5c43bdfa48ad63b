// Scenario 3: two heads → the Problems panel lists the multiple-heads problem for both head files,
// each head file shows a squiggle; the quick fix "Merge heads…" writes a merge revision and the
// problem disappears.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { UiTest } from '../harness';
import { alembic, makeWorkspace, TWO_HEAD_IDS, TWO_HEADS, versionFiles } from '../fixtures';
import { until } from '../workbench';

const SQUIGGLE = '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error';

/** Problems-panel rows of the alembic multiple-heads problem, and the file rows they sit under. */
async function multipleHeadsProblems(panel: Locator): Promise<{ files: string[]; markers: string[] }> {
  const rows = await panel.locator('.monaco-list-row').evaluateAll((els) =>
    els.map((r) => ({ level: r.getAttribute('aria-level') ?? '', label: (r.getAttribute('aria-label') ?? '').trim(), text: (r.textContent ?? '').trim() })),
  );
  const files: string[] = [];
  const markers: string[] = [];
  let file = '';
  for (const r of rows) {
    if (r.level === '1') file = r.text;
    else if (/multiple-heads/i.test(r.text) || /multiple-heads/i.test(r.label)) {
      markers.push(r.text);
      files.push(file);
    }
  }
  return { files, markers };
}

export const mergeHeadsTests: UiTest[] = [
  {
    title: 'two heads show in the Problems panel and as squiggles; the quick fix Merge heads writes a merge revision and the problem goes away',
    folder: 'merge-heads',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('merge', await pg.createDatabase('merge'), TWO_HEADS);
      t.defer(() => ws.project.remove());
      const headFiles = TWO_HEAD_IDS.map((id) => path.basename(ws.project.files.get(id) ?? ''));
      const before = new Set(await versionFiles(ws));

      const { wb } = await t.openWorkbench(ws.dir);
      const panel = await wb.openProblems();
      await until(
        'the multiple-heads problem on both head files in the Problems panel',
        60_000,
        async () => {
          const p = await multipleHeadsProblems(panel);
          return headFiles.every((f) => p.files.some((x) => x.includes(f))) ? p : undefined;
        },
        async () => JSON.stringify(await wb.problemRows(panel)),
      );
      await wb.shot('problems panel');

      for (const f of headFiles) {
        await wb.openFile(f);
        await until(`a squiggle in ${f}`, 30_000, async () => ((await wb.page.locator(SQUIGGLE).count()) > 0 ? true : undefined));
        await wb.shot(`squiggle in ${f}`);
      }

      // The cursor onto the problem (F8: next problem), then Ctrl+. for its quick fixes.
      await wb.page.locator('.monaco-editor .view-lines').first().click();
      await wb.page.keyboard.press('Control+Home');
      await wb.page.keyboard.press('F8');
      await wb.page.locator('.marker-widget').first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
      await wb.page.keyboard.press('Escape');
      await wb.page.keyboard.press('Control+.');
      const action = wb.page.locator('.action-widget .monaco-list-row', { hasText: /^\s*Merge heads/ }).first();
      await action.waitFor({ state: 'visible', timeout: 20_000 });
      await wb.readmeShot('multiple heads quick fix');
      await action.click();
      // The fix may ask for the merge message first (with a proposal): accept the proposal.
      const input = wb.page.locator('.quick-input-widget');
      const added = async () => (await versionFiles(ws)).filter((f) => !before.has(f));
      const next = await until('a merge message prompt or a merge revision file', 30_000, async () =>
        (await input.isVisible()) ? 'prompt' : (await added()).length > 0 ? 'file' : undefined,
      );
      if (next === 'prompt') {
        await wb.shot('merge message');
        await wb.page.keyboard.press('Enter');
      }

      const merge = await until('a merge revision file', 60_000, async () => {
        const files = await added();
        return files.length === 1 ? files[0] : undefined;
      }, async () => JSON.stringify(await added()));
      const text = await fs.readFile(path.join(ws.project.versionsDir, merge), 'utf8');
      const down = /^down_revision[ \t]*(?::[^=\n]*)?=(.+)$/m.exec(text)?.[1] ?? '';
      for (const id of TWO_HEAD_IDS) if (!down.includes(`'${id}'`)) throw new Error(`down_revision of ${merge} is ${down}: ${id} missing`);
      const heads = (await alembic(ws, ['heads'])).trim().split('\n').filter(Boolean);
      if (heads.length !== 1) throw new Error(`alembic still sees several heads: ${JSON.stringify(heads)}`);

      await until('the multiple-heads problem to disappear', 60_000, async () => ((await multipleHeadsProblems(panel)).markers.length === 0 ? true : undefined), async () =>
        JSON.stringify(await wb.problemRows(panel)),
      );
      await until('the squiggles to disappear', 30_000, async () => ((await wb.page.locator(SQUIGGLE).count()) === 0 ? true : undefined));
      await wb.shot('merged');
    },
  },
];
