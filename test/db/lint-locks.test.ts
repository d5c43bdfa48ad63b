// Every lock a lint message names, shown on a real PostgreSQL: the example migration is rendered
// by the real alembic (`upgrade --sql`), run in a transaction on one connection, and pg_locks is
// read from a second: the table holds the mode the message names (or, for "locks every row", a
// concurrent write of a row waits), and a concurrent write from a third connection times out.
// The fixed form's work statement (CONCURRENTLY, VALIDATE, a batched UPDATE) lets that write through.
// For SET NOT NULL after a validated CHECK and for a binary-coercible type change, PostgreSQL's own
// DEBUG1 messages and the table's file node show that no scan / no rewrite happens.
import * as assert from 'node:assert/strict';
import { Client } from 'pg';
import { lintMigration } from '../../src/core/lint/lint';
import type { RuleId } from '../../src/core/lint/rules';
import { loadSqlParser } from '../../src/io/sql-parser';
import { EXAMPLES, exampleFile, SCHEMA, type LintExample } from '../support/lint-examples';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { renderUpgradeSql, type RenderedStatement } from '../support/render-sql';

/** The lock names of lint messages → pg_locks modes. */
const MODES: Array<[RegExp, string]> = [
  [/ACCESS EXCLUSIVE (?:lock|statement)/, 'AccessExclusiveLock'],
  [/SHARE ROW EXCLUSIVE lock/, 'ShareRowExclusiveLock'],
  [/SHARE lock/, 'ShareLock'],
];

interface LockCase extends LintExample {
  lock: { mode: string; table: string };
  /** A write on `lock.table` that the failing form blocks. */
  write?: string;
  /** Picks the fixed form's work statement (checked not to block the write); none: no fixed-form check. */
  work?: (s: RenderedStatement) => boolean;
}

const CONCURRENT = (s: RenderedStatement): boolean => /\bCONCURRENTLY\b/i.test(s.sql);
const WORK: Partial<Record<RuleId, (s: RenderedStatement) => boolean>> = {
  'create-index-non-concurrently': CONCURRENT,
  'drop-index-non-concurrently': CONCURRENT,
  'unique-constraint-on-existing-table': CONCURRENT,
  'constraint-without-not-valid': (s) => /VALIDATE CONSTRAINT/i.test(s.sql),
  'update-or-delete-without-where': (s) => /^UPDATE/i.test(s.sql),
  // CHECK (email IS NOT NULL) NOT VALID committed, then its VALIDATE (SHARE UPDATE EXCLUSIVE).
  'set-not-null': (s) => /VALIDATE CONSTRAINT/i.test(s.sql),
  // Expand/contract: the new column is added, then a batch of the backfill.
  'change-column-type': (s) => /^UPDATE/i.test(s.sql),
};

const CASES: LockCase[] = [
  ...EXAMPLES.filter((e): e is LintExample & { lock: { mode: string; table: string } } => e.lock !== undefined).map((e) => ({
    ...e,
    write: e.rule === 'update-or-delete-without-where' ? "UPDATE accounts SET b = 'x' WHERE id = 20"
      // (the NOT VALID CHECK of the fixed form already applies to new rows)
      : e.rule === 'set-not-null' ? "INSERT INTO accounts (email) VALUES ('new@x')" : undefined,
    work: WORK[e.rule],
  })),
  // The CHECK half of constraint-without-not-valid (its message names ACCESS EXCLUSIVE).
  { rule: 'constraint-without-not-valid',
    bad: "    op.create_check_constraint('ck_orders_x', 'orders', 'x > 0')",
    good: "    op.create_check_constraint('ck_orders_x', 'orders', 'x > 0', postgresql_not_valid=True)\n"
      + "    with op.get_context().autocommit_block():\n        op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_x')",
    lock: { mode: 'AccessExclusiveLock', table: 'orders' },
    work: (s) => /VALIDATE CONSTRAINT/i.test(s.sql) },
];

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

