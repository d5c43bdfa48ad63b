// The migration-file reader: what Alembic would see after importing a revision module, read
// without executing it. Tricky forms are checked against real Python in python-agreement.test.ts.
import * as assert from 'node:assert/strict';
import { isRevisionFileName, readMigration, unresolvedVariables } from '../../src/core/migration';
import type { FileProblem, IdRef, MigrationFile, Range } from '../../src/core/types';

const LITERALS = 'Alembic Migrations reads only literal values (strings, None, tuples/lists of strings) and module-level string constants';

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

function read(text: string, path = 'versions/1a2b_add_users.py'): MigrationFile {
  return readMigration(text, path);
}

function problems(f: MigrationFile): string[] {
  return f.problems.map((p: FileProblem) => `${p.code} ${p.severity} ${p.range.start.line}:${p.range.start.character}: ${p.message}`);
}

function refs(f: MigrationFile, kind?: IdRef['kind']): string[] {
  return f.idRefs
    .filter((x) => kind === undefined || x.kind === kind)
    .map((x) => `${x.kind} ${x.id} ${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character}`);
}

// Rendered from alembic's own generic script.py.mako (1.8.1) the way `alembic revision` writes it.
const TEMPLATE = `"""add users table

Revision ID: 1975ea83b712
Revises: 3b2a9c0d7e41
Create Date: 2024-05-01 10:11:12.123456

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1975ea83b712'
down_revision = '3b2a9c0d7e41'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users', sa.Column('id', sa.Integer(), nullable=False))


def downgrade() -> None:
    op.drop_table('users')
`;

describe('readMigration: the alembic template', () => {
  it('reads the ids, message, create date, statement ranges and id ranges of a generated revision', () => {
    const f = read(TEMPLATE);
    assert.equal(f.path, 'versions/1a2b_add_users.py');
    assert.equal(f.revision, '1975ea83b712');
    assert.deepEqual(f.downRevisions, ['3b2a9c0d7e41']);
    assert.deepEqual(f.branchLabels, []);
    assert.deepEqual(f.dependsOn, []);
    assert.equal(f.message, 'add users table');
    assert.equal(f.createDate, '2024-05-01 10:11:12.123456');
    assert.deepEqual(f.assignments, {
      revision: r(12, 0, 12, 25),
      down_revision: r(13, 0, 13, 30),
      branch_labels: r(14, 0, 14, 20),
      depends_on: r(15, 0, 15, 17),
    });
    assert.deepEqual(refs(f), [
      'revises 3b2a9c0d7e41 3:9-3:21',
      'revision 1975ea83b712 12:12-12:24',
      'down_revision 3b2a9c0d7e41 13:17-13:29',
    ]);
    assert.deepEqual(f.problems, []);
  });

  it('reads the annotated assignments of the current template', () => {
    const f = read(`"""m"""
from typing import Sequence, Union
revision: str = 'aaa1'
down_revision: Union[str, Sequence[str], None] = 'bbb2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = ('ccc3',)
`);
    assert.equal(f.revision, 'aaa1');
    assert.deepEqual(f.downRevisions, ['bbb2']);
    assert.deepEqual(f.dependsOn, ['ccc3']);
    assert.deepEqual(f.assignments.down_revision, r(3, 0, 3, 55));
    assert.deepEqual(refs(f), ['revision aaa1 2:17-2:21', 'down_revision bbb2 3:50-3:54', 'depends_on ccc3 5:48-5:52']);
    assert.deepEqual(f.problems, []);
  });

  it('ignores an annotation without a value (Python binds nothing)', () => {
    const f = read(`revision: str\ndown_revision = None\n`, 'x.py');
    assert.equal(f.revision, null);
    assert.equal(f.assignments.revision, undefined);
    assert.deepEqual(problems(f), [
      "missing-revision-variable error 0:0: Could not determine revision id from filename x.py. Be sure the 'revision' variable is declared inside the revision module.",
    ]);
  });
});

