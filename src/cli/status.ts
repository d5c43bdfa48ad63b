// `alembic-migrations status`: reads the version table with `pg` and prints, per revision,
// whether the database has it (current / applied / pending).
import { alembicHistoryOrder } from '../core/history-order';
import { formatOptions, flag, UsageError, value, type OptionSpec, type ParsedArgs } from './args';
import { chooseDatabaseUrl, parseSqlalchemyUrl, passwordFallbackAllowed } from '../core/dburl';
import { computeDbState, countStates, type DbState } from '../core/state';
import type { RevisionGraph } from '../core/graph';
import { displayPath } from './format';
import { HELP_OPTION, PROJECT_OPTIONS, projectOptions, type CliIo } from './options';
import { CliError, loadProject, type LoadedProject } from './project';

/** How a command that reads the version table finds it (status, plan, `check --lint pending`). */
export const DATABASE_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', kind: 'value', meta: 'URL', help: 'SQLAlchemy/PostgreSQL URL of the database (default: sqlalchemy.url of the config)' },
  { name: 'url-env', kind: 'value', meta: 'VAR', help: 'read the URL from this environment variable (e.g. DATABASE_URL) when --url is not given' },
  { name: 'version-table', kind: 'value', meta: 'TABLE', help: 'version table name (default: alembic_version)' },
  { name: 'version-table-schema', kind: 'value', meta: 'SCHEMA', help: 'schema of the version table (default: the search_path)' },
  { name: 'timeout', kind: 'value', meta: 'SECONDS', help: 'connect and query timeout (default: 10)' },
];

export const STATUS_OPTIONS: readonly OptionSpec[] = [
  ...PROJECT_OPTIONS,
  ...DATABASE_OPTIONS,
  { name: 'json', kind: 'flag', help: 'print {"rows", "revisions": [{"id", "state"}], "missing"}' },
  { name: 'fail-if-pending', kind: 'flag', help: 'exit 1 when a revision is pending or a row names a revision not in the folder' },
  HELP_OPTION,
];

export const STATUS_HELP = `usage: alembic-migrations status [options] [PATH]

Reads the version table of a PostgreSQL database (one read-only query) and prints every revision
with its state, newest first: current (a row of the table), applied (an ancestor of a row through
down_revision and depends_on), or pending. Rows naming a revision that is not in the folder are
listed as missing (alembic: "Can't locate revision identified by …").

The database URL comes from, first match: --url, the variable named by --url-env, the config's
sqlalchemy.url. The password is never printed. Other databases (sqlite, mysql…): use
\`alembic current\`.

With --json: {"rows": [ids in the version table], "revisions": [{"id", "state"}] (ids sorted),
"missing": [row ids with no file]}.

exit status: 0 ok; 1 with --fail-if-pending when anything is pending or missing; 2 bad arguments,
unreadable project, or the database could not be read.

options:
${formatOptions(STATUS_OPTIONS)}`;

export function timeoutMs(args: ParsedArgs): number {
  const raw = value(args, 'timeout');
  if (raw === undefined) return 10_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`option '--timeout' needs a positive number of seconds (got '${raw}')`);
  return Math.round(n * 1000);
}

export interface StatusJson {
  rows: string[];
  revisions: Array<{ id: string; state: string }>;
  missing: string[];
}

export function statusJson(graph: RevisionGraph, state: DbState): StatusJson {
  const ids = [...graph.revisions.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    rows: [...state.rows],
    revisions: ids.map((id) => ({ id, state: state.states.get(id) ?? 'pending' })),
    missing: [...state.missing],
  };
}

/** The readable table: state, revision, labels/markers, message; newest first, in `alembic history`'s order. */
export function statusLines(graph: RevisionGraph, state: DbState): string[] {
  const rows = (alembicHistoryOrder(graph) ?? graph.newestFirst()).map((id) => {
    const r = graph.revisions.get(id);
    const labels = graph.effectiveBranchLabels(id);
    const marks = [labels.length > 0 ? `(${[...labels].sort().join(', ')})` : '', r && r.children.length === 0 ? '(head)' : '']
      .filter(Boolean)
      .join(' ');
    return { state: state.states.get(id) ?? 'pending', id, marks, message: r?.file.message ?? '' };
  });
  const idWidth = Math.max(8, ...rows.map((r) => r.id.length));
  const lines = [`${'STATE'.padEnd(8)} ${'REVISION'.padEnd(idWidth)}  MESSAGE`];
  for (const r of rows) {
    lines.push(`${r.state.padEnd(8)} ${r.id.padEnd(idWidth)}  ${[r.marks, r.message].filter(Boolean).join(' ')}`.trimEnd());
  }
  return lines;
}

