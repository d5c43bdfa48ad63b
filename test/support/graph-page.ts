// The graph webview outside VS Code, for the bench and the webview harness test: a generated
// project as the extension holds it (snapshot from the real graph, database at 80 %), and the very
// page the panel loads (graph.html, graph.css, codicons, dist/webview/graph.js) with a stand-in for
// VS Code's webview API that answers the page's messages as the panel would (the model on
// 'ready'; the folded or unfolded model on Fold / Unfold). Messages the page sends are kept in
// `window.__sent`.
import * as path from 'node:path';
import { generateSpecs } from '../../bench/generate';
import { RevisionGraph } from '../../src/core/graph';
import { computeDbState } from '../../src/core/state';
import type { LayoutInput } from '../../src/core/graph-layout';
import { graphHtml } from '../../src/extension/graph/html';
import { RevisionIndex } from '../../src/extension/projects/revisions';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import type { ProjectSnapshot, RevisionInfo } from '../../src/protocol/protocol';
import { defaultFileName, migrationFileOf } from './fixture-writer';

/** A project entry of `n` generated revisions: snapshot from the real graph, a database at 80 %. */
export function generatedGraphEntry(n: number): { entry: ProjectEntry; input: LayoutInput[] } {
  const specs = generateSpecs(n, 1);
  const g = RevisionGraph.build([...specs].sort((a, b) => (defaultFileName(a) < defaultFileName(b) ? -1 : 1)).map((s) => migrationFileOf(s, `/bench/versions/${defaultFileName(s)}`)));
  const order = g.newestFirst();
  const revisions: RevisionInfo[] = order.map((id) => {
    const r = g.get(id);
    if (!r) throw new Error(`missing ${id}`);
    return {
      id, path: r.file.path, line: 14, downRevisions: [...r.downRevisions], dependsOn: [...r.dependsOn], branchLabels: [...r.branchLabels],
      effectiveBranchLabels: [], children: [...r.children], message: r.file.message, createDate: r.file.createDate,
    };
  });
  const snapshot: ProjectSnapshot = {
    key: '/bench/alembic.ini', name: `bench ${n}`, cwd: '/bench', configPath: '/bench/alembic.ini', section: 'alembic', versionLocations: ['/bench/versions'],
    sqlalchemyUrlRedacted: null, revisions, heads: [...g.heads], bases: [...g.bases], mergePoints: [...g.mergePoints], branchPoints: [...g.branchPoints],
    mergeCandidates: [], labelledMergeWarning: null, diagnostics: [],
  };
  const graph = new RevisionIndex(revisions);
  // The database at the revision 20 % from the top of the main line: 80 % applied (core's states, as the server answers them).
  const row = order[Math.floor(order.length / 5)];
  const s = computeDbState(g, [row]);
  const states = { rows: s.rows, states: s.states, missing: s.missing, notes: s.notes };
  const entry: ProjectEntry = { snapshot, graph, db: { kind: 'ok', display: 'bench', dialect: 'postgresql', rows: [row] }, states, readAt: 0 };
  return { entry, input: revisions.map((r) => ({ id: r.id, parents: r.downRevisions, dependsOn: r.dependsOn })) };
}

/**
 * The page, loadable from a file: URL. `folded` is the JSON of the model sent on 'ready' (and on
 * Fold linear runs), `unfolded` the one sent on Unfold all (the folded one when absent).
 * `window.__t0` is set when the first model is posted, `window.__t1` two frames later.
 */
export function graphTestPage(root: string, folded: string, unfolded = folded): string {
  const asset = (...p: string[]): string => `file://${path.join(root, ...p)}`;
  const json = (s: string): string => JSON.stringify(s).replace(/</g, '\\u003c');
  return graphHtml({ cspSource: 'file:', nonce: 'test', asset }).replace(
    '<script nonce="test"',
    // The models travel as JSON text, parsed when "sent" (the page's CSP allows no fetch).
    `<script nonce="test">window.__models = { folded: ${json(folded)}, unfolded: ${json(unfolded)} };
    window.__sent = [];
    window.acquireVsCodeApi = () => ({ getState() {}, setState() {}, postMessage(m) {
      window.__sent.push(m);
      const send = (text) => window.postMessage({ type: 'model', model: JSON.parse(text) }, '*');
      if (m.type === 'foldAll') return setTimeout(() => send(m.folded ? window.__models.folded : window.__models.unfolded), 0);
      if (m.type !== 'ready') return;
      setTimeout(() => {
        window.__t0 = performance.now();
        send(window.__models.folded);
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__t1 = performance.now(); }));
      }, 0);
    } });</script>\n<script nonce="test"`,
  );
}
