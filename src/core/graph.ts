// The revision graph, with alembic's semantics (alembic/script/revision.py RevisionMap).
// Pure and iterative: broken links and cycles never make anything throw, hang or recurse.
import type { MigrationFile, Revision } from './types';
import { computeLabelCoverage, computeLabelCoverageIndexed, type LabelGraphView } from './labels';
import { fileNeedsDiagnostics, type CycleKind } from './errors';
import { loadOrder } from './load-order';

export { compareLoadOrder } from './load-order';

/** A link to a revision id that no file defines. */
export interface MissingRef {
  /** The revision whose file holds the link. */
  from: string;
  file: MigrationFile;
  missing: string;
  field: 'down_revision' | 'depends_on';
}

export interface LabelConflict {
  label: string;
  /** The revision (file) that reuses the label. */
  revision: string;
  file: MigrationFile;
  /** The revision that already owns the label (or whose id equals the label). */
  usedBy: string;
}

export interface CycleInfo {
  /** alembic's wording: 'Cycle' / 'Self-loop' when the loop closes through down_revision alone, else the 'Dependency …' forms. */
  kind: CycleKind;
  /** Sorted ids of the strongly connected component (one id for a self-loop). */
  revisions: string[];
}

const EMPTY: readonly string[] = Object.freeze([]) as readonly string[];

function uniq(xs: string[]): string[] {
  if (xs.length < 2) return xs;
  const s = new Set(xs);
  return s.size === xs.length ? xs : [...s];
}

/**
 * Revision id → revision as a read-only map over the dense index: the id → index map the build
 * needs anyway, and the revisions in map order. Iterates like the Map it stands for (ids in
 * first-occurrence load order).
 */
class RevisionIndex implements ReadonlyMap<string, Revision> {
  constructor(
    private readonly ids: ReadonlyMap<string, number>,
    private readonly revs: readonly Revision[],
  ) {}

  get size(): number {
    return this.revs.length;
  }

  get(id: string): Revision | undefined {
    const i = this.ids.get(id);
    return i === undefined ? undefined : this.revs[i];
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  keys(): MapIterator<string> {
    return this.ids.keys();
  }

  values(): MapIterator<Revision> {
    return this.revs.values();
  }

  entries(): MapIterator<[string, Revision]> {
    return this.revs.map((r): [string, Revision] => [r.id, r]).values();
  }

  [Symbol.iterator](): MapIterator<[string, Revision]> {
    return this.entries();
  }

  forEach(callback: (value: Revision, key: string, map: ReadonlyMap<string, Revision>) => void, thisArg?: unknown): void {
    for (const r of this.revs) callback.call(thisArg, r, r.id, this);
  }
}

export class RevisionGraph {
  /** Files in alembic's load order (see compareLoadOrder). */
  readonly files: readonly MigrationFile[];
  /** Revision id → revision; for a duplicated id the file loaded last wins, as in alembic. */
  readonly revisions: ReadonlyMap<string, Revision>;
  /** alembic's `heads` (down_revision only), sorted. Includes a duplicated id: alembic keeps the losing file as an extra head. */
  readonly heads: readonly string[];
  /** Revisions with down_revision None (several allowed), sorted; duplicated ids count as alembic counts them. */
  readonly bases: readonly string[];
  readonly mergePoints: readonly string[];
  readonly branchPoints: readonly string[];
  /** Branch label → the revision that declares it (the first declaration wins on conflicts). */
  readonly labels: ReadonlyMap<string, string>;
  /** Files that may carry file-level diagnostics (a reader problem or an illegal id), in load order; graphDiagnostics() reads them. */
  readonly flaggedFiles: readonly MigrationFile[];
  /** Every file per duplicated id, in load order (the last one wins). */
  readonly duplicates: ReadonlyMap<string, readonly MigrationFile[]>;
  readonly missingRefs: readonly MissingRef[];
  readonly labelConflicts: readonly LabelConflict[];
  readonly cycles: readonly CycleInfo[];
  /** Ids in the order alembic's map holds them (first occurrence in load order), then labels: drives the listing in "Multiple revisions start with". */
  readonly mapKeyOrder: readonly string[];
  /** Heads that no revision depends on, sorted (alembic's `_real_heads`; what `heads` resolves to). */
  private readonly realHeads: readonly string[];
  private readonly coverage: (id: string) => readonly string[] | undefined;
  private topo: string[] | undefined;
  /** Dense index → id, the id → index map, and each revision's parents for topoOrder (compressed rows). */
  private readonly ids: readonly string[];
  private readonly idIndex: ReadonlyMap<string, number>;
  private readonly parentStart: Int32Array;
  private readonly parentList: Int32Array;

