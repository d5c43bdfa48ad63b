// The projects the server knows, each with its database state: the one model every view reads.
// The database is read when it can have changed (open, Refresh, our alembic runs, focus, a
// terminal alembic command, the poll, settings: see db/refresh.ts), never because a file was
// edited: a graph change recomputes the states from the rows last read.
import * as vscode from 'vscode';
import type { ProjectSnapshot } from '../../protocol/protocol';
import type { DatabaseReader } from '../db/database';
import { noteOf, type DbRead } from '../db/dbread';
import { type Log, describe } from '../host/log';
import { RevisionIndex, type DbStates } from './revisions';
import type { ServerClient } from '../lsp/client';

export interface ProjectEntry {
  snapshot: ProjectSnapshot;
  /** The snapshot's revisions by id (lookup only). */
  graph: RevisionIndex;
  db: DbRead;
  /** core's states (from the server); null unless the version table was read (or found absent: then every revision is pending). */
  states: DbStates | null;
  /** When `db` was read (ms since the epoch). */
  readAt: number;
}


export type LoadState = 'loading' | 'none' | 'some';

const SELECTED_KEY = 'alembic.selectedProject';

export class ProjectStore implements vscode.Disposable {
  private entries: ProjectEntry[] = [];
  private loadState: LoadState = 'loading';
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly read = new vscode.EventEmitter<void>();
  /** Fires after databases were read, even when they hold what they held (read times changed). */
  readonly onDidRead = this.read.event;
  private queue: Promise<void> = Promise.resolve();
  /** What the views last saw; unchanged data fires no event (a root refresh of the tree drops
   * its row handles for a moment, and a click landing then would lose its row). */
  private signature = '';
  /** The first load's timings were logged. */
  private timed = false;

  constructor(
    private readonly client: ServerClient,
    private readonly database: DatabaseReader,
    private readonly memento: vscode.Memento,
    private readonly log: Log,
  ) {}

  get state(): LoadState {
    return this.loadState;
  }

  all(): readonly ProjectEntry[] {
    return this.entries;
  }

  get(key: string): ProjectEntry | undefined {
    return this.entries.find((e) => e.snapshot.key === key);
  }

  /** The project palette commands act on when there is no tree row to say which. */
  selected(): ProjectEntry | undefined {
    const key = this.memento.get<string>(SELECTED_KEY);
    return this.entries.find((e) => e.snapshot.key === key) ?? this.entries[0];
  }

  async select(key: string): Promise<void> {
    await this.memento.update(SELECTED_KEY, key);
    this.changed.fire();
  }

  /** No server (no project in the workspace): say so to the views. */
  markNone(): void {
    this.entries = [];
    this.loadState = 'none';
    this.changed.fire();
  }

  /** Asks the server for the graphs again, then reads every database. Calls are serialised. */
  refresh(): Promise<void> {
    return this.enqueue(async () => {
      const t0 = performance.now();
      const snapshots = await this.client.projects();
      // Server down or restarting: keep showing what we had (it refreshes once it is back).
      if (snapshots === null) return;
      const t1 = performance.now();
      this.entries = await Promise.all(snapshots.map((s) => this.load(s)));
      this.read.fire();
      if (!this.timed) {
        this.timed = true;
        const revisions = snapshots.reduce((n, s) => n + s.revisions.length, 0);
        this.log.info(`First load: ${snapshots.length} project(s), ${revisions} revisions from the server in ${Math.round(t1 - t0)} ms, databases read in ${Math.round(performance.now() - t1)} ms`);
      }
      this.settle();
    });
  }

  /**
   * The graphs of `keys` changed (all projects when empty): asks the server for them and
   * recomputes their states from the rows last read. Only a project seen for the first time has
   * its database read. Other projects keep their entries as they are.
   */
  refreshGraphs(keys: readonly string[] = []): Promise<void> {
    return this.enqueue(async () => {
      const snapshots = await this.client.projects();
      if (snapshots === null) return;
      const wanted = new Set(keys);
      const before = new Set(this.entries.map((e) => e.snapshot.key));
      this.entries = await Promise.all(
        snapshots.map((snapshot) => {
          const known = this.get(snapshot.key);
          if (!known) return this.load(snapshot);
          if (wanted.size > 0 && !wanted.has(snapshot.key)) return Promise.resolve(known);
          return this.withGraph(known, snapshot);
        }),
      );
      if (snapshots.some((s) => !before.has(s.key))) this.read.fire();
      this.settle();
    });
  }

  /** Re-reads the database of one project (or all) without asking the server. */
  refreshDatabase(key?: string): Promise<void> {
    return this.enqueue(async () => {
      this.entries = await Promise.all(
        this.entries.map((e) => (key === undefined || e.snapshot.key === key ? this.load(e.snapshot) : Promise.resolve(e))),
      );
      this.read.fire();
      this.fireIfChanged();
    });
  }

  private settle(): void {
    this.loadState = this.entries.length > 0 ? 'some' : this.client.started ? 'none' : this.loadState;
    this.fireIfChanged();
  }

  /**
   * core's states for the rows `db` read (the server answers `alembic/state`; all pending without
   * a version table); null when the database was not read or the server did not answer.
   */
  private async statesOf(snapshot: ProjectSnapshot, db: DbRead): Promise<DbStates | null> {
    const rows = db.kind === 'ok' ? db.rows : db.kind === 'not-initialised' ? [] : null;
    const answer = rows === null ? null : await this.client.state({ key: snapshot.key, rows });
    return answer ? { rows: answer.rows, states: new Map(Object.entries(answer.states)), missing: answer.missing, notes: answer.notes } : null;
  }

  /** `entry` on a new graph, its states recomputed from the rows it last read. */
  private async withGraph(entry: ProjectEntry, snapshot: ProjectSnapshot): Promise<ProjectEntry> {
    const graph = new RevisionIndex(snapshot.revisions);
    const next: ProjectEntry = { ...entry, snapshot, graph, states: await this.statesOf(snapshot, entry.db) };
    this.tellServer(next);
    return next;
  }

  private tellServer(entry: ProjectEntry): void {
    this.client.sendDatabaseState({
      key: entry.snapshot.key,
      states: entry.states ? Object.fromEntries(entry.states.states) : null,
      note: noteOf(entry.db),
    });
  }

  private fireIfChanged(): void {
    const signature = JSON.stringify([
      this.loadState,
      this.entries.map((e) => [e.snapshot, e.db, e.states ? [...e.states.states] : null, e.states?.missing ?? null]),
    ]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.changed.fire();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((err: unknown) => this.log.error('Refreshing the Alembic view failed', err));
    this.queue = next;
    return next;
  }

  private async load(snapshot: ProjectSnapshot): Promise<ProjectEntry> {
    const graph = new RevisionIndex(snapshot.revisions);
    let db: DbRead;
    try {
      db = await this.database.read(snapshot);
    } catch (err) {
      db = { kind: 'error', display: snapshot.sqlalchemyUrlRedacted ?? 'database', dialect: 'unknown', reason: 'other', message: describe(err) };
    }
    const entry: ProjectEntry = { snapshot, graph, db, states: await this.statesOf(snapshot, db), readAt: Date.now() };
    this.tellServer(entry);
    return entry;
  }

  dispose(): void {
    this.changed.dispose();
    this.read.dispose();
  }
}
