// Database state from the rows of alembic's version table. Pure: the caller reads the rows.
//
// The table holds one row per applied head. A revision is applied when it is an ancestor of a row
// through down_revision AND depends_on (alembic upgrades dependencies first); `current` marks the
// rows themselves; everything else is pending. Rows naming a revision the folder lacks go to
// `missing` (alembic: "Can't locate revision identified by '<id>'"); the revisions no known row
// applies may then be ancestors of that row, so they are 'unknown', never invented as pending.
// A revision whose down_revision / depends_on names a revision no file defines is 'broken' unless
// a row applies it (alembic refuses every command until the link is fixed).
import type { RevisionState } from './types';
import type { RevisionGraph } from './graph';

export interface DbState {
  /** The rows as read (duplicates removed, order kept). */
  rows: string[];
  /** A state for every revision of the graph. */
  states: Map<string, RevisionState>;
  /** Rows with no file in the folder. */
  missing: string[];
  /** Why states are 'unknown' / 'broken', one sentence each (empty when none is). */
  notes: string[];
}

export interface StateCounts {
  current: number;
  applied: number;
  pending: number;
  unknown: number;
  broken: number;
}

export function computeDbState(graph: RevisionGraph, rows: readonly string[]): DbState {
  const uniqueRows = [...new Set(rows)];
  const present = uniqueRows.filter((r) => graph.revisions.has(r));
  const missing = uniqueRows.filter((r) => !graph.revisions.has(r));
  const applied = graph.ancestors(present, { dependencies: true });
  const current = new Set(present);
  const broken = new Set(graph.missingRefs.map((m) => m.from));
  const states = new Map<string, RevisionState>();
  for (const id of graph.revisions.keys()) {
    let s: RevisionState = current.has(id) ? 'current' : applied.has(id) ? 'applied' : missing.length > 0 ? 'unknown' : 'pending';
    if (broken.has(id) && s !== 'current' && s !== 'applied') s = 'broken';
    states.set(id, s);
  }
  const notes: string[] = [];
  if (missing.length > 0) {
    notes.push(
      `The database holds ${missing.join(', ')}, which the folder lacks (alembic: Can't locate revision identified by '${missing[0]}'): ` +
        'the revisions no other row applies may be its ancestors, so whether they are applied is unknown.',
    );
  }
  if (broken.size > 0) {
    const refs = graph.missingRefs.map((m) => `${m.from} (${m.field} ${m.missing})`);
    notes.push(`${refs.join(', ')}: a link names a revision no file defines; alembic refuses every command until it is fixed.`);
  }
  return { rows: uniqueRows, states, missing, notes };
}

export function countStates(states: ReadonlyMap<string, RevisionState>): StateCounts {
  const c: StateCounts = { current: 0, applied: 0, pending: 0, unknown: 0, broken: 0 };
  for (const s of states.values()) c[s]++;
  return c;
}
