// `check --lint pending` against a real PostgreSQL stamped by the real alembic: only the revisions
// the database has not applied are linted; --lint all lints every one; --url alone means pending.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { writeAlembicProject, type AlembicProject } from '../support/alembic-project';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { alembicOk } from './helpers';
import { runCli } from '../support/cli';


function check(cwd: string, ...args: string[]): { code: number | null; stdout: string } {
  const r = runCli(['check', ...args], cwd);
  return { code: r.code, stdout: r.stdout };
}

/** `path:line: severity rule: message` → `<revision id> <rule>` (files are named `<id>_<slug>.py`). */
const rules = (stdout: string): string[] => stdout.split('\n').filter(Boolean).map((l) => {
  const file = path.basename(l.slice(0, l.indexOf(':')));
  const [, rule] = l.slice(l.indexOf(': ') + 2).split(' ');
  return `${file.slice(0, file.indexOf('_'))} ${rule.replace(/:$/, '')}`;
});

describe('cli: check --lint pending reads the database', function () {
  this.timeout(120_000);
  let pg: TestPostgres;
  let project: AlembicProject;

  before(async () => {
    pg = await startPostgres();
    project = await writeAlembicProject({
      url: pg.url,
      revisions: [
        { id: 'aaaa0001', down: null, message: 'backfill', upgrade: ["op.execute('UPDATE accounts SET flag = false')"], downgrade: ['pass'] },
        { id: 'bbbb0002', down: 'aaaa0001', message: 'index', upgrade: ["op.create_index('ix_accounts_email', 'accounts', ['email'])"], downgrade: ['pass'] },
      ],
    });
    await alembicOk(project, 'stamp', 'aaaa0001');
  });
  after(async () => {
    await project?.remove();
    await pg?.stop();
  });

  it('lints only the revision the database has not applied', () => {
    const r = check(project.dir, '--lint', 'pending');
    assert.deepEqual(rules(r.stdout), ['bbbb0002 create-index-non-concurrently']);
    assert.equal(r.code, 0);
  });

  it('--url alone means pending; --lint all lints the applied one too; no URL at all means all', () => {
    assert.deepEqual(rules(check(project.dir, '--url', pg.url).stdout), ['bbbb0002 create-index-non-concurrently']);
    assert.deepEqual(rules(check(project.dir, '--lint', 'all').stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
    assert.deepEqual(rules(check(project.dir).stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
  });
});
