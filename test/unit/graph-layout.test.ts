// The graph picture's lane layout (src/core/graph-layout.ts): lanes for branches and merges,
// depends_on, several bases, ghosts for missing parents, cycles, folding linear runs, edge paths.
import * as assert from 'node:assert/strict';
import { generateSpecs } from '../../bench/generate';
import { RevisionGraph } from '../../src/core/graph';
import { edgePath, foldLines, layoutGraph, linearRuns, type GraphLayout, type LayoutInput } from '../../src/core/graph-layout';
import { defaultFileName, migrationFileOf, type RevSpec } from '../support/fixture-writer';

function input(id: string, parents: string[] = [], dependsOn: string[] = []): LayoutInput {
  return { id, parents, dependsOn };
}

/** Newest-first layout input from specs, in the order the sidebar uses (RevisionGraph.newestFirst). */
function inputsOf(specs: RevSpec[]): LayoutInput[] {
  const g = RevisionGraph.build([...specs].sort((a, b) => (defaultFileName(a) < defaultFileName(b) ? -1 : 1)).map((s) => migrationFileOf(s, `v/${defaultFileName(s)}`)));
  return g.newestFirst().map((id) => {
    const r = g.get(id);
    assert.ok(r);
    return input(id, [...r.downRevisions], [...r.dependsOn]);
  });
}

/** No two things share a lane on a row: a node and an edge passing it, or two passing edges. */
function assertNoCollisions(l: GraphLayout): void {
  const occupied = new Map<string, string>();
  const claim = (row: number, lane: number, who: string): void => {
    const k = `${row}:${lane}`;
    const had = occupied.get(k);
    assert.equal(had, undefined, `row ${row} lane ${lane}: ${who} collides with ${had}`);
    occupied.set(k, who);
  };
  l.rows.forEach((r, i) => claim(i, r.lane, `node ${r.id}`));
  for (const e of l.edges) {
    if (e.kind !== 'down') continue;
    assert.ok(e.child < e.parent, 'a down edge goes down');
    assert.equal(l.rows[e.child].lane, e.childLane);
    assert.equal(l.rows[e.parent].lane, e.parentLane);
    for (let r = e.child + 1; r < e.parent; r++) claim(r, e.lane, `edge ${l.rows[e.child].id}->${l.rows[e.parent].id}`);
  }
  for (const r of l.rows) assert.ok(r.lane >= 0 && r.lane < l.lanes);
}

