// The migration safety rules: stable ids (never rename one: suppressions, settings and CI key on
// them), a default severity, one line of why, and the PostgreSQL lock the message names (proved
// on a real server in test/db/lint-locks.test.ts).
export type LintSeverity = 'error' | 'warning' | 'info' | 'off';

export type RuleId =
  | 'create-index-non-concurrently'
  | 'drop-index-non-concurrently'
  | 'concurrently-in-transaction'
  | 'add-column-not-null-without-default'
  | 'set-not-null'
  | 'change-column-type'
  | 'constraint-without-not-valid'
  | 'unique-constraint-on-existing-table'
  | 'drop-column'
  | 'drop-table'
  | 'rename-column'
  | 'rename-table'
  | 'update-or-delete-without-where'
  | 'transaction-control-in-execute'
  | 'destructive-without-downgrade'
  | 'missing-lock-timeout'
  | 'sql-syntax-error'
  | 'ignore-without-reason'
  | 'unused-ignore';

export interface RuleInfo {
  id: RuleId;
  severity: Exclude<LintSeverity, 'off'>;
  /** One line: why it matters on a live database. */
  why: string;
  /** The fix, in one line. */
  fix: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'create-index-non-concurrently', severity: 'warning',
    why: 'CREATE INDEX takes a SHARE lock on the table: every INSERT, UPDATE and DELETE waits until the whole index is built.',
    fix: 'pass postgresql_concurrently=True and run it inside `with op.get_context().autocommit_block():`.' },
  { id: 'drop-index-non-concurrently', severity: 'warning',
    why: 'DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait, behind any long query.',
    fix: 'pass postgresql_concurrently=True and run it inside `with op.get_context().autocommit_block():`.' },
  { id: 'concurrently-in-transaction', severity: 'error',
    why: 'CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block: the migration fails at run time.',
    fix: 'move the call into `with op.get_context().autocommit_block():`.' },
  { id: 'add-column-not-null-without-default', severity: 'error',
    why: 'Adding a NOT NULL column without a server default fails on a table that has rows.',
    fix: 'give the column a server_default (or add it nullable, backfill in batches, then set NOT NULL).' },
  { id: 'set-not-null', severity: 'warning',
    why: 'SET NOT NULL takes an ACCESS EXCLUSIVE lock and scans the whole table while holding it: reads and writes wait.',
    fix: 'add CHECK (col IS NOT NULL) with postgresql_not_valid=True, VALIDATE CONSTRAINT it in an autocommit_block() (SHARE UPDATE EXCLUSIVE: writes go on), then alter_column(nullable=False): PostgreSQL 12+ skips the scan, so its lock is brief; then drop the CHECK. The rule is quiet when the same upgrade() does this.' },
  { id: 'change-column-type', severity: 'warning',
    why: 'Changing a column type takes an ACCESS EXCLUSIVE lock until the migration commits; unless the change is binary-coercible (varchar(n) to text, a longer varchar) it also rewrites the table and its indexes under that lock.',
    fix: 'a binary-coercible change: keep it short with lock_timeout. Otherwise add a new column, backfill it in batches (an UPDATE of a range of ids does not block inserts), switch the application, then drop the old one.' },
  { id: 'constraint-without-not-valid', severity: 'warning',
    why: 'Adding a foreign key (SHARE ROW EXCLUSIVE lock) or CHECK constraint (ACCESS EXCLUSIVE lock) validates every row while holding the lock.',
    fix: 'pass postgresql_not_valid=True, then VALIDATE CONSTRAINT in a later step (it takes only a SHARE UPDATE EXCLUSIVE lock).' },
  { id: 'unique-constraint-on-existing-table', severity: 'warning',
    why: 'Adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock.',
    fix: 'create a unique index CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.' },
  { id: 'drop-column', severity: 'warning',
    why: 'The running application still selects or inserts the column: its queries fail once it is gone.',
    fix: 'stop using the column in the application and deploy that first; then drop it.' },
  { id: 'drop-table', severity: 'warning',
    why: 'The running application may still use the table, and its data is gone for good.',
    fix: 'stop using the table in the application and deploy that first; keep a backup.' },
  { id: 'rename-column', severity: 'warning',
    why: 'The running application still uses the old column name: its queries fail from the rename on.',
    fix: 'add the new column, write both, backfill, switch reads, then drop the old one.' },
  { id: 'rename-table', severity: 'warning',
    why: 'The running application still uses the old table name: its queries fail from the rename on.',
    fix: 'create the new table (or a view under the old name), switch the application, then drop the old one.' },
  { id: 'update-or-delete-without-where', severity: 'warning',
    why: 'An UPDATE or DELETE without WHERE locks every row of the table until the migration commits: concurrent writes to those rows wait.',
    fix: 'backfill in batches (by primary key ranges), outside the schema migration or in an autocommit_block().' },
  { id: 'transaction-control-in-execute', severity: 'error',
    why: "COMMIT/BEGIN/ROLLBACK sent through op.execute ends alembic's transaction, and the version-table update with it.",
    fix: 'use `with op.get_context().autocommit_block():` for statements that must run outside a transaction.' },
  { id: 'destructive-without-downgrade', severity: 'warning',
    why: 'The upgrade drops a table or column but downgrade() does nothing: a rollback silently leaves the schema behind.',
    fix: 'write a downgrade() that recreates what the upgrade drops (the data cannot come back).' },
  { id: 'missing-lock-timeout', severity: 'warning',
    why: 'A statement that waits for an ACCESS EXCLUSIVE lock queues every later query on the table behind it; without lock_timeout it waits forever.',
    fix: "run op.execute(\"SET lock_timeout = '5s'\") first, and retry the migration if it times out." },
  { id: 'sql-syntax-error', severity: 'warning',
    why: 'The PostgreSQL parser rejects the SQL given to op.execute: the migration fails at run time.',
    fix: 'correct the SQL.' },
  { id: 'ignore-without-reason', severity: 'warning',
    why: 'An `# alembic-lint: ignore[rule]` comment must say why the finding is safe to ignore.',
    fix: 'write the reason after the bracket: `# alembic-lint: ignore[drop-column] unused since v2.3`.' },
  { id: 'unused-ignore', severity: 'warning',
    why: 'This `# alembic-lint: ignore[…]` comment matches no finding on its line or the next.',
    fix: 'remove the comment (or correct the rule id).' },
];

