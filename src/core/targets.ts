// alembic's target grammar and upgrade/downgrade selection, ported from RevisionMap
// (alembic/script/revision.py: get_revisions, _revision_for_ident, _walk, _parse_upgrade_target,
// _parse_downgrade_target, _collect_upgrade_revisions, _collect_downgrade_revisions,
// _topological_sort). Errors carry alembic's exact texts (see errors.ts). Pure, cycle-safe.
import type { RevisionGraph } from './graph';
import { MultipleHeadsError, RangeNotAncestorError, RelativeTargetError, ResolutionError, RevisionError } from './errors';

/** `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)`, matched at the start like Python's re.match. */
const RELATIVE = /^(?:(.+?)@)?(\w+)?((?:\+|-)\d+)/u;

/** A walk result: a revision id, 'base', or nothing (walked past the end). */
type Walked = string | 'base' | null;
const BASE = 'base';

interface Resolved {
  ids: string[];
  branch: string | null;
}

export class Resolver {
  constructor(private readonly g: RevisionGraph) {}

  /** A key of alembic's map (a revision id or a branch label) → revision id. */
  private key(k: string): string | undefined {
    return this.g.revisions.has(k) ? k : this.g.labels.get(k);
  }

  resolveNumber(target: string): Resolved {
    let branch: string | null = null;
    let id = target;
    const at = target.indexOf('@');
    if (at >= 0) {
      branch = target.slice(0, at);
      id = target.slice(at + 1);
    }
    if (id === 'heads') {
      if (branch) return { ids: this.filterForLineage(this.g.heads, branch), branch };
      return { ids: this.g.effectiveHeads(), branch };
    }
    if (id === 'head') {
      const h = this.currentHead(branch);
      return { ids: h === null ? [] : [h], branch };
    }
    if (id === 'base') return { ids: [], branch };
    return { ids: [id], branch };
  }

  currentHead(branch: string | null): string | null {
    let heads: string[] = this.g.heads.slice();
    if (branch) heads = this.filterForLineage(heads, branch);
    if (heads.length > 1) throw new MultipleHeadsError(heads, branch ? `${branch}@head` : 'head');
    return heads.length > 0 ? heads[0] : null;
  }

  /** get_revisions(str): ids, or 'base' entries from `-N` walks. */
  getRevisions(target: string): Walked[] {
    const { ids, branch } = this.resolveNumber(target);
    if (ids.length === 1 && /^\s*[+-]?\d+\s*$/u.test(ids[0])) {
      const n = parseInt(ids[0], 10);
      if (n < 0) {
        let heads: string[] = this.getRevisions('heads').filter((h): h is string => h !== null && h !== BASE);
        if (branch !== null) heads = heads.filter((h) => this.g.effectiveBranchLabels(h).includes(branch));
        return heads.map((h) => this.walk(h, n, null, true));
      }
    }
    return ids.map((id) => this.revisionForIdent(id, branch));
  }

  getRevisionsOf(ids: readonly string[]): string[] {
    const out: string[] = [];
    for (const id of ids) for (const r of this.getRevisions(id)) if (r !== null && r !== BASE) out.push(r);
    return out;
  }

  /** get_revision(str): one revision or null (base); several → MultipleHeads. */
  getRevision(target: string): string | null {
    const { ids, branch } = this.resolveNumber(target);
    if (ids.length > 1) throw new MultipleHeadsError(ids, target);
    if (ids.length === 0) {
      if (branch) this.resolveBranch(branch);
      return null;
    }
    return this.revisionForIdent(ids[0], branch);
  }

  resolveBranch(label: string): string {
    const k = this.key(label);
    if (k !== undefined) return k;
    try {
      return this.revisionForIdent(label, null);
    } catch (e) {
      if (e instanceof ResolutionError) throw new ResolutionError(`No such branch: '${label}'`, label);
      throw e;
    }
  }

