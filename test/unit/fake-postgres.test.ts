// The version-table reader against a fake PostgreSQL server that a repository's URL could point
// at: passwords from PGPASSWORD or ~/.pgpass never go to a host only the repository named, a
// password is never sent in cleartext without TLS, a silent or closing server gives one clear
// sentence within the time limit, and nothing is written to stderr (node-postgres's pgpass
// deprecation warning). Before: the fake server captured the env, pgpass and URL passwords.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readVersionTable } from '../../src/io/pg';
import { startFakePostgres, type FakePostgres } from '../support/fake-postgres';

const SECRET = 'EnvSecret-7f3a';
const FILE_SECRET = 'PgpassSecret-91c2';

describe('fake PostgreSQL server: passwords only where they belong', function () {
  this.timeout(30_000);
  let fake: FakePostgres | undefined;
  let tmp: string;
  const savedEnv = { ...process.env };
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-fakepg-'));
    const pgpass = path.join(tmp, 'pgpass');
    fs.writeFileSync(pgpass, `*:*:*:*:${FILE_SECRET}\n`, { mode: 0o600 });
    process.env.PGPASSWORD = SECRET;
    process.env.PGPASSFILE = pgpass;
  });
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
    process.env = { ...savedEnv };
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const mode of ['cleartext', 'md5'] as const) {
    it(`${mode}: no PGPASSWORD to a host only the repository named`, async () => {
      fake = await startFakePostgres(mode);
      const r = await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { passwordFallback: false, timeoutMs: 3000 });
      assert.deepEqual(fake.passwords, []);
      assert.equal(r.kind, 'error');
      // md5 asks for the password: withheld; cleartext without TLS is refused before that.
      assert.match(r.kind === 'error' ? r.message : '', mode === 'md5' ? /a password from PGPASSWORD or ~\/\.pgpass is not sent to a host that only the project's files name/ : /in cleartext .* it was not sent/);
    });
  }

  it('md5: no ~/.pgpass line (even `*:*:*:*:`) to a host only the repository named', async () => {
    delete process.env.PGPASSWORD;
    fake = await startFakePostgres('md5');
    const r = await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { passwordFallback: false, timeoutMs: 3000 });
    assert.deepEqual(fake.passwords, []);
    assert.equal(r.kind === 'error' && r.reason, 'auth');
  });

  it('cleartext without TLS: even the URL password is not sent', async () => {
    fake = await startFakePostgres('cleartext');
    const r = await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app', password: 'UrlSecret-55' }, { timeoutMs: 3000 });
    assert.deepEqual(fake.passwords, []);
    assert.deepEqual(r, {
      kind: 'error',
      reason: 'auth',
      message: `PostgreSQL at 127.0.0.1:${fake.port} asked for the password in cleartext over a connection without TLS; it was not sent. Add ?sslmode=require to the database URL, or use scram-sha-256 authentication on the server.`,
    });
  });

  it('md5 to a host the user allowed: the fallbacks still work (PGPASSWORD, then ~/.pgpass), hashed', async () => {
    fake = await startFakePostgres('md5');
    await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { timeoutMs: 3000 });
    delete process.env.PGPASSWORD;
    await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { timeoutMs: 3000 });
    assert.equal(fake.passwords.length, 2);
    for (const p of fake.passwords) {
      assert.match(p, /^md5[0-9a-f]{32}$/);
      assert.ok(!p.includes(SECRET) && !p.includes(FILE_SECRET));
    }
    assert.notEqual(fake.passwords[0], fake.passwords[1]);
  });

  it('a silent server: a timeout sentence within the limit', async () => {
    fake = await startFakePostgres('silent');
    const r = await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { timeoutMs: 500 });
    assert.deepEqual(r, { kind: 'error', reason: 'timeout', message: `PostgreSQL at 127.0.0.1:${fake.port} did not answer within 0.5 s (database "app").` });
  });

  it('a server that closes at once: one sentence', async () => {
    fake = await startFakePostgres('close');
    const r = await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { timeoutMs: 3000 });
    assert.equal(r.kind === 'error' && r.reason, 'unreachable');
    assert.match(r.kind === 'error' ? r.message : '', new RegExp(`^(PostgreSQL at 127\\.0\\.0\\.1:${fake.port} closed the connection unexpectedly|Cannot reach PostgreSQL at 127\\.0\\.0\\.1:${fake.port} \\(connection reset\\))\\.$`));
  });

  it('CLI status: PGPASSWORD goes to a remote server named by --url, never to one only alembic.ini names', async function () {
    const address = Object.values(os.networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    if (address === undefined) this.skip();
    fake = await startFakePostgres('md5', '0.0.0.0');
    const url = `postgresql://app@${address}:${fake.port}/app`;
    fs.writeFileSync(path.join(tmp, 'alembic.ini'), `[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = ${url}\n`);
    fs.mkdirSync(path.join(tmp, 'migrations', 'versions'), { recursive: true });
    const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
    // Asynchronous: the fake server answers from this process's event loop.
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [cli, 'status', '--timeout', '3', ...args], { cwd: tmp, encoding: 'utf8', env: process.env, timeout: 20_000 }, (err, _stdout, stderr) => {
          resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr });
        });
      });
    const fromIni = await run([]);
    assert.equal(fromIni.status, 2, fromIni.stderr);
    assert.match(fromIni.stderr, /not sent to a host that only the project's files name/);
    assert.deepEqual(fake.passwords, []);
    const fromUser = await run(['--url', url]);
    assert.equal(fromUser.status, 2, fromUser.stderr);
    assert.equal(fake.passwords.length, 1);
    assert.match(fake.passwords[0], /^md5[0-9a-f]{32}$/);
  });

  it('writes nothing to stderr (no pgpass deprecation warning) while using ~/.pgpass', () => {
    const script = `
      const { readVersionTable } = require(${JSON.stringify(path.resolve(__dirname, '../../src/io/pg.js'))});
      const { startFakePostgres } = require(${JSON.stringify(path.resolve(__dirname, '../support/fake-postgres.js'))});
      (async () => {
        const fake = await startFakePostgres('md5');
        await readVersionTable({ host: '127.0.0.1', port: fake.port, user: 'app', database: 'app' }, { timeoutMs: 3000 });
        console.log(JSON.stringify(fake.passwords.length));
        await fake.stop();
      })();`;
    const env = { ...process.env };
    delete env.PGPASSWORD;
    // World-readable: pgpass would also warn about the permissions on stderr.
    fs.chmodSync(process.env.PGPASSFILE ?? '', 0o644);
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.trim(), '0');
  });
});
