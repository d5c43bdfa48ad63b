// The small test runner behind test/vscode/run.ts: UI scenarios are mocha-like tests, run one
// after another, each with its own code-server (own process group, stopped afterwards), its own
// browser context and its own screenshot folder under test-results/vscode/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServerInstall, type RunningCodeServer, type StartOptions } from '../../scripts/code-server';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { ALEMBIC } from './fixtures';
import { launchBrowser, Workbench } from './workbench';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'vscode');

/** User settings every scenario's code-server starts with. */
export const USER_SETTINGS: Record<string, unknown> = {
  // The extension host's PATH puts a pyenv python without alembic first.
  'alembic.command': [ALEMBIC],
};

export interface Shared {
  install: CodeServerInstall;
  browser(): Promise<Browser>;
  postgres(): Promise<TestPostgres>;
  close(): Promise<void>;
}

export function makeShared(install: CodeServerInstall): Shared {
  let browser: Promise<Browser> | null = null;
  let pg: Promise<TestPostgres> | null = null;
  return {
    install,
    browser: () => (browser ??= launchBrowser()),
    postgres: () => (pg ??= startPostgres()),
    close: async () => {
      if (browser) await (await browser.catch(() => null))?.close().catch(() => undefined);
      if (pg) await (await pg.catch(() => null))?.stop().catch(() => undefined);
    },
  };
}

/** What a UI test gets: servers and workbenches it opens are closed after it, whatever happens. */
export class TestRun {
  private readonly cleanups: Array<() => Promise<void>> = [];
  readonly shotsDir: string;
  /** The last workbench opened (a failing test gets a final screenshot of it). */
  wb: Workbench | null = null;

  constructor(
    readonly shared: Shared,
    readonly title: string,
    folderName: string,
    /** When set, workbenches load the extension installed from this .vsix instead of the repository. */
    readonly vsix: string | null = null,
  ) {
    this.shotsDir = path.join(RESULTS_DIR, folderName);
  }

  defer(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async server(opts: StartOptions = {}): Promise<RunningCodeServer> {
    const s = await startCodeServer(this.shared.install, { ...opts, userSettings: { ...USER_SETTINGS, ...opts.userSettings } });
    this.defer(() => s.stop());
    return s;
  }

  /**
   * Starts a code-server and opens `folder` with the extension loaded from the repository, or,
   * for a run over the package, installed from the .vsix with `--install-extension`.
   */
  async openWorkbench(folder: string, opts: StartOptions = {}): Promise<{ server: RunningCodeServer; wb: Workbench }> {
    const server = await this.server(this.vsix ? { ...opts, installExtensions: [...(opts.installExtensions ?? []), this.vsix] } : opts);
    const wb = await Workbench.open(await this.shared.browser(), server, folder, this.shotsDir, this.vsix ? undefined : { extensionDevelopmentPath: REPO_ROOT });
    this.defer(() => wb.close());
    this.wb = wb;
    return { server, wb };
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // keep cleaning
      }
    }
  }
}

export interface UiTest {
  title: string;
  /** Folder under test-results/vscode/ for its screenshots. */
  folder: string;
  /** Upper bound for the whole test, cleanup excluded. */
  timeoutMs?: number;
  run(t: TestRun): Promise<void>;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** The same server, its databases named `<name><suffix>`, so a test can run twice on one server. */
function suffixedDatabases(shared: Shared, suffix: string): Shared {
  return {
    ...shared,
    postgres: async () => {
      const pg = await shared.postgres();
      const renamed = new Set<string>();
      return {
        ...pg,
        createDatabase: (name: string) => {
          renamed.add(name);
          return pg.createDatabase(`${name}${suffix}`);
        },
        sql: (statement: string, database?: string) => pg.sql(statement, database !== undefined && renamed.has(database) ? `${database}${suffix}` : database),
      };
    },
  };
}

export async function runUiTests(sharedIn: Shared, group: string, tests: UiTest[], counts: Counts, grep?: RegExp, vsix?: string): Promise<void> {
  const shared = vsix ? suffixedDatabases(sharedIn, '_installed') : sharedIn;
  const selected = tests.filter((test) => !grep || grep.test(`${group} ${test.title}`));
  if (selected.length > 0) console.log(`\n  ${group}`);
  for (const test of selected) {
    const t = new TestRun(shared, test.title, vsix ? `${test.folder}-installed` : test.folder, vsix ?? null);
    fs.rmSync(t.shotsDir, { recursive: true, force: true });
    const started = Date.now();
    try {
      await withTimeout(test.run(t), test.timeoutMs ?? 240_000, `"${test.title}"`);
      counts.passed++;
      console.log(`    ✔ ${test.title} (${Math.round((Date.now() - started) / 1000)} s)`);
    } catch (e) {
      counts.failed++;
      if (t.wb) await withTimeout(t.wb.shot('failed'), 10_000, 'screenshot').catch(() => undefined);
      console.log(`    ✘ ${test.title} (${Math.round((Date.now() - started) / 1000)} s)`);
      console.log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e), 8));
      console.log(indent(`screenshots: ${t.shotsDir}`, 8));
    } finally {
      await t.cleanup();
    }
  }
}

export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
