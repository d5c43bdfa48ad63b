// readVersionTable + computeDbState against a real PostgreSQL, with the real alembic doing the
// upgrades; every state is compared with what `alembic current` prints.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { parseAlembicFailure, parseCurrentOutput } from '../../src/core/alembic-output';
import { parseSqlalchemyUrl, type PgTarget } from '../../src/core/dburl';
import { computeDbState } from '../../src/core/state';
import { readVersionTable, versionTableQuery, versionTableSql } from '../../src/io/pg';
import { writeAlembicProject, type AlembicProject } from '../support/alembic-project';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres';
import { alembic, alembicOk, graphOf, sortedRecord } from './helpers';

/** The rows come in table order (as alembic reads them); compare them sorted. */
function inSortedOrder<T extends { kind: string }>(r: T): T {
  return 'rows' in r && Array.isArray(r.rows) ? { ...r, rows: [...(r.rows as string[])].sort() } : r;
}

function targetOf(url: string): PgTarget {
  const parsed = parseSqlalchemyUrl(url);
  if (parsed.kind !== 'postgresql') throw new Error(`not a postgresql URL: ${parsed.kind}`);
  return parsed.pg;
}

async function currentIds(project: AlembicProject): Promise<string[]> {
  return parseCurrentOutput((await alembicOk(project, 'current')).stdout).sort();
}

