// Core's plans for the cases the issue found broken in the sidebar (each checked against real
// alembic in test/db/plans.diff.test.ts too).
import * as assert from 'node:assert/strict';
import { RevisionGraph } from '../../src/core/graph';
import { RevisionError } from '../../src/core/errors';
import { planCommand, tryPlan } from '../../src/core/plan';
import { downgradeOffers, downgradeOne, ownSql, stampOffers, upgradeOffers } from '../../src/core/offers';
import { labelledMergeWarning, mergeCandidates } from '../../src/core/merge';
import { computeDbState, countStates } from '../../src/core/state';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';

const build = (specs: RevSpec[]): RevisionGraph => RevisionGraph.build(specs.map((s) => migrationFileOf(s, `v/${s.id}.py`)));

// The demo project's shape: billing branch (b18e, d3a0) merged at 605a, archive (0a7d) above.
const DEMO: RevSpec[] = [
  { id: '1a2b3c4d5e6f', down: null },
  { id: '7e4d0a6b3c32', down: '1a2b3c4d5e6f' },
  { id: 'b18e4a0f7c54', down: '7e4d0a6b3c32' },
  { id: 'd3a06c2b9e65', down: 'b18e4a0f7c54' },
  { id: 'c27f5b1e8d76', down: '7e4d0a6b3c32' },
  { id: '605ac23a0d8f', down: ['c27f5b1e8d76', 'd3a06c2b9e65'] },
  { id: '0a7d3f6b2ca9', down: '605ac23a0d8f' },
  { id: 'a0a0a0a0a001', down: null, branchLabels: ['analytics'] },
  { id: 'a0a0a0a0a002', down: 'a0a0a0a0a001' },
];
const demo = build(DEMO);

describe('planCommand: stamp as alembic stamps', () => {
  it('stamping an ancestor below a merge drops the merged branch too (the row moves down to the target)', () => {
    const p = planCommand(demo, ['0a7d3f6b2ca9'], { command: 'stamp', target: 'c27f5b1e8d76' });
    assert.deepEqual(p.rowsAfter, ['c27f5b1e8d76']);
    assert.deepEqual([...p.revert].sort(), ['0a7d3f6b2ca9', '605ac23a0d8f', 'b18e4a0f7c54', 'd3a06c2b9e65']);
    assert.deepEqual(p.apply, []);
    assert.deepEqual(p.command, ['stamp', 'c27f5b1e8d76']);
  });

  it('keeps the rows of other lines and adds the target as a new row when it shares no lineage', () => {
    const p = planCommand(demo, ['0a7d3f6b2ca9'], { command: 'stamp', target: 'a0a0a0a0a001' });
    assert.deepEqual(p.rowsAfter, ['0a7d3f6b2ca9', 'a0a0a0a0a001']);
    assert.deepEqual(p.apply, ['a0a0a0a0a001']);
  });

  it('--purge empties the table first, also when a row names a revision the folder lacks', () => {
    const p = planCommand(demo, ['0a7d3f6b2ca9', 'ffffffffffff'], { command: 'stamp', target: 'a0a0a0a0a002', purge: true });
    assert.deepEqual(p.rowsAfter, ['a0a0a0a0a002']);
    assert.equal(p.revert.length, 7);
    assert.deepEqual(p.command, ['stamp', '--purge', 'a0a0a0a0a002']);
    const refused = tryPlan(demo, ['ffffffffffff'], { command: 'stamp', target: 'a0a0a0a0a002' });
    assert.deepEqual(refused, { ok: false, message: "Can't locate revision identified by 'ffffffffffff'" });
  });
});

describe('planCommand: upgrade and downgrade', () => {
  it('refuses <merge>@-1 with alembic\'s "Ambiguous walk"', () => {
    assert.deepEqual(tryPlan(demo, ['605ac23a0d8f'], { command: 'downgrade', target: '605ac23a0d8f@-1' }), { ok: false, message: 'Ambiguous walk' });
  });

  it('gives the rows after an upgrade through a merge (two rows become one)', () => {
    const p = planCommand(demo, ['c27f5b1e8d76', 'd3a06c2b9e65'], { command: 'upgrade', target: '0a7d3f6b2ca9' });
    assert.deepEqual(p.apply, ['605ac23a0d8f', '0a7d3f6b2ca9']);
    assert.deepEqual(p.rowsAfter, ['0a7d3f6b2ca9']);
    assert.equal(p.orderNote, null);
  });

  it('says when the run order between independent branches is the folder listing order', () => {
    const p = planCommand(demo, [], { command: 'upgrade', target: 'heads' });
    assert.match(p.orderNote ?? '', /independent branches/);
  });

  it('refuses every command on a graph with a cycle', () => {
    const g = build([
      { id: 'aaaa1111', down: 'bbbb2222' },
      { id: 'bbbb2222', down: 'aaaa1111' },
    ]);
    assert.throws(() => planCommand(g, [], { command: 'upgrade', target: 'heads' }), (e: unknown) => e instanceof RevisionError && /Cycle is detected/.test(e.message));
  });
});

