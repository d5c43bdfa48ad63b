// What a migration command will do, computed from a project snapshot and the version-table rows.
// Pure (no `vscode`, no I/O) so the confirmation modals can be tested and trusted. Follows
// Alembic's rules, checked against alembic 1.8: applied = the rows and their ancestors through
// down_revision and depends_on; `upgrade R` applies R's unapplied ancestors; `downgrade R`
// reverts every applied descendant of R (all branches above a branch point); `R@-1` reverts R only.
import type { RevisionInfo } from '../protocol/protocol';

export type RevState = 'current' | 'applied' | 'pending';

export interface DbStates {
  rows: string[];
  states: Map<string, RevState>;
  /** Rows naming a revision the folder lacks ("Can't locate revision"). */
  missing: string[];
}

export class SnapshotGraph {
  private readonly byId = new Map<string, RevisionInfo>();
  /** Newest first, as the server sends them. */
  readonly order: string[];
  private readonly dependents = new Map<string, string[]>();

  constructor(revisions: RevisionInfo[]) {
    this.order = revisions.map((r) => r.id);
    for (const r of revisions) this.byId.set(r.id, r);
    for (const r of revisions) {
      for (const d of r.dependsOn) {
        const list = this.dependents.get(d) ?? [];
        list.push(r.id);
        this.dependents.set(d, list);
      }
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): RevisionInfo | undefined {
    return this.byId.get(id);
  }

  /** `ids` and everything below them through down_revision and depends_on. */
  ancestors(ids: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...ids].filter((id) => this.byId.has(id));
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const r = this.byId.get(id);
      if (!r) continue;
      for (const p of [...r.downRevisions, ...r.dependsOn]) if (this.byId.has(p) && !seen.has(p)) stack.push(p);
    }
    return seen;
  }

  /**
   * What must go when `id` stays but nothing above it does: its children (down_revision), then
   * their children and dependents, transitively. A revision that only depends_on `id` itself
   * keeps its dependency and stays (alembic 1.8 agrees).
   */
  descendants(id: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...(this.byId.get(id)?.children ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next) || !this.byId.has(next)) continue;
      seen.add(next);
      stack.push(...(this.byId.get(next)?.children ?? []), ...(this.dependents.get(next) ?? []));
    }
    seen.delete(id);
    return seen;
  }

  /** `ids` and everything above them through children and dependents (what reverting `ids` drags along). */
  withEverythingAbove(ids: string[]): Set<string> {
    const seen = new Set<string>();
    const stack = ids.filter((id) => this.byId.has(id));
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next) || !this.byId.has(next)) continue;
      seen.add(next);
      stack.push(...(this.byId.get(next)?.children ?? []), ...(this.dependents.get(next) ?? []));
    }
    return seen;
  }

  /** Newest first. */
  sortNewestFirst(ids: Set<string>): string[] {
    return this.newestFirst(ids);
  }

  states(rows: string[]): DbStates {
    const known = rows.filter((r) => this.byId.has(r));
    const missing = rows.filter((r) => !this.byId.has(r));
    const applied = this.ancestors(known);
    const states = new Map<string, RevState>();
    for (const id of this.order) states.set(id, known.includes(id) ? 'current' : applied.has(id) ? 'applied' : 'pending');
    return { rows: [...rows], states, missing };
  }

  private oldestFirst(ids: Set<string>): string[] {
    return this.order.filter((id) => ids.has(id)).reverse();
  }

  private newestFirst(ids: Set<string>): string[] {
    return this.order.filter((id) => ids.has(id));
  }

  /** Revisions `upgrade <targets>` applies, oldest first. `targets` are revision ids. */
  upgradePlan(rows: string[], targets: string[]): string[] {
    const applied = this.ancestors(rows);
    const wanted = this.ancestors(targets);
    for (const id of applied) wanted.delete(id);
    return this.oldestFirst(wanted);
  }

  /** Revisions `downgrade <target>` reverts, newest first; target null means `base`. */
  downgradePlan(rows: string[], target: string | null): string[] {
    const applied = this.ancestors(rows);
    const reverted = target === null ? applied : this.descendants(target);
    return this.newestFirst(new Set([...reverted].filter((id) => applied.has(id))));
  }

  /**
   * What `stamp <target>` changes in the bookkeeping (no migration code runs). With `purge` the
   * table is emptied first, so everything outside the target's ancestry becomes unapplied.
   */
  stampPlan(rows: string[], target: string | null, purge: boolean): { marked: string[]; unmarked: string[] } {
    const applied = this.ancestors(rows);
    const after = target === null ? new Set<string>() : this.ancestors([target]);
    if (!purge && target !== null) {
      // Rows on other branches stay; rows above the target on its own line go.
      const above = this.descendants(target);
      for (const id of applied) if (!above.has(id)) after.add(id);
    }
    const marked = new Set([...after].filter((id) => !applied.has(id)));
    const unmarked = new Set([...applied].filter((id) => !after.has(id)));
    return { marked: this.oldestFirst(marked), unmarked: this.newestFirst(unmarked) };
  }

  /** Current rows (heads of the applied set) for status and downgrade-one choices. */
  currentRows(rows: string[]): string[] {
    return rows.filter((r) => this.byId.has(r));
  }

  /** The project's heads that are not applied yet. */
  pendingHeads(heads: string[], rows: string[]): string[] {
    const applied = this.ancestors(rows);
    return heads.filter((h) => !applied.has(h));
  }
}

