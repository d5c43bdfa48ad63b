// No super-linear work on one file: reading 1 MB of each pathological shape (long runs of spaces,
// quotes, backslashes, brackets, deep nesting) costs a bounded multiple of reading 1 MB of an
// ordinary revision file. Compared as a ratio of two timings on the same machine, never against
// a wall-clock limit. A quadratic scan of 1 MB does ~10^12 steps (minutes) where the ordinary
// megabyte takes ~15 ms, so the bound separates the two by orders of magnitude while leaving room
// for shapes that are linear but heavy. (Before the fix, a docstring holding 200,000 spaces
// between two words took 21 s: a backtracking strip regex.)
import * as assert from 'node:assert/strict';
import { messageLine, readMigration } from '../../src/core/migration';
import { decodePythonSource } from '../../src/io/scan';

const SIZE = 1024 * 1024;
/** Allowed cost of a pathological megabyte against an ordinary one. Measured worst: ~40 to 70 (a
 * merge tuple of 200,000 ids makes 200,000 id ranges). */
const MAX_RATIO = 200;

const HEAD = "revision = 'a1'\ndown_revision = None\n";

function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function ordinary(): string {
  let s = '"""add users\n\nRevision ID: a1\nRevises:\nCreate Date: 2024-01-01 00:00:00\n\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n' + HEAD;
  let i = 0;
  const parts: string[] = [s];
  while (s.length < SIZE) {
    const part = `\n\ndef upgrade_${i}() -> None:\n    # add a column\n    op.add_column('users', sa.Column('c${i}', sa.String(length=20), nullable=True))\n    op.execute("UPDATE users SET c${i} = 'x'")\n`;
    parts.push(part);
    s += part;
    i++;
  }
  return parts.join('');
}

const SHAPES: Record<string, (size: number) => string> = {
  'spaces between two words of the docstring': (n) => `"""a${fill(' ', n)}b"""\n${HEAD}`,
  'spaces after Revises:': (n) => `"""msg\n\nRevises:${fill(' ', n)}x\n"""\n${HEAD}`,
  'unicode spaces in the docstring': (n) => `"""a${fill('\u3000 \u2009', n)}b"""\n${HEAD}`,
  'spaces and line breaks in the message': (n) => `"""a${fill('  \n ', n)}b"""\n${HEAD}`,
  'spaces at the end of a statement': (n) => `${HEAD}x = 1${fill(' ', n)}\n`,
  'single quotes': (n) => `${HEAD}${fill("'", n)}\n`,
  'double quotes': (n) => `${HEAD}${fill('"', n)}\n`,
  'an unterminated triple quote of quotes': (n) => `${HEAD}x = '''${fill("'", n)}`,
  'quoted strings concatenated': (n) => `revision = ${fill("'a' ", n)}\ndown_revision = None\n`,
  'backslashes in a string': (n) => `${HEAD}x = "${fill('\\', n)}"\n`,
  'backslashes in the docstring': (n) => `"""${fill('\\ ', n)}"""\n${HEAD}`,
  'backslash continuation lines': (n) => `${HEAD}x = 1 ${fill('\\\n', n)}\n`,
  'backslash-only lines': (n) => `${HEAD}${fill('\\\n', n)}x = 1\n`,
  'opening brackets': (n) => `${HEAD}x = ${fill('(', n)}\n`,
  'closing brackets': (n) => `${HEAD}x = ${fill(')', n)}\n`,
  'nested brackets, open then closed': (n) => `${HEAD}x = ${fill('([{', n / 2)}${fill('}])', n / 2)}\n`,
  'a merge tuple of a million characters': (n) => `revision = 'a1'\ndown_revision = (${fill("'ab', ", n)})\n`,
  'deep indentation': (n) => HEAD + Array.from({ length: Math.ceil(Math.sqrt(2 * n)) }, (_, i) => `${' '.repeat(i)}if x:\n`).join('').slice(0, n),
  'chained assignments': (n) => `${HEAD}${fill('a = ', n)}1\n`,
  'a long dotted name': (n) => `revision = ${fill('a.', n)}b\ndown_revision = None\n`,
  'form feeds': (n) => `${HEAD}${fill('\f', n)}x = 1\n`,
  'carriage returns': (n) => `${HEAD}${fill('\r', n)}`,
  'comment marks': (n) => `${HEAD}${fill('#', n)}\n`,
};

/** Decoding, reading and the one-line message, as the server does for a file. */
function readAll(text: string): void {
  const decoded = decodePythonSource(Buffer.from(text, 'utf8'));
  const f = readMigration(decoded.text, 'versions/x.py');
  messageLine(f.message);
}

/** Best of three runs, in milliseconds. */
function time(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    readAll(text);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('reader: linear on pathological files', function () {
  this.timeout(60000);
  let base = 0;
  before(() => {
    const text = ordinary();
    readAll(text); // warm up
    // At least 1 ms so that a very fast machine does not turn noise into a large ratio.
    base = Math.max(1, time(text));
  });

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`1 MB of ${name} costs at most ${MAX_RATIO}× 1 MB of an ordinary file`, () => {
      const text = shape(SIZE);
      assert.ok(text.length >= SIZE * 0.9, `shape is ${text.length} characters`);
      const ratio = time(text) / base;
      assert.ok(ratio <= MAX_RATIO, `${name}: ${ratio.toFixed(1)}× the ordinary file`);
    });
  }
});
