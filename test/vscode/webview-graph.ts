// The graph webview's own page at 10,000 revisions, in headless Chromium without code-server (the
// page, script, stylesheet and codicons the panel loads; a stand-in answers its messages as the
// panel would): "Zoom to fit" shows the whole history at once — every line of the model, folded
// runs as one line each, inside the view's height — with the first and the last revision drawn;
// a click near the bottom zooms back in there; unfolded (10,000 lines) it still fits.
// Screenshots in test-results/vscode/graph-overview/.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildGraphModel } from '../../src/extension/graph/model';
import type { GraphModel } from '../../src/extension/graph/messages';
import { generatedGraphEntry, graphTestPage } from '../support/graph-page';
import { indent, REPO_ROOT, RESULTS_DIR, type Counts } from './harness';

const N = 10_000;

interface Fit {
  overview: string | undefined;
  lines: number;
  lineHeight: number;
  laneWidth: number;
  height: number;
}

async function fitState(page: Page): Promise<Fit> {
  return page.evaluate(() => {
    const d = document.body.dataset;
    const c = document.getElementById('overview') as HTMLCanvasElement;
    return { overview: d.overview, lines: Number(d.overviewLines), lineHeight: Number(d.overviewLineHeight), laneWidth: Number(d.overviewLaneWidth), height: c.clientHeight };
  });
}

/** Whether the overview canvas has paint (alpha > 0) in a 7×7 square around (x, y) (CSS px). */
async function paintedAt(page: Page, x: number, y: number): Promise<boolean> {
  return page.evaluate(([px, py]) => {
    const c = document.getElementById('overview') as HTMLCanvasElement;
    const dpr = c.width / c.clientWidth;
    const ctx = c.getContext('2d');
    if (!ctx) return false;
    const d = ctx.getImageData(Math.max(0, Math.round((px - 3) * dpr)), Math.max(0, Math.round((py - 3) * dpr)), Math.ceil(7 * dpr), Math.ceil(7 * dpr)).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
    return false;
  }, [x, y]);
}

/** The whole model fits the canvas, and the nodes of its first and last revision are painted. */
async function assertFits(page: Page, model: GraphModel, what: string): Promise<void> {
  await page.waitForFunction((n) => document.body.dataset.overview === 'true' && document.body.dataset.overviewLines === String(n), model.lines.length, { timeout: 20_000 });
  const f = await fitState(page);
  if (f.lines !== model.lines.length) throw new Error(`${what}: the overview drew ${f.lines} of ${model.lines.length} lines`);
  if (!(f.lineHeight > 0) || f.lineHeight * f.lines > f.height) throw new Error(`${what}: ${f.lines} lines × ${f.lineHeight} px do not fit ${f.height} px`);
  const rowsIdx = model.lines.map((l, i) => (l.kind === 'row' ? i : -1)).filter((i) => i >= 0);
  for (const i of [rowsIdx[0], rowsIdx[rowsIdx.length - 1]]) {
    const line = model.lines[i];
    const x = 6 + line.lane * f.laneWidth + f.laneWidth / 2;
    const y = 4 + i * f.lineHeight + f.lineHeight / 2;
    if (!(await paintedAt(page, x, y))) throw new Error(`${what}: line ${i} (${line.kind === 'row' ? line.id : 'fold'}) is not painted at (${x.toFixed(1)}, ${y.toFixed(1)})`);
  }
}

export async function graphWebviewTest(counts: Counts): Promise<void> {
  const title = `the graph page at ${N.toLocaleString('en')} revisions: Zoom to fit shows every line (folded and unfolded); a click zooms in there`;
  console.log('\n  the graph webview page (headless Chromium, no VS Code)');
  const started = Date.now();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-graph-page-'));
  const shots = path.join(RESULTS_DIR, 'graph-overview');
  await fs.mkdir(shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.ALEMBIC_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
  try {
    const { entry } = generatedGraphEntry(N);
    const folded = buildGraphModel(entry, [entry], { foldByDefault: true, toggled: new Set() }).model;
    const unfolded = buildGraphModel(entry, [entry], { foldByDefault: false, toggled: new Set() }).model;
    if (unfolded.lines.length < N) throw new Error(`the unfolded model has ${unfolded.lines.length} lines for ${N} revisions`);
    const file = path.join(tmp, 'graph.html');
    await fs.writeFile(file, graphTestPage(REPO_ROOT, JSON.stringify(folded), JSON.stringify(unfolded)));
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    const tall = await page.evaluate(() => {
      const s = document.getElementById('scroller') as HTMLElement;
      return { content: s.scrollHeight, view: s.clientHeight };
    });
    if (tall.content < 10 * tall.view) throw new Error(`at actual size the graph should be many screens tall: ${JSON.stringify(tall)}`);

    // Zoom to fit: every folded line in view.
    await page.click('#zoom-fit');
    await assertFits(page, folded, `folded (${folded.lines.length} lines)`);
    await page.screenshot({ path: path.join(shots, '01-fit-folded.png') });

    // A click near the bottom: actual size again, that place in the middle of the view.
    const f = await fitState(page);
    const target = folded.lines.length - 20;
    const box = await page.locator('#overview').boundingBox();
    if (!box) throw new Error('no overview box');
    await page.mouse.click(box.x + 200, box.y + 4 + (target + 0.5) * f.lineHeight);
    await page.waitForFunction(() => document.body.dataset.overview === 'false', undefined, { timeout: 10_000 });
    const near = await page.waitForFunction(
      (t) => {
        const s = document.getElementById('scroller') as HTMLElement;
        const rows = Array.from(document.querySelectorAll<HTMLElement>('#rows .row')).filter((r) => {
          const top = r.offsetTop - s.scrollTop;
          return top >= 0 && top < s.clientHeight;
        });
        const lines = rows.map((r) => Number(r.dataset.line));
        return lines.some((l) => Math.abs(l - t) <= 2) ? lines : null;
      },
      target,
      { timeout: 10_000 },
    );
    void near;
    await page.screenshot({ path: path.join(shots, '02-zoomed-in-near-the-bottom.png') });

    // Unfold all: 10,000 lines; fit still fits them all.
    await page.click('#unfold-all');
    await page.waitForFunction((n) => document.querySelectorAll('#rows .row').length > 0 && (document.getElementById('summary')?.textContent ?? '').length > 0 && n > 0, unfolded.lines.length);
    await page.waitForTimeout(200);
    await page.click('#zoom-fit');
    await assertFits(page, unfolded, `unfolded (${unfolded.lines.length} lines)`);
    await page.screenshot({ path: path.join(shots, '03-fit-unfolded.png') });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await context.close();
    counts.passed++;
    console.log(`    ✔ ${title} (${folded.lines.length} and ${unfolded.lines.length} lines; ${Math.round((Date.now() - started) / 1000)} s)`);
  } catch (e) {
    counts.failed++;
    console.log(`    ✘ ${title}`);
    console.log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e), 8));
  } finally {
    await browser.close();
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
