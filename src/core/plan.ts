// What `alembic upgrade|downgrade|stamp TARGET` does to a database whose version table holds
// `rows`: the revisions whose upgrade()/downgrade() run (in run order), the revisions a stamp
// marks applied / not applied, and the version-table rows afterwards. The one implementation the
// CLI `plan`, the language server and every modal of the extension use. The rows are simulated
// step by step as alembic's HeadMaintainer writes them (alembic/runtime/migration.py), so merges,
// unmerges and depends_on rows come out as alembic leaves them. Pure: no I/O.
import type { RevisionGraph } from './graph';
import { graphDiagnostics } from './graph-diagnostics';
import { MultipleHeadsError, ResolutionError, RevisionError } from './errors';
import { downgradePlan, Resolver, upgradePlan } from './targets';

export type PlanCommand = 'upgrade' | 'downgrade' | 'stamp';

export interface PlanRequest {
  command: PlanCommand;
  /** What alembic is given, e.g. `head`, `-1`, `abc123`, `label@head`, `base`. */
  target: string;
  /** `stamp --purge`: the table is emptied first. */
  purge?: boolean;
}

export interface Plan {
  /** alembic's argv after `alembic` (and its -c/-n options), e.g. `['stamp', '--purge', 'x']`. */
  command: string[];
  /** Upgrade: revisions whose upgrade() runs, in run order. Stamp: revisions that become applied (no code runs). */
  apply: string[];
  /** Downgrade: revisions whose downgrade() runs, in run order. Stamp: revisions that become not applied. */
  revert: string[];
  /** The version table's rows afterwards, sorted. */
  rowsAfter: string[];
  /**
   * Set when the run order between independent branches is alembic's order of the folder
   * listing (alembic 1.8 uses os.listdir order; 1.10+ sorted file names), not a rule of the graph.
   */
  orderNote: string | null;
}

/** A simulated version-table write alembic would fail on (it raises KeyError / AssertionError). */
export class VersionTableError extends RevisionError {}

const FATAL = new Set(['missing-down-revision', 'missing-depends-on', 'cycle', 'branch-label-conflict', 'invalid-revision-id']);

/**
 * Alembic refuses every command on a graph it cannot build (a cycle or self-loop, a link to a
 * revision no file defines, a reused branch label, an illegal id). Throws with that message.
 */
export function assertRunnable(graph: RevisionGraph): void {
  const fatal = graphDiagnostics(graph).find((d) => FATAL.has(d.code));
  if (fatal) throw new RevisionError(fatal.message);
}

/** The rows alembic would read, refusing a row the folder lacks (`Can't locate revision`). */
function knownRows(graph: RevisionGraph, rows: readonly string[]): string[] {
  const unique = [...new Set(rows)];
  for (const r of unique) if (!graph.revisions.has(r)) throw new ResolutionError(`No such revision or branch '${r}'`, r);
  return unique;
}

/** What alembic does for `req` from `rows`. Throws a RevisionError (alembic's message: `commandMessage()`) where alembic fails. */
export function planCommand(graph: RevisionGraph, rows: readonly string[], req: PlanRequest): Plan {
  assertRunnable(graph);
  if (req.command === 'stamp') return stampPlan(graph, rows, req.target, req.purge === true);
  const current = knownRows(graph, rows);
  const table = new Table(graph, current);
  if (req.command === 'upgrade') {
    const apply = upgradePlan(graph, current, req.target);
    for (const id of apply) table.upgrade(id);
    return { command: ['upgrade', req.target], apply, revert: [], rowsAfter: table.sorted(), orderNote: orderNote(graph, apply) };
  }
  const revert = downgradePlan(graph, current, req.target);
  for (const id of revert) table.downgrade(id);
  return { command: ['downgrade', req.target], apply: [], revert, rowsAfter: table.sorted(), orderNote: orderNote(graph, revert) };
}