describe('readMigration: string forms', () => {
  it('reads double, triple-quoted and prefixed strings', () => {
    const f = read(`revision = "abc"\ndown_revision = '''def'''\nbranch_labels = r'x\\y'\ndepends_on = [u'p', R"q", U'r', """s"""]\n`);
    assert.equal(f.revision, 'abc');
    assert.deepEqual(f.downRevisions, ['def']);
    assert.deepEqual(f.branchLabels, ['x\\y']);
    assert.deepEqual(f.dependsOn, ['p', 'q', 'r', 's']);
    assert.deepEqual(refs(f, 'down_revision'), ['down_revision def 1:19-1:22']);
    assert.deepEqual(refs(f, 'branch_labels'), ['branch_labels x\\y 2:18-2:21']);
    assert.deepEqual(f.problems, []);
  });

  it('decodes escapes in non-raw strings', () => {
    const f = read(`revision = 'a\\x62\\143\\u0064\\U00000065\\'\\\\'\ndown_revision = None\n`);
    assert.equal(f.revision, "abcde'\\");
    assert.deepEqual(refs(f), ['revision abcde\'\\ 0:12-0:41']);
  });

  it('joins implicit concatenation, also parenthesised across lines with comments; the id range is the whole literal', () => {
    const f = read(`revision = 'ab' "cd"\ndown_revision = (\n    'ef'  # first half\n    'gh'\n)\n`);
    assert.equal(f.revision, 'abcd');
    assert.deepEqual(f.downRevisions, ['efgh']);
    assert.deepEqual(refs(f), ['revision abcd 0:11-0:20', 'down_revision efgh 2:4-3:8']);
    assert.deepEqual(f.assignments.down_revision, r(1, 0, 4, 1));
  });

  it('reads None as a base and single strings of branch_labels/depends_on as one-element lists', () => {
    const f = read(`revision = 'a1'\ndown_revision = None\nbranch_labels = 'feature'\ndepends_on = 'b2'\n`);
    assert.deepEqual(f.downRevisions, []);
    assert.deepEqual(f.branchLabels, ['feature']);
    assert.deepEqual(f.dependsOn, ['b2']);
    assert.deepEqual(refs(f), [
      'revision a1 0:12-0:14',
      'branch_labels feature 2:17-2:24',
      'depends_on b2 3:14-3:16',
    ]);
  });
});

describe('readMigration: tuples and lists', () => {
  it('reads a merge tuple across lines with comments and a trailing comma', () => {
    const f = read(`revision = 'm1'\ndown_revision = (\n    'a1',  # left\n    # nothing here\n    "b2",\n)\n`);
    assert.deepEqual(f.downRevisions, ['a1', 'b2']);
    assert.deepEqual(refs(f, 'down_revision'), ['down_revision a1 2:5-2:7', 'down_revision b2 4:5-4:7']);
    assert.deepEqual(f.assignments.down_revision, r(1, 0, 5, 1));
  });

  it('reads lists, a bare tuple and backslash continuations', () => {
    const f = read(`revision = 'm1'\ndown_revision = 'a1', \\\n    'b2'\ndepends_on = ['c3',\n'd4']\nbranch_labels = ()\n`);
    assert.deepEqual(f.downRevisions, ['a1', 'b2']);
    assert.deepEqual(f.dependsOn, ['c3', 'd4']);
    assert.deepEqual(f.branchLabels, []);
    assert.deepEqual(f.assignments.down_revision, r(1, 0, 2, 8));
    assert.deepEqual(f.problems, []);
  });

  it('reads statements separated by semicolons, with a trailing semicolon', () => {
    const f = read(`revision = 'a1'; down_revision = None;\ndepends_on = 'x' ; branch_labels = 'l'\n`);
    assert.equal(f.revision, 'a1');
    assert.deepEqual(f.downRevisions, []);
    assert.deepEqual(f.dependsOn, ['x']);
    assert.deepEqual(f.branchLabels, ['l']);
    assert.deepEqual(f.assignments.down_revision, r(0, 17, 0, 37));
  });
});

