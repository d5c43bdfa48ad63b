// One failing and one passing upgrade() per lint rule, shared by the unit tests (static reading),
// the differential test (the SQL real alembic prints for them) and the lock tests (run on real
// PostgreSQL). Tables they touch exist beforehand (SCHEMA), so "existing table" holds.
import type { RuleId } from '../../src/core/lint/rules';

export interface LintExample {
  rule: RuleId;
  /** upgrade() body lines (4-space indented) that must raise `rule`. */
  bad: string;
  /** A corrected upgrade() body that must not raise it. */
  good: string;
  /** downgrade() body (default `pass`). */
  downBad?: string;
  downGood?: string;
  /** The lock the rule's message names, taken on `table` by the bad form's statement. */
  lock?: { mode: string; table: string };
}

/** Tables the examples work on, with a few rows. */
export const SCHEMA = `
CREATE TABLE accounts (id serial PRIMARY KEY, email text, flag boolean, old text, b text);
CREATE TABLE orders (id serial PRIMARY KEY, account_id integer, x integer, y integer);
CREATE TABLE users (id serial PRIMARY KEY, name varchar(50));
INSERT INTO accounts (email, flag, old, b) SELECT 'u' || g || '@x', true, 'o', 'b' FROM generate_series(1, 50) g;
INSERT INTO orders (account_id, x, y) SELECT g, g, g FROM generate_series(1, 50) g;
CREATE INDEX ix_orders_x ON orders (x);
INSERT INTO users (name) SELECT 'n' || g FROM generate_series(1, 50) g;
`;

const AC = '    with op.get_context().autocommit_block():\n';