/** The same as planCommand, or the error alembic would print (after `FAILED: `). */
export function tryPlan(graph: RevisionGraph, rows: readonly string[], req: PlanRequest): { ok: true; plan: Plan } | { ok: false; message: string } {
  try {
    return { ok: true, plan: planCommand(graph, rows, req) };
  } catch (e) {
    if (e instanceof RevisionError) return { ok: false, message: e.commandMessage() };
    throw e;
  }
}

/** Revisions applied when the table holds `rows`: the rows and their ancestors through down_revision and depends_on. */
export function appliedBy(graph: RevisionGraph, rows: readonly string[]): Set<string> {
  return graph.ancestors(rows, { dependencies: true });
}

/** Consecutive revisions of a run that are not linked may run in either order: say so. */
function orderNote(graph: RevisionGraph, run: readonly string[]): string | null {
  for (let i = 1; i < run.length; i++) {
    const a = run[i - 1];
    const b = run[i];
    const linked = graph.parentsOf(a, true).includes(b) || graph.parentsOf(b, true).includes(a);
    if (!linked) {
      return `${a} and ${b} are on independent branches: alembic runs them in the order it lists the versions folder (alembic 1.8: os.listdir order; 1.10+: sorted file names)`;
    }
  }
  return null;
}

/** `stamp TARGET [--purge]`: alembic's ScriptDirectory._stamp_revs, then HeadMaintainer's writes. */
function stampPlan(graph: RevisionGraph, rows: readonly string[], target: string, purge: boolean): Plan {
  const res = new Resolver(graph);
  const before = purge ? [...new Set(rows)] : knownRows(graph, rows);
  const start = purge ? [] : before;
  const table = new Table(graph, start);
  try {
    const filtered = target === 'base' || target === '' ? start.slice() : res.filterForLineage(start, target, true);
    let dests: Array<string | null> = res.getRevisions(target).filter((x): x is string => x !== null && x !== 'base');
    if (dests.length === 0) dests = [null];
    for (const dest of dests) {
      if (dest === null) {
        for (const h of filtered) table.stampStep([h], [], false, true);
        continue;
      }
      if (filtered.includes(dest)) continue;
      const above = graph.descendants([dest], { dependencies: true });
      const below = graph.ancestors([dest], { dependencies: true });
      if (filtered.some((h) => above.has(h))) {
        if (filtered.some((h) => below.has(h))) throw new VersionTableError('AssertionError in alembic stamp: rows both above and below the target');
        table.stampStep(filtered, [dest], false, false);
      } else if (filtered.some((h) => below.has(h))) {
        table.stampStep(filtered, [dest], true, false);
      } else {
        table.stampStep([], [dest], true, true);
      }
    }
  } catch (e) {
    if (e instanceof MultipleHeadsError) throw new RevisionError('Multiple heads are present; please specify a single target revision');
    throw e;
  }
  const beforeApplied = appliedBy(graph, before.filter((r) => graph.revisions.has(r)));
  const after = table.sorted();
  const afterApplied = appliedBy(graph, after);
  const order = graph.topoOrder();
  return {
    command: ['stamp', ...(purge ? ['--purge'] : []), target],
    apply: order.filter((id) => afterApplied.has(id) && !beforeApplied.has(id)),
    revert: order.filter((id) => beforeApplied.has(id) && !afterApplied.has(id)).reverse(),
    rowsAfter: after,
    orderNote: null,
  };
}

/** The version table as alembic's HeadMaintainer changes it, step by step. */
class Table {
  private readonly heads: Set<string>;
  private readonly normalized = new Map<string, string[]>();

  constructor(
    private readonly graph: RevisionGraph,
    rows: readonly string[],
  ) {
    this.heads = new Set(rows);
  }

  sorted(): string[] {
    return [...this.heads].sort();
  }

