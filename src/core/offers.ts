// The targets the sidebar's pickers and "to here" actions offer, each with core's plan for it.
// A target is offered only when planCommand succeeds and changes something, so the modal can show
// core's plan and alembic's exact argv, and no offered target fails in alembic. Pure.
import type { RevisionGraph } from './graph';
import { appliedBy, tryPlan, type Plan, type PlanCommand } from './plan';

export interface Offer {
  /** What alembic is given. */
  target: string;
  label: string;
  description: string;
  plan: Plan;
}

/** Above this many candidate revisions the pickers list ids without precomputing each plan (the plan is computed when one is picked). */
export const PLAN_EVERY_PICK_LIMIT = 400;

function short(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

function offer(graph: RevisionGraph, rows: readonly string[], command: PlanCommand, target: string, label: string, description: string): Offer | null {
  const r = tryPlan(graph, rows, { command, target });
  if (!r.ok) return null;
  if (command === 'upgrade' && r.plan.apply.length === 0) return null;
  if (command === 'downgrade' && r.plan.revert.length === 0) return null;
  return { target, label, description, plan: r.plan };
}

function samePlan(a: Plan, b: Plan): boolean {
  const eq = (x: string[], y: string[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.apply, b.apply) && eq(a.revert, b.revert) && eq(a.rowsAfter, b.rowsAfter);
}

function pushUnique(out: Offer[], o: Offer | null): void {
  if (o && !out.some((x) => samePlan(x.plan, o.plan))) out.push(o);
}

/** Every branch label, in the order of the ids that declare them. */
function labelsOf(graph: RevisionGraph): string[] {
  return [...graph.labels.keys()].sort();
}

/**
 * Upgrade… entries: `head` (or `heads`), `+1` / `<row>+1`, `<label>@+1`, `<label>@head`, then each
 * pending revision, newest first. Entries whose plan equals an earlier one's are left out.
 */
export function upgradeOffers(graph: RevisionGraph, rows: readonly string[], newestFirst: readonly string[]): Offer[] {
  const out: Offer[] = [];
  const heads = graph.heads;
  if (heads.length > 1) pushUnique(out, offer(graph, rows, 'upgrade', 'heads', 'All heads', 'alembic upgrade heads'));
  else pushUnique(out, offer(graph, rows, 'upgrade', 'head', 'Head', 'alembic upgrade head'));
  pushUnique(out, offer(graph, rows, 'upgrade', '+1', '+1 (next revision)', 'alembic upgrade +1'));
  for (const row of rows) pushUnique(out, offer(graph, rows, 'upgrade', `${row}+1`, `${short(row)}+1`, `next revision after ${short(row)}`));
  for (const l of labelsOf(graph)) {
    pushUnique(out, offer(graph, rows, 'upgrade', `${l}@+1`, `${l}@+1`, `next revision on branch ${l}`));
    pushUnique(out, offer(graph, rows, 'upgrade', `${l}@head`, `${l}@head`, `head of branch ${l}`));
  }
  const applied = appliedBy(graph, rows);
  const pending = newestFirst.filter((id) => graph.revisions.has(id) && !applied.has(id));
  for (const id of pending) {
    const o = pending.length > PLAN_EVERY_PICK_LIMIT ? lazy(graph, rows, 'upgrade', id) : offer(graph, rows, 'upgrade', id, id, '');
    if (o) out.push(o);
  }
  return out;
}

/**
 * Downgrade… entries: one step below each row (`<row>@-1`, or `downgrade <parent>` where that
 * reverts the row alone, e.g. below a merge where `<row>@-1` is an "Ambiguous walk"),
 * `<label>@base`, each applied revision, then `base`.
 */
export function downgradeOffers(graph: RevisionGraph, rows: readonly string[], newestFirst: readonly string[]): Offer[] {
  const out: Offer[] = [];
  for (const row of rows) pushUnique(out, downgradeOne(graph, rows, row));
  for (const l of labelsOf(graph)) pushUnique(out, offer(graph, rows, 'downgrade', `${l}@base`, `${l}@base`, `revert branch ${l} down to its base`));
  const applied = appliedBy(graph, rows);
  const candidates = newestFirst.filter((id) => applied.has(id) && !rows.includes(id));
  for (const id of candidates) {
    const o = candidates.length > PLAN_EVERY_PICK_LIMIT ? lazy(graph, rows, 'downgrade', id) : offer(graph, rows, 'downgrade', id, id, '');
    if (o) out.push(o);
  }
  const base = offer(graph, rows, 'downgrade', 'base', 'base', 'revert every revision');
  if (base) out.push(base);
  return out;
}

/**
 * The one command that reverts exactly the row `row` and nothing else: `<row>@-1`, or, where
 * alembic cannot walk that (a merge: "Ambiguous walk"), `downgrade <parent>` when that reverts
 * `row` alone. Null when no such command exists.
 */
export function downgradeOne(graph: RevisionGraph, rows: readonly string[], row: string): Offer | null {
  const exactly = (o: Offer | null): Offer | null => (o && o.plan.revert.length === 1 && o.plan.revert[0] === row ? o : null);
  const parents = graph.parentsOf(row);
  const where = parents.length === 0 ? (rows.length > 1 ? "below the branch's base" : '→ base') : parents.length === 1 ? `→ ${short(parents[0])}` : 'below the merge point';
  const one = exactly(offer(graph, rows, 'downgrade', `${row}@-1`, `-1 from ${short(row)}`, `alembic downgrade ${short(row)}@-1 ${where}`));
  if (one) return one;
  for (const p of parents) {
    const o = exactly(offer(graph, rows, 'downgrade', p, `-1 from ${short(row)} (to ${short(p)})`, `alembic downgrade ${short(p)}: reverts ${short(row)} only`));
    if (o) return o;
  }
  return null;
}

/** Stamp… entries: every revision (newest first), then `base`, each where alembic's stamp succeeds. */
export function stampOffers(graph: RevisionGraph, rows: readonly string[], newestFirst: readonly string[], purge: boolean): Offer[] {
  const out: Offer[] = [];
  const many = newestFirst.length > PLAN_EVERY_PICK_LIMIT;
  for (const id of [...newestFirst, 'base']) {
    if (many && id !== 'base') {
      out.push(lazy(graph, rows, 'stamp', id));
      continue;
    }
    const r = tryPlan(graph, rows, { command: 'stamp', target: id, purge });
    if (r.ok) out.push({ target: id, label: id, description: id === 'base' ? 'empty the version table' : '', plan: r.plan });
  }
  return out;
}

/** A pick whose plan is computed when chosen: an empty stand-in plan marks it (see PLAN_EVERY_PICK_LIMIT). */
function lazy(_graph: RevisionGraph, _rows: readonly string[], command: PlanCommand, id: string): Offer {
  return { target: id, label: id, description: '', plan: { command: [command, id], apply: [], revert: [], rowsAfter: [], orderNote: 'not computed' } };
}

/**
 * `alembic` arguments for a revision's own SQL, rendered offline: a pending (or unknown) revision's
 * upgrade SQL (`upgrade <down>:<id> --sql`, from base for a base revision), an applied one's
 * downgrade SQL (`downgrade <id>:<down> --sql`). alembic's offline mode starts from one revision,
 * so a pending merge's upgrade starts at the parent that drags in the fewest other revisions;
 * `others` lists those (their SQL is in the output too), in run order.
 */
export function ownSql(graph: RevisionGraph, rows: readonly string[], id: string): { args: string[]; others: string[] } {
  const parents = graph.parentsOf(id);
  const applied = appliedBy(graph, rows.filter((r) => graph.revisions.has(r))).has(id);
  if (applied) return { args: ['downgrade', `${id}:${parents.length > 0 ? parents[0] : 'base'}`, '--sql'], others: [] };
  if (parents.length === 0) return { args: ['upgrade', id, '--sql'], others: [] };
  let best: { args: string[]; others: string[] } | null = null;
  for (const p of parents) {
    const r = tryPlan(graph, [p], { command: 'upgrade', target: id });
    const others = r.ok ? r.plan.apply.filter((x) => x !== id) : [];
    if (r.ok && (best === null || others.length < best.others.length)) best = { args: ['upgrade', `${p}:${id}`, '--sql'], others };
  }
  return best ?? { args: ['upgrade', `${parents[0]}:${id}`, '--sql'], others: [] };
}
