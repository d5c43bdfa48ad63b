// Core diagnostics → LSP diagnostics, and the publisher that sends only what changed.
import {
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
  type DiagnosticRelatedInformation,
} from 'vscode-languageserver/node';
import type { ConfigProblem } from '../core/config';
import type { Diagnostic, DiagnosticData, Severity } from '../core/types';
import { pathToUri } from './paths';

export const SOURCE = 'alembic';

export function toLspSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
  }
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: d.range,
    severity: toLspSeverity(d.severity),
    source: SOURCE,
    code: d.code,
    message: d.message,
  };
  if (d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map(
      (r): DiagnosticRelatedInformation => ({ location: { uri: pathToUri(r.path), range: r.range }, message: r.message }),
    );
  }
  if (d.data) out.data = d.data;
  return out;
}

/** A configuration problem, shown on its whole line of the config file. */
export function configProblemToLsp(p: ConfigProblem): LspDiagnostic {
  const line = Math.max(0, p.line ?? 0);
  return {
    range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
    severity: toLspSeverity(p.severity),
    source: SOURCE,
    code: 'config',
    message: p.message,
  };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Validates `data` coming back from the client (code action requests). */
export function asDiagnosticData(v: unknown): DiagnosticData | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  switch (o.kind) {
    case 'heads':
      return isStringArray(o.heads) ? { kind: 'heads', heads: o.heads } : null;
    case 'missing-ref':
      return typeof o.missing === 'string' &&
        typeof o.referencedFrom === 'string' &&
        (o.field === 'down_revision' || o.field === 'depends_on')
        ? { kind: 'missing-ref', missing: o.missing, referencedFrom: o.referencedFrom, field: o.field }
        : null;
    case 'duplicate':
      return typeof o.revision === 'string' && isStringArray(o.otherPaths)
        ? { kind: 'duplicate', revision: o.revision, otherPaths: o.otherPaths }
        : null;
    case 'cycle':
      return isStringArray(o.revisions) ? { kind: 'cycle', revisions: o.revisions } : null;
    default:
      return null;
  }
}

export type Publish = (uri: string, diagnostics: LspDiagnostic[]) => void;

/**
 * Remembers what was last published per file and sends `textDocument/publishDiagnostics` only
 * for files whose diagnostics changed (an empty list clears a file). With 10,000 revisions a
 * graph rebuild touches a handful of files, not all of them.
 */
export class DiagnosticsPublisher {
  private readonly last = new Map<string, string>();

  constructor(private readonly publish: Publish) {}

  /** `current(path)` gives every diagnostic of that path now; only `paths` are compared. */
  update(paths: Iterable<string>, current: (path: string) => LspDiagnostic[]): number {
    let sent = 0;
    for (const p of paths) {
      const diags = current(p);
      const key = diags.length === 0 ? '' : JSON.stringify(diags);
      const before = this.last.get(p) ?? '';
      if (key === before) continue;
      if (key === '') this.last.delete(p);
      else this.last.set(p, key);
      this.publish(pathToUri(p), diags);
      sent++;
    }
    return sent;
  }

  /** Paths that currently show diagnostics. */
  publishedPaths(): string[] {
    return [...this.last.keys()];
  }
}
