// The Alembic language server: connection wiring only. The workspace model lives in
// workspace.ts/project.ts, diagnostics in diagnostics.ts, quick fixes in codeActions.ts,
// navigation in navigation.ts. Runs under vscode-languageclient (IPC or stdio) and standalone:
//   node dist/server.js --stdio
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DatabaseStateNotification,
  DatabaseUrlRequest,
  MergeHeadsCommand,
  OffersRequest,
  OwnSqlRequest,
  PlanRequest,
  ProjectsChangedNotification,
  ProjectsRequest,
  REV_STATES,
  RepairLinkRequest,
  StateRequest,
  type DatabaseStateParams,
  type ProjectsChangedParams,
  type ProjectsResult,
} from '../protocol/protocol';
import { codeActions } from './codeActions';
import { lintCodeActions, lintHover, readPythonText } from './lint';
import { DiagnosticsPublisher } from './diagnostics';
import { mergeArguments, mergeHeads, readInitializationOptions, type StandaloneOptions } from './mergeHeads';
import { codeLenses, definition, documentLinks, hover, references } from './navigation';
import { uriToPath } from './paths';
import { databaseUrlRequest, offersRequest, ownSqlRequest, planRequest, stateRequest } from './plans';
import { repairLinkRequest } from './repairLink';
import type { FolderInfo, Project } from './project';
import { SettingsCache } from './settings';
import { Workspace, type FileChange } from './workspace';
import type { MigrationFile } from '../core/types';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

const log = (m: string): void => connection.console.info(m);
const logError = (m: string): void => connection.console.error(m);

let supportsConfiguration = false;
let supportsDynamicWatch = false;
let supportsDynamicConfiguration = false;
let supportsFolderChanges = false;
let supportsCodeLensRefresh = false;
let initialFolders: FolderInfo[] = [];
let standalone: StandaloneOptions = { executeMergeHeads: false, alembicCommand: null };

const settings = new SettingsCache(
  (scopeUri) =>
    supportsConfiguration
      ? (connection.workspace.getConfiguration({ scopeUri, section: 'alembic' }) as Promise<unknown>)
      : Promise.resolve(undefined),
  logError,
);

/** Pending `alembic/projectsChanged` keys, sent together on the next tick. */
const changedKeys = new Set<string>();
let changedScheduled = false;

const workspace = new Workspace({
  settings: (folderUri) => settings.get(folderUri),
  openText: (p) => openTextByPath(p),
  publish: new DiagnosticsPublisher((uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics })),
  changed: (keys) => {
    for (const k of keys) changedKeys.add(k);
    if (changedScheduled) return;
    changedScheduled = true;
    setImmediate(() => {
      changedScheduled = false;
      const params: ProjectsChangedParams = { keys: [...changedKeys] };
      changedKeys.clear();
      void connection.sendNotification(ProjectsChangedNotification, params);
      refreshCodeLenses();
    });
  },
  log,
  error: logError,
});

/** Lenses ("n children · head") of other files change with the graph: ask the client to re-query. */
function refreshCodeLenses(): void {
  if (!supportsCodeLensRefresh) return;
  connection.sendRequest(CodeLensRefreshRequest.type).catch((e: unknown) => {
    logError(`workspace/codeLens/refresh failed: ${e instanceof Error ? e.message : String(e)}`);
  });
}

/** Open documents by normalized path (clients may spell the same file URI differently). */
const openByPath = new Map<string, string>();
function openTextByPath(p: string): string | undefined {
  const uri = openByPath.get(p);
  return uri ? documents.get(uri)?.getText() : undefined;
}

function folderInfo(f: WorkspaceFolder): FolderInfo | null {
  const p = uriToPath(f.uri);
  return p ? { uri: f.uri, path: p, name: f.name || path.basename(p) } : null;
}

/** Runs a handler; any error becomes a log line and the fallback answer, never a dead server. */
async function guard<T>(name: string, fallback: T, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    logError(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return fallback;
  }
}

