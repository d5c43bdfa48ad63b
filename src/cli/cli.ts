// `alembic-migrations` — the CLI over the core: graph, check, status.
// argv in; stdout, stderr and an exit code out. Exit codes: 0 ok, 1 the check failed (error
// diagnostics, or pending revisions with --fail-if-pending), 2 usage or environment error (bad
// arguments, missing folder, unreadable config, database unreachable). Never a stack trace.
import { setFlagsFromString } from 'node:v8';
import { version as PACKAGE_VERSION } from '../../package.json';
import { flag, formatOptions, parseArgs, UsageError, value, type OptionSpec, type ParsedArgs } from './args';
import { checkLines, countSummary, diagnosticsJson, githubLines, graphJson, historyLines, problemJson, sortDiagnostics, type DiagnosticJson } from './format';
import { CliError, loadProject, type LoadedProject } from './project';
import { HELP_OPTION, PROJECT_OPTIONS, projectOptions, type CliIo } from './options';
import { DATABASE_OPTIONS, runStatus, STATUS_HELP, STATUS_OPTIONS } from './status';
import { revisionsInScope } from '../core/lint/scope';
import { chooseLintScope, lintAsRead, lintFiles, projectSeverities, type Known } from './lint';
import { sarifLog } from './sarif';
import { graphDiagnostics } from '../core/graph-diagnostics';
import { PLAN_HELP, runPlanArgv } from './plan';


const GRAPH_OPTIONS: OptionSpec[] = [
  ...PROJECT_OPTIONS,
  { name: 'json', kind: 'flag', help: 'print the graph as JSON' },
  HELP_OPTION,
];
const CHECK_OPTIONS: OptionSpec[] = [
  ...PROJECT_OPTIONS,
  { name: 'format', kind: 'value', meta: 'text|json|github|sarif', choices: ['text', 'json', 'github', 'sarif'], help: 'output format (default: text; github: annotations for GitHub Actions; sarif: SARIF 2.1.0 for code scanning)' },
  { name: 'lint', kind: 'value', meta: 'pending|all|off', choices: ['pending', 'all', 'off'], help: 'which revisions the migration safety lint checks (default: pending with --url/--url-env or a local sqlalchemy.url, else all)' },
  ...DATABASE_OPTIONS,
  HELP_OPTION,
];

const USAGE = 'usage: alembic-migrations <graph|check|status|plan> [options] [PATH]';

const MAIN_HELP = `${USAGE}

Reads an Alembic project's migrations without running Python and reports the revision graph,
its problems and the database state.

commands:
  graph    the revision graph: history view (newest first), or --json
  check    diagnostics as path:line: severity code: message; exit 1 on any error
  status   which revisions the database has applied (reads the version table; PostgreSQL)
  plan     what \`alembic upgrade|downgrade|stamp TARGET\` would do to the database, without
           running it (plan upgrade head, plan downgrade -1, plan stamp --purge REV; --json)

PATH is the folder to work in (default: the current folder). Without --config or --versions the
Alembic project in it is discovered (alembic.ini, pyproject.toml with [tool.alembic]); when
there are several, choose one with --config.

options:
  -h, --help       show help (also: alembic-migrations <command> --help)
  -V, --version    show the version

exit status: 0 ok, 1 check failed, 2 usage or environment error (or, for plan, a target
alembic would refuse).`;

const GRAPH_HELP = `usage: alembic-migrations graph [options] [PATH]

Prints the revision history like \`alembic history\` (newest first):
  <parents> [(<depends_on>)] -> <rev> [(labels)] [(head)] [(branchpoint)] [(mergepoint)], <message>
With --json: {"revisions": [{"id", "path", "line", "downRevisions", "branchLabels", "dependsOn",
"message"}], "heads", "bases", "mergePoints", "branchPoints", "diagnostics": [{"code", "severity",
"message", "path", "line"}]}. Ids are sorted; paths are relative to PATH with / separators; lines
are 1-based (the line of \`revision = …\`, or of the problem).

options:
${formatOptions(GRAPH_OPTIONS)}`;

