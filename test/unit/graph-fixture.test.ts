import * as assert from 'node:assert/strict';
import { readMigration } from '../../src/core/migration';
import { migrationFileOf, renderMigration, type RevSpec } from '../support/fixture-writer';

// The graph unit tests build MigrationFile objects with migrationFileOf; this proves they are
// exactly what the reader makes of the rendered file, ranges included.
describe('fixture-writer: migrationFileOf agrees with readMigration', () => {
  const specs: RevSpec[] = [
    { id: 'aaaa0001', down: null },
    { id: 'bbbb0002', down: 'aaaa0001', message: "Add users' table" },
    { id: 'cccc0003', down: ['aaaa0001', 'bbbb0002'], branchLabels: ['x', 'y'], dependsOn: ['dddd', 'eeee'] },
    { id: 'dddd0004', down: 'cccc0003', branchLabels: ['solo'], createDate: '2026-11-25 19:41:57.123456' },
  ];
  for (const spec of specs) {
    it(`reads back ${spec.id} identically`, () => {
      assert.deepEqual(readMigration(renderMigration(spec), 'v/x.py'), migrationFileOf(spec, 'v/x.py'));
    });
  }
});
