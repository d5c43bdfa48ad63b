// Creates the parts and connects them; no logic of its own.
import * as vscode from 'vscode';
import { ServerClient } from './lsp/client';
import { registerCommands } from './commands/commands';
import { SERVER_KEYS, affects } from './host/config';
import { ReadonlyDocuments, type Ctx } from './commands/context';
import { DatabaseReader } from './db/database';
import { Consent } from './host/consent';
import { hasProject } from './projects/detect';
import { registerGraph } from './graph';
import { Log } from './host/log';
import { ProjectStore } from './projects/projects';
import { AlembicRuns } from './alembic/runs';
import { StatusBar } from './views/status';
import { RevisionTreeProvider } from './views/tree';
import { viewDescription } from './views/model';
import { registerRefreshTriggers } from './db/refresh';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activated = performance.now();
  const subs = context.subscriptions;
  const log = new Log();
  const client = new ServerClient(context, log);
  const runs = new AlembicRuns(log);
  shutdown = async () => {
    await Promise.all([client.dispose(), runs.stop()]);
  };
  const consent = new Consent(context.workspaceState);
  const database = new DatabaseReader(context.secrets, context.globalState, client, runs, log, consent);
  const store = new ProjectStore(client, database, context.workspaceState, log);
  const tree = new RevisionTreeProvider(store);
  const view = vscode.window.createTreeView('alembic.revisions', { treeDataProvider: tree, showCollapseAll: false });
  const docs = new ReadonlyDocuments();
  subs.push(log, client, runs, store, tree, view, docs, consent, new StatusBar(store));
  // The user allowed a server or a background command: read the database again.
  subs.push(consent.onDidAllow(() => void store.refreshDatabase()));
  subs.push(vscode.workspace.registerTextDocumentContentProvider(ReadonlyDocuments.scheme, docs));

  const setContext = (): void => {
    void vscode.commands.executeCommand('setContext', 'alembic.projectState', store.state);
    void vscode.commands.executeCommand('setContext', 'alembic.hasProject', store.all().length > 0);
  };
  setContext();
  subs.push(store.onDidChange(setContext));
  // The view's title says when the state shown was read (no tooltip API for a view's title).
  const describeView = (): void => {
    view.description = viewDescription(store.all());
  };
  subs.push(store.onDidRead(describeView), store.onDidChange(describeView));

  /** The first start is under way: its load follows it (a second one on "running" read the database twice). */
  let starting = false;
  const detectProjects = async (): Promise<void> => {
    if (!client.started) {
      const t0 = performance.now();
      if (!(await hasProject())) return store.markNone();
      const t1 = performance.now();
      starting = true;
      try {
        await client.start();
      } finally {
        starting = false;
      }
      log.info(`Project found in ${ms(t1 - t0)}, language server started in ${ms(performance.now() - t1)}`);
    }
    await store.refresh();
  };
  // The first paint: how long after activation the tree first had rows with database states.
  const firstPaint = store.onDidChange(() => {
    if (store.all().length === 0) return;
    firstPaint.dispose();
    log.info(`First rows with states ${ms(performance.now() - activated)} after activation`);
  });
  subs.push(firstPaint);

  // Edits in a migration file notify on every keystroke: take the new graphs once they pause
  // (states from the rows last read: an edit never reads the database).
  let pending: NodeJS.Timeout | null = null;
  const changedKeys = new Set<string>();
  let changedAll = false;
  const graphsSoon = (keys: readonly string[]): void => {
    if (keys.length === 0) changedAll = true;
    for (const k of keys) changedKeys.add(k);
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = null;
      const wanted = changedAll ? [] : [...changedKeys];
      changedKeys.clear();
      changedAll = false;
      void store.refreshGraphs(wanted);
    }, 300);
  };
  subs.push({ dispose: () => pending && clearTimeout(pending) });

  const ctx: Ctx = { store, runs, log, client, tree, view, database, docs, detectProjects };
  subs.push(...registerCommands(ctx), ...registerGraph(ctx, context.extensionUri));

  subs.push(
    ...registerRefreshTriggers(store, view, runs),
    client.onProjectsChanged((keys) => graphsSoon(keys)),
    // A restarted server: new graphs; a project not seen before has its database read (the first
    // start is followed by detectProjects' own load).
    client.onRunningChanged((running) => {
      if (running && !starting) void store.refreshGraphs();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, SERVER_KEYS) && !client.started) void detectProjects();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void detectProjects()),
    // Trust granted: the restricted settings now count and the database may be read; no reload.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted: reading the database and allowing alembic runs.');
      runs.forgetCommands();
      void detectProjects();
    }),
  );
  // A project may appear later (alembic init, git checkout): look again when a config shows up.
  // Only until the language server starts: from then on it watches the configs (one side only).
  const watcher = vscode.workspace.createFileSystemWatcher('**/{alembic.ini,pyproject.toml}', false, true, true);
  const unwatch = (): void => {
    watcher.dispose();
    started.dispose();
  };
  const started = client.onRunningChanged((running) => {
    if (running) unwatch();
  });
  subs.push({ dispose: unwatch }, watcher.onDidCreate(() => {
    if (!client.started) void detectProjects();
  }));

  // Not awaited: activation ends here, the first scan and database read fill the tree when ready.
  void detectProjects().catch((err: unknown) => log.error('Looking for Alembic projects failed', err));
  log.info(`Activated in ${ms(performance.now() - activated)}`);
}

function ms(t: number): string {
  return `${Math.round(t)} ms`;
}

/** What deactivate() waits for: the language server stopped, no alembic left running. */
let shutdown: (() => Promise<void>) | null = null;

export async function deactivate(): Promise<void> {
  // context.subscriptions are disposed too, but without waiting: stop the server and alembic here.
  const stop = shutdown;
  shutdown = null;
  await stop?.();
}
