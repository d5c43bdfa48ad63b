// A ProjectEntry as the extension holds it, for unit tests of the views: the snapshot fields the
// server derives from core (merge candidates, the labelled-merge warning) and the states the
// server's `alembic/state` answers, computed here by the same core functions.
import type { DbRead } from '../../src/extension/db/dbread';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import { RevisionIndex, type DbStates } from '../../src/extension/projects/revisions';
import { RevisionGraph } from '../../src/core/graph';
import { countedHeads, labelledMergeWarning, mergeCandidates } from '../../src/core/merge';
import { computeDbState } from '../../src/core/state';
import type { ProjectSnapshot, RevisionInfo } from '../../src/protocol/protocol';
import { migrationFileOf } from './fixture-writer';

export function coreGraphOf(revisions: readonly RevisionInfo[]): RevisionGraph {
  return RevisionGraph.build(
    revisions.map((r) =>
      migrationFileOf(
        { id: r.id, down: r.downRevisions.length === 0 ? null : r.downRevisions.length === 1 ? r.downRevisions[0] : r.downRevisions, branchLabels: r.branchLabels, dependsOn: r.dependsOn },
        r.path,
      ),
    ),
  );
}

/** What the server answers for `rows` (core's computeDbState). */
export function statesFor(revisions: readonly RevisionInfo[], rows: readonly string[]): DbStates {
  const s = computeDbState(coreGraphOf(revisions), rows);
  return { rows: s.rows, states: s.states, missing: s.missing, notes: s.notes };
}

export function snapshotEntry(base: Omit<ProjectSnapshot, 'mergeCandidates' | 'labelledMergeWarning'> & Partial<ProjectSnapshot>, db: DbRead, readAt = 0): ProjectEntry {
  const g = coreGraphOf(base.revisions);
  const snapshot: ProjectSnapshot = {
    mergeCandidates: mergeCandidates(g).map((c) => c.heads),
    labelledMergeWarning: labelledMergeWarning(g, countedHeads(g)),
    ...base,
  };
  const rows = db.kind === 'ok' ? db.rows : db.kind === 'not-initialised' ? [] : null;
  return { snapshot, graph: new RevisionIndex(base.revisions), db, states: rows === null ? null : statesFor(base.revisions, rows), readAt };
}