describe('readMigration: module-level constants and execution order', () => {
  it('resolves names bound earlier to strings or tuples; refs point at the literal', () => {
    const f = read(`PARENT = 'abc'; OTHERS = ('d1', 'e2')\nrevision = 'f3'\ndown_revision = PARENT\ndepends_on = OTHERS\nbranch_labels = [PARENT]\n`);
    assert.deepEqual(f.downRevisions, ['abc']);
    assert.deepEqual(f.dependsOn, ['d1', 'e2']);
    assert.deepEqual(f.branchLabels, ['abc']);
    assert.deepEqual(refs(f, 'down_revision'), ['down_revision abc 0:10-0:13']);
    assert.deepEqual(f.problems, []);
  });

  it('takes the later assignment, dropping what an earlier one could not resolve', () => {
    const f = read(`revision = make_id()\nrevision = 'b2'\ndown_revision = 'x'\ndown_revision = None\n`);
    assert.equal(f.revision, 'b2');
    assert.deepEqual(f.downRevisions, []);
    assert.deepEqual(f.assignments.revision, r(1, 0, 1, 15));
    assert.deepEqual(f.problems, []);
  });

  it('follows chained assignments', () => {
    const f = read(`revision = HEAD = 'a1'\ndown_revision = None\ndepends_on = HEAD\n`);
    assert.equal(f.revision, 'a1');
    assert.deepEqual(f.dependsOn, ['a1']);
  });

  it('never takes assignments inside functions, classes or strings', () => {
    const f = read(`x = """
revision = 'in-string'
"""
def f():
    revision = 'in-function'
    down_revision = 'nope'
class C:
    revision = 'in-class'
revision = 'real'  # revision = 'comment'
down_revision = None
`);
    assert.equal(f.revision, 'real');
    assert.deepEqual(refs(f), ['revision real 8:12-8:16']);
    assert.deepEqual(f.problems, []);
  });
});

describe('readMigration: values it does not resolve', () => {
  const cases: [string, string, string][] = [
    ['a function call', `down_revision = compute('x')`, 'to a function call'],
    ['an f-string', `down_revision = f'{1}'`, 'to an f-string'],
    ['a bytes literal', `down_revision = b'abc'`, 'to a bytes literal'],
    ['a number', `down_revision = 42`, 'to a number'],
    ['an attribute access', `down_revision = settings.PARENT`, 'to an attribute access'],
    ['a name never assigned', `down_revision = PARENT`, 'to the name PARENT, which is not assigned at module level before this line'],
    ['a name assigned only later', `down_revision = PARENT\nPARENT = 'x'`, 'to the name PARENT, which is not assigned at module level before this line'],
    ['a constant set to a call', `PARENT = get()\ndown_revision = PARENT`, 'to the name PARENT (a function call)'],
    ['an operator expression', `down_revision = 'a' + 'b'`, 'to an expression with operators'],
    ['a tuple with a call', `down_revision = ('a', get())`, 'to a tuple containing a function call'],
    ['a tuple with None', `down_revision = ('a', None)`, 'to a tuple containing None'],
    ['a nested tuple', `down_revision = ('a', ('b',))`, 'to a tuple containing a tuple'],
    ['a dict', `down_revision = {'a': 1}`, 'to a dict or set display'],
    ['a conditional', `down_revision = 'a' if X else None`, 'to a conditional expression'],
    ['an import of the variable', `from x import down_revision`, 'by an import'],
    ['an augmented assignment', `down_revision = 'a'\ndown_revision += 'b'`, 'by an augmented assignment'],
    ['an unpacking', `down_revision, other = 'a', 'b'`, 'by an unpacking assignment'],
    ['an if block', `if X:\n    down_revision = 'a'\nelse:\n    down_revision = None`, "inside an 'else' block"],
  ];
  for (const [name, source, how] of cases) {
    it(`reports ${name} as unresolved-value on the statement and leaves down_revision unknown`, () => {
      const text = `revision = 'r1'\n${source}\n`;
      const f = read(text);
      assert.equal(f.revision, 'r1');
      assert.deepEqual(f.downRevisions, []);
      assert.equal(f.problems.length, 1, problems(f).join('\n'));
      const p = f.problems[0];
      assert.equal(p.code, 'unresolved-value');
      assert.equal(p.severity, 'warning');
      assert.equal(p.message, `down_revision is set ${how}; ${LITERALS}`);
      assert.deepEqual(p.range, f.assignments.down_revision);
      assert.deepEqual(unresolvedVariables(f), ['down_revision']);
      assert.deepEqual(refs(f, 'down_revision'), []);
    });
  }

  it('reports an imported name without a project to read it from, naming it and how to supply it', () => {
    const f = read(`revision = 'r1'\nfrom .base import PARENT\ndown_revision = PARENT\n`);
    assert.deepEqual(problems(f), [
      'unresolved-value warning 2:0: down_revision is set to the imported value PARENT. ' +
        'Supply it with --define PARENT=VALUE (alembic-migrations check) or the alembic.defines setting ({"PARENT": "VALUE"}).',
    ]);
    assert.deepEqual(f.unresolvedNames, { down_revision: 'PARENT' });
    assert.deepEqual(unresolvedVariables(f), ['down_revision']);
    const g = read(`from myproject.db.migration import cli\nrevision = 'r1'\ndown_revision = None\nbranch_labels = (cli.EXPAND_BRANCH,)\n`);
    assert.deepEqual(problems(g), [
      'unresolved-value warning 3:0: branch_labels is set to a tuple containing the imported value cli.EXPAND_BRANCH. ' +
        'Supply it with --define myproject.db.migration.cli.EXPAND_BRANCH=VALUE (alembic-migrations check) or the alembic.defines setting ({"myproject.db.migration.cli.EXPAND_BRANCH": "VALUE"}).',
    ]);
  });

  it('puts the problem on the whole statement range, across lines', () => {
    const f = read(`revision = 'r1'\ndown_revision = make(\n    'a',\n)  # trailing comment\n`);
    assert.deepEqual(f.problems[0].range, r(1, 0, 3, 1));
  });

  it('reports revision set to None or a tuple: an id must be a string', () => {
    const a = read(`revision = None\ndown_revision = None\n`);
    assert.equal(a.revision, null);
    assert.deepEqual(problems(a), ['unresolved-value warning 0:0: revision is set to None; a revision id must be a string']);
    assert.deepEqual(unresolvedVariables(a), ['revision']);
    const b = read(`revision = ('a', 'b')\ndown_revision = None\n`);
    assert.deepEqual(problems(b), ['unresolved-value warning 0:0: revision is set to a tuple; a revision id must be a string']);
  });

  it('reports each unresolved variable, and no missing-variable error for an assigned one', () => {
    const f = read(`revision = uuid4().hex\ndown_revision = None\nbranch_labels = LABELS\n`);
    assert.equal(f.revision, null);
    assert.deepEqual(problems(f), [
      `unresolved-value warning 0:0: revision is set to a function call; ${LITERALS}`,
      `unresolved-value warning 2:0: branch_labels is set to the name LABELS, which is not assigned at module level before this line; ${LITERALS}`,
    ]);
    assert.deepEqual(unresolvedVariables(f), ['revision', 'branch_labels']);
  });
});

