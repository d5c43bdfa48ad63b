// The retry of failed database reads (src/extension/db/retry.ts): while the view is visible a
// transient failure is read again after 1, 2, 4 … units (capped), until the read succeeds; a hidden
// view, a wrong password or a healthy database cause no read.
import * as assert from 'node:assert/strict';
import type { DbRead } from '../../src/extension/db/dbread';
import { DatabaseRetry, type RetryStore } from '../../src/extension/db/retry';
import { RevisionIndex } from '../../src/extension/projects/revisions';
import type { ProjectEntry } from '../../src/extension/projects/projects';

const UNIT_MS = 20;
const DOWN: DbRead = { kind: 'error', display: 'app@db/app', dialect: 'postgresql', reason: 'unreachable', message: 'ECONNREFUSED' };
const UP: DbRead = { kind: 'ok', display: 'app@db/app', dialect: 'postgresql', rows: [] };

function entry(key: string, db: DbRead): ProjectEntry {
  return {
    snapshot: {
      key, name: key, cwd: '/p', configPath: null, section: 'alembic', versionLocations: [], sqlalchemyUrlRedacted: null,
      revisions: [], heads: [], bases: [], mergePoints: [], branchPoints: [], mergeCandidates: [], labelledMergeWarning: null, diagnostics: [],
    },
    graph: new RevisionIndex([]),
    db,
    states: null,
    readAt: 0,
  };
}

/** A store whose database answers with `answers` in turn (the last one from then on); records read times. */
class Store implements RetryStore {
  readonly reads: number[] = [];
  private readonly start = Date.now();
  constructor(private current: ProjectEntry, private readonly answers: DbRead[]) {}
  all(): readonly ProjectEntry[] {
    return [this.current];
  }
  refreshDatabase(key: string): Promise<void> {
    assert.equal(key, this.current.snapshot.key);
    this.reads.push(Date.now() - this.start);
    this.current = entry(key, (this.answers.length > 1 ? this.answers.shift() : undefined) ?? this.answers[0]);
    return Promise.resolve();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('DatabaseRetry', () => {
  it('reads a failing database again with a doubling delay until it answers, then stops', async () => {
    const store = new Store(entry('k', DOWN), [DOWN, DOWN, UP]);
    const retry = new DatabaseRetry(store, () => true, UNIT_MS, 8 * UNIT_MS);
    retry.check();
    // Wait for the third read (generous under load), then make sure no fourth follows.
    for (let waited = 0; store.reads.length < 3 && waited < 10_000; waited += UNIT_MS) await sleep(UNIT_MS);
    await sleep(20 * UNIT_MS);
    retry.dispose();
    assert.equal(store.reads.length, 3, `reads at ${store.reads.join(', ')} ms`);
    // Gaps grow: 1, 2, 4 units (timers fire late, never early).
    const gaps = store.reads.map((t, i) => t - (i === 0 ? 0 : store.reads[i - 1]));
    assert.ok(gaps[0] >= UNIT_MS - 2 && gaps[1] >= 2 * UNIT_MS - 2 && gaps[2] >= 4 * UNIT_MS - 2, `gaps ${gaps.join(', ')}`);
  });

  it('does not read while the view is hidden, nor after a wrong password, nor when the database answered', async () => {
    const hidden = new Store(entry('k', DOWN), [UP]);
    const auth = new Store(entry('k', { ...DOWN, reason: 'auth' }), [UP]);
    const healthy = new Store(entry('k', UP), [UP]);
    const retries = [new DatabaseRetry(hidden, () => false, UNIT_MS), new DatabaseRetry(auth, () => true, UNIT_MS), new DatabaseRetry(healthy, () => true, UNIT_MS)];
    for (const r of retries) r.check();
    await sleep(10 * UNIT_MS);
    for (const r of retries) r.dispose();
    assert.deepEqual([hidden.reads.length, auth.reads.length, healthy.reads.length], [0, 0, 0]);
  });
});
