// A revision message that starts with `-` reaches the real alembic as the message: the extension
// passes it as one `--message=…` argument (as `-m MESSAGE`, argparse takes `--autogenerate` for
// the option and fails, or runs autogenerate).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { messageArg } from '../../src/core/alembic-args';
import { readMigrationFiles } from '../../src/io/scan';
import { writeAlembicProject, type AlembicProject } from '../support/alembic-project';
import { alembic } from './helpers';

describe('revision messages that start with "-" (real alembic)', function () {
  this.timeout(60_000);
  let p: AlembicProject;
  before(async () => {
    p = await writeAlembicProject({ url: 'sqlite:///unused.db', revisions: [{ id: 'a1', down: null }] });
  });
  after(async () => p.remove());

  async function messages(): Promise<string[]> {
    const names = (await fs.readdir(p.versionsDir)).filter((n) => n.endsWith('.py'));
    const files = await readMigrationFiles(names.map((n) => path.join(p.versionsDir, n)));
    return files.map((f) => f.message ?? '').sort();
  }

  for (const message of ['--autogenerate', '-x', '- fix the typo']) {
    it(`creates a revision with the message ${JSON.stringify(message)}`, async () => {
      const r = await alembic(p, 'revision', messageArg(message));
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok((await messages()).includes(message));
    });
  }

  it('the two-argument form alembic gets wrong (why messageArg exists)', async () => {
    const r = await alembic(p, 'revision', '-m', '--autogenerate');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /expected one argument/);
  });
});