async function pidOf(c: Client): Promise<number> {
  return (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
}

async function tableModes(observer: Client, pid: number, table: string): Promise<string[]> {
  const r = await observer.query<{ mode: string }>(
    'SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND c.relname = $2 AND l.granted ORDER BY l.mode',
    [pid, table]);
  return r.rows.map((x) => x.mode);
}

/** Runs `write` with a short lock_timeout; 'blocked' when it timed out waiting for a lock. */
async function tryWrite(url: string, write: string): Promise<'done' | 'blocked'> {
  const c = await connect(url);
  try {
    await c.query("SET lock_timeout = '400ms'");
    await c.query(write);
    return 'done';
  } catch (e) {
    if ((e as { code?: string }).code === '55P03') return 'blocked';
    throw e;
  } finally {
    await c.end();
  }
}

describe('lint: lock claims on a real PostgreSQL', function () {
  this.timeout(300_000);
  let pg: TestPostgres;
  let n = 0;

  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  async function freshDb(): Promise<string> {
    const url = await pg.createDatabase(`lint_${++n}`);
    const c = await connect(url);
    await c.query(SCHEMA);
    await c.end();
    return url;
  }

  for (const ex of CASES) {
    const name = `${ex.rule}${ex.bad.includes('check_constraint') ? ' (CHECK)' : ''}`;
    const fixed = ex.work ? '; the fixed form does not block it' : '';
    it(`${name}: the failing form holds the lock its message names and blocks a write${fixed}`, async () => {
      const parse = await loadSqlParser();
      const finding = lintMigration(exampleFile('a1', null, ex.bad, ex.downBad), parse).findings.find((f) => f.rule === ex.rule);
      assert.ok(finding, `${ex.rule} is raised on the failing form`);
      const named = MODES.find(([re]) => re.test(finding.message))?.[1];
      const write = ex.write ?? `INSERT INTO ${ex.lock.table} DEFAULT VALUES`;

      const url = await freshDb();
      const bad = await renderUpgradeSql(ex.bad, ex.downBad);
      const a = await connect(url);
      const observer = await connect(url);
      try {
        const pid = await pidOf(a);
        await a.query('BEGIN');
        for (const s of bad) await a.query(s.sql);
        const modes = await tableModes(observer, pid, ex.lock.table);
        if (named) {
          assert.equal(named, ex.lock.mode);
          assert.ok(modes.includes(named), `pg_locks on ${ex.lock.table}: ${modes.join(', ')}; the message names ${named}`);
        } else {
          assert.match(finding.message, /locks every row/);
          assert.ok(modes.includes(ex.lock.mode), `pg_locks on ${ex.lock.table}: ${modes.join(', ')}`);
        }
        assert.equal(await tryWrite(url, write), 'blocked', `${write} waits behind the failing form`);
        await a.query('ROLLBACK');
      } finally {
        await a.end();
        await observer.end();
      }

      if (!ex.work) return;
      const good = await renderUpgradeSql(ex.good, ex.downGood);
      const at = good.findIndex(ex.work);
      assert.ok(at >= 0, `the fixed form has its work statement:\n${good.map((s) => s.sql).join('\n')}`);
      const url2 = await freshDb();
      const setup = await connect(url2);
      for (const s of good.slice(0, at)) await setup.query(s.sql); // earlier steps, each committed
      await setup.end();
      const work = good[at];
      if (CONCURRENT(work)) {
        // An open writing transaction makes CONCURRENTLY wait mid-way, so its lock can be observed.
        const holder = await connect(url2);
        const runner = await connect(url2);
        const obs = await connect(url2);
        try {
          await holder.query('BEGIN');
          await holder.query(`INSERT INTO ${ex.lock.table} DEFAULT VALUES`);
          const pid = await pidOf(runner);
          const running = runner.query(work.sql);
          let modes: string[] = [];
          for (let i = 0; i < 200 && !modes.includes('ShareUpdateExclusiveLock'); i++) {
            modes = await tableModes(obs, pid, ex.lock.table);
            if (!modes.includes('ShareUpdateExclusiveLock')) await new Promise((r) => setTimeout(r, 25));
          }
          assert.ok(modes.includes('ShareUpdateExclusiveLock'), `${work.sql} holds SHARE UPDATE EXCLUSIVE (${modes.join(', ')})`);
          assert.equal(await tryWrite(url2, write), 'done', `${write} goes through while ${work.sql} runs`);
          await holder.query('COMMIT');
          await running;
        } finally {
          await holder.end();
          await runner.end();
          await obs.end();
        }
      } else {
        const runner = await connect(url2);
        try {
          await runner.query('BEGIN');
          await runner.query(work.sql);
          assert.equal(await tryWrite(url2, write), 'done', `${write} goes through while ${work.sql} holds its locks`);
          await runner.query('ROLLBACK');
        } finally {
          await runner.end();
        }
      }
    });
  }

  it('missing-lock-timeout: behind a long transaction the failing form waits and queues every later write; the fixed form gives up', async () => {
    const ex = EXAMPLES.find((e) => e.rule === 'missing-lock-timeout');
    assert.ok(ex);
    const url = await freshDb();
    const holder = await connect(url);
    const a = await connect(url);
    const obs = await connect(url);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM orders'); // a long read holds ACCESS SHARE
      const bad = await renderUpgradeSql(ex.bad);
      const pid = await pidOf(a);
      await a.query('BEGIN');
      const waiting = Promise.all(bad.map((s) => a.query(s.sql))).catch((e: unknown) => e);
      let wait: Array<{ mode: string; granted: boolean }> = [];
      for (let i = 0; i < 200 && wait.length === 0; i++) {
        wait = (await obs.query<{ mode: string; granted: boolean }>(
          "SELECT l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = $1 AND c.relname = 'orders' AND NOT l.granted", [pid])).rows;
        if (wait.length === 0) await new Promise((r) => setTimeout(r, 25));
      }
      assert.deepEqual(wait, [{ mode: 'AccessExclusiveLock', granted: false }]);
      assert.equal(await tryWrite(url, 'INSERT INTO orders DEFAULT VALUES'), 'blocked', 'a write queues behind the waiting ALTER');
      await holder.query('COMMIT');
      await waiting;
      await a.query('ROLLBACK');

      // The fixed form sets lock_timeout first: behind the same long transaction it fails instead of waiting.
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM orders');
      const good = (await renderUpgradeSql(ex.good)).map((s) => s.sql.replace("'5s'", "'300ms'"));
      await a.query('BEGIN');
      let code = '';
      try {
        for (const s of good) await a.query(s);
      } catch (e) {
        code = (e as { code?: string }).code ?? '';
      }
      assert.equal(code, '55P03', 'lock_timeout ends the wait (lock_not_available)');
      await a.query('ROLLBACK');
      await holder.query('COMMIT');
    } finally {
      await holder.end();
      await a.end();
      await obs.end();
    }
  });

  /** Runs `sql` on `c` with client_min_messages = debug1; returns PostgreSQL's notices. */
  async function debugNotices(c: Client, sql: string): Promise<string[]> {
    const notices: string[] = [];
    const on = (n: { message?: string }): void => { notices.push(n.message ?? ''); };
    c.on('notice', on);
    try {
      await c.query('SET client_min_messages = debug1');
      await c.query(sql);
      await c.query('SET client_min_messages = notice');
    } finally {
      c.off('notice', on);
    }
    return notices;
  }

  it('set-not-null: after the fixed form\'s VALIDATE, SET NOT NULL proves the column from the CHECK and does not scan; the failing form scans', async () => {
    const ex = EXAMPLES.find((e) => e.rule === 'set-not-null');
    assert.ok(ex);
    const good = await renderUpgradeSql(ex.good);
    const setNotNull = (s: RenderedStatement): boolean => /SET NOT NULL/i.test(s.sql);
    const at = good.findIndex(setNotNull);
    assert.ok(at > good.findIndex((s) => /VALIDATE CONSTRAINT/i.test(s.sql)), good.map((s) => s.sql).join('\n'));
    const scanned = /^verifying table "accounts"$/;
    const proved = /^existing constraints on column "accounts\.email" are sufficient to prove that it does not contain nulls$/;

    const url = await freshDb();
    const c = await connect(url);
    try {
      for (const s of good.slice(0, at)) await c.query(s.sql);
      await c.query('BEGIN');
      const notices = await debugNotices(c, good[at].sql);
      assert.ok(notices.some((m) => proved.test(m)), `PostgreSQL uses the CHECK: ${notices.join(' | ')}`);
      assert.ok(!notices.some((m) => scanned.test(m)), `no scan: ${notices.join(' | ')}`);
      // The statement still takes ACCESS EXCLUSIVE, only briefly: the message says so ("its lock is brief").
      assert.ok((await tableModes(c, await pidOf(c), 'accounts')).includes('AccessExclusiveLock'));
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }

    const bad = await renderUpgradeSql(ex.bad);
    const url2 = await freshDb();
    const b = await connect(url2);
    try {
      await b.query('BEGIN');
      const notices = await debugNotices(b, bad.filter(setNotNull).map((s) => s.sql).join(';\n'));
      assert.ok(notices.some((m) => scanned.test(m)), `the failing form scans: ${notices.join(' | ')}`);
      assert.ok(!notices.some((m) => proved.test(m)));
      await b.query('ROLLBACK');
    } finally {
      await b.end();
    }
  });

  it('change-column-type: varchar(50) to text keeps the table\'s file (no rewrite), integer to bigint writes a new one; both hold ACCESS EXCLUSIVE and block an INSERT', async () => {
    const cases: Array<{ body: string; table: string; rewrite: boolean }> = [
      { body: "    op.alter_column('users', 'name', type_=sa.Text())", table: 'users', rewrite: false },
      { body: "    op.alter_column('orders', 'x', type_=sa.BigInteger())", table: 'orders', rewrite: true },
    ];
    const parse = await loadSqlParser();
    for (const k of cases) {
      const finding = lintMigration(exampleFile('a1', null, k.body), parse).findings.find((f) => f.rule === 'change-column-type');
      assert.ok(finding, `${k.body} is flagged`);
      assert.match(finding.message, /ACCESS EXCLUSIVE lock until the migration commits, and rewrites the table and its indexes under it unless the change is binary-coercible \(e\.g\. varchar\(n\) to text\)$/);
      const url = await freshDb();
      const c = await connect(url);
      try {
        const filenode = async (): Promise<string> => (await c.query<{ f: string }>('SELECT pg_relation_filenode($1::regclass)::text AS f', [k.table])).rows[0].f;
        const before = await filenode();
        await c.query('BEGIN');
        for (const s of await renderUpgradeSql(k.body)) await c.query(s.sql);
        assert.equal((await filenode()) !== before, k.rewrite, `${k.body}: rewrite ${String(k.rewrite)}`);
        assert.ok((await tableModes(c, await pidOf(c), k.table)).includes('AccessExclusiveLock'));
        assert.equal(await tryWrite(url, `INSERT INTO ${k.table} DEFAULT VALUES`), 'blocked');
        await c.query('ROLLBACK');
      } finally {
        await c.end();
      }
    }
  });
});