export const EXAMPLES: readonly LintExample[] = [
  { rule: 'create-index-non-concurrently',
    bad: "    op.create_index('ix_accounts_email', 'accounts', ['email'])",
    good: `${AC}        op.create_index('ix_accounts_email', 'accounts', ['email'], postgresql_concurrently=True)`,
    lock: { mode: 'ShareLock', table: 'accounts' } },
  { rule: 'drop-index-non-concurrently',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.drop_index('ix_orders_x', table_name='orders')",
    good: `${AC}        op.drop_index('ix_orders_x', table_name='orders', postgresql_concurrently=True)`,
    lock: { mode: 'AccessExclusiveLock', table: 'orders' } },
  { rule: 'concurrently-in-transaction',
    bad: "    op.create_index('ix_accounts_b', 'accounts', ['b'], postgresql_concurrently=True)",
    good: `${AC}        op.create_index('ix_accounts_b', 'accounts', ['b'], postgresql_concurrently=True)` },
  { rule: 'add-column-not-null-without-default',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.add_column('accounts', sa.Column('score', sa.Integer(), nullable=False))",
    good: "    op.execute('SET lock_timeout = 1000')\n    op.add_column('accounts', sa.Column('score', sa.Integer(), nullable=False, server_default=sa.text('0')))" },
  { rule: 'set-not-null',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.alter_column('accounts', 'email', nullable=False)",
    good: "    op.execute('SET lock_timeout = 1000')\n"
      + "    op.create_check_constraint('ck_accounts_email_nn', 'accounts', 'email IS NOT NULL', postgresql_not_valid=True)\n"
      + `${AC}        op.execute('ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_email_nn')\n`
      + "    op.alter_column('accounts', 'email', nullable=False)\n"
      + "    op.drop_constraint('ck_accounts_email_nn', 'accounts')",
    lock: { mode: 'AccessExclusiveLock', table: 'accounts' } },
  { rule: 'change-column-type',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.alter_column('users', 'name', type_=sa.Text())",
    good: "    op.execute('SET lock_timeout = 1000')\n    op.add_column('users', sa.Column('name_text', sa.Text()))\n"
      + "    op.execute('UPDATE users SET name_text = name WHERE id BETWEEN 1 AND 25')",
    lock: { mode: 'AccessExclusiveLock', table: 'users' } },
  { rule: 'constraint-without-not-valid',
    bad: "    op.create_foreign_key('fk_orders_account', 'orders', 'accounts', ['account_id'], ['id'])",
    good: "    op.create_foreign_key('fk_orders_account', 'orders', 'accounts', ['account_id'], ['id'], postgresql_not_valid=True)\n"
      + `${AC}        op.execute('ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_account')`,
    lock: { mode: 'ShareRowExclusiveLock', table: 'orders' } },
  { rule: 'unique-constraint-on-existing-table',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.create_unique_constraint('uq_accounts_email', 'accounts', ['email'])",
    good: `${AC}        op.create_index('uq_accounts_email', 'accounts', ['email'], unique=True, postgresql_concurrently=True)\n`
      + "    op.execute('SET lock_timeout = 1000')\n    op.execute('ALTER TABLE accounts ADD CONSTRAINT uq_accounts_email UNIQUE USING INDEX uq_accounts_email')",
    lock: { mode: 'AccessExclusiveLock', table: 'accounts' } },
  { rule: 'drop-column',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.drop_column('accounts', 'old')",
    downBad: "    op.add_column('accounts', sa.Column('old', sa.Text()))",
    good: "    op.execute('SET lock_timeout = 1000')\n    # alembic-lint: ignore[drop-column] the application stopped reading it in 2.3\n    op.drop_column('accounts', 'old')",
    downGood: "    op.add_column('accounts', sa.Column('old', sa.Text()))" },
  { rule: 'drop-table',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.drop_table('users')",
    downBad: "    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True))",
    good: "    op.create_table('scratch', sa.Column('id', sa.Integer(), primary_key=True))\n    op.drop_table('scratch')" },
  { rule: 'rename-column',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.alter_column('users', 'name', new_column_name='full_name')",
    good: "    op.execute('SET lock_timeout = 1000')\n    op.add_column('users', sa.Column('full_name', sa.String(50)))" },
  { rule: 'rename-table',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.rename_table('users', 'people')",
    good: "    op.create_table('people', sa.Column('id', sa.Integer(), primary_key=True))" },
  { rule: 'update-or-delete-without-where',
    bad: "    op.execute('UPDATE accounts SET flag = false')",
    good: "    op.execute('UPDATE accounts SET flag = false WHERE id <= 10')",
    lock: { mode: 'RowExclusiveLock', table: 'accounts' } },
  { rule: 'transaction-control-in-execute',
    bad: "    op.execute('COMMIT')\n    op.execute('CREATE INDEX CONCURRENTLY ix_accounts_b ON accounts (b)')",
    good: `${AC}        op.execute('CREATE INDEX CONCURRENTLY ix_accounts_b ON accounts (b)')` },
  { rule: 'destructive-without-downgrade',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.drop_column('orders', 'y')  # alembic-lint: ignore[drop-column] unused",
    good: "    op.execute('SET lock_timeout = 1000')\n    op.drop_column('orders', 'y')  # alembic-lint: ignore[drop-column] unused",
    downGood: "    op.add_column('orders', sa.Column('y', sa.Integer()))" },
  { rule: 'missing-lock-timeout',
    bad: "    op.add_column('orders', sa.Column('note', sa.Text()))",
    good: "    op.execute(\"SET lock_timeout = '5s'\")\n    op.add_column('orders', sa.Column('note', sa.Text()))",
    lock: { mode: 'AccessExclusiveLock', table: 'orders' } },
  { rule: 'sql-syntax-error',
    bad: "    op.execute('UPDATE accounts SET WHERE id = 1')",
    good: "    op.execute('UPDATE accounts SET flag = true WHERE id = 1')" },
  { rule: 'ignore-without-reason',
    bad: "    op.execute('SET lock_timeout = 1000')\n    op.drop_column('accounts', 'old')  # alembic-lint: ignore[drop-column]",
    downBad: "    op.add_column('accounts', sa.Column('old', sa.Text()))",
    good: "    op.execute('SET lock_timeout = 1000')\n    op.drop_column('accounts', 'old')  # alembic-lint: ignore[drop-column] unused since 2.3",
    downGood: "    op.add_column('accounts', sa.Column('old', sa.Text()))" },
  { rule: 'unused-ignore',
    bad: "    # alembic-lint: ignore[drop-table] left over\n    op.add_column('accounts', sa.Column('note', sa.Text()))  # alembic-lint: ignore[missing-lock-timeout] tiny table",
    good: "    op.add_column('accounts', sa.Column('note', sa.Text()))  # alembic-lint: ignore[missing-lock-timeout] tiny table" },
];

/** A whole revision file around an example's bodies. */
export function exampleFile(revision: string, down: string | null, upBody: string, downBody = '    pass'): string {
  return `"""lint example

Revision ID: ${revision}
Revises: ${down ?? ''}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '${revision}'
down_revision = ${down === null ? 'None' : `'${down}'`}
branch_labels = None
depends_on = None


def upgrade() -> None:
${upBody}


def downgrade() -> None:
${downBody}
`;
}
