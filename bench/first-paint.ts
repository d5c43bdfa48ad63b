// First paint in the real editor: from opening a workspace in code-server to the Revisions
// sidebar showing revisions *with their database states*, on a generated ~600-revision project
// whose database (a local PostgreSQL) sits at a middle revision — beside what other Alembic
// extensions run to show the same (`alembic history` + `alembic current` subprocesses), on the
// same project and machine, in the same run. `npm run bench` runs it after bench.js.
//
//   node out/bench/first-paint.js [--runs N] [--revisions N] [--write]
//
// Each editor run starts a fresh code-server (cold user data), loads the production build from
// the repository, clicks the Alembic icon as soon as it shows, and waits until a row's
// description holds a state. The extension's own log ("Alembic" output channel, timestamped)
// says when it was activated and how long each step took (project search, server start, the
// server's scan, the database read); they are read from the log files code-server writes.
import { spawn } from 'node:child_process';
import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer, startCodeServer } from '../scripts/code-server';
import { startPostgres } from '../test/support/postgres';
import { launchBrowser, until } from '../test/vscode/workbench';
import { writeBenchProject } from './generate';
import { LspTestClient } from '../test/server/lsp-client';

const ROOT = path.resolve(__dirname, '..', '..');
const ALEMBIC = '/usr/bin/alembic';

const ENV_PY = `from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config

if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()
`;

interface Options {
  runs: number;
  revisions: number;
  write: boolean;
}

function options(argv: string[]): Options {
  const o: Options = { runs: 3, revisions: 600, write: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') o.runs = Math.max(1, Number(argv[++i]) || 3);
    else if (argv[i] === '--revisions') o.revisions = Math.max(10, Number(argv[++i]) || 600);
    else if (argv[i] === '--write') o.write = true;
  }
  return o;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - started, stdout: stdout + stderr }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

/** Every file under `dir` whose name ends with `suffix`. */
function findFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      try {
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith(suffix)) out.push(p);
      } catch {
        // gone
      }
    }
  };
  walk(dir);
  return out;
}

interface LogFacts {
  /** Wall-clock time activate() started (from the "Activated in" line's timestamp minus its duration). */
  activationStart: number | null;
  activateMs: number | null;
  firstRowsMs: number | null;
  projectFoundMs: number | null;
  serverStartMs: number | null;
  serverAnswerMs: number | null;
  dbReadMs: number | null;
  /** Pieces of the first PostgreSQL read: URL chosen (the server asked for the config's), stored password looked up, version table read. */
  dbUrlMs: number | null;
  dbSecretMs: number | null;
  dbQueryMs: number | null;
}

function logFacts(text: string): LogFacts {
  const num = (re: RegExp): number | null => {
    const m = re.exec(text);
    return m ? Number(m[1]) : null;
  };
  const act = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+) \[info\] Activated in (\d+) ms/m.exec(text);
  return {
    activationStart: act ? new Date(`${act[1]}T${act[2]}`).getTime() - Number(act[3]) : null,
    activateMs: act ? Number(act[3]) : null,
    firstRowsMs: num(/First rows with states (\d+) ms after activation/),
    projectFoundMs: num(/Project found in (\d+) ms/),
    serverStartMs: num(/language server started in (\d+) ms/),
    serverAnswerMs: num(/from the server in (\d+) ms/),
    dbReadMs: num(/databases read in (\d+) ms/),
    dbUrlMs: num(/First PostgreSQL read: URL chosen in (\d+) ms/),
    dbSecretMs: num(/stored password looked up in (\d+) ms/),
    dbQueryMs: num(/version table read in (\d+) ms/),
  };
}

interface EditorRun {
  workbenchMs: number;
  rowsMs: number;
  facts: LogFacts;
}