function countLine(state: DbState): string {
  const c = countStates(state.states);
  const extra = [c.unknown ? `${c.unknown} unknown` : '', c.broken ? `${c.broken} broken` : '', state.missing.length ? `${state.missing.length} missing` : ''].filter(Boolean);
  return `${c.current + c.applied} applied (${c.current} current), ${c.pending} pending${extra.map((x) => `, ${x}`).join('')}`;
}

/** Reads the version table the options (or the config's sqlalchemy.url) name; CliError when it cannot. */
export async function readDatabaseState(args: ParsedArgs, io: CliIo, project: LoadedProject): Promise<{
  rows: string[]; state: DbState; display: string; table: string; schema: string | null; noTable: boolean;
}> {
  const timeout = timeoutMs(args);
  const chosen = chooseDatabaseUrl({
    setting: value(args, 'url') ?? null,
    envVarName: value(args, 'url-env') ?? null,
    env: io.env,
    configUrl: project.config.sqlalchemyUrl,
  });
  if (!chosen) {
    const where = project.config.configPath ? ` or sqlalchemy.url in ${displayPath(io.cwd, project.config.configPath)}` : '';
    const envNote = value(args, 'url-env') ? ` ($${value(args, 'url-env')} is not set)` : '';
    throw new CliError(`no database URL${envNote}: pass --url URL or --url-env VAR${where}`);
  }
  const parsed = parseSqlalchemyUrl(chosen.url);
  if (parsed.kind === 'invalid') throw new CliError(parsed.message);
  if (parsed.kind === 'other') {
    throw new CliError(`status reads PostgreSQL databases only (the URL is ${parsed.dialect}: ${parsed.display}); run 'alembic current' instead`);
  }
  const table = value(args, 'version-table') ?? 'alembic_version';
  const schema = value(args, 'version-table-schema') ?? null;
  // Loaded here so that graph/check never pay for loading `pg`.
  const { readVersionTable } = await import('../io/pg');
  // PGPASSWORD / ~/.pgpass only for a URL the user gave, or a server on this machine.
  const passwordFallback = passwordFallbackAllowed(chosen.source === 'config', parsed.pg);
  const read = await readVersionTable(parsed.pg, { table, schema, timeoutMs: timeout, passwordFallback });
  if (read.kind === 'error') {
    throw new CliError(`cannot read the version table on ${parsed.display}: ${read.message}`);
  }
  const rows = read.kind === 'ok' ? read.rows : [];
  // The state's rows sorted (for display); `rows` in table order, as alembic reads them.
  return { rows, state: computeDbState(project.graph, [...rows].sort()), display: parsed.display, table, schema, noTable: read.kind === 'no-table' };
}

export async function runStatus(args: ParsedArgs, io: CliIo): Promise<number> {
  timeoutMs(args); // a bad --timeout is a usage error before anything is read
  const project = await loadProject(projectOptions(args, io, 'status'));
  const { state, display, table, schema, noTable } = await readDatabaseState(args, io, project);
  const qualified = schema ? `${schema}.${table}` : table;

  if (flag(args, 'json')) {
    io.out(JSON.stringify(statusJson(project.graph, state), null, 2) + '\n');
  } else {
    const out: string[] = [`database: ${display} (table ${qualified})`];
    if (noTable) out.push(`the database is not initialised (no table ${qualified}): every revision is pending`);
    else out.push(`version table: ${state.rows.length > 0 ? state.rows.join(', ') : '(empty)'}`);
    for (const m of state.missing) {
      out.push(
        `missing: ${qualified} names revision '${m}', which is not in the migrations folder (alembic: Can't locate revision identified by '${m}'); check out the branch that has it, or stamp the database`,
      );
    }
    out.push('');
    out.push(...statusLines(project.graph, state));
    out.push('');
    out.push(countLine(state));
    io.out(out.join('\n') + '\n');
  }
  const pending = [...state.states.values()].some((s) => s === 'pending');
  return flag(args, 'fail-if-pending') && (pending || state.missing.length > 0) ? 1 : 0;
}