  revisionForIdent(id: string, checkBranch: string | null): string {
    const branchRev = checkBranch ? this.resolveBranch(checkBranch) : null;
    let rev = this.key(id);
    if (rev === undefined) {
      let revs = this.g.mapKeyOrder.filter((k) => k.length > 3 && k.startsWith(id));
      if (branchRev !== null && checkBranch) revs = this.filterForLineage(revs, checkBranch);
      if (revs.length === 0) {
        const hint = id.length < 4 ? '; please ensure at least four characters are present for partial revision identifier matches' : '';
        throw new ResolutionError(`No such revision or branch '${id}'${hint}`, id);
      }
      if (revs.length > 1) {
        throw new ResolutionError(`Multiple revisions start with '${id}': ${revs.slice(0, 3).map((r) => `'${r}'`).join(', ')}...`, id);
      }
      rev = this.key(revs[0]) as string;
    }
    if (checkBranch && branchRev !== null && !this.sharesLineage(rev, [branchRev])) {
      throw new ResolutionError(`Revision ${rev} is not a member of branch '${checkBranch}'`, id);
    }
    return rev;
  }

  /** filter_for_lineage(targets, label): targets that are ancestors or descendants of what `against` names. */
  filterForLineage(targets: readonly string[], against: string, dependencies = false): string[] {
    const { ids, branch } = this.resolveNumber(against);
    const shares: string[] = [];
    if (branch) shares.push(this.revisionForIdent(branch, null));
    for (const id of ids) shares.push(this.revisionForIdent(id, null));
    return targets.filter((t) => this.sharesLineage(this.key(t) ?? this.revisionForIdent(t, null), shares, dependencies));
  }

  sharesLineage(target: string, against: readonly string[], dependencies = false): boolean {
    if (against.length === 0) return true;
    const opts = { dependencies };
    const near = this.g.ancestors([target], opts);
    for (const d of this.g.descendants([target], opts)) near.add(d);
    return against.some((a) => near.has(a));
  }

  /** _walk: `steps` up (> 0) or down (< 0) from `start` (null = below the bases / above the heads). */
  walk(start: Walked, steps: number, branch: string | null, noOverwalk: boolean): Walked {
    let initial: Walked = start;
    for (let i = 0; i < Math.abs(steps); i++) {
      let next: Walked[];
      if (steps > 0) {
        if (initial === BASE) throw new RelativeTargetError('Walked too far');
        const up = initial === null ? this.getRevisionsOf(this.g.bases) : (this.g.get(initial)?.children ?? []).slice();
        next = branch ? this.filterForLineage(up, branch) : up;
      } else if (initial === BASE) {
        next = [];
      } else {
        next = initial === null ? this.getRevisionsOf(this.g.heads) : this.getRevisionsOf(this.g.get(initial)?.downRevisions ?? []);
        if (next.length === 0) next = [BASE];
      }
      if (next.length === 0) return noOverwalk ? null : initial;
      if (next.length > 1) throw new RelativeTargetError('Ambiguous walk');
      initial = next[0];
    }
    return initial;
  }

  parseDowngradeTarget(current: readonly string[], target: string): { branch: string | null; rev: Walked } {
    const m = RELATIVE.exec(target);
    if (m) {
      const [, branch = null, symbol = null, relative] = m;
      const n = parseInt(relative, 10);
      if (n >= 0) {
        if (symbol === null) throw new RelativeTargetError(`Relative revision ${relative} didn't produce ${Math.abs(n)} migrations`);
        const rev = this.walk(this.getRevision(symbol), n, branch, true);
        if (rev === null) throw new RelativeTargetError('Walked too far');
        return { branch, rev };
      }
      let sym = symbol;
      let br = branch;
      if (sym === null) {
        if (br) {
          let list = this.filterForLineage(this.getRevisionsOf(current), br);
          if (list.length === 0) list = this.filterForLineage(this.allCurrent(current), br);
          if (list.length !== 1) throw new RevisionError(`Cannot tell which current revision of branch '${br}' to walk down from (${list.join(', ') || 'none'}); alembic 1.8 fails here with an AssertionError`);
          sym = list[0];
        } else {
          if (current.length === 0) throw new RelativeTargetError(`Relative revision ${relative} didn't produce ${Math.abs(n)} migrations`);
          sym = current[0];
          br = sym;
        }
      }
      const start = br === null ? this.getRevision(sym) : this.getRevision(`${br}@${sym}`);
      const rev = this.walk(start, n, null, true);
      if (rev === null) {
        if (symbol === null) throw new RelativeTargetError(`Relative revision ${relative} didn't produce ${Math.abs(n)} migrations`);
        throw new RelativeTargetError('Walked too far');
      }
      return { branch: br, rev };
    }
    const at = target.lastIndexOf('@');
    const branch = at > 0 ? target.slice(0, at) : null;
    return { branch, rev: this.getRevision(at >= 0 ? target.slice(at + 1) : target) };
  }

