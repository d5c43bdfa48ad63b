// The revision graph as a picture: git-graph-style lanes, newest at the top. Pure: no I/O.
//
// Rows come in the order given (the sidebar's newest-first order, so picture and tree agree).
// Walking the rows top to bottom, every edge to a parent below occupies one lane from the row
// under its child down to the row above its parent: the first parent continues the child's own
// lane, every further parent (a merge) opens a new one. A parent takes the leftmost lane that
// waits for it; the other lanes waiting for it converge into it (a branch point). A revision no
// lane waits for (a head) takes the leftmost free lane. A parent no file defines becomes a ghost
// row just below its lowest child. A parent drawn above its child (only in a cycle) gets no lane:
// it is a 'back' edge. depends_on edges get no lane either: they are drawn dashed, node to node.
// Every loop is bounded by rows + edges: cycles, duplicates and broken links never hang it.

export interface LayoutInput {
  id: string;
  /** down_revision, in file order. */
  parents: readonly string[];
  dependsOn: readonly string[];
}

export interface LayoutRow {
  id: string;
  lane: number;
  /** A parent no file defines, drawn so the broken link shows (and can be repaired). */
  ghost: boolean;
}

export type EdgeKind = 'down' | 'depends' | 'back';

export interface LayoutEdge {
  kind: EdgeKind;
  /** Row of the child (the revision whose file holds the link). */
  child: number;
  /** Row of the parent (down_revision or depends_on target). */
  parent: number;
  childLane: number;
  /** The lane the edge runs down in ('down' edges; for the others the child's lane). */
  lane: number;
  parentLane: number;
}

export interface GraphLayout {
  rows: LayoutRow[];
  edges: LayoutEdge[];
  /** Number of lanes used (the picture's width in lanes). */
  lanes: number;
}

/** A min-heap of free lane numbers, so the leftmost free lane is found in O(log lanes). */
class FreeLanes {
  private readonly heap: number[] = [];
  private next = 0;

  take(): number {
    const h = this.heap;
    if (h.length === 0) return this.next++;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l] < h[m]) m = l;
        if (r < h.length && h[r] < h[m]) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  give(lane: number): void {
    const h = this.heap;
    h.push(lane);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= h[i]) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  get used(): number {
    return this.next;
  }
}

/** The rows in drawing order: the revisions as given (first occurrence of an id wins), each ghost
 * parent right after the lowest of its children. */
function orderRows(revisions: readonly LayoutInput[]): { rows: { id: string; input: LayoutInput | null }[]; index: Map<string, number> } {
  const known = new Map<string, LayoutInput>();
  const kept: LayoutInput[] = [];
  for (const r of revisions) {
    if (known.has(r.id)) continue;
    known.set(r.id, r);
    kept.push(r);
  }
  // Ghost id → index (in `kept`) of its lowest child.
  const ghostAfter = new Map<string, number>();
  kept.forEach((r, i) => {
    for (const p of r.parents) if (!known.has(p)) ghostAfter.set(p, i);
  });
  const ghostsAt = new Map<number, string[]>();
  for (const [g, i] of ghostAfter) {
    const list = ghostsAt.get(i);
    if (list) list.push(g);
    else ghostsAt.set(i, [g]);
  }
  const rows: { id: string; input: LayoutInput | null }[] = [];
  kept.forEach((r, i) => {
    rows.push({ id: r.id, input: r });
    for (const g of ghostsAt.get(i) ?? []) rows.push({ id: g, input: null });
  });
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.id, i));
  return { rows, index };
}

