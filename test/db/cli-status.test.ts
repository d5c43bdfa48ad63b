// `alembic-migrations status` (the bundled CLI as a process) against a real PostgreSQL, with the
// real `/usr/bin/alembic` moving the database: rows and states, --fail-if-pending, missing
// revisions, no table, custom version tables, and failures that must stay one clear line.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { ALEMBIC, writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres';
import { CLI, runProcess, type Run } from '../support/cli';


const run = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Run => runProcess(cmd, args, cwd, { env });

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  return run(process.execPath, [CLI, ...args], cwd, env);
}

function alembic(p: AlembicProject, ...args: string[]): Run {
  const r = run(ALEMBIC, args, p.dir);
  assert.equal(r.code, 0, `alembic ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Revision ids `alembic current` prints (one per row of the version table). */
function alembicCurrent(p: AlembicProject): string[] {
  const out = alembic(p, 'current').stdout;
  return out
    .split('\n')
    .map((l) => /^([0-9a-z_]+)(?: \(|$)/u.exec(l.trim())?.[1])
    .filter((x): x is string => x !== undefined)
    .sort();
}

interface StatusDoc {
  rows: string[];
  revisions: Array<{ id: string; state: string }>;
  missing: string[];
}

function statusJson(p: AlembicProject, ...extra: string[]): { code: number | null; doc: StatusDoc; stderr: string } {
  const r = cli(['status', '--json', ...extra], p.dir);
  assert.equal(r.stderr, '');
  return { code: r.code, doc: JSON.parse(r.stdout) as StatusDoc, stderr: r.stderr };
}

const LINEAR: ProjectRevision[] = [
  { id: 'aaaa0001', down: null, message: 'create a' },
  { id: 'bbbb0002', down: 'aaaa0001', message: 'create b' },
  { id: 'cccc0003', down: 'bbbb0002', message: 'create c' },
];

describe('cli status against a real PostgreSQL', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let dbCount = 0;
  const projects: AlembicProject[] = [];

  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    for (const p of projects) await p.remove();
    await pg?.stop();
  });

  async function freshProject(revisions: ProjectRevision[], opts: { versionTable?: string; versionTableSchema?: string } = {}): Promise<{ project: AlembicProject; url: string }> {
    const url = await pg.createDatabase(`status_${++dbCount}`);
    const project = await writeAlembicProject({ url, revisions, ...opts });
    projects.push(project);
    return { project, url };
  }

  it('reads the row alembic wrote after upgrading part-way: current, applied, pending', async () => {
    const { project } = await freshProject(LINEAR);
    alembic(project, 'upgrade', 'bbbb0002');
    const { code, doc } = statusJson(project);
    assert.equal(code, 0);
    assert.deepEqual(doc, {
      rows: ['bbbb0002'],
      revisions: [
        { id: 'aaaa0001', state: 'applied' },
        { id: 'bbbb0002', state: 'current' },
        { id: 'cccc0003', state: 'pending' },
      ],
      missing: [],
    });
    assert.deepEqual(doc.rows, alembicCurrent(project));
  });

  it('--fail-if-pending exits 1 while a revision is pending and 0 after alembic upgrade head', async () => {
    const { project } = await freshProject(LINEAR);
    alembic(project, 'upgrade', 'aaaa0001');
    const before = cli(['status', '--fail-if-pending'], project.dir);
    assert.equal(before.code, 1);
    assert.equal(before.stderr, '');
    alembic(project, 'upgrade', 'head');
    const afterUpgrade = statusJson(project, '--fail-if-pending');
    assert.equal(afterUpgrade.code, 0);
    assert.deepEqual(afterUpgrade.doc.rows, ['cccc0003']);
    assert.deepEqual(afterUpgrade.doc.revisions.map((r) => r.state), ['applied', 'applied', 'current']);
  });

  it('prints a readable table, newest first, with the database but never the password', async () => {
    const { project } = await freshProject(LINEAR);
    alembic(project, 'upgrade', 'bbbb0002');
    const r = cli(['status'], project.dir);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.ok(!r.stdout.includes(pg.password), 'the password is printed');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `database: ${pg.user}@127.0.0.1:${pg.port}/status_${dbCount} (table alembic_version)`);
    assert.equal(lines[1], 'version table: bbbb0002');
    assert.deepEqual(lines.slice(3, 7), [
      'STATE    REVISION  MESSAGE',
      'pending  cccc0003  (head) create c',
      'current  bbbb0002  create b',
      'applied  aaaa0001  create a',
    ]);
    assert.equal(lines[lines.length - 1], '2 applied (1 current), 1 pending');
  });

  it('reads one row per head after upgrading two branches, and sees the merge as pending', async () => {
    const { project } = await freshProject([
      { id: 'aaaa0001', down: null, message: 'base' },
      { id: 'bbbb0002', down: 'aaaa0001', message: 'left' },
      { id: 'cccc0003', down: 'aaaa0001', message: 'right' },
    ]);
    alembic(project, 'upgrade', 'heads');
    await project.addRevisions([{ id: 'dddd0004', down: ['bbbb0002', 'cccc0003'], message: 'merge' }]);
    const { code, doc } = statusJson(project, '--fail-if-pending');
    assert.equal(code, 1);
    assert.deepEqual(doc.rows, ['bbbb0002', 'cccc0003']);
    assert.deepEqual(doc.rows, alembicCurrent(project));
    assert.deepEqual(doc.revisions, [
      { id: 'aaaa0001', state: 'applied' },
      { id: 'bbbb0002', state: 'current' },
      { id: 'cccc0003', state: 'current' },
      { id: 'dddd0004', state: 'pending' },
    ]);
  });

  it('counts depends_on targets as applied, as alembic upgrades them first', async () => {
    const { project, url } = await freshProject([
      { id: 'aaaa0001', down: null, branchLabels: ['main'], message: 'main' },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['cccc0003'], message: 'needs audit' },
      { id: 'cccc0003', down: null, branchLabels: ['audit'], message: 'audit' },
      { id: 'dddd0004', down: 'cccc0003', message: 'audit 2' },
    ]);
    alembic(project, 'upgrade', 'main@head');
    const { doc } = statusJson(project);
    // The table holds one row (alembic folds the dependency into bbbb0002's row); `alembic
    // current` would also print cccc0003 as the current revision of the audit branch.
    const table = await pg.sql('SELECT version_num FROM alembic_version ORDER BY 1', new URL(url).pathname.slice(1));
    assert.deepEqual(table.map((r) => r.version_num), ['bbbb0002']);
    assert.deepEqual(doc, {
      rows: ['bbbb0002'],
      revisions: [
        { id: 'aaaa0001', state: 'applied' },
        { id: 'bbbb0002', state: 'current' },
        { id: 'cccc0003', state: 'applied' },
        { id: 'dddd0004', state: 'pending' },
      ],
      missing: [],
    });
  });

  it('lists a row whose file is gone as missing, and fails --fail-if-pending', async () => {
    const { project } = await freshProject(LINEAR);
    alembic(project, 'upgrade', 'head');
    await fs.rm(project.files.get('cccc0003') as string);
    const { code, doc } = statusJson(project, '--fail-if-pending');
    assert.equal(code, 1);
    assert.deepEqual(doc, {
      rows: ['cccc0003'],
      revisions: [
        { id: 'aaaa0001', state: 'unknown' },
        { id: 'bbbb0002', state: 'unknown' },
      ],
      missing: ['cccc0003'],
    });
    const text = cli(['status'], project.dir);
    assert.equal(text.code, 0);
    assert.ok(
      text.stdout.includes(
        "missing: alembic_version names revision 'cccc0003', which is not in the migrations folder (alembic: Can't locate revision identified by 'cccc0003'); check out the branch that has it, or stamp the database",
      ),
      text.stdout,
    );
  });

  it('says the database is not initialised when there is no version table', async () => {
    const { project } = await freshProject(LINEAR);
    const { code, doc } = statusJson(project);
    assert.equal(code, 0);
    assert.deepEqual(doc.rows, []);
    assert.deepEqual(doc.revisions.map((r) => r.state), ['pending', 'pending', 'pending']);
    const text = cli(['status'], project.dir);
    assert.ok(text.stdout.includes('the database is not initialised (no table alembic_version): every revision is pending'), text.stdout);
  });

  it('reads a custom, schema-qualified version table', async () => {
    const { project, url } = await freshProject(LINEAR, { versionTable: 'schema_history', versionTableSchema: 'meta' });
    await pg.sql('CREATE SCHEMA meta', new URL(url).pathname.slice(1));
    alembic(project, 'upgrade', 'aaaa0001');
    const { doc } = statusJson(project, '--version-table', 'schema_history', '--version-table-schema', 'meta');
    assert.deepEqual(doc.rows, ['aaaa0001']);
    assert.deepEqual(doc.rows, alembicCurrent(project));
    // the default table does not exist there
    const plain = statusJson(project);
    assert.deepEqual(plain.doc.rows, []);
  });

  it('takes the URL from --url, then from the variable named by --url-env, over sqlalchemy.url', async () => {
    const { project } = await freshProject(LINEAR);
    alembic(project, 'upgrade', 'head');
    const { project: other, url: otherUrl } = await freshProject(LINEAR);
    alembic(other, 'upgrade', 'aaaa0001');
    assert.deepEqual(statusJson(project).doc.rows, ['cccc0003']);
    assert.deepEqual(statusJson(project, '--url', otherUrl).doc.rows, ['aaaa0001']);
    const viaEnv = cli(['status', '--json', '--url-env', 'APP_DB'], project.dir, { APP_DB: otherUrl });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.deepEqual((JSON.parse(viaEnv.stdout) as StatusDoc).rows, ['aaaa0001']);
    const unset = cli(['status', '--versions', 'migrations/versions', '--url-env', 'NOT_SET_ANYWHERE'], project.dir);
    assert.equal(unset.code, 2);
    assert.equal(unset.stderr, 'alembic-migrations: no database URL ($NOT_SET_ANYWHERE is not set): pass --url URL or --url-env VAR\n');
  });

  it('exits 2 with one line naming the server, without the password, when nothing listens', async () => {
    const { project } = await freshProject(LINEAR);
    const port = await freePort();
    const r = cli(['status', '--url', `postgresql://someone:hunter2secret@127.0.0.1:${port}/app`], project.dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`alembic-migrations: cannot read the version table on someone@127.0.0.1:${port}/app: `), r.stderr);
    assert.ok(!r.stderr.includes('hunter2secret'));
    assert.ok(!/\n[ \t]+at /u.test(r.stderr), 'a stack trace was printed');
  });

  it('lists the table rows in the order alembic history prints (1.10+ sorted load order) on a branched project', async () => {
    const { project } = await freshProject([
      { id: '9f83c7c23f13', down: null, message: 'first' },
      { id: '87f0db493b80', down: '9f83c7c23f13', message: 'second' },
      { id: '5ab8f07ffe6f', down: '87f0db493b80', message: 'merge everything' },
      { id: '7433bcf2edf8', down: '9f83c7c23f13', branchLabels: ['feat_a'], message: 'branch a' },
      { id: '4cf430274f4b', down: '9f83c7c23f13', dependsOn: ['87f0db493b80'], message: 'branch b' },
      { id: 'be459ddd678f', down: '7433bcf2edf8', message: 'in other' },
    ]);
    alembic(project, 'upgrade', '5ab8f07ffe6f');
    alembic(project, 'upgrade', 'feat_a@head');
    const sortedAlembic = "import os, sys\n_l = os.listdir\nos.listdir = lambda p='.': sorted(_l(p))\nfrom alembic.config import main\nsys.exit(main(prog='alembic'))";
    const history = run('/usr/bin/python3', ['-c', sortedAlembic, 'history', '-i'], project.dir);
    assert.equal(history.code, 0, history.stderr);
    const r = cli(['status'], project.dir);
    assert.equal(r.code, 0, r.stderr);
    const table = r.stdout.trimEnd().split('\n').slice(4, 10);
    assert.deepEqual(table, [
      'pending  4cf430274f4b  (head) branch b',
      'current  5ab8f07ffe6f  (head) merge everything',
      'current  be459ddd678f  (feat_a) (head) in other',
      'applied  7433bcf2edf8  (feat_a) branch a',
      'applied  87f0db493b80  second',
      'applied  9f83c7c23f13  first',
    ]);
    const ids = history.stdout.trimEnd().split('\n').map((l) => / -> (\w+)/u.exec(l)?.[1]);
    assert.deepEqual(table.map((l) => l.split(/ +/u)[1]), ids);
    assert.deepEqual(
      history.stdout.trimEnd().split('\n').filter((l) => l.includes('(current)')).map((l) => / -> (\w+)/u.exec(l)?.[1]),
      table.filter((l) => l.startsWith('current')).map((l) => l.split(/ +/u)[1]),
    );
  });

  it('exits 2 with one line and no password when the password is wrong', async () => {
    const { project } = await freshProject(LINEAR);
    const r = cli(['status', '--url', `postgresql://${pg.user}:wrongpassword@127.0.0.1:${pg.port}/${pg.database}`], project.dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`alembic-migrations: cannot read the version table on ${pg.user}@127.0.0.1:${pg.port}/${pg.database}: `), r.stderr);
    assert.ok(!r.stderr.includes('wrongpassword'));
  });

  it('exits 2 for a database URL that is not PostgreSQL', async () => {
    const { project } = await freshProject(LINEAR);
    const r = cli(['status', '--url', 'sqlite:///app.db'], project.dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "alembic-migrations: status reads PostgreSQL databases only (the URL is sqlite: sqlite:///app.db); run 'alembic current' instead\n");
  });
});
