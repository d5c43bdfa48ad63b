// Folders for the differential test: each one is written with fixture-writer, then read by this
// core and by real Alembic. `flags` are diagnostics we must raise; `alembicMisses` marks a known
// alembic 1.8 blind spot (it loads or hangs where a cycle exists).
import type { DiagnosticCode } from '../../src/core/types';
import type { RevSpec } from '../support/fixture-writer';
import { prng } from '../support/prng';
import { randomGraph } from '../support/random-graph';

export interface Scenario {
  name: string;
  expect: string;
  specs: RevSpec[];
  targets?: string[];
  upgrades?: Array<[string[], string]>;
  downgrades?: Array<[string[], string]>;
  flags?: DiagnosticCode[];
  alembicMisses?: boolean;
}

const COMMON_TARGETS = ['head', 'heads', 'base', '-1', 'nosuch', 'ab'];

export const SCENARIOS: Scenario[] = [
  {
    name: 'docstring messages',
    expect: "each message is alembic's Script.doc: the first paragraph of the stripped docstring, wrapped lines kept",
    specs: [
      { id: 'd0c000000001', down: null, message: 'add users table\nand their indexes' },
      { id: 'd0c000000002', down: 'd0c000000001', message: '   padded message\t ' },
      { id: 'd0c000000003', down: 'd0c000000002', message: '\n\nafter blank lines' },
      { id: 'd0c000000004', down: 'd0c000000003', message: 'a line\n   \nwith a blank-looking line between' },
      { id: 'd0c000000005', down: 'd0c000000004', message: 'caf\u00e9 \u2014 unicode' },
    ],
    targets: ['head'],
  },
  {
    name: 'linear',
    expect: 'one head, one base, every target form resolves as alembic resolves it',
    specs: [
      { id: '1a2b3c4d5e6f', down: null },
      { id: '2b3c4d5e6f70', down: '1a2b3c4d5e6f' },
      { id: '3c4d5e6f7081', down: '2b3c4d5e6f70' },
      { id: '3c4d00000000', down: '3c4d5e6f7081' },
    ],
    targets: [...COMMON_TARGETS, '1a2b', '1a2', '1a', '3c4d', '3c4d5', '2b3c4d5e6f70', '1a2b+2', '3c4d5-1', '+1', '-2', '2b3c+1', 'head-1', 'base+1', '1a2b-1', '3c4d0-4', '2b3c+9'],
    upgrades: [
      [[], 'head'],
      [[], 'heads'],
      [['1a2b3c4d5e6f'], '+1'],
      [['1a2b3c4d5e6f'], '+2'],
      [['2b3c4d5e6f70'], '3c4d00000000'],
      [['3c4d00000000'], '1a2b3c4d5e6f'],
      [[], '+9'],
      [['1a2b3c4d5e6f'], '-1'],
      [['nosuchrow0000'], 'head'],
      [[], '3c4d'],
    ],
    downgrades: [
      [['3c4d00000000'], '-1'],
      [['3c4d00000000'], '-2'],
      [['3c4d00000000'], 'base'],
      [['3c4d00000000'], '1a2b'],
      [['2b3c4d5e6f70'], '3c4d00000000'],
      [['1a2b3c4d5e6f'], '-3'],
      [[], '-1'],
      [['3c4d00000000'], '+1'],
    ],
  },
  {
    name: 'two heads',
    expect: "'head' fails with MultipleHeads, 'heads' gives both, we raise multiple-heads",
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: 'aaaa0001' },
    ],
    targets: [...COMMON_TARGETS, 'aaaa0001+1', 'bbbb0002-1', 'bbbb@head'],
    upgrades: [
      [[], 'head'],
      [[], 'heads'],
      [['bbbb0002'], '+1'],
      [['bbbb0002', 'cccc0003'], 'heads'],
      [['aaaa0001'], 'bbbb0002'],
    ],
    downgrades: [
      [['bbbb0002', 'cccc0003'], 'aaaa0001'],
      [['bbbb0002', 'cccc0003'], 'base'],
      [['bbbb0002', 'cccc0003'], '-1'],
      [['bbbb0002'], 'cccc0003'],
    ],
    flags: ['multiple-heads'],
  },
  {
    name: 'merge',
    expect: 'a merge point closes the branches: one head again',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: 'aaaa0001' },
      { id: 'dddd0004', down: ['bbbb0002', 'cccc0003'] },
      { id: 'eeee0005', down: 'dddd0004' },
    ],
    targets: [...COMMON_TARGETS, 'dddd0004-1', 'aaaa0001+1', 'eeee0005-1', 'eeee0005-2'],
    upgrades: [
      [[], 'head'],
      [['bbbb0002'], 'head'],
      [['bbbb0002', 'cccc0003'], '+1'],
      [['bbbb0002'], 'cccc0003'],
    ],
    downgrades: [
      [['eeee0005'], 'aaaa0001'],
      [['eeee0005'], 'bbbb0002'],
      [['dddd0004'], '-1'],
      [['eeee0005'], 'base'],
    ],
  },
  {
    name: 'labelled heads',
    expect: 'expand/contract branches: label@head resolves, labelled-heads info instead of multiple-heads',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', branchLabels: ['expand'] },
      { id: 'cccc0003', down: 'aaaa0001', branchLabels: ['contract'] },
      { id: 'dddd0004', down: 'bbbb0002' },
      { id: 'eeee0005', down: 'cccc0003' },
      { id: 'ffff0006', down: 'eeee0005' },
    ],
    targets: [
      ...COMMON_TARGETS, 'expand@head', 'contract@head', 'expand@base', 'contract@heads', 'expand', 'expa', 'expand@-1',
      'contract@-2', 'expand@bbbb', 'expand@eeee0005', 'nolabel@head', 'expand@+1', 'contract@aaaa0001+1',
    ],
    upgrades: [
      [[], 'expand@head'],
      [[], 'contract@head'],
      [['bbbb0002'], 'contract@head'],
      [['aaaa0001'], 'expand@+1'],
      [['dddd0004'], 'contract@+1'],
      [[], 'heads'],
      [[], 'head'],
    ],
    downgrades: [
      [['dddd0004', 'ffff0006'], 'expand@-1'],
      [['dddd0004', 'ffff0006'], 'contract@base'],
      [['dddd0004', 'ffff0006'], 'expand@aaaa0001'],
      [['dddd0004', 'ffff0006'], 'aaaa0001'],
      [['dddd0004', 'ffff0006'], 'contract@-2'],
    ],
    flags: ['labelled-heads'],
  },
  {
    name: 'label coverage',
    expect: "a label covers its revision, its descendants and its ancestors back to the branch point",
    specs: [
      { id: 'r0000001', down: null },
      { id: 'r0000002', down: 'r0000001' },
      { id: 'r0000003', down: 'r0000002' },
      { id: 'r0000004', down: 'r0000003' },
      { id: 'r0000005', down: 'r0000004', branchLabels: ['feature'] },
      { id: 'r0000006', down: 'r0000005' },
      { id: 'r0000007', down: 'r0000003' },
      { id: 'r0000008', down: 'r0000007', branchLabels: ['other', 'more'] },
      { id: 'r0000009', down: 'r0000008' },
      { id: 'r0000010', down: 'r0000008' },
    ],
    targets: ['feature@head', 'other@heads', 'feature@base', 'more@heads', 'r0000004', 'feature@r0000002', 'feature@r0000007', 'other@head'],
    upgrades: [[[], 'feature@head']],
    flags: ['multiple-heads'],
  },
  {
    name: 'depends_on across bases',
    expect: 'depends_on never removes a head, but `heads` only gives heads nobody depends on',
    specs: [
      { id: 'app00001', down: null },
      { id: 'app00002', down: 'app00001', dependsOn: ['lib00002'] },
      { id: 'lib00001', down: null, branchLabels: ['lib'] },
      { id: 'lib00002', down: 'lib00001' },
      { id: 'app00003', down: 'app00002', dependsOn: ['lib'] },
    ],
    targets: ['heads', 'head', 'lib@head', 'lib@base', 'app00003', 'lib@-1', 'app0', 'base'],
    upgrades: [
      [[], 'app00002'],
      [[], 'heads'],
      [['lib00001'], 'app00003'],
      [['app00001'], 'app00002'],
    ],
    downgrades: [
      [['app00003'], 'lib00001'],
      [['app00003'], 'base'],
      [['app00003', 'lib00002'], 'app00001'],
      [['app00003'], 'lib@base'],
    ],
    flags: ['labelled-heads'],
  },
  {
    name: 'dependency-only head',
    expect: 'a revision whose only link is depends_on is a base and a head',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: null, dependsOn: ['bbbb0002'] },
    ],
    targets: ['heads', 'head', 'cccc', 'base'],
    upgrades: [[[], 'cccc0003'], [[], 'heads']],
    downgrades: [[['cccc0003'], 'aaaa0001'], [['cccc0003'], 'bbbb0002']],
    flags: ['multiple-heads'],
  },
  {
    name: 'multiple bases',
    expect: 'several bases without labels: two heads, base+1 is ambiguous',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'aaaa0002', down: 'aaaa0001' },
      { id: 'bbbb0001', down: null },
      { id: 'bbbb0002', down: 'bbbb0001' },
    ],
    targets: [...COMMON_TARGETS, 'aaaa', '+1', 'base+1', 'aaaa0001+1'],
    upgrades: [[[], 'heads'], [[], '+1'], [['aaaa0002'], 'bbbb0002']],
    downgrades: [[['aaaa0002', 'bbbb0002'], 'base'], [['aaaa0002', 'bbbb0002'], 'aaaa0001']],
    flags: ['multiple-heads'],
  },
  {
    name: 'duplicate id',
    expect: 'alembic warns, the later file wins and the id counts as an extra head',
    specs: [
      { id: 'aaaa0001', down: null, fileName: '01_first.py' },
      { id: 'bbbb0002', down: 'aaaa0001', fileName: '02_second.py', message: 'first b' },
      { id: 'cccc0003', down: 'bbbb0002', fileName: '03_third.py' },
      { id: 'bbbb0002', down: 'aaaa0001', fileName: '04_again.py', message: 'second b' },
    ],
    targets: ['head', 'heads', 'bbbb'],
    upgrades: [[[], 'heads']],
    flags: ['duplicate-revision'],
  },
  {
    name: 'broken down_revision',
    expect: 'alembic fails with KeyError; we raise missing-down-revision on that line',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001_add_users.py' },
    ],
    flags: ['missing-down-revision'],
  },
  {
    name: 'broken depends_on',
    expect: 'alembic fails with KeyError; we raise missing-depends-on',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['gone0001'] },
    ],
    flags: ['missing-depends-on'],
  },
  {
    name: 'cycle',
    expect: 'two revisions naming each other: alembic raises CycleDetected, we raise cycle',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'cccc0003' },
      { id: 'cccc0003', down: 'bbbb0002' },
      { id: 'dddd0004', down: 'aaaa0001' },
    ],
    flags: ['cycle'],
  },
  {
    name: 'self-loop',
    expect: 'a revision naming itself: alembic raises LoopDetected',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'bbbb0002' },
    ],
    flags: ['cycle'],
  },
  {
    name: 'dependency self-loop',
    expect: 'a revision depending on itself: alembic raises DependencyLoopDetected',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['bbbb0002'] },
    ],
    flags: ['cycle'],
  },
  {
    name: 'cycle through a merge tuple',
    expect: 'alembic 1.8 misses a loop closed through a merge tuple; we flag it',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: ['aaaa0001', 'cccc0003'] },
      { id: 'cccc0003', down: 'bbbb0002' },
      { id: 'dddd0004', down: 'cccc0003' },
    ],
    upgrades: [[[], 'heads']],
    downgrades: [[['dddd0004'], 'base']],
    flags: ['cycle'],
    alembicMisses: true,
  },
  {
    name: 'dependency cycle alembic misses',
    expect: 'b depends on its own child c: alembic 1.8 loads it and plans b before c; we flag the cycle',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['cccc0003'] },
      { id: 'cccc0003', down: 'bbbb0002' },
      { id: 'dddd0004', down: 'cccc0003' },
    ],
    upgrades: [[[], 'heads']],
    downgrades: [[['dddd0004'], 'base']],
    flags: ['cycle'],
    alembicMisses: true,
  },
  {
    name: 'dependency cycle',
    expect: 'a loop closed through depends_on: alembic raises or hangs; we flag it',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['dddd0004'] },
      { id: 'cccc0003', down: 'bbbb0002' },
      { id: 'dddd0004', down: 'cccc0003' },
    ],
    flags: ['cycle'],
  },
  {
    name: 'label reused',
    expect: "alembic refuses the folder: Branch name 'x' ... already used",
    specs: [
      { id: 'aaaa0001', down: null, branchLabels: ['shared'] },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: 'aaaa0001', branchLabels: ['shared'] },
    ],
    flags: ['branch-label-conflict'],
  },
  {
    name: 'label equals a revision id',
    expect: 'a label that is also a revision id is refused',
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001', branchLabels: ['aaaa0001'] },
    ],
    flags: ['branch-label-conflict'],
  },
  {
    name: 'illegal character in id',
    expect: "alembic refuses 'a-b' style ids",
    specs: [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb-0002', down: 'aaaa0001' },
    ],
    flags: ['invalid-revision-id'],
  },
];