/** The project and parsed file behind a document URI, current with pending edits. */
async function fileAt(uri: string): Promise<{ project: Project; file: MigrationFile } | null> {
  const p = uriToPath(uri);
  if (!p) return null;
  const project = await workspace.projectOf(p);
  const file = project?.files.get(p);
  return project && file ? { project, file } : null;
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  supportsConfiguration = caps.workspace?.configuration === true;
  supportsDynamicWatch = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  supportsDynamicConfiguration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  supportsFolderChanges = caps.workspace?.workspaceFolders === true;
  supportsCodeLensRefresh = caps.workspace?.codeLens?.refreshSupport === true;
  const folders: WorkspaceFolder[] =
    params.workspaceFolders ??
    (params.rootUri ? [{ uri: params.rootUri, name: path.basename(uriToPath(params.rootUri) ?? 'workspace') }] : []);
  initialFolders = folders.map(folderInfo).filter((f): f is FolderInfo => f !== null);
  standalone = readInitializationOptions(params.initializationOptions);
  return {
    capabilities: {
      ...(standalone.executeMergeHeads ? { executeCommandProvider: { commands: [MergeHeadsCommand] } } : {}),
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      definitionProvider: true,
      referencesProvider: true,
      hoverProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeLensProvider: { resolveProvider: false },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'alembic-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  // Queued first, so every request that follows waits for the initial discovery.
  void workspace.setFolders(initialFolders);
  void guard('Initialization', undefined, async () => {
    if (supportsDynamicWatch) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/alembic.ini' }, { globPattern: '**/pyproject.toml' }],
      });
    }
    if (supportsDynamicConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'alembic' });
    }
    if (supportsFolderChanges) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const added = e.added.map(folderInfo).filter((f): f is FolderInfo => f !== null);
        const removed = e.removed.map(folderInfo).filter((f): f is FolderInfo => f !== null);
        void workspace.setFolders(added, removed);
      });
    }
  });
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  void workspace.rediscoverAll();
  void workspace.relint();
});

connection.onDidChangeWatchedFiles((params) => {
  const changes: FileChange[] = [];
  for (const c of params.changes) {
    const p = uriToPath(c.uri);
    if (!p) continue;
    const kind = c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed';
    changes.push({ path: p, kind });
  }
  if (changes.length) workspace.filesChanged(changes);
});

documents.onDidChangeContent((e) => {
  const p = uriToPath(e.document.uri);
  if (!p) return;
  openByPath.set(p, e.document.uri);
  workspace.documentChanged(p);
});

documents.onDidClose((e) => {
  const p = uriToPath(e.document.uri);
  if (!p) return;
  openByPath.delete(p);
  workspace.documentClosed(p);
});

