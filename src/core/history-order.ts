// The order `alembic history` lists revisions in: alembic's RevisionMap._topological_sort over
// every revision, starting from the heads in load order. Pure.
import type { Revision } from './types';

/** What the order needs from a revision graph (RevisionGraph satisfies it). */
export interface HistoryGraph {
  /** Iterated in alembic's map order (the load order of the files). */
  revisions: ReadonlyMap<string, Revision>;
  /** alembic's `_real_heads`: heads no revision depends on (what the `heads` target means). */
  effectiveHeads(): readonly string[];
  cycles: readonly unknown[];
  ancestors(ids: Iterable<string>, opts?: { dependencies?: boolean }): Set<string>;
}

/**
 * Revision ids newest first as alembic (1.10+, which loads files sorted) prints them: walk down
 * from the first head in load order until reaching a revision another pending head still needs,
 * then continue with that head. Returns null when the graph has a cycle (alembic fails there).
 * Dependencies count as parents, except one a down_revision ancestor already depends on.
 */
export function alembicHistoryOrder(graph: HistoryGraph): string[] | null {
  if (graph.cycles.length > 0) return null;
  const revs = graph.revisions;
  const position = new Map<string, number>();
  for (const id of revs.keys()) position.set(id, position.size);
  const todo = new Set(position.keys());
  const ancestorsOf = (id: string): Set<string> => graph.ancestors([id], { dependencies: true });
  const current = [...new Set(graph.effectiveHeads())].filter((h) => todo.has(h)).sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
  const ancestors = current.map(ancestorsOf);
  const out: string[] = [];
  let idx = 0;
  let switches = 0;
  while (current.length > 0) {
    const candidate = current[idx];
    const needer = ancestors.findIndex((set, k) => k !== idx && set.has(candidate));
    if (needer >= 0) {
      // another head still needs this revision: that head goes first
      idx = needer;
      if (++switches > current.length) return null;
      continue;
    }
    switches = 0;
    if (todo.delete(candidate)) out.push(candidate);
    const r = revs.get(candidate) as Revision;
    const deps = normalizedDependencies(graph, r);
    const parents = [...new Set([...r.downRevisions, ...deps])];
    const next = parents.filter((p) => todo.has(p) && !current.includes(p));
    if (next.length === 0) {
      current.splice(idx, 1);
      ancestors.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (deps.length === 0 && r.downRevisions.length === 1) {
      current[idx] = next[0];
      ancestors[idx].delete(candidate);
    } else {
      current[idx] = next[0];
      ancestors[idx] = ancestorsOf(next[0]);
      for (const p of next.slice(1)) {
        current.push(p);
        ancestors.push(ancestorsOf(p));
      }
    }
  }
  // Revisions no head reaches (alembic asserts there are none): keep them, newest last.
  if (todo.size > 0) return null;
  return out;
}

/** alembic's `_normalized_resolved_dependencies`: depends_on minus what down_revision ancestors depend on. */
function normalizedDependencies(graph: HistoryGraph, r: Revision): readonly string[] {
  if (r.dependsOn.length === 0) return r.dependsOn;
  const inherited = new Set<string>();
  for (const a of graph.ancestors([r.id])) {
    if (a === r.id) continue;
    for (const d of graph.revisions.get(a)?.dependsOn ?? []) inherited.add(d);
  }
  return r.dependsOn.filter((d) => !inherited.has(d));
}
