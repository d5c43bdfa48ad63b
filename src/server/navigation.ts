// Definition, references, hover, document links and code lenses over the in-memory graph:
// everything here is computed from the graph and the parsed files, without I/O.
import { ShowGraphCommand } from '../protocol/protocol';
import {
  MarkupKind,
  type CodeLens,
  type DocumentLink,
  type Hover,
  type Location,
  type Position,
} from 'vscode-languageserver/node';
import * as path from 'node:path';
import type { IdRef, MigrationFile, Revision } from '../core/types';
import { pathToUri } from './paths';
import type { Project } from './project';

function contains(ref: IdRef, pos: Position): boolean {
  const { start, end } = ref.range;
  if (pos.line < start.line || pos.line > end.line) return false;
  if (pos.line === start.line && pos.character < start.character) return false;
  if (pos.line === end.line && pos.character > end.character) return false;
  return true;
}

/** The id occurrence under the cursor. */
export function refAt(file: MigrationFile, pos: Position): IdRef | null {
  return file.idRefs.find((r) => contains(r, pos)) ?? null;
}

/** The revision an id names: the id itself, else a branch label (`label` or `label@…`). */
export function resolveId(project: Project, id: string): Revision | null {
  const g = project.graph;
  const direct = g.get(id);
  if (direct) return direct;
  const label = id.includes('@') ? id.slice(0, id.indexOf('@')) : id;
  const owner = g.labels.get(label);
  return owner ? (g.get(owner) ?? null) : null;
}

/** Where a revision is defined: the id inside `revision = '…'`. */
export function definitionLocation(rev: Revision): Location {
  const ref = rev.file.idRefs.find((r) => r.kind === 'revision');
  const range = ref?.range ??
    rev.file.assignments.revision ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { uri: pathToUri(rev.file.path), range };
}

export function definition(project: Project, file: MigrationFile, pos: Position): Location | null {
  const ref = refAt(file, pos);
  if (!ref || ref.kind === 'branch_labels') return null;
  const rev = resolveId(project, ref.id);
  return rev ? definitionLocation(rev) : null;
}

/**
 * References of the revision under the cursor: its definition (when asked), then each child's
 * `down_revision` entry and each dependent's `depends_on` entry naming it.
 */
export function references(project: Project, file: MigrationFile, pos: Position, includeDeclaration: boolean): Location[] {
  const ref = refAt(file, pos);
  if (!ref) return [];
  const rev = resolveId(project, ref.id);
  if (!rev) return [];
  const out: Location[] = [];
  if (includeDeclaration) out.push(definitionLocation(rev));
  const g = project.graph;
  const labels = new Set(rev.branchLabels);
  const pointsHere = (id: string): boolean => id === rev.id || labels.has(id.includes('@') ? id.slice(0, id.indexOf('@')) : id);
  const add = (childId: string, kind: 'down_revision' | 'depends_on'): void => {
    const child = g.get(childId);
    if (!child) return;
    for (const r of child.file.idRefs) {
      if (r.kind === kind && pointsHere(r.id)) out.push({ uri: pathToUri(child.file.path), range: r.range });
    }
  };
  for (const c of [...rev.children].sort()) add(c, 'down_revision');
  for (const d of [...rev.dependents].sort()) add(d, 'depends_on');
  return out;
}

function list(ids: readonly string[], none: string): string {
  return ids.length ? ids.map((i) => `\`${i}\``).join(', ') : none;
}

