import * as assert from 'node:assert/strict';
import { RevisionGraph } from '../../src/core/graph';
import { computeDbState } from '../../src/core/state';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';

const build = (specs: RevSpec[]): RevisionGraph => RevisionGraph.build(specs.map((s) => migrationFileOf(s, `v/${s.id}.py`)));

describe('computeDbState', () => {
  const g = build([
    { id: 'a1', down: null },
    { id: 'a2', down: 'a1' },
    { id: 'a3', down: 'a2' },
    { id: 'l1', down: null },
    { id: 'l2', down: 'l1' },
    { id: 'b1', down: 'a1', dependsOn: ['l1'] },
  ]);
  const states = (rows: string[]): string => [...computeDbState(g, rows).states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => `${id}:${s}`).join(' ');

  it('marks the rows current, their ancestors applied and the rest pending', () => {
    assert.equal(states(['a2']), 'a1:applied a2:current a3:pending b1:pending l1:pending l2:pending');
  });

  it('counts depends_on targets of a row as applied', () => {
    assert.equal(states(['b1']), 'a1:applied a2:pending a3:pending b1:current l1:applied l2:pending');
  });

  it('handles several rows (one per applied head) and an empty table', () => {
    assert.equal(states(['a3', 'l2']), 'a1:applied a2:applied a3:current b1:pending l1:applied l2:current');
    assert.equal(states([]), 'a1:pending a2:pending a3:pending b1:pending l1:pending l2:pending');
  });

  it('puts rows naming a revision the folder lacks into missing', () => {
    const s = computeDbState(g, ['a2', 'gone', 'a2']);
    assert.deepEqual(s.rows, ['a2', 'gone']);
    assert.deepEqual(s.missing, ['gone']);
    assert.equal(s.states.get('a1'), 'applied');
  });
});
