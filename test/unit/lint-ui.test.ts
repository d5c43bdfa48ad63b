// What the sidebar and the upgrade confirmation show of the lint (src/extension/views/model.ts,
// src/extension/projects/revisions.ts): pending revisions with findings are marked; applied ones are not; the
// confirmation lists the findings of the revisions the upgrade applies, oldest first.
import * as assert from 'node:assert/strict';
import { childrenOf, type RevisionNode } from '../../src/extension/views/model';
import { describeLintFindings } from '../../src/extension/projects/revisions';
import { snapshotEntry } from '../support/snapshot-entry';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import type { LintFindingInfo, RevisionInfo } from '../../src/protocol/protocol';

const F = (rule: string, severity: LintFindingInfo['severity'], line: number): LintFindingInfo => ({ rule, severity, message: `${rule} message`, line });

function rev(id: string, down: string[], lint: LintFindingInfo[], children: string[] = []): RevisionInfo {
  return { id, path: `/p/versions/${id}_x.py`, line: 1, downRevisions: down, dependsOn: [], branchLabels: [], effectiveBranchLabels: [], children, message: `msg ${id}`, createDate: null, lint };
}

const REVS = [
  rev('c3', ['b2'], [F('drop-column', 'warning', 20), F('transaction-control-in-execute', 'error', 21)]),
  rev('b2', ['a1'], [F('missing-lock-timeout', 'info', 18)], ['c3']),
  rev('a1', [], [F('update-or-delete-without-where', 'warning', 17)], ['b2']),
];

function entry(rows: string[]): ProjectEntry {
  const snapshot = {
    key: '/p/alembic.ini', name: 'p', cwd: '/p', configPath: '/p/alembic.ini', section: 'alembic', versionLocations: ['/p/versions'],
    sqlalchemyUrlRedacted: null, revisions: REVS, heads: ['c3'], bases: ['a1'], mergePoints: [], branchPoints: [], diagnostics: [],
  };
  return snapshotEntry(snapshot, { kind: 'ok', display: 'app@db/app', dialect: 'postgresql', rows });
}

describe('lint in the sidebar and the upgrade confirmation', () => {
  it('marks pending revisions with error/warning findings (info does not count); applied ones carry no mark', () => {
    const rows = childrenOf(entry(['a1'])).filter((n): n is RevisionNode => n.kind === 'revision');
    assert.deepEqual(rows.map((r) => [r.description, r.contextValue]), [
      ['pending · head · ⚠ 2 lint findings', 'revision:pending:head:lint'],
      ['pending', 'revision:pending'],
      ['current · base', 'revision:current'],
    ]);
  });

  it('the upgrade confirmation lists the findings of the revisions it applies, oldest first', () => {
    const g = entry([]).graph;
    assert.equal(describeLintFindings(g, ['a1', 'b2', 'c3']), [
      'Migration safety lint, 3 findings:',
      '⚠ a1 a1_x.py:18 update-or-delete-without-where: update-or-delete-without-where message',
      '⚠ c3 c3_x.py:21 drop-column: drop-column message',
      '⚠ c3 c3_x.py:22 transaction-control-in-execute: transaction-control-in-execute message',
    ].join('\n'));
    assert.equal(describeLintFindings(g, ['b2']), '');
    assert.match(describeLintFindings(g, ['a1', 'c3'], 1), /^Migration safety lint, 3 findings:\n⚠ a1 .*\n… and 2 more$/);
  });
});
