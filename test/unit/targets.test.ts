import * as assert from 'node:assert/strict';
import { RevisionGraph } from '../../src/core/graph';
import { MultipleHeadsError, RangeNotAncestorError, ResolutionError, RevisionError } from '../../src/core/errors';
import { downgradePlan, resolveTarget, upgradePlan } from '../../src/core/targets';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';

const build = (specs: RevSpec[]): RevisionGraph => RevisionGraph.build(specs.map((s) => migrationFileOf(s, `v/${s.id}.py`)));

function failure(fn: () => unknown): RevisionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RevisionError) return e;
    throw e;
  }
  assert.fail('expected a RevisionError');
}

// a1 ← b2 ← c3 (expand) ; a1 ← d4 (contract) ← e5
const labelled = build([
  { id: 'a1a1a1', down: null },
  { id: 'b2b2b2', down: 'a1a1a1', branchLabels: ['expand'] },
  { id: 'c3c3c3', down: 'b2b2b2' },
  { id: 'd4d4d4', down: 'a1a1a1', branchLabels: ['contract'] },
  { id: 'e5e5e5', down: 'd4d4d4' },
]);
const linear = build([
  { id: 'ae1027a6acf0', down: null },
  { id: 'ae10ffff0000', down: 'ae1027a6acf0' },
  { id: 'b0000000aaaa', down: 'ae10ffff0000' },
]);

describe('resolveTarget: alembic target grammar', () => {
  it('resolves full ids, unique prefixes, labels, head, heads and base', () => {
    assert.deepEqual(resolveTarget(linear, 'ae1027a6acf0'), ['ae1027a6acf0']);
    assert.deepEqual(resolveTarget(linear, 'ae102'), ['ae1027a6acf0']);
    assert.deepEqual(resolveTarget(linear, 'b'), ['b0000000aaaa']);
    assert.deepEqual(resolveTarget(linear, 'head'), ['b0000000aaaa']);
    assert.deepEqual(resolveTarget(linear, 'heads'), ['b0000000aaaa']);
    assert.deepEqual(resolveTarget(linear, 'base'), []);
    assert.deepEqual(resolveTarget(labelled, 'expand'), ['b2b2b2']);
    assert.deepEqual(resolveTarget(labelled, 'heads'), ['c3c3c3', 'e5e5e5']);
  });

  it('resolves label@head, label@base, label@id and label@-N', () => {
    assert.deepEqual(resolveTarget(labelled, 'expand@head'), ['c3c3c3']);
    assert.deepEqual(resolveTarget(labelled, 'contract@heads'), ['e5e5e5']);
    assert.deepEqual(resolveTarget(labelled, 'expand@base'), []);
    assert.deepEqual(resolveTarget(labelled, 'contract@e5e5'), ['e5e5e5']);
    assert.deepEqual(resolveTarget(labelled, 'contract@-1'), ['d4d4d4']);
  });

  it('resolves +N from the current rows, rev+N, rev-N and -N from the current rows', () => {
    assert.deepEqual(resolveTarget(linear, '+1'), ['ae1027a6acf0']);
    assert.deepEqual(resolveTarget(linear, '+2', ['ae1027a6acf0']), ['b0000000aaaa']);
    assert.deepEqual(resolveTarget(linear, 'ae1027+1'), ['ae10ffff0000']);
    assert.deepEqual(resolveTarget(linear, 'b000-2'), ['ae1027a6acf0']);
    assert.deepEqual(resolveTarget(linear, '-1', ['b0000000aaaa']), ['ae10ffff0000']);
    assert.deepEqual(resolveTarget(linear, '-3', ['b0000000aaaa']), []);
    assert.deepEqual(resolveTarget(linear, 'current', ['ae10ffff0000']), ['ae10ffff0000']);
  });

  it("fails with alembic's texts for unknown, short, ambiguous and multi-head targets", () => {
    const unknown = failure(() => resolveTarget(linear, 'nosuch'));
    assert.ok(unknown instanceof ResolutionError);
    assert.equal(unknown.message, "No such revision or branch 'nosuch'");
    assert.equal(unknown.commandMessage(), "Can't locate revision identified by 'nosuch'");
    assert.equal(
      failure(() => resolveTarget(linear, 'zz')).message,
      "No such revision or branch 'zz'; please ensure at least four characters are present for partial revision identifier matches",
    );
    assert.equal(failure(() => resolveTarget(linear, 'ae10')).message, "Multiple revisions start with 'ae10': 'ae1027a6acf0', 'ae10ffff0000'...");
    const heads = failure(() => resolveTarget(labelled, 'head'));
    assert.ok(heads instanceof MultipleHeadsError);
    assert.equal(heads.message, "Multiple heads are present for given argument 'head'; c3c3c3, e5e5e5");
    assert.equal(
      heads.commandMessage(),
      "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
    );
    assert.equal(failure(() => resolveTarget(labelled, 'nolabel@head')).message, "No such revision or branch 'nolabel'");
    assert.equal(failure(() => resolveTarget(labelled, 'nolabel@e5e5')).message, "No such branch: 'nolabel'");
    assert.equal(failure(() => resolveTarget(labelled, 'expand@e5e5e5')).message, "Revision e5e5e5 is not a member of branch 'expand'");
    assert.equal(failure(() => resolveTarget(linear, '-1', [])).message, "Relative revision -1 didn't produce 1 migrations");
    assert.equal(failure(() => resolveTarget(labelled, 'a1a1a1+1')).message, 'Ambiguous walk');
    assert.equal(failure(() => resolveTarget(linear, 'current', ['gone0000'])).message, "No such revision or branch 'gone0000'");
  });
});