describe('layoutGraph', () => {
  it('draws a linear history in one lane, newest at the top', () => {
    const l = layoutGraph([input('c', ['b']), input('b', ['a']), input('a')]);
    assert.deepEqual(l.rows.map((r) => [r.id, r.lane]), [['c', 0], ['b', 0], ['a', 0]]);
    assert.equal(l.lanes, 1);
    assert.deepEqual(l.edges.map((e) => [e.kind, e.child, e.parent, e.lane]), [['down', 0, 1, 0], ['down', 1, 2, 0]]);
  });

  it('gives a branch its own lane that converges into the branch point', () => {
    // a is a branch point: b1 and c1 both revise it.
    const l = layoutGraph([input('b2', ['b1']), input('c1', ['a']), input('b1', ['a']), input('a')]);
    assertNoCollisions(l);
    assert.equal(l.lanes, 2);
    const lanes = Object.fromEntries(l.rows.map((r) => [r.id, r.lane]));
    assert.equal(lanes.b2, 0);
    assert.equal(lanes.c1, 1, 'the second head opens a second lane');
    assert.equal(lanes.a, 0, 'the branch point takes the leftmost waiting lane');
    const fromC1 = l.edges.find((e) => e.child === 1);
    assert.deepEqual([fromC1?.lane, fromC1?.parentLane], [1, 0], 'c1 runs down lane 1 and converges into lane 0');
  });

  it('opens a lane for a merge revision second parent and frees it at that parent', () => {
    const l = layoutGraph([input('m', ['x', 'y']), input('x', ['a']), input('y', ['a']), input('a'), input('z', [])]);
    assertNoCollisions(l);
    const m = l.edges.filter((e) => e.child === 0);
    assert.deepEqual(m.map((e) => e.lane), [0, 1], 'first parent keeps the lane, the second opens lane 1');
    assert.equal(l.rows[2].lane, 1, 'y sits in the lane the merge opened');
    assert.equal(l.rows[4].lane, 0, 'a later base re-uses the freed leftmost lane');
  });

  it('draws depends_on as a separate dashed kind, without a lane', () => {
    const l = layoutGraph([input('b', ['a'], ['d']), input('a'), input('d')]);
    const dep = l.edges.filter((e) => e.kind === 'depends');
    assert.deepEqual(dep.map((e) => [e.child, e.parent]), [[0, 2]]);
    assert.equal(l.lanes, 1, 'two bases, one after the other, share lane 0');
  });

  it('lays out several bases (two independent lines) side by side', () => {
    const l = layoutGraph([input('a2', ['a1']), input('b2', ['b1']), input('a1'), input('b1')]);
    assertNoCollisions(l);
    assert.deepEqual(l.rows.map((r) => r.lane), [0, 1, 0, 1]);
  });

  it('puts a ghost row for a missing parent right below its lowest child', () => {
    const l = layoutGraph([input('c', ['gone']), input('b', ['gone']), input('a')]);
    assertNoCollisions(l);
    assert.deepEqual(l.rows.map((r) => [r.id, r.ghost]), [['c', false], ['b', false], ['gone', true], ['a', false]]);
    assert.equal(l.edges.filter((e) => e.parent === 2).length, 2);
  });

  it('terminates on a cycle and a self-loop, drawing the upward link as a back edge', () => {
    const l = layoutGraph([input('a', ['b']), input('b', ['a']), input('s', ['s'])]);
    assert.equal(l.rows.length, 3);
    assert.deepEqual(l.edges.map((e) => e.kind), ['down', 'back', 'back']);
    assert.ok(edgePath({ laneWidth: 16, lineHeight: 24, left: 0 }, l.edges[1], 1, 0).startsWith('M'));
  });

  it('keeps the first of duplicate ids and ignores a repeated parent', () => {
    const l = layoutGraph([input('b', ['a', 'a']), input('b', ['x']), input('a')]);
    assert.deepEqual(l.rows.map((r) => r.id), ['b', 'a']);
    assert.equal(l.edges.length, 1);
  });

  it('never lets lanes collide on generated histories with branches, merges, labels and depends_on', () => {
    for (const n of [50, 400, 2000]) {
      const l = layoutGraph(inputsOf(generateSpecs(n, 7)));
      assert.equal(l.rows.length, n);
      assertNoCollisions(l);
      assert.ok(l.lanes <= 8, `a mostly linear history stays narrow (${l.lanes} lanes at ${n})`);
      assert.ok(l.edges.some((e) => e.kind === 'depends'));
    }
  });

  it('has no superlinear step: a branchy history and 10,000 heads on one base lay out about as fast as a chain of the same size', () => {
    // Same size, same allocations: a step quadratic in rows or lanes (1e8 steps at 10,000) would make
    // the branchy or the wide case tens of times slower than the chain; memory effects hit all three alike.
    const n = 10000;
    const id = (p: string, i: number): string => `${p}${i.toString(16).padStart(12, '0')}`;
    const chain = Array.from({ length: n }, (_, i) => input(id('r', n - i), i === n - 1 ? [] : [id('r', n - i - 1)]));
    const wide = [...Array.from({ length: n - 1 }, (_, i) => input(id('h', i), ['base'])), input('base')];
    const branchy = inputsOf(generateSpecs(n, 3));
    assert.equal(layoutGraph(wide).lanes, n - 1);
    const best = (xs: LayoutInput[]): number => {
      let min = Infinity;
      for (let k = 0; k < 11; k++) {
        const t = process.hrtime.bigint();
        layoutGraph(xs);
        min = Math.min(min, Number(process.hrtime.bigint() - t));
      }
      return min;
    };
    // And the chain itself grows about linearly: 10x the rows, not 100x the time (a step quadratic
    // in rows costs ~250x here; memory effects alone stay well under 60x even on a busy machine).
    const small = chain.slice(n - n / 10).map((r, i, all) => (i === all.length - 1 ? input(r.id) : r));
    for (const xs of [chain, wide, branchy, small]) best(xs);
    // A busy machine can spoil one attempt; a superlinear step fails every one.
    const seen: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const c = best(chain);
      const w = best(wide) / c;
      const b = best(branchy) / c;
      const grow = c / best(small);
      seen.push(`wide ${w.toFixed(1)}x, branchy ${b.toFixed(1)}x, chain 10x longer ${grow.toFixed(1)}x`);
      if (w < 4 && b < 4 && grow < 60) return;
    }
    assert.fail(`against a chain of ${n}: ${seen.join('; ')}`);
  }).timeout(60_000);
});

