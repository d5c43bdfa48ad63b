import * as assert from 'node:assert/strict';
import { compareLoadOrder, RevisionGraph } from '../../src/core/graph';
import type { MigrationFile } from '../../src/core/types';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';

const build = (specs: RevSpec[]): RevisionGraph => RevisionGraph.build(specs.map((s) => migrationFileOf(s, s.fileName ?? `versions/${s.id}.py`)));

describe('RevisionGraph: structure', () => {
  const g = build([
    { id: 'a', down: null },
    { id: 'b', down: 'a' },
    { id: 'c', down: 'a' },
    { id: 'd', down: ['b', 'c'] },
    { id: 'e', down: 'd' },
    { id: 'f', down: 'd' },
    { id: 'z', down: null },
  ]);

  it('finds heads, bases, merge points and branch points from down_revision', () => {
    assert.deepEqual(g.heads, ['e', 'f', 'z']);
    assert.deepEqual(g.bases, ['a', 'z']);
    assert.deepEqual(g.mergePoints, ['d']);
    assert.deepEqual(g.branchPoints, ['a', 'd']);
    assert.deepEqual(g.get('a')?.children, ['b', 'c']);
  });

  it('walks ancestors and descendants inclusively', () => {
    assert.deepEqual([...g.ancestors(['e'])].sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual([...g.descendants(['c'])].sort(), ['c', 'd', 'e', 'f']);
    assert.deepEqual([...g.ancestors(['nope'])], []);
  });

  it('orders parents before children', () => {
    const order = g.topoOrder();
    assert.deepEqual([...order].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'z']);
    for (const id of order) for (const p of g.parentsOf(id, true)) assert.ok(order.indexOf(p) < order.indexOf(id), `${p} before ${id}`);
  });

  it('newestFirst lists every revision once, each before all its parents, heads first', () => {
    // Checked against the graph's links, not against topoOrder (its own definition).
    const newest = g.newestFirst();
    assert.deepEqual([...newest].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'z']);
    const at = (id: string): number => newest.indexOf(id);
    const links: Array<[string, string]> = [['b', 'a'], ['c', 'a'], ['d', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'd']];
    for (const [child, parent] of links) assert.ok(at(child) < at(parent), `${child} before its parent ${parent}: ${newest.join(' ')}`);
    assert.ok(g.heads.includes(newest[0]), `starts with a head: ${newest.join(' ')}`);
  });
});

describe('RevisionGraph: depends_on', () => {
  const g = build([
    { id: 'a1', down: null },
    { id: 'a2', down: 'a1', dependsOn: ['b2'] },
    { id: 'b1', down: null, branchLabels: ['lib'] },
    { id: 'b2', down: 'b1' },
    { id: 'a3', down: 'a2', dependsOn: ['lib'] },
  ]);

  it('never removes a head, but a depended-on head is not an effective head', () => {
    assert.deepEqual(g.heads, ['a3', 'b2']);
    assert.deepEqual(g.effectiveHeads(), ['a3']);
  });

  it('resolves a depends_on naming a branch label to the labelled revision', () => {
    assert.deepEqual(g.get('a3')?.dependsOn, ['b1']);
    assert.deepEqual(g.get('b1')?.dependents, ['a3']);
  });

  it('follows dependencies only when asked', () => {
    assert.deepEqual([...g.ancestors(['a2'])].sort(), ['a1', 'a2']);
    assert.deepEqual([...g.ancestors(['a2'], { dependencies: true })].sort(), ['a1', 'a2', 'b1', 'b2']);
    assert.deepEqual([...g.descendants(['b2'], { dependencies: true })].sort(), ['a2', 'a3', 'b2']);
  });
});

describe('RevisionGraph: branch label coverage (alembic _add_branches)', () => {
  it('labels the revision, its descendants and its ancestors back to the branch point', () => {
    const g = build([
      { id: 'r1', down: null },
      { id: 'r2', down: 'r1' },
      { id: 'r3', down: 'r2' },
      { id: 'r4', down: 'r3' },
      { id: 'r5', down: 'r4', branchLabels: ['feature'] },
      { id: 'r6', down: 'r5' },
      { id: 'r7', down: 'r3' },
    ]);
    assert.deepEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'].map((id) => g.effectiveBranchLabels(id).join()), ['', '', '', 'feature', 'feature', 'feature', '']);
    assert.deepEqual([...g.labels], [['feature', 'r5']]);
  });

  it('labels no ancestor when the labelled revision branches further up', () => {
    const g = build([
      { id: 'r1', down: null },
      { id: 'r2', down: 'r1', branchLabels: ['x'] },
      { id: 'r3', down: 'r2' },
      { id: 'r4', down: 'r2' },
    ]);
    assert.deepEqual(['r1', 'r2', 'r3', 'r4'].map((id) => g.effectiveBranchLabels(id).join()), ['', 'x', 'x', 'x']);
  });

  it('labels back to the base on a single line', () => {
    const g = build([
      { id: 'r1', down: null },
      { id: 'r2', down: 'r1' },
      { id: 'r3', down: 'r2', branchLabels: ['x', 'y'] },
    ]);
    assert.deepEqual(g.effectiveBranchLabels('r1'), ['x', 'y']);
  });
});