describe('offers: only targets whose plan succeeds', () => {
  const order = demo.newestFirst();

  it('at a merge, Downgrade… offers `downgrade <parent>` reverting the merge alone, not `<merge>@-1`', () => {
    const offers = downgradeOffers(demo, ['605ac23a0d8f'], order);
    assert.ok(!offers.some((o) => o.target === '605ac23a0d8f@-1'));
    const one = downgradeOne(demo, ['605ac23a0d8f'], '605ac23a0d8f');
    assert.equal(one?.target, 'c27f5b1e8d76');
    assert.deepEqual(one?.plan.revert, ['605ac23a0d8f']);
    assert.deepEqual(one?.plan.rowsAfter, ['c27f5b1e8d76', 'd3a06c2b9e65']);
  });

  it('Upgrade… lists head targets and pending revisions, each with a non-empty plan', () => {
    const offers = upgradeOffers(demo, ['0a7d3f6b2ca9'], order);
    assert.deepEqual(offers.map((o) => o.target), ['heads', 'analytics@+1', 'a0a0a0a0a002', 'a0a0a0a0a001']);
    assert.ok(offers.every((o) => o.plan.apply.length > 0));
  });

  it('Stamp… offers every revision and base', () => {
    assert.equal(stampOffers(demo, ['0a7d3f6b2ca9'], order, false).length, 10);
  });
});

describe('merge candidates', () => {
  it('labelled lines apart by design want no merge; two unlabelled heads do', () => {
    assert.deepEqual(mergeCandidates(demo), []);
    assert.match(labelledMergeWarning(demo, ['0a7d3f6b2ca9', 'a0a0a0a0a002']) ?? '', /'analytics'.*@head.*points at the merge/);
    const forked = build([...DEMO, { id: 'f0f0f0f0f0f0', down: '0a7d3f6b2ca9' }, { id: 'f1f1f1f1f1f1', down: '0a7d3f6b2ca9' }]);
    assert.deepEqual(mergeCandidates(forked).map((g) => g.heads), [['f0f0f0f0f0f0', 'f1f1f1f1f1f1']]);
  });
});

describe('states: honest when the folder and the database disagree', () => {
  it('a row the folder lacks makes what no known row applies unknown, not pending', () => {
    const s = computeDbState(demo, ['ffffffffffff']);
    assert.equal(s.states.get('0a7d3f6b2ca9'), 'unknown');
    assert.deepEqual(countStates(s.states), { current: 0, applied: 0, pending: 0, unknown: 9, broken: 0 });
    assert.match(s.notes[0], /ffffffffffff, which the folder lacks/);
  });

  it('a revision with a broken link stays, with state broken', () => {
    const g = build([...DEMO, { id: 'b0b0b0b0b0b0', down: 'nothere0000' }]);
    const s = computeDbState(g, ['0a7d3f6b2ca9']);
    assert.equal(s.states.get('b0b0b0b0b0b0'), 'broken');
    assert.equal(s.states.size, 10);
  });
});

describe('ownSql: a revision\'s own SQL', () => {
  it('an applied revision: its downgrade from itself to its parent; a pending one: its upgrade from its parent', () => {
    assert.deepEqual(ownSql(demo, ['0a7d3f6b2ca9'], 'c27f5b1e8d76').args, ['downgrade', 'c27f5b1e8d76:7e4d0a6b3c32', '--sql']);
    assert.deepEqual(ownSql(demo, ['7e4d0a6b3c32'], 'c27f5b1e8d76').args, ['upgrade', '7e4d0a6b3c32:c27f5b1e8d76', '--sql']);
    assert.deepEqual(ownSql(demo, [], '1a2b3c4d5e6f').args, ['upgrade', '1a2b3c4d5e6f', '--sql']);
    // A pending merge starts at the parent that drags in fewest others (d3a0: only c27f comes along).
    assert.deepEqual(ownSql(demo, ['7e4d0a6b3c32'], '605ac23a0d8f'), { args: ['upgrade', 'd3a06c2b9e65:605ac23a0d8f', '--sql'], others: ['c27f5b1e8d76'] });
  });
});