describe('linearRuns and foldLines', () => {
  const chain = (n: number): LayoutInput[] => Array.from({ length: n }, (_, i) => input(`r${n - i}`, i === n - 1 ? [] : [`r${n - i - 1}`]));

  it('finds runs, broken by rows that must stay (heads, labels, current…)', () => {
    const l = layoutGraph(chain(10));
    assert.deepEqual(linearRuns(l, 3, () => false), [{ first: 0, last: 9 }]);
    assert.deepEqual(linearRuns(l, 3, (row) => row === 5), [{ first: 0, last: 5 }, { first: 6, last: 9 }], 'a kept row ends a run, visible');
    assert.deepEqual(linearRuns(l, 3, (row) => row === 5 || row === 4), [{ first: 0, last: 4 }, { first: 5, last: 9 }]);
  });

  it('does not run through a branch point, a merge, a ghost or a depends_on end', () => {
    const l = layoutGraph([input('m', ['x', 'y']), input('x', ['a']), input('y', ['a']), input('a', ['b'], ['q']), input('b', ['c']), input('c', ['gone']), input('q')]);
    const runs = linearRuns(l, 2, () => false);
    for (const run of runs) for (let r = run.first; r <= run.last; r++) assert.notEqual(l.rows[r].id, 'a');
    assert.ok(!runs.some((run) => l.rows[run.last].ghost || l.rows[run.first].ghost));
  });

  it('folds a run into one line between its first and last rows; unfolded keeps every row', () => {
    const l = layoutGraph(chain(30));
    const runs = linearRuns(l, 3, (row) => row === 0);
    const folded = foldLines(l, runs, () => true);
    assert.deepEqual(folded.lines.map((x) => x.kind), ['row', 'fold', 'row'], 'a kept row may end a run: it stays visible');
    const fold = folded.lines[1];
    assert.ok(fold.kind === 'fold' && fold.hidden === 28);
    assert.equal(folded.lineOf[15], 1, 'a hidden row maps to its fold');
    assert.equal(folded.lineOf[29], 2);
    const open = foldLines(l, runs, () => false);
    assert.equal(open.lines.length, 30);
  });
});

describe('edgePath', () => {
  const g = { laneWidth: 10, lineHeight: 20, left: 0 };
  it('is a straight line in one lane, curves in and out of another lane', () => {
    const l = layoutGraph([input('b2', ['b1']), input('c1', ['a']), input('b1', ['a']), input('a')]);
    assert.equal(edgePath(g, l.edges[0], 0, 2), 'M5 10L5 50');
    const c1 = l.edges.find((e) => e.child === 1);
    assert.ok(c1);
    assert.equal(edgePath(g, c1, 1, 3), 'M15 30L15 50C15 60 5 60 5 70');
  });
});
