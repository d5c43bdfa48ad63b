// The revision graph, with alembic's semantics (alembic/script/revision.py RevisionMap).
// Pure and iterative: broken links and cycles never make anything throw, hang or recurse.
import type { Diagnostic, MigrationFile, Revision } from './types';
import { computeLabelCoverage, computeLabelCoverageOrdered, type LabelCoverage, type LabelGraphView } from './labels';
import { computeGraphDiagnostics } from './graph-diagnostics';
import type { CycleKind } from './errors';

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

/**
 * Orders paths the way alembic (1.10+) loads them from one version location: a top-down walk,
 * each folder's files sorted by code point before its sub-folders (also sorted).
 */
export function compareLoadOrder(a: string, b: string): number {
  if (a === b) return 0;
  return compareSegments(a.split(/[\\/]/), b.split(/[\\/]/));
}

function compareSegments(sa: readonly string[], sb: readonly string[]): number {
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const lastA = i === sa.length - 1;
    const lastB = i === sb.length - 1;
    if (lastA !== lastB) return lastA ? -1 : 1;
    if (sa[i] !== sb[i]) return sa[i] < sb[i] ? -1 : 1;
  }
  return sa.length - sb.length;
}

/** True when every file sits in one folder and the list is already sorted (the usual case): no re-sort needed. */
function inFlatLoadOrder(files: readonly MigrationFile[]): boolean {
  if (files.length === 0) return true;
  const first = files[0].path;
  const dirEnd = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
  const dir = first.slice(0, dirEnd + 1);
  let prev = '';
  for (const f of files) {
    const p = f.path;
    if (p.length <= dir.length || !p.startsWith(dir)) return false;
    const name = p.slice(dir.length);
    if (name.includes('/') || name.includes('\\') || name < prev) return false;
    prev = name;
  }
  return true;
}

