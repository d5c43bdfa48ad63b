// The hand-written Python pieces under src/core/python: string literals and line positions.
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/python/lines';
import { findStringEnd, readString, stringPrefixLength } from '../../src/core/python/strings';

function value(src: string): string | null | undefined {
  const lit = readString(src, 0);
  if (lit === null || !('kind' in lit)) return undefined;
  return lit.value;
}

describe('python strings: prefixes', () => {
  it('accepts the prefixes Python 3 accepts and nothing else', () => {
    for (const p of ['', 'r', 'u', 'R', 'U', 'b', 'B', 'f', 'F', 'rb', 'bR', 'Rb', 'fr', 'rF']) {
      assert.equal(stringPrefixLength(`${p}'x'`, 0), p.length, p);
    }
    for (const p of ['ur', 'ub', 'bf', 'x', 'rr', 'abc']) {
      assert.equal(stringPrefixLength(`${p}'x'`, 0), -1, p);
    }
  });

  it('tells str, bytes and f-strings apart', () => {
    const kinds = ["'a'", "b'a'", "f'a'", "rb'a'", "Rf'a'", "u'a'"].map((s) => {
      const lit = readString(s, 0);
      return lit !== null && 'kind' in lit ? lit.kind : 'error';
    });
    assert.deepEqual(kinds, ['str', 'bytes', 'fstring', 'bytes', 'fstring', 'str']);
  });
});

describe('python strings: values', () => {
  it('decodes the escapes of a plain string', () => {
    assert.equal(value(String.raw`'\a\b\f\n\r\t\v\\\'\"'`), '\x07\b\f\n\r\t\v\\\'"');
    assert.equal(value(String.raw`'\x41\101\7\u00e9\U0001F600'`), 'AA\x07é😀');
    assert.equal(value(String.raw`'keep \q and \8'`), 'keep \\q and \\8');
    assert.equal(value("'a\\\nb'"), 'ab');
  });

  it('keeps raw strings verbatim, including an escaped quote', () => {
    assert.equal(value(String.raw`r'a\nb\'c'`), "a\\nb\\'c");
  });

  it('normalises newlines in triple-quoted strings as Python reads source', () => {
    assert.equal(value("'''a\r\nb\rc'''"), 'a\nb\nc');
  });

  it('does not guess \\N{...} and refuses a malformed \\x escape', () => {
    assert.equal(value(String.raw`'\N{BULLET}'`), null);
    assert.deepEqual(readString(String.raw`'\x4'`, 0), { message: 'invalid escape', start: 0, at: 1 });
  });

  it('gives content bounds inside the quotes', () => {
    const lit = readString(`rb"""ab"""`, 0);
    assert.ok(lit !== null && 'kind' in lit);
    assert.deepEqual([lit.start, lit.contentStart, lit.contentEnd, lit.end], [0, 5, 7, 10]);
  });
});

describe('python strings: ends', () => {
  it('finds the end past escaped quotes and empty strings', () => {
    assert.equal(findStringEnd(String.raw`'a\'b' x`, 0, 0), 6);
    assert.equal(findStringEnd(`'' x`, 0, 0), 2);
    assert.equal(findStringEnd(`'''a''b''' x`, 0, 0), 10);
    assert.equal(findStringEnd(`"""a\\"""b""" x`, 0, 0), 12);
  });

  it('reports unterminated literals where Python detects them', () => {
    assert.deepEqual(findStringEnd(`'abc\nx'`, 0, 0), { message: 'unterminated string literal', start: 0, at: 4 });
    assert.deepEqual(findStringEnd(`'''abc\n`, 0, 0), { message: 'unterminated triple-quoted string literal', start: 0, at: 7 });
    assert.deepEqual(findStringEnd(`'abc\\`, 0, 0), { message: 'unterminated string literal', start: 0, at: 5 });
  });
});

describe('python lines: LineIndex', () => {
  it('maps offsets to 0-based line/character for LF, CRLF and lone CR', () => {
    const idx = new LineIndex('ab\ncd\r\nef\rgh');
    assert.deepEqual(idx.position(0), { line: 0, character: 0 });
    assert.deepEqual(idx.position(2), { line: 0, character: 2 });
    assert.deepEqual(idx.position(3), { line: 1, character: 0 });
    assert.deepEqual(idx.position(5), { line: 1, character: 2 });
    assert.deepEqual(idx.position(7), { line: 2, character: 0 });
    assert.deepEqual(idx.position(10), { line: 3, character: 0 });
    assert.deepEqual(idx.position(12), { line: 3, character: 2 });
  });

  it('counts UTF-16 code units, as LSP does', () => {
    const idx = new LineIndex('x = "😀"\ny');
    assert.deepEqual(idx.range(5, 7), { start: { line: 0, character: 5 }, end: { line: 0, character: 7 } });
    assert.deepEqual(idx.position(9), { line: 1, character: 0 });
  });
});