  private constructor(files: MigrationFile[]) {
    this.files = files;
    // Winning files by dense index, in the order alembic's map holds the ids (first occurrence).
    const index = new Map<string, number>();
    const winners: MigrationFile[] = [];
    const keyOrder: string[] = [];
    let duplicates: Map<string, MigrationFile[]> | undefined;
    const labelledFiles: MigrationFile[] = [];
    const flagged: MigrationFile[] = []; // files that may carry file-level diagnostics
    this.flaggedFiles = flagged;
    for (let f = 0; f < files.length; f++) {
      const file = files[f];
      if (fileNeedsDiagnostics(file)) flagged.push(file);
      const id = file.revision;
      if (id === null) continue;
      if (file.branchLabels.length > 0) labelledFiles.push(file);
      const i = index.get(id);
      if (i === undefined) {
        index.set(id, winners.length);
        winners.push(file);
        keyOrder.push(id);
      } else {
        duplicates ??= new Map();
        const list = duplicates.get(id);
        if (list) list.push(file);
        else duplicates.set(id, [winners[i], file]);
        winners[i] = file;
      }
    }
    const n = winners.length;

    // Branch labels: alembic maps each label of every loaded file (losing duplicates too) and
    // refuses a label already mapped or equal to a revision id.
    const labels = new Map<string, string>();
    const labelConflicts: LabelConflict[] = [];
    const labelled: Array<{ index: number; id: string; labels: string[] }> = [];
    for (const file of labelledFiles) {
      const id = file.revision as string;
      for (const label of uniq(file.branchLabels)) {
        const usedBy = index.has(label) ? label : labels.get(label);
        if (usedBy !== undefined) {
          labelConflicts.push({ label, revision: id, file, usedBy });
          continue;
        }
        labels.set(label, id);
      }
      const i = index.get(id) as number;
      if (winners[i] === file) labelled.push({ index: i, id, labels: file.branchLabels.slice() });
    }
    for (const l of labels.keys()) keyOrder.push(l);

    // Links, as dense indices: present down_revision parents (compressed rows), depends_on
    // targets, and the in/out-degrees of the parents-first order (down_revision ∪ depends_on,
    // each pair once).
    const missingRefs: MissingRef[] = [];
    const downRevs = new Array<string[]>(n);
    const dependsOn = new Array<string[] | undefined>(n);
    const downStart = new Int32Array(n + 1);
    const downList: number[] = [];
    const downCount = new Int32Array(n);
    const inDegree = new Int32Array(n);
    const outDegree = new Int32Array(n);
    const childCount = new Int32Array(n);
    const depCount = new Int32Array(n);
    const depEdges: number[] = []; // triples (target, dependent, 1 when also a down_revision edge)
    for (let i = 0; i < n; i++) {
      const file = winners[i];
      const id = file.revision as string;
      downStart[i] = downList.length;
      const downs = uniq(file.downRevisions);
      downRevs[i] = downs;
      downCount[i] = downs.length;
      for (let k = 0; k < downs.length; k++) {
        const j = index.get(downs[k]);
        if (j === undefined) {
          missingRefs.push({ from: id, file, missing: downs[k], field: 'down_revision' });
          continue;
        }
        downList.push(j);
        childCount[j]++;
        outDegree[j]++;
        inDegree[i]++;
      }
      if (file.dependsOn.length === 0) continue;
      const deps: string[] = [];
      for (const name of uniq(file.dependsOn)) {
        const target = index.has(name) ? name : labels.get(name);
        if (target === undefined) {
          missingRefs.push({ from: id, file, missing: name, field: 'depends_on' });
          continue;
        }
        if (!deps.includes(target)) deps.push(target);
      }
      dependsOn[i] = deps;
      for (const d of deps) {
        const j = index.get(d) as number;
        depCount[j]++;
        const alsoDown = downs.includes(d);
        depEdges.push(j, i, alsoDown ? 1 : 0);
        if (alsoDown) continue;
        outDegree[j]++;
        inDegree[i]++;
      }
    }
    downStart[n] = downList.length;

    // Children (compressed rows) and every out-edge, for the parents-first order.
    const childStart = new Int32Array(n + 1);
    const outStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      childStart[i + 1] = childStart[i] + childCount[i];
      outStart[i + 1] = outStart[i] + outDegree[i];
    }
    const childList = new Int32Array(childStart[n]);
    const outList = new Int32Array(outStart[n]);
    const outFill = outStart.slice(0, n);
    const childFill = childStart.slice(0, n);
    for (let i = 0; i < n; i++) {
      for (let e = downStart[i]; e < downStart[i + 1]; e++) {
        const j = downList[e];
        childList[childFill[j]++] = i;
        outList[outFill[j]++] = i;
      }
    }
    const dependents = new Array<string[] | undefined>(n);
    for (let e = 0; e < depEdges.length; e += 3) {
      const j = depEdges[e];
      const i = depEdges[e + 1];
      (dependents[j] ??= []).push(winners[i].revision as string);
      if (depEdges[e + 2] === 0) outList[outFill[j]++] = i;
    }