connection.onCodeAction((params) =>
  guard('Code actions', [], async () => {
    if (params.context.only && !params.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`))) {
      return [];
    }
    const at = await fileAt(params.textDocument.uri);
    if (!at) return [];
    const lintFixes = lintCodeActions(params.textDocument.uri, params.context.diagnostics);
    return [...lintFixes, ...await codeActions({
      project: at.project,
      file: at.file,
      uri: params.textDocument.uri,
      diagnostics: params.context.diagnostics,
      current: workspace.diagnosticsOf(at.file.path),
      textOf: async (p) => {
        const open = openTextByPath(p);
        if (open !== undefined) return open;
        try {
          return await fs.readFile(p, 'utf8');
        } catch {
          return null;
        }
      },
    })];
  }),
);

connection.onDefinition((params) =>
  guard('Go to definition', null, async () => {
    const at = await fileAt(params.textDocument.uri);
    return at ? definition(at.project, at.file, params.position) : null;
  }),
);

connection.onReferences((params) =>
  guard('Find references', [], async () => {
    const at = await fileAt(params.textDocument.uri);
    return at ? references(at.project, at.file, params.position, params.context.includeDeclaration) : [];
  }),
);

connection.onHover((params) =>
  guard('Hover', null, async () => {
    const at = await fileAt(params.textDocument.uri);
    if (!at) return null;
    const h = hover(at.project, at.file, params.position);
    if (h) return h;
    const text = openTextByPath(at.file.path) ?? (await readPythonText(at.file.path));
    if (text === null) return null;
    await workspace.linter.ready;
    return lintHover(text, params.position, workspace.linter, at.project.lintOverrides);
  }),
);

connection.onDocumentLinks((params) =>
  guard('Document links', [], async () => {
    const at = await fileAt(params.textDocument.uri);
    return at ? documentLinks(at.project, at.file) : [];
  }),
);

connection.onCodeLens((params) =>
  guard('Code lenses', [], async () => {
    const at = await fileAt(params.textDocument.uri);
    return at ? codeLenses(at.project, at.file) : [];
  }),
);

connection.onExecuteCommand((params) =>
  guard('Merge heads', null, async () => {
    if (params.command !== MergeHeadsCommand || !standalone.executeMergeHeads) return null;
    const args = mergeArguments(params.arguments);
    const project = args ? workspace.getProject(args.key) : undefined;
    if (!args || !project) {
      void connection.window.showErrorMessage('Merge heads: unknown project or heads.');
      return null;
    }
    const result = await mergeHeads(project, args.heads, standalone);
    if (result.ok) {
      void connection.window.showInformationMessage(result.message);
      await workspace.rescan(project.key);
    } else {
      void connection.window.showErrorMessage(result.message);
    }
    return null;
  }),
);

connection.onRequest(ProjectsRequest, (): Promise<ProjectsResult> => guard('Projects', [], () => workspace.snapshots()));

// Core's states, plans, offered targets and Show SQL arguments for the extension, and the config's
// database URL (server/plans.ts).
const lookup = (key: string): Project | undefined => workspace.getProject(key);
connection.onRequest(StateRequest, (params: unknown) => guard('State', null, () => workspace.graphsSettled().then(() => stateRequest(lookup, params))));
connection.onRequest(PlanRequest, (params: unknown) => guard('Plan', null, () => workspace.graphsSettled().then(() => planRequest(lookup, params))));
connection.onRequest(OffersRequest, (params: unknown) => guard('Offers', null, () => workspace.graphsSettled().then(() => offersRequest(lookup, params))));
connection.onRequest(OwnSqlRequest, (params: unknown) => guard('Show SQL', null, () => workspace.graphsSettled().then(() => ownSqlRequest(lookup, params))));
connection.onRequest(RepairLinkRequest, (params: unknown) => guard('Repair link', null, () => workspace.settled().then(() => repairLinkRequest(lookup, params))));
connection.onRequest(DatabaseUrlRequest, (params: unknown) => guard('Database URL', null, () => workspace.graphsSettled().then(() => databaseUrlRequest(lookup, params))));

connection.onNotification(DatabaseStateNotification, (params) => {
  // Typed by the contract; still checked, a malformed message must not break the server.
  if (isDatabaseState(params)) {
    workspace.setDatabaseState(params);
    refreshCodeLenses();
  }
  else logError('Ignored a malformed alembic/databaseState notification');
});

function isDatabaseState(v: unknown): v is DatabaseStateParams {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.key !== 'string') return false;
  if (o.note !== null && o.note !== undefined && typeof o.note !== 'string') return false;
  if (o.states === null || o.states === undefined) return true;
  if (typeof o.states !== 'object') return false;
  return Object.values(o.states as Record<string, unknown>).every((s) => (REV_STATES as readonly unknown[]).includes(s));
}

process.on('uncaughtException', (e) => logError(`Unexpected error: ${e.stack ?? e.message}`));
process.on('unhandledRejection', (e) => logError(`Unexpected rejection: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

documents.listen(connection);
connection.listen();
