// `check`'s lint step: reads the revision files in scope, lints them (loading the PostgreSQL
// parser only when a file sends SQL through execute), and returns display-ready diagnostics whose
// code is the rule id.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlParser } from '../core/lint/actions';
import { lintMigration } from '../core/lint/lint';
import type { LintSeverity, RuleId } from '../core/lint/rules';
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

/**
 * Lints `paths`, taking each text from `known` (kept by the scan) or reading it again; the
 * PostgreSQL parser is loaded only when a file sends SQL through execute.
 */
export async function lintFiles(paths: readonly string[], base: string, overrides: ReadonlyMap<RuleId, LintSeverity>, known?: ReadonlyMap<string, string>): Promise<DiagnosticJson[]> {
  const texts: Array<[string, string]> = [];
  let needsSql = false;
  for (const p of paths) {
    let text = known?.get(p);
    if (text === undefined) {
      try {
        text = decodePythonSource(fs.readFileSync(p)).text;
      } catch {
        continue; // unreadable files are already reported by the scan
      }
    }
    if (!needsSql && text.includes('execute(')) needsSql = true;
    texts.push([p, text]);
  }
  const parse: SqlParser | null = needsSql ? await loadSqlParser() : null;
  const out: DiagnosticJson[] = [];
  for (const [p, text] of texts) {
    const shown = displayPath(base, p);
    for (const f of lintMigration(text, parse, overrides).findings) {
      out.push({ code: f.rule, severity: f.severity, message: f.message, path: shown, line: f.range.start.line + 1, column: f.range.start.character + 1 });
    }
  }
  return out;
}