describe('version table (real PostgreSQL, real alembic)', function () {
  this.timeout(60_000);
  let pg: TestPostgres;
  const projects: AlembicProject[] = [];

  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await Promise.all(projects.map((p) => p.remove()));
    await pg?.stop();
  });

  async function project(db: string, revisions: Parameters<typeof writeAlembicProject>[0]['revisions'], extra: { versionTable?: string; versionTableSchema?: string } = {}) {
    const url = await pg.createDatabase(db);
    const p = await writeAlembicProject({ url, revisions, ...extra });
    projects.push(p);
    return { p, url, target: targetOf(url) };
  }

  // Every test gets its own database and project: none reads what another left behind.
  let fresh = 0;

  describe('a linear history a1 → b2 → c3', () => {
    let p: AlembicProject;
    let target: PgTarget;
    let db: string;
    beforeEach(async () => {
      db = `linear${++fresh}`;
      ({ p, target } = await project(db, [
        { id: 'a1', down: null },
        { id: 'b2', down: 'a1' },
        { id: 'c3', down: 'b2' },
      ]));
    });

    it('reports no-table before the first upgrade, and alembic current prints nothing', async () => {
      assert.deepEqual(await readVersionTable(target), { kind: 'no-table' });
      assert.deepEqual(await currentIds(p), []);
    });

    it('reads the middle revision after `upgrade b2`, like alembic current, with a1 applied and c3 pending', async () => {
      await alembicOk(p, 'upgrade', 'b2');
      assert.deepEqual(await readVersionTable(target), { kind: 'ok', rows: ['b2'] });
      assert.deepEqual(await currentIds(p), ['b2']);
      const state = computeDbState(await graphOf(p), ['b2']);
      assert.deepEqual(sortedRecord(state.states), { a1: 'applied', b2: 'current', c3: 'pending' });
      assert.deepEqual(state.missing, []);
      // The migrations really ran.
      const tables = await pg.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", db);
      assert.deepEqual(tables.map((t) => t.tablename), ['alembic_version', 't_a1', 't_b2']);
    });

    it('reads an empty table (ok, no rows: every revision pending) after `downgrade base`', async () => {
      await alembicOk(p, 'upgrade', 'b2');
      await alembicOk(p, 'downgrade', 'base');
      assert.deepEqual(await readVersionTable(target), { kind: 'ok', rows: [] });
      assert.deepEqual(await currentIds(p), []);
      const state = computeDbState(await graphOf(p), []);
      assert.deepEqual(sortedRecord(state.states), { a1: 'pending', b2: 'pending', c3: 'pending' });
    });
  });

  describe('branches: two heads, a merge, a labelled second base', () => {
    // r0 ─┬─ a1 (alpha) ─┐
    //     └─ b1 ──────────┴─ m1 (merge)      b1 ─ b2      c1 (gamma, second base)
    let p: AlembicProject;
    let target: PgTarget;
    let db: string;
    beforeEach(async () => {
      db = `branches${++fresh}`;
      ({ p, target } = await project(db, [
        { id: 'r0', down: null },
        { id: 'a1', down: 'r0', branchLabels: ['alpha'] },
        { id: 'b1', down: 'r0' },
        { id: 'm1', down: ['a1', 'b1'], message: 'merge a1 and b1' },
        { id: 'b2', down: 'b1' },
        { id: 'c1', down: null, branchLabels: ['gamma'] },
      ]));
    });

    it('keeps one row per applied branch after upgrading two branches separately', async () => {
      await alembicOk(p, 'upgrade', 'alpha@head');
      await alembicOk(p, 'downgrade', 'a1');
      await alembicOk(p, 'upgrade', 'b1');
      const read = await readVersionTable(target);
      assert.deepEqual(read, { kind: 'ok', rows: ['a1', 'b1'] });
      assert.deepEqual(await currentIds(p), ['a1', 'b1']);
      const state = computeDbState(await graphOf(p), ['a1', 'b1']);
      assert.deepEqual(sortedRecord(state.states), {
        a1: 'current',
        b1: 'current',
        b2: 'pending',
        c1: 'pending',
        m1: 'pending',
        r0: 'applied',
      });
    });

    it('holds the three heads after `upgrade heads`, matching alembic current', async () => {
      await alembicOk(p, 'upgrade', 'heads');
      assert.deepEqual(inSortedOrder(await readVersionTable(target)), { kind: 'ok', rows: ['b2', 'c1', 'm1'] });
      assert.deepEqual(await currentIds(p), ['b2', 'c1', 'm1']);
      const state = computeDbState(await graphOf(p), ['b2', 'c1', 'm1']);
      assert.deepEqual(sortedRecord(state.states), {
        a1: 'applied',
        b1: 'applied',
        b2: 'current',
        c1: 'current',
        m1: 'current',
        r0: 'applied',
      });
    });

    it('reports a row naming a revision no file defines as missing; alembic current fails with missing-revision', async () => {
      await alembicOk(p, 'upgrade', 'heads');
      await pg.sql("INSERT INTO alembic_version (version_num) VALUES ('ghost123')", db);
      const read = await readVersionTable(target);
      assert.deepEqual(inSortedOrder(read), { kind: 'ok', rows: ['b2', 'c1', 'ghost123', 'm1'] });
      const state = computeDbState(await graphOf(p), read.kind === 'ok' ? read.rows : []);
      assert.deepEqual(state.missing, ['ghost123']);
      assert.equal(state.states.get('m1'), 'current');
      const cur = await alembic(p, 'current');
      assert.equal(cur.code, 255);
      assert.deepEqual(parseAlembicFailure(cur.stdout, cur.stderr, cur.code), {
        kind: 'missing-revision',
        summary:
          "Can't locate revision 'ghost123': no migration file defines it — if the database is stamped with it (typical after switching git branches), check out the branch that has that file, or stamp the database to a revision that exists.",
      });
    });
  });

  describe('a schema-qualified, mixed-case version table', () => {
    let p: AlembicProject;
    let target: PgTarget;
    before(async () => {
      await pg.createDatabase('schemas');
      await pg.sql('CREATE SCHEMA "Meta Data"', 'schemas');
      const url = pg.url.replace(/\/app$/, '/schemas');
      p = await writeAlembicProject({
        url,
        versionTable: 'Alembic"Version',
        versionTableSchema: 'Meta Data',
        revisions: [
          { id: 'a1', down: null },
          { id: 'b2', down: 'a1' },
        ],
      });
      projects.push(p);
      target = targetOf(url);
    });

    it('quotes schema and table in the one read-only statement', () => {
      assert.equal(versionTableSql('Alembic"Version', 'Meta Data'), '"Meta Data"."Alembic""Version"');
      assert.equal(
        versionTableQuery('alembic_version', null, 5000),
        'BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = 5000; SELECT version_num FROM "alembic_version"; COMMIT',
      );
    });

    it('reads the table alembic wrote in that schema, and no-table under the default name', async () => {
      await alembicOk(p, 'upgrade', 'a1');
      assert.deepEqual(await readVersionTable(target, { table: 'Alembic"Version', schema: 'Meta Data' }), { kind: 'ok', rows: ['a1'] });
      assert.deepEqual(await currentIds(p), ['a1']);
      assert.deepEqual(await readVersionTable(target), { kind: 'no-table' });
      assert.deepEqual(await readVersionTable(target, { schema: 'no_such_schema' }), { kind: 'no-table' });
    });
  });

  describe('connection forms', () => {
    it('connects through the unix socket given as ?host= in the URL', async () => {
      const url = `postgresql+psycopg2://${pg.user}:${pg.password}@/app?host=${encodeURIComponent(pg.socketDir)}&port=${pg.port}`;
      const target = targetOf(url);
      assert.equal(target.host, pg.socketDir);
      assert.deepEqual(await readVersionTable(target), { kind: 'no-table' });
    });

    it('decodes a url-encoded password: our read and alembic both log in with it', async () => {
      const password = 'p@ss:w/rd %x+y';
      await pg.sql(`CREATE ROLE "odd user" LOGIN SUPERUSER PASSWORD '${password.replace(/'/g, "''")}'`);
      const dbUrl = await pg.createDatabase('encoded');
      const url = dbUrl.replace(`${pg.user}:${pg.password}@`, `${encodeURIComponent('odd user')}:${encodeURIComponent(password)}@`);
      const p = await writeAlembicProject({ url: url.replace('postgresql://', 'postgresql+psycopg2://'), revisions: [{ id: 'e1', down: null }] });
      projects.push(p);
      await alembicOk(p, 'upgrade', 'e1');
      const target = targetOf(url);
      assert.equal(target.password, password);
      assert.deepEqual(await readVersionTable(target), { kind: 'ok', rows: ['e1'] });
    });
  });

  describe('failures, each a reason and one sentence without the password', () => {
    it('server down: nothing listens on the port → unreachable', async () => {
      const port = await freePort();
      const r = await readVersionTable({ host: '127.0.0.1', port, database: 'app', user: 'u', password: 'Secret1' });
      assert.deepEqual(r, { kind: 'error', reason: 'unreachable', message: `Cannot reach PostgreSQL at 127.0.0.1:${port} (connection refused).` });
    });

    it('server down: no socket in the folder → unreachable', async () => {
      const r = await readVersionTable({ host: '/nonexistent-socket-dir', port: 5432, database: 'app', user: 'u' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'unreachable',
        message: 'Cannot reach PostgreSQL at /nonexistent-socket-dir:5432 (no server socket in that folder).',
      });
    });

    it('wrong password → auth, naming host and user, not the password', async () => {
      const r = await readVersionTable({ ...targetOf(pg.url), password: 'WrongHorse42' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'auth',
        message: `PostgreSQL at 127.0.0.1:${pg.port} rejected the password for user "${pg.user}" (database "app").`,
      });
    });

    it('no password while the server asks for one → auth', async () => {
      const { password: _omit, ...noPassword } = targetOf(pg.url);
      void _omit;
      const r = await readVersionTable(noPassword);
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'auth',
        message: `PostgreSQL at 127.0.0.1:${pg.port} asked for a password for user "${pg.user}" (database "app") and none is set.`,
      });
    });

    it('sslmode=require against a server without TLS → ssl', async () => {
      const r = await readVersionTable(targetOf(`${pg.url}?sslmode=require`));
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'ssl',
        message: `The SSL connection to PostgreSQL at 127.0.0.1:${pg.port} failed: The server does not support SSL connections.`,
      });
    });

    it('missing database → no-database, naming it', async () => {
      const r = await readVersionTable({ ...targetOf(pg.url), database: 'does_not_exist' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'no-database',
        message: `Database "does_not_exist" does not exist on PostgreSQL at 127.0.0.1:${pg.port}.`,
      });
    });

    it('a user without SELECT on the table → permission', async () => {
      await pg.createDatabase('perm');
      await pg.sql('CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)', 'perm');
      await pg.sql("CREATE ROLE limited LOGIN PASSWORD 'limitedpw'");
      const r = await readVersionTable({ ...targetOf(pg.url), database: 'perm', user: 'limited', password: 'limitedpw' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'permission',
        message: `User "limited" may not read table alembic_version in database "perm" on 127.0.0.1:${pg.port}.`,
      });
    });

    it('a table locked by a running migration → timeout within the limit', async () => {
      await pg.createDatabase('locked');
      await pg.sql('CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)', 'locked');
      const holder = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'locked' });
      await holder.connect();
      try {
        await holder.query('BEGIN; LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE');
        const r = await readVersionTable({ ...targetOf(pg.url), database: 'locked' }, { timeoutMs: 800 });
        assert.deepEqual(r, { kind: 'error', reason: 'timeout', message: `PostgreSQL at 127.0.0.1:${pg.port} did not answer within 0.8 s (database "locked").` });
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
    });

    it('an integer version_num column is reported, not read as "nothing applied"', async () => {
      await pg.createDatabase('intcol');
      await pg.sql('CREATE TABLE alembic_version (version_num integer NOT NULL PRIMARY KEY)', 'intcol');
      await pg.sql('INSERT INTO alembic_version VALUES (1)', 'intcol');
      const r = await readVersionTable({ ...targetOf(pg.url), database: 'intcol' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'other',
        message: 'The version table alembic_version holds version_num values that are not text (an integer column); Alembic writes revision ids as varchar(32), so which revisions are applied cannot be told.',
      });
    });

    it('NULL rows in the version table are reported, not skipped', async () => {
      await pg.createDatabase('nullrows');
      await pg.sql('CREATE TABLE alembic_version (version_num varchar(32))', 'nullrows');
      await pg.sql("INSERT INTO alembic_version VALUES ('a1'), (NULL), (NULL)", 'nullrows');
      const r = await readVersionTable({ ...targetOf(pg.url), database: 'nullrows' });
      assert.deepEqual(r, {
        kind: 'error',
        reason: 'other',
        message: 'The version table alembic_version has 2 row(s) with version_num NULL; Alembic never writes one, so which revisions are applied cannot be told (delete the row or stamp the database).',
      });
    });

    it('a read-only statement: the version table cannot be written inside it', async () => {
      // The statement we send, run by hand with a write appended, fails with read_only_sql_transaction.
      const c = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: 'perm' });
      await c.connect();
      try {
        const sql = versionTableQuery('alembic_version', null, 5000).replace('; COMMIT', "; INSERT INTO alembic_version VALUES ('x'); COMMIT");
        await assert.rejects(c.query(sql), (e: unknown) => (e as { code?: string }).code === '25006');
      } finally {
        await c.end();
      }
    });

    it('leaves no connection open after successes and failures', async () => {
      const rows = await pg.sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'alembic-migrations'", 'postgres');
      assert.deepEqual(rows, [{ n: 0 }]);
    });
  });
});
