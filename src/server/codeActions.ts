// Quick fixes for the core's diagnostics: merge heads (a client command) or rebase one head onto
// another, replace a broken link with the closest existing revision, give a duplicated revision a
// fresh id.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { DiagnosticData, MigrationFile } from '../core/types';
import { headOfLabel, revisionOfFileName } from '../core/graph-diagnostics';
import { messageLine } from '../core/migration';
import { replaceRefEdits, type RefEdits } from '../core/repair';
import { MergeHeadsCommand } from '../protocol/protocol';
import { SOURCE, asDiagnosticData } from './diagnostics';
import { pathToUri } from './paths';
import type { Project } from './project';

/** Levenshtein distance (ids are short). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

const MAX_CLOSEST = 5;

/**
 * Replacement candidates for a missing id: the closest ids (longest common prefix, then
 * smallest edit distance), then the current heads. Never the referencing revision itself nor
 * anything above it (that would make a cycle).
 */
export function replacementCandidates(project: Project, missing: string, referencedFrom: string): string[] {
  const g = project.graph;
  const excluded = g.descendants([referencedFrom], { dependencies: true });
  excluded.add(referencedFrom);
  const scored: Array<{ id: string; prefix: number; distance: number }> = [];
  const limit = Math.max(3, Math.ceil(missing.length / 2));
  for (const id of g.revisions.keys()) {
    if (excluded.has(id)) continue;
    const prefix = commonPrefix(id, missing);
    const distance = editDistance(id, missing);
    if (prefix >= 4 || distance <= limit) scored.push({ id, prefix, distance });
  }
  scored.sort((a, b) => b.prefix - a.prefix || a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = scored.slice(0, MAX_CLOSEST).map((s) => s.id);
  // A file name (or a branch label) instead of an id: that file's revision (the branch's head) comes first.
  const named = revisionOfFileName(g, missing) ?? (g.labels.has(missing) ? headOfLabel(g, missing, referencedFrom) : undefined);
  if (named !== undefined && !excluded.has(named)) {
    if (out.includes(named)) out.splice(out.indexOf(named), 1);
    out.unshift(named);
  }
  for (const h of g.heads) if (!excluded.has(h) && !out.includes(h) && g.revisions.has(h)) out.push(h);
  return out;
}

/** alembic's id: the last 12 hex digits of a uuid4; here 6 random bytes, never an id in use. */
export function freshRevisionId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = randomBytes(6).toString('hex');
    if (!taken(id)) return id;
  }
}

/** Of files sharing an id: the newer one (later Create Date, else the later path). */
export function newerFile(files: readonly MigrationFile[]): MigrationFile {
  return files.reduce((a, b) => {
    if (a.createDate && b.createDate && a.createDate !== b.createDate) return b.createDate > a.createDate ? b : a;
    return b.path > a.path ? b : a;
  });
}

/** Where `Revision ID: <id>` sits in the docstring of `text` (0-based), if present. */
export function docstringIdRange(text: string, id: string): TextEdit['range'] | null {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < Math.min(lines.length, 60); i++) {
    const m = /^(\s*Revision ID:\s*)(\S+)/.exec(lines[i]);
    if (m && m[2] === id) return { start: { line: i, character: m[1].length }, end: { line: i, character: m[1].length + id.length } };
  }
  return null;
}

export interface CodeActionInput {
  project: Project;
  file: MigrationFile;
  uri: string;
  /** Diagnostics of the request's context. */
  diagnostics: LspDiagnostic[];
  /** Our current diagnostics for the file (with `data`), to recover data a client dropped. */
  current: LspDiagnostic[];
  /** Text of a file (open buffer or disk), for the docstring edit of a duplicate. */
  textOf: (p: string) => Promise<string | null>;
}

function sameRange(a: LspDiagnostic, b: LspDiagnostic): boolean {
  return (
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character
  );
}

export async function codeActions(input: CodeActionInput): Promise<CodeAction[]> {
  const out: CodeAction[] = [];
  for (const diag of input.diagnostics) {
    if (diag.source !== SOURCE) continue;
    const ours = input.current.find((c) => c.code === diag.code && sameRange(c, diag));
    const data = asDiagnosticData(ours?.data) ?? asDiagnosticData(diag.data);
    if (!data) continue;
    out.push(...(await actionsFor(input, diag, data)));
  }
  return out;
}