/**
 * Random well-formed folders (acyclic: links only point to earlier revisions) mixing branches,
 * merges, extra bases, labels and depends_on (by id and by label), with queries over them.
 */
export function randomScenarios(count: number, firstSeed = 1): Scenario[] {
  const out: Scenario[] = [];
  for (let seed = firstSeed; seed < firstSeed + count; seed++) {
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const { specs, labels } = randomGraph(rnd, seed, {
      minRevisions: 8,
      extraRevisions: 30,
      baseRate: 0.08,
      mergeBelow: 0.2,
      labelDependencies: true,
      id: (sd, i) => `${(sd * 7919 + i * 104729).toString(16).padStart(6, '0')}${i.toString(36)}`,
    });
    const n = specs.length;
    const ids = specs.map((s) => s.id);
    const targets = ['heads', 'head', 'base', '-1', ...labels.flatMap((l) => [`${l}@head`, `${l}@base`, `${l}@heads`, `${l}@-1`])];
    for (let k = 0; k < 4; k++) targets.push(pick(ids).slice(0, 4 + Math.floor(rnd() * 3)));
    const upgrades: Array<[string[], string]> = [[[], 'heads'], [[], pick(ids)], [[pick(ids)], 'heads'], [[pick(ids)], pick(ids)], [[pick(ids)], '+1']];
    const downgrades: Array<[string[], string]> = [[[pick(ids)], 'base'], [[pick(ids)], pick(ids)], [[pick(ids)], '-1']];
    out.push({ name: `random ${seed}`, expect: `${n} revisions with branches, merges, labels and depends_on agree with alembic`, specs, targets: [...new Set(targets)], upgrades, downgrades });
  }
  return out;
}