/** Markdown describing a revision: message, date, parents, children, labels, file, database state. */
export function describe(project: Project, rev: Revision): string {
  const g = project.graph;
  const lines: string[] = [];
  lines.push(`**${rev.id}**${rev.file.message ? ` — ${rev.file.message}` : ''}`);
  lines.push('');
  if (rev.file.createDate) lines.push(`- Created: ${rev.file.createDate}`);
  lines.push(`- Parents: ${list(rev.downRevisions, 'none (base)')}`);
  lines.push(`- Children: ${list(rev.children, 'none (head)')}`);
  if (rev.dependsOn.length) lines.push(`- Depends on: ${list(rev.dependsOn, 'none')}`);
  if (rev.dependents.length) lines.push(`- Needed by: ${list(rev.dependents, 'none')}`);
  const labels = g.effectiveBranchLabels(rev.id);
  if (rev.branchLabels.length || labels.length) {
    lines.push(`- Branch labels: ${list(rev.branchLabels, 'none')}${labels.length ? ` (on branch ${labels.join(', ')})` : ''}`);
  }
  lines.push(`- File: ${relativeName(project, rev.file.path)}`);
  const db = project.database;
  if (db) {
    if (db.states) {
      const state = db.states[rev.id];
      lines.push(`- Database: ${state ?? 'pending'}`);
    } else if (db.note) {
      lines.push(`- Database: unknown (${db.note})`);
    }
  }
  return lines.join('\n');
}

function relativeName(project: Project, p: string): string {
  const r = path.relative(project.folder.path, p);
  return r.startsWith('..') || path.isAbsolute(r) ? p : r.split(path.sep).join('/');
}

export function hover(project: Project, file: MigrationFile, pos: Position): Hover | null {
  const ref = refAt(file, pos);
  if (!ref) return null;
  const rev = resolveId(project, ref.id);
  const value = rev
    ? describe(project, rev)
    : ref.kind === 'branch_labels'
      ? `Branch label \`${ref.id}\``
      : `No revision \`${ref.id}\` in ${project.name}.`;
  const link = rev ? `\n\n${showInGraphLink(project, rev)}` : '';
  return { contents: { kind: MarkupKind.Markdown, value: value + link }, range: ref.range };
}

/**
 * A command link to the extension's Show Graph on `rev`. The client trusts the server's markdown
 * for this one command only (`markdown.isTrusted.enabledCommands` in src/extension/lsp/client.ts),
 * so a link to any other command in a hover stays inert.
 */
export function showInGraphLink(project: Project, rev: Revision): string {
  const args = encodeURIComponent(JSON.stringify([project.key, rev.id]));
  return `[Show in Graph](command:${ShowGraphCommand}?${args} "Open the revision graph at ${rev.id}")`;
}

/** Links on every id that names another revision (parents, dependencies, docstring `Revises:`). */
export function documentLinks(project: Project, file: MigrationFile): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const ref of file.idRefs) {
    if (ref.kind === 'revision' || ref.kind === 'branch_labels') continue;
    const rev = resolveId(project, ref.id);
    if (!rev) continue;
    const line = definitionLocation(rev).range.start.line;
    out.push({
      range: ref.range,
      target: `${pathToUri(rev.file.path)}#L${line + 1}`,
      tooltip: `Open revision ${rev.id}${rev.file.message ? ` (${rev.file.message})` : ''}`,
    });
  }
  return out;
}

/** "2 children · branch point", "0 children · head", "1 child · merge point"… */
export function lensTitle(project: Project, rev: Revision): string {
  const g = project.graph;
  const n = rev.children.length;
  const parts = [`${n} ${n === 1 ? 'child' : 'children'}`];
  if (g.heads.includes(rev.id)) parts.push('head');
  if (rev.downRevisions.length > 1) parts.push('merge point');
  if (n > 1) parts.push('branch point');
  if (rev.downRevisions.length === 0) parts.push('base');
  if (rev.dependents.length) parts.push(`${rev.dependents.length} dependent${rev.dependents.length === 1 ? '' : 's'}`);
  const db = project.database?.states?.[rev.id];
  if (db) parts.push(db);
  return parts.join(' · ');
}

export function codeLenses(project: Project, file: MigrationFile): CodeLens[] {
  if (!file.revision) return [];
  const rev = project.graph.get(file.revision);
  if (!rev || rev.file !== file) return [];
  const ref = file.idRefs.find((r) => r.kind === 'revision');
  const range = file.assignments.revision ?? ref?.range;
  if (!range) return [];
  return [
    { range, command: { title: lensTitle(project, rev), command: '' } },
    // Runs the extension's Show Graph on this revision (a client command: the server only names it).
    { range, command: { title: '$(type-hierarchy) Show in Graph', command: ShowGraphCommand, arguments: [project.key, rev.id] } },
  ];
}
