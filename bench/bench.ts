// `npm run bench`: how fast this project reads an Alembic project, side by side with two floors
// (a bare Node process that only reads the files) and Alembic's own path, on generated projects
// of 1,000 and 10,000 revisions (bench/.data/, re-used between runs). `npm run bench` first builds
// dist/ for production (minified, as `npm run package` ships it), so the CLI measured is the one
// users run.
//
//   node out/bench/bench.js [--write] [--runs N] [--sizes 1000,10000] [--profile]
//
// --write     also writes bench/results.md
// --profile   runs `graph --json` on the largest size under `node --cpu-prof` and prints where
//             the time goes (self time by function and by source file)
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RevisionGraph } from '../src/core/graph';
import { graphDiagnostics } from '../src/core/graph-diagnostics';
import { discoverProjects } from '../src/io/discover';
import { decodePythonSource, readMigrationFile, scanProject, scanProjectSync } from '../src/io/scan';
import { lintMigration } from '../src/core/lint/lint';
import { loadSqlParser } from '../src/io/sql-parser';
import { readMigration } from '../src/core/migration';
import type { MigrationFile } from '../src/core/types';
import { writeBenchProject, type GeneratedProject } from './generate';
import { summariseProfile } from './profile';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const DATA = path.join(ROOT, 'bench', '.data');
const PY = '/usr/bin/python3';
const ALEMBIC = '/usr/bin/alembic';
const ALEMBIC_PATH_SCRIPT = path.join(ROOT, 'bench', 'alembic_path.py');

// Two floors: bare Node processes that only list the folder and read every .py file, no parsing.
// The 2× target is measured against the stricter one, the readFileSync loop; the ratio to the
// fs.promises floor is shown too. A third process, the lower bound, adds one regex per file.

/** The async floor: the reads with fs.promises, 64 at a time (the usual way to read many files in Node). */
const FLOOR_SCRIPT = `
const fs = require('fs'), p = require('path');
const d = process.argv[1];
(async () => {
  const names = (await fs.promises.readdir(d)).filter((n) => n.endsWith('.py'));
  let i = 0, bytes = 0;
  const w = async () => { while (i < names.length) { const n = names[i++]; bytes += (await fs.promises.readFile(p.join(d, n))).length; } };
  await Promise.all(Array.from({ length: 64 }, w));
  process.stdout.write(names.length + ' ' + bytes);
})();
`;

/** The strict floor: the same reads, synchronously, in one loop. */
const SYNC_FLOOR_SCRIPT = `
const fs = require('fs'), p = require('path');
const d = process.argv[1];
const names = fs.readdirSync(d).filter((n) => n.endsWith('.py'));
let bytes = 0;
for (const n of names) bytes += fs.readFileSync(p.join(d, n)).length;
process.stdout.write(names.length + ' ' + bytes);
`;

/**
 * A lower bound, not a competitor: floor A plus one regular expression per file that picks the
 * four revision variables (plain literals only) and the docstring's first line. No syntax check,
 * no graph, no diagnostics, no output. Any reader that looks at the variables pays at least this;
 * it shows how much room a ratio target leaves for real work.
 */
const LOWER_BOUND_SCRIPT = `
const fs = require('fs'), p = require('path');
const d = process.argv[1];
const names = fs.readdirSync(d).filter((n) => n.endsWith('.py'));
const re = /^(revision|down_revision|branch_labels|depends_on)(?:[ \\t]*:[^=\\n]*)?[ \\t]*=[ \\t]*(?:'([^'\\n]*)'|"([^"\\n]*)"|None)/gm;
let found = 0;
const seen = [];
for (const n of names) {
  const text = fs.readFileSync(p.join(d, n), 'utf8');
  const rec = { revision: null, down: null, message: text.slice(3, text.indexOf('\\n')) };
  re.lastIndex = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1] === 'revision') rec.revision = m[2] ?? m[3];
    else if (m[1] === 'down_revision') rec.down = m[2] ?? m[3] ?? null;
  }
  if (rec.revision !== null) found++;
  seen.push(rec);
}
process.stdout.write(String(found));
`;

interface Options {
  write: boolean;
  runs: number;
  sizes: number[];
  profile: boolean;
}