    // The Revision objects, each list at its final size; heads, bases, merge and branch points.
    const revs = new Array<Revision>(n);
    const heads: string[] = [];
    const realHeads: string[] = [];
    const bases: string[] = [];
    const mergePoints: string[] = [];
    const branchPoints: string[] = [];
    for (let i = 0; i < n; i++) {
      const file = winners[i];
      const id = file.revision as string;
      const kids = childCount[i];
      let children: string[];
      if (kids === 0) children = [];
      else if (kids === 1) children = [keyOrder[childList[childStart[i]]]];
      else {
        children = [];
        for (let e = childStart[i]; e < childStart[i + 1]; e++) children.push(keyOrder[childList[e]]);
        children.sort();
        branchPoints.push(id);
      }
      const deps = dependents[i];
      if (deps !== undefined && deps.length > 1) deps.sort();
      revs[i] = {
        id,
        file,
        downRevisions: downRevs[i],
        dependsOn: dependsOn[i] ?? [],
        branchLabels: file.branchLabels,
        children,
        dependents: deps ?? [],
      };
      if (kids === 0) {
        heads.push(id);
        if (depCount[i] === 0) realHeads.push(id);
      }
      if (file.downRevisions.length === 0) bases.push(id);
      if (downCount[i] > 1) mergePoints.push(id);
    }
    if (duplicates) {
      for (const [id, list] of duplicates) {
        // alembic keeps the losing Revision objects in its head/base sets: nothing points at them.
        if (!heads.includes(id)) heads.push(id);
        if (!realHeads.includes(id)) realHeads.push(id);
        if (!bases.includes(id) && list.slice(0, -1).some((f) => f.downRevisions.length === 0)) bases.push(id);
      }
    }

    const revisions = new RevisionIndex(index, revs);
    this.revisions = revisions;
    this.duplicates = duplicates ?? new Map<string, readonly MigrationFile[]>();
    this.labels = labels;
    this.labelConflicts = labelConflicts;
    this.missingRefs = missingRefs;
    this.mapKeyOrder = keyOrder;
    this.heads = heads.sort();
    this.realHeads = realHeads.sort();
    this.bases = bases.sort();
    this.mergePoints = mergePoints.sort();
    this.branchPoints = branchPoints.sort();

    // Parents for topoOrder, as parentsOf(id, true) lists them: present down_revision entries,
    // then depends_on targets that are not among them.
    const parentStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) parentStart[i + 1] = parentStart[i] + inDegree[i];
    const parentList = new Int32Array(parentStart[n]);
    const parentFill = parentStart.slice(0, n);
    for (let i = 0; i < n; i++) for (let e = downStart[i]; e < downStart[i + 1]; e++) parentList[parentFill[i]++] = downList[e];
    for (let e = 0; e < depEdges.length; e += 3) if (depEdges[e + 2] === 0) parentList[parentFill[depEdges[e + 1]]++] = depEdges[e];
    this.ids = keyOrder;
    this.idIndex = index;
    this.parentStart = parentStart;
    this.parentList = parentList;

