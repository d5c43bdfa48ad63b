// The migration safety lint on the static reading of upgrade()/downgrade(): every rule has a
// failing and a passing example (test/support/lint-examples.ts); the reader, suppressions,
// severities and quick fixes are checked on exact values.
import * as assert from 'node:assert/strict';
import type { SqlParser } from '../../src/core/lint/actions';
import { lintMigration } from '../../src/core/lint/lint';
import { readOperations } from '../../src/core/lint/ops';
import { readSeverities, RULES, type RuleId } from '../../src/core/lint/rules';
import { loadSqlParser } from '../../src/io/sql-parser';
import { EXAMPLES, exampleFile } from '../support/lint-examples';

function applyEdits(text: string, edits: ReadonlyArray<{ start: number; end: number; newText: string }>): string {
  const sorted = [...edits].map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

describe('lint: rules', () => {
  let parse: SqlParser;
  before(async () => { parse = await loadSqlParser(); });

  it('every rule has a failing and a passing example', () => {
    assert.deepEqual(EXAMPLES.map((e) => e.rule).sort(), RULES.map((r) => r.id).sort());
  });

  for (const ex of EXAMPLES) {
    it(`${ex.rule}: the failing example raises it, the passing one does not`, () => {
      const bad = lintMigration(exampleFile('a1', null, ex.bad, ex.downBad), parse);
      assert.ok(bad.findings.some((f) => f.rule === ex.rule), `bad: ${JSON.stringify(bad.findings.map((f) => f.rule))}`);
      const good = lintMigration(exampleFile('a1', null, ex.good, ex.downGood), parse);
      assert.deepEqual(good.findings.map((f) => `${f.rule}: ${f.message}`), []);
    });
  }

  it('a table created earlier in the same upgrade is not an existing table', () => {
    const text = exampleFile('a1', null, [
      "    op.create_table('t', sa.Column('id', sa.Integer(), primary_key=True))",
      "    op.create_index('ix_t', 't', ['id'])",
      "    op.execute('CREATE INDEX ix_t2 ON t (id)')",
      "    op.add_column('t', sa.Column('n', sa.Integer(), nullable=False))",
    ].join('\n'));
    assert.deepEqual(lintMigration(text, parse).findings, []);
  });

  it('reads raw SQL with the PostgreSQL parser: several statements, sa.text, NOT VALID, USING INDEX', () => {
    const text = exampleFile('a1', null, [
      "    op.execute(\"SET lock_timeout = '2s'\")",
      '    op.execute(sa.text("ALTER TABLE orders ADD CONSTRAINT c CHECK (x > 0) NOT VALID; ALTER TABLE orders ALTER COLUMN y SET NOT NULL"))',
      "    op.execute('ALTER TABLE a ADD CONSTRAINT u UNIQUE USING INDEX u')",
      "    op.execute('DELETE FROM orders')",
    ].join('\n'));
    const r = lintMigration(text, parse);
    assert.deepEqual(r.findings.map((f) => `${f.range.start.line + 1} ${f.severity} ${f.rule}: ${f.message}`), [
      '19 warning set-not-null: SET NOT NULL on "y" of "orders" takes an ACCESS EXCLUSIVE lock and scans every row while holding it; first add CHECK (y IS NOT NULL) NOT VALID and VALIDATE it (writes go on), then PostgreSQL 12+ sets NOT NULL without the scan',
      '21 warning update-or-delete-without-where: DELETE without WHERE locks every row of "orders" until the migration commits; backfill in batches',
    ]);
  });

  it('set-not-null is quiet only after a validated CHECK (col IS NOT NULL) on that column earlier in upgrade()', () => {
    const sets = (body: string[]): string[] => lintMigration(exampleFile('a1', null, ["    op.execute(\"SET lock_timeout = '2s'\")", ...body].join('\n')), parse)
      .findings.filter((f) => f.rule === 'set-not-null').map((f) => String(f.range.start.line + 1));
    const setNotNull = "    op.alter_column('orders', 'y', nullable=False)";
    // op.* form: NOT VALID, VALIDATE, then SET NOT NULL.
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_y', 'orders', '\"y\" IS NOT NULL', postgresql_not_valid=True)",
      "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_y')",
      setNotNull,
    ]), []);
    // Raw SQL form.
    assert.deepEqual(sets([
      "    op.execute('ALTER TABLE orders ADD CONSTRAINT ck_y CHECK (y IS NOT NULL) NOT VALID')",
      "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_y')",
      "    op.execute('ALTER TABLE orders ALTER COLUMN y SET NOT NULL')",
    ]), []);
    // Not proven: never validated; another column; another table; a condition that is not only IS NOT NULL; VALIDATE after.
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_y', 'orders', 'y IS NOT NULL', postgresql_not_valid=True)",
      setNotNull,
    ]), ['20']);
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_x', 'orders', 'x IS NOT NULL', postgresql_not_valid=True)",
      "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_x')",
      setNotNull,
    ]), ['21']);
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_y', 'accounts', 'y IS NOT NULL', postgresql_not_valid=True)",
      "    op.execute('ALTER TABLE accounts VALIDATE CONSTRAINT ck_y')",
      setNotNull,
    ]), ['21']);
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_y', 'orders', 'y IS NOT NULL OR x > 0', postgresql_not_valid=True)",
      "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_y')",
      setNotNull,
    ]), ['21']);
    assert.deepEqual(sets([
      "    op.create_check_constraint('ck_y', 'orders', 'y IS NOT NULL', postgresql_not_valid=True)",
      setNotNull,
      "    op.execute('ALTER TABLE orders VALIDATE CONSTRAINT ck_y')",
    ]), ['20']);
  });

  it('without a parser, raw SQL is not checked (and says so in the hover list)', () => {
    const r = lintMigration(exampleFile('a1', null, "    op.execute('COMMIT')"), null);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.actions.map((a) => a.kind), ['sql_not_literal']);
  });
});