function uniq(xs: string[]): string[] {
  if (xs.length < 2) return xs;
  const s = new Set(xs);
  return s.size === xs.length ? xs : [...s];
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
  readonly diagnostics: readonly Diagnostic[];
  /** Every file per duplicated id, in load order (the last one wins). */
  readonly duplicates: ReadonlyMap<string, readonly MigrationFile[]>;
  readonly missingRefs: readonly MissingRef[];
  readonly labelConflicts: readonly LabelConflict[];
  readonly cycles: readonly CycleInfo[];
  /** Ids in the order alembic's map holds them (first occurrence in load order), then labels: drives the listing in "Multiple revisions start with". */
  readonly mapKeyOrder: readonly string[];
  /** Heads that no revision depends on, sorted (alembic's `_real_heads`; what `heads` resolves to). */
  private readonly realHeads: readonly string[];
  private readonly coverage: LabelCoverage;
  private topo: string[] | undefined;

  private constructor(files: MigrationFile[]) {
    this.files = files;
    const revisions = new Map<string, Revision>();
    const duplicates = new Map<string, MigrationFile[]>();
    const keyOrder: string[] = [];
    for (const file of files) {
      const id = file.revision;
      if (id === null) continue;
      const earlier = revisions.get(id);
      if (earlier) {
        const list = duplicates.get(id);
        if (list) list.push(file);
        else duplicates.set(id, [earlier.file, file]);
      } else keyOrder.push(id);
      revisions.set(id, {
        id,
        file,
        downRevisions: uniq(file.downRevisions),
        dependsOn: [],
        branchLabels: file.branchLabels,
        children: [],
        dependents: [],
      });
    }

    // Branch labels: alembic maps each label of every loaded file (losing duplicates too) and
    // refuses a label already mapped or equal to a revision id.
    const labels = new Map<string, string>();
    const labelConflicts: LabelConflict[] = [];
    const labelled: Array<{ id: string; labels: string[] }> = [];
    for (const file of files) {
      const id = file.revision;
      if (id === null || file.branchLabels.length === 0) continue;
      for (const label of uniq(file.branchLabels)) {
        const usedBy = revisions.has(label) ? label : labels.get(label);
        if (usedBy !== undefined) {
          labelConflicts.push({ label, revision: id, file, usedBy });
          continue;
        }
        labels.set(label, id);
      }
      if (revisions.get(id)?.file === file) labelled.push({ id, labels: file.branchLabels.slice() });
    }
    for (const l of labels.keys()) keyOrder.push(l);

    // Links.
    const missingRefs: MissingRef[] = [];
    for (const rev of revisions.values()) {
      for (const down of rev.downRevisions) {
        const parent = revisions.get(down);
        if (parent) parent.children.push(rev.id);
        else missingRefs.push({ from: rev.id, file: rev.file, missing: down, field: 'down_revision' });
      }
      if (rev.file.dependsOn.length === 0) continue;
      const deps: string[] = [];
      for (const name of uniq(rev.file.dependsOn)) {
        const target = revisions.has(name) ? name : labels.get(name);
        if (target === undefined) {
          missingRefs.push({ from: rev.id, file: rev.file, missing: name, field: 'depends_on' });
          continue;
        }
        if (!deps.includes(target)) deps.push(target);
      }
      rev.dependsOn = deps;
      for (const d of deps) revisions.get(d)?.dependents.push(rev.id);
    }
    for (const rev of revisions.values()) {
      if (rev.children.length > 1) rev.children.sort();
      if (rev.dependents.length > 1) rev.dependents.sort();
    }

    const heads = new Set<string>();
    const realHeads = new Set<string>();
    const bases = new Set<string>();
    const mergePoints: string[] = [];
    const branchPoints: string[] = [];
    for (const rev of revisions.values()) {
      if (rev.children.length === 0) {
        heads.add(rev.id);
        if (rev.dependents.length === 0) realHeads.add(rev.id);
      }
      if (rev.file.downRevisions.length === 0) bases.add(rev.id);
      if (rev.downRevisions.length > 1) mergePoints.push(rev.id);
      if (rev.children.length > 1) branchPoints.push(rev.id);
    }
    for (const [id, list] of duplicates) {
      // alembic keeps the losing Revision objects in its head/base sets: nothing points at them.
      heads.add(id);
      realHeads.add(id);
      if (list.slice(0, -1).some((f) => f.downRevisions.length === 0)) bases.add(id);
    }

    this.revisions = revisions;
    this.duplicates = duplicates;
    this.labels = labels;
    this.labelConflicts = labelConflicts;
    this.missingRefs = missingRefs;
    this.mapKeyOrder = keyOrder;
    this.heads = [...heads].sort();
    this.realHeads = [...realHeads].sort();
    this.bases = [...bases].sort();
    this.mergePoints = mergePoints.sort();
    this.branchPoints = branchPoints.sort();

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
    // Parents-first order through down_revision and depends_on (Kahn); whatever it cannot order
    // sits on or above a cycle, and only then is Tarjan's algorithm needed.
    const pending = new Map<string, number>();
    const order: string[] = [];
    for (const rev of revisions.values()) {
      let n = 0;
      for (const d of rev.downRevisions) if (revisions.has(d)) n++;
      for (const d of rev.dependsOn) if (!rev.downRevisions.includes(d)) n++;
      if (n === 0) order.push(rev.id);
      else pending.set(rev.id, n);
    }
    for (let i = 0; i < order.length; i++) {
      const rev = revisions.get(order[i]) as Revision;
      for (const next of rev.dependents.length === 0 ? rev.children : [...new Set([...rev.children, ...rev.dependents])]) {
        const left = (pending.get(next) as number) - 1;
        if (left === 0) {
          pending.delete(next);
          order.push(next);
        } else pending.set(next, left);
      }
    }
    if (pending.size === 0) {
      this.cycles = [];
      this.coverage = computeLabelCoverageOrdered(view, labelled, order);
    } else {
      this.cycles = findCycles(revisions, [...pending.keys()]);
      const slow = computeLabelCoverage(view, labelled);
      this.coverage = { get: (id) => (slow.has(id) ? [...(slow.get(id) as Set<string>)] : undefined) };
    }
    this.diagnostics = computeGraphDiagnostics(this);
  }

  /** Builds the graph; `files` may come in any order (they are sorted into alembic's load order). */
  static build(files: readonly MigrationFile[]): RevisionGraph {
    if (inFlatLoadOrder(files)) return new RevisionGraph(files.slice());
    const keyed = files.map((f) => ({ f, k: f.path.split(/[\\/]/) }));
    keyed.sort((a, b) => compareSegments(a.k, b.k));
    return new RevisionGraph(keyed.map((x) => x.f));
  }

  get(id: string): Revision | undefined {
    return this.revisions.get(id);
  }

  /** Labels that cover `id` under alembic's rule (see labels.ts), sorted. */
  effectiveBranchLabels(id: string): string[] {
    const s = this.coverage.get(id);
    return s ? [...new Set(s)].sort() : [];
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
    const out: string[] = [];
    const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = emitted
    const starts = [...this.heads.filter((h) => this.revisions.has(h)), ...this.revisions.keys()];
    const stack: Array<{ id: string; parents: string[]; i: number }> = [];
    for (const start of starts) {
      if (state.has(start)) continue;
      state.set(start, 1);
      stack.push({ id: start, parents: this.parentsOf(start, true), i: 0 });
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.i < top.parents.length) {
          const p = top.parents[top.i++];
          if (!state.has(p)) {
            state.set(p, 1);
            stack.push({ id: p, parents: this.parentsOf(p, true), i: 0 });
          }
        } else {
          stack.pop();
          state.set(top.id, 2);
          out.push(top.id);
        }
      }
    }
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
