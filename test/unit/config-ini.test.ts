// The ini reader against Python ConfigParser semantics (values checked with /usr/bin/python3's
// configparser 3.11 when these cases were written).
import * as assert from 'node:assert/strict';
import { getInterpolated, getRawEntry, parseIni, percentFormat } from '../../src/core/ini';

function get(text: string, section: string, key: string, vars: Record<string, string> = {}): string | undefined {
  const r = getInterpolated(parseIni(text), section, key, vars);
  if (r === undefined) return undefined;
  return r.ok ? r.value : `ERROR: ${r.message}`;
}

describe('ini reader (ConfigParser semantics)', () => {
  it('reads `key = value` and `key: value`, splitting at the first delimiter', () => {
    const text = '[a]\nx = 1\ny: 2\nurl = postgresql://u:p@h:5432/db\nz : a=b\n';
    assert.equal(get(text, 'a', 'x'), '1');
    assert.equal(get(text, 'a', 'y'), '2');
    assert.equal(get(text, 'a', 'url'), 'postgresql://u:p@h:5432/db');
    assert.equal(get(text, 'a', 'z'), 'a=b');
  });

  it('lowercases keys but keeps section names case-sensitive', () => {
    const text = '[Alembic]\nScript_Location = x\n';
    assert.equal(get(text, 'Alembic', 'script_location'), 'x');
    assert.equal(get(text, 'Alembic', 'SCRIPT_LOCATION'), 'x');
    assert.equal(get(text, 'alembic', 'script_location'), undefined);
  });

  it('skips full-line # and ; comments but keeps inline ones as part of the value', () => {
    const text = '# top\n[a]\n; c\n  # indented comment\nx = 1 # not a comment\n';
    assert.equal(get(text, 'a', 'x'), '1 # not a comment');
  });

  it('joins indented continuation lines with newlines, keeping inner blank lines and dropping comment lines', () => {
    const text = '[a]\nv = one\n    two\n\n    three\n    # skipped\n    four\n\n\nw = 5\n';
    assert.equal(get(text, 'a', 'v'), 'one\ntwo\n\nthree\nfour');
    assert.equal(get(text, 'a', 'w'), '5');
  });

  it('a value may start on the next line', () => {
    assert.equal(get('[a]\nv =\n  x\n  y\n', 'a', 'v'), '\nx\ny');
  });

  it('keeps the 0-based line of each option and section', () => {
    const doc = parseIni('\n[a]\n\nx = 1\n  more\ny = 2\n');
    assert.equal(doc.sections.get('a')?.line, 1);
    assert.equal(getRawEntry(doc, 'a', 'x')?.line, 3);
    assert.equal(getRawEntry(doc, 'a', 'y')?.line, 5);
  });

  it('makes [DEFAULT] options visible in every section, the section winning', () => {
    const text = '[DEFAULT]\nbase = /srv\nx = d\n[a]\nx = a\np = %(base)s/app\n';
    assert.equal(get(text, 'a', 'x'), 'a');
    assert.equal(get(text, 'a', 'base'), '/srv');
    assert.equal(get(text, 'a', 'p'), '/srv/app');
  });

  it('interpolates %(name)s recursively, %% as %, and the given vars (here)', () => {
    const text = '[a]\nroot = %(here)s/app\nloc = %(ROOT)s/migrations\ntpl = %%(rev)s_%%(slug)s\n';
    assert.equal(get(text, 'a', 'loc', { here: '/p' }), '/p/app/migrations');
    assert.equal(get(text, 'a', 'tpl'), '%(rev)s_%(slug)s');
  });

  it('lets the file override the injected vars (a [DEFAULT] here wins)', () => {
    assert.equal(get('[DEFAULT]\nhere = /mine\n[a]\nx = %(here)s\n', 'a', 'x', { here: '/given' }), '/mine');
  });

  it('reports bad interpolation without quoting the value', () => {
    assert.equal(
      get('[a]\nurl = postgresql://u:p%40ss@h/db\n', 'a', 'url'),
      "ERROR: Bad interpolation in 'url': '%' must be followed by '%' or '(' (write '%%' for a literal '%')",
    );
    assert.equal(get('[a]\nx = %(nope)s\n', 'a', 'x'), "ERROR: Bad interpolation in 'x': '%(nope)s' names no option in [a] or [DEFAULT]");
    assert.equal(get('[a]\nx = %(nope\n', 'a', 'x'), "ERROR: Bad interpolation in 'x': bad interpolation variable reference (write '%%' for a literal '%')");
    assert.equal(
      get('[a]\nx = %(x)s\n', 'a', 'x'),
      "ERROR: Bad interpolation in 'x': references nest deeper than 10 levels (a value that refers to itself?)",
    );
  });

  it('reports duplicate sections and options, and lines that are not options', () => {
    const doc = parseIni('[a]\nx = 1\nx = 2\n[a]\njunk line\n= v\n');
    assert.deepEqual(doc.errors, [
      { message: "Option 'x' in section 'a' already exists", line: 2 },
      { message: "Section 'a' already exists", line: 3 },
      { message: 'Line is not a `key = value` option, a [section] header or a comment', line: 4 },
      { message: 'Option name is empty', line: 5 },
    ]);
  });

  it('stops at content before any section header, as Python does', () => {
    const doc = parseIni('x = 1\n[a]\ny = 2\n');
    assert.deepEqual(doc.errors, [{ message: 'File contains no section headers', line: 0 }]);
    assert.equal(doc.sections.size, 0);
  });

  it('accepts CRLF line ends and a BOM', () => {
    assert.equal(get('\uFEFF[a]\r\nx = 1\r\n  2\r\n', 'a', 'x'), '1\n2');
  });
});

describe('percentFormat (pyproject.toml strings)', () => {
  it('substitutes %(here)s and %%', () => {
    assert.deepEqual(percentFormat('%(here)s/alembic', { here: '/p' }), { ok: true, value: '/p/alembic' });
    assert.deepEqual(percentFormat('%%(rev)s_%%(slug)s', { here: '/p' }), { ok: true, value: '%(rev)s_%(slug)s' });
  });
  it('rejects unknown names and stray %', () => {
    assert.deepEqual(percentFormat('%(rev)s', { here: '/p' }), {
      ok: false,
      message: "'%(rev)s' is not a known substitution (only %(here)s is; write '%%' for a literal '%')",
    });
    assert.deepEqual(percentFormat('100%', {}), { ok: false, message: "'%' must be followed by '%' or '(name)s' (write '%%' for a literal '%')" });
  });
});
