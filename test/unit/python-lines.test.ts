// LineIndex: offset → line/character for \n, \r\n and lone \r, whatever order offsets are asked in.
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/python/lines';

/** Reference: walk the text once, character by character. */
function naive(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) {
      if (i + 1 >= offset) break;
      i++;
    }
    if (c === 10 || c === 13) {
      line++;
      start = i + 1;
    }
  }
  return { line, character: offset - start };
}

describe('python LineIndex', () => {
  it('maps offsets on mixed line endings exactly, asked in increasing, decreasing and random order', () => {
    const text = 'ab\ncd\r\nef\rg\n\n\r\r\nh\r';
    const ix = new LineIndex(text);
    assert.deepEqual(ix.position(0), { line: 0, character: 0 });
    assert.deepEqual(ix.position(3), { line: 1, character: 0 });
    assert.deepEqual(ix.position(6), { line: 1, character: 3 }); // the \n of a \r\n stays on its line
    assert.deepEqual(ix.position(7), { line: 2, character: 0 });
    assert.deepEqual(ix.position(10), { line: 3, character: 0 });
    assert.deepEqual(ix.position(16), { line: 7, character: 0 }); // after the \r\n that follows a lone \r
    assert.deepEqual(ix.position(17), { line: 7, character: 1 });
    assert.deepEqual(ix.position(18), { line: 8, character: 0 });
    for (const order of [[...Array(text.length + 1).keys()], [...Array(text.length + 1).keys()].reverse(), [9, 2, 16, 0, 13, 5, 18, 7]]) {
      const fresh = new LineIndex(text);
      for (const o of order) assert.deepEqual(fresh.position(o), naive(text, o), `offset ${o}`);
    }
  });

  it('handles a text without line breaks and an empty text', () => {
    assert.deepEqual(new LineIndex('abc').range(1, 3), { start: { line: 0, character: 1 }, end: { line: 0, character: 3 } });
    assert.deepEqual(new LineIndex('').position(0), { line: 0, character: 0 });
  });

  it('lineAt beyond the last break gives the last line', () => {
    const ix = new LineIndex('a\nb\nc');
    assert.equal(ix.lineAt(4), 2);
    assert.equal(ix.lineAt(1), 0);
    assert.equal(ix.lineAt(2), 1);
  });
});
