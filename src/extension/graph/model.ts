// The graph webview's model, computed in the host from a project entry: the lane layout of core,
// database states, markers, labels, folds. Pure (no `vscode`, no I/O): unit-tested, and the
// webview only draws what it is given.
import * as path from 'node:path';
import { foldLines, layoutGraph, linearRuns, type LayoutInput } from '../../core/graph-layout';
import { noteOf } from '../db/dbread';
import { shortId } from '../projects/revisions';
import type { ProjectEntry } from '../projects/projects';
import type { GraphModel, ModelEdge, ModelLine, NodeState } from './messages';
import { searchText } from './search';

/** Which linear runs are folded: all by default (or none), except those named by first row id. */
export interface FoldState {
  foldByDefault: boolean;
  /** First-row ids of runs toggled away from the default. */
  toggled: Set<string>;
}

/** Runs shorter than this never fold (folding three rows into one line saves nothing). */
export const MIN_FOLD_RUN = 6;

export interface BuiltModel {
  model: GraphModel;
  /** Run index → first-row id, to turn a webview fold message into FoldState. */
  runIds: string[];
}

export function buildGraphModel(entry: ProjectEntry, projects: readonly ProjectEntry[], folds: FoldState): BuiltModel {
  const s = entry.snapshot;
  const states = entry.states;
  const parentsNamed = new Set<string>();
  for (const r of s.revisions) for (const p of r.downRevisions) parentsNamed.add(p);
  // Rows of the version table the folder lacks: drawn on top, unless a broken link already
  // draws them as a ghost.
  const dbMissing = (states?.missing ?? []).filter((id) => !parentsNamed.has(id) && !entry.graph.has(id));
  const input: LayoutInput[] = [
    ...dbMissing.map((id) => ({ id, parents: [], dependsOn: [] })),
    ...s.revisions.map((r) => ({ id: r.id, parents: r.downRevisions, dependsOn: r.dependsOn })),
  ];
  const layout = layoutGraph(input);
  const heads = new Set(s.heads);
  const bases = new Set(s.bases);
  const merges = new Set(s.mergePoints);
  const branchPoints = new Set(s.branchPoints);
  const missingInDb = new Set(states?.missing ?? []);
  const stateOf = (id: string, ghost: boolean): NodeState => {
    if (missingInDb.has(id)) return 'missing';
    if (ghost || !states) return 'unknown';
    const st = states.states.get(id);
    // A broken link: the missing parent is drawn as a ghost, the revision naming it as broken.
    return st ?? 'unknown';
  };
  const brokenChildren = new Map<string, string[]>();
  for (const r of s.revisions) {
    for (const p of r.downRevisions) {
      if (entry.graph.has(p)) continue;
      const list = brokenChildren.get(p);
      if (list) list.push(r.id);
      else brokenChildren.set(p, [r.id]);
    }
  }
  const rowState = layout.rows.map((r) => stateOf(r.id, r.ghost));
  const keep = (row: number): boolean => {
    const id = layout.rows[row].id;
    const info = entry.graph.get(id);
    if (!info) return true;
    if (heads.has(id) || bases.has(id) || info.branchLabels.length > 0 || rowState[row] === 'current') return true;
    // The last applied row under pending ones (and the first pending) stay: the state boundary shows.
    return (row > 0 && rowState[row - 1] !== rowState[row]) || (row + 1 < layout.rows.length && rowState[row + 1] !== rowState[row]);
  };
  const runs = linearRuns(layout, MIN_FOLD_RUN, keep);
  const runIds = runs.map((run) => layout.rows[run.first].id);
  const { lines: display, lineOf } = foldLines(layout, runs, (i) => folds.foldByDefault !== folds.toggled.has(runIds[i]));

  const lines: ModelLine[] = display.map((d): ModelLine => {
    if (d.kind === 'fold') {
      const ids: string[] = [];
      const search: string[] = [];
      const run = runs[d.run];
      for (let row = run.first + 1; row < run.last; row++) {
        const id = layout.rows[row].id;
        const info = entry.graph.get(id);
        ids.push(id);
        search.push(searchText(id, info?.message ?? '', info?.branchLabels ?? [], info ? path.basename(info.path) : ''));
      }
      return { ...d, ids, search };
    }
    const lr = layout.rows[d.row];
    const info = entry.graph.get(lr.id);
    return {
      kind: 'row',
      id: lr.id,
      row: d.row,
      lane: lr.lane,
      short: shortId(lr.id),
      message: info?.message ?? (lr.ghost ? 'missing revision (no file defines it)' : missingInDb.has(lr.id) ? 'in the database, missing from the folder' : ''),
      state: rowState[d.row],
      ghost: lr.ghost,
      head: heads.has(lr.id),
      base: bases.has(lr.id),
      merge: merges.has(lr.id) || (info?.downRevisions.length ?? 0) > 1,
      branchPoint: branchPoints.has(lr.id),
      labels: info ? info.branchLabels : [],
      parents: info ? info.downRevisions : [],
      children: info ? info.children : brokenChildren.get(lr.id) ?? [],
      dependsOn: info ? info.dependsOn : [],
      file: info ? path.basename(info.path) : '',
      date: info?.createDate ?? '',
      brokenChildren: brokenChildren.get(lr.id) ?? [],
    };
  });
  const edges: ModelEdge[] = [];
  for (const e of layout.edges) {
    const c = lineOf[e.child];
    const p = lineOf[e.parent];
    if (c === p) continue; // both ends inside one fold
    edges.push({ kind: e.kind, c, p, childLane: e.childLane, lane: e.lane, parentLane: e.parentLane });
  }
  let pending = 0;
  if (states) for (const v of states.states.values()) if (v === 'pending') pending++;
  return {
    model: {
      projects: projects.map((p) => ({ key: p.snapshot.key, name: p.snapshot.name })),
      project: s.key,
      lanes: layout.lanes,
      lines,
      edges,
      note: noteOf(entry.db),
      counts: { revisions: s.revisions.length, pending, missing: states?.missing.length ?? 0 },
    },
    runIds,
  };
}

/** Where `def upgrade` / `def downgrade` sit in a revision file: each function's text, verbatim. */
export function migrationFunctions(text: string): { upgrade: string; downgrade: string } {
  const lines = text.split(/\r?\n/);
  const grab = (name: string): string => {
    const start = lines.findIndex((l) => new RegExp(`^def ${name}\\s*\\(`).test(l));
    if (start < 0) return '';
    let end = start + 1;
    // The body ends at the next line that starts at column 0 with something other than a comment.
    while (end < lines.length && (lines[end] === '' || /^[\s#]/.test(lines[end]))) end++;
    while (end > start + 1 && lines[end - 1].trim() === '') end--;
    return lines.slice(start, end).join('\n');
  };
  return { upgrade: grab('upgrade'), downgrade: grab('downgrade') };
}