async function actionsFor(input: CodeActionInput, diag: LspDiagnostic, data: DiagnosticData): Promise<CodeAction[]> {
  const { project, file, uri } = input;
  const g = project.graph;
  switch (data.kind) {
    case 'heads': {
      if (diag.code !== 'multiple-heads' || data.heads.length < 2) return [];
      return [
        {
          title: `Merge heads ${data.heads.join(', ')}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diag],
          isPreferred: true,
          command: { title: `Merge heads ${data.heads.join(', ')}`, command: MergeHeadsCommand, arguments: [project.key, data.heads] },
        },
        ...rebaseActions(input, diag, data.heads),
      ];
    }
    case 'missing-ref': {
      // The quick fix offers nothing when the edit is refused (an id inside an imported tuple).
      if (!replaceRefEdits(file, data.missing, data.field, data.missing).ok) return [];
      const named = revisionOfFileName(g, data.missing) ?? (data.field === 'down_revision' && g.labels.has(data.missing) ? headOfLabel(g, data.missing, data.referencedFrom) : undefined);
      return replacementCandidates(project, data.missing, data.referencedFrom).map((id, i): CodeAction => {
        const message = g.get(id)?.file.message;
        return {
          title: `Replace with '${id}'${message ? ` (${message})` : ''}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diag],
          isPreferred: i === 0 && (id === named || id.startsWith(data.missing) || data.missing.startsWith(id) || editDistance(id, data.missing) <= 2),
          edit: { changes: { [uri]: editsOrNone(replaceRefEdits(file, data.missing, data.field, id)) } },
        };
      });
    }
    case 'duplicate': {
      const files = [file, ...data.otherPaths.map((p) => project.files.get(p)).filter((f): f is MigrationFile => !!f)];
      const newer = newerFile(files);
      const ranges = newer.idRefs.filter((r) => r.kind === 'revision' && r.id === data.revision).map((r) => r.range);
      const text = await input.textOf(newer.path);
      const doc = text ? docstringIdRange(text, data.revision) : null;
      if (doc && !ranges.some((r) => r.start.line === doc.start.line)) ranges.push(doc);
      if (ranges.length === 0) return [];
      const fresh = freshRevisionId((id) => g.revisions.has(id) || g.labels.has(id));
      return [
        {
          title: `Generate a new revision id for ${path.basename(newer.path)}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diag],
          edit: { changes: { [pathToUri(newer.path)]: ranges.map((range) => ({ range, newText: fresh })) } },
        },
      ];
    }
    case 'cycle':
      return [];
  }
}

/**
 * "Rebase onto head X": point this head revision's down_revision (and its docstring's `Revises:`)
 * at another head, as one does by hand when two branches each added a migration on the same
 * parent — the history stays linear, no merge revision. Offered for a revision with a single
 * down_revision that the database is not known to have applied (re-parenting an applied migration
 * would leave the version table describing a history that no longer exists), onto each other
 * head that does not depend on it.
 */
function rebaseActions(input: CodeActionInput, diag: LspDiagnostic, heads: readonly string[]): CodeAction[] {
  const { project, file, uri } = input;
  const g = project.graph;
  const id = file.revision;
  if (id === null || !heads.includes(id) || file.downRevisions.length !== 1 || g.get(id)?.file !== file) return [];
  const state = project.database?.states?.[id];
  if (state === 'applied' || state === 'current') return [];
  const parent = file.downRevisions[0];
  if (!replaceRefEdits(file, parent, 'down_revision', parent).ok) return [];
  const above = g.descendants([id], { dependencies: true });
  return heads
    .filter((h) => h !== id && g.revisions.has(h) && !above.has(h))
    .map((h): CodeAction => {
      const message = messageLine(g.get(h)?.file.message ?? null);
      return {
        title: `Rebase onto head '${h}'${message ? ` (${message})` : ''}: down_revision = '${h}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diag],
        edit: { changes: { [uri]: editsOrNone(replaceRefEdits(file, parent, 'down_revision', h)) } },
      };
    });
}

function editsOrNone(r: RefEdits): TextEdit[] {
  return r.ok ? r.edits : [];
}
