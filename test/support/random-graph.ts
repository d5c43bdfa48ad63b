// One generator of random well-formed revision graphs for the differential tests: acyclic (links
// only point to earlier revisions), mixing several bases, branches, merges, branch labels and
// depends_on. Seeded (test/support/prng.ts), so a failing seed can be replayed.
import type { RevSpec } from './fixture-writer';

export interface RandomGraphShape {
  /** Revisions: `minRevisions` + up to `extraRevisions - 1` more. */
  minRevisions: number;
  extraRevisions: number;
  /** Chance that a revision (after the first) starts a new base. */
  baseRate: number;
  /** Upper bound of the draw that makes a merge (draws below `baseRate` are bases). */
  mergeBelow: number;
  /** depends_on may name a branch label instead of a revision id. */
  labelDependencies: boolean;
  /** The revision id for revision `i`. */
  id: (seed: number, i: number) => string;
}

export interface RandomGraph {
  specs: RevSpec[];
  labels: string[];
}

export function randomGraph(rnd: () => number, seed: number, shape: RandomGraphShape): RandomGraph {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const n = shape.minRevisions + Math.floor(rnd() * shape.extraRevisions);
  const specs: RevSpec[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = shape.id(seed, i);
    let down: RevSpec['down'] = null;
    if (i > 0) {
      const r = rnd();
      const recent = (): string => (rnd() < 0.6 ? specs[i - 1].id : pick(specs).id);
      if (r < shape.baseRate) down = null;
      else if (r < shape.mergeBelow && i > 2) {
        const a = recent();
        const b = pick(specs).id;
        down = a === b ? a : [a, b];
      } else down = recent();
    }
    const spec: RevSpec = { id, down };
    if (rnd() < 0.1) {
      const label = `lbl${labels.length}`;
      labels.push(label);
      spec.branchLabels = [label];
    }
    if (i > 1 && rnd() < 0.12) {
      const parents = down === null ? [] : typeof down === 'string' ? [down] : down;
      const dep = shape.labelDependencies ? (rnd() < 0.3 && labels.length > 0 ? pick(labels) : pick(specs).id) : pick(specs).id;
      if (!parents.includes(dep) && !(spec.branchLabels ?? []).includes(dep)) spec.dependsOn = [dep];
    }
    specs.push(spec);
  }
  return { specs, labels };
}
