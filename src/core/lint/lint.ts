// Lints one migration file: reads its operations, turns them (and their SQL) into actions, applies
// the rules to upgrade(), honours `# alembic-lint: ignore[rule] reason` comments, and attaches a
// quick fix where one is safe. Pure: the SQL parser is passed in.
import { LineIndex } from '../python/lines';
import type { Range } from '../types';
import { actionsOf, type Action, type ActionKind, type SqlParser } from './actions';
import { readLazyBody, readOperations, type FunctionBody, type MigrationFn, type MigrationOps, type Operation, type ReadOptions } from './ops';
import { RULE_BY_ID, severityOf, type RuleId, type SeverityOverrides } from './rules';
import { fixFor, type LintFix } from './fixes';

export interface Finding {
  rule: RuleId;
  severity: 'error' | 'warning' | 'info';
  message: string;
  range: Range;
  /** Offsets of the operation (or comment) the finding is on. */
  start: number;
  end: number;
  fn: MigrationFn;
  fix?: LintFix;
}

export interface LintResult {
  ops: MigrationOps;
  actions: Action[];
  findings: Finding[];
  /** Linted without a parser, and a call (execute, a CHECK condition) would read differently with one. */
  needsParser: boolean;
}

/** Actions that take an ACCESS EXCLUSIVE lock on an existing table. */
const ACCESS_EXCLUSIVE = new Set<ActionKind>([
  'add_column', 'set_not_null', 'alter_type', 'add_check', 'add_unique', 'drop_column', 'drop_table', 'rename_column', 'rename_table',
]);

const q = (s: string | null): string => (s === null ? 'the table' : `"${s}"`);

/**
 * Lints one migration. `downgradeOps: false` (the CLI) skips reading downgrade()'s calls: no
 * finding depends on them (only on whether downgrade() is empty); the hover lists them.
 * `lazyDowngrade` (the CLI) also leaves its body unread unless a rule needs it (see ReadOptions).
 */
