// `check`'s lint step: reads the revision files in scope, lints them (loading the PostgreSQL
// parser only when a file sends SQL through execute), and returns display-ready diagnostics whose
// code is the rule id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlParser } from '../core/lint/actions';
import { lintMigration, type Finding } from '../core/lint/lint';
import { severityOf, type LintSeverity, type RuleId } from '../core/lint/rules';
import { pyprojectSeverities } from '../core/lint/scope';
import { decodePythonSource } from '../io/scan';
import { loadSqlParser } from '../io/sql-parser';
import { displayPath, type DiagnosticJson } from './format';

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

/** What the scan already knew of a file: its text (it sends SQL: linted once the parser is loaded) or its findings. */
export type Known = { text: string } | { findings: Finding[] };

/**
 * Called by the scan with each file's text: a file that sends no SQL through execute is linted
 * at once (its text is not kept); one that does is kept for the parser.
 */
export function lintAsRead(known: Map<string, Known>): (path: string, text: string) => void {
  return (p, text) => {
    known.set(p, text.includes('execute') ? { text } : { findings: lintMigration(text, null).findings });
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
    if (!needsSql && text.includes('execute')) needsSql = true;
    texts.push([p, text]);
  }
  const parse: SqlParser | null = needsSql ? await loadSqlParser() : null;
  for (const [p, text] of texts) done.push([p, lintMigration(text, parse).findings]);
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
