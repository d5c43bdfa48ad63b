// Go to Revision…'s rows (src/extension/views/find.ts): every revision findable by id, message,
// branch label and file name (the quick pick matches label, description and detail).
import * as assert from 'node:assert/strict';
import { revisionItems } from '../../src/extension/views/find-items';
import { snapshotEntry } from '../support/snapshot-entry';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import type { RevisionInfo } from '../../src/protocol/protocol';

function rev(id: string, down: string[], extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return { id, path: `/p/${id}_msg.py`, line: 3, downRevisions: down, dependsOn: [], branchLabels: [], effectiveBranchLabels: [], children: [], message: `msg ${id}`, createDate: null, ...extra };
}

function entry(key: string, revisions: RevisionInfo[], rows: string[] | null): ProjectEntry {
  const snapshot = {
    key, name: `${key} (alembic.ini)`, cwd: '/p', configPath: null, section: 'alembic', versionLocations: [], sqlalchemyUrlRedacted: null,
    revisions, heads: [], bases: [], mergePoints: [], branchPoints: [], diagnostics: [],
  };
  return snapshotEntry(snapshot, rows ? { kind: 'ok', display: 'db', dialect: 'postgresql', rows } : { kind: 'no-url' });
}

describe('Go to Revision… items', () => {
  it('puts the full id, state and labels in the description and the file name in the detail', () => {
    const a = entry('a', [rev('bbbbbbbbbbbbbbbb', ['aaaa']), rev('aaaa', [], { branchLabels: ['core'], message: null })], ['aaaa']);
    const items = revisionItems([a]);
    assert.deepEqual(items.map((i) => [i.label, i.description, i.detail]), [
      ['msg bbbbbbbbbbbbbbbb', 'bbbbbbbbbbbbbbbb · pending', 'bbbbbbbbbbbbbbbb_msg.py'],
      ['aaaa', 'aaaa · current · (core)', 'aaaa_msg.py'],
    ]);
  });

  it('names the project in the detail when there are several, and works without a database state', () => {
    const items = revisionItems([entry('a', [rev('r1', [])], null), entry('b', [rev('r2', [])], null)]);
    assert.deepEqual(items.map((i) => [i.description, i.detail, i.key]), [['r1', 'r1_msg.py — a (alembic.ini)', 'a'], ['r2', 'r2_msg.py — b (alembic.ini)', 'b']]);
  });
});
