// The graph webview's host: one panel, fed with the model computed in model.ts, acting through
// the extension's own commands (the same confirmations and plans as the tree).
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type Ctx } from '../commands/context';
import type { ProjectEntry } from '../projects/projects';
import type { FromWebview, GraphAction, ToWebview } from './messages';
import { buildGraphModel, migrationFunctions, type FoldState } from './model';
import { repairLink } from './repair';
import { graphHtml } from './html';
import { renderSvg } from './svg';

const ACTION_COMMANDS: Record<GraphAction, string> = {
  upgrade: 'alembic.upgradeToHere',
  downgrade: 'alembic.downgradeToHere',
  stamp: 'alembic.stampHere',
  showSql: 'alembic.showSqlHere',
};

export class GraphPanel implements vscode.Disposable {
  static readonly viewType = 'alembic.graph';
  private static current: GraphPanel | null = null;
  private readonly subs: vscode.Disposable[] = [];
  private key: string;
  private folds: FoldState = { foldByDefault: true, toggled: new Set() };
  private runIds: string[] = [];
  private ready = false;
  private revealOnReady: string | null = null;

  /** Opens the graph (or brings it forward) on a project, optionally revealing a revision. */
  static show(ctx: Ctx, extensionUri: vscode.Uri, entry: ProjectEntry, reveal?: string): GraphPanel {
    const existing = GraphPanel.current;
    if (existing) {
      existing.panel.reveal();
      if (existing.key !== entry.snapshot.key) {
        existing.key = entry.snapshot.key;
        existing.postModel();
      }
      if (reveal) existing.reveal(reveal);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(GraphPanel.viewType, 'Alembic Graph', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: GraphPanel.roots(extensionUri),
    });
    GraphPanel.current = new GraphPanel(ctx, extensionUri, panel, entry.snapshot.key);
    if (reveal) GraphPanel.current.reveal(reveal);
    return GraphPanel.current;
  }

  static roots(extensionUri: vscode.Uri): vscode.Uri[] {
    return [vscode.Uri.joinPath(extensionUri, 'media', 'graph'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'dist', 'codicons')];
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly extensionUri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    key: string,
  ) {
    this.key = key;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'alembic.svg');
    panel.webview.html = this.html();
    this.subs.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.receive(m).catch((err: unknown) => ctx.log.error('Graph action failed', err))),
      ctx.store.onDidChange(() => this.postModel()),
      vscode.window.onDidChangeActiveTextEditor(() => this.postHighlight()),
    );
  }

  private entry(): ProjectEntry | undefined {
    return this.ctx.store.get(this.key) ?? this.ctx.store.selected();
  }

  private post(m: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(m);
  }

  private postModel(): void {
    const entry = this.entry();
    if (!entry || !this.ready) return;
    this.key = entry.snapshot.key;
    const built = buildGraphModel(entry, this.ctx.store.all(), this.folds);
    this.runIds = built.runIds;
    this.panel.title = `Alembic Graph — ${entry.snapshot.name}`;
    this.post({ type: 'model', model: built.model });
  }

  /** The file of the last text editor that was active (the graph itself is a webview, not one). */
  private lastFile: string | null = vscode.window.activeTextEditor?.document.uri.fsPath ?? null;

  private postHighlight(): void {
    const active = vscode.window.activeTextEditor?.document.uri.fsPath;
    if (active) this.lastFile = active;
    const file = this.lastFile;
    const rev = file ? this.entry()?.snapshot.revisions.find((r) => r.path === file) : undefined;
    this.post({ type: 'highlight', id: rev?.id ?? null });
  }

  reveal(id: string): void {
    if (this.ready) this.post({ type: 'reveal', id });
    else this.revealOnReady = id;
  }

  private async receive(m: FromWebview): Promise<void> {
    const entry = this.entry();
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postModel();
        this.postHighlight();
        if (this.revealOnReady) this.reveal(this.revealOnReady);
        this.revealOnReady = null;
        return;
      case 'open': {
        const r = entry?.graph.get(m.id);
        if (!r) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(r.path));
        const pos = new vscode.Position(Math.min(r.line, doc.lineCount - 1), 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true, selection: new vscode.Range(pos, pos) });
        // The focus stays in the graph, so no editor becomes active: the opened file is the one shown.
        this.lastFile = r.path;
        this.postHighlight();
        return;
      }
      case 'action': {
        if (!entry) return;
        const node = this.ctx.tree.find(`${entry.snapshot.key}/${m.id}`);
        if (node?.kind !== 'revision') return void vscode.window.showWarningMessage(`Revision ${m.id} is not in ${entry.snapshot.name} any more.`);
        await vscode.commands.executeCommand(ACTION_COMMANDS[m.action], node);
        return;
      }
      case 'merge':
        if (entry) await vscode.commands.executeCommand('alembic.mergeHeads', entry.snapshot.key, m.ids);
        return;
      case 'repair':
        if (entry) await repairLink(this.ctx.client, entry, m.ghost, m.target || null);
        return;
      case 'fold': {
        const id = this.runIds[m.run];
        if (id === undefined) return;
        const folded = this.folds.foldByDefault !== this.folds.toggled.has(id);
        if (folded !== m.folded) {
          if (this.folds.toggled.has(id)) this.folds.toggled.delete(id);
          else this.folds.toggled.add(id);
        }
        return this.postModel();
      }
      case 'foldAll':
        this.folds = { foldByDefault: m.folded, toggled: new Set() };
        return this.postModel();
      case 'project':
        this.key = m.key;
        return this.postModel();
      case 'detail': {
        const r = entry?.graph.get(m.id);
        if (!r) return;
        let text = '';
        try {
          text = (await vscode.workspace.openTextDocument(vscode.Uri.file(r.path))).getText();
        } catch (err) {
          this.ctx.log.warn(`Could not read ${r.path}: ${String(err)}`);
        }
        const fns = migrationFunctions(text);
        this.post({ type: 'detail', id: m.id, path: r.path, ...fns });
        return;
      }
      case 'export':
        if (entry) await this.exportSvg(entry);
        return;
    }
  }

  /** Alembic: Export Graph as SVG. `target` skips the save dialog (tests, scripts). */
  async exportSvg(entry: ProjectEntry, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const built = buildGraphModel(entry, this.ctx.store.all(), this.folds);
    const svg = renderSvg(built.model, `Alembic revisions — ${entry.snapshot.name}`);
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(entry.snapshot.cwd, 'alembic-graph.svg')),
        filters: { 'SVG image': ['svg'] },
        saveLabel: 'Export',
      }));
    if (!uri) return undefined;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(svg, 'utf8'));
    void vscode.window.showInformationMessage(`Graph exported to ${uri.fsPath}.`);
    return uri;
  }

  static active(): GraphPanel | null {
    return GraphPanel.current;
  }

  private html(): string {
    const w = this.panel.webview;
    return graphHtml({
      cspSource: w.cspSource,
      nonce: crypto.randomBytes(16).toString('base64'),
      asset: (...p) => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString(),
    });
  }

  dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = null;
    for (const s of this.subs) s.dispose();
    this.subs.length = 0;
  }
}
