// The reader against real Python: each source is executed by /usr/bin/python3 and the module's
// revision variables, docstring and SyntaxError (message and line) are compared with what
// readMigration reads without executing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { readMigration } from '../../src/core/migration';

const PYTHON = '/usr/bin/python3';

const EXEC = `
import json, sys
src = sys.stdin.read()
ns = {'compute': lambda *a: 'computed'}
try:
    code = compile(src, 'x.py', 'exec')
except SyntaxError as e:
    print(json.dumps({'syntax': e.msg, 'line': e.lineno})); sys.exit()
exec(code, ns)
out = {}
for k in ('revision', 'down_revision', 'branch_labels', 'depends_on'):
    if k in ns:
        v = ns[k]
        out[k] = list(v) if isinstance(v, (tuple, list)) else v
out['doc'] = ns.get('__doc__')
print(json.dumps(out))
`;

interface PyResult {
  syntax?: string;
  line?: number;
  revision?: string | null;
  down_revision?: string | string[] | null;
  branch_labels?: string | string[] | null;
  depends_on?: string | string[] | null;
  doc?: string | null;
}

function python(src: string): PyResult {
  const r = spawnSync(PYTHON, ['-c', EXEC], { input: src, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const parsed: unknown = JSON.parse(r.stdout);
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return parsed as PyResult;
}

function asList(v: string | string[] | null | undefined): string[] {
  return v === null || v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

const VALID: Record<string, string> = {
  'string prefixes and escapes': `revision = R'ab\\c'\ndown_revision = u'x\\x41\\101\\u0042' '\\'q\\''\n`,
  'implicit concatenation across lines': `revision = ('ab'  # c\n   "cd" r'\\e' U'f')\ndown_revision = None\n`,
  'bare tuple with continuation': `revision = 'a'\ndown_revision = 'b', \\\n  'c',\n`,
  'constants and semicolons': `P = 'p1'; Q = ('q1', 'q2')\nrevision = 'a'; down_revision = Q\nbranch_labels = P\ndepends_on = [P, 'z',]\n`,
  'later assignment wins': `revision = compute()\nrevision = 'b'\ndown_revision = 'x'\ndown_revision = None\n`,
  'chained assignment': `revision = X = 'a'\ndown_revision = X\n`,
  'triple quotes and docstring': `'''doc line\n\nmore'''\nrevision = '''abc'''\ndown_revision = """d"""\n`,
  'CRLF endings': `"""msg\r\n\r\nCreate Date: now\r\n"""\r\nrevision = 'a'\r\ndown_revision = (\r\n 'b',\r\n)\r\n`,
  'tabs and nested definitions': `revision\t=\t'a'\ndef f():\n\trevision = 'no'\n\treturn 1\ndown_revision = None\n`,
  'assignment text inside strings and comments': `x = '''\nrevision = 'no'\n'''\nrevision = 'yes'  # revision = 'no'\ndown_revision = None\n`,
  'annotated template form': `from typing import Sequence, Union\nrevision: str = 'a'\ndown_revision: Union[str, Sequence[str], None] = ('b',\n  'c')\nbranch_labels: Union[str, Sequence[str], None] = 'l'\n`,
  'empty tuple': `revision = 'a'\ndown_revision = ()\n`,
  'trailing semicolons': `revision = 'a';\ndown_revision = None ; \n`,
  'form feed at the start of a line': `revision = 'a'\n\fdown_revision = None\n\f\ndef f():\n\f    return 1\n`,
  'a line that is only a backslash inside a function': `revision = 'a'\ndown_revision = None\ndef f():\n    x = 1\n\\\n\n    return x\n`,
  'backslash-only lines before a comment and a statement': `revision = 'a'\n\\\n# c\n  \\\n\ndown_revision = None\n`,
  'brackets and strings in function bodies': `revision = 'a'\ndef up():\n    x = ("(", ']', {'}': [1,\n  2]})\n    """\n    down_revision = 'no'\n    """\ndown_revision = None\n`,
};

const INVALID: Record<string, string> = {
  'unterminated string': `revision = 'a'\ndown_revision = None\nx = 'abc\ny = 1\n`,
  'unterminated triple-quoted string': `revision = 'a'\ndef f():\n    """doc\n    return 1\n`,
  'unclosed bracket': `revision = 'a'\nx = f(1,\n  2\n`,
  'mismatched bracket on another line': `revision = 'a'\nx = (1,\n  2]\n`,
  'unmatched bracket': `revision = 'a'\nx = 1)\n`,
  'unexpected indent': `revision = 'a'\n  down_revision = None\n`,
  'unexpected indent after a backslash-only line': `revision = 'a'\n\\\n  down_revision = None\n`,
  'missing function body': `revision = 'a'\ndef f():\ndown_revision = None\n`,
  'missing class body at the end': `revision = 'a'\nclass C:\n`,
  'double equals sign': `revision = = 'a'\n`,
  'too many nested parentheses': `revision = 'a'\nx = ${'('.repeat(201)}1${')'.repeat(201)}\n`,
};

describe('the reader agrees with real Python', function () {
  this.timeout(20000);
  before(function () {
    if (!fs.existsSync(PYTHON)) this.skip();
  });

  for (const [name, src] of Object.entries(VALID)) {
    it(`reads the same values as Python: ${name}`, () => {
      const py = python(src);
      assert.equal(py.syntax, undefined, `Python refused the source: ${py.syntax}`);
      const f = readMigration(src, 'x.py');
      assert.deepEqual(f.problems, []);
      assert.equal(f.revision, py.revision ?? null);
      assert.deepEqual(f.downRevisions, asList(py.down_revision));
      assert.deepEqual(f.branchLabels, asList(py.branch_labels));
      assert.deepEqual(f.dependsOn, asList(py.depends_on));
      const firstLine = (py.doc ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '') ?? null;
      assert.equal(f.message, firstLine);
    });
  }

  for (const [name, src] of Object.entries(INVALID)) {
    it(`reports Python's SyntaxError message and line: ${name}`, () => {
      const py = python(src);
      assert.ok(py.syntax !== undefined && py.line !== undefined, 'Python accepted the source');
      const f = readMigration(src, 'x.py');
      const errors = f.problems.filter((p) => p.code === 'parse-error');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].message, py.syntax);
      assert.equal(errors[0].range.start.line, py.line - 1);
    });
  }
});