export function lintMigration(text: string, parse: SqlParser | null, overrides?: SeverityOverrides, opts: ReadOptions = {}): LintResult {
  const ops = readOperations(text, opts);
  const actions: Action[] = [];
  for (const op of ops.ops) actions.push(...actionsOf(op, parse));
  const raw: Array<{ rule: RuleId; message: string; start: number; end: number; fn: MigrationFn; action?: Action; op: Operation | null }> = [];
  const add = (rule: RuleId, a: Action, message: string): void => {
    raw.push({ rule, message, start: a.op.start, end: a.op.end, fn: a.op.fn, action: a, op: a.op });
  };

  const up = actions.filter((a) => a.op.fn === 'upgrade');
  const created = new Set<string>();
  /** `table.column` proven NOT NULL by a validated CHECK (column IS NOT NULL) earlier in upgrade(). */
  const proven = new Set<string>();
  /** NOT VALID checks of that form, by `table.constraint`, until a VALIDATE CONSTRAINT. */
  const unvalidated = new Map<string, string>();
  let lockTimeout = false;
  let lockReported = false;
  for (const a of up) {
    const existing = a.table === null || !created.has(a.table);
    const t = q(a.table);
    switch (a.kind) {
      case 'create_table':
        if (a.table !== null) created.add(a.table);
        break;
      case 'create_index':
      case 'drop_index': {
        const verb = a.kind === 'create_index' ? 'CREATE INDEX' : 'DROP INDEX';
        if (a.concurrently && !a.op.autocommit) {
          add('concurrently-in-transaction', a, `${verb} CONCURRENTLY runs inside alembic's transaction and fails ("cannot run inside a transaction block"); put it in \`with op.get_context().autocommit_block():\``);
        } else if (!a.concurrently && existing) {
          add(a.kind === 'create_index' ? 'create-index-non-concurrently' : 'drop-index-non-concurrently', a, a.kind === 'create_index'
            ? `CREATE INDEX on existing table ${t} takes a SHARE lock: writes wait until the index is built; use postgresql_concurrently=True in an autocommit_block()`
            : `DROP INDEX${a.name ? ` "${a.name}"` : ''} takes an ACCESS EXCLUSIVE lock on its table; use postgresql_concurrently=True in an autocommit_block()`);
        }
        break;
      }
      case 'add_column':
        if (existing && a.notNull && !a.hasDefault) {
          add('add-column-not-null-without-default', a, `column${a.name ? ` "${a.name}"` : ''} is added NOT NULL without a server default: fails if ${t} has rows`);
        }
        break;
      case 'set_not_null':
        if (existing && !proven.has(`${a.table ?? ''}.${a.name ?? ''}`)) {
          add('set-not-null', a, `SET NOT NULL on${a.name ? ` "${a.name}" of` : ''} ${t} takes an ACCESS EXCLUSIVE lock and scans every row while holding it; ` +
            `first add CHECK (${a.name ?? 'col'} IS NOT NULL) NOT VALID and VALIDATE it (writes go on), then PostgreSQL 12+ sets NOT NULL without the scan`);
        }
        break;
      case 'alter_type':
        if (existing) add('change-column-type', a, `changing the type of${a.name ? ` "${a.name}" in` : ''} ${t} takes an ACCESS EXCLUSIVE lock until the migration commits, ` +
          'and rewrites the table and its indexes under it unless the change is binary-coercible (e.g. varchar(n) to text)');
        break;
      case 'add_foreign_key':
        if (existing && !a.notValid) add('constraint-without-not-valid', a, `foreign key on ${t} without NOT VALID checks every row under a SHARE ROW EXCLUSIVE lock (writes wait); pass postgresql_not_valid=True and VALIDATE later`);
        break;
      case 'add_check':
        if (a.notNullColumn !== undefined && a.table !== null) {
          if (a.notValid && a.name !== null) unvalidated.set(`${a.table}.${a.name}`, `${a.table}.${a.notNullColumn}`);
          else if (!a.notValid) proven.add(`${a.table}.${a.notNullColumn}`);
        }
        if (existing && !a.notValid) add('constraint-without-not-valid', a, `CHECK constraint on ${t} without NOT VALID checks every row under an ACCESS EXCLUSIVE lock; pass postgresql_not_valid=True and VALIDATE later`);
        break;
      case 'add_unique':
        if (existing) add('unique-constraint-on-existing-table', a, `UNIQUE constraint on existing table ${t} builds its index under an ACCESS EXCLUSIVE lock; create a unique index CONCURRENTLY and add the constraint USING INDEX`);
        break;
      case 'drop_column':
        add('drop-column', a, `dropping column${a.name ? ` "${a.name}"` : ''} of ${t} breaks the running application while it still uses it`);
        break;
      case 'drop_table':
        if (existing) add('drop-table', a, `dropping table ${t} breaks the running application while it still uses it, and loses its data`);
        break;
      case 'rename_column':
        add('rename-column', a, `renaming column${a.name ? ` "${a.name}"` : ''} of ${t} breaks the running application, which still uses the old name`);
        break;
      case 'rename_table':
        add('rename-table', a, `renaming table ${t} breaks the running application, which still uses the old name`);
        break;
      case 'update':
      case 'delete':
        if (!a.hasWhere && existing) add('update-or-delete-without-where', a, `${a.kind === 'update' ? 'UPDATE' : 'DELETE'} without WHERE locks every row of ${t} until the migration commits; backfill in batches`);
        break;
      case 'transaction':
        add('transaction-control-in-execute', a, `${a.name ?? 'COMMIT'} through op.execute ends alembic's transaction and its version-table update; use op.get_context().autocommit_block()`);
        break;
      case 'sql_error':
        add('sql-syntax-error', a, `PostgreSQL cannot parse this SQL: ${a.name ?? 'syntax error'}`);
        break;
      case 'set_lock_timeout':
        lockTimeout = true;
        break;
      case 'validate_constraint': {
        const col = unvalidated.get(`${a.table ?? ''}.${a.name ?? ''}`);
        if (col !== undefined) proven.add(col);
        break;
      }
      default:
        break;
    }
    const exclusive = ACCESS_EXCLUSIVE.has(a.kind) || (a.kind === 'drop_index' && !a.concurrently);
    if (exclusive && existing && !lockTimeout && !lockReported) {
      lockReported = true;
      add('missing-lock-timeout', a, `no lock_timeout is set before this ACCESS EXCLUSIVE statement on ${t}: while it waits for the lock, every query on the table queues behind it`);
    }
  }

  const destructive = up.find((a) => (a.kind === 'drop_table' && !created.has(a.table ?? '')) || a.kind === 'drop_column');
  const lazy = ops.lazyDowngrade;
  const down: FunctionBody | undefined = destructive === undefined ? undefined
    : ops.bodies.find((b) => b.fn === 'downgrade') ?? (lazy === undefined ? undefined : readLazyBody(text, lazy));
  if (destructive && (down === undefined || down.empty)) {
    add('destructive-without-downgrade', destructive, `upgrade() drops ${destructive.kind === 'drop_table' ? `table ${q(destructive.table)}` : `a column of ${q(destructive.table)}`} but downgrade() does nothing`);
  }

  // Most files have neither (the line index is a pass over the whole text).
  const needsParser = parse === null && ops.ops.some((o) => o.name === 'execute' || o.name === 'create_check_constraint');
  if (raw.length === 0 && ops.comments.length === 0) return { ops, actions, findings: [], needsParser };
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const ignores = readIgnores(ops, lines);
  for (const r of raw) {
    const line = lines.lineAt(r.start);
    const stmtLine = r.op ? lines.lineAt(r.op.stmtStart) : line;
    const ig = ignores.find((i) => (i.line === line || i.line === line - 1 || i.line === stmtLine - 1 || i.line === stmtLine) && i.rules.includes(r.rule));
    if (ig) { ig.used = true; continue; }
    const severity = severityOf(r.rule, overrides);
    if (severity === 'off') continue;
    const f: Finding = { rule: r.rule, severity, message: r.message, range: lines.range(r.start, r.end), start: r.start, end: r.end, fn: r.fn };
    const fix = r.action ? fixFor(r.rule, r.action, text, ops) : null;
    if (fix) f.fix = fix;
    findings.push(f);
  }
  for (const i of ignores) {
    const range = lines.range(i.start, i.end);
    if (i.unknown.length > 0) pushIf(findings, 'unused-ignore', `unknown lint rule${i.unknown.length > 1 ? 's' : ''} ${i.unknown.map((u) => `'${u}'`).join(', ')} in alembic-lint: ignore`, range, i, overrides);
    else if (!i.used) pushIf(findings, 'unused-ignore', `this alembic-lint: ignore[${i.rules.join(', ')}] matches no finding on its line or the next`, range, i, overrides);
    if (!i.reason) pushIf(findings, 'ignore-without-reason', 'alembic-lint: ignore needs a reason after the bracket', range, i, overrides);
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { ops, actions, findings, needsParser };
}

function pushIf(findings: Finding[], rule: RuleId, message: string, range: Range, at: { start: number; end: number; fn: MigrationFn }, overrides: SeverityOverrides | undefined): void {
  const severity = severityOf(rule, overrides);
  if (severity !== 'off') findings.push({ rule, severity, message, range, start: at.start, end: at.end, fn: at.fn });
}

interface Ignore {
  fn: MigrationFn;
  line: number;
  start: number;
  end: number;
  rules: RuleId[];
  unknown: string[];
  reason: string;
  used: boolean;
}

const IGNORE_PREFIX = 'alembic-lint:';

/** `# alembic-lint: ignore[rule-a, rule-b] reason` comments of the function bodies. */
function readIgnores(ops: MigrationOps, lines: LineIndex): Ignore[] {
  const out: Ignore[] = [];
  for (const c of ops.comments) {
    const body = c.text.slice(1).trim();
    if (!body.startsWith(IGNORE_PREFIX)) continue;
    const rest = body.slice(IGNORE_PREFIX.length).trim();
    if (!rest.startsWith('ignore[')) continue;
    const close = rest.indexOf(']');
    if (close < 0) continue;
    const ids = rest.slice('ignore['.length, close).split(',').map((s) => s.trim()).filter(Boolean);
    out.push({
      fn: c.fn,
      line: lines.lineAt(c.start),
      start: c.start,
      end: c.end,
      rules: ids.filter((id): id is RuleId => RULE_BY_ID.has(id)),
      unknown: ids.filter((id) => !RULE_BY_ID.has(id)),
      reason: rest.slice(close + 1).trim(),
      used: false,
    });
  }
  return out;
}

/** One line per action for the hover: what the migration does. */
export function describeAction(a: Action): string {
  const t = a.table ?? '?';
  const n = a.name ? ` ${a.name}` : '';
  switch (a.kind) {
    case 'create_table': return `create table ${t}`;
    case 'drop_table': return `drop table ${t}`;
    case 'rename_table': return `rename table ${t}${a.name ? ` to ${a.name}` : ''}`;
    case 'create_index': return `create index${n} on ${t}${a.concurrently ? ' (concurrently)' : ''}`;
    case 'drop_index': return `drop index${n}${a.concurrently ? ' (concurrently)' : ''}`;
    case 'add_column': return `add column${n} to ${t}${a.notNull ? ' NOT NULL' : ''}`;
    case 'set_not_null': return `set NOT NULL on${n} (${t})`;
    case 'alter_type': return `change type of${n} (${t})`;
    case 'rename_column': return `rename column${n} (${t})`;
    case 'drop_column': return `drop column${n} from ${t}`;
    case 'add_foreign_key': return `add foreign key${n} on ${t}${a.notValid ? ' (NOT VALID)' : ''}`;
    case 'add_check': return `add check constraint${n} on ${t}${a.notValid ? ' (NOT VALID)' : ''}`;
    case 'add_unique': return `add unique constraint${n} on ${t}`;
    case 'validate_constraint': return `validate constraint${n} on ${t}`;
    case 'update': return `data change: UPDATE ${t}${a.hasWhere ? '' : ' (every row)'}`;
    case 'delete': return `data change: DELETE FROM ${t}${a.hasWhere ? '' : ' (every row)'}`;
    case 'insert': return `data change: insert into ${t}`;
    case 'transaction': return `raw SQL: ${a.name ?? 'transaction control'}`;
    case 'set_lock_timeout': return 'raw SQL: SET lock_timeout';
    case 'sql_error': return 'raw SQL (does not parse)';
    case 'sql_not_literal': return 'raw SQL (not a literal: not checked)';
    case 'other_sql': return `raw SQL: ${a.name ?? 'statement'}`;
    case 'other_op': return `op.${a.op.name}${a.table ? ` on ${a.table}` : ''}`;
  }
}