describe('RevisionGraph: duplicates and load order', () => {
  it('orders a folder before its sub-folders, names by code point', () => {
    const paths = ['v/b.py', 'v/a/z.py', 'v/B.py', 'v/a.py', 'v/a/b/c.py', 'v/_x.py'];
    assert.deepEqual(paths.slice().sort(compareLoadOrder), ['v/B.py', 'v/_x.py', 'v/a.py', 'v/b.py', 'v/a/z.py', 'v/a/b/c.py']);
  });

  it('lets the file loaded last win whatever order the files come in, and keeps the id as an extra head', () => {
    const first = migrationFileOf({ id: 'b', down: 'a', message: 'first' }, 'v/01_b.py');
    const second = migrationFileOf({ id: 'b', down: 'a', message: 'second' }, 'v/02_b.py');
    const files: MigrationFile[] = [migrationFileOf({ id: 'c', down: 'b' }, 'v/03_c.py'), second, migrationFileOf({ id: 'a', down: null }, 'v/00_a.py'), first];
    const g = RevisionGraph.build(files);
    assert.equal(g.get('b')?.file.path, 'v/02_b.py');
    assert.deepEqual(g.files.map((f) => f.path), ['v/00_a.py', 'v/01_b.py', 'v/02_b.py', 'v/03_c.py']);
    assert.deepEqual(g.heads, ['b', 'c']);
    assert.deepEqual(g.duplicates.get('b')?.map((f) => f.path), ['v/01_b.py', 'v/02_b.py']);
  });

  it('revisions reads like a Map: ids in first-occurrence load order, the last-loaded file winning', () => {
    const first = migrationFileOf({ id: 'b', down: 'a', message: 'first' }, 'v/01_b.py');
    const second = migrationFileOf({ id: 'b', down: 'a', message: 'second' }, 'v/03_b.py');
    const a = migrationFileOf({ id: 'a', down: null }, 'v/00_a.py');
    const c = migrationFileOf({ id: 'c', down: 'b' }, 'v/02_c.py');
    const g = RevisionGraph.build([second, c, first, a]);
    assert.equal(g.revisions.size, 3);
    assert.deepEqual([...g.revisions.keys()], ['a', 'b', 'c']);
    assert.deepEqual([...g.revisions.values()].map((r) => r.file), [a, second, c]);
    assert.deepEqual([...g.revisions].map(([id, r]) => [id, r.file.path]), [['a', 'v/00_a.py'], ['b', 'v/03_b.py'], ['c', 'v/02_c.py']]);
    assert.deepEqual([...new Map(g.revisions.entries()).keys()], ['a', 'b', 'c']);
    const seen: string[] = [];
    g.revisions.forEach((r, id, m) => seen.push(`${id}:${r.children.join('+')}:${m === g.revisions}`));
    assert.deepEqual(seen, ['a:b:true', 'b:c:true', 'c::true']);
    assert.equal(g.revisions.has('b'), true);
    assert.equal(g.revisions.has('main'), false);
    assert.equal(g.revisions.get('zzz'), undefined);
  });

  it('re-sorts a rebuild whose one replaced file now sorts elsewhere, or sits in a sub-folder', () => {
    const a = migrationFileOf({ id: 'a', down: null }, 'v/10_a.py');
    const b = migrationFileOf({ id: 'b', down: 'a' }, 'v/20_b.py');
    const c = migrationFileOf({ id: 'c', down: 'b' }, 'v/30_c.py');
    assert.deepEqual(RevisionGraph.build([a, b, c]).files.map((f) => f.path), ['v/10_a.py', 'v/20_b.py', 'v/30_c.py']);
    // The same list with b replaced (as the server does after an edit or a rename).
    const renamed = migrationFileOf({ id: 'b', down: 'a' }, 'v/40_b.py');
    const g = RevisionGraph.build([a, renamed, c]);
    assert.deepEqual(g.files.map((f) => f.path), ['v/10_a.py', 'v/30_c.py', 'v/40_b.py']);
    assert.deepEqual(g.heads, ['c']);
    const nested = migrationFileOf({ id: 'b', down: 'a' }, 'v/00/20_b.py');
    assert.deepEqual(RevisionGraph.build([a, nested, c]).files.map((f) => f.path), ['v/10_a.py', 'v/30_c.py', 'v/00/20_b.py']);
    // Files in one folder that come out of order (a new file appended) are sorted by name.
    const added = migrationFileOf({ id: 'd', down: 'c' }, 'v/15_d.py');
    assert.deepEqual(RevisionGraph.build([a, b, c, added]).files.map((f) => f.path), ['v/10_a.py', 'v/15_d.py', 'v/20_b.py', 'v/30_c.py']);
    // The next rebuild of that unsorted list, with d edited in place (same path, new link), is sorted the same way.
    const edited = migrationFileOf({ id: 'd', down: 'b' }, 'v/15_d.py');
    const again = RevisionGraph.build([a, b, c, edited]);
    assert.deepEqual(again.files.map((f) => f.path), ['v/10_a.py', 'v/15_d.py', 'v/20_b.py', 'v/30_c.py']);
    assert.equal(again.files[1], edited);
    assert.deepEqual(again.heads, ['c', 'd']);
    // Nested folders too: a sub-folder's file edited in place stays after the folder's own files.
    const deep = migrationFileOf({ id: 'e', down: 'c' }, 'v/sub/01_e.py');
    assert.deepEqual(RevisionGraph.build([deep, a, c, b]).files.map((f) => f.path), ['v/10_a.py', 'v/20_b.py', 'v/30_c.py', 'v/sub/01_e.py']);
    const deep2 = migrationFileOf({ id: 'e', down: 'a' }, 'v/sub/01_e.py');
    const g2 = RevisionGraph.build([deep2, a, c, b]);
    assert.deepEqual(g2.files, [a, b, c, deep2]);
    assert.deepEqual(g2.get('a')?.children, ['b', 'e']);
  });
});