  /** Revision._normalized_down_revisions: down_revision, then depends_on not already declared by a down_revision ancestor. */
  private downs(id: string): string[] {
    const hit = this.normalized.get(id);
    if (hit) return hit;
    const r = this.graph.get(id);
    const down = r ? r.downRevisions.filter((d) => this.graph.revisions.has(d)) : [];
    let deps = r ? r.dependsOn.slice() : [];
    if (deps.length > 0) {
      for (const a of this.graph.ancestors([id])) {
        if (a === id) continue;
        const inherited = this.graph.get(a)?.dependsOn ?? [];
        if (inherited.length > 0) deps = deps.filter((d) => !inherited.includes(d));
      }
    }
    const out = [...new Set([...down, ...deps])];
    this.normalized.set(id, out);
    return out;
  }

  private insert(v: string): void {
    if (this.heads.has(v)) throw new VersionTableError(`alembic would insert row ${v} twice (AssertionError)`);
    this.heads.add(v);
  }

  private delete(v: string): void {
    if (!this.heads.has(v)) throw new VersionTableError(`alembic would delete row ${v}, which the table does not hold (KeyError: '${v}')`);
    this.heads.delete(v);
  }

  private update(from: string, to: string): void {
    if (this.heads.has(to)) throw new VersionTableError(`alembic would update row ${from} to ${to}, which the table already holds (AssertionError)`);
    this.delete(from);
    this.heads.add(to);
  }

  private ancestorsOfOthers(except: readonly string[]): Set<string> {
    const others = [...this.heads].filter((h) => !except.includes(h));
    return others.length > 0 ? this.graph.ancestors(others, { dependencies: true }) : new Set();
  }

  /** RevisionStep(upgrade) of `id`. */
  upgrade(id: string): void {
    const downs = this.downs(id);
    const present = downs.filter((d) => this.heads.has(d));
    if (downs.length === 0 || present.length === 0) return this.insert(id);
    if (downs.length > 1 && present.length > 1) {
      const anc = this.ancestorsOfOthers(downs);
      const from = downs.filter((d) => !anc.has(d));
      if (from.length === 0) throw new VersionTableError(`alembic cannot merge the rows below ${id} (IndexError)`);
      for (const d of from.slice(0, -1)) this.delete(d);
      return this.update(from[from.length - 1], id);
    }
    if (downs.length !== 1 && present.length !== 1) throw new VersionTableError("Can't do an UPDATE because downrevision is ambiguous");
    this.update(downs.length === 1 ? downs[0] : present[0], id);
  }

  /** RevisionStep(downgrade) of `id`. */
  downgrade(id: string): void {
    const downs = this.downs(id);
    const inHeads = this.heads.has(id);
    const unmergeTo = (): string[] => {
      const anc = this.ancestorsOfOthers([id]);
      return downs.filter((d) => !anc.has(d));
    };
    if (inHeads && (downs.length === 0 || unmergeTo().length === 0)) return this.delete(id);
    if (inHeads && downs.length > 1) {
      const to = unmergeTo();
      for (const d of to.slice(0, -1)) this.insert(d);
      return this.update(id, to[to.length - 1]);
    }
    let down: string;
    if (downs.length === 1) down = downs[0];
    else {
      const present = downs.filter((d) => this.heads.has(d));
      if (present.length !== 1) throw new VersionTableError("Can't do an UPDATE because downrevision is ambiguous");
      down = present[0];
    }
    this.update(id, down);
  }

  /** StampStep(from, to, is_upgrade, branch_move) as HeadMaintainer.update_to_step applies it. */
  stampStep(from: readonly string[], to: readonly string[], isUpgrade: boolean, branchMove: boolean): void {
    if (!isUpgrade && branchMove) return this.delete(from[0]);
    if (isUpgrade && (branchMove || from.some((f) => !this.heads.has(f))) && to.some((t) => !this.heads.has(t))) return this.insert(to[0]);
    if (from.length > 1) {
      for (const f of from.slice(0, -1)) this.delete(f);
      return this.update(from[from.length - 1], to[0]);
    }
    this.update(from[0], to[0]);
  }
}
