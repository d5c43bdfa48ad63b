// What every command needs, and the small helpers they share (which project, confirm, open a file).
import * as vscode from 'vscode';
import type { ServerClient } from '../lsp/client';
import type { DatabaseReader } from '../db/database';
import type { Log } from '../host/log';
import type { Node } from '../views/model';
import type { ProjectEntry, ProjectStore } from '../projects/projects';
import { targetOf, type AlembicRuns, type RunOptions, type RunOutcome } from '../alembic/runs';
import type { RevisionTreeProvider } from '../views/tree';

export interface Ctx {
  store: ProjectStore;
  runs: AlembicRuns;
  log: Log;
  client: ServerClient;
  tree: RevisionTreeProvider;
  view: vscode.TreeView<Node>;
  database: DatabaseReader;
  docs: ReadonlyDocuments;
  /** Looks for projects again and starts the server when one appeared (after `alembic init`). */
  detectProjects(): Promise<void>;
}

function keyOf(arg: unknown): string | null {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { key?: unknown }).key === 'string') {
    return (arg as { key: string }).key;
  }
  return null;
}

/** The project a command acts on: the tree row's, the key passed, else the selected one. */
export function projectFor(ctx: Ctx, arg: unknown): ProjectEntry | undefined {
  const key = keyOf(arg);
  const entry = key !== null ? ctx.store.get(key) : ctx.store.selected();
  if (!entry) {
    void vscode.window.showWarningMessage(
      ctx.client.started ? 'No Alembic project is loaded yet.' : 'No Alembic project was found in this workspace.',
    );
  }
  return entry;
}

/** Runs alembic for a project, with the stored database password in its environment. */
export async function runAlembic(ctx: Ctx, entry: ProjectEntry, args: string[], title: string, opts?: RunOptions): Promise<RunOutcome | null> {
  const env = await ctx.database.alembicEnv(entry.snapshot);
  return ctx.runs.run({ ...targetOf(entry.snapshot), env }, args, title, opts);
}

/** `user@host:port/db`, or the redacted URL; never a password. */
export function databaseName(entry: ProjectEntry): string {
  const db = entry.db;
  if (db.kind === 'ok' || db.kind === 'not-initialised' || db.kind === 'error') return db.display;
  return entry.snapshot.sqlalchemyUrlRedacted ?? `the database configured for ${entry.snapshot.name}`;
}

/** The one modal every database-changing action goes through. True when the user confirmed. */
export async function confirm(verb: 'Upgrade' | 'Downgrade' | 'Stamp', message: string, detail: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, verb);
  return choice === verb;
}

/** Opens `file` at `line`: a permanent tab that takes focus, or (`preview`) a preview tab that leaves the focus where it is. */
export async function openAt(file: string, line: number, preview = false): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, Math.min(line, doc.lineCount - 1)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview, preserveFocus: preview });
}

/** `Generating /abs/path/abc_msg.py ...  done` → the path. */
export function generatedPath(stdout: string): string | null {
  const m = /Generating (.+?) \.\.\.\s+done/.exec(stdout);
  return m ? m[1].trim() : null;
}

/** Read-only documents (`alembic-output:` scheme) for history and similar output. */
export class ReadonlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'alembic-output';
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Opens `content` read-only; `language` sets the document's language (e.g. `sql`) whatever the title. */
  async show(title: string, content: string, language?: string): Promise<void> {
    this.counter++;
    const uri = vscode.Uri.from({ scheme: ReadonlyDocuments.scheme, path: `/${title}`, query: String(this.counter) });
    this.contents.set(uri.toString(), content);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (language !== undefined && doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    this.emitter.dispose();
    this.contents.clear();
  }
}