export function layoutGraph(revisions: readonly LayoutInput[]): GraphLayout {
  const { rows: ordered, index } = orderRows(revisions);
  const free = new FreeLanes();
  /** Row of a parent → the lanes waiting for it. */
  const waiting = new Map<number, number[]>();
  const rows: LayoutRow[] = new Array<LayoutRow>(ordered.length);
  const edges: LayoutEdge[] = [];
  const downEdges: { edge: LayoutEdge; waitsFor: number }[] = [];

  for (let i = 0; i < ordered.length; i++) {
    const { id, input } = ordered[i];
    const lanesHere = waiting.get(i);
    waiting.delete(i);
    let lane: number;
    if (lanesHere && lanesHere.length > 0) {
      lane = lanesHere[0];
      for (const l of lanesHere) if (l < lane) lane = l;
      // Every lane that waited here ends here; the lane this row keeps is re-used by its first parent.
      for (const l of lanesHere) if (l !== lane) free.give(l);
    } else {
      lane = free.take();
    }
    rows[i] = { id, lane, ghost: input === null };
    let laneKept = false;
    // Parents are one or two ids: a short list checks repeats without a Set per row (no garbage).
    const parents = input?.parents ?? [];
    for (let k = 0; k < parents.length; k++) {
      const pr = index.get(parents[k]);
      if (pr === undefined || parents.indexOf(parents[k]) !== k) continue;
      if (pr <= i) {
        edges.push({ kind: 'back', child: i, parent: pr, childLane: lane, lane, parentLane: rows[pr].lane });
        continue;
      }
      const edgeLane = laneKept ? free.take() : lane;
      laneKept = true;
      const edge: LayoutEdge = { kind: 'down', child: i, parent: pr, childLane: lane, lane: edgeLane, parentLane: -1 };
      edges.push(edge);
      downEdges.push({ edge, waitsFor: pr });
      const list = waiting.get(pr);
      if (list) list.push(edgeLane);
      else waiting.set(pr, [edgeLane]);
    }
    if (!laneKept) free.give(lane);
  }
  for (const { edge, waitsFor } of downEdges) edge.parentLane = rows[waitsFor].lane;
  // depends_on: node to node, after the lanes are known.
  ordered.forEach(({ input }, i) => {
    const deps = input?.dependsOn ?? [];
    for (let k = 0; k < deps.length; k++) {
      const dr = index.get(deps[k]);
      if (dr === undefined || dr === i || deps.indexOf(deps[k]) !== k) continue;
      edges.push({ kind: 'depends', child: i, parent: dr, childLane: rows[i].lane, lane: rows[i].lane, parentLane: rows[dr].lane });
    }
  });
  return { rows, edges, lanes: Math.max(1, free.used) };
}

/** A run of rows that can fold: consecutive rows, each the only parent of the row above, with
 * nothing else joining or leaving. Folding hides the rows strictly between `first` and `last`. */
export interface LinearRun {
  first: number;
  last: number;
}

/**
 * Linear runs of at least `minLength` rows. `keep(row)` says a row must stay visible (a head, a
 * base, a labelled revision, the current one…): it breaks a run.
 */
export function linearRuns(layout: GraphLayout, minLength: number, keep: (row: number) => boolean): LinearRun[] {
  const n = layout.rows.length;
  const parentCount = new Int32Array(n);
  const childCount = new Int32Array(n);
  /** The row's only down parent's row (if it has exactly one), else -1. */
  const onlyParent = new Int32Array(n).fill(-1);
  for (const e of layout.edges) {
    if (e.kind === 'depends') {
      // A dependency in or out keeps the row visible, so its dashed line has both ends.
      parentCount[e.child] += 2;
      childCount[e.parent] += 2;
      continue;
    }
    parentCount[e.child]++;
    childCount[e.parent]++;
    onlyParent[e.child] = e.parent;
  }
  const linked = (i: number): boolean =>
    // Row i's only parent is row i + 1, on the same lane, and that parent has only this child.
    parentCount[i] === 1 && onlyParent[i] === i + 1 && childCount[i + 1] === 1 && layout.rows[i].lane === layout.rows[i + 1].lane;
  const runs: LinearRun[] = [];
  let start = 0;
  while (start < n) {
    let end = start;
    if (!layout.rows[start].ghost) {
      // A row that must stay may end a run (it stays visible), never sit inside one.
      while (end + 1 < n && linked(end) && !layout.rows[end + 1].ghost) {
        end++;
        if (keep(end)) break;
      }
    }
    if (end - start + 1 >= minLength) runs.push({ first: start, last: end });
    start = end + 1;
  }
  return runs;
}

