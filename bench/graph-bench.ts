// `npm run bench:graph`: the revision graph picture at 400, 1,000 and 10,000 revisions (the
// generated projects of bench/generate.ts). Measures, in this order of the pipeline:
//   1. layout: core/graph-layout.ts on the newest-first order the sidebar uses,
//   2. model: the host's buildGraphModel (layout + states + markers + folds) and its JSON size,
//   3. first screen: the very page the webview loads (graph.html, graph.css, codicons,
//      dist/webview/graph.js) in headless Chromium, from the model message to the first frame
//      drawn, and from page load to the first frame,
//   4. scrolling: the time the page spends drawing the rows in view after each of 200 scroll
//      steps through the whole graph (only the rows in view are drawn).
// Not included: VS Code's own cost of creating a webview panel (its iframes), which the UI test
// shows but a bench here cannot isolate.
//
//   node out/bench/graph-bench.js [--write] [--runs N]
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { layoutGraph } from '../src/core/graph-layout';
import { buildGraphModel } from '../src/extension/graph/model';
import { generatedGraphEntry, graphTestPage } from '../test/support/graph-page';

const ROOT = path.resolve(__dirname, '..', '..');
const SIZES = [400, 1000, 10000];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function fmt(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

interface Row {
  n: number;
  layout: number;
  model: number;
  json: number;
  lines: number;
  lanes: number;
  firstFromModel: number;
  firstFromLoad: number;
  scrollMedian: number;
  scrollMax: number;
  /** Zoom to fit: drawing every line on the overview canvas (median of the page loads). */
  fit: number;
  drawn: number;
}

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-graph-bench-'));
  const browser = await chromium.launch({ executablePath: process.env.ALEMBIC_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
  const results: Row[] = [];
  try {
    for (const n of SIZES) {
      const { entry, input } = generatedGraphEntry(n);
      const layoutTimes: number[] = [];
      const modelTimes: number[] = [];
      let json = '';
      let built = buildGraphModel(entry, [entry], { foldByDefault: true, toggled: new Set() });
      for (let i = 0; i < runs; i++) {
        let t = performance.now();
        layoutGraph(input);
        layoutTimes.push(performance.now() - t);
        t = performance.now();
        built = buildGraphModel(entry, [entry], { foldByDefault: true, toggled: new Set() });
        json = JSON.stringify(built.model);
        modelTimes.push(performance.now() - t);
      }
      // The page the webview loads, with a stand-in for VS Code's webview API that answers
      // 'ready' with the model (postMessage, as the panel does).
      const page = graphTestPage(ROOT, json);
      const file = path.join(tmp, `graph-${n}.html`);
      await fs.writeFile(file, page);
      const firsts: number[] = [];
      const loads: number[] = [];
      let scroll: number[] = [];
      let drawn = 0;
      const fits: number[] = [];
      for (let i = 0; i < Math.min(runs, 5); i++) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
        const p = await context.newPage();
        const t = Date.now();
        await p.goto(`file://${file}`);
        await p.waitForFunction(() => (window as unknown as { __t1?: number }).__t1 !== undefined, undefined, { timeout: 60_000 });
        loads.push(Date.now() - t);
        firsts.push(await p.evaluate(() => {
          const w = window as unknown as { __t0: number; __t1: number };
          return w.__t1 - w.__t0;
        }));
        if (i === 0) {
          drawn = await p.evaluate(() => document.querySelectorAll('#rows .row').length);
          scroll = await p.evaluate(async () => {
            const s = document.getElementById('scroller');
            if (!s) return [];
            const times: number[] = [];
            const steps = 200;
            for (let k = 1; k <= steps; k++) {
              delete document.body.dataset.drawMs;
              s.scrollTop = ((s.scrollHeight - s.clientHeight) * k) / steps;
              // The scroll handler schedules one frame; the page records how long its drawing took.
              await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
              times.push(Number(document.body.dataset.drawMs ?? 'NaN'));
            }
            return times;
          });
        }
        // Zoom to fit: the overview canvas with every line.
        await p.evaluate(() => {
          delete document.body.dataset.drawMs;
          document.getElementById('zoom-fit')?.click();
        });
        await p.waitForFunction(() => document.body.dataset.overview === 'true' && document.body.dataset.drawMs !== undefined, undefined, { timeout: 30_000 });
        fits.push(await p.evaluate(() => Number(document.body.dataset.drawMs)));
        await context.close();
      }
      const row: Row = {
        n, layout: median(layoutTimes), model: median(modelTimes), json: json.length, lines: built.model.lines.length, lanes: built.model.lanes,
        firstFromModel: median(firsts), firstFromLoad: median(loads), scrollMedian: median(scroll), scrollMax: Math.max(...scroll), fit: median(fits), drawn,
      };
      results.push(row);
      console.log(`${n}: layout ${fmt(row.layout)}, model+JSON ${fmt(row.model)} (${(row.json / 1024).toFixed(0)} KB, ${row.lines} lines, ${row.lanes} lanes), first frame ${fmt(row.firstFromModel)} after the model (${fmt(row.firstFromLoad)} from page load), redraw on scroll median ${fmt(row.scrollMedian)} max ${fmt(row.scrollMax)}, zoom to fit ${fmt(row.fit)}, ${row.drawn} rows in the DOM`);
    }
  } finally {
    await browser.close();
    await fs.rm(tmp, { recursive: true, force: true });
  }
  const table = [
    '| revisions | layout (core) | host model + JSON | model size | lines (runs folded) / lanes | first frame after the model arrives | page load → first frame | redraw on scroll (median / max) | zoom to fit (every line drawn) | rows in the DOM |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.n.toLocaleString('en')} | ${fmt(r.layout)} | ${fmt(r.model)} | ${(r.json / 1024).toFixed(0)} KB | ${r.lines} / ${r.lanes} | ${fmt(r.firstFromModel)} | ${fmt(r.firstFromLoad)} | ${fmt(r.scrollMedian)} / ${fmt(r.scrollMax)} | ${fmt(r.fit)} | ${r.drawn} |`),
  ].join('\n');
  console.log(`\n${table}`);
  if (write) {
    const file = path.join(ROOT, 'bench', 'results.md');
    const text = await fs.readFile(file, 'utf8');
    const marker = '## The revision graph picture';
    const section = `${marker}\n\n\`npm run bench:graph\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, Chromium headless, load average ${os.loadavg()[0].toFixed(1)} while measuring (a shared machine: figures are upper bounds); median of ${runs} runs (5 page loads). Generated projects of bench/generate.ts (labelled main line with branches and merges, a second base, depends_on), database at 80 %. Linear runs folded (the default). "First frame" is the webview's own page and script drawing the model it is sent; VS Code's cost of creating the panel is not in it.\n\n${table}\n`;
    const start = text.indexOf(marker);
    const next = start >= 0 ? text.indexOf('\n## ', start + marker.length) : -1;
    const updated = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next >= 0 ? text.slice(next) : ''}`;
    await fs.writeFile(file, updated);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
