// The synchronous scan (used by the CLI) on real temp folders: the same listing, files and
// problems as the asynchronous scan (used by the language server), with exact values.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProjectConfig } from '../../src/core/config';
import { listRevisionFiles, listRevisionFilesSync, readMigrationFileSync, scanProject, scanProjectSync } from '../../src/io/scan';
import { revisionSource, TempTree } from '../support/temp-tree';

const tree = new TempTree('alembic-scan-sync-');
const { write, rel, show, project } = tree;
const revision = revisionSource;

describe('scan (synchronous)', () => {
  beforeEach(tree.open);
  afterEach(tree.close);

  it('lists recursively in Alembic order, skipping __pycache__, __init__ and lock files, like the async listing', async () => {
    write('v/b.py', revision('b', 'a'));
    write('v/a.py', revision('a', null));
    write('v/__init__.py', '');
    write('v/.#a.py', 'lock');
    write('v/2024/02/d.py', revision('d', 'c'));
    write('v/2024/01/c.py', revision('c', 'b'));
    write('v/__pycache__/p.py', 'x');
    const sync = listRevisionFilesSync(project(['v'], true)).map(rel);
    assert.deepEqual(sync, ['v/a.py', 'v/b.py', 'v/2024/01/c.py', 'v/2024/02/d.py']);
    assert.deepEqual(sync, (await listRevisionFiles(project(['v'], true))).map(rel));
    assert.deepEqual(listRevisionFilesSync(project(['v'], false)).map(rel), ['v/a.py', 'v/b.py']);
  });

  it('reads the same MigrationFiles and problems as scanProject, including a dangling symlink and bad UTF-8', async () => {
    write('v/a.py', revision('a1', null));
    write('v/b.py', revision('b2', 'a1'));
    fs.symlinkSync(path.join(tree.dir, 'gone.py'), path.join(tree.dir, 'v/c.py'));
    write('v/d.py', Buffer.concat([Buffer.from(revision('d4', 'b2')), Buffer.from('x = "bad \xff"\n', 'latin1')]));
    const sync = scanProjectSync(project(['v']));
    assert.deepEqual(
      sync.files.map((f) => [rel(f.path), f.revision, f.downRevisions, f.message, f.problems.map((p) => `${p.range.start.line} ${p.message.split(tree.dir).join('<tmp>')}`)]),
      [
        ['v/a.py', 'a1', [], 'rev a1', []],
        ['v/b.py', 'b2', ['a1'], 'rev b2', []],
        ['v/c.py', null, [], null, ['0 Cannot read <tmp>/v/c.py: no such file or directory']],
        [
          'v/d.py',
          'd4',
          ['b2'],
          'rev d4',
          ['10 File is not valid UTF-8 (byte 0xff), so Python cannot load it: save it as UTF-8 or declare its encoding in a "# -*- coding: … -*-" line'],
        ],
      ],
    );
    assert.deepEqual(sync.problems, []);
    assert.deepEqual(sync, await scanProject(project(['v'])));
  });

  it('reports the same location problems: duplicates, a missing folder, a file as location, config problems first', async () => {
    write('v1/a.py', revision('a', null));
    write('v1/sub/b.py', revision('b', 'a'));
    write('afile', 'x');
    const config = parseProjectConfig({
      ini: { path: path.join(tree.dir, 'alembic.ini'), text: '[alembic]\nscript_location = .\nrecursive_version_locations = true\nversion_locations = v1/sub v1 v2 afile\n' },
    });
    const sync = scanProjectSync(config);
    assert.deepEqual(sync.files.map((f) => rel(f.path)), ['v1/sub/b.py', 'v1/a.py']);
    assert.deepEqual(show(sync.problems), [
      'alembic.ini:3 info: No path_separator found in configuration; falling back to legacy splitting on spaces/commas for version_locations.  Consider adding path_separator=os to Alembic config.',
      `alembic.ini:3 warning: 1 file(s) in <tmp>/v1 were already loaded from another version location; Alembic warns "File … loaded twice! ignoring. Please ensure version_locations is unique."`,
      'alembic.ini:3 warning: Versions folder does not exist: <tmp>/v2',
      'alembic.ini:3 error: Version location is not a folder: <tmp>/afile',
    ]);
    assert.deepEqual(sync, await scanProject(config));
  });

  it('does not warn about the default versions folder of a missing script folder (discovery reports it)', async () => {
    const config = parseProjectConfig({ ini: { path: path.join(tree.dir, 'alembic.ini'), text: '[alembic]\nscript_location = migrations\n' } });
    const sync = scanProjectSync(config);
    assert.deepEqual(show(sync.problems), show(config.problems));
    assert.deepEqual(sync, await scanProject(config));
  });

  it('decodes a BOM, a latin-1 coding line, an explicit utf-8 coding line and a real U+FFFD as the async reader does', async () => {
    const files = [
      write('v/a.py', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(revision('a', null))])),
      write('v/b.py', Buffer.from(`# -*- coding: latin-1 -*-\n${revision('b', 'a').replace('rev b', 'rev b caf\xe9')}`, 'latin1')),
      write('v/c.py', `# coding: utf-8\n${revision('c', 'b').replace('rev c', 'rev c caf\xe9')}`),
      write('v/d.py', revision('d', 'c').replace('rev d', 'rev d \uFFFD')),
    ];
    assert.deepEqual(
      files.map((f) => { const m = readMigrationFileSync(f); return [m.revision, m.message, m.problems.length]; }),
      [['a', 'rev a', 0], ['b', 'rev b caf\xe9', 0], ['c', 'rev c caf\xe9', 0], ['d', 'rev d \uFFFD', 0]],
    );
  });

  it('reads files larger than its reusable buffer whole, and a small file after a large one without stale bytes', async () => {
    // The revision variables sit after ~300 KB of body, past several doublings of the 64 KB buffer.
    const body = Array.from({ length: 6000 }, (_, i) => `    op.execute("UPDATE t SET c = ${i} WHERE id = ${i}")  # row ${i}`).join('\n');
    const big = write('v/big.py', `"""big one\n"""\n\ndef upgrade():\n${body}\n\n\nrevision = 'b1g'\ndown_revision = 'a1'\n`);
    const small = write('v/small.py', "revision = 's1'\ndown_revision = None\n");
    assert.ok(fs.statSync(big).size > 300_000);
    const b = readMigrationFileSync(big);
    assert.deepEqual([b.revision, b.downRevisions, b.message, b.problems], ['b1g', ['a1'], 'big one', []]);
    assert.equal(b.assignments.revision?.start.line, 6006);
    const s = readMigrationFileSync(small);
    assert.deepEqual([s.revision, s.downRevisions, s.problems], ['s1', [], []]);
  });

  it('reads an empty file as a file without a revision variable', async () => {
    const empty = write('v/empty.py', '');
    const m = readMigrationFileSync(empty);
    assert.deepEqual([m.revision, m.problems.map((p) => p.code)], [null, ['missing-revision-variable']]);
  });

  it('skips a pipe named *.py and a symlink to one with a warning, without waiting on either', async () => {
    write('v/a.py', revision('a1', null));
    const fifo = path.join(tree.dir, 'v/zz.py');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    fs.symlinkSync(fifo, path.join(tree.dir, 'v/yy.py'));
    for (const scan of [scanProjectSync(project(['v'])), await scanProject(project(['v']))]) {
      assert.deepEqual(scan.files.map((f) => [rel(f.path), f.revision, f.problems.map((p) => p.message.split(tree.dir).join('<tmp>'))]), [
        ['v/a.py', 'a1', []],
      ]);
      assert.deepEqual(show(scan.problems), [
        '.:0 warning: Skipped <tmp>/v/yy.py: a symbolic link to something that is not a regular file',
        '.:0 warning: Skipped <tmp>/v/zz.py: not a regular file',
      ]);
    }
    // Read directly (the server, on a change), the link is refused without waiting too.
    assert.equal(readMigrationFileSync(path.join(tree.dir, 'v/yy.py')).problems[0].message, `Cannot read ${path.join(tree.dir, 'v/yy.py')}: not a regular file`);
  });

  it('readMigrationFileSync reports a folder named x.py and a vanished file', async () => {
    const dir = path.join(tree.dir, 'x.py');
    fs.mkdirSync(dir);
    assert.equal(readMigrationFileSync(dir).problems[0].message, `Cannot read ${dir}: is a directory`);
    const gone = path.join(tree.dir, 'gone.py');
    assert.equal(readMigrationFileSync(gone).problems[0].message, `Cannot read ${gone}: no such file or directory`);
  });
});
