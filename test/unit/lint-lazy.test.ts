// The shortcuts of the CLI's reading: a last downgrade() left unread (lazyDowngrade) gives the
// findings of the full reading, and its body is read when a rule asks; create_table column lists
// and light lines crossed by one regex end where the character-by-character reading ends them.
import * as assert from 'node:assert/strict';
import type { SqlParser } from '../../src/core/lint/actions';
import { lintMigration } from '../../src/core/lint/lint';
import { readLazyBody, readOperations } from '../../src/core/lint/ops';
import { loadSqlParser } from '../../src/io/sql-parser';
import { EXAMPLES, exampleFile } from '../support/lint-examples';

const HEAD = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\n\n";

describe('lint: the CLI reading leaves downgrade() unread unless needed', () => {
  let parse: SqlParser;
  before(async () => { parse = await loadSqlParser(); });

  const texts = (): string[] => [
    ...EXAMPLES.flatMap((e) => [exampleFile('a1', null, e.bad, e.downBad), exampleFile('a1', null, e.good, e.downGood)]),
    exampleFile('a1', null, "    op.drop_table('t')", '    pass'),
    exampleFile('a1', null, "    op.drop_table('t')", "    '''doc'''\n    ...\n    pass"),
    exampleFile('a1', null, "    op.drop_column('t', 'c')", "    op.add_column('t', sa.Column('c', sa.Text()))"),
    exampleFile('a1', null, "    op.drop_column('t', 'c')", "    # alembic-lint: ignore[drop-column] read in downgrade too\n    pass"),
    // downgrade() first, then upgrade(); two downgrade() definitions (the last wins, either way).
    HEAD + "def downgrade():\n    pass\n\ndef upgrade():\n    op.drop_table('t')\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n    op.create_table('t')\n\ndef downgrade():\n    pass\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n    pass\n\ndef downgrade():\n    op.create_table('t')\n",
    // A `def upgrade():` at column 0 inside a string of downgrade() is not a definition.
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n    x = '''\ndef upgrade():\n    pass\n'''\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n    x = '''\ndef downgrade():\n    pass\n'''\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade(): pass\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n",
    HEAD + "def upgrade():\n    op.drop_table('t')\n",
  ];

  it('gives the findings of the full reading', () => {
    for (const t of texts()) {
      for (const p of [parse, null]) {
        const full = lintMigration(t, p);
        const lazy = lintMigration(t, p, undefined, { downgradeOps: false, lazyDowngrade: true });
        assert.deepEqual(lazy.findings, full.findings, t);
        assert.deepEqual(lazy.ops.ops.filter((o) => o.fn === 'upgrade'), full.ops.ops.filter((o) => o.fn === 'upgrade'), t);
      }
    }
  });

  it('leaves a plain last downgrade() unread, and reads it as the full reading does when asked', () => {
    let left = 0;
    for (const t of texts()) {
      const full = readOperations(t, { downgradeOps: false });
      const lazy = readOperations(t, { downgradeOps: false, lazyDowngrade: true });
      if (lazy.lazyDowngrade === undefined) {
        assert.deepEqual(lazy.bodies, full.bodies, t);
        continue;
      }
      left++;
      assert.deepEqual(lazy.comments.filter((c) => c.fn === 'downgrade'), []);
      assert.deepEqual([...lazy.bodies, readLazyBody(t, lazy.lazyDowngrade)], full.bodies, t);
    }
    assert.ok(left > 20, `left unread: ${left}`);
    // Read when it holds an alembic-lint comment, or a definition may follow it.
    assert.equal(readOperations(texts()[EXAMPLES.length * 2 + 3], { downgradeOps: false, lazyDowngrade: true }).lazyDowngrade, undefined);
    assert.equal(readOperations(texts()[EXAMPLES.length * 2 + 4], { downgradeOps: false, lazyDowngrade: true }).lazyDowngrade, undefined);
  });
});

describe('lint: create_table column lists crossed in one step', () => {
  const table = (cols: string): string => HEAD + `def upgrade():\n    op.create_table('t', ${cols})\n    op.drop_table('x')\n`;
  const cases: Array<[string, string]> = [
    ['plain', "sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id', name=op.f('pk_t'))"],
    ['nested deeper than one step crosses', "sa.Column('a', f(g(h(i(j(k(l(m(n(1)))))))))), sa.Column('b')"],
    ['a comment inside', "sa.Column('a'),  # a ) here\n        sa.Column('b')"],
    ['brackets in strings', "sa.Column('a)', comment=\"(]\"), sa.Column('b', server_default=sa.text('now()'))"],
    ['a triple-quoted string', "sa.Column('a', comment='''(\n)'''), sa.Column('b')"],
    ['a backslash continuation', "sa.Column('a'), \\\n        sa.Column('b')"],
    ['an escaped quote', "sa.Column('a\\')', comment=\"\\\")\")"],
    ['brackets of another kind', "sa.Column('a', x[1], y={'k': (1, [2])}), sa.Column('b')"],
  ];
  for (const [what, cols] of cases) {
    it(`${what}: the call ends at its closing parenthesis`, () => {
      const text = table(cols);
      const ops = readOperations(text).ops;
      assert.deepEqual(ops.map((o) => o.name), ['create_table', 'drop_table']);
      const at = text.indexOf(cols) + cols.length;
      assert.equal(ops[0].close, at);
      assert.equal(ops[0].end, at + 1);
      assert.deepEqual(ops[0].args, [{ kind: 'str', value: 't', start: text.indexOf("'t'"), end: text.indexOf("'t'") + 3 }]);
    });
  }

  it('an unclosed list ends the body where it stops, never throws', () => {
    const text = HEAD + "def upgrade():\n    op.create_table('t', sa.Column('a', (1, 2)\n\ndef downgrade():\n    pass\n";
    assert.deepEqual(readOperations(text).ops.map((o) => o.name), ['create_table']);
  });
});

describe('lint: light lines cross bracket pairs in one step', () => {
  it('a downgrade() with bracket pairs, comments and strings in them is delimited as line by line', () => {
    const down = [
      "    op.drop_index(op.f('ix_t_a'), table_name='t')",
      "    op.drop_table('t', x=[1, (2, {3: '4)'})])",
      "    op.execute('''(\n)''')",
      "    op.alter_column('t', 'a',  # ) comment\n        nullable=True)",
      '    pass',
    ].join('\n');
    const text = HEAD + `def upgrade():\n    op.drop_table('t')\n\ndef downgrade():\n${down}\n\nx = 1\n`;
    const light = readOperations(text, { downgradeOps: false });
    const full = readOperations(text);
    assert.deepEqual(light.bodies, full.bodies);
    const body = light.bodies.find((b) => b.fn === 'downgrade');
    assert.equal(body?.bodyEnd, text.indexOf('x = 1'));
    assert.equal(body?.empty, false);
  });
});
