// The alembic/projects request, per-folder settings over workspace/configuration, workspace
// folder changes and the database state shown in hovers — all over stdio with the bundled server.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CodeLens, Hover } from 'vscode-languageserver-protocol';
import type { ProjectSnapshot } from '../../src/protocol/protocol';
import { copyFixtures, LspTestClient, uriOf } from './lsp-client';

const V = ['migrations', 'versions'];

describe('server projects and settings (LSP over stdio)', function () {
  this.timeout(30000);
  let client: LspTestClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  const projects = (c: LspTestClient): Promise<ProjectSnapshot[]> => c.request<ProjectSnapshot[]>('alembic/projects', null);

  it('puts a message wrapped over several lines on one line in the snapshot', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    const file = path.join(root, ...V, '3c4d5e6f7081_add_orders.py');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('add orders', 'add orders  \n   and their lines '));
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: root }] }));
    const snaps = await projects(c);
    assert.equal(snaps[0].revisions.find((r) => r.id === '3c4d5e6f7081')?.message, 'add orders and their lines');
  });

  it('answers alembic/projects with each project graph, newest first, URL password removed', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: root }] }));
    const v = path.join(root, ...V);
    const snaps = await projects(c);
    const ini = path.join(root, 'alembic.ini');
    const rev = (id: string, file: string, down: string[], children: string[], message: string, date: string): unknown => ({
      id,
      path: path.join(v, file),
      line: 14,
      downRevisions: down,
      dependsOn: [],
      branchLabels: [],
      effectiveBranchLabels: [],
      children,
      message,
      createDate: date,
    });
    assert.equal(snaps.length, 1);
    const { diagnostics, ...rest } = snaps[0];
    assert.deepEqual(rest, {
      key: ini,
      name: 'two-heads/alembic.ini',
      cwd: root,
      configPath: ini,
      section: 'alembic',
      versionLocations: [v],
      sqlalchemyUrlRedacted: 'postgresql://app:***@localhost:5432/app',
      revisions: [
        rev('3c4d5e6f7081', '3c4d5e6f7081_add_orders.py', ['1a2b3c4d5e6f'], [], 'add orders', '2024-01-03 10:00:00.000000'),
        rev('2b3c4d5e6f70', '2b3c4d5e6f70_add_email.py', ['1a2b3c4d5e6f'], [], 'add email', '2024-01-02 10:00:00.000000'),
        rev('1a2b3c4d5e6f', '1a2b3c4d5e6f_create_users.py', [], ['2b3c4d5e6f70', '3c4d5e6f7081'], 'create users', '2024-01-01 10:00:00.000000'),
      ],
      heads: ['2b3c4d5e6f70', '3c4d5e6f7081'],
      bases: ['1a2b3c4d5e6f'],
      mergePoints: [],
      mergeCandidates: [['2b3c4d5e6f70', '3c4d5e6f7081']],
      labelledMergeWarning: null,
      branchPoints: ['1a2b3c4d5e6f'],
    });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, path.basename(d.path), d.range.start.line]),
      [
        ['multiple-heads', '2b3c4d5e6f70_add_email.py', 14],
        ['multiple-heads', '3c4d5e6f7081_add_orders.py', 14],
      ],
    );
    // The whole snapshot never carries the password.
    assert.equal(JSON.stringify(snaps).includes('s3cret'), false);
  });

  it('asks each workspace folder for its settings and honours versionLocations, section and recursion per folder', async () => {
    const { dirs } = await copyFixtures('two-heads', 'explicit');
    const th = dirs['two-heads'];
    const ex = dirs['explicit'];
    // A second ini section whose versions folder holds only the base revision.
    await fs.mkdir(path.join(th, 'base_only'));
    await fs.copyFile(path.join(th, ...V, '1a2b3c4d5e6f_create_users.py'), path.join(th, 'base_only', '1a2b3c4d5e6f_create_users.py'));
    await fs.appendFile(path.join(th, 'alembic.ini'), '\n[staging]\nscript_location = %(here)s/migrations\nversion_locations = %(here)s/base_only\n');
    // A nested revision only seen with recursion.
    await fs.mkdir(path.join(ex, 'db', 'revs', 'sub'));
    const second = await fs.readFile(path.join(ex, 'db', 'revs', 'cafe00000002_second.py'), 'utf8');
    await fs.writeFile(
      path.join(ex, 'db', 'revs', 'sub', 'cafe00000003_third.py'),
      second.replace(/cafe00000002/g, 'cafe00000003').replace(/'cafe00000001'/g, "'cafe00000002'"),
    );

    const settings: Record<string, unknown> = {};
    const c = (client = await LspTestClient.start({
      folders: [
        { name: 'two-heads', path: th },
        { name: 'explicit', path: ex },
      ],
      settings: (scope) => (scope ? settings[scope] : undefined) ?? {},
    }));
    // Defaults: the ini's [alembic] section; the explicit folder has no project.
    let snaps = await projects(c);
    assert.deepEqual(snaps.map((s) => s.name), ['two-heads/alembic.ini']);
    assert.deepEqual(
      c.configurationRequests.flatMap((r) => r.items).map((i) => [i.scopeUri, i.section]).sort(),
      [
        [uriOf(ex), 'alembic'],
        [uriOf(th), 'alembic'],
      ],
    );

    settings[uriOf(th)] = { section: 'staging' };
    settings[uriOf(ex)] = { versionLocations: ['db/revs'], recursiveVersionLocations: false };
    await c.notify('workspace/didChangeConfiguration', { settings: null });
    const email = path.join(th, ...V, '2b3c4d5e6f70_add_email.py');
    await c.waitForDiagnostics(email, 'multiple-heads gone under [staging]', (d) => d.length === 0);
    snaps = await projects(c);
    const staging = snaps.find((s) => s.configPath === path.join(th, 'alembic.ini'));
    assert.equal(staging?.section, 'staging');
    assert.equal(staging?.name, 'two-heads/alembic.ini [staging]');
    assert.deepEqual(staging?.versionLocations, [path.join(th, 'base_only')]);
    assert.deepEqual(staging?.heads, ['1a2b3c4d5e6f']);
    const explicit = snaps.find((s) => s.configPath === null);
    assert.deepEqual(
      { key: explicit?.key, name: explicit?.name, versionLocations: explicit?.versionLocations, ids: explicit?.revisions.map((r) => r.id) },
      {
        key: path.join(ex, 'db', 'revs'),
        name: 'explicit/db/revs',
        versionLocations: [path.join(ex, 'db', 'revs')],
        ids: ['cafe00000002', 'cafe00000001'],
      },
    );
    // The notification goes out on the tick after the change: it may follow the snapshot's answer.
    await c.waitFor('projectsChanged naming the explicit project', () => c.projectsChanged.some((keys) => keys.includes(path.join(ex, 'db', 'revs'))));

    settings[uriOf(ex)] = { versionLocations: [path.join(ex, 'db', 'revs')], recursiveVersionLocations: true };
    await c.notify('workspace/didChangeConfiguration', { settings: null });
    // The request is answered after the rediscovery the notification started (the server queues both).
    const recursive = (await projects(c)).find((s) => s.configPath === null);
    assert.deepEqual(recursive?.revisions.map((r) => r.id), ['cafe00000003', 'cafe00000002', 'cafe00000001']);
  });

  it('shows the database state the client sends in hovers and code lenses', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: root }] }));
    const email = path.join(root, ...V, '2b3c4d5e6f70_add_email.py');
    await c.waitForDiagnostics(email, 'loaded', (d) => d.length === 1);
    const key = path.join(root, 'alembic.ini');
    const refreshes = c.codeLensRefreshes;
    await c.notify('alembic/databaseState', { key, states: { '1a2b3c4d5e6f': 'applied', '2b3c4d5e6f70': 'current' }, note: null });
    // The client is asked to re-query its lenses, which now carry the state.
    await c.waitFor('workspace/codeLens/refresh', () => c.codeLensRefreshes > refreshes || undefined);
    const hoverAt = async (line: number, character: number): Promise<string> => {
      const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(email) }, position: { line, character } });
      const contents = h.contents;
      return typeof contents === 'object' && contents !== null && 'kind' in contents ? contents.value : '';
    };
    assert.match(await hoverAt(15, 55), /\n- Database: applied\n\n\[Show in Graph\]/);
    assert.match(await hoverAt(14, 20), /\n- Database: current\n\n\[Show in Graph\]/);
    const lens = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(email) } });
    assert.equal(lens[0].command?.title, '0 children · head · current');
    await c.notify('alembic/databaseState', { key, states: null, note: 'database unreachable' });
    assert.match(await hoverAt(15, 55), /\n- Database: unknown \(database unreachable\)\n\n\[Show in Graph\]/);
    // A malformed notification is ignored (logged), the server keeps answering.
    await c.notify('alembic/databaseState', { key: 42 });
    assert.match(await hoverAt(15, 55), /\n- Database: unknown \(database unreachable\)\n\n\[Show in Graph\]/);
  });

  it('follows workspace folders being removed and added', async () => {
    const { dirs } = await copyFixtures('two-heads', 'broken-link');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }] }));
    const third = path.join(dirs['broken-link'], ...V, 'bbbb00000003_third.py');
    await c.waitForDiagnostics(path.join(dirs['two-heads'], ...V, '2b3c4d5e6f70_add_email.py'), 'loaded', (d) => d.length === 1);
    await c.notify('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ name: 'broken-link', uri: uriOf(dirs['broken-link']) }], removed: [] },
    });
    await c.waitForDiagnostics(third, 'added folder diagnosed', (d) => d.length === 1);
    await c.notify('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ name: 'broken-link', uri: uriOf(dirs['broken-link']) }] },
    });
    await c.waitForDiagnostics(third, 'removed folder cleared', (d) => d.length === 0);
    assert.deepEqual((await projects(c)).map((s) => s.name), ['two-heads/alembic.ini']);
  });

  it('works for a client without dynamic registration (other editors): no watcher registration, same diagnostics', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }], dynamicRegistration: false }));
    await c.waitForDiagnostics(path.join(dirs['two-heads'], ...V, '3c4d5e6f7081_add_orders.py'), 'loaded', (d) => d.length === 1);
    assert.deepEqual(c.registrations, []);
  });

  it('finds a pyproject.toml [tool.alembic] project and resolves a depends_on branch label to its revision', async () => {
    const { dirs } = await copyFixtures('explicit');
    const root = dirs['explicit'];
    await fs.writeFile(path.join(root, 'pyproject.toml'), '[project]\nname = "x"\n\n[tool.alembic]\nscript_location = "db"\nversion_locations = ["%(here)s/db/revs"]\n');
    const first = path.join(root, 'db', 'revs', 'cafe00000001_first.py');
    const second = path.join(root, 'db', 'revs', 'cafe00000002_second.py');
    const firstText = await fs.readFile(first, 'utf8');
    await fs.writeFile(first, firstText.replace('branch_labels: Union[str, Sequence[str], None] = None', "branch_labels: Union[str, Sequence[str], None] = 'core'"));
    const secondText = await fs.readFile(second, 'utf8');
    const withDep = secondText.replace('depends_on: Union[str, Sequence[str], None] = None', "depends_on: Union[str, Sequence[str], None] = ['core']");
    await fs.writeFile(second, withDep);
    const c = (client = await LspTestClient.start({ folders: [{ name: 'explicit', path: root }] }));
    const snaps = await projects(c);
    assert.deepEqual(
      snaps.map((s) => ({ key: s.key, name: s.name, versionLocations: s.versionLocations, heads: s.heads })),
      [{ key: path.join(root, 'pyproject.toml'), name: 'explicit/pyproject.toml', versionLocations: [path.join(root, 'db', 'revs')], heads: ['cafe00000002'] }],
    );
    const line = withDep.split('\n').findIndex((l) => l.startsWith('depends_on'));
    const col = withDep.split('\n')[line].indexOf("'core'") + 2;
    const loc = await c.request('textDocument/definition', { textDocument: { uri: uriOf(second) }, position: { line, character: col } });
    assert.deepEqual(loc, { uri: uriOf(first), range: { start: { line: 14, character: 17 }, end: { line: 14, character: 29 } } });
  });

  it('reads a Flask-Migrate project (migrations/alembic.ini without script_location) and reports its two heads', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    await fs.rm(path.join(root, 'alembic.ini'));
    const ini = path.join(root, 'migrations', 'alembic.ini');
    await fs.writeFile(ini, '# A generic, single database configuration.\n\n[alembic]\n# revision_environment = false\n\n[loggers]\nkeys = root\n');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'flask', path: root }] }));
    const orders = path.join(root, ...V, '3c4d5e6f7081_add_orders.py');
    const d = await c.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    assert.deepEqual(d.map((x) => [x.code, x.range.start.line]), [['multiple-heads', 14]]);
    const [snap] = await projects(c);
    assert.deepEqual([snap.configPath, snap.versionLocations], [ini, [path.join(root, ...V)]]);
    assert.deepEqual(snap.heads, ['2b3c4d5e6f70', '3c4d5e6f7081']);
  });

  it('runs over node IPC as vscode-languageclient starts it (TransportKind.ipc)', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }], transport: 'ipc' }));
    const d = await c.waitForDiagnostics(path.join(dirs['two-heads'], ...V, '3c4d5e6f7081_add_orders.py'), 'loaded', (x) => x.length === 1);
    assert.equal(d[0].code, 'multiple-heads');
    assert.deepEqual((await projects(c)).map((s) => s.name), ['two-heads/alembic.ini']);
  });

  it('registers file watchers for revision files and config files when the client allows it', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }] }));
    await c.waitFor('registrations', () => c.registrations.length >= 2 || undefined);
    assert.deepEqual(
      c.registrations.map((r) => [r.method, r.registerOptions]),
      [
        ['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/alembic.ini' }, { globPattern: '**/pyproject.toml' }] }],
        ['workspace/didChangeConfiguration', { section: 'alembic' }],
      ],
    );
  });
});
