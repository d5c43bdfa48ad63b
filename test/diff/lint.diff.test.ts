// Differential test of the lint's static reading: every example migration (failing and passing
// form) is rendered by the real alembic (`upgrade --sql`); the SQL it prints is linted as raw SQL
// (each statement an op.execute, in an autocommit block where alembic ran it outside its
// transaction) and must raise the same rules as the reading of the Python file itself.
import * as assert from 'node:assert/strict';
import type { SqlParser } from '../../src/core/lint/actions';
import { lintMigration } from '../../src/core/lint/lint';
import type { RuleId } from '../../src/core/lint/rules';
import { loadSqlParser } from '../../src/io/sql-parser';
import { pyRepr } from '../support/fixture-writer';
import { EXAMPLES, exampleFile } from '../support/lint-examples';
import { renderUpgradeSql, type RenderedStatement } from '../support/render-sql';

/** Rules about the file rather than the SQL it sends: not comparable with a SQL-only reading. */
const FILE_ONLY = new Set<RuleId>(['destructive-without-downgrade', 'ignore-without-reason', 'unused-ignore']);

function rules(text: string, parse: SqlParser): string[] {
  // Suppressions are comments of the Python file: the rendered SQL has none, so neither side honours them.
  const plain = text.replace(/# alembic-lint:/g, '# lint-off:');
  return [...new Set(lintMigration(plain, parse).findings.map((f) => f.rule).filter((r) => !FILE_ONLY.has(r)))].sort();
}

function asMigration(statements: readonly RenderedStatement[]): string {
  const lines = statements.map((s) => (s.inTransaction
    ? `    op.execute(${pyRepr(s.sql)})`
    : `    with op.get_context().autocommit_block():\n        op.execute(${pyRepr(s.sql)})`));
  return exampleFile('a1', null, lines.length > 0 ? lines.join('\n') : '    pass');
}

describe('lint: static reading agrees with the SQL real alembic prints (upgrade --sql)', function () {
  this.timeout(600_000);
  let parse: SqlParser;
  before(async () => { parse = await loadSqlParser(); });

  for (const ex of EXAMPLES) {
    for (const form of ['bad', 'good'] as const) {
      it(`${ex.rule} (${form === 'bad' ? 'failing' : 'passing'} form)`, async () => {
        const up = form === 'bad' ? ex.bad : ex.good;
        const down = form === 'bad' ? ex.downBad : ex.downGood;
        const rendered = await renderUpgradeSql(up, down);
        const fromSql = rules(asMigration(rendered), parse);
        const fromPython = rules(exampleFile('a1', null, up, down), parse);
        assert.deepEqual(fromSql, fromPython, `SQL printed by alembic:\n${rendered.map((s) => `${s.inTransaction ? '' : '[autocommit] '}${s.sql}`).join('\n')}`);
        if (form === 'bad' && !FILE_ONLY.has(ex.rule)) assert.ok(fromSql.includes(ex.rule), `the rendered SQL raises ${ex.rule}`);
      });
    }
  }
});
