// The migration safety lint in the language server: findings → LSP diagnostics (with their quick
// fix as data), quick-fix code actions, and the hover that lists a function's operations.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  MarkupKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Hover,
  type Position,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { SqlParser } from '../core/lint/actions';
import { describeAction, lintMigration, type Finding, type LintResult } from '../core/lint/lint';
import type { MigrationFn } from '../core/lint/ops';
import { readSeverities, type LintSeverity, type RuleId } from '../core/lint/rules';
import { pyprojectSeverities, type LintScope } from '../core/lint/scope';
import { LineIndex } from '../core/python/lines';
import { decodePythonSource } from '../io/scan';
import { loadSqlParser } from '../io/sql-parser';
import { toLspSeverity } from './diagnostics';

export const LINT_SOURCE = 'alembic-lint';

export interface LintFixData {
  kind: 'lint-fix';
  title: string;
  edits: TextEdit[];
}

/** Settings of the lint (section `alembic.lint`), normalised. */
export interface LintSettings {
  scope: LintScope;
  severity: Map<RuleId, LintSeverity>;
}

export function toLintSettings(raw: unknown): LintSettings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const scope = o.scope === 'all' || o.scope === 'off' ? o.scope : 'pending';
  return { scope, severity: readSeverities(o.severity).overrides };
}

/** Loads the PostgreSQL parser once, when first needed; lints texts with it. */
export class Linter {
  private parser: SqlParser | null = null;
  private loading: Promise<void> | null = null;

  constructor(private readonly error: (m: string) => void) {}

  /** Whether the parser's load has begun (the first lint, or a hover that needs it). */
  get started(): boolean {
    return this.loading !== null;
  }

  /**
   * Resolves once the parser is loaded (or failed to load). Started by the first lint, not with the
   * server: compiling its WebAssembly competes with the first scan for the CPU, and the first
   * answer (the graphs) does not need it.
   */
  get ready(): Promise<void> {
    this.loading ??= loadSqlParser().then(
      (p) => {
        this.parser = p;
      },
      (e: unknown) => this.error(`Could not load the PostgreSQL parser (raw SQL is not linted): ${e instanceof Error ? e.message : String(e)}`),
    );
    return this.loading;
  }

  run(text: string, overrides: ReadonlyMap<RuleId, LintSeverity>): LintResult {
    return lintMigration(text, this.parser, overrides);
  }

  diagnostics(text: string, overrides: ReadonlyMap<RuleId, LintSeverity>): LspDiagnostic[] {
    const r = this.run(text, overrides);
    if (r.findings.length === 0) return [];
    const lines = new LineIndex(text);
    return r.findings.map((f) => toLspLint(f, lines));
  }
}

function toLspLint(f: Finding, lines: LineIndex): LspDiagnostic {
  const d: LspDiagnostic = {
    range: f.range,
    severity: toLspSeverity(f.severity),
    source: LINT_SOURCE,
    code: f.rule,
    message: f.message,
  };
  if (f.fix) {
    const data: LintFixData = { kind: 'lint-fix', title: f.fix.title, edits: f.fix.edits.map((e) => ({ range: lines.range(e.start, e.end), newText: e.newText })) };
    d.data = data;
  }
  return d;
}

/** Reads a revision file's text as Python would decode it; null when unreadable. */
export async function readPythonText(p: string): Promise<string | null> {
  try {
    return decodePythonSource(await fs.readFile(p)).text;
  } catch {
    return null;
  }
}

/** Severities of the project's pyproject.toml (next to its config), then the settings' (which win). */
export async function projectOverrides(rootDir: string, settings: LintSettings, log: (m: string) => void): Promise<Map<RuleId, LintSeverity>> {
  const out = new Map<RuleId, LintSeverity>();
  try {
    const text = await fs.readFile(path.join(rootDir, 'pyproject.toml'), 'utf8');
    const r = pyprojectSeverities(text);
    for (const p of r.problems) log(p);
    for (const [k, v] of r.overrides) out.set(k, v);
  } catch {
    // no pyproject.toml: defaults
  }
  for (const [k, v] of settings.severity) out.set(k, v);
  return out;
}

function isTextEdit(v: unknown): v is TextEdit {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const r = o.range as Record<string, Record<string, unknown>> | undefined;
  return typeof o.newText === 'string' && typeof r === 'object' && r !== null && typeof r.start?.line === 'number' && typeof r.start?.character === 'number' && typeof r.end?.line === 'number' && typeof r.end?.character === 'number';
}

/** Validates `data` of a lint diagnostic coming back from the client. */
export function asLintFix(v: unknown): LintFixData | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.kind !== 'lint-fix' || typeof o.title !== 'string' || !Array.isArray(o.edits) || !o.edits.every(isTextEdit)) return null;
  return { kind: 'lint-fix', title: o.title, edits: o.edits };
}

/** Quick fixes of the lint diagnostics the client sent. */
export function lintCodeActions(uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== LINT_SOURCE) continue;
    const fix = asLintFix(d.data);
    if (!fix) continue;
    out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [uri]: fix.edits } } });
  }
  return out;
}

/** Markdown list of a function's operations, each with its findings. */
export function operationsMarkdown(r: LintResult, fn: MigrationFn): string {
  const actions = r.actions.filter((a) => a.op.fn === fn);
  const lines = [`**${fn}()** — ${actions.length === 0 ? 'no operations' : `${actions.length} operation${actions.length === 1 ? '' : 's'}`}`];
  const shown = new Set<Finding>();
  for (const a of actions) {
    // Findings on this operation (an op.execute with several statements lists them under its first).
    const found = r.findings.filter((f) => f.fn === fn && !shown.has(f) && f.start === a.op.start && f.end === a.op.end);
    for (const f of found) shown.add(f);
    const marks = found.map((f) => `  \n  ⚠ \`${f.rule}\` (${f.severity}): ${f.message}`).join('');
    lines.push(`- ${describeAction(a)}${marks}`);
  }
  for (const f of r.findings) if (f.fn === fn && !shown.has(f)) lines.push(`- ⚠ \`${f.rule}\` (${f.severity}): ${f.message}`);
  return lines.join('\n');
}

/** Hover on a `def upgrade`/`def downgrade` line: the function's operations with their findings. */
export function lintHover(text: string, pos: Position, linter: Linter, overrides: ReadonlyMap<RuleId, LintSeverity>): Hover | null {
  const lines = new LineIndex(text);
  const r = linter.run(text, overrides);
  const body = r.ops.bodies.find((b) => lines.lineAt(b.defStart) === pos.line);
  if (!body) return null;
  return { contents: { kind: MarkupKind.Markdown, value: operationsMarkdown(r, body.fn) } };
}