    // Parents-first order through down_revision and depends_on (Kahn); whatever it cannot order
    // sits on or above a cycle, and only then is Tarjan's algorithm needed.
    const order = new Int32Array(n);
    let ordered = 0;
    for (let i = 0; i < n; i++) if (inDegree[i] === 0) order[ordered++] = i;
    for (let k = 0; k < ordered; k++) {
      const i = order[k];
      for (let e = outStart[i]; e < outStart[i + 1]; e++) {
        const j = outList[e];
        if (--inDegree[j] === 0) order[ordered++] = j;
      }
    }
    if (ordered === n) {
      this.cycles = [];
      const get = computeLabelCoverageIndexed(
        { n, downStart, downList: Int32Array.from(downList), childStart, childList, downCount, outDegree },
        labelled,
        order,
      );
      this.coverage = (id) => {
        const i = index.get(id);
        return i === undefined ? undefined : get(i);
      };
    } else {
      const pending: string[] = [];
      for (let i = 0; i < n; i++) if (inDegree[i] > 0) pending.push(keyOrder[i]);
      this.cycles = findCycles(revisions, pending);
      const brokenDown = new Set(missingRefs.filter((m) => m.field === 'down_revision').map((m) => m.from));
      const view: LabelGraphView = {
        children: (id) => revisions.get(id)?.children ?? EMPTY,
        dependents: (id) => revisions.get(id)?.dependents ?? EMPTY,
        downRevisions: (id) => {
          const r = revisions.get(id);
          if (!r) return EMPTY;
          return brokenDown.has(id) ? r.downRevisions.filter((d) => revisions.has(d)) : r.downRevisions;
        },
        downCount: (id) => revisions.get(id)?.downRevisions.length ?? 0,
      };
      const slow = computeLabelCoverage(view, labelled);
      this.coverage = (id) => (slow.has(id) ? [...(slow.get(id) as Set<string>)] : undefined);
    }
  }

  /** Builds the graph; `files` may come in any order (they are sorted into alembic's load order). */
  static build(files: readonly MigrationFile[]): RevisionGraph {
    return new RevisionGraph(loadOrder(files));
  }



  get(id: string): Revision | undefined {
    return this.revisions.get(id);
  }

  /** Labels that cover `id` under alembic's rule (see labels.ts), sorted. */
  effectiveBranchLabels(id: string): string[] {
    const s = this.coverage(id);
    if (s === undefined || s.length === 0) return [];
    return s.length === 1 ? [s[0]] : [...new Set(s)].sort();
  }

  /** Heads that no other revision depends on (alembic's `_real_heads`; the `heads` target), sorted. */
  effectiveHeads(): string[] {
    return this.realHeads.slice();
  }

  /** Parents of `id` present in the folder: down_revision, plus depends_on when asked. */
  parentsOf(id: string, dependencies = false): string[] {
    const r = this.revisions.get(id);
    if (!r) return [];
    const out = r.downRevisions.filter((d) => this.revisions.has(d));
    if (dependencies) for (const d of r.dependsOn) if (!out.includes(d)) out.push(d);
    return out;
  }

  /**
   * `ids` and everything below them (inclusive; unknown ids are skipped). Follows down_revision,
   * and depends_on too when `dependencies` is true (default false).
   */
  ancestors(ids: Iterable<string>, opts: { dependencies?: boolean } = {}): Set<string> {
    const deps = opts.dependencies === true;
    return this.walk(ids, (r) => (deps ? [...r.downRevisions, ...r.dependsOn] : r.downRevisions));
  }

  /** `ids` and everything above them (inclusive). Follows children, and dependents when asked (default false). */
  descendants(ids: Iterable<string>, opts: { dependencies?: boolean } = {}): Set<string> {
    const deps = opts.dependencies === true;
    return this.walk(ids, (r) => (deps ? [...r.children, ...r.dependents] : r.children));
  }

  private walk(ids: Iterable<string>, next: (r: Revision) => readonly string[]): Set<string> {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const id of ids) {
      if (this.revisions.has(id) && !seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    }
    while (stack.length > 0) {
      const r = this.revisions.get(stack.pop() as string) as Revision;
      for (const n of next(r)) {
        if (!seen.has(n) && this.revisions.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return seen;
  }

  /**
   * Every revision, parents (and dependencies) before children. Deterministic: a depth-first
   * post-order from the heads (sorted), so each branch stays together. Revisions on a cycle still
   * appear exactly once.
   */
  topoOrder(): string[] {
    if (!this.topo) this.topo = this.computeTopo();
    return this.topo.slice();
  }

  /** topoOrder reversed: heads first, as `alembic history` lists. */
  newestFirst(): string[] {
    return this.topoOrder().reverse();
  }

  private computeTopo(): string[] {
    const { ids, parentStart, parentList } = this;
    const n = this.revisions.size;
    const out: string[] = [];
    const state = new Uint8Array(n); // 1 = on the stack, 2 = emitted
    const stackNode = new Int32Array(n);
    const stackEdge = new Int32Array(n);
    const visit = (start: number): void => {
      state[start] = 1;
      stackNode[0] = start;
      stackEdge[0] = parentStart[start];
      let sp = 1;
      while (sp > 0) {
        const top = stackNode[sp - 1];
        const e = stackEdge[sp - 1];
        if (e < parentStart[top + 1]) {
          stackEdge[sp - 1] = e + 1;
          const p = parentList[e];
          if (state[p] === 0) {
            state[p] = 1;
            stackNode[sp] = p;
            stackEdge[sp] = parentStart[p];
            sp++;
          }
        } else {
          sp--;
          state[top] = 2;
          out.push(ids[top]);
        }
      }
    };
    for (const h of this.heads) {
      const i = this.idIndex.get(h);
      if (i !== undefined && state[i] === 0) visit(i);
    }
    for (let i = 0; i < n; i++) if (state[i] === 0) visit(i);
    return out;
  }

}

/** Strongly connected components through down_revision + depends_on (iterative Tarjan). */
function findCycles(revisions: ReadonlyMap<string, Revision>, candidates: readonly string[]): CycleInfo[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const sccStack: string[] = [];
  const cycles: CycleInfo[] = [];
  let counter = 0;
  const edges = (id: string): string[] => {
    const r = revisions.get(id) as Revision;
    const out: string[] = [];
    for (const d of r.downRevisions) if (revisions.has(d)) out.push(d);
    for (const d of r.dependsOn) if (!out.includes(d)) out.push(d);
    return out;
  };
  for (const root of candidates.slice().sort()) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: string[]; i: number }> = [];
    const open = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      sccStack.push(id);
      onStack.add(id);
      work.push({ id, next: edges(id), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.next.length) {
        const n = top.next[top.i++];
        if (!index.has(n)) open(n);
        else if (onStack.has(n)) low.set(top.id, Math.min(low.get(top.id) as number, index.get(n) as number));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent) as number, low.get(top.id) as number));
      }
      if (low.get(top.id) === index.get(top.id)) {
        const comp: string[] = [];
        let x: string;
        do {
          x = sccStack.pop() as string;
          onStack.delete(x);
          comp.push(x);
        } while (x !== top.id);
        const self = comp.length === 1 && edges(comp[0]).includes(comp[0]);
        if (comp.length > 1 || self) {
          const k = cycleKind(revisions, new Set(comp));
          const kind: CycleKind = self ? (k === 'Cycle' ? 'Self-loop' : 'Dependency self-loop') : k;
          cycles.push({ kind, revisions: comp.sort() });
        }
      }
    }
  }
  return cycles.sort((a, b) => (a.revisions[0] < b.revisions[0] ? -1 : a.revisions[0] > b.revisions[0] ? 1 : 0));
}

/** 'Cycle' when the component still loops through down_revision edges alone. */
function cycleKind(revisions: ReadonlyMap<string, Revision>, comp: Set<string>): 'Cycle' | 'Dependency cycle' {
  // Kahn's algorithm restricted to down_revision edges inside the component.
  const indeg = new Map<string, number>();
  for (const id of comp) indeg.set(id, 0);
  for (const id of comp) {
    for (const d of (revisions.get(id) as Revision).downRevisions) if (comp.has(d)) indeg.set(d, (indeg.get(d) as number) + 1);
  }
  const queue = [...comp].filter((id) => indeg.get(id) === 0);
  let removed = 0;
  while (queue.length > 0) {
    const id = queue.pop() as string;
    removed++;
    for (const d of (revisions.get(id) as Revision).downRevisions) {
      if (!comp.has(d)) continue;
      const v = (indeg.get(d) as number) - 1;
      indeg.set(d, v);
      if (v === 0) queue.push(d);
    }
  }
  return removed < comp.size ? 'Cycle' : 'Dependency cycle';
}
