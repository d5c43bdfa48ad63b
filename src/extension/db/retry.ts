// Retries the database reads that failed transiently (a server restarting, a timeout) while the
// view is visible, with a doubling delay: a database that comes back is noticed without a click.
import type * as vscode from 'vscode';
import type { ProjectEntry } from '../projects/projects';
import type { DbErrorReason } from './dbread';

/** What the retry needs of the ProjectStore. */
export interface RetryStore {
  all(): readonly ProjectEntry[];
  refreshDatabase(key: string): Promise<void>;
}

/** Failures a later read can clear by itself (a server that restarts); not a wrong password. */
const TRANSIENT: ReadonlySet<DbErrorReason> = new Set(['unreachable', 'timeout', 'no-database']);
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

/** Retries the projects whose read failed transiently, with a doubling delay, while `visible()`. */
export class DatabaseRetry implements vscode.Disposable {
  private timer: NodeJS.Timeout | null = null;
  private delay: number;

  constructor(
    private readonly store: RetryStore,
    private readonly visible: () => boolean,
    private readonly firstMs = FIRST_RETRY_MS,
    private readonly maxMs = MAX_RETRY_MS,
  ) {
    this.delay = firstMs;
  }

  private failing(): string[] {
    return this.store
      .all()
      .filter((e) => e.db.kind === 'error' && TRANSIENT.has(e.db.reason))
      .map((e) => e.snapshot.key);
  }

  /** Call after every change of the store or of the view's visibility. */
  check(): void {
    const keys = this.failing();
    if (keys.length === 0) {
      this.cancel();
      this.delay = this.firstMs;
      return;
    }
    if (!this.visible()) return this.cancel();
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.delay = Math.min(this.delay * 2, this.maxMs);
      void Promise.all(keys.map((k) => this.store.refreshDatabase(k))).then(() => this.check());
    }, this.delay);
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.cancel();
  }
}
