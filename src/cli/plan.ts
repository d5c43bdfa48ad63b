// `alembic-migrations plan upgrade|downgrade|stamp TARGET [PATH]`: what alembic would do to the
// database (a `terraform plan` for migrations). Reads the version table (read-only), asks core's
// planCommand, prints the plan; writes nothing and runs no migration code.
import { RevisionError } from '../core/errors';
import { planCommand, type Plan, type PlanCommand } from '../core/plan';
import { flag, formatOptions, parseArgs, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { HELP_OPTION, PROJECT_OPTIONS, projectOptions, type CliIo } from './options';
import { CliError, loadProject } from './project';
import { DATABASE_OPTIONS, readDatabaseState, timeoutMs } from './status';

export const PLAN_OPTIONS: readonly OptionSpec[] = [
  ...PROJECT_OPTIONS,
  ...DATABASE_OPTIONS,
  { name: 'purge', kind: 'flag', help: 'stamp only: as `alembic stamp --purge` (empty the version table first)' },
  { name: 'json', kind: 'flag', help: 'print {"command", "apply", "revert", "rowsAfter"}' },
  HELP_OPTION,
];

export const PLAN_HELP = `usage: alembic-migrations plan upgrade|downgrade|stamp TARGET [options] [PATH]

Prints what \`alembic upgrade|downgrade|stamp TARGET\` would do to the database, without running
it: the revisions whose upgrade() / downgrade() would run, in run order, and the version table's
rows afterwards. For stamp, the revisions that become applied / not applied (no code runs).
Reads the version table with one read-only query (PostgreSQL); writes nothing.
TARGET is anything alembic accepts and may start with '-' (\`plan downgrade -1\`).

With --json: {"command": [alembic argv], "apply": [ids, in run order], "revert": [ids, in run
order], "rowsAfter": [version-table rows after, sorted]}.

Where alembic's run order between independent branches is the order it lists the versions
folder, the text output says so. \`downgrade -1\` with several rows follows the first row as the
table returns it, as alembic does.

exit status: 0 the plan was printed; 2 alembic would refuse the target (its own message is
printed, e.g. "Ambiguous walk"), bad arguments, unreadable project, or unreadable database.

options:
${formatOptions(PLAN_OPTIONS)}`;

const SUBCOMMANDS: readonly PlanCommand[] = ['upgrade', 'downgrade', 'stamp'];

/** `plan` takes its command and TARGET verbatim (TARGET may look like an option: `-1`), then options. */
export function parsePlanArgs(argv: readonly string[]): { sub: PlanCommand | null; target: string | null; args: ParsedArgs } {
  const [sub, target, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') return { sub: null, target: null, args: parseArgs(sub ? [sub] : [], PLAN_OPTIONS, 'plan') };
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`'plan' takes upgrade, downgrade or stamp first (got '${sub}') (see 'alembic-migrations plan --help')`);
  if (target === undefined || target === '--help' || target === '-h') {
    if (target !== undefined) return { sub: null, target: null, args: parseArgs([target], PLAN_OPTIONS, 'plan') };
    throw new UsageError(`'plan ${sub}' needs a TARGET (e.g. head, -1, base, a revision id) (see 'alembic-migrations plan --help')`);
  }
  return { sub: sub as PlanCommand, target, args: parseArgs(rest, PLAN_OPTIONS, 'plan') };
}

export interface PlanJson {
  command: string[];
  apply: string[];
  revert: string[];
  rowsAfter: string[];
}

export function planJson(plan: Plan): PlanJson {
  return { command: plan.command, apply: plan.apply, revert: plan.revert, rowsAfter: plan.rowsAfter };
}

function lines(plan: Plan, sub: PlanCommand, rows: readonly string[], display: string, message: (id: string) => string): string[] {
  const item = (id: string): string => `  ${id}${message(id) ? `  ${message(id)}` : ''}`;
  const out = [`database: ${display}`, `version table now: ${rows.length > 0 ? rows.join(', ') : '(empty)'}`, `command: alembic ${plan.command.join(' ')}`, ''];
  if (sub === 'stamp') {
    out.push('no migration code runs; only the version table changes.');
    if (plan.apply.length > 0) out.push(`marked as applied (${plan.apply.length}):`, ...plan.apply.map(item));
    if (plan.revert.length > 0) out.push(`marked as not applied (${plan.revert.length}):`, ...plan.revert.map(item));
    if (plan.apply.length === 0 && plan.revert.length === 0) out.push('no revision changes state.');
  } else if (sub === 'upgrade') {
    out.push(plan.apply.length > 0 ? `upgrade() runs for ${plan.apply.length} revision(s), in this order:` : 'nothing to upgrade.', ...plan.apply.map(item));
  } else {
    out.push(plan.revert.length > 0 ? `downgrade() runs for ${plan.revert.length} revision(s), in this order (may drop data):` : 'nothing to downgrade.', ...plan.revert.map(item));
  }
  if (plan.orderNote) out.push(`note: ${plan.orderNote}`);
  out.push('', `version table after: ${plan.rowsAfter.length > 0 ? plan.rowsAfter.join(', ') : '(empty)'}`);
  return out;
}

export async function runPlan(sub: PlanCommand, target: string, args: ParsedArgs, io: CliIo): Promise<number> {
  if (flag(args, 'purge') && sub !== 'stamp') throw new UsageError("option '--purge' is for 'plan stamp' only");
  timeoutMs(args); // a bad --timeout is a usage error before anything is read
  const project = await loadProject(projectOptions(args, io, 'plan'));
  const { rows, display } = await readDatabaseState(args, io, project);
  let plan: Plan;
  try {
    plan = planCommand(project.graph, rows, { command: sub, target, purge: flag(args, 'purge') });
  } catch (e) {
    if (e instanceof RevisionError) throw new CliError(`alembic ${sub} ${target} would fail: ${e.commandMessage()}`);
    throw e;
  }
  if (flag(args, 'json')) {
    io.out(JSON.stringify(planJson(plan), null, 2) + '\n');
    return 0;
  }
  const message = (id: string): string => project.graph.get(id)?.file.message?.split('\n')[0] ?? '';
  io.out(lines(plan, sub, rows, display, message).join('\n') + '\n');
  return 0;
}

/** For the command table: `plan` parses its own argv. */
export async function runPlanArgv(argv: readonly string[], io: CliIo): Promise<number> {
  const { sub, target, args } = parsePlanArgs(argv);
  if (sub === null || target === null || flag(args, 'help')) {
    io.out(PLAN_HELP + '\n');
    return 0;
  }
  return runPlan(sub, target, args, io);
}
