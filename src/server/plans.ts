// The plan requests: the server holds each project's graph, so the extension asks it for core's
// states, plans, offered targets and Show SQL arguments instead of computing any rule itself.
// Parameters are checked at the boundary; an unknown project answers null.
import { ownSql, downgradeOffers, downgradeOne, stampOffers, upgradeOffers, type Offer } from '../core/offers';
import { tryPlan, type Plan } from '../core/plan';
import { computeDbState } from '../core/state';
import type { DatabaseUrlResult, OfferInfo, OffersParams, OwnSqlParams, OwnSqlResult, PlanInfo, PlanParams, PlanResult, StateParams, StateResult } from '../protocol/protocol';
import type { Project } from './project';

type Lookup = (key: string) => Project | undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= 10_000 && v.every((x) => typeof x === 'string');
}

function planInfo(p: Plan): PlanInfo {
  return { command: p.command, apply: p.apply, revert: p.revert, rowsAfter: p.rowsAfter, orderNote: p.orderNote };
}

function offerInfo(o: Offer): OfferInfo {
  return { target: o.target, label: o.label, description: o.description, plan: planInfo(o.plan) };
}

export function stateRequest(lookup: Lookup, params: unknown): StateResult | null {
  if (!isObject(params) || typeof params.key !== 'string' || !isStringList(params.rows)) return null;
  const p = params as unknown as StateParams;
  const project = lookup(p.key);
  if (!project) return null;
  const s = computeDbState(project.graph, p.rows);
  return { rows: s.rows, states: Object.fromEntries(s.states), missing: s.missing, notes: s.notes };
}

export function planRequest(lookup: Lookup, params: unknown): PlanResult | null {
  if (!isObject(params) || typeof params.key !== 'string' || !isStringList(params.rows) || typeof params.target !== 'string') return null;
  if (params.command !== 'upgrade' && params.command !== 'downgrade' && params.command !== 'stamp') return null;
  const p = params as unknown as PlanParams;
  const project = lookup(p.key);
  if (!project) return null;
  const r = tryPlan(project.graph, p.rows, { command: p.command, target: p.target, purge: p.purge === true });
  return r.ok ? { ok: true, plan: planInfo(r.plan) } : r;
}

export function offersRequest(lookup: Lookup, params: unknown): OfferInfo[] | null {
  if (!isObject(params) || typeof params.key !== 'string' || !isStringList(params.rows)) return null;
  const p = params as unknown as OffersParams;
  const project = lookup(p.key);
  if (!project) return null;
  const g = project.graph;
  const order = g.newestFirst();
  switch (p.kind) {
    case 'upgrade':
      return upgradeOffers(g, p.rows, order).map(offerInfo);
    case 'downgrade':
      return downgradeOffers(g, p.rows, order).map(offerInfo);
    case 'stamp':
      return stampOffers(g, p.rows, order, p.purge === true).map(offerInfo);
    case 'downgradeOne': {
      if (typeof p.row !== 'string') return null;
      const o = downgradeOne(g, p.rows, p.row);
      return o ? [offerInfo(o)] : [];
    }
    default:
      return null;
  }
}

export function ownSqlRequest(lookup: Lookup, params: unknown): OwnSqlResult | null {
  if (!isObject(params) || typeof params.key !== 'string' || !isStringList(params.rows) || typeof params.revision !== 'string') return null;
  const p = params as unknown as OwnSqlParams;
  const project = lookup(p.key);
  if (!project || !project.graph.revisions.has(p.revision)) return null;
  return ownSql(project.graph, p.rows, p.revision);
}

/** The config's `sqlalchemy.url` as the server parsed it (alembic/databaseUrl). */
export function databaseUrlRequest(lookup: Lookup, params: unknown): DatabaseUrlResult | null {
  if (!isObject(params) || typeof params.key !== 'string') return null;
  const project = lookup(params.key);
  return project ? { url: project.config.sqlalchemyUrl } : null;
}