  parseUpgradeTarget(current: readonly string[], target: string): string[] {
    const m = RELATIVE.exec(target);
    if (!m) return this.getRevisionsOf([target]);
    const [, branch = null, symbol = null, relative] = m;
    const n = parseInt(relative, 10);
    const tooFar = (): never => {
      throw new RelativeTargetError(`Relative revision ${relative} didn't produce ${Math.abs(n)} migrations`);
    };
    if (n > 0) {
      if (symbol === null) {
        let starts: Array<string | null> = current.length === 0 ? [null] : current.slice();
        if (branch) {
          starts = this.filterForLineage(this.getRevisionsOf(current), branch);
          if (starts.length === 0) {
            const active = this.filterForLineage([...this.g.ancestors(this.getRevisionsOf(current), { dependencies: true })], branch);
            const below = new Set(active.flatMap((a) => this.g.parentsOf(a, true)));
            starts = active.filter((a) => !below.has(a));
            if (starts.length === 0) starts = [null];
          }
        }
        if (starts.length > 1) throw new RevisionError('Ambiguous upgrade from multiple current revisions');
        const s = starts[0];
        const rev = this.walk(s === null ? null : this.getRevision(s), n, branch, true);
        if (rev === null || rev === BASE) return tooFar();
        return [rev];
      }
      const rev = this.walk(this.getRevision(symbol), n, branch, true);
      if (rev === null || rev === BASE) return tooFar();
      return [rev];
    }
    if (symbol === null) return tooFar();
    const rev = this.walk(branch === null ? this.getRevision(symbol) : this.getRevision(`${branch}@${symbol}`), n, null, true);
    if (rev === null) return tooFar();
    return rev === BASE ? [] : [rev];
  }

  /** _get_all_current: the rows and their ancestors, kept to the branch tips. */
  private allCurrent(current: readonly string[]): string[] {
    const top = this.g.ancestors(this.getRevisionsOf(current), { dependencies: true });
    return [...top].filter((r) => ![...this.g.descendants([r])].some((d) => d !== r && top.has(d)));
  }

  /** _topological_sort(revisions, heads), alembic's order: walks down from `heads`, in map order. */
  topologicalSort(revisions: ReadonlySet<string>, heads: readonly string[]): string[] {
    const todo = new Set(revisions);
    const order = new Map(this.g.mapKeyOrder.map((k, i) => [k, i] as const));
    const anc = (id: string): Set<string> => this.g.ancestors([id], { dependencies: true });
    const current = [...new Set(heads.filter((h) => todo.has(h)))].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    const ancestorsByIdx = current.map(anc);
    const out: string[] = [];
    let idx = 0;
    let guard = 0;
    const limit = 4 * (revisions.size + 1) * (revisions.size + 1) + 1000;
    while (current.length > 0 && guard++ < limit) {
      const candidate = current[idx];
      const blocker = ancestorsByIdx.findIndex((a, i) => i !== idx && a.has(candidate));
      if (blocker >= 0) {
        idx = blocker;
        continue;
      }
      if (todo.has(candidate)) {
        out.push(candidate);
        todo.delete(candidate);
      }
      const rev = this.g.get(candidate);
      const downs = rev ? this.g.parentsOf(candidate, true) : [];
      const toAdd = downs.filter((r) => todo.has(r) && !current.includes(r));
      if (toAdd.length === 0) {
        current.splice(idx, 1);
        ancestorsByIdx.splice(idx, 1);
        idx = Math.max(idx - 1, 0);
      } else if (rev && rev.dependsOn.length === 0 && rev.downRevisions.length === 1) {
        current[idx] = toAdd[0];
        ancestorsByIdx[idx].delete(candidate);
      } else {
        current[idx] = toAdd[0];
        current.push(...toAdd.slice(1));
        ancestorsByIdx[idx] = anc(toAdd[0]);
        ancestorsByIdx.push(...toAdd.slice(1).map(anc));
      }
    }
    // Only a cycle leaves anything behind; list it rather than loop.
    for (const r of [...todo].sort()) out.push(r);
    return out;
  }
}