describe('upgradePlan / downgradePlan', () => {
  const withDeps = build([
    { id: 'app1', down: null },
    { id: 'lib1', down: null },
    { id: 'lib2', down: 'lib1' },
    { id: 'app2', down: 'app1', dependsOn: ['lib2'] },
  ]);

  it('applies what is missing, parents and dependencies first', () => {
    assert.deepEqual(upgradePlan(linear, [], 'head'), ['ae1027a6acf0', 'ae10ffff0000', 'b0000000aaaa']);
    assert.deepEqual(upgradePlan(linear, ['ae1027a6acf0'], '+1'), ['ae10ffff0000']);
    assert.deepEqual(upgradePlan(withDeps, ['app1'], 'app2'), ['lib1', 'lib2', 'app2']);
    assert.deepEqual(upgradePlan(labelled, [], 'expand@head'), ['a1a1a1', 'b2b2b2', 'c3c3c3']);
    assert.deepEqual(upgradePlan(linear, ['b0000000aaaa'], 'ae1027a6acf0'), []);
  });

  it('reverts children first, only what the rows applied', () => {
    assert.deepEqual(downgradePlan(linear, ['b0000000aaaa'], 'base'), ['b0000000aaaa', 'ae10ffff0000', 'ae1027a6acf0']);
    assert.deepEqual(downgradePlan(linear, ['b0000000aaaa'], '-1'), ['b0000000aaaa']);
    assert.deepEqual(downgradePlan(withDeps, ['app2'], 'lib1'), ['app2', 'lib2']);
    assert.deepEqual(downgradePlan(labelled, ['c3c3c3', 'e5e5e5'], 'contract@d4d4d4'), ['e5e5e5']);
  });

  it('downgrades every branch for label@base when the branches share one base, as alembic does', () => {
    assert.deepEqual(downgradePlan(labelled, ['c3c3c3', 'e5e5e5'], 'contract@base'), ['c3c3c3', 'b2b2b2', 'e5e5e5', 'd4d4d4', 'a1a1a1']);
  });

  it("fails as the alembic command does", () => {
    const multi = failure(() => upgradePlan(labelled, [], 'head'));
    assert.ok(multi instanceof MultipleHeadsError);
    const missing = failure(() => upgradePlan(linear, ['gone0000'], 'head'));
    assert.equal(missing.commandMessage(), "Can't locate revision identified by 'gone0000'");
    const notAncestor = failure(() => downgradePlan(linear, ['ae1027a6acf0'], 'b0000000aaaa'));
    assert.ok(notAncestor instanceof RangeNotAncestorError);
    assert.equal(notAncestor.commandMessage(), 'Destination b0000000aaaa is not a valid downgrade target from current head(s)');
    assert.equal(failure(() => downgradePlan(linear, ['b0000000aaaa'], '-5')).message, "Relative revision -5 didn't produce 5 migrations");
  });
});