function parseOptions(argv: string[]): Options {
  const o: Options = { write: false, runs: 5, sizes: [1000, 10000], profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write') o.write = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--runs') o.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--sizes') o.sizes = (argv[++i] ?? '').split(',').map(Number).filter((n) => n > 0);
    else throw new Error(`unknown argument '${a}' (use --write, --runs N, --sizes 1000,10000, --profile)`);
  }
  return o;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface ProcResult {
  /** Wall-clock milliseconds. */
  ms: number;
  /** User + system CPU milliseconds of the process (null when /usr/bin/time is unavailable). */
  cpuMs: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

const TIME_BIN = '/usr/bin/time';
let haveTime = true;
const CPU_MARK = '@@cpu ';

function timeProcess(cmd: string, args: string[], cwd: string): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const [c, a] = haveTime ? [TIME_BIN, ['-f', `${CPU_MARK}%U %S`, cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const child = spawn(c, a, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let stderr = Buffer.concat(err).toString('utf8');
      let cpuMs: number | null = null;
      const at = stderr.lastIndexOf(CPU_MARK);
      if (at >= 0) {
        const [u, sys] = stderr.slice(at + CPU_MARK.length).trim().split(/\s+/u).map(Number);
        cpuMs = (u + sys) * 1000;
        stderr = stderr.slice(0, at);
      }
      resolve({ ms, cpuMs, code, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

async function checkedProcess(what: string, cmd: string, args: string[], cwd: string): Promise<ProcResult> {
  const r = await timeProcess(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

interface Timing {
  wall: number;
  cpu: number | null;
}

interface SizeResult {
  n: number;
  inProcess: number;
  scan: number;
  scanSync: number;
  parseOnly: number;
  build: number;
  graphProcess: Timing;
  floor: Timing;
  syncFloor: Timing;
  lowerBound: Timing;
  nodeStartup: Timing;
  alembicPath: Timing;
  alembicPathRuns: number;
  alembicHeads: Timing | null;
  oneFileUpdate: number | null;
  /** `check --lint all --format json` and `check --lint off --format json` processes. */
  checkLintAll: Timing;
  checkLintOff: Timing;
  /** Lint of every text already in memory (parser loaded). */
  lintInProcess: number;
  /** One-file re-check: read one file + lint it (what the server does on a change). */
  oneFileLint: number | null;
  agree: string;
}

interface InProcess {
  total: number;
  scan: number;
  scanSync: number;
  build: number;
  graph: RevisionGraph;
  files: MigrationFile[];
}

async function inProcessOnce(root: string): Promise<InProcess> {
  const t0 = performance.now();
  const [config] = await discoverProjects(root);
  const scan = await scanProject(config);
  const t1 = performance.now();
  const graph = RevisionGraph.build(scan.files);
  void graphDiagnostics(graph).length;
  const t2 = performance.now();
  const sync = scanProjectSync(config);
  const t3 = performance.now();
  if (sync.files.length !== scan.files.length) throw new Error(`scanProjectSync read ${sync.files.length} files, scanProject ${scan.files.length}`);
  return { total: t2 - t0, scan: t1 - t0, scanSync: t3 - t2, build: t2 - t1, graph, files: scan.files };
}

/** The reader alone: parse every text already in memory (no I/O). */
async function parseOnly(files: readonly MigrationFile[], runs: number): Promise<number> {
  const texts = await Promise.all(files.map(async (f) => [f.path, await fs.readFile(f.path, 'utf8')] as const));
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    for (const [p, t] of texts) readMigration(t, p);
    if (i > 0) times.push(performance.now() - t0);
  }
  return median(times);
}

/** Re-read one file and rebuild the graph over the in-memory set (what the language server does on an edit). */
async function oneFileUpdate(files: MigrationFile[], runs: number): Promise<number[]> {
  const idx = files.length >> 1;
  const target = files[idx].path;
  const original = await fs.readFile(target, 'utf8');
  const times: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      // A real change each time: the docstring's first line.
      await fs.writeFile(target, original.replace(/^"""[^\n]*/u, `"""edited ${i}`));
      const t0 = performance.now();
      const next = files.slice();
      next[idx] = await readMigrationFile(target);
      const graph = RevisionGraph.build(next);
      void graphDiagnostics(graph).length;
      const ms = performance.now() - t0;
      if (i > 0) times.push(ms);
    }
  } finally {
    await fs.writeFile(target, original);
  }
  return times;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/** `check --lint all` ÷ `graph --json`: cpu times (a shared machine inflates wall-clock ones), else wall. */
function lintRatio(r: SizeResult): number {
  const a = r.checkLintAll.cpu;
  const b = r.graphProcess.cpu;
  return a !== null && b !== null && b > 0 ? a / b : r.checkLintAll.wall / r.graphProcess.wall;
}

function timing(rs: ProcResult[]): Timing {
  const cpus = rs.map((r) => r.cpuMs).filter((c): c is number => c !== null);
  return { wall: median(rs.map((r) => r.ms)), cpu: cpus.length === rs.length ? median(cpus) : null };
}

async function measure(project: GeneratedProject, n: number, o: Options, log: (s: string) => void): Promise<SizeResult> {
  const { root, versions } = project;
  log(`\n${n} revisions (${path.relative(ROOT, root)})`);
  const graphCmd = (): Promise<ProcResult> => checkedProcess('graph --json', process.execPath, [CLI, 'graph', '--json', root], ROOT);
  const floorCmd = (): Promise<ProcResult> => checkedProcess('floor', process.execPath, ['-e', FLOOR_SCRIPT, versions], ROOT);
  const syncFloorCmd = (): Promise<ProcResult> => checkedProcess('sync floor', process.execPath, ['-e', SYNC_FLOOR_SCRIPT, versions], ROOT);
  const startCmd = (): Promise<ProcResult> => checkedProcess('node -e ""', process.execPath, ['-e', ''], ROOT);
  const lowerCmd = (): Promise<ProcResult> => checkedProcess('lower bound', process.execPath, ['-e', LOWER_BOUND_SCRIPT, versions], ROOT);
  const lintAllCmd = (): Promise<ProcResult> => checkedProcess('check --lint all', process.execPath, [CLI, 'check', '--lint', 'all', '--format', 'json', root], ROOT);
  const lintOffCmd = (): Promise<ProcResult> => checkedProcess('check --lint off', process.execPath, [CLI, 'check', '--lint', 'off', '--format', 'json', root], ROOT);

  // warm-up: file cache, JIT of the in-process path
  await inProcessOnce(root);
  await graphCmd();
  await floorCmd();
  await syncFloorCmd();
  await startCmd();
  await lowerCmd();
  await lintAllCmd();
  await lintOffCmd();

  // Interleaved rounds, so that a change in machine load hits every contender alike.
  const inProc: InProcess[] = [];
  const graphRuns: ProcResult[] = [];
  const floorRuns: ProcResult[] = [];
  const syncFloorRuns: ProcResult[] = [];
  const startRuns: ProcResult[] = [];
  const lowerRuns: ProcResult[] = [];
  const lintAllRuns: ProcResult[] = [];
  const lintOffRuns: ProcResult[] = [];
  let lastJson = '';
  for (let i = 0; i < o.runs; i++) {
    const g = await graphCmd();
    lastJson = g.stdout;
    graphRuns.push(g);
    floorRuns.push(await floorCmd());
    syncFloorRuns.push(await syncFloorCmd());
    startRuns.push(await startCmd());
    lowerRuns.push(await lowerCmd());
    lintAllRuns.push(await lintAllCmd());
    lintOffRuns.push(await lintOffCmd());
    inProc.push(await inProcessOnce(root));
  }
  const { graph, files } = inProc[inProc.length - 1];
  const parse = await parseOnly(files, Math.min(o.runs, 3));
  const res = {
    inProcess: median(inProc.map((r) => r.total)),
    scan: median(inProc.map((r) => r.scan)),
    scanSync: median(inProc.map((r) => r.scanSync)),
    build: median(inProc.map((r) => r.build)),
    graphProcess: timing(graphRuns),
    floor: timing(floorRuns),
    syncFloor: timing(syncFloorRuns),
    nodeStartup: timing(startRuns),
    lowerBound: timing(lowerRuns),
    checkLintAll: timing(lintAllRuns),
    checkLintOff: timing(lintOffRuns),
  };
  const lint = await lintTimes(files, Math.min(o.runs, 3), n >= 10000 || o.sizes.length === 1);
  log(`  check --lint all / off processes   ${fmtT(res.checkLintAll)} / ${fmtT(res.checkLintOff)}; lint in-process ${fmt(lint.all)}${lint.one !== null ? `; one-file re-check ${fmt(lint.one)}` : ''}`);
  const lowerFound = Number(lowerRuns[lowerRuns.length - 1].stdout);
  log(`  in-process scan+graph+diagnostics  ${fmt(res.inProcess)}  (scan ${fmt(res.scan)}, sync scan ${fmt(res.scanSync)}, of which parsing ${fmt(parse)}; graph ${fmt(res.build)})`);
  log(`  graph --json process               ${fmtT(res.graphProcess)}`);
  log(`  floor, fs.promises (bare node)     ${fmtT(res.floor)}`);
  log(`  floor, readFileSync (bare node)    ${fmtT(res.syncFloor)}`);
  log(`  lower bound (floor + one regex)    ${fmtT(res.lowerBound)}`);

  const pyRuns = n > 5000 ? Math.min(o.runs, 2) : Math.min(o.runs, 3);
  let pyOut = '';
  const py: ProcResult[] = [];
  for (let i = 0; i < pyRuns; i++) {
    const r = await checkedProcess('alembic_path.py', PY, [ALEMBIC_PATH_SCRIPT, versions], ROOT);
    py.push(r);
    pyOut = r.stdout;
  }
  const alembicPath = timing(py);
  log(`  Alembic's path (python3, ${pyRuns} runs)   ${fmtT(alembicPath)}`);

  let heads: Timing | null = null;
  if (n <= 1000) {
    await checkedProcess('alembic heads', ALEMBIC, ['heads'], root); // writes __pycache__ once
    const hs: ProcResult[] = [];
    for (let i = 0; i < Math.min(o.runs, 3); i++) hs.push(await checkedProcess('alembic heads', ALEMBIC, ['heads'], root));
    heads = timing(hs);
    log(`  alembic heads                      ${fmtT(heads)}`);
  }

  let update: number | null = null;
  if (n >= 10000 || o.sizes.length === 1) {
    update = median(await oneFileUpdate(files, 20));
    log(`  one-file update (read + rebuild)   ${fmt(update)}`);
  }

  // The readers must agree on what they read.
  const notes: string[] = [];
  const parsedJson: unknown = JSON.parse(lastJson);
  const cliHeads = isRecord(parsedJson) && Array.isArray(parsedJson.heads) ? (parsedJson.heads as string[]) : [];
  const pyJson: unknown = JSON.parse(pyOut);
  const pyHeads = isRecord(pyJson) && Array.isArray(pyJson.heads) ? (pyJson.heads as string[]) : [];
  if (!sameSet(cliHeads, project.heads)) notes.push(`graph --json heads ${cliHeads.join(',')} ≠ generated ${project.heads.join(',')}`);
  if (!sameSet(pyHeads, project.heads)) notes.push(`alembic heads ${pyHeads.join(',')} ≠ generated ${project.heads.join(',')}`);
  if (graph.revisions.size !== n) notes.push(`in-process read ${graph.revisions.size} revisions, expected ${n}`);
  if (lowerFound !== n) notes.push(`the lower-bound script found ${lowerFound} revisions, expected ${n}`);
  const errors = graphDiagnostics(graph).filter((d) => d.severity === 'error').length;
  if (errors > 0) notes.push(`${errors} error diagnostics on a clean project`);
  const agree = notes.length === 0 ? `yes (${project.heads.length} heads)` : notes.join('; ');

  return {
    n,
    ...res,
    parseOnly: parse,
    alembicPath,
    alembicPathRuns: pyRuns,
    alembicHeads: heads,
    oneFileUpdate: update,
    lintInProcess: lint.all,
    oneFileLint: lint.one,
    agree,
  };
}

/** Lint of every file (texts in memory, parser loaded), and the one-file re-check (read + lint). */
async function lintTimes(files: readonly MigrationFile[], runs: number, oneFile: boolean): Promise<{ all: number; one: number | null }> {
  const parse = await loadSqlParser();
  const texts = files.map((f) => readFileSync(f.path, 'utf8'));
  const all: number[] = [];
  // CPU time of this process (user + system): on a busy machine wall time mostly measures waiting.
  for (let i = 0; i <= runs; i++) {
    const c0 = process.cpuUsage();
    for (const t of texts) lintMigration(t, parse);
    const c = process.cpuUsage(c0);
    if (i > 0) all.push((c.user + c.system) / 1000);
  }
  if (!oneFile) return { all: median(all), one: null };
  const target = files[files.length >> 1].path;
  const one: number[] = [];
  for (let i = 0; i <= 20; i++) {
    const t0 = performance.now();
    lintMigration(decodePythonSource(readFileSync(target)).text, parse);
    if (i > 0) one.push(performance.now() - t0);
  }
  return { all: median(all), one: median(one) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function fmtT(t: Timing): string {
  return t.cpu === null ? fmt(t.wall) : `${fmt(t.wall)} (cpu ${fmt(t.cpu)})`;
}

function ratio(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
}

function table(results: SizeResult[], o: Options): string {
  const T = (f: (r: SizeResult) => Timing | null) => results.map((r) => { const t = f(r); return t === null ? '—' : fmtT(t); });
  const rows: string[][] = [
    ['', ...results.map((r) => `${r.n.toLocaleString('en-US')} revisions`)],
    ['this project, whole `graph --json` process', ...T((r) => r.graphProcess)],
    ['floor A: bare Node process reading the same files with readFileSync in one loop', ...T((r) => r.syncFloor)],
    ['floor B: the same reads with fs.promises, 64 at a time', ...T((r) => r.floor)],
    ['(bare `node -e ""` start-up)', ...T((r) => r.nodeStartup)],
    ['lower bound: floor A + one regex per file for the four variables (no syntax check, graph or output)', ...T((r) => r.lowerBound)],
    ['this project, in-process: scan + graph + diagnostics', ...results.map((r) => fmt(r.inProcess))],
    ['  of which scan (list, read, parse; in slices between event-loop turns, as the language server)', ...results.map((r) => fmt(r.scan))],
    ['  of which graph build + diagnostics', ...results.map((r) => fmt(r.build))],
    ['  (not in the total: the same scan in one synchronous loop, scanProjectSync, as the CLI)', ...results.map((r) => fmt(r.scanSync))],
    ['  reader alone (parse texts already in memory)', ...results.map((r) => fmt(r.parseOnly))],
    ["Alembic's path: ast + RevisionMap + history walk (python3)", ...T((r) => r.alembicPath)],
    ['`alembic heads` (real CLI)', ...T((r) => r.alembicHeads)],
    ['one-file update: re-read one file + rebuild graph', ...results.map((r) => (r.oneFileUpdate === null ? '—' : fmt(r.oneFileUpdate)))],
    ['lint: `check --lint all --format json` process', ...T((r) => r.checkLintAll)],
    ['lint: `check --lint off --format json` process (the same without the lint)', ...T((r) => r.checkLintOff)],
    ['lint: `check --lint all` ÷ `graph --json` process, cpu (wall when cpu is unknown; target ≤ 1.30×)', ...results.map((r) => ratio(lintRatio(r)))],
    ['lint: in-process, every file (texts in memory; cpu time)', ...results.map((r) => fmt(r.lintInProcess))],
    ['lint: one-file re-check, read + lint one file (target ≤ 5 ms)', ...results.map((r) => (r.oneFileLint === null ? '—' : fmt(r.oneFileLint)))],
    ['graph process ÷ floor A, readFileSync (target ≤ 2×)', ...results.map((r) => ratio(r.graphProcess.wall / r.syncFloor.wall))],
    ['graph process ÷ floor B, fs.promises (for reference)', ...results.map((r) => ratio(r.graphProcess.wall / r.floor.wall))],
    ["Alembic's path ÷ floor A (a process that only reads the files)", ...results.map((r) => ratio(r.alembicPath.wall / r.syncFloor.wall))],
    ["Alembic's path ÷ lower bound (the most a reader that looks at the variables could reach)", ...results.map((r) => ratio(r.alembicPath.wall / r.lowerBound.wall))],
    ["Alembic's path ÷ graph process (target ≥ 30×)", ...results.map((r) => ratio(r.alembicPath.wall / r.graphProcess.wall))],
    ['results agree (heads vs generator and Alembic)', ...results.map((r) => r.agree)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const sep = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return (
    [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n') +
    `\n\nWall-clock medians of ${o.runs} interleaved runs after one warm-up (cpu = user + system time of the process); ` +
    `Alembic's path on 10,000: ${results.find((r) => r.n >= 10000)?.alembicPathRuns ?? '-'} runs.`
  );
}

function verdicts(results: SizeResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const floorX = r.graphProcess.wall / r.syncFloor.wall;
    const floorBX = r.graphProcess.wall / r.floor.wall;
    const alembicX = r.alembicPath.wall / r.graphProcess.wall;
    out.push(
      `${r.n}: graph process ${ratio(floorX)} floor A, readFileSync (${floorX <= 2 ? 'met' : 'MISSED'} ≤ 2×; ${ratio(floorBX)} floor B, fs.promises); ${ratio(alembicX)} faster than Alembic's path (${alembicX >= 30 ? 'met' : 'MISSED'} ≥ 30×)` +
        (r.oneFileUpdate !== null ? `; one-file update ${fmt(r.oneFileUpdate)} (${r.oneFileUpdate <= 10 ? 'met' : 'MISSED'} ≤ 10 ms)` : '') +
        `; check --lint all ${ratio(lintRatio(r))} graph --json in cpu (${lintRatio(r) <= 1.3 ? 'met' : 'MISSED'} ≤ 1.30×)` +
        (r.oneFileLint !== null ? `; one-file lint re-check ${fmt(r.oneFileLint)} (${r.oneFileLint <= 5 ? 'met' : 'MISSED'} ≤ 5 ms)` : ''),
    );
  }
  return out;
}

async function profile(root: string, log: (s: string) => void): Promise<void> {
  const dir = path.join(DATA, 'prof');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await checkedProcess('graph --json (profiled)', process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, 'graph', '--json', root], ROOT);
  const [name] = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const text = await fs.readFile(path.join(dir, name), 'utf8');
  log(`\nCPU profile of graph --json on ${path.relative(ROOT, root)} (${path.relative(ROOT, path.join(dir, name))}):`);
  log(summariseProfile(text, 15));
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const log = (s: string) => console.log(s);
  try {
    await fs.access(CLI);
  } catch {
    throw new Error(`${path.relative(ROOT, CLI)} is missing: run 'npm run build' (npm run bench does)`);
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  log(`bench: node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.platform()} ${os.release()}`);
  const loadStart = os.loadavg()[0];
  try {
    await fs.access(TIME_BIN);
  } catch {
    haveTime = false;
  }
  const projects: Array<{ n: number; project: GeneratedProject }> = [];
  for (const n of o.sizes) {
    const t0 = performance.now();
    projects.push({ n, project: await writeBenchProject(path.join(DATA, `r${n}`), n) });
    log(`generated/checked ${n} revisions in ${fmt(performance.now() - t0)}`);
  }
  const results: SizeResult[] = [];
  for (const { n, project } of projects) results.push(await measure(project, n, o, log));

  const tbl = table(results, o);
  const v = verdicts(results);
  log('\n' + tbl + '\n');
  for (const line of v) log(line);
  if (o.profile) await profile(projects[projects.length - 1].project.root, log);
  const loadEnd = os.loadavg()[0];
  const loadNote = `load average ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at end, on ${os.cpus().length} CPUs`;
  log(`\nbench took ${fmt(performance.now() - started)}; ${loadNote}`);
  if (Math.max(loadStart, loadEnd) > os.cpus().length) log('warning: the machine was busy with other work; wall-clock figures are inflated (cpu times less so)');

  if (o.write) {
    const md = [
      '# Benchmark results',
      '',
      `\`npm run bench -- --write\` on ${new Date().toISOString().slice(0, 10)}: node ${process.version}, ${os.cpus().length} × ${cpu}, ${os.platform()};`,
      'the CLI as shipped (production build of `dist/cli.js`).',
      '',
      'Generated projects (`bench/generate.ts`): a labelled `main` line with a branch point every ~40',
      'revisions (2–3 branches of 1–5 revisions, merged back), a separately based labelled `audit`',
      'line (2 %), ~1 % of revisions with `depends_on`; current-template files of ~1.8 KB with',
      "realistic upgrade/downgrade bodies. Alembic's path is `bench/alembic_path.py` run with",
      '`/usr/bin/python3` (alembic 1.8.1): `ast` parsing of each file, `RevisionMap`, heads, bases,',
      'and `iterate_revisions("heads", "base")` as `alembic history` walks it. Warm file cache.',
      '',
      'The floor is a bare Node process that lists the folder and reads every file, nothing else.',
      'Two are measured: A, one `readFileSync` loop (the plain synchronous read, the stricter floor),',
      'and B, `fs.promises.readFile` 64 at a time (the usual way to read many files in Node). **The',
      '≤ 2× target is measured against floor A**; the ratio to floor B is shown for reference. The',
      'CLI reads each file with open/read/close into one reused buffer (~15 % faster than floor A\'s',
      'reads); the language server the same way, in slices of ≤ 8 ms between event-loop turns.',
      '',
      'The lower bound is floor A plus one regular expression per file that picks the four revision',
      'variables: no syntax check, no graph, no diagnostics, no output. No reader that looks at the',
      "variables can be faster, so `Alembic's path ÷ lower bound` is the most any such reader could",
      'reach on this machine.',
      '',
      tbl,
      '',
      ...v.map((l) => `- ${l}`),
      `- ${loadNote}`,
      '',
    ].join('\n');
    await fs.writeFile(path.join(ROOT, 'bench', 'results.md'), md);
    log(`wrote ${path.relative(ROOT, path.join(ROOT, 'bench', 'results.md'))}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