export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));

export function isRuleId(s: string): s is RuleId {
  return RULE_BY_ID.has(s);
}

/** Rule id → severity chosen by the project (pyproject) or the user (settings); the rest keep their default. */
export type SeverityOverrides = ReadonlyMap<RuleId, LintSeverity>;

export function severityOf(id: RuleId, overrides: SeverityOverrides | undefined): LintSeverity {
  return overrides?.get(id) ?? (RULE_BY_ID.get(id) as RuleInfo).severity;
}

const SEVERITIES = new Set<string>(['error', 'warning', 'info', 'off']);

/**
 * Severity overrides from a `[tool.alembic-migrations.lint]` table (already parsed TOML) or a
 * settings object: `{ "drop-column": "off", … }`. Unknown ids or values come back as problems.
 */
export function readSeverities(table: unknown): { overrides: Map<RuleId, LintSeverity>; problems: string[] } {
  const overrides = new Map<RuleId, LintSeverity>();
  const problems: string[] = [];
  if (typeof table !== 'object' || table === null || Array.isArray(table)) return { overrides, problems };
  for (const [k, v] of Object.entries(table)) {
    if (!isRuleId(k)) { problems.push(`unknown lint rule '${k}'`); continue; }
    if (typeof v !== 'string' || !SEVERITIES.has(v)) { problems.push(`lint rule '${k}': severity must be error, warning, info or off`); continue; }
    overrides.set(k, v as LintSeverity);
  }
  return { overrides, problems };
}
