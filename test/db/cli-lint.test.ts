// `check --lint pending` against a real PostgreSQL stamped by the real alembic: only the revisions
// the database has not applied are linted; --lint all lints every one; --url alone means pending.
// Without --lint or a database option, the config's sqlalchemy.url is read only when it is on this
// machine; a host only the repository names is never contacted (a preload script records every
// socket connection and DNS lookup of the CLI process).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAlembicProject, type AlembicProject } from '../support/alembic-project';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { alembicOk } from './helpers';
import { runCli } from '../support/cli';


function check(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return runCli(['check', ...args], cwd);
}

/** A preload for the CLI process: every TCP/unix-socket connect and DNS lookup is written to stderr as `NET …`. */
const SPY = `
const net = require('node:net');
const dns = require('node:dns');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...a) {
  const o = a[0];
  process.stderr.write('NET connect ' + (typeof o === 'object' && o !== null && !Array.isArray(o) ? (o.path || ((o.host || 'localhost') + ':' + o.port)) : String(o)) + '\\n');
  return connect.apply(this, a);
};
for (const m of [dns, dns.promises]) {
  const lookup = m.lookup;
  m.lookup = function (host, ...rest) { process.stderr.write('NET lookup ' + host + '\\n'); return lookup.call(this, host, ...rest); };
}
`;

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

  it('--url alone means pending; --lint all lints the applied one too', () => {
    assert.deepEqual(rules(check(project.dir, '--url', pg.url).stdout), ['bbbb0002 create-index-non-concurrently']);
    assert.deepEqual(rules(check(project.dir, '--lint', 'all').stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
  });

  describe('without --lint, --url or --url-env', () => {
    let spy: string;
    let iniText: string;
    before(async () => {
      spy = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-net-spy-')), 'spy.js');
      await fs.writeFile(spy, SPY);
      iniText = await fs.readFile(project.ini, 'utf8');
    });
    afterEach(async () => {
      await fs.writeFile(project.ini, iniText);
    });
    after(async () => {
      await fs.rm(path.dirname(spy), { recursive: true, force: true });
    });
    const spied = (): { stdout: string; stderr: string; net: string[] } => {
      const r = runCli(['check', project.dir], project.dir, { nodeArgs: ['--require', spy] });
      return { stdout: r.stdout, stderr: r.stderr, net: r.stderr.split('\n').filter((l) => l.startsWith('NET ')) };
    };
    const setUrl = async (url: string): Promise<void> => {
      const next = iniText.replace(/^sqlalchemy\.url = .*$/mu, `sqlalchemy.url = ${url.replace(/%/gu, '%%')}`);
      assert.notEqual(next, iniText, 'the ini has a sqlalchemy.url line');
      await fs.writeFile(project.ini, next);
    };

    it('a config URL on this machine is read: only the pending revision, and stderr says which database', () => {
      const r = spied();
      assert.deepEqual(rules(r.stdout), ['bbbb0002 create-index-non-concurrently']);
      assert.match(r.stderr, /^lint: pending revisions of .*127\.0\.0\.1.* \(sqlalchemy\.url in alembic\.ini; --lint all checks every revision\)$/mu);
      assert.ok(r.net.some((l) => l.startsWith('NET connect')), `the database was read (${r.net.join('; ')})`);
    });

    it('a config URL naming another host is not contacted: every revision, and the note names --url / --url-env', async () => {
      await setUrl('postgresql://app:s3cret@db.example.com:5432/prod');
      const r = spied();
      assert.deepEqual(rules(r.stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
      assert.deepEqual(r.net, [], 'no connection and no DNS lookup');
      assert.match(r.stderr, /^lint: every revision; sqlalchemy\.url in alembic\.ini names .*db\.example\.com.*, not this machine, so it was not contacted\. Pass --url URL or --url-env VAR \(or --lint pending\)/mu);
      assert.doesNotMatch(r.stderr, /s3cret/u);
    });

    it('a local config URL that cannot be read: every revision, with the reason', async () => {
      await setUrl(`postgresql://postgres@127.0.0.1:${await closedPort()}/nothing`);
      const r = spied();
      assert.deepEqual(rules(r.stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
      assert.match(r.stderr, /^lint: every revision \(cannot read the version table on .*\)$/mu);
    });

    it('no config URL (alembic\'s placeholder): every revision, nothing contacted, no note', async () => {
      await setUrl('driver://user:pass@localhost/dbname');
      const r = spied();
      assert.deepEqual(rules(r.stdout), ['aaaa0001 update-or-delete-without-where', 'bbbb0002 create-index-non-concurrently']);
      assert.deepEqual(r.net, []);
      assert.doesNotMatch(r.stderr, /^lint:/mu);
    });
  });
});

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
