// The relative and branch targets the Upgrade… / Downgrade… pickers offer (src/extension/plans.ts):
// which entries appear for a given database state, and the exact revisions each one's
// confirmation modal lists. Targets alembic 1.8 finds ambiguous are left out.
import * as assert from 'node:assert/strict';
import {
  SnapshotGraph, downgradeLabelBasePlan, downgradeRelativeTargets, upgradeRelativeTargets, type RelativeTarget,
} from '../../src/extension/plans';
import type { RevisionInfo } from '../../src/protocol/protocol';

function rev(id: string, down: string[], extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return {
    id, path: `/p/versions/${id}.py`, line: 1, downRevisions: down, dependsOn: [], branchLabels: [],
    effectiveBranchLabels: [], children: [], message: `msg ${id}`, createDate: null, ...extra,
  };
}

/** Fills in children from down_revisions; `revs` newest first. */
function graphOf(revs: RevisionInfo[]): SnapshotGraph {
  for (const r of revs) r.children = revs.filter((c) => c.downRevisions.includes(r.id)).map((c) => c.id);
  return new SnapshotGraph(revs);
}

const brief = (ts: RelativeTarget[]): [string, string, string[]][] => ts.map((t) => [t.target, t.label, t.plan]);

// base1 ─ mid2 ─ a3 (label a) ─ a4
//              └ b3 ─ m5 (merge a4 + b3)   heads: m5
//                   └ b4                   heads: b4
const BRANCHED = (): SnapshotGraph => graphOf([
  rev('m5', ['a4', 'b3']), rev('b4', ['b3']), rev('a4', ['a3']),
  rev('b3', ['mid2']), rev('a3', ['mid2'], { branchLabels: ['a'], effectiveBranchLabels: ['a'] }),
  rev('mid2', ['base1']), rev('base1', []),
]);
const HEADS = ['m5', 'b4'];

describe('extension picker targets: Upgrade… relative and branch entries', () => {
  it('offers +1 from an empty table to the single base, with that base as the plan', () => {
    const g = graphOf([rev('r2', ['r1'], { branchLabels: ['main'] }), rev('r1', [])]);
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['r1'], ['r2'], [])), [
      ['+1', '+1 (next revision)', ['r1']],
      ['main@head', 'main@head', ['r1', 'r2']],
    ]);
  });

  it('offers +1 from a single row to its only child and describes where it lands', () => {
    const g = BRANCHED();
    const ts = upgradeRelativeTargets(g, ['base1'], HEADS, ['base1']);
    assert.deepEqual(ts[0], { target: '+1', label: '+1 (next revision)', description: 'alembic upgrade +1 → mid2', plan: ['mid2'] });
  });

  it('leaves +1 out at a branch point (alembic: "Ambiguous walk"), offers <label>@+1 one step along the label, and <label>@head', () => {
    const g = BRANCHED();
    // a@+1 walks from mid2 to its one child on a's lineage, a3 (b3 is not on it).
    // Of the heads only m5 descends from a3 (b4 does not), so a@head is m5, which needs b3 too.
    const ts = upgradeRelativeTargets(g, ['base1'], HEADS, ['mid2']);
    assert.deepEqual(brief(ts), [
      ['a@+1', 'a@+1', ['a3']],
      ['a@head', 'a@head', ['a3', 'b3', 'a4', 'm5']],
    ]);
    assert.equal(ts[0].description, 'next revision on branch a → a3');
  });

  it('<label>@+1 from a row off the label\'s lineage backtracks to the applied tip on it, as alembic does', () => {
    // base1 ─ mid2 ─ a3 (label a)
    //       └ q2                  row: q2 (base1 applied through it)
    const g = graphOf([rev('q2', ['base1']), rev('a3', ['mid2'], { branchLabels: ['a'] }), rev('mid2', ['base1']), rev('base1', [])]);
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['base1'], ['a3', 'q2'], ['q2'])), [
      ['a@+1', 'a@+1', ['mid2']],
      ['a@head', 'a@head', ['mid2', 'a3']],
    ]);
  });

  it('leaves <label>@+1 out where it would do what +1, <rev>+1 or <label>@head already do, or nothing', () => {
    const g = BRANCHED();
    // from a3 and b3: a@+1 is a4, the same as a3+1
    assert.deepEqual(upgradeRelativeTargets(g, ['base1'], HEADS, ['a3', 'b3']).map((t) => t.target), ['a3+1', 'a@head']);
    // at a's head: nothing above on the lineage
    const one = graphOf([rev('r2', ['r1'], { branchLabels: ['main'] }), rev('r1', [])]);
    assert.deepEqual(upgradeRelativeTargets(one, ['r1'], ['r2'], ['r2']), []);
  });

  it('with several rows offers <rev>+1 for each row with exactly one child, its plan pulling in a merge\'s other parent', () => {
    const g = BRANCHED();
    const ts = upgradeRelativeTargets(g, ['base1'], HEADS, ['a3', 'b3']);
    assert.deepEqual(brief(ts), [
      ['a3+1', 'a3+1', ['a4']],
      ['a@head', 'a@head', ['a4', 'm5']],
    ]);
    assert.equal(ts[0].description, 'next revision after a3 → a4');
    // a4's only child is the merge m5; b3 applied, so m5 alone.
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['base1'], HEADS, ['a4', 'b4'])), [
      ['a4+1', 'a4+1', ['m5']],
      ['a@head', 'a@head', ['m5']],
    ]);
    // From a4 alone, +1 is the merge, which needs b3 too.
    assert.deepEqual(upgradeRelativeTargets(g, ['base1'], HEADS, ['a4'])[0].plan, ['b3', 'm5']);
  });

  it('leaves out <label>@head when several heads descend from the label, and when the branch is already at its head', () => {
    // base1 ─ a2 (label a) ─ x3
    //                     └ y3        two heads above a
    const g = graphOf([rev('y3', ['a2']), rev('x3', ['a2']), rev('a2', ['base1'], { branchLabels: ['a'] }), rev('base1', [])]);
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['base1'], ['x3', 'y3'], [])), [['+1', '+1 (next revision)', ['base1']]]);
    const one = graphOf([rev('r2', ['r1'], { branchLabels: ['main'] }), rev('r1', [])]);
    assert.deepEqual(upgradeRelativeTargets(one, ['r1'], ['r2'], ['r2']), []);
  });

  it('offers no relative entry when the state is unknown or a row is missing from the folder; <label>@head then plans from an empty table', () => {
    const g = BRANCHED();
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['base1'], HEADS, null)), [['a@head', 'a@head', ['base1', 'mid2', 'a3', 'b3', 'a4', 'm5']]]);
    assert.deepEqual(brief(upgradeRelativeTargets(g, ['base1'], HEADS, ['base1', 'feedface'])), [['a@head', 'a@head', ['mid2', 'a3', 'b3', 'a4', 'm5']]]);
  });

  it('leaves +1 out from an empty table with several bases', () => {
    const g = graphOf([rev('q1', []), rev('r1', [])]);
    assert.deepEqual(upgradeRelativeTargets(g, ['q1', 'r1'], ['q1', 'r1'], []), []);
  });
});