async function editorRun(install: Awaited<ReturnType<typeof ensureCodeServer>>, folder: string): Promise<EditorRun> {
  const server = await startCodeServer(install, { userSettings: { 'alembic.command': [ALEMBIC] } });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(server.workbenchUrl(folder, { extensionDevelopmentPath: ROOT }), { waitUntil: 'domcontentloaded', timeout: 90_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    const workbenchMs = Date.now() - t0;
    const icon = page.locator('.activitybar [aria-label^="Alembic"]').first();
    await icon.waitFor({ state: 'visible', timeout: 60_000 });
    await icon.click();
    const rowsMs = await until('rows with states', 120_000, async () => {
      const descriptions = await page.locator('[id="workbench.parts.sidebar"] .monaco-list-row .label-description').allTextContents();
      return descriptions.some((d) => /\b(applied|current|pending)\b/.test(d)) ? Date.now() - t0 : undefined;
    });
    // The extension writes its log lines a moment later: wait for the first-paint line.
    const facts = await until('the extension log with its timings', 20_000, async () => {
      const files = findFiles(server.root, 'Alembic.log');
      const text = (await Promise.all(files.map((f) => fs.readFile(f, 'utf8')))).join('\n');
      const f = logFacts(text);
      return f.firstRowsMs !== null && f.activationStart !== null ? f : undefined;
    });
    await context.close();
    return { workbenchMs, rowsMs, facts: { ...facts, activationStart: facts.activationStart === null ? null : facts.activationStart - t0 } };
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

/**
 * The extension's version-table read (io/pg.ts) alone in a fresh Node process: from loading the
 * module to the rows, timed inside that process (its start is the `node -e 0` row).
 */
async function versionTableReadAlone(url: string, expected: string, cwd: string): Promise<number> {
  const out = path.join(__dirname, '..', 'src');
  const script = `const t0 = performance.now();
const { readVersionTable } = require(${JSON.stringify(path.join(out, 'io', 'pg.js'))});
const { parseSqlalchemyUrl } = require(${JSON.stringify(path.join(out, 'core', 'dburl.js'))});
const parsed = parseSqlalchemyUrl(process.env.FIRST_PAINT_URL);
readVersionTable(parsed.pg).then((r) => process.stdout.write(JSON.stringify({ ms: performance.now() - t0, r })));`;
  const { stdout } = await timed(process.execPath, ['-e', script], cwd, { FIRST_PAINT_URL: url });
  const res = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { ms: number; r: { kind: string; rows?: string[] } };
  if (res.r.kind !== 'ok' || !res.r.rows?.includes(expected)) throw new Error(`the version-table read alone did not find ${expected}: ${stdout}`);
  return res.ms;
}

const MEANING = `What each row measures:

- *subprocesses*: spawn to exit of \`/usr/bin/alembic history\` then \`alembic current\` in the project
  folder (what other Alembic extensions run to fill their views), timed by this process; no rendering.
- *outside the editor*: \`node -e 0\`, and the language server (\`dist/server.js\`) forked over IPC
  as the extension starts it: \`initialize\` answered, then \`alembic/projects\` answered with the
  600-revision graph. With the config parsed by the server only, this is on the first paint's path.
  The version-table read: the extension's own reader (\`io/pg.ts\` \`readVersionTable\`, from
  loading the module to the rows) in a fresh Node process, what the editor's "version table" row
  does inside the extension host.
- *editor, after activation (log)*: from the start of \`activate()\` to the moment the tree's model
  first holds rows with states (the extension's "First rows with states" log line); no rendering.
  The pieces are the extension's own timings: the project check, \`client.start()\` (server process
  up and initialized), then the projects answer and the database reads of the load that follows
  (the "First load" line), and the URL / stored password / version table of the first PostgreSQL
  read. What they do not add up to is time the extension host spent on other work while the window
  starts (other extensions activating), between our steps.
- *on screen (DOM)*: until a tree row's description shows a state, polled in the page.
- *sizes*: the production bundles and the .vsix of \`npm run package\` (run it first).
`;

/** The production bundles' sizes and the newest .vsix's (`npm run package`), if there is one. */
function sizes(): string {
  const kb = (f: string): string => {
    try {
      return `${Math.round(statSync(f).size / 1024)} KB`;
    } catch {
      return '—';
    }
  };
  const vsix = readdirSync(ROOT).filter((n) => n.endsWith('.vsix')).map((n) => path.join(ROOT, n)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  return `${kb(path.join(ROOT, 'dist', 'extension.js'))} / ${kb(path.join(ROOT, 'dist', 'server.js'))} / ${vsix ? `${kb(vsix)} (${path.basename(vsix)})` : 'not packaged'}`;
}

function fmt(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

async function main(): Promise<void> {
  const o = options(process.argv.slice(2));
  const log = (s: string) => console.log(s);
  const install = await ensureCodeServer(log);
  const pg = await startPostgres();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-first-paint-'));
  try {
    const url = await pg.createDatabase('firstpaint');
    const project = await writeBenchProject(dir, o.revisions);
    await fs.writeFile(path.join(dir, 'alembic.ini'), `[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = ${url.replace(/%/g, '%%')}\n`);
    await fs.writeFile(path.join(dir, 'migrations', 'env.py'), ENV_PY);
    const at = project.specs[Math.floor(project.specs.length / 2)].id;
    await pg.sql(`CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('${at}')`, 'firstpaint');
    log(`first paint: ${project.specs.length} revisions, database at ${at}, ${o.runs} run(s) each, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);

    // The subprocess way, as other Alembic extensions fill their views.
    const sub: Array<{ history: number; current: number }> = [];
    for (let i = 0; i < o.runs; i++) {
      const h = await timed(ALEMBIC, ['history'], dir);
      const c = await timed(ALEMBIC, ['current'], dir);
      if (!c.stdout.includes(at)) throw new Error(`alembic current did not report ${at}: ${c.stdout}`);
      if (h.stdout.split('\n').filter((l) => l.includes('->')).length < project.specs.length) throw new Error('alembic history listed fewer revisions than the project has');
      sub.push({ history: h.ms, current: c.ms });
      log(`  subprocesses run ${i + 1}: history ${fmt(h.ms)}, current ${fmt(c.ms)}`);
    }

    // The same two commands run at once (an extension could start both together).
    const together: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      const t0 = performance.now();
      await Promise.all([timed(ALEMBIC, ['history'], dir), timed(ALEMBIC, ['current'], dir)]);
      together.push(performance.now() - t0);
    }

    // Outside the editor, same machine and run: what the language server on the first paint's path
    // costs by itself — a Node process start, and the server started over IPC as the extension
    // starts it (initialize answered, then the projects with their graphs).
    const floor: Array<{ node: number; initialize: number; projects: number; pgRead: number }> = [];
    for (let i = 0; i < o.runs; i++) {
      const node = (await timed(process.execPath, ['-e', '0'], dir)).ms;
      const t0 = performance.now();
      const client = await LspTestClient.start({ folders: [{ name: 'first-paint', path: dir }], transport: 'ipc' });
      const t1 = performance.now();
      const answer = await client.request<Array<{ revisions: unknown[] }>>('alembic/projects', null);
      const t2 = performance.now();
      await client.stop();
      if (answer[0]?.revisions.length !== project.specs.length) throw new Error('the language server did not list every revision');
      const pgRead = await versionTableReadAlone(url, at, dir);
      floor.push({ node, initialize: t1 - t0, projects: t2 - t1, pgRead });
      log(`  language server alone run ${i + 1}: node -e 0 ${fmt(node)}; initialize ${fmt(t1 - t0)}, projects ${fmt(t2 - t1)}; version table read alone ${fmt(pgRead)}`);
    }

    const runs: EditorRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      const r = await editorRun(install, dir);
      runs.push(r);
      const f = r.facts;
      log(`  editor run ${i + 1}: workbench ${fmt(r.workbenchMs)}, activation at ${fmt(f.activationStart)} (activate() ${fmt(f.activateMs)}), rows with states at ${fmt(r.rowsMs)}; log: first rows ${fmt(f.firstRowsMs)} after activation (project found ${fmt(f.projectFoundMs)}, server start ${fmt(f.serverStartMs)}, server answer ${fmt(f.serverAnswerMs)}, database ${fmt(f.dbReadMs)} = URL ${fmt(f.dbUrlMs)} + stored password ${fmt(f.dbSecretMs)} + version table ${fmt(f.dbQueryMs)})`);
    }

    const subMs = median(sub.map((s) => s.history + s.current));
    const afterActivation = median(runs.map((r) => r.facts.firstRowsMs ?? NaN));
    const domAfterActivation = median(runs.map((r) => (r.facts.activationStart === null ? NaN : r.rowsMs - r.facts.activationStart)));
    const m = (f: (r: EditorRun) => number | null) => median(runs.map((r) => f(r) ?? NaN));
    const lines = [
      `| ${project.specs.length} revisions, local PostgreSQL, median of ${o.runs} | time |`,
      '|---|---:|',
      `| \`alembic history\` + \`alembic current\` (subprocesses, sequential) | ${fmt(subMs)} (${fmt(median(sub.map((s) => s.history)))} + ${fmt(median(sub.map((s) => s.current)))}) |`,
      `| the same two subprocesses started together | ${fmt(median(together))} |`,
      `| outside the editor: \`node -e 0\` (a Node process start) | ${fmt(median(floor.map((f) => f.node)))} |`,
      `| outside the editor: language server over IPC, initialize / projects answered | ${fmt(median(floor.map((f) => f.initialize)))} / ${fmt(median(floor.map((f) => f.projects)))} |`,
      `| outside the editor: the same version-table read in a fresh Node process (io/pg.ts, module load included) | ${fmt(median(floor.map((f) => f.pgRead)))} |`,
      `| editor: workbench visible after opening | ${fmt(m((r) => r.workbenchMs))} |`,
      `| editor: extension activated after opening | ${fmt(m((r) => r.facts.activationStart))} |`,
      `| editor: \`activate()\` itself | ${fmt(m((r) => r.facts.activateMs))} |`,
      `| editor: rows with states after activation (extension log) | ${fmt(afterActivation)} |`,
      `| … of which: project search / server start / server scan answer / database read | ${fmt(m((r) => r.facts.projectFoundMs))} / ${fmt(m((r) => r.facts.serverStartMs))} / ${fmt(m((r) => r.facts.serverAnswerMs))} / ${fmt(m((r) => r.facts.dbReadMs))} |`,
      `| … the database read: URL from the server / stored password (SecretStorage) / version table | ${fmt(m((r) => r.facts.dbUrlMs))} / ${fmt(m((r) => r.facts.dbSecretMs))} / ${fmt(m((r) => r.facts.dbQueryMs))} |`,
      `| editor: rows with states on screen after activation (DOM) | ${fmt(domAfterActivation)} |`,
      `| editor: rows with states on screen after opening | ${fmt(m((r) => r.rowsMs))} |`,
      `| subprocess way / extension (after activation, log) | ${(subMs / afterActivation).toFixed(1)}× (${(median(together) / afterActivation).toFixed(1)}× against the two started together) |`,
      `| sizes: \`dist/extension.js\` / \`dist/server.js\` / .vsix | ${sizes()} |`,
    ];
    log('\n' + lines.join('\n'));
    if (o.write) {
      const file = path.join(ROOT, 'bench', 'first-paint.md');
      await fs.writeFile(file, `# First paint (bench/first-paint.ts)\n\nMachine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''}; Node ${process.version}; code-server 4.139.1; load average ${os.loadavg()[0].toFixed(1)} at the end.\n\n${lines.join('\n')}\n\n${MEANING}`);
      log(`written: ${file}`);
    }
  } finally {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