describe('readMigration: missing variables and invalid ids', () => {
  it("falls back to a legacy hex file name when there is no revision variable, as Alembic's _legacy_rev", () => {
    const f = read(`down_revision = None\n`, '/p/versions/1975ea83b712.py');
    assert.equal(f.revision, '1975ea83b712');
    assert.deepEqual(f.problems, []);
    assert.deepEqual(f.idRefs, []);
  });

  it('reports a missing revision variable with Alembic-like wording at line 0', () => {
    const f = read(`"""doc"""\ndown_revision = None\n`, '/p/versions/1975_add_users.py');
    assert.equal(f.revision, null);
    assert.deepEqual(f.problems, [{
      code: 'missing-revision-variable',
      severity: 'error',
      message: "Could not determine revision id from filename 1975_add_users.py. Be sure the 'revision' variable is declared inside the revision module.",
      range: r(0, 0, 0, 0),
    }]);
  });

  it('reports a missing down_revision on the revision statement (Alembic fails with AttributeError)', () => {
    const f = read(`# c\nrevision = 'a1'\n`, 'v/a1_x.py');
    assert.equal(f.revision, 'a1');
    assert.deepEqual(f.downRevisions, []);
    assert.deepEqual(problems(f), [
      "missing-revision-variable error 1:0: Revision module a1_x.py has no module-level 'down_revision' variable; Alembic fails to load it (AttributeError). Use down_revision = None for a base revision.",
    ]);
  });

  it("reports characters Alembic refuses in a revision id with Alembic's message", () => {
    const f = read(`revision = 'a-b@c+d:e'\ndown_revision = None\n`);
    assert.equal(f.revision, 'a-b@c+d:e');
    assert.deepEqual(f.problems, [{
      code: 'invalid-revision-id',
      severity: 'error',
      message: "Character(s) '+, -, :, @' not allowed in revision identifier 'a-b@c+d:e'",
      range: r(0, 12, 0, 21),
    }]);
    assert.deepEqual(problems(read(`revision = 'x-1'\ndown_revision = None\n`)), [
      "invalid-revision-id error 0:12: Character(s) '-' not allowed in revision identifier 'x-1'",
    ]);
  });
});