describe('extension picker targets: Downgrade… relative and branch entries', () => {
  it('offers <row>@-1 per current row, reverting that row only, and says where it lands', () => {
    const g = BRANCHED();
    const ts = downgradeRelativeTargets(g, ['a4', 'b4']);
    assert.deepEqual(ts.map((t) => [t.target, t.label, t.description, t.plan]), [
      ['a4@-1', '-1 from a4', 'alembic downgrade a4@-1 → a3', ['a4']],
      ['b4@-1', '-1 from b4', 'alembic downgrade b4@-1 → b3', ['b4']],
    ]);
    assert.equal(downgradeRelativeTargets(g, ['m5'])[0].description, 'alembic downgrade m5@-1 below the merge point');
    assert.equal(downgradeRelativeTargets(g, ['base1'])[0].description, 'alembic downgrade base1@-1 → base');
  });

  it('leaves out a row that another applied revision depends on, and everything when a row is missing from the folder', () => {
    // base1 ─ a2      base1 ─ b2 (depends_on a2)
    const g = graphOf([rev('b2', ['base1'], { dependsOn: ['a2'] }), rev('a2', ['base1']), rev('base1', [])]);
    assert.deepEqual(downgradeRelativeTargets(g, ['a2', 'b2']).map((t) => t.target), ['b2@-1']);
    assert.deepEqual(downgradeRelativeTargets(g, ['b2', 'feedface']), []);
  });

  it('offers <label>@base with several bases: the label\'s own base and everything applied above it, dependents included', () => {
    // x ─ p1 (feat) ─ s1 (depends_on r1)      r1 (other) ─ r2
    const g = graphOf([
      rev('s1', ['p1'], { dependsOn: ['r1'] }), rev('r2', ['r1']), rev('r1', [], { branchLabels: ['other'] }),
      rev('p1', ['x'], { branchLabels: ['feat'] }), rev('x', []),
    ]);
    assert.deepEqual(brief(downgradeRelativeTargets(g, ['r2', 's1'])), [
      ['r2@-1', '-1 from r2', ['r2']],
      ['s1@-1', '-1 from s1', ['s1']],
      ['other@base', 'other@base', ['s1', 'r2', 'r1']],
      ['feat@base', 'feat@base', ['s1', 'p1', 'x']],
    ]);
    // Nothing of the branch applied: not offered.
    assert.equal(downgradeLabelBasePlan(g, ['p1'], 'other'), null);
  });

  it('leaves <label>@base out with a single base, where alembic reverts everything just like base', () => {
    const g = BRANCHED();
    assert.equal(downgradeLabelBasePlan(g, ['a4', 'b4'], 'a'), null);
    assert.deepEqual(downgradeRelativeTargets(g, ['a4', 'b4']).map((t) => t.target), ['a4@-1', 'b4@-1']);
  });
});