/**
 * `alembic` arguments for the offline SQL that moves the database to `id` (`states` null: the
 * database could not be read). A pending revision's SQL starts at its newest applied ancestor
 * (`upgrade <from>:<id> --sql`), from base when none is applied; an applied one's is the
 * downgrade from the current row above it. At `id` already (or when no single start exists), the
 * revision's own SQL.
 */
export function sqlArgsFor(graph: SnapshotGraph, states: DbStates | null, id: string): string[] {
  const r = graph.get(id);
  const own = r && r.downRevisions.length === 1 ? ['upgrade', `${r.downRevisions[0]}:${id}`, '--sql'] : ['upgrade', id, '--sql'];
  const state = states?.states.get(id);
  if (!states || !r || state === 'current') return own;
  const rows = graph.currentRows(states.rows);
  if (state === 'pending') {
    const applied = graph.ancestors(rows);
    const below = [...graph.ancestors([id])].filter((x) => x !== id && applied.has(x));
    const covered = graph.ancestors(below.flatMap((x) => [...(graph.get(x)?.downRevisions ?? []), ...(graph.get(x)?.dependsOn ?? [])]));
    const from = below.filter((x) => !covered.has(x));
    return from.length === 1 ? ['upgrade', `${from[0]}:${id}`, '--sql'] : from.length === 0 ? ['upgrade', id, '--sql'] : own;
  }
  const above = graph.descendants(id);
  const from = rows.find((row) => above.has(row));
  return from ? ['downgrade', `${from}:${id}`, '--sql'] : own;
}

export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** One line per revision for a modal's detail: `abc123  message`. */
export function describeRevisions(graph: SnapshotGraph, ids: string[], limit = 25): string {
  const lines = ids.slice(0, limit).map((id) => {
    const msg = graph.get(id)?.message;
    return msg ? `• ${shortId(id)}  ${msg}` : `• ${shortId(id)}`;
  });
  if (ids.length > limit) lines.push(`… and ${ids.length - limit} more`);
  return lines.join('\n');
}

/**
 * The lint findings (errors and warnings) of the revisions an upgrade applies, for the
 * confirmation: what it may lock or break on the live database. Empty when there are none.
 */