describe('readMigration: bytes Python refuses', () => {
  it('reports a NUL character as Python does (the file does not load), on its line, and still reads the variables', () => {
    const f = read(`revision = 'a1'\ndown_revision = None\nx = 1\0\n`);
    assert.deepEqual(problems(f), ['parse-error error 2:5: source code string cannot contain null bytes']);
    assert.equal(f.revision, 'a1');
  });
});

describe('readMigration: the docstring', () => {
  it('takes the stripped first paragraph as the message and ids after Revises: as revises refs', () => {
    const f = read(`

"""

   merge heads  \n
Revision ID: m1
Revises: a1, b2 ,c3
Create Date:   2024-01-02 03:04:05
"""
revision = 'm1'
down_revision = ('a1', 'b2', 'c3')
`);
    assert.equal(f.message, 'merge heads  ', "Alembic strips the docstring, not the paragraph: the trailing spaces stay");
    assert.equal(f.createDate, '2024-01-02 03:04:05');
    assert.deepEqual(refs(f, 'revises'), ['revises a1 7:9-7:11', 'revises b2 7:13-7:15', 'revises c3 7:17-7:19']);
  });

  it("keeps a wrapped message's line breaks, as Alembic's Script.doc does, in CRLF files too", () => {
    const f = read(`"""add users table\r\nand their indexes\r\n\r\nRevision ID: u1\r\nCreate Date: 2024-05-06\r\n"""\r\nrevision = 'u1'\r\ndown_revision = None\r\n`);
    assert.equal(f.message, 'add users table\nand their indexes');
    assert.equal(f.createDate, '2024-05-06');
    const g = read(`"""one\n  \ntwo\n\nthree"""\nrevision = 'g1'\ndown_revision = None\n`);
    assert.equal(g.message, 'one\n  \ntwo', 'a line of spaces is not a paragraph break');
    const e = read(`"""  \n\t"""\nrevision = 'e1'\ndown_revision = None\n`);
    assert.equal(e.message, null, 'a blank docstring has no message');
  });

  it('has no message without a docstring, and a string after other statements is not one', () => {
    const f = read(`import os\n"""not a docstring"""\nrevision = 'a'\ndown_revision = None\n`);
    assert.equal(f.message, null);
    assert.equal(f.createDate, null);
    assert.deepEqual(refs(f, 'revises'), []);
  });

  it('reads Revises: only at the start of a docstring line', () => {
    const f = read(`"""handle Revises: in messages

  Revises: p1
"""
revision = 'a'
down_revision = 'p1'
`);
    assert.deepEqual(refs(f, 'revises'), ['revises p1 2:11-2:13']);
  });

  it('has no revises refs for an empty Revises: (a base)', () => {
    const f = read(`"""base\n\nRevision ID: a\nRevises: \nCreate Date: x\n"""\nrevision = 'a'\ndown_revision = None\n`);
    assert.deepEqual(refs(f, 'revises'), []);
    assert.equal(f.createDate, 'x');
  });
});

