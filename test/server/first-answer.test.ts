// The projects' first answer, and the state and database-URL requests, do not wait for the lint,
// nor share the CPU with loading its parser (the extension's first paint waits for them): the
// Workspace the server runs, driven directly, with a host whose settings answer for the lint's
// setup is held back. Before, the scan linted every file before the project was listed, those
// requests waited for every queued step, and the parser was loaded as the server started.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSettings } from '../../src/protocol/settings';
import type { ServerSettings } from '../../src/protocol/protocol';
import { DiagnosticsPublisher } from '../../src/server/diagnostics';
import { Workspace } from '../../src/server/workspace';
import { exampleFile } from '../support/lint-examples';
import { uriOf } from './lsp-client';

describe('server: the first answers before the lint', function () {
  this.timeout(30000);

  it('lists a new project before linting it, then lints it and says the project changed', async () => {
    const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-first-answer-')));
    try {
      const v = path.join(root, 'migrations', 'versions');
      await fs.mkdir(v, { recursive: true });
      await fs.writeFile(path.join(root, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
      await fs.writeFile(path.join(v, 'a1_first.py'), exampleFile('a1', null, "    op.execute('UPDATE accounts SET flag = false')"));
      await fs.writeFile(path.join(v, 'b2_second.py'), exampleFile('b2', 'a1', '    pass'));

      // The first settings call (discovery) is answered; the next (the lint's setup) waits for `release`.
      let calls = 0;
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const changed: string[][] = [];
      const logs: string[] = [];
      const ws = new Workspace({
        settings: async (): Promise<ServerSettings> => {
          if (calls++ > 0) await gate;
          return defaultSettings;
        },
        openText: () => undefined,
        publish: new DiagnosticsPublisher(() => undefined),
        changed: (keys) => changed.push(keys),
        log: (m) => logs.push(m),
        error: (m) => logs.push(`error: ${m}`),
      });
      void ws.setFolders([{ uri: uriOf(root), path: root, name: 'p' }]);

      const first = await Promise.race([ws.snapshots(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
      assert.ok(first, 'the projects were not answered while the lint waited');
      assert.deepEqual(first.map((s) => s.revisions.map((r) => [r.id, r.lint ?? []])), [[['b2', []], ['a1', []]]]);
      assert.ok(!logs.some((l) => l.startsWith('Linted')), 'linted before the first answer');
      assert.equal(ws.linter.started, false, 'the PostgreSQL parser was loaded before the first answer');
      // The requests that read only graphs and config (states, plans, the database URL) do not
      // wait for the lint step either, even once it is queued.
      const graphs = await Promise.race([ws.graphsSettled().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      assert.ok(graphs, 'graphsSettled() waited for the lint');
      assert.ok(!logs.some((l) => l.startsWith('Linted')));

      release();
      await ws.settled();
      assert.equal(ws.linter.started, true);
      assert.ok(logs.some((l) => /^Linted 2 revision file\(s\) in \d+ ms$/.test(l)), logs.join('\n'));
      const key = path.join(root, 'alembic.ini');
      assert.deepEqual(changed, [[key], [key]]);
      const after = await ws.snapshots();
      assert.deepEqual(after[0].revisions.map((r) => [r.id, (r.lint ?? []).map((f) => f.rule)]), [['b2', []], ['a1', ['update-or-delete-without-where']]]);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