export function describeLintFindings(graph: SnapshotGraph, ids: readonly string[], limit = 15): string {
  const lines: string[] = [];
  let total = 0;
  for (const id of ids) {
    const r = graph.get(id);
    const name = r ? r.path.slice(Math.max(r.path.lastIndexOf('/'), r.path.lastIndexOf('\\')) + 1) : id;
    for (const f of r?.lint ?? []) {
      if (f.severity === 'info') continue;
      total++;
      if (lines.length < limit) lines.push(`⚠ ${shortId(id)} ${name}:${f.line + 1} ${f.rule}: ${f.message}`);
    }
  }
  if (total === 0) return '';
  if (total > limit) lines.push(`… and ${total - limit} more`);
  return `Migration safety lint, ${total} finding${total === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

/** A relative or branch target for the Upgrade… / Downgrade… pickers, with its exact plan. */
export interface RelativeTarget {
  /** What alembic is given, e.g. `+1`, `<rev>+1`, `<label>@head`, `<rev>@-1`. */
  target: string;
  label: string;
  description: string;
  /** Upgrade: revisions applied, oldest first. Downgrade: revisions reverted, newest first. */
  plan: string[];
}

/** Revision ids that carry `label` themselves (alembic resolves a label to the revision declaring it). */
function declaring(graph: SnapshotGraph, label: string): string | undefined {
  return graph.order.find((id) => graph.get(id)?.branchLabels.includes(label));
}

/** Every branch label declared in the project, in graph order (newest first), without repeats. */
export function branchLabels(graph: SnapshotGraph): string[] {
  const out: string[] = [];
  for (const id of graph.order) for (const l of graph.get(id)?.branchLabels ?? []) if (!out.includes(l)) out.push(l);
  return out;
}

/** `id` and every revision reached from it through `step` (revisions not in the graph are skipped). */
function reach(graph: SnapshotGraph, id: string, step: (r: RevisionInfo) => readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    const r = graph.get(next);
    if (seen.has(next) || !r) continue;
    seen.add(next);
    stack.push(...step(r));
  }
  return seen;
}

/** `id` and its ancestors through down_revision only (alembic's lineage test leaves depends_on out). */
function downLine(graph: SnapshotGraph, id: string): Set<string> {
  return reach(graph, id, (r) => r.downRevisions);
}

/**
 * Relative and branch targets for Upgrade…, following alembic 1.8's `_parse_upgrade_target` and
 * `_walk`: `+1` walks from the single current row (from the single base when the table is empty)
 * to its only child; with several rows, or a row that is a branch point, `+1` is ambiguous and
 * each row with exactly one child gets `<rev>+1` instead. `<label>@+1` steps along one labelled
 * branch (see `labelStep`). `<label>@head` is offered when exactly one head descends from the
 * label's revision. A target is left out when it is ambiguous, would
 * apply nothing, or the database state is unknown (`rows` null: relative targets then have no
 * exact plan) — only `<label>@head` is kept then, with the plan from an empty table.
 */
export function upgradeRelativeTargets(graph: SnapshotGraph, bases: string[], heads: string[], rows: string[] | null): RelativeTarget[] {
  const out: RelativeTarget[] = [];
  if (rows !== null && rows.every((r) => graph.has(r))) {
    const childrenOf = (id: string): string[] => (graph.get(id)?.children ?? []).filter((c) => graph.has(c));
    const start = rows.length === 0 ? bases.filter((b) => graph.has(b)) : rows.length === 1 ? childrenOf(rows[0]) : [];
    if (rows.length <= 1 && start.length === 1) {
      const plan = graph.upgradePlan(rows, start);
      if (plan.length > 0) out.push({ target: '+1', label: '+1 (next revision)', description: `alembic upgrade +1 → ${shortId(start[0])}`, plan });
    } else {
      for (const row of rows) {
        const kids = childrenOf(row);
        if (kids.length !== 1) continue;
        const plan = graph.upgradePlan(rows, kids);
        if (plan.length > 0) out.push({ target: `${row}+1`, label: `${shortId(row)}+1`, description: `next revision after ${shortId(row)} → ${shortId(kids[0])}`, plan });
      }
    }
  }
  for (const label of branchLabels(graph)) {
    const at = declaring(graph, label) as string;
    const on = heads.filter((h) => downLine(graph, h).has(at));
    const headPlan = on.length === 1 ? graph.upgradePlan(rows ?? [], on) : null;
    if (rows !== null && rows.every((r) => graph.has(r))) {
      // `<label>@+1`: one step along the label's branch, even where `+1` is ambiguous. Offered
      // only when it does something no entry above or `<label>@head` already does.
      const next = labelStep(graph, bases, rows, at);
      const plan = next === null ? [] : graph.upgradePlan(rows, [next]);
      const same = (p: string[] | null): boolean => p !== null && p.length === plan.length && p.every((id, i) => id === plan[i]);
      if (next !== null && plan.length > 0 && !same(headPlan) && !out.some((t) => same(t.plan))) {
        out.push({ target: `${label}@+1`, label: `${label}@+1`, description: `next revision on branch ${label} → ${shortId(next)}`, plan });
      }
    }
    if (headPlan === null || (rows !== null && headPlan.length === 0)) continue;
    out.push({ target: `${label}@head`, label: `${label}@head`, description: `head of branch ${label} → ${shortId(on[0])}`, plan: headPlan });
  }
  return out;
}

/**
 * Where `upgrade <label>@+1` leads (`at` declares the label), as alembic 1.8's
 * `_parse_upgrade_target` and `_walk` find it: start from the one row on the label's lineage
 * (or, when none is, from the tips of the applied revisions on it, or from base), then take the
 * one child on the lineage. Null where alembic fails (ambiguous start or walk, nothing above).
 */
function labelStep(graph: SnapshotGraph, bases: string[], rows: string[], at: string): string | null {
  // alembic's filter_for_lineage without dependencies: an ancestor or a descendant of `at`.
  const below = downLine(graph, at);
  const above = reach(graph, at, (r) => r.children);
  const onLineage = (id: string): boolean => below.has(id) || above.has(id);
  let start: Array<string | null> = rows.filter(onLineage);
  if (start.length === 0) {
    const active = [...graph.ancestors(rows)].filter(onLineage);
    const parents = new Set(active.flatMap((id) => graph.get(id)?.downRevisions ?? []));
    start = active.filter((id) => !parents.has(id));
    if (start.length === 0) start = [null];
  }
  if (start.length !== 1) return null;
  const from = start[0];
  const up = (from === null ? bases : graph.get(from)?.children ?? []).filter((id) => graph.has(id) && onLineage(id));
  return up.length === 1 ? up[0] : null;
}

/**
 * `downgrade <row>@-1` for one current row: reverts that row only. Left out (null) when another
 * applied revision depends_on the row, since alembic would then have to revert more than it.
 */
export function downgradeOnePlan(graph: SnapshotGraph, rows: string[], row: string): RelativeTarget | null {
  if (!graph.has(row) || !rows.includes(row)) return null;
  const applied = graph.ancestors(rows);
  const dependent = graph.order.some((id) => id !== row && applied.has(id) && (graph.get(id)?.dependsOn ?? []).includes(row));
  if (dependent) return null;
  const parents = graph.get(row)?.downRevisions ?? [];
  const to = parents.length === 1 ? `→ ${shortId(parents[0])}` : parents.length > 1 ? 'below the merge point' : rows.length > 1 ? "below the branch's base" : '→ base';
  return { target: `${row}@-1`, label: `-1 from ${shortId(row)}`, description: `alembic downgrade ${shortId(row)}@-1 ${to}`, plan: [row] };
}

/**
 * `downgrade <label>@base`, as alembic 1.8's `_collect_downgrade_revisions` computes it: the roots
 * are the project's bases, narrowed to those below the label's revision only when there are
 * several; every applied revision at or above them (children and dependents) is reverted. Offered
 * only when that differs from plain `base` and reverts something.
 */
export function downgradeLabelBasePlan(graph: SnapshotGraph, rows: string[], label: string): RelativeTarget | null {
  const at = declaring(graph, label);
  if (at === undefined) return null;
  const bases = graph.order.filter((id) => (graph.get(id)?.downRevisions.length ?? 0) === 0);
  if (bases.length < 2) return null;
  const line = downLine(graph, at);
  const roots = bases.filter((b) => line.has(b));
  const applied = graph.ancestors(rows);
  const plan = graph.sortNewestFirst(new Set([...graph.withEverythingAbove(roots)].filter((id) => applied.has(id))));
  if (plan.length === 0 || plan.length === applied.size) return null;
  return { target: `${label}@base`, label: `${label}@base`, description: `revert branch ${label} down to its base`, plan };
}

/** Downgrade… entries: `<row>@-1` for each current row that can be reverted alone, then `<label>@base`. */
export function downgradeRelativeTargets(graph: SnapshotGraph, rows: string[]): RelativeTarget[] {
  if (!rows.every((r) => graph.has(r))) return [];
  return [
    ...graph.currentRows(rows).flatMap((row) => downgradeOnePlan(graph, rows, row) ?? []),
    ...branchLabels(graph).flatMap((l) => downgradeLabelBasePlan(graph, rows, l) ?? []),
  ];
}