describe('readMigration: text that is not valid Python', () => {
  const cases: [string, string, string, number][] = [
    ['an unterminated string', `x = 'abc\ny = 1\n`, 'unterminated string literal (detected at line 3)', 2],
    ['an unterminated triple-quoted string', `def f():\n    """doc\n    return 1\n`, 'unterminated triple-quoted string literal (detected at line 5)', 3],
    ['a bracket never closed', `x = f(1,\n  2\n`, "'(' was never closed", 2],
    ['an unmatched closing bracket', `x = 1)\n`, "unmatched ')'", 2],
    ['mismatched brackets', `x = (1,\n  2]\n`, "closing parenthesis ']' does not match opening parenthesis '(' on line 3", 3],
    ['an unexpected indent at module level', `  x = 1\n`, 'unexpected indent', 2],
    ['a header without a body', `if x:\ny = 1\n`, "expected an indented block after 'if' statement on line 3", 3],
    ['a def at the end of the file', `def f():\n`, 'expected an indented block after function definition on line 3', 2],
    ['an unexpected token in an assignment', `down_revision = = 'a'\n`, 'invalid syntax', 2],
    ['a stray token after a value', `down_revision = 'a' 'b' c\n`, 'invalid syntax', 2],
  ];
  for (const [name, source, message, line] of cases) {
    it(`reports ${name} as a parse-error at its line and keeps what was read before`, () => {
      const f = read(`revision = 'a1'\n# comment\n${source}`);
      assert.equal(f.revision, 'a1');
      assert.deepEqual(f.problems.map((p) => [p.code, p.severity, p.message, p.range.start.line]), [['parse-error', 'error', message, line]]);
    });
  }

  it('does not report missing variables after a parse error hid them', () => {
    const f = read(`x = (\n`, 'x.py');
    assert.deepEqual(problems(f), ["parse-error error 0:4: '(' was never closed"]);
  });

  it('reads CRLF files with a BOM', () => {
    const f = read(`\ufeff"""crlf message\r\n\r\nRevises: p0\r\nCreate Date: d\r\n"""\r\nrevision = 'c1'\r\ndown_revision = (\r\n    'p0',\r\n)\r\ndef upgrade():\r\n    pass\r\n`);
    assert.equal(f.revision, 'c1');
    assert.deepEqual(f.downRevisions, ['p0']);
    assert.equal(f.message, 'crlf message');
    assert.equal(f.createDate, 'd');
    assert.deepEqual(refs(f), ['revises p0 2:9-2:11', 'revision c1 5:12-5:14', 'down_revision p0 7:5-7:7']);
    assert.deepEqual(f.assignments.down_revision, r(6, 0, 8, 1));
    assert.deepEqual(f.problems, []);
  });

  it('reads lone-CR line endings and tab indentation', () => {
    const f = read(`revision = 'a1'\rdef f():\r\trevision = 'no'\r\treturn 1\rdown_revision = None\r`);
    assert.equal(f.revision, 'a1');
    assert.deepEqual(f.assignments.down_revision, r(4, 0, 4, 20));
    assert.deepEqual(f.problems, []);
  });

  it('never throws on garbage, binary-ish text or huge input, and always returns a file', function () {
    this.timeout(30000);
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = `'"()[]{}#\\\n\r\t =:;,.abrfuRBF_0123456789\u0000\ufffd\ud800é`;
    for (let i = 0; i < 1000; i++) {
      let s = '';
      const n = rand(200);
      for (let k = 0; k < n; k++) s += alphabet[rand(alphabet.length)];
      const f = read(s);
      assert.ok(Array.isArray(f.problems));
    }
    const huge = `revision = 'h1'\ndown_revision = None\n` + 'def f():\n    x = ("a", [1, {2: 3}])  # c\n'.repeat(50000);
    const f = read(huge);
    assert.equal(f.revision, 'h1');
    assert.deepEqual(f.problems, []);
    const open = read(`revision = 'h2'\n` + '('.repeat(100000));
    assert.equal(open.problems[0].code, 'parse-error');
    const deep = read(`revision = ${'('.repeat(100000)}'a'${')'.repeat(100000)}\n`);
    assert.deepEqual(problems(deep), ['parse-error error 0:211: too many nested parentheses']);
    const nested200 = read(`revision = ${'('.repeat(200)}'a'${')'.repeat(200)}\ndown_revision = None\n`);
    assert.equal(nested200.revision, 'a');
  });
});

describe('isRevisionFileName', () => {
  it("follows Alembic's _only_source_rev_file pattern", () => {
    assert.equal(isRevisionFileName('a.py'), true);
    assert.equal(isRevisionFileName('1975ea83b712_add_users.py'), true);
    assert.equal(isRevisionFileName('__init__.py'), false);
    assert.equal(isRevisionFileName('__init__foo.py'), false);
    assert.equal(isRevisionFileName('.#x.py'), false);
    assert.equal(isRevisionFileName('x.pyc'), false);
    assert.equal(isRevisionFileName('x.txt'), false);
    assert.equal(isRevisionFileName('x.py~'), false);
    assert.equal(isRevisionFileName('.hidden.py'), true);
  });
});
