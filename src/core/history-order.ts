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
export function alembicHistoryOrder(graph: HistoryGraph, opts: { maxBitMatrix?: number } = {}): string[] | null {
  if (graph.cycles.length > 0) return null;
  const revs = graph.revisions;
  const position = new Map<string, number>();
  for (const id of revs.keys()) position.set(id, position.size);
  const todo = new Set(position.keys());
  // alembic keeps one ancestor set per pending head and recomputes it at every merge and branch
  // point (O(n) each: 1.4 s on 10,000 revisions with 250 merges). Every set is always exactly the
  // inclusive ancestry of its head, so precomputed ancestry answers the same questions.
  const bits = ancestryBits(graph, position, opts.maxBitMatrix ?? MAX_BIT_MATRIX);
  const ancestryOf = (id: string): Ancestry => (bits ? bits(id) : graph.ancestors([id], { dependencies: true }));
  const normalizedDeps = bits ? normalizedDependenciesWith(graph, bits) : (r: Revision) => normalizedDependencies(graph, r);
  const current = [...new Set(graph.effectiveHeads())].filter((h) => todo.has(h)).sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
  const ancestors = current.map(ancestryOf);
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
    const deps = normalizedDeps(r);
    const parents = [...new Set([...r.downRevisions, ...deps])];
    const next = parents.filter((p) => todo.has(p) && !current.includes(p));
    if (next.length === 0) {
      current.splice(idx, 1);
      ancestors.splice(idx, 1);
      idx = Math.max(idx - 1, 0);
    } else if (deps.length === 0 && r.downRevisions.length === 1) {
      // a plain step down one line: the head's ancestry loses the revision just emitted
      current[idx] = next[0];
      const a = ancestors[idx];
      if (a instanceof Set) a.delete(candidate);
      else ancestors[idx] = ancestryOf(next[0]);
    } else {
      current[idx] = next[0];
      ancestors[idx] = ancestryOf(next[0]);
      for (const p of next.slice(1)) {
        current.push(p);
        ancestors.push(ancestryOf(p));
      }
    }
  }
  // Revisions no head reaches (alembic asserts there are none): no order; callers fall back.
  if (todo.size > 0) return null;
  return out;
}

interface Ancestry {
  has(id: string): boolean;
}

/** Above this many revisions the bit matrix (n² bits: 12.5 MB at 10,000) is not built. */
const MAX_BIT_MATRIX = 20_000;

/**
 * Every revision's inclusive ancestry (down_revision and depends_on) as rows of one bit matrix,
 * built parents first; null when the graph is too large for it.
 */
function ancestryBits(graph: HistoryGraph, position: ReadonlyMap<string, number>, max: number): ((id: string) => Ancestry) | null {
  const n = position.size;
  if (n > max) return null;
  const words = (n + 31) >>> 5;
  const matrix = new Uint32Array(n * words);
  const done = new Uint8Array(n);
  const ids = [...position.keys()];
  const parentsOf = (i: number): number[] => {
    const r = graph.revisions.get(ids[i]) as Revision;
    const out: number[] = [];
    for (const p of [...r.downRevisions, ...r.dependsOn]) {
      const k = position.get(p);
      if (k !== undefined) out.push(k);
    }
    return out;
  };
  // Iterative depth-first post-order, so a long history cannot overflow the stack (no cycles here).
  for (let root = 0; root < n; root++) {
    if (done[root]) continue;
    const stack: number[] = [root];
    while (stack.length > 0) {
      const i = stack[stack.length - 1];
      if (done[i]) {
        stack.pop();
        continue;
      }
      const parents = parentsOf(i);
      let pending = false;
      for (const p of parents) {
        if (!done[p]) {
          stack.push(p);
          pending = true;
        }
      }
      if (pending) continue;
      const row = i * words;
      matrix[row + (i >>> 5)] |= 1 << (i & 31);
      for (const p of parents) {
        const prow = p * words;
        for (let w = 0; w < words; w++) matrix[row + w] |= matrix[prow + w];
      }
      done[i] = 1;
      stack.pop();
    }
  }
  return (id: string): Ancestry => {
    const row = (position.get(id) as number) * words;
    return {
      has: (other: string): boolean => {
        const k = position.get(other);
        return k !== undefined && (matrix[row + (k >>> 5)] & (1 << (k & 31))) !== 0;
      },
    };
  };
}

/**
 * `normalizedDependencies` answered with the ancestry bits: a dependency is inherited when one of
 * the revisions depending on it lies below `r` through down_revision. The search down from `r`
 * only enters revisions whose ancestry holds that revision, so it stays between the two.
 */
function normalizedDependenciesWith(graph: HistoryGraph, bits: (id: string) => Ancestry): (r: Revision) => readonly string[] {
  const revs = graph.revisions;
  const dependents = new Map<string, string[]>();
  for (const r of revs.values()) {
    for (const d of r.dependsOn) {
      const list = dependents.get(d);
      if (list) list.push(r.id);
      else dependents.set(d, [r.id]);
    }
  }
  /** Whether `target` is a proper ancestor of `from` through down_revision only. */
  const below = (from: string, target: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(revs.get(from)?.downRevisions ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (id === target) return true;
      if (seen.has(id) || !revs.has(id) || !bits(id).has(target)) continue;
      seen.add(id);
      stack.push(...(revs.get(id) as Revision).downRevisions);
    }
    return false;
  };
  return (r: Revision): readonly string[] => {
    if (r.dependsOn.length === 0) return r.dependsOn;
    return r.dependsOn.filter((d) => !(dependents.get(d) ?? []).some((x) => x !== r.id && below(r.id, x)));
  };
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