describe('RevisionGraph: cycles and size never hang', () => {
  it('finds a loop through down_revision, through a merge tuple, through depends_on, and self-loops', () => {
    const g = build([
      { id: 'a', down: null },
      { id: 'b', down: 'c' },
      { id: 'c', down: 'b' },
      { id: 'm', down: ['a', 'n'] },
      { id: 'n', down: 'm' },
      { id: 'p', down: 'a', dependsOn: ['q'] },
      { id: 'q', down: 'p' },
      { id: 's', down: 's' },
      { id: 't', down: 'a', dependsOn: ['t'] },
    ]);
    assert.deepEqual(g.cycles, [
      { kind: 'Cycle', revisions: ['b', 'c'] },
      { kind: 'Cycle', revisions: ['m', 'n'] },
      { kind: 'Dependency cycle', revisions: ['p', 'q'] },
      { kind: 'Self-loop', revisions: ['s'] },
      { kind: 'Dependency self-loop', revisions: ['t'] },
    ]);
    const order = g.topoOrder();
    assert.deepEqual(order.slice().sort(), ['a', 'b', 'c', 'm', 'n', 'p', 'q', 's', 't']);
    assert.deepEqual([...g.ancestors(['b'])].sort(), ['b', 'c']);
  });

  it('handles a 10,000-revision chain and a 10,000-revision ring without recursion', () => {
    const n = 10_000;
    const chain: RevSpec[] = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, down: i === 0 ? null : `r${i - 1}` }));
    const g = build(chain);
    assert.deepEqual(g.heads, [`r${n - 1}`]);
    assert.equal(g.ancestors([`r${n - 1}`]).size, n);
    assert.equal(g.topoOrder()[n - 1], `r${n - 1}`);
    assert.equal(g.effectiveBranchLabels('r0').length, 0);
    const ring: RevSpec[] = Array.from({ length: n }, (_, i) => ({ id: `q${i}`, down: `q${(i + n - 1) % n}` }));
    ring[5].branchLabels = ['loop'];
    const r = build(ring);
    assert.deepEqual(r.heads, []);
    assert.equal(r.cycles.length, 1);
    assert.equal(r.cycles[0].revisions.length, n);
    assert.equal(r.topoOrder().length, n);
    assert.equal(r.descendants(['q0']).size, n);
  });
});
