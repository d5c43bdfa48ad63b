// TreeDataProvider for `alembic.revisions`: maps model nodes to TreeItems. Holds no state of its
// own beyond the nodes of the last render (for getParent / reveal).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { childrenOf, projectNode, type Node, type RevisionNode } from './model';
import { shortId } from '../projects/revisions';
import type { ProjectStore } from '../projects/projects';

const STATE_ICONS: Record<string, vscode.ThemeIcon> = {
  current: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  applied: new vscode.ThemeIcon('check', new vscode.ThemeColor('charts.green')),
  pending: new vscode.ThemeIcon('circle-outline'),
  unknown: new vscode.ThemeIcon('question'),
  broken: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
};

export class RevisionTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly parents = new Map<string, Node>();
  private readonly nodes = new Map<string, Node>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ProjectStore) {
    this.sub = store.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  private filter = { pendingOnly: false };

  get pendingOnly(): boolean {
    return this.filter.pendingOnly;
  }

  /** Shows only the revisions the database has not applied (or all again). */
  setPendingOnly(on: boolean): void {
    this.filter = { pendingOnly: on };
    void vscode.commands.executeCommand('setContext', 'alembic.pendingOnly', on);
    this.refresh();
  }

  /** The node for `<projectKey>/<rev>` (or a project key) from the last render, for reveal(). */
  find(id: string): Node | undefined {
    const known = this.nodes.get(id);
    if (known) return known;
    for (const entry of this.store.all()) {
      const project = projectNode(entry);
      if (project.id === id) return project;
      const child = childrenOf(entry).find((n) => n.id === id);
      if (child) return child;
    }
    return undefined;
  }

  getChildren(element?: Node): Node[] {
    if (!element) {
      this.parents.clear();
      this.nodes.clear();
      return this.store.all().map((e) => this.remember(projectNode(e), undefined));
    }
    if (element.kind !== 'project') return [];
    const entry = this.store.get(element.key);
    return entry ? childrenOf(entry, this.filter).map((n) => this.remember(n, element)) : [];
  }

  private remember(node: Node, parent: Node | undefined): Node {
    this.nodes.set(node.id, node);
    if (parent) this.parents.set(node.id, parent);
    return node;
  }

  getParent(element: Node): Node | undefined {
    if (element.kind === 'project') return undefined;
    const known = this.parents.get(element.id);
    if (known) return known;
    const entry = this.store.get(element.key);
    return entry ? projectNode(entry) : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.kind !== 'project') return item;
    const entry = this.store.get(node.key);
    item.tooltip = new vscode.MarkdownString(entry ? projectNode(entry).tooltip : node.tooltip);
    return item;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'project': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = this.filter.pendingOnly ? `${node.description} · showing pending only` : node.description;
        item.contextValue = node.contextValue;
        item.iconPath = new vscode.ThemeIcon('database');
        // No tooltip here: resolveTreeItem builds it on hover, so "read at" is the latest read
        // (a re-read that finds the same state does not re-render the tree).
        return item;
      }
      case 'revision':
        return this.revisionItem(node);
      case 'missing': {
        const item = new vscode.TreeItem(node.revision, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = 'in the database but missing from the folder';
        item.contextValue = 'missing';
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**\`${node.revision}\`** is in the database's version table, but no revision file in this folder has that id.\n\n`);
        md.appendMarkdown(`Alembic will fail with *Can't locate revision identified by '${node.revision}'*.\n\n`);
        md.appendMarkdown('Fix: check out the branch that has this revision, or **Stamp…** the database to a revision that exists here (with `--purge` to drop the unknown row).');
        item.tooltip = md;
        return item;
      }
      case 'dbError': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.message;
        item.contextValue = `dbError:${node.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.tooltip = new vscode.MarkdownString(`**${node.label}**\n\n${node.message}\n\nRetry with **Refresh**, or check the database settings.`);
        return item;
      }
      case 'notice': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = 'notice';
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = new vscode.MarkdownString(node.tooltip);
        if (node.command) item.command = { command: node.command, title: node.label, arguments: [node] };
        return item;
      }
    }
  }

  /** Why a project's states are unknown / broken (core's notes). */
  private notes(key: string): string[] {
    return this.store.get(key)?.states?.notes ?? [];
  }

  private revisionItem(node: RevisionNode): vscode.TreeItem {
    const r = node.revision;
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    item.iconPath = STATE_ICONS[node.state ?? 'unknown'];
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(r.message ?? r.id)}**\n\n`);
    md.appendMarkdown(`Revision: \`${r.id}\`\n\n`);
    md.appendMarkdown(`Parents: ${r.downRevisions.length > 0 ? r.downRevisions.map((p) => `\`${p}\``).join(', ') : '*(base)*'}\n\n`);
    if (r.dependsOn.length > 0) md.appendMarkdown(`Depends on: ${r.dependsOn.map((p) => `\`${p}\``).join(', ')}\n\n`);
    if (r.children.length > 0) md.appendMarkdown(`Children: ${r.children.map((p) => `\`${shortId(p)}\``).join(', ')}\n\n`);
    if (r.effectiveBranchLabels.length > 0) md.appendMarkdown(`Branch labels: ${r.effectiveBranchLabels.map((l) => `\`${l}\``).join(', ')}\n\n`);
    if (node.markers.length > 0) md.appendMarkdown(`${node.markers.join(' · ')}\n\n`);
    md.appendMarkdown(`File: \`${path.basename(r.path)}\`\n\n`);
    if (r.createDate) md.appendMarkdown(`Created: ${escapeMd(r.createDate)}\n\n`);
    md.appendMarkdown(`State: ${node.state ?? 'unknown (database not read)'}`);
    const why = node.state === 'unknown' || node.state === 'broken' ? this.notes(node.key) : [];
    for (const n of why) md.appendMarkdown(`\n\n${escapeMd(n)}`);
    item.tooltip = md;
    // A single click previews the file and keeps the keyboard in the tree, as the Explorer does.
    item.command = { command: 'alembic.openRevision', title: 'Open Revision File', arguments: [node, 'preview'] };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
