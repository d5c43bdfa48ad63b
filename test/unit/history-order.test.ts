// alembic history's order (src/core/history-order.ts) has two ways to answer "does another pending
// head still need this revision?": precomputed ancestry bits (up to 20,000 revisions) and
// alembic's own per-head ancestor sets (beyond). Both must give the same order; the order itself
// is checked against real `alembic history` in cli-history.test.ts.
import * as assert from 'node:assert/strict';
import { generateSpecs } from '../../bench/generate';
import { RevisionGraph } from '../../src/core/graph';
import { alembicHistoryOrder } from '../../src/core/history-order';
import { defaultFileName, migrationFileOf, type RevSpec } from '../support/fixture-writer';

function graphOf(specs: RevSpec[]): RevisionGraph {
  return RevisionGraph.build([...specs].sort((a, b) => (defaultFileName(a) < defaultFileName(b) ? -1 : 1)).map((s) => migrationFileOf(s, `v/${defaultFileName(s)}`)));
}

describe('alembicHistoryOrder: ancestry bits and ancestor sets agree', () => {
  it('on generated projects with branches, merges, two labelled lines and depends_on', () => {
    for (const n of [40, 300, 1500]) {
      const g = graphOf(generateSpecs(n, 3));
      const bits = alembicHistoryOrder(g);
      assert.ok(bits !== null && bits.length === n, `order of all ${n} revisions`);
      assert.deepEqual(alembicHistoryOrder(g, { maxBitMatrix: 0 }), bits);
    }
  });

  it('with a dependency an ancestor already depends on, several heads and a dependency-only link', () => {
    const specs: RevSpec[] = [
      { id: 'a0000001', down: null },
      { id: 'd0000001', down: null, branchLabels: ['dep'] },
      { id: 'a0000002', down: 'a0000001', dependsOn: ['d0000001'] },
      { id: 'a0000003', down: 'a0000002', dependsOn: ['d0000001'] },
      { id: 'b0000001', down: 'a0000002' },
      { id: 'c0000001', down: 'a0000001', dependsOn: ['b0000001'] },
      { id: 'm0000001', down: ['a0000003', 'b0000001'] },
    ];
    const g = graphOf(specs);
    const bits = alembicHistoryOrder(g);
    assert.ok(bits !== null && bits.length === specs.length);
    assert.deepEqual(alembicHistoryOrder(g, { maxBitMatrix: 0 }), bits);
    // every revision comes before its parents and dependencies
    const pos = new Map(bits.map((id, i) => [id, i]));
    for (const s of specs) {
      const downs = s.down === null ? [] : typeof s.down === 'string' ? [s.down] : s.down;
      for (const p of [...downs, ...(s.dependsOn ?? [])]) assert.ok((pos.get(s.id) as number) < (pos.get(p) as number), `${s.id} before ${p}`);
    }
  });
});
