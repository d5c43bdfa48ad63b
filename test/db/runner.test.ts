// AlembicRunner with the real /usr/bin/alembic against a real PostgreSQL.
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCurrentOutput } from '../../src/core/alembic-output';
import { parseSqlalchemyUrl, type PgTarget } from '../../src/core/dburl';
import { readVersionTable } from '../../src/io/pg';
import { AlembicBusyError, AlembicRunner, buildArgv, runKey, type AlembicInvocation } from '../../src/io/runner';
import { pyRepr } from '../support/fixture-writer';
import { ALEMBIC, raiseBody, writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { startPostgres, type TestPostgres } from '../support/postgres';

function targetOf(url: string): PgTarget {
  const parsed = parseSqlalchemyUrl(url);
  if (parsed.kind !== 'postgresql') throw new Error('not postgresql');
  return parsed.pg;
}

/** The process exists and is not a zombie (an exited child its parent has not reaped yet). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** upgrade() starts a `sleep 30` child, writes both pids to `pidFile`, then sleeps 30 s. */
function sleeperBody(pidFile: string, ignoreSigterm: boolean): string[] {
  return [
    'import os, signal, subprocess, time',
    "child = subprocess.Popen(['sleep', '30'])",
    // After Popen: an ignored signal would be inherited by the child.
    ...(ignoreSigterm ? ['signal.signal(signal.SIGTERM, signal.SIG_IGN)'] : []),
    `open(${pyRepr(pidFile)}, 'w').write('%d %d' % (os.getpid(), child.pid))`,
    'time.sleep(30)',
  ];
}

describe('AlembicRunner (real alembic, real PostgreSQL)', function () {
  this.timeout(60_000);
  let pg: TestPostgres;
  let tmp: string;
  const runner = new AlembicRunner();
  const projects: AlembicProject[] = [];

  before(async () => {
    pg = await startPostgres();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-runner-'));
  });
  after(async () => {
    await Promise.all(projects.map((p) => p.remove()));
    await fs.rm(tmp, { recursive: true, force: true });
    await pg?.stop();
  });

  async function project(db: string, revisions: ProjectRevision[]): Promise<{ p: AlembicProject; target: PgTarget }> {
    const url = await pg.createDatabase(db);
    const p = await writeAlembicProject({ url, revisions });
    projects.push(p);
    return { p, target: targetOf(url) };
  }

  const inv = (p: AlembicProject, extra: Partial<AlembicInvocation> = {}): AlembicInvocation => ({
    command: [ALEMBIC],
    cwd: p.dir,
    ...extra,
  });

  describe('running commands', () => {
    let p: AlembicProject;
    let target: PgTarget;
    before(async () => {
      ({ p, target } = await project('runs', [
        { id: 'a1', down: null },
        { id: 'b2', down: 'a1' },
      ]));
    });

    it('builds argv as prefix, -c, -n, -x…, subcommand (config relative to cwd when inside it)', () => {
      assert.deepEqual(
        buildArgv({ command: ['docker', 'exec', '-i', 'api', 'alembic'], cwd: '/p', configFile: '/p/conf/alembic.ini', section: 'staging', xArgs: ['tenant=a b', 'dry'] }, [
          'upgrade',
          'head',
        ]),
        ['docker', 'exec', '-i', 'api', 'alembic', '-c', 'conf/alembic.ini', '-n', 'staging', '-x', 'tenant=a b', '-x', 'dry', 'upgrade', 'head'],
      );
      assert.deepEqual(buildArgv({ command: ['alembic'], cwd: '/p', configFile: '/elsewhere/a.ini' }, ['current']), [
        'alembic',
        '-c',
        '/elsewhere/a.ini',
        'current',
      ]);
    });

    it('runs through a command prefix (/usr/bin/env /usr/bin/alembic), streaming the output it returns', async () => {
      const chunks: Array<[string, string]> = [];
      const r = await runner.run(inv(p, { command: ['/usr/bin/env', ALEMBIC] }), ['upgrade', 'a1'], {
        onOutput: (chunk, stream) => chunks.push([stream, chunk]),
      });
      assert.equal(r.exitCode, 0);
      assert.equal(r.failure, null);
      assert.equal(r.cancelled, false);
      assert.match(r.stderr, /Running upgrade {2}-> a1, rev a1/);
      assert.equal(chunks.filter(([s]) => s === 'stderr').map(([, c]) => c).join(''), r.stderr);
      assert.equal(chunks.filter(([s]) => s === 'stdout').map(([, c]) => c).join(''), r.stdout);
      assert.deepEqual(await readVersionTable(target), { kind: 'ok', rows: ['a1'] });
    });

    it('passes -c and -n: an ini with a renamed section runs only with -n', async () => {
      // Its own project, a1 applied: nothing read from the other tests' runs.
      const { p } = await project('runs_n', [
        { id: 'a1', down: null },
        { id: 'b2', down: 'a1' },
      ]);
      assert.equal((await runner.run(inv(p), ['upgrade', 'a1'])).failure, null);
      const ini = await fs.readFile(p.ini, 'utf8');
      await fs.mkdir(path.join(p.dir, 'conf'), { recursive: true });
      const custom = path.join(p.dir, 'conf', 'custom.ini');
      await fs.writeFile(custom, ini.replace('[alembic]', '[staging]').replace('script_location = migrations', 'script_location = %(here)s/../migrations'));
      const withSection = await runner.run(inv(p, { configFile: custom, section: 'staging' }), ['current']);
      assert.equal(withSection.failure, null);
      assert.equal(withSection.stdout, 'a1\n');
      const without = await runner.run(inv(p, { configFile: custom }), ['current']);
      assert.equal(without.exitCode, 255);
      assert.deepEqual(without.failure, { kind: 'failed', summary: "No config file 'conf/custom.ini' found, or file has no '[alembic]' section." });
    });

    it('passes -x values that env.py/migrations read with get_x_argument', async () => {
      const { p } = await project('runs_x', [
        { id: 'a1', down: null },
        { id: 'b2', down: 'a1' },
      ]);
      await p.addRevisions([
        {
          id: 'x3',
          down: 'b2',
          upgrade: ['from alembic import context', "op.create_table('x_' + context.get_x_argument(as_dictionary=True)['tag'], sa.Column('id', sa.Integer))"],
          downgrade: ['pass'],
        },
      ]);
      const r = await runner.run(inv(p, { xArgs: ['tag=from_x'] }), ['upgrade', 'x3']);
      assert.equal(r.failure, null, r.stderr);
      const rows = await pg.sql("SELECT tablename FROM pg_tables WHERE tablename = 'x_from_x'", 'runs_x');
      assert.deepEqual(rows, [{ tablename: 'x_from_x' }]);
    });

    it('passes a message with quotes, newlines, $() and backticks verbatim into the new revision file', async () => {
      const marker = path.join(tmp, 'injected');
      const message = `it's "quoted" $(touch ${marker}) \`touch ${marker}\` ; & | > < *\nsecond line`;
      const r = await runner.run(inv(p), ['revision', '-m', message, '--rev-id', 'q9']);
      assert.equal(r.failure, null, r.stdout + r.stderr);
      const name = (await fs.readdir(p.versionsDir)).find((n) => n.startsWith('q9_'));
      assert.ok(name, 'revision file q9_… was written');
      const text = await fs.readFile(path.join(p.versionsDir, name), 'utf8');
      assert.ok(text.startsWith(`"""${message}\n`), text.slice(0, 200));
      assert.equal(await fs.stat(marker).then(() => true, () => false), false, 'no shell ran the $() or backticks');
      await fs.rm(path.join(p.versionsDir, name));
    });
  });

  describe('non-PostgreSQL fallback', () => {
    it('reads the state of a sqlite database from `alembic current` run through the runner', async () => {
      const url = 'sqlite:///app.db';
      assert.deepEqual(parseSqlalchemyUrl(url), { kind: 'other', dialect: 'sqlite', display: 'sqlite:///app.db' });
      const p = await writeAlembicProject({
        url,
        revisions: [
          { id: 'l1', down: null },
          { id: 'l2', down: 'l1' },
        ],
      });
      projects.push(p);
      assert.deepEqual(parseCurrentOutput((await runner.run(inv(p), ['current'])).stdout), []);
      assert.equal((await runner.run(inv(p), ['upgrade', 'l1'])).failure, null);
      const current = await runner.run(inv(p), ['current']);
      assert.equal(current.failure, null);
      assert.deepEqual(parseCurrentOutput(current.stdout), ['l1']);
    });
  });

  describe('failures in one sentence', () => {
    it('a migration whose upgrade() raises → traceback summary with the exception and file:line', async () => {
      const { p, target } = await project('raises', [
        { id: 'a1', down: null },
        { id: 'b2', down: 'a1', upgrade: raiseBody('boom "x" $(y)') },
      ]);
      const r = await runner.run(inv(p), ['upgrade', 'head']);
      assert.equal(r.exitCode, 1);
      const file = p.files.get('b2') as string;
      const line = (await fs.readFile(file, 'utf8')).split('\n').findIndex((l) => l.includes('raise RuntimeError')) + 1;
      assert.deepEqual(r.failure, { kind: 'traceback', summary: `Alembic stopped with RuntimeError: boom "x" $(y) (at ${file} line ${line}).` });
      // Transactional DDL: nothing stayed applied.
      assert.deepEqual(await readVersionTable(target), { kind: 'no-table' });
    });

    it("`upgrade head` with two heads → multiple-heads", async () => {
      const { p } = await project('twoheads', [
        { id: 'a1', down: null },
        { id: 'b1', down: 'a1' },
        { id: 'c1', down: 'a1' },
      ]);
      const r = await runner.run(inv(p), ['upgrade', 'head']);
      assert.equal(r.exitCode, 255);
      assert.deepEqual(r.failure, {
        kind: 'multiple-heads',
        summary: "Multiple heads are present, so 'head' is ambiguous: upgrade to 'heads', name one head (or '<branch>@head'), or merge the heads.",
      });
    });

    it('a broken down_revision (KeyError traceback) → missing-revision naming both ids', async () => {
      const { p } = await project('broken', [
        { id: 'a1', down: null },
        { id: 'b2', down: 'gone1' },
      ]);
      const r = await runner.run(inv(p), ['heads']);
      assert.equal(r.exitCode, 1);
      assert.deepEqual(r.failure, {
        kind: 'missing-revision',
        summary: "Revision 'gone1' referenced by migration b2 is missing: fix that down_revision or depends_on, or restore the file that defines 'gone1'.",
      });
    });

    it('a command that does not exist → names it and the setting to fix', async () => {
      const r = await runner.run({ command: ['/nonexistent/bin/alembic'], cwd: tmp }, ['current']);
      assert.deepEqual(r, {
        exitCode: null,
        stdout: '',
        stderr: '',
        cancelled: false,
        failure: {
          kind: 'exit',
          summary: `The command '/nonexistent/bin/alembic' was not found: set "alembic.command" to the command that runs alembic (e.g. ["poetry", "run", "alembic"]).`,
        },
      });
      assert.equal(runner.isBusy(tmp), false);
    });

    it('a wrapper that cannot find alembic (exit 127) → names the command and the setting', async () => {
      // LC_ALL=C: env quotes the name with ASCII quotes.
      const r = await runner.run({ command: ['/usr/bin/env', 'no-such-alembic-xyz'], cwd: tmp, env: { LC_ALL: 'C' } }, ['current']);
      assert.equal(r.exitCode, 127);
      assert.deepEqual(r.failure, {
        kind: 'exit',
        summary: `'/usr/bin/env no-such-alembic-xyz' could not start alembic (/usr/bin/env: 'no-such-alembic-xyz': No such file or directory): check the "alembic.command" setting.`,
      });
    });

    it('a project folder that does not exist → says so instead of "command not found"', async () => {
      const r = await runner.run({ command: [ALEMBIC], cwd: path.join(tmp, 'missing') }, ['current']);
      assert.deepEqual(r.failure, { kind: 'exit', summary: `The project folder '${path.join(tmp, 'missing')}' does not exist, so alembic cannot run there.` });
    });
  });

  describe('one run per project, and cancel', () => {
    it('refuses a second run for the same project while one runs, allows another project, and cancels the tree', async () => {
      const pidFile = path.join(tmp, 'pids-term');
      const { p, target } = await project('sleepy', [{ id: 's1', down: null, upgrade: sleeperBody(pidFile, false) }]);
      const { p: other } = await project('other', [{ id: 'o1', down: null }]);
      const abort = new AbortController();
      let streamed = '';
      const running = runner.run(inv(p), ['upgrade', 's1'], { signal: abort.signal, onOutput: (c) => (streamed += c) });
      const key = runKey(inv(p));
      assert.equal(runner.isBusy(key), true);

      await assert.rejects(runner.run(inv(p), ['current']), (e: unknown) => {
        assert.ok(e instanceof AlembicBusyError);
        assert.equal(e.message, `An alembic command is already running for ${path.join(p.dir, 'alembic.ini')}.`);
        return true;
      });
      const otherRun = await runner.run(inv(other), ['upgrade', 'o1']);
      assert.equal(otherRun.failure, null);

      // Output arrives while the command still runs (the sleeping migration has started).
      await waitFor(() => streamed.includes('Running upgrade  -> s1'), 'streamed "Running upgrade"');
      await waitFor(async () => (await fs.readFile(pidFile, 'utf8').catch(() => '')).includes(' '), 'pid file');
      const [pythonPid, sleepPid] = (await fs.readFile(pidFile, 'utf8')).split(' ').map(Number);
      assert.ok(alive(pythonPid) && alive(sleepPid));

      abort.abort();
      const r = await running;
      assert.equal(r.cancelled, true);
      assert.equal(r.failure, null);
      assert.equal(runner.isBusy(key), false);
      await waitFor(() => !alive(pythonPid) && !alive(sleepPid), 'alembic and its child to be gone', 2000);
      // The upgrade's transaction was rolled back.
      assert.deepEqual(await readVersionTable(target), { kind: 'no-table' });
    });

    it('escalates to SIGKILL when alembic ignores SIGTERM', async () => {
      const pidFile = path.join(tmp, 'pids-kill');
      const { p } = await project('stubborn', [{ id: 'k1', down: null, upgrade: sleeperBody(pidFile, true) }]);
      const abort = new AbortController();
      // A grace time well beyond the wait below: "python is still alive" is checked before any
      // SIGKILL can have been sent, however slow the machine (a 2 s wait raced the 3 s default).
      const graceMs = 10_000;
      const running = runner.run(inv(p), ['upgrade', 'k1'], { signal: abort.signal, killGraceMs: graceMs });
      await waitFor(async () => (await fs.readFile(pidFile, 'utf8').catch(() => '')).includes(' '), 'pid file');
      const [pythonPid, sleepPid] = (await fs.readFile(pidFile, 'utf8')).split(' ').map(Number);
      const abortedAt = Date.now();
      abort.abort();
      // SIGTERM kills the sleep child at once; python ignores it until SIGKILL.
      await waitFor(() => !alive(sleepPid), 'sleep child gone after SIGTERM', graceMs / 2);
      assert.ok(Date.now() - abortedAt < graceMs, 'checked before the grace time ended');
      assert.equal(alive(pythonPid), true, 'python ignores SIGTERM');
      const r = await running;
      assert.equal(r.cancelled, true);
      assert.equal(r.exitCode, null);
      assert.equal(alive(pythonPid), false);
    });

    it('stopAll() (the extension\'s deactivate) ends every alembic it started, SIGKILL after the grace time', async () => {
      const pidFile = path.join(tmp, 'pids-stopall');
      const { p } = await project('stopall', [{ id: 'x1', down: null, upgrade: sleeperBody(pidFile, true) }]);
      const own = new AlembicRunner();
      const running = own.run(inv(p), ['upgrade', 'x1']);
      await waitFor(async () => (await fs.readFile(pidFile, 'utf8').catch(() => '')).includes(' '), 'pid file');
      const [pythonPid, sleepPid] = (await fs.readFile(pidFile, 'utf8')).split(' ').map(Number);
      assert.ok(alive(pythonPid) && alive(sleepPid));
      await own.stopAll(500);
      const r = await running;
      assert.equal(r.exitCode, null);
      await waitFor(() => !alive(pythonPid) && !alive(sleepPid), 'alembic and its child to be gone', 2000);
      await own.stopAll(); // nothing left: returns at once
    });

    it('does not start at all when the signal is already aborted', async () => {
      const abort = new AbortController();
      abort.abort();
      const r = await runner.run({ command: [ALEMBIC], cwd: tmp }, ['current'], { signal: abort.signal });
      assert.deepEqual(r, { exitCode: null, stdout: '', stderr: '', cancelled: true, failure: null });
    });
  });
});