describe('lint: reading operations', () => {
  it('reads op calls with positional and keyword arguments, batch and autocommit blocks, execute receivers', () => {
    const text = exampleFile('a1', null, [
      '    conn = op.get_bind()',
      "    with op.batch_alter_table('users', schema=None) as batch_op:",
      "        batch_op.alter_column('name',",
      '                              existing_type=sa.VARCHAR(length=50),',
      "                              nullable=False)  # multi-line",
      '    with op.get_context().autocommit_block():',
      "        op.create_index(op.f('ix_a'), 'accounts', ['email', \"b\"], unique=True, postgresql_where=sa.text('b > 1'), x=1 + 2)",
      "    conn.execute(sa.text(f'UPDATE accounts SET b = {1}'))",
      "    op.get_bind().execute('DELETE FROM orders WHERE id = 1')",
      "    op.add_column('t', sa.Column('c', sa.Integer(), nullable=False, server_default='0'))",
    ].join('\n'));
    const { ops, bodies } = readOperations(text);
    assert.deepEqual(ops.map((o) => `${o.fn} ${o.receiver}.${o.name} batch=${o.batchTable} autocommit=${o.autocommit} args=${o.args.map((a) => a.kind).join(',')} kwargs=${[...o.kwargs].map(([k, v]) => `${k}:${v.kind}`).join(',')}`), [
      'upgrade batch_op.alter_column batch=users autocommit=false args=str kwargs=existing_type:call,nullable:bool',
      'upgrade op.create_index batch=null autocommit=true args=call,str,seq kwargs=unique:bool,postgresql_where:call,x:unknown',
      'upgrade conn.execute batch=null autocommit=false args=call kwargs=',
      'upgrade op.get_bind().execute batch=null autocommit=false args=str kwargs=',
      'upgrade op.add_column batch=null autocommit=false args=str,call kwargs=',
    ]);
    assert.deepEqual(bodies.map((b) => `${b.fn} empty=${b.empty}`), ['upgrade empty=false', 'downgrade empty=true']);
    const fstr = ops[2].args[0];
    assert.ok(fstr.kind === 'call' && fstr.args[0].kind === 'unknown' && fstr.args[0].fstring);
  });

  it('skips create_table columns (strings with brackets, comments) and reads what follows', () => {
    const text = exampleFile('a1', null, [
      "    op.create_table('t',",
      "        sa.Column('a)', sa.String(), server_default=')('),  # a comment with )",
      '        sa.Column("b", sa.Text(), comment=f"x{1}]"),',
      "        sa.CheckConstraint('a <> \\'\\''),",
      '    )',
      "    op.drop_table('other')",
    ].join('\n'));
    const ops = readOperations(text).ops;
    assert.deepEqual(ops.map((o) => `${o.name} ${o.args.map((a) => (a.kind === 'str' ? a.value : a.kind)).join(',')}`), ['create_table t', 'drop_table other']);
    // Triple-quoted strings, escaped quotes and backslashes, a string with a backslash-newline, a line continuation.
    const text2 = exampleFile('a1', null, [
      "    op.create_table('t', sa.Column('a', comment='''it's ) here\n''' ), sa.Column(\"b\\\")\", server_default='\\\\'),",
      "        sa.Column('c', comment='x\\",
      ")'), \\",
      '        sa.Column("d", comment=""""("""""))',
      "    op.drop_table('other')",
    ].join('\n'));
    assert.deepEqual(readOperations(text2).ops.map((o) => o.name), ['create_table', 'drop_table']);
  });

  it('the CLI reading (downgrade() calls not read) gives the same findings as the full one', async () => {
    const parse = await loadSqlParser();
    const texts = EXAMPLES.flatMap((e) => [exampleFile('a1', null, e.bad, e.downBad), exampleFile('a1', null, e.good, e.downGood)]);
    texts.push(exampleFile('a1', null, "    op.drop_table('t')", "    # alembic-lint: ignore[drop-table] nothing here\n    pass"));
    texts.push(exampleFile('a1', null, "    op.drop_column('t', 'c')", "    '''doc'''\n    ...\n    pass"));
    texts.push(exampleFile('a1', null, "    op.drop_column('t', 'c')", "    op.execute('SELECT 1'); op.add_column('t', sa.Column('c', sa.Text()))"));
    texts.push(exampleFile('a1', null, "    op.drop_column('t', 'c')", "    \t#\u00a0alembic-lint: ignore[drop-column] tab and no-break space before it\n    pass"));
    for (const t of texts) {
      for (const p of [parse, null]) {
        const full = lintMigration(t, p);
        const cli = lintMigration(t, p, undefined, { downgradeOps: false });
        assert.deepEqual(cli.findings, full.findings, t);
        assert.deepEqual(cli.ops.bodies, full.ops.bodies, t);
        assert.deepEqual(cli.ops.ops.filter((o) => o.fn === 'downgrade'), []);
      }
    }
    // The ignore in downgrade() is read in both (it matches nothing there: unused-ignore), with leading whitespace of any kind.
    assert.deepEqual(lintMigration(texts[texts.length - 1], parse, undefined, { downgradeOps: false }).findings.map((f) => f.rule).sort(), ['destructive-without-downgrade', 'drop-column', 'missing-lock-timeout', 'unused-ignore']);
  });

  it('a def inside a string or a nested function is not the migration function; the last definition wins', () => {
    const text = 'x = """\ndef upgrade():\n    op.drop_table(\'a\')\n"""\n\ndef upgrade():\n    op.drop_table(\'b\')\n\ndef upgrade():\n    op.drop_table(\'c\')\n';
    const names = readOperations(text).ops.map((o) => o.args[0].kind === 'str' ? o.args[0].value : '?');
    assert.deepEqual(names, ['c']);
  });

  it('a broken file (unterminated string, unbalanced brackets) gives what was read, never throws', () => {
    for (const t of ["def upgrade():\n    op.execute('x\n", 'def upgrade():\n    op.drop_table((\n', 'def upgrade(:\n', 'def upgrade():']) {
      assert.doesNotThrow(() => lintMigration(t, null));
    }
  });
});

