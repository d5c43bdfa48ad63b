// Text helpers that replaced regular expressions eslint-plugin-regexp flags as super-linear: each
// must give what the regular expression gave (checked on many generated strings), and must finish
// on the input that made the regular expression quadratic (a long run of whitespace with nothing
// after it that lets the match succeed). Before the change those inputs took minutes (mocha's
// timeout fails them); now they take milliseconds.
import * as assert from 'node:assert/strict';
import { stripSentenceEnd } from '../../src/core/alembic-output';
import { parseIni, splitOption } from '../../src/core/ini';
import { messageLine } from '../../src/core/migration';

/** The regular expressions as they stood, the reference for what the helpers must return (on short strings only). */
/* eslint-disable regexp/no-super-linear-backtracking, regexp/no-super-linear-move -- the flagged originals, kept as the reference */
const OLD_OPTION = /^(.*?)\s*([=:])\s*(.*)$/s;
const oldSplitOption = (line: string): [string, string, string] | null => {
  const m = OLD_OPTION.exec(line);
  return m ? [m[1].trimEnd(), m[2], m[3]] : null;
};
const oldMessageLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ').trim();
const oldStripSentenceEnd = (s: string): string => s.replace(/[\s.]+$/, '');
/* eslint-enable regexp/no-super-linear-backtracking, regexp/no-super-linear-move */

/** Deterministic strings over an alphabet rich in the characters that matter here. */
function* samples(count: number): Generator<string> {
  const alphabet = ['a', 'b', ' ', '\t', '\n', '\r', '=', ':', '.', '\u00a0', '\u2028', 'é', '#'];
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 0; i < count; i++) {
    const length = next() % 14;
    let s = '';
    for (let j = 0; j < length; j++) s += alphabet[next() % alphabet.length];
    yield s;
  }
}

describe('linear text helpers (were super-linear regular expressions)', () => {
  it('splitOption splits as configparser\'s option pattern did, on 20,000 generated lines', () => {
    for (const line of samples(20_000)) assert.deepEqual(splitOption(line), oldSplitOption(line), JSON.stringify(line));
    assert.deepEqual(splitOption('sqlalchemy.url = postgresql://u:p@h/db'), ['sqlalchemy.url', '=', 'postgresql://u:p@h/db']);
    assert.deepEqual(splitOption('key:  a = b'), ['key', ':', 'a = b']);
    assert.equal(splitOption('no delimiter here'), null);
  });

  it('messageLine and stripSentenceEnd give what their regular expressions gave, on 20,000 generated strings', () => {
    for (const s of samples(20_000)) {
      assert.equal(messageLine(s), oldMessageLine(s), JSON.stringify(s));
      assert.equal(stripSentenceEnd(s), oldStripSentenceEnd(s), JSON.stringify(s));
    }
    assert.equal(messageLine(null), null);
    assert.equal(messageLine('add users\n  and orders\n'), 'add users and orders');
    assert.equal(stripSentenceEnd('Target database is not up to date. \n'), 'Target database is not up to date');
  });

  it('a 1 MB run of spaces with nothing after it is read in linear time (ini line, message, sentence end)', () => {
    const spaces = ' '.repeat(1_000_000);
    const doc = parseIni(`[alembic]\nscript_location = x\nx${spaces}x\n`);
    assert.equal(doc.sections.get('alembic')?.entries.get('script_location')?.raw, 'x');
    assert.deepEqual(doc.errors.map((e) => e.line), [2]);
    assert.equal(messageLine(`${spaces}x`), 'x');
    assert.equal(stripSentenceEnd(`${spaces}x`), `${spaces}x`);
  });
});
