// Registers the graph's commands: Show Graph (view title, palette, tree rows, the code lens's
// "Show in Graph") and Export Graph as SVG.
import * as vscode from 'vscode';
import { projectFor, type Ctx } from '../commands/context';
import type { Node } from '../views/model';
import { GraphPanel } from './panel';

/** (tree row) | (project key, revision id) | (nothing: the selected project). */
function target(ctx: Ctx, args: unknown[]): { key: unknown; id: string | undefined } {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null && (first as Node).kind === 'revision') {
    const node = first as Extract<Node, { kind: 'revision' }>;
    return { key: node.key, id: node.revision.id };
  }
  void ctx;
  return { key: first, id: typeof second === 'string' ? second : undefined };
}

export function registerGraph(ctx: Ctx, extensionUri: vscode.Uri): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('alembic.showGraph', (...args: unknown[]) => {
      const t = target(ctx, args);
      const entry = projectFor(ctx, t.key);
      if (entry) GraphPanel.show(ctx, extensionUri, entry, t.id);
    }),
    vscode.commands.registerCommand('alembic.exportGraphSvg', async (arg?: unknown, file?: unknown) => {
      const entry = projectFor(ctx, arg);
      if (!entry) return undefined;
      const panel = GraphPanel.active() ?? GraphPanel.show(ctx, extensionUri, entry);
      return panel.exportSvg(entry, file instanceof vscode.Uri ? file : typeof file === 'string' ? vscode.Uri.file(file) : undefined);
    }),
    { dispose: () => GraphPanel.active()?.panel.dispose() },
  ];
}
