// `check`'s lint step: reads the revision files in scope, lints them (loading the PostgreSQL
// parser only when a file sends SQL through execute), and returns display-ready diagnostics whose
// code is the rule id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chooseDatabaseUrl, isLocalTarget, parseSqlalchemyUrl } from '../core/dburl';
import type { SqlParser } from '../core/lint/actions';
import { lintMigration, type Finding } from '../core/lint/lint';
import { severityOf, type LintSeverity, type RuleId } from '../core/lint/rules';
import { pyprojectSeverities, type LintScope } from '../core/lint/scope';
import type { RevisionState } from '../core/types';
import { decodePythonSource } from '../io/scan';
import { loadSqlParser } from '../io/sql-parser';
import { value, type ParsedArgs } from './args';
import { displayPath, type DiagnosticJson } from './format';
import type { CliIo } from './options';
import { CliError, type LoadedProject } from './project';
import { readDatabaseState } from './status';

/** Severities of `[tool.alembic-migrations.lint]` in the project's pyproject.toml (next to its config). */
export function projectSeverities(rootDir: string): { overrides: Map<RuleId, LintSeverity>; problems: string[]; path: string } {
  const file = path.join(rootDir, 'pyproject.toml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { overrides: new Map(), problems: [], path: file };
  }
  return { ...pyprojectSeverities(text), path: file };
}

/**
 * The CLI reports findings only: downgrade()'s calls are not read (no finding depends on them),
 * nor its body unless a rule asks whether it is empty.
 */
const CLI_LINT = { downgradeOps: false, lazyDowngrade: true } as const;

/** What the scan already knew of a file: its text (it sends SQL: linted once the parser is loaded) or its findings. */
export type Known = { text: string } | { findings: Finding[] };

/**
 * Called by the scan with each file's text: it is linted at once without the PostgreSQL parser;
 * its text is kept (to lint again once the parser is loaded) only when a call needs the parser.
 */
export function lintAsRead(known: Map<string, Known>): (path: string, text: string) => void {
  return (p, text) => {
    const r = lintMigration(text, null, undefined, CLI_LINT);
    known.set(p, r.needsParser ? { text } : { findings: r.findings });
  };
}

/**
 * Lints `paths`, taking each result or text from `known` (what the scan saw) or reading the file
 * again; the PostgreSQL parser is loaded only when a file sends SQL through execute. Severities
 * are applied here (a rule set to `off` is dropped).
 */
export async function lintFiles(paths: readonly string[], base: string, overrides: ReadonlyMap<RuleId, LintSeverity>, known?: ReadonlyMap<string, Known>): Promise<DiagnosticJson[]> {
  const texts: Array<[string, string]> = [];
  const done: Array<[string, Finding[]]> = [];
  let needsSql = false;
  for (const p of paths) {
    const k = known?.get(p);
    if (k !== undefined && 'findings' in k) {
      done.push([p, k.findings]);
      continue;
    }
    let text = k?.text;
    if (text === undefined) {
      try {
        text = decodePythonSource(fs.readFileSync(p)).text;
      } catch {
        continue; // unreadable files are already reported by the scan
      }
    }
    if (!needsSql && (text.includes('execute') || text.includes('check_constraint'))) needsSql = true;
    texts.push([p, text]);
  }
  const parse: SqlParser | null = needsSql ? await loadSqlParser() : null;
  for (const [p, text] of texts) done.push([p, lintMigration(text, parse, undefined, CLI_LINT).findings]);
  const out: DiagnosticJson[] = [];
  for (const [p, findings] of done) {
    const shown = displayPath(base, p);
    for (const f of findings) {
      const severity = severityOf(f.rule, overrides);
      if (severity === 'off') continue;
      out.push({ code: f.rule, severity, message: f.message, path: shown, line: f.range.start.line + 1, column: f.range.start.character + 1 });
    }
  }
  return out;
}

/** The scope `check` lints, the database states it needs (null: not read), and a note for stderr. */
export interface ScopeChoice {
  scope: LintScope;
  states: ReadonlyMap<string, RevisionState> | null;
  note: string | null;
}

/**
 * Which revisions `check` lints. `--lint` decides when given (pending reads the database the options
 * or the config name); `--url`/`--url-env` mean pending. Otherwise the config's sqlalchemy.url is
 * read only when it is a PostgreSQL server on this machine (loopback or a unix socket): a host that
 * only the repository names is never contacted without the user naming it. Every revision is
 * linted when there is no such database, or when it cannot be read; the note says why.
 */
export async function chooseLintScope(args: ParsedArgs, io: CliIo, project: LoadedProject): Promise<ScopeChoice> {
  const explicit = value(args, 'lint') as LintScope | undefined;
  const explicitDb = value(args, 'url') !== undefined || value(args, 'url-env') !== undefined;
  if (explicit === 'off' || explicit === 'all') return { scope: explicit, states: null, note: null };
  if (explicit === 'pending' || explicitDb) {
    return { scope: 'pending', states: (await readDatabaseState(args, io, project)).state.states, note: null };
  }
  const chosen = chooseDatabaseUrl({ env: io.env, configUrl: project.config.sqlalchemyUrl });
  if (!chosen) return { scope: 'all', states: null, note: null };
  const where = project.config.configPath ? displayPath(io.cwd, project.config.configPath) : 'the config';
  const parsed = parseSqlalchemyUrl(chosen.url);
  if (parsed.kind === 'invalid') return { scope: 'all', states: null, note: `lint: every revision (sqlalchemy.url in ${where}: ${parsed.message})` };
  if (parsed.kind === 'other') return { scope: 'all', states: null, note: `lint: every revision (sqlalchemy.url in ${where} is ${parsed.dialect}, not PostgreSQL)` };
  if (!isLocalTarget(parsed.pg)) {
    return {
      scope: 'all',
      states: null,
      note: `lint: every revision; sqlalchemy.url in ${where} names ${parsed.display}, not this machine, so it was not contacted. ` +
        'Pass --url URL or --url-env VAR (or --lint pending) to lint only the revisions that database has not applied.',
    };
  }
  try {
    const read = await readDatabaseState(args, io, project);
    return { scope: 'pending', states: read.state.states, note: `lint: pending revisions of ${read.display} (sqlalchemy.url in ${where}; --lint all checks every revision)` };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return { scope: 'all', states: null, note: `lint: every revision (${e.message})` };
  }
}
