// `alembic-migrations plan` (the bundled CLI as a process) against a real PostgreSQL: the plan it
// prints is what the real alembic then does, it writes nothing, relative targets (`-1`) are
// accepted, and a target alembic refuses exits 2 with alembic's own message.
import * as assert from 'node:assert/strict';
import { ALEMBIC, writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { CLI, runProcess, type Run } from '../support/cli';
import { DEMO_SHAPE } from '../support/demo-shape';


const run = (cmd: string, args: string[], cwd: string): Run => runProcess(cmd, args, cwd);

// The demo shape without its depends_on revision (e5e5).
const DEMO: ProjectRevision[] = DEMO_SHAPE.filter((r) => r.id !== 'e5e5e5e5e501')
  .map((r) => ({ ...r, upgrade: [`op.execute("SELECT 1")`], downgrade: [`op.execute("SELECT 1")`] }));

describe('cli plan against a real PostgreSQL and the real alembic', function () {
  this.timeout(180_000);
  let pg: TestPostgres;
  let project: AlembicProject;
  let db = '';

  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('cliplan');
    db = 'cliplan';
    project = await writeAlembicProject({ url, revisions: DEMO });
  });
  after(async () => {
    await project?.remove();
    await pg?.stop();
  });

  const cli = (...args: string[]): Run => run(process.execPath, [CLI, ...args], project.dir);
  const alembic = (...args: string[]): Run => {
    const r = run(ALEMBIC, args, project.dir);
    assert.equal(r.code, 0, `alembic ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r;
  };
  const rows = async (): Promise<string[]> => (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num)).sort();
  const setRows = async (ids: string[]): Promise<void> => {
    await pg.sql('CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32) PRIMARY KEY)', db);
    await pg.sql('TRUNCATE alembic_version', db);
    for (const id of ids) await pg.sql(`INSERT INTO alembic_version VALUES ('${id}')`, db);
  };

  it('plan stamp lists every revision a stamp below a merge marks not applied, and alembic then leaves that table', async () => {
    await setRows(['0a7d3f6b2ca9']);
    const r = cli('plan', 'stamp', 'c27f5b1e8d76', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      command: ['stamp', 'c27f5b1e8d76'],
      apply: [],
      revert: JSON.parse(r.stdout).revert,
      rowsAfter: ['c27f5b1e8d76'],
    });
    assert.deepEqual([...(JSON.parse(r.stdout) as { revert: string[] }).revert].sort(), ['0a7d3f6b2ca9', '605ac23a0d8f', 'b18e4a0f7c54', 'd3a06c2b9e65']);
    assert.deepEqual(await rows(), ['0a7d3f6b2ca9'], 'plan wrote to the database');
    alembic('stamp', 'c27f5b1e8d76');
    assert.deepEqual(await rows(), ['c27f5b1e8d76']);
  });

  it('plan upgrade head prints the run order and the rows after; alembic agrees', async () => {
    await setRows(['c27f5b1e8d76']);
    const r = cli('plan', 'upgrade', 'heads', '--json');
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { apply: string[]; rowsAfter: string[] };
    assert.deepEqual([...plan.apply].sort(), ['0a7d3f6b2ca9', '605ac23a0d8f', 'a0a0a0a0a001', 'a0a0a0a0a002', 'b18e4a0f7c54', 'd3a06c2b9e65']);
    assert.deepEqual(plan.rowsAfter, ['0a7d3f6b2ca9', 'a0a0a0a0a002']);
    const text = cli('plan', 'upgrade', 'heads');
    assert.match(text.stdout, /upgrade\(\) runs for 6 revision\(s\), in this order:/);
    assert.match(text.stdout, /note: .* independent branches/);
    assert.match(text.stdout, /version table after: 0a7d3f6b2ca9, a0a0a0a0a002/);
    const ran = alembic('upgrade', 'heads');
    assert.deepEqual([...ran.stderr.matchAll(/Running upgrade .*? -> (\w+)/g)].map((m) => m[1]).sort(), [...plan.apply].sort());
    assert.deepEqual(await rows(), plan.rowsAfter);
  });

  it('plan downgrade -1 takes a TARGET starting with "-" and follows the first row in table order', async () => {
    await setRows(['a0a0a0a0a002', '0a7d3f6b2ca9']);
    const first = JSON.parse(cli('plan', 'downgrade', '-1', '--json').stdout) as { revert: string[]; rowsAfter: string[] };
    assert.deepEqual(first.revert, ['a0a0a0a0a002']);
    await setRows(['0a7d3f6b2ca9', 'a0a0a0a0a002']);
    const other = JSON.parse(cli('plan', 'downgrade', '-1', '--json').stdout) as { revert: string[]; rowsAfter: string[] };
    assert.deepEqual(other.revert, ['0a7d3f6b2ca9']);
    alembic('downgrade', '-1');
    assert.deepEqual(await rows(), other.rowsAfter);
  });

  it('a target alembic refuses exits 2 with alembic\'s own message ("Ambiguous walk" below a merge)', async () => {
    await setRows(['605ac23a0d8f']);
    const r = cli('plan', 'downgrade', '605ac23a0d8f@-1');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'alembic-migrations: alembic downgrade 605ac23a0d8f@-1 would fail: Ambiguous walk\n');
    const real = run(ALEMBIC, ['downgrade', '605ac23a0d8f@-1'], project.dir);
    assert.match(real.stdout + real.stderr, /Ambiguous walk/);
    assert.deepEqual(await rows(), ['605ac23a0d8f']);
  });

  it('--purge belongs to stamp; plan without TARGET is a usage error', async () => {
    assert.equal(cli('plan', 'upgrade', 'head', '--purge').code, 2);
    const r = cli('plan', 'stamp');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs a TARGET/);
  });
});
