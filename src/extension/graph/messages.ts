// The typed contract between the graph webview (src/webview/graph) and its host panel
// (src/extension/graph/panel.ts): one union per direction, plus the model the host computes.
// Type-only: importing it pulls no runtime code into either side.

/** `broken`: the revision (or one it depends on) names a parent no file defines; alembic refuses
 * every command until the link is fixed (core/state.ts). */
export type NodeState = 'current' | 'applied' | 'pending' | 'missing' | 'broken' | 'unknown';

export interface ModelRow {
  kind: 'row';
  id: string;
  /** Row in the full layout (fold rows do not count); stable while the graph does not change. */
  row: number;
  lane: number;
  short: string;
  message: string;
  state: NodeState;
  /** A parent no file defines (broken down_revision): drawn as a ghost. */
  ghost: boolean;
  head: boolean;
  base: boolean;
  merge: boolean;
  branchPoint: boolean;
  /** Own branch labels (drawn as tags). */
  labels: string[];
  parents: string[];
  children: string[];
  dependsOn: string[];
  /** File name (not the path: the webview does not need to know where files live). */
  file: string;
  date: string;
  /** Children that name this ghost as their down_revision (for the repair). */
  brokenChildren: string[];
}

export interface ModelFold {
  kind: 'fold';
  run: number;
  hidden: number;
  lane: number;
  /** The hidden revisions, newest first, so search finds them (and unfolds the run to show one). */
  ids: string[];
  /** For each hidden revision: "id message labels file", lower case. */
  search: string[];
}

export type ModelLine = ModelRow | ModelFold;

export interface ModelEdge {
  kind: 'down' | 'depends' | 'back';
  /** Lines (indexes into `lines`). */
  c: number;
  p: number;
  childLane: number;
  lane: number;
  parentLane: number;
}

export interface GraphModel {
  projects: { key: string; name: string }[];
  project: string;
  lanes: number;
  lines: ModelLine[];
  edges: ModelEdge[];
  /** Database note (not read, not initialised…), null when the state was read. */
  note: string | null;
  /** How many revisions, and of them how many pending / missing (for the header). */
  counts: { revisions: number; pending: number; missing: number };
}

export type GraphAction = 'upgrade' | 'downgrade' | 'stamp' | 'showSql';

/** Host → webview. */
export type ToWebview =
  | { type: 'model'; model: GraphModel }
  | { type: 'highlight'; id: string | null }
  | { type: 'detail'; id: string; upgrade: string; downgrade: string; path: string }
  | { type: 'reveal'; id: string };

/** Webview → host. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'open'; id: string }
  | { type: 'action'; action: GraphAction; id: string }
  | { type: 'merge'; ids: string[] }
  | { type: 'repair'; ghost: string; target: string }
  | { type: 'fold'; run: number; folded: boolean }
  | { type: 'foldAll'; folded: boolean }
  | { type: 'project'; key: string }
  | { type: 'detail'; id: string }
  | { type: 'export' };
