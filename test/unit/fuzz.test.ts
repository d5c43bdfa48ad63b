// A short seeded pass of the mutation fuzzer (test/fuzz/mutation-fuzz.ts; `npm run fuzz` runs
// 20,000): no file that /usr/bin/python3 compiles is called broken by the reader. Before the fix,
// 35 of 976 such mutants were (form feeds, backslash-only lines, bytes that are not UTF-8 in
// comments).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { PYTHON, runFuzz } from '../fuzz/mutation-fuzz';

describe('mutation fuzz against Python (seeded, short)', function () {
  this.timeout(120_000);
  before(function () {
    if (!fs.existsSync(PYTHON)) this.skip();
  });

  for (const seed of [1, 2]) {
    it(`seed ${seed}: 1,500 mutants, none that Python compiles called broken`, () => {
      const r = runFuzz(seed, 1500);
      assert.equal(r.total, 1500);
      // Both kinds occur, so the pass tests something either way.
      assert.ok(r.pythonAccepts > 100 && r.pythonRejects > 100, `accepts ${r.pythonAccepts}, rejects ${r.pythonRejects}`);
      assert.deepEqual(r.falseErrors.map((f) => JSON.stringify(f.source.toString('latin1'))), []);
      assert.ok(r.reported > 0 && r.reported <= r.pythonRejects);
    });
  }
});
