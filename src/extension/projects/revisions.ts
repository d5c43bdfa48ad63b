// Lookup of a snapshot's revisions by id, and the database state the server computed for them.
// No Alembic rule lives here: states, plans and targets come from core through the server.
import type { RevisionInfo, RevState } from '../../protocol/protocol';

export class RevisionIndex {
  private readonly byId = new Map<string, RevisionInfo>();
  /** Newest first, as the server sends them. */
  readonly order: string[];

  constructor(revisions: readonly RevisionInfo[]) {
    this.order = revisions.map((r) => r.id);
    for (const r of revisions) this.byId.set(r.id, r);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): RevisionInfo | undefined {
    return this.byId.get(id);
  }
}

/** core's state of the database (server `alembic/state`). */
export interface DbStates {
  /** The rows in table order (as alembic reads them). */
  rows: string[];
  states: Map<string, RevState>;
  /** Rows naming a revision the folder lacks ("Can't locate revision"). */
  missing: string[];
  /** Why states are unknown / broken. */
  notes: string[];
}

export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** One line per revision for a modal's detail: `abc123  message`. */
export function describeRevisions(index: RevisionIndex, ids: readonly string[], limit = 25): string {
  const lines = ids.slice(0, limit).map((id) => {
    const msg = index.get(id)?.message;
    return msg ? `• ${shortId(id)}  ${msg}` : `• ${shortId(id)}`;
  });
  if (ids.length > limit) lines.push(`… and ${ids.length - limit} more`);
  return lines.join('\n');
}

/**
 * The lint findings (errors and warnings) of the revisions an upgrade applies, for the
 * confirmation: what it may lock or break on the live database. Empty when there are none.
 */
export function describeLintFindings(index: RevisionIndex, ids: readonly string[], limit = 15): string {
  const lines: string[] = [];
  let total = 0;
  for (const id of ids) {
    const r = index.get(id);
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

/** How many revisions have each state: the one count the tree header and the status bar show. */
export function stateCounts(states: DbStates | null): Record<RevState, number> {
  const c: Record<RevState, number> = { current: 0, applied: 0, pending: 0, unknown: 0, broken: 0 };
  if (states) for (const s of states.states.values()) c[s]++;
  return c;
}
