// core/repair.ts replaceRefEdits: the one edit of the quick fixes and the graph's ghost repair.
import * as assert from 'node:assert/strict';
import { readMigration } from '../../src/core/migration';
import type { ImportResolver, PyValue } from '../../src/core/python/values';
import { replaceRefEdits } from '../../src/core/repair';

/** Applies single-line edits (LSP-style ranges) to `text`, last first. */
function apply(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

const str = (value: string): PyValue => ({ kind: 'str', value, idStart: 0, idEnd: 0 });
/** revs.PARENT = 'gone', revs.PAIR = ('lost', 'base'). */
const resolve: ImportResolver = (ref) => {
  const name = ref.attrs[ref.attrs.length - 1];
  if (name === 'PARENT') return str('gone');
  if (name === 'PAIR') return { kind: 'seq', seq: 'tuple', items: [{ kind: 'str', value: 'lost', idStart: 0, idEnd: 0 }, { kind: 'str', value: 'base', idStart: 0, idEnd: 0 }] };
  return { kind: 'unresolved', what: 'unknown' };
};

const file = (down: string, revises: string): string => `"""msg\n\nRevision ID: c1\nRevises: ${revises}\n"""\nfrom myproject import revs\nrevision = 'c1'\ndown_revision = ${down}\n`;

describe('replaceRefEdits', () => {
  it('replaces a literal id inside its quotes and in Revises:', () => {
    const text = file("'gone'", 'gone');
    const r = replaceRefEdits(readMigration(text, '/v/c1.py', resolve), 'gone', 'down_revision', 'mid');
    assert.ok(r.ok);
    const out = apply(text, r.edits);
    assert.match(out, /^down_revision = 'mid'$/m);
    assert.match(out, /^Revises: mid$/m);
  });

  it('replaces an imported value by the quoted id (not the bare id, which Python reads as a name)', () => {
    const text = file('revs.PARENT', 'gone');
    const r = replaceRefEdits(readMigration(text, '/v/c1.py', resolve), 'gone', 'down_revision', 'mid');
    assert.ok(r.ok);
    const out = apply(text, r.edits);
    assert.match(out, /^down_revision = 'mid'$/m);
    assert.match(out, /^Revises: mid$/m);
  });

  it('refuses an id inside an imported tuple, and an id the field does not name', () => {
    const pair = replaceRefEdits(readMigration(file('revs.PAIR', 'lost, base'), '/v/c1.py', resolve), 'lost', 'down_revision', 'mid');
    assert.equal(pair.ok, false);
    assert.match(pair.ok ? '' : pair.why, /^c1\.py's down_revision takes 'lost' from an imported tuple or list \(line 8\)/);
    const none = replaceRefEdits(readMigration(file("'gone'", 'gone'), '/v/c1.py', resolve), 'other', 'down_revision', 'mid');
    assert.equal(none.ok, false);
    assert.match(none.ok ? '' : none.why, /does not name 'other' in its down_revision/);
  });
});
