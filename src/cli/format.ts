// Output of the `graph` and `check` commands: the JSON document, the history view and the
// diagnostic lines. Lines printed here are 1-based (the core's ranges are 0-based).
import * as path from 'node:path';
import type { Diagnostic, Revision, Severity } from '../core/types';
import { alembicHistoryOrder, type HistoryGraph } from '../core/history-order';

/** What the formatters need from a revision graph (RevisionGraph satisfies it). */
export interface GraphView extends HistoryGraph {
  revisions: ReadonlyMap<string, Revision>;
  heads: readonly string[];
  bases: readonly string[];
  mergePoints: readonly string[];
  branchPoints: readonly string[];
  /** Revision ids, heads first, each before its parents. */
  newestFirst(): readonly string[];
  effectiveBranchLabels(id: string): readonly string[];
}

export interface GraphJson {
  revisions: Array<{
    id: string;
    path: string;
    line: number;
    downRevisions: string[];
    branchLabels: string[];
    dependsOn: string[];
    message: string | null;
  }>;
  heads: string[];
  bases: string[];
  mergePoints: string[];
  branchPoints: string[];
  diagnostics: DiagnosticJson[];
}

export interface DiagnosticJson {
  code: string;
  severity: Severity;
  message: string;
  path: string;
  line: number;
  /** 1-based column, for lint findings (the operation's first character). */
  column?: number;
}

/** `abs` relative to `base`, with `/` separators. */
export function displayPath(base: string, abs: string): string {
  // Fast path for the common case (a file below the folder): no path.relative per file.
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  const rel = abs.startsWith(prefix) ? abs.slice(prefix.length) : path.relative(base, abs);
  if (rel === '') return '.';
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (xs: readonly string[]): string[] => [...xs].sort(byCodeUnit);

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Orders by path, line, severity, code, message (stable output for CI logs and diffs). */
export function sortDiagnostics(diags: DiagnosticJson[]): DiagnosticJson[] {
  return diags.sort(
    (a, b) =>
      byCodeUnit(a.path, b.path) ||
      a.line - b.line ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      byCodeUnit(a.code, b.code) ||
      byCodeUnit(a.message, b.message),
  );
}

/** Diagnostics with display paths and 1-based lines, sorted. */
export function diagnosticsJson(diagnostics: readonly Diagnostic[], base: string): DiagnosticJson[] {
  return sortDiagnostics(
    diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      path: displayPath(base, d.path),
      line: d.range.start.line + 1,
    })),
  );
}

/** A configuration or scan problem as a diagnostic with code `config`. */
export function problemJson(p: { severity: Severity; message: string; path: string; line: number }, base: string): DiagnosticJson {
  return { code: 'config', severity: p.severity, message: p.message, path: displayPath(base, p.path), line: p.line + 1 };
}

export function graphJson(graph: GraphView, base: string, diagnostics: readonly Diagnostic[]): GraphJson {
  const ids = sorted([...graph.revisions.keys()]);
  return {
    revisions: ids.map((id) => {
      const r = graph.revisions.get(id) as Revision;
      return {
        id,
        path: displayPath(base, r.file.path),
        line: (r.file.assignments.revision?.start.line ?? 0) + 1,
        downRevisions: [...r.downRevisions],
        branchLabels: [...r.branchLabels],
        dependsOn: [...r.dependsOn],
        message: r.file.message,
      };
    }),
    heads: sorted(graph.heads),
    bases: sorted(graph.bases),
    mergePoints: sorted(graph.mergePoints),
    branchPoints: sorted(graph.branchPoints),
    diagnostics: diagnosticsJson(diagnostics, base),
  };
}

/**
 * One line per revision, newest first in alembic's order (its topological sort from the heads in
 * load order; a graph with a cycle falls back to newestFirst), in `alembic history`'s format:
 * `<parents> [(<depends_on>)] -> <rev> [(labels)] [(head)|(effective head)] [(branchpoint)] [(mergepoint)], <message>`.
 */
export function historyLines(graph: GraphView): string[] {
  const lines: string[] = [];
  for (const id of alembicHistoryOrder(graph) ?? graph.newestFirst()) {
    const r = graph.revisions.get(id);
    if (!r) continue;
    let text = r.downRevisions.length === 0 ? '<base>' : r.downRevisions.join(', ');
    if (r.dependsOn.length > 0) text += ` (${r.dependsOn.join(', ')})`;
    text += ` -> ${id}`;
    const labels = graph.effectiveBranchLabels(id);
    if (labels.length > 0) text += ` (${sorted(labels).join(', ')})`;
    if (r.children.length === 0) text += r.dependents.length === 0 ? ' (head)' : ' (effective head)';
    if (r.children.length > 1) text += ' (branchpoint)';
    if (r.downRevisions.length > 1) text += ' (mergepoint)';
    text += `, ${r.file.message ?? ''}`;
    lines.push(text);
  }
  return lines;
}

/** `path:line: severity code: message`, one per diagnostic. */
export function checkLines(diags: readonly DiagnosticJson[]): string[] {
  return diags.map((d) => `${d.path}:${d.line}: ${d.severity} ${d.code}: ${d.message}`);
}

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };
/** Workflow-command escaping: a message may hold `%` and line breaks, a property also `:` and `,`. */
const ghData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string): string => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which a workflow
 * run shows as annotations on the pull request's diff. Paths are relative to `cwd` (the
 * checkout a workflow runs in), not to the project folder.
 */
export function githubLines(diags: readonly DiagnosticJson[], folder: string, cwd: string): string[] {
  return diags.map((d) => {
    const file = displayPath(cwd, path.resolve(folder, d.path));
    return `::${GITHUB_LEVEL[d.severity]} file=${ghProperty(file)},line=${d.line},title=${ghProperty(`alembic-migrations ${d.code}`)}::${ghData(d.message)}`;
  });
}

export function countSummary(diags: readonly DiagnosticJson[]): string {
  const n = (s: Severity) => diags.filter((d) => d.severity === s).length;
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  const errors = n('error');
  const warnings = n('warning');
  const infos = n('info');
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${infos} info` : ''}`;
}