const CHECK_HELP = `usage: alembic-migrations check [options] [PATH]

Prints every diagnostic as \`path:line: severity code: message\` (lines 1-based, paths relative
to PATH) and a summary line on stderr. Exits 1 when any diagnostic is an error, else 0.
With --format json: {"diagnostics": [{"code", "severity", "message", "path", "line"[, "column"]}]}.
With --format sarif: a SARIF 2.1.0 log (upload it with github/codeql-action/upload-sarif).
With --format github: GitHub Actions workflow commands (::error file=…,line=…::message), shown
as annotations on the pull request; their paths are relative to the current folder.
Codes: multiple-heads, labelled-heads, missing-down-revision, missing-depends-on,
duplicate-revision, cycle, invalid-revision-id, branch-label-conflict, missing-revision-variable,
parse-error, unresolved-value, and config (a problem in the configuration or the folder scan).

Migration safety lint: the upgrade() of each revision in scope is checked for operations that
lock or break a live PostgreSQL (codes are the rule ids, listed in the README). --lint pending
checks only the revisions the database has not applied (its URL: --url, --url-env, else the
config's sqlalchemy.url); --lint all checks every revision. Without --lint: pending when --url or
--url-env is given; else pending when the config's sqlalchemy.url is a PostgreSQL server on this
machine (loopback or a unix socket; all when it cannot be read); else all. A host only the
config names is not contacted without --url, --url-env or --lint pending (a note on stderr says
which scope was used and why). Suppress one finding with
\`# alembic-lint: ignore[<rule-id>] <reason>\` on its line or the line above; set severities in
pyproject.toml [tool.alembic-migrations.lint] (\`rule-id = "off"|"info"|"warning"|"error"\`).

options:
${formatOptions(CHECK_OPTIONS)}`;

function version(): string {
  return PACKAGE_VERSION;
}

/** Graph diagnostics plus configuration/scan problems (code `config`), display-ready and sorted. */
export function allDiagnostics(project: LoadedProject): DiagnosticJson[] {
  return sortDiagnostics([
    ...project.problems.map((p) => problemJson(p, project.folder)),
    ...diagnosticsJson(graphDiagnostics(project.graph), project.folder),
  ]);
}

async function runGraph(args: ParsedArgs, io: CliIo): Promise<number> {
  const project = await loadProject(projectOptions(args, io, 'graph'));
  if (flag(args, 'json')) {
    const doc = graphJson(project.graph, project.folder, graphDiagnostics(project.graph));
    doc.diagnostics = allDiagnostics(project);
    io.out(JSON.stringify(doc, null, 2) + '\n');
    return 0;
  }
  const lines = historyLines(project.graph);
  io.out(lines.length > 0 ? lines.join('\n') + '\n' : '');
  const diags = allDiagnostics(project);
  const errors = diags.filter((d) => d.severity === 'error').length;
  if (lines.length === 0) io.err(`no revisions found in ${project.config.versionLocations.join(', ') || 'the project'}\n`);
  if (errors > 0) io.err(`${countSummary(diags)} (run 'alembic-migrations check' for details)\n`);
  return 0;
}

async function lintDiagnostics(args: ParsedArgs, io: CliIo, project: LoadedProject, known: ReadonlyMap<string, Known>): Promise<DiagnosticJson[]> {
  const { scope, states, note } = await chooseLintScope(args, io, project);
  if (note !== null) io.err(`${note}\n`);
  if (scope === 'off') return [];
  const ids = revisionsInScope(project.graph.revisions.keys(), scope, states);
  const paths = ids.map((id) => project.graph.revisions.get(id)?.file.path).filter((p): p is string => p !== undefined);
  const severities = projectSeverities(project.config.rootDir);
  const problems = severities.problems.map((message) => problemJson({ severity: 'warning', message, path: severities.path, line: 0 }, project.folder));
  return [...problems, ...(await lintFiles(paths, project.folder, severities.overrides, known))];
}

