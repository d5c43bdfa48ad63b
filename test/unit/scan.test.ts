// Folder scan on real temp folders: Alembic's file rules, recursion, duplicates, unreadable files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig } from '../../src/core/config';
import { listRevisionFiles, readMigrationFile, scanProject } from '../../src/io/scan';
import { revisionSource, TempTree } from '../support/temp-tree';

const tree = new TempTree('alembic-scan-');
const { write, rel, show, project } = tree;
const revision = revisionSource;

describe('scan', () => {
  beforeEach(tree.open);
  afterEach(tree.close);

  it("lists *.py the way Alembic does: sorted, no __init__*, no .#lock files, no other extensions", async () => {
    write('v/b_second.py', revision('b', 'a'));
    write('v/a_first.py', revision('a', null));
    write('v/__init__.py', '');
    write('v/__init__helper.py', '');
    write('v/.#a_first.py', 'lock');
    write('v/notes.txt', 'x');
    write('v/old.pyc', 'x');
    write('v/.hidden.py', revision('h', null));
    write('v/sub/c_third.py', revision('c', 'b'));
    const files = await listRevisionFiles(project(['v']));
    assert.deepEqual(files.map(rel), ['v/.hidden.py', 'v/a_first.py', 'v/b_second.py']);
  });

  it('follows subfolders only when recursive, depth first in sorted order, never __pycache__', async () => {
    write('v/a.py', revision('a', null));
    write('v/2024/01/b.py', revision('b', 'a'));
    write('v/2024/02/c.py', revision('c', 'b'));
    write('v/2023/z.py', revision('z', null));
    write('v/__pycache__/p.py', 'x');
    write('v/2024/__pycache__/q.py', 'x');
    assert.deepEqual((await listRevisionFiles(project(['v'], false))).map(rel), ['v/a.py']);
    assert.deepEqual((await listRevisionFiles(project(['v'], true))).map(rel), ['v/a.py', 'v/2023/z.py', 'v/2024/01/b.py', 'v/2024/02/c.py']);
  });

  it('reads every file into a MigrationFile, in listing order', async () => {
    write('v/a.py', revision('a1', null));
    write('v/b.py', revision('b2', 'a1'));
    const scan = await scanProject(project(['v']));
    assert.deepEqual(
      scan.files.map((f) => [rel(f.path), f.revision, f.downRevisions, f.message]),
      [
        ['v/a.py', 'a1', [], 'rev a1'],
        ['v/b.py', 'b2', ['a1'], 'rev b2'],
      ],
    );
    assert.deepEqual(scan.problems, []);
  });

  it('scans several version locations in order and keeps a file reached twice once, with a warning', async () => {
    write('v1/a.py', revision('a', null));
    write('v1/sub/b.py', revision('b', 'a'));
    const config = parseProjectConfig({
      ini: { path: path.join(tree.dir, 'alembic.ini'), text: '[alembic]\nscript_location = .\npath_separator = os\nrecursive_version_locations = true\nversion_locations = v1/sub:v1\n' },
    });
    const scan = await scanProject(config);
    assert.deepEqual(scan.files.map((f) => rel(f.path)), ['v1/sub/b.py', 'v1/a.py']);
    assert.deepEqual(show(scan.problems), [
      `alembic.ini:4 warning: 1 file(s) in <tmp>/v1 were already loaded from another version location; Alembic warns "File … loaded twice! ignoring. Please ensure version_locations is unique."`,
    ]);
  });

  it('warns about a missing versions folder at the version_locations line, and carries the config problems', async () => {
    fs.mkdirSync(path.join(tree.dir, 'v1'));
    const config = parseProjectConfig({
      ini: { path: path.join(tree.dir, 'alembic.ini'), text: '[alembic]\nscript_location = .\nversion_locations = v1 v2\n' },
    });
    const scan = await scanProject(config);
    assert.deepEqual(show(scan.problems), [
      'alembic.ini:2 info: No path_separator found in configuration; falling back to legacy splitting on spaces/commas for version_locations.  Consider adding path_separator=os to Alembic config.',
      'alembic.ini:2 warning: Versions folder does not exist: <tmp>/v2',
    ]);
  });

  it('warns about a missing default versions folder at the script_location line', async () => {
    fs.mkdirSync(path.join(tree.dir, 'migrations'));
    const config = parseProjectConfig({ ini: { path: path.join(tree.dir, 'alembic.ini'), text: '[alembic]\nscript_location = migrations\n' } });
    assert.deepEqual(show((await scanProject(config)).problems), ['alembic.ini:1 warning: Versions folder does not exist: <tmp>/migrations/versions']);
  });

  it('reports a version location that is a file', async () => {
    write('v', 'not a folder');
    assert.deepEqual(show((await scanProject(project(['v']))).problems), ['.:0 error: Version location is not a folder: <tmp>/v']);
  });

  it('turns an unreadable file (dangling symlink) into a parse-error, never a throw', async () => {
    write('v/a.py', revision('a', null));
    fs.symlinkSync(path.join(tree.dir, 'gone.py'), path.join(tree.dir, 'v/b.py'));
    const scan = await scanProject(project(['v']));
    assert.equal(scan.files.length, 2);
    const broken = scan.files[1];
    assert.equal(rel(broken.path), 'v/b.py');
    assert.equal(broken.revision, null);
    assert.deepEqual(broken.problems, [
      {
        code: 'parse-error',
        severity: 'error',
        message: `Cannot read ${path.join(tree.dir, 'v/b.py')}: no such file or directory`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    ]);
  });

  it('readMigrationFile reports a folder named x.py and a vanished file', async () => {
    const dir = path.join(tree.dir, 'x.py');
    fs.mkdirSync(dir);
    assert.equal((await readMigrationFile(dir)).problems[0].message, `Cannot read ${dir}: is a directory`);
    const gone = path.join(tree.dir, 'gone.py');
    assert.equal((await readMigrationFile(gone)).problems[0].message, `Cannot read ${gone}: no such file or directory`);
  });

  it('a folder named x.py is not listed when not recursive (Alembic lists files only)', async () => {
    write('v/a.py', revision('a', null));
    fs.mkdirSync(path.join(tree.dir, 'v/x.py'));
    assert.deepEqual((await listRevisionFiles(project(['v']))).map(rel), ['v/a.py']);
  });

  it('strips a UTF-8 BOM', async () => {
    const p = write('a.py', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(revision('a', null))]));
    const f = await readMigrationFile(p);
    assert.equal(f.revision, 'a');
    assert.equal(f.message, 'rev a');
    assert.deepEqual(f.problems, []);
  });

  it('reads invalid UTF-8 with replacement characters and adds an error at the bad line', async () => {
    const body = Buffer.from(revision('a', null).replace('rev a', 'rev a caf_'));
    const bad = Buffer.from(body.toString('latin1').replace('caf_', 'caf\xe9'), 'latin1');
    const f = await readMigrationFile(write('a.py', bad));
    assert.equal(f.revision, 'a');
    assert.equal(f.message, 'rev a caf\uFFFD');
    assert.deepEqual(f.problems, [
      {
        code: 'parse-error',
        severity: 'error',
        message: 'File is not valid UTF-8 (byte 0xe9), so Python cannot load it: save it as UTF-8 or declare its encoding in a "# -*- coding: … -*-" line',
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      },
    ]);
  });

  it('puts the encoding error on the line of the first bad byte', async () => {
    const bad = Buffer.concat([Buffer.from(revision('a', null)), Buffer.from('# ok \xfe\nx = "bad \xff"\n', 'latin1')]);
    const f = await readMigrationFile(write('a.py', bad));
    assert.equal(f.revision, 'a');
    assert.deepEqual(f.problems.map((p) => p.range.start.line), [11]);
    assert.match(f.problems[0].message, /byte 0xff/);
  });

  it('bytes that are not UTF-8 inside comments are no problem: Python compiles the file', async () => {
    const bad = Buffer.concat([
      Buffer.from(revision('a', null)),
      Buffer.from('# caf\xe9\nx = "#"  # \xff\xfe\ndef f():\n    # \xc3\n    return 1\n', 'latin1'),
    ]);
    const f = await readMigrationFile(write('a.py', bad));
    assert.equal(f.revision, 'a');
    assert.deepEqual(f.problems, []);
  });

  it('honours a PEP 263 coding line', async () => {
    const text = `# -*- coding: latin-1 -*-\n${revision('a', null).replace('rev a', 'rev a caf\xe9')}`;
    const f = await readMigrationFile(write('a.py', Buffer.from(text, 'latin1')));
    assert.equal(f.message, 'rev a caf\xe9');
    assert.deepEqual(f.problems, []);
  });

  it('a U+FFFD that is really in the file is not an encoding problem', async () => {
    const f = await readMigrationFile(write('a.py', revision('a', null).replace('rev a', 'rev a \uFFFD')));
    assert.deepEqual(f.problems, []);
  });
});