/**
 * Resolves a target the way alembic's `get_revisions` does (what `alembic upgrade X`, `stamp X`,
 * `show X` accept): full id, unique prefix, branch label, `head`, `heads`, `base` (→ []),
 * `label@head`, `label@base`, `label@<id>`, and `current` (the rows). `+N`, `rev+N`, `label@+N`
 * follow `alembic upgrade` from the `current` rows (none given: an empty database); `rev-N` and,
 * when `current` is given, `-N` / `label@-N` follow `alembic downgrade`; without `current`,
 * `-N` / `label@-N` walk down from the heads as alembic's get_revisions does.
 * Throws the errors of errors.ts with alembic's texts.
 */
export function resolveTarget(graph: RevisionGraph, target: string, current?: readonly string[]): string[] {
  const r = new Resolver(graph);
  if (target === 'current') {
    return r.getRevisionsOf([...new Set(current ?? [])]);
  }
  const m = RELATIVE.exec(target);
  if (m) {
    const negative = m[3].startsWith('-');
    if (negative && (current !== undefined || m[2] !== undefined)) {
      const { rev } = r.parseDowngradeTarget(current ?? [], target);
      return rev === null || rev === BASE ? [] : [rev];
    }
    if (!negative) return r.parseUpgradeTarget(current ?? [], target);
  }
  return r.getRevisions(target).filter((x): x is string => x !== null && x !== BASE);
}

/** The revisions `alembic upgrade <target>` applies to a database whose version table holds `rows`, in order. */
export function upgradePlan(graph: RevisionGraph, rows: readonly string[], target: string): string[] {
  const r = new Resolver(graph);
  try {
    const targets = r.parseUpgradeTarget(rows, target);
    checkOverlap(graph, targets);
    const required = graph.ancestors(targets, { dependencies: true });
    const currentRevs = r.getRevisionsOf(rows);
    checkOverlap(graph, currentRevs);
    const have = graph.ancestors(currentRevs, { dependencies: true });
    const needs = new Set([...required].filter((x) => !have.has(x)));
    return r.topologicalSort(needs, targets).reverse();
  } catch (e) {
    throw withDestination(e, 'upgrade', rows, target);
  }
}

/** The revisions `alembic downgrade <target>` reverts from a database whose version table holds `rows`, in order. */
export function downgradePlan(graph: RevisionGraph, rows: readonly string[], target: string): string[] {
  const r = new Resolver(graph);
  try {
    const parsed = r.parseDowngradeTarget(rows, target);
    const targetRev = parsed.rev === BASE ? null : parsed.rev;
    let roots: string[];
    if (targetRev === null) roots = [...graph.revisions.values()].filter((v) => v.file.downRevisions.length === 0).map((v) => v.id);
    else roots = graph.get(targetRev)?.children.slice() ?? [];
    if (parsed.branch && roots.length > 1) {
      const anc = graph.ancestors([r.resolveBranch(parsed.branch)]);
      roots = roots.filter((x) => anc.has(x));
      if (roots.length === 0) throw new RevisionError('Not a valid downgrade target from current heads');
    }
    const heads = r.getRevisionsOf(rows);
    const active = graph.ancestors(heads, { dependencies: true });
    const drop = new Set([...graph.descendants(roots, { dependencies: true })].filter((x) => active.has(x)));
    if (targetRev !== null && drop.size === 0 && !heads.includes(targetRev)) {
      throw new RangeNotAncestorError('Nothing to drop', rows.join(', ') || null, 'downgrade', target);
    }
    return r.topologicalSort(drop, heads);
  } catch (e) {
    throw withDestination(e, 'downgrade', rows, target);
  }
}

/** alembic's `check=True` walk: no requested revision may be an ancestor of another. */
function checkOverlap(graph: RevisionGraph, ids: readonly string[]): void {
  const set = new Set(ids);
  if (set.size < 2) return;
  for (const t of set) {
    const overlaps = [...graph.ancestors([t], { dependencies: true })].filter((a) => a !== t && set.has(a));
    if (overlaps.length > 0) throw new RevisionError(`Requested revision ${t} overlaps with other requested revisions ${overlaps.join(', ')}`);
  }
}

function withDestination(e: unknown, direction: 'upgrade' | 'downgrade', rows: readonly string[], target: string): unknown {
  if (e instanceof RangeNotAncestorError && e.destination !== target) {
    return new RangeNotAncestorError(e.lower, rows.join(', ') || null, direction, target);
  }
  return e;
}