async function runCheck(args: ParsedArgs, io: CliIo): Promise<number> {
  // Linting every revision: lint each text as the scan reads it instead of reading it again.
  const known = new Map<string, Known>();
  // (Also without --lint and a database option: the config's URL may be remote or unreadable.)
  const mayLintAll = value(args, 'lint') === 'all' || (value(args, 'lint') === undefined && value(args, 'url') === undefined && value(args, 'url-env') === undefined);
  const project = await loadProject(projectOptions(args, io, 'check'), mayLintAll ? lintAsRead(known) : undefined);
  const diags = sortDiagnostics([...allDiagnostics(project), ...(await lintDiagnostics(args, io, project, known))]);
  const format = value(args, 'format');
  if (format === 'sarif') {
    io.out(JSON.stringify(sarifLog(diags, project.folder, io.cwd, version()), null, 2) + '\n');
  } else if (format === 'json') {
    io.out(JSON.stringify({ diagnostics: diags }, null, 2) + '\n');
  } else if (format === 'github') {
    const lines = githubLines(diags, project.folder, io.cwd);
    io.out(lines.length > 0 ? lines.join('\n') + '\n' : '');
  } else {
    const lines = checkLines(diags);
    io.out(lines.length > 0 ? lines.join('\n') + '\n' : '');
  }
  io.err(`${countSummary(diags)}\n`);
  return diags.some((d) => d.severity === 'error') ? 1 : 0;
}

interface Command {
  options: readonly OptionSpec[];
  help: string;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  graph: { options: GRAPH_OPTIONS, help: GRAPH_HELP, run: runGraph },
  check: { options: CHECK_OPTIONS, help: CHECK_HELP, run: runCheck },
  status: { options: STATUS_OPTIONS, help: STATUS_HELP, run: runStatus },
};

function commandOf(name: string): Command | undefined {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Runs one CLI invocation; resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      io.err(`${USAGE}\n(see 'alembic-migrations --help')\n`);
      return 2;
    }
    if (first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      const cmd = topic !== undefined ? commandOf(topic) : undefined;
      if (topic === 'plan') {
        io.out(PLAN_HELP + '\n');
        return 0;
      }
      if (topic !== undefined && !cmd) throw new UsageError(`unknown command '${topic}' (commands: graph, check, status, plan)`);
      io.out((cmd ? cmd.help : MAIN_HELP) + '\n');
      return 0;
    }
    if (first === '-V' || first === '--version') {
      io.out(`alembic-migrations ${version()}\n`);
      return 0;
    }
    if (first === 'plan') return await runPlanArgv(rest, io);
    const command = commandOf(first);
    if (!command) {
      if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'; a command comes first: graph, check, status or plan`);
      throw new UsageError(`unknown command '${first}' (commands: graph, check, status, plan)`);
    }
    const args = parseArgs(rest, command.options, first);
    if (flag(args, 'help')) {
      io.out(command.help + '\n');
      return 0;
    }
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliError) {
      io.err(`alembic-migrations: ${e.message}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`alembic-migrations: internal error: ${msg.split('\n')[0]}\n`);
    return 2;
  }
}

function write(stream: NodeJS.WriteStream, text: string): void {
  if (text) stream.write(text);
}

/**
 * Node 20's V8 (11.x, no Maglev tier) spends much of a short run compiling the reader with
 * TurboFan inlining while the files wait in slower tiers; without inlining a `graph` run takes
 * ~18 % less wall time on the 1,000-revision bench folder and ~7 % less on the 10,000 one.
 * Newer V8s tier up through Maglev and gain nothing, so their flags are left alone (an unknown
 * flag would also print an error).
 */
function tuneV8ForShortRuns(): void {
  if (process.versions.v8.split('.')[0] === '11') setFlagsFromString('--no-turbo-inlining');
}

if (require.main === module) {
  tuneV8ForShortRuns();
  const io: CliIo = {
    cwd: process.cwd(),
    env: process.env,
    out: (t) => write(process.stdout, t),
    err: (t) => write(process.stderr, t),
  };
  // A closed pipe (`… | head`) is not an error worth a trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void main(process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
