// The demo project's shape, where issue 9's bugs showed: a main line with a billing branch merged
// back (605ac23a0d8f), archive above the merge, an `analytics` labelled line from a second base,
// and a revision that depends_on the analytics line.
//   main: 1a2b → 7e4d → c27f ─┐
//                 └→ b18e → d3a0 ─ 605a (merge) → 0a7d → e5e5 (depends_on a001)
//   analytics: a001 → a002
import type { RevSpec } from './fixture-writer';

export const DEMO_SHAPE: RevSpec[] = [
  { id: '1a2b3c4d5e6f', down: null, message: 'create users' },
  { id: '7e4d0a6b3c32', down: '1a2b3c4d5e6f', message: 'add projects' },
  { id: 'b18e4a0f7c54', down: '7e4d0a6b3c32', message: 'create plans' },
  { id: 'd3a06c2b9e65', down: 'b18e4a0f7c54', message: 'add invoices' },
  { id: 'c27f5b1e8d76', down: '7e4d0a6b3c32', message: 'add audit log' },
  { id: '605ac23a0d8f', down: ['c27f5b1e8d76', 'd3a06c2b9e65'], message: 'merge billing' },
  { id: '0a7d3f6b2ca9', down: '605ac23a0d8f', message: 'archive projects' },
  { id: 'a0a0a0a0a001', down: null, branchLabels: ['analytics'], message: 'analytics base' },
  { id: 'a0a0a0a0a002', down: 'a0a0a0a0a001', message: 'analytics events' },
  { id: 'e5e5e5e5e501', down: '0a7d3f6b2ca9', dependsOn: ['a0a0a0a0a001'], message: 'report views' },
];
