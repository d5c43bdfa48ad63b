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

/**
 * The acyclic graph as dense indices (0..n-1), for computeLabelCoverageIndexed. Lists are in
 * compressed rows: the entries of revision i are `list[start[i]]` … `list[start[i + 1] - 1]`.
 */
export interface IndexedLabelGraph {
  n: number;
  /** Present down_revision parents. */
  downStart: Int32Array;
  downList: Int32Array;
  /** Revisions whose down_revision names i (present ones). */
  childStart: Int32Array;
  childList: Int32Array;
  /** The raw number of down_revision entries (a merge point has more than one). */
  downCount: Int32Array;
  /** |children ∪ dependents|: more than 1 makes a "real" branch point. */
  outDegree: Int32Array;
}

/**
 * The same result as computeLabelCoverage in linear time, for an acyclic graph: `order` lists
 * every revision index with its down_revision parents first. Label lists are shared between a
 * revision and its only parent, so a long line costs no copies. `get(i)` gives the labels of
 * revision i unsorted, possibly with repeats.
 */
export function computeLabelCoverageIndexed(
  g: IndexedLabelGraph,
  labelled: ReadonlyArray<{ index: number; labels: readonly string[] }>,
  order: Int32Array,
): (i: number) => readonly string[] | undefined {
  const { downStart, downList, childStart, childList, downCount, outDegree } = g;
  const own = new Array<readonly string[] | undefined>(g.n);
  let any = false;
  for (const { index, labels } of labelled) {
    if (labels.length > 0) {
      own[index] = labels;
      any = true;
    }
  }
  if (!any) return () => undefined;
  const inherited = new Array<readonly string[] | undefined>(g.n);
  // 1. Descendants: each revision inherits its parents' labels.
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    let acc: readonly string[] | undefined;
    for (let e = downStart[i]; e < downStart[i + 1]; e++) {
      const s = inherited[downList[e]];
      if (s === undefined || s === acc) continue;
      acc = acc === undefined ? s : [...new Set([...acc, ...s])];
    }
    const mine = own[i];
    if (mine !== undefined) acc = acc === undefined ? mine : [...new Set([...acc, ...mine])];
    if (acc !== undefined) inherited[i] = acc;
  }
  // 2. Which labelled revisions head a simple chain: walk each chain once, memoised
  //    (0 = unknown, 1 = simple, 2 = not simple).
  const simple = new Int8Array(g.n);
  const onPath = new Int32Array(g.n); // the walk number that last visited each revision
  let walk = 0;
  const isSimple = (start: number): boolean => {
    walk++;
    const path: number[] = [];
    let cur = start;
    let result = true;
    while (cur >= 0) {
      const known = simple[cur];
      if (known !== 0) {
        result = known === 1;
        break;
      }
      if (onPath[cur] === walk) break; // a loop of single children: treat as simple, the walk below stops on it
      onPath[cur] = walk;
      path.push(cur);
      const kids = childStart[cur + 1] - childStart[cur];
      if (kids > 1 || downCount[cur] > 1 || outDegree[cur] > 1) {
        result = false;
        break;
      }
      cur = kids === 1 ? childList[childStart[cur]] : -1;
    }
    for (const p of path) simple[p] = result ? 1 : 2;
    return result;
  };
  // 3. Walk below every labelled revision whose descendants form a simple chain.
  const extra = new Map<number, string[]>();
  for (const { index, labels } of labelled) {
    if (labels.length === 0 || !isSimple(index)) continue;
    walk++;
    onPath[index] = walk;
    let cur = index;
    for (;;) {
      if (downCount[cur] !== 1) break;
      if (downStart[cur + 1] - downStart[cur] !== 1) break;
      const p = downList[downStart[cur]];
      if (onPath[p] === walk) break;
      onPath[p] = walk;
      if (outDegree[p] > 1 || downCount[p] > 1) break;
      const e = extra.get(p);
      if (e) e.push(...labels);
      else extra.set(p, labels.slice());
      cur = p;
    }
  }
  if (extra.size === 0) return (i) => inherited[i];
  return (i) => {
    const a = inherited[i];
    const b = extra.get(i);
    if (b === undefined) return a;
    return a === undefined ? b : [...a, ...b];
  };
}

/**
 * Returns revision id → effective labels for every revision that gets at least one label.
 * Works on any graph (cycles included); quadratic in the worst case, so the graph uses
 * computeLabelCoverageIndexed when it is acyclic.
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
