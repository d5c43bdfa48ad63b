// Mocha reporter: the usual spec output, plus the counts appended as one JSON line to the file
// named by $ALEMBIC_TEST_COUNTS so test/run-all.mjs can print one total for every suite.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on('pass', () => passed++);
    runner.on('fail', () => failed++);
    runner.on('pending', () => skipped++);
    runner.once('end', () => {
      const file = process.env.ALEMBIC_TEST_COUNTS;
      const suite = process.env.ALEMBIC_TEST_SUITE || 'mocha';
      if (file) fs.appendFileSync(file, JSON.stringify({ suite, passed, failed, skipped }) + '\n');
    });
  }
}
module.exports = CountReporter;