/** What is drawn on one line of the picture: a row, or a fold standing for hidden rows. */
export type DisplayLine = { kind: 'row'; row: number } | { kind: 'fold'; run: number; hidden: number; lane: number };

/**
 * The lines drawn with the given runs folded, and row → line (a hidden row maps to its fold).
 * Only interior rows of a run hide, so every edge crossing a fold is a straight vertical line.
 */
export function foldLines(layout: GraphLayout, runs: readonly LinearRun[], folded: (run: number) => boolean): { lines: DisplayLine[]; lineOf: Int32Array } {
  const n = layout.rows.length;
  const lineOf = new Int32Array(n);
  const lines: DisplayLine[] = [];
  let r = 0;
  let row = 0;
  while (row < n) {
    const run = r < runs.length && runs[r].first === row ? runs[r] : null;
    if (run && folded(r) && run.last - run.first >= 2) {
      lineOf[row] = lines.length;
      lines.push({ kind: 'row', row });
      const foldLine = lines.length;
      lines.push({ kind: 'fold', run: r, hidden: run.last - run.first - 1, lane: layout.rows[row].lane });
      for (let k = run.first + 1; k < run.last; k++) lineOf[k] = foldLine;
      lineOf[run.last] = lines.length;
      lines.push({ kind: 'row', row: run.last });
      row = run.last + 1;
      r++;
      continue;
    }
    if (run) r++;
    lineOf[row] = lines.length;
    lines.push({ kind: 'row', row });
    row++;
  }
  return { lines, lineOf };
}

/** Lane and line of a point on the picture; `laneWidth`/`lineHeight` in pixels. */
export interface Geometry {
  laneWidth: number;
  lineHeight: number;
  /** Left margin before lane 0. */
  left: number;
}

export function laneX(g: Geometry, lane: number): number {
  return g.left + lane * g.laneWidth + g.laneWidth / 2;
}

export function lineY(g: Geometry, line: number): number {
  return line * g.lineHeight + g.lineHeight / 2;
}

/**
 * The SVG path of an edge between lines `c` (child) and `p` (parent). A 'down' edge curves into
 * its lane under the child, runs straight, and curves into the parent's lane above the parent. A
 * 'back' edge (cycle) or a 'depends' edge bows out to the right of both ends.
 */
export function edgePath(g: Geometry, e: Pick<LayoutEdge, 'kind' | 'childLane' | 'lane' | 'parentLane'>, c: number, p: number): string {
  const x1 = laneX(g, e.childLane);
  const y1 = lineY(g, c);
  const x2 = laneX(g, e.parentLane);
  const y2 = lineY(g, p);
  const h = g.lineHeight;
  if (e.kind !== 'down') {
    const bow = Math.max(x1, x2) + g.laneWidth * (e.kind === 'back' ? 1.2 : 0.8);
    return `M${x1} ${y1}C${bow} ${y1} ${bow} ${y2} ${x2} ${y2}`;
  }
  const xl = laneX(g, e.lane);
  if (p - c <= 1) {
    if (x1 === x2) return `M${x1} ${y1}L${x2} ${y2}`;
    const my = (y1 + y2) / 2;
    return `M${x1} ${y1}C${x1} ${my} ${x2} ${my} ${x2} ${y2}`;
  }
  let d = `M${x1} ${y1}`;
  let y = y1;
  if (xl !== x1) {
    y = y1 + h;
    d += `C${x1} ${y1 + h / 2} ${xl} ${y1 + h / 2} ${xl} ${y}`;
  }
  const yEnd = xl !== x2 ? y2 - h : y2;
  if (yEnd > y) d += `L${xl} ${yEnd}`;
  if (xl !== x2) d += `C${xl} ${y2 - h / 2} ${x2} ${y2 - h / 2} ${x2} ${y2}`;
  return d;
}