describe('lint: suppressions, severities, fixes', () => {
  let parse: SqlParser;
  before(async () => { parse = await loadSqlParser(); });

  it('an ignore on the line above or on the line suppresses; unknown ids and unused ignores are reported', () => {
    const text = exampleFile('a1', null, [
      "    op.execute('SET lock_timeout = 1000')",
      '    # alembic-lint: ignore[drop-column, rename-table] both planned',
      "    op.drop_column('accounts', 'old')",
      "    op.drop_column('accounts', 'b')  # alembic-lint: ignore[nope] typo",
    ].join('\n'), "    op.add_column('accounts', sa.Column('old', sa.Text()))");
    const r = lintMigration(text, parse);
    assert.deepEqual(r.findings.map((f) => `${f.range.start.line + 1} ${f.rule}: ${f.message}`), [
      '21 drop-column: dropping column "b" of "accounts" breaks the running application while it still uses it',
      "21 unused-ignore: unknown lint rule 'nope' in alembic-lint: ignore",
    ]);
  });

  it('severities from pyproject/settings: off drops a rule, others change its level; bad entries are problems', () => {
    const { overrides, problems } = readSeverities({ 'drop-column': 'off', 'missing-lock-timeout': 'error', nope: 'off', 'set-not-null': 'loud' });
    assert.deepEqual(problems, ["unknown lint rule 'nope'", "lint rule 'set-not-null': severity must be error, warning, info or off"]);
    const r = lintMigration(exampleFile('a1', null, "    op.drop_column('accounts', 'old')", "    op.add_column('accounts', sa.Column('old', sa.Text()))"), parse, overrides);
    assert.deepEqual(r.findings.map((f) => `${f.severity} ${f.rule}`), ['error missing-lock-timeout']);
  });

  it('quick fixes produce code whose lint is clean of the fixed rule', () => {
    const cases: Array<[RuleId, string]> = [
      ['create-index-non-concurrently', "    op.create_index('ix_a', 'accounts', ['email'],\n                    unique=True)"],
      ['concurrently-in-transaction', "    op.drop_index('ix_a', table_name='accounts', postgresql_concurrently=True)"],
      ['constraint-without-not-valid', "    op.create_check_constraint('ck_x', 'orders', 'x > 0')"],
      ['add-column-not-null-without-default', "    op.execute('SET lock_timeout = 1000')\n    op.add_column('accounts', sa.Column('n', sa.Integer(), nullable=False))"],
      ['missing-lock-timeout', "    op.add_column('accounts', sa.Column('n', sa.Integer()))"],
    ];
    for (const [rule, body] of cases) {
      const text = exampleFile('a1', null, body);
      const f = lintMigration(text, parse).findings.find((x) => x.rule === rule);
      assert.ok(f?.fix, `${rule} has a fix`);
      const fixed = applyEdits(text, f.fix.edits);
      const after = lintMigration(fixed, parse).findings.map((x) => x.rule);
      assert.ok(!after.includes(rule), `${rule} still raised after its fix:\n${fixed}`);
    }
    const text = exampleFile('a1', null, "    op.create_index('ix_a', 'accounts', ['email'])");
    const f = lintMigration(text, parse).findings[0];
    assert.ok(f.fix);
    assert.match(applyEdits(text, f.fix.edits), /\n {4}with op\.get_context\(\)\.autocommit_block\(\):\n {8}op\.create_index\('ix_a', 'accounts', \['email'\], postgresql_concurrently=True\)\n/);
  });
});
