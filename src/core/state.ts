// Database state from the rows of alembic's version table. Pure: the caller reads the rows.
//
// The table holds one row per applied head. A revision is applied when it is an ancestor of a row
// through down_revision AND depends_on (alembic upgrades dependencies first); `current` marks the
// rows themselves; everything else is pending. Rows naming a revision the folder lacks go to
// `missing` (alembic: "Can't locate revision identified by '<id>'").
import type { RevisionState } from './types';
import type { RevisionGraph } from './graph';

export interface DbState {
  /** The rows as read (duplicates removed, order kept). */
  rows: string[];
  /** A state for every revision of the graph. */
  states: Map<string, RevisionState>;
  /** Rows with no file in the folder. */
  missing: string[];
}

export function computeDbState(graph: RevisionGraph, rows: readonly string[]): DbState {
  const uniqueRows = [...new Set(rows)];
  const present = uniqueRows.filter((r) => graph.revisions.has(r));
  const missing = uniqueRows.filter((r) => !graph.revisions.has(r));
  const applied = graph.ancestors(present, { dependencies: true });
  const current = new Set(present);
  const states = new Map<string, RevisionState>();
  for (const id of graph.revisions.keys()) {
    states.set(id, current.has(id) ? 'current' : applied.has(id) ? 'applied' : 'pending');
  }
  return { rows: uniqueRows, states, missing };
}
