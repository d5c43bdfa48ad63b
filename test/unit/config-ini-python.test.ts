// Differential check of the ini reader against Python's own configparser (the one Alembic uses),
// run with /usr/bin/python3. Skipped when that interpreter is missing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { getInterpolated, parseIni } from '../../src/core/ini';

const PYTHON = '/usr/bin/python3';

interface Case {
  name: string;
  text: string;
  /** [section, key] pairs to read. */
  reads: Array<[string, string]>;
}

const CASES: Case[] = [
  { name: 'plain', text: '[alembic]\nscript_location = migrations\nsqlalchemy.url = postgresql://u:p@h/db\n', reads: [['alembic', 'script_location'], ['alembic', 'sqlalchemy.url']] },
  { name: 'colon delimiter', text: '[a]\nx: 1\ny : a=b:c\n', reads: [['a', 'x'], ['a', 'y']] },
  { name: 'continuations', text: '[a]\nv = one\n  two\n\n  three\n  ; c\n  four\n\n\nw = 5\n', reads: [['a', 'v'], ['a', 'w']] },
  { name: 'value on next line', text: '[a]\nv =\n  x\n  y\n', reads: [['a', 'v']] },
  { name: 'indented options', text: '[a]\n  x = 1\n  y = 2\n', reads: [['a', 'x'], ['a', 'y']] },
  { name: 'deeper indent continues', text: '[a]\n  x = 1\n    y = 2\n', reads: [['a', 'x'], ['a', 'y']] },
  { name: 'inline comment kept', text: '[a]\nx = 1 ; no\ny = 2 # no\n', reads: [['a', 'x'], ['a', 'y']] },
  { name: 'case of keys', text: '[A]\nKey = 1\n', reads: [['A', 'key'], ['A', 'KEY'], ['a', 'key']] },
  { name: 'defaults', text: '[DEFAULT]\nbase = /b\nx = d\n[a]\nx = a\ny = %(base)s/y\n', reads: [['a', 'x'], ['a', 'base'], ['a', 'y']] },
  { name: 'here', text: '[a]\nloc = %(here)s/m\nt = %%(rev)s_%%(slug)s\n', reads: [['a', 'loc'], ['a', 't']] },
  { name: 'here overridden', text: '[DEFAULT]\nhere = /mine\n[a]\nloc = %(here)s/m\n', reads: [['a', 'loc']] },
  { name: 'nested interpolation', text: '[a]\nr = %(here)s\ns = %(r)s/x\nt = %(S)s/y\n', reads: [['a', 't']] },
  { name: 'bad percent', text: '[a]\nx = 100%\ny = %(x\nz = %(nope)s\nw = %(w)s\n', reads: [['a', 'x'], ['a', 'y'], ['a', 'z'], ['a', 'w']] },
  { name: 'duplicate option', text: '[a]\nx = 1\nx = 2\n', reads: [] },
  { name: 'duplicate section', text: '[a]\nx = 1\n[a]\ny = 2\n', reads: [] },
  { name: 'no section header', text: 'x = 1\n', reads: [] },
  { name: 'junk line', text: '[a]\nx = 1\njunk\n', reads: [] },
  { name: 'crlf', text: '[a]\r\nx = 1\r\n  2\r\n', reads: [['a', 'x']] },
  { name: 'section header with trailing text', text: '[a] trailing\nx = 1\n', reads: [['a', 'x']] },
];

const PY_SCRIPT = `
import configparser, json, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    p = configparser.ConfigParser({'here': '/here'})
    try:
        p.read_string(c['text'])
        err = None
    except Exception as e:
        err = type(e).__name__
    reads = []
    if err is None:
        for s, k in c['reads']:
            try:
                if not p.has_option(s, k):
                    reads.append(None)
                else:
                    reads.append({'ok': p.get(s, k)})
            except Exception as e:
                reads.append({'error': type(e).__name__})
    out.append({'readError': err, 'reads': reads})
print(json.dumps(out))
`;

describe('ini reader agrees with Python configparser', function () {
  let python: Array<{ readError: string | null; reads: Array<null | { ok: string } | { error: string }> }> = [];
  before(function () {
    if (!fs.existsSync(PYTHON)) this.skip();
    const r = spawnSync(PYTHON, ['-c', PY_SCRIPT], { input: JSON.stringify(CASES.map((c) => ({ text: c.text.replace(/\r\n/g, '\n'), reads: c.reads }))), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    python = JSON.parse(r.stdout) as typeof python;
  });

  for (const [i, c] of CASES.entries()) {
    it(c.name, () => {
      const py = python[i];
      const doc = parseIni(c.text);
      assert.equal(doc.errors.length > 0, py.readError !== null, `read errors: ours ${JSON.stringify(doc.errors)}, python ${py.readError}`);
      if (py.readError !== null) return;
      const ours = c.reads.map(([s, k]) => {
        if (!doc.sections.has(s)) return null;
        const r = getInterpolated(doc, s, k, { here: '/here' });
        if (r === undefined) return null;
        return r.ok ? { ok: r.value } : { error: 'interpolation' };
      });
      const theirs = py.reads.map((x) => (x !== null && 'error' in x ? { error: 'interpolation' } : x));
      assert.deepEqual(ours, theirs);
    });
  }
});
