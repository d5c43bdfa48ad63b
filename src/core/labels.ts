// Branch-label coverage, as alembic's RevisionMap._add_branches computes it (revision.py, 1.8–1.17).
//
// For every labelled revision R, its labels go to:
//   1. R and every descendant of R through down_revision (not through depends_on);
//   2. then alembic walks down from the LAST descendant it visited, labelling each revision until it
//      meets a "real" branch point (two or more children or dependents) or a merge point, or a base.
// Walking down from that last descendant only gets below R when R's descendants form one simple
// chain (no revision on it has two children, is a merge point or a real branch point); then the
// walk passes R and labels R's ancestors back to the previous branch or merge point. Otherwise the
// walk stops inside the descendants and no ancestor of R is labelled. Deriving it this way keeps the
// result independent of the order Python happens to iterate its sets in.
//
// Iterative, cycle-safe (every walk keeps a visited set).

export interface LabelGraphView {
  /** Revisions whose down_revision names `id` (present ones only). */
  children(id: string): readonly string[];
  /** Revisions whose depends_on names `id`. */
  dependents(id: string): readonly string[];
  /** The present down_revision ids of `id` (empty for a base). */
  downRevisions(id: string): readonly string[];
  /** The raw number of down_revision entries (a merge point has more than one). */
  downCount(id: string): number;
}

function isRealBranchPoint(g: LabelGraphView, id: string): boolean {
  const kids = g.children(id);
  const deps = g.dependents(id);
  if (kids.length + deps.length < 2) return false;
  return new Set([...kids, ...deps]).size > 1;
}

/** Effective labels per revision: `get(id)` gives them unsorted, possibly with repeats. */
export interface LabelCoverage {
  get(id: string): readonly string[] | undefined;
}

/**
 * The same result as computeLabelCoverage in linear time, for an acyclic graph: `order` lists
 * every revision with its down_revision parents first. Label lists are shared between a
 * revision and its only parent, so a long line costs no copies.
 */
export function computeLabelCoverageOrdered(
  g: LabelGraphView,
  labelled: ReadonlyArray<{ id: string; labels: readonly string[] }>,
  order: readonly string[],
): LabelCoverage {
  const own = new Map<string, readonly string[]>();
  for (const { id, labels } of labelled) if (labels.length > 0) own.set(id, labels);
  const inherited = new Map<string, readonly string[]>();
  if (own.size === 0) return { get: () => undefined };
  // 1. Descendants: each revision inherits its parents' labels.
  for (const id of order) {
    const mine = own.get(id);
    const parents = g.downRevisions(id);
    let acc: readonly string[] | undefined;
    for (const p of parents) {
      const s = inherited.get(p);
      if (s === undefined || s === acc) continue;
      acc = acc === undefined ? s : [...new Set([...acc, ...s])];
    }
    if (mine !== undefined) acc = acc === undefined ? mine : [...new Set([...acc, ...mine])];
    if (acc !== undefined) inherited.set(id, acc);
  }
  // 2. Which labelled revisions head a simple chain: walk each chain once, memoised.
  const simple = new Map<string, boolean>();
  const isSimple = (start: string): boolean => {
    const path: string[] = [];
    let cur: string | undefined = start;
    let result = true;
    const onPath = new Set<string>();
    while (cur !== undefined) {
      const known = simple.get(cur);
      if (known !== undefined) {
        result = known;
        break;
      }
      if (onPath.has(cur)) break; // a loop of single children: treat as simple, the walk below stops on it
      onPath.add(cur);
      path.push(cur);
      const kids = g.children(cur);
      if (kids.length > 1 || g.downCount(cur) > 1 || isRealBranchPoint(g, cur)) {
        result = false;
        break;
      }
      cur = kids.length === 1 ? kids[0] : undefined;
    }
    for (const p of path) simple.set(p, result);
    return result;
  };
  // 3. Walk below every labelled revision whose descendants form a simple chain.
  const extra = new Map<string, string[]>();
  for (const { id, labels } of labelled) {
    if (labels.length === 0 || !isSimple(id)) continue;
    let cur = id;
    const walked = new Set<string>([id]);
    for (;;) {
      if (g.downCount(cur) !== 1) break;
      const ps = g.downRevisions(cur);
      if (ps.length !== 1) break;
      const p = ps[0];
      if (walked.has(p)) break;
      walked.add(p);
      if (isRealBranchPoint(g, p) || g.downCount(p) > 1) break;
      const e = extra.get(p);
      if (e) e.push(...labels);
      else extra.set(p, labels.slice());
      cur = p;
    }
  }
  return {
    get(id: string): readonly string[] | undefined {
      const a = inherited.get(id);
      const b = extra.get(id);
      if (b === undefined) return a;
      return a === undefined ? b : [...a, ...b];
    },
  };
}

/**
 * Returns revision id → effective labels for every revision that gets at least one label.
 * Works on any graph (cycles included); quadratic in the worst case, so the graph uses
 * computeLabelCoverageOrdered when it is acyclic.
 * `labelled` lists each labelled revision with its own labels, in load order.
 */
export function computeLabelCoverage(
  g: LabelGraphView,
  labelled: ReadonlyArray<{ id: string; labels: readonly string[] }>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (id: string, labels: readonly string[]): void => {
    let s = out.get(id);
    if (!s) {
      s = new Set();
      out.set(id, s);
    }
    for (const l of labels) s.add(l);
  };
  for (const { id, labels } of labelled) {
    if (labels.length === 0) continue;
    // 1. R and its descendants through down_revision.
    const seen = new Set<string>([id]);
    const stack = [id];
    let simpleChain = true;
    while (stack.length > 0) {
      const cur = stack.pop() as string;
      add(cur, labels);
      const kids = g.children(cur);
      if (kids.length > 1 || g.downCount(cur) > 1 || isRealBranchPoint(g, cur)) simpleChain = false;
      for (const k of kids) {
        if (!seen.has(k)) {
          seen.add(k);
          stack.push(k);
        }
      }
    }
    if (!simpleChain) continue;
    // 2. The walk from the tip reached R without stopping: continue below R.
    const walked = new Set<string>(seen);
    let cur = id;
    for (;;) {
      if (g.downCount(cur) !== 1) break; // a base (or a merge, excluded above)
      const ps = g.downRevisions(cur);
      if (ps.length !== 1) break; // the parent is missing from the folder
      const p = ps[0];
      if (walked.has(p)) break; // a cycle: alembic would loop forever here
      walked.add(p);
      if (isRealBranchPoint(g, p) || g.downCount(p) > 1) break;
      add(p, labels);
      cur = p;
    }
  }
  return out;
}
