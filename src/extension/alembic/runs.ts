// Runs alembic for a project: locates the command, one run per project, progress with Cancel,
// output streamed to the "Alembic" channel, failures as one sentence with "Show Output".
import * as vscode from 'vscode';
import { AlembicRunner, locateAlembic } from '../../io/runner';
import type { ProjectSnapshot } from '../../protocol/protocol';
import { Config } from '../host/config';
import { type Log, describe } from '../host/log';
import { pythonInterpreter } from './python';
import { explainRestricted, isTrusted } from '../host/trust';

export interface RunTarget {
  /** Busy key: one run at a time per key (the project key, or the folder for `init`). */
  key: string;
  cwd: string;
  configFile: string | null;
  section: string;
  /** Extra environment for alembic (merged over VS Code's), e.g. PGPASSWORD from secret storage. */
  env?: Record<string, string>;
}

export interface RunOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
  cancelled: boolean;
}

export interface RunOptions {
  /** Failures are logged, not shown (the caller shows them its own way). */
  quiet?: boolean;
  /** A read the user did not ask for: no notification, no "busy" message. */
  background?: boolean;
}

export function targetOf(project: ProjectSnapshot): RunTarget {
  return { key: project.key, cwd: project.cwd, configFile: project.configPath, section: project.section };
}

export class AlembicRuns implements vscode.Disposable {
  private readonly runner = new AlembicRunner();
  private readonly busy = new Set<string>();
  /** Background reads in flight, per project: user commands wait for them instead of being refused. */
  private readonly reads = new Map<string, Promise<RunOutcome | null>>();
  /** Located commands per folder (probing `python -m alembic` takes a process); emptied on settings changes. */
  private readonly located = new Map<string, string[]>();

  constructor(private readonly log: Log) {}

  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  /** The command prefix that runs alembic here, or null (with a message shown) when none is found. */
  forgetCommands(): void {
    this.located.clear();
  }

  async command(target: RunTarget): Promise<string[] | null> {
    const cached = this.located.get(target.cwd);
    if (cached) return cached;
    const config = Config.forPath(target.cwd);
    const interpreter = config.command ? null : await pythonInterpreter(vscode.Uri.file(target.cwd));
    const found = await locateAlembic({
      setting: config.command,
      pythonInterpreter: interpreter,
      projectDir: target.cwd,
      env: process.env,
    });
    if (!found) {
      const choice = await vscode.window.showErrorMessage(
        'Alembic was not found: set "alembic.command" (e.g. ["poetry", "run", "alembic"]), select a Python interpreter with alembic installed, or create a .venv.',
        'Open Settings',
      );
      if (choice) Config.open('command');
      return null;
    }
    this.log.info(`alembic command (${found.source}): ${found.command.join(' ')}`);
    this.located.set(target.cwd, found.command);
    return found.command;
  }

  /**
   * Runs `alembic <args>` with a progress notification; `title` says what runs ("Upgrading to
   * abc123…"). Returns null when nothing ran (busy, not found) — the user was told why.
   */
  async run(target: RunTarget, args: string[], title: string, opts: RunOptions = {}): Promise<RunOutcome | null> {
    // Restricted Mode: alembic runs the repository's env.py; never without trust.
    if (!isTrusted()) {
      this.log.warn(`Restricted Mode: not running alembic ${args.join(' ')}`);
      if (!opts.background) explainRestricted(title);
      return null;
    }
    if (opts.background) {
      const read = this.runOnce(target, args, title, opts);
      this.reads.set(target.key, read);
      return read.finally(() => {
        if (this.reads.get(target.key) === read) this.reads.delete(target.key);
      });
    }
    // A background read (sqlite/mysql state via `alembic current`) is short: wait for it.
    await this.reads.get(target.key)?.catch(() => undefined);
    return this.runOnce(target, args, title, opts);
  }

  private async runOnce(target: RunTarget, args: string[], title: string, opts: RunOptions): Promise<RunOutcome | null> {
    if (this.busy.has(target.key) || this.runner.isBusy(target.key)) {
      if (!opts.background) {
        void vscode.window.showWarningMessage('An alembic command is already running for this project; wait for it to finish or cancel it.');
      }
      return null;
    }
    this.busy.add(target.key);
    try {
      const command = await this.command(target);
      if (!command) return null;
      const config = Config.forPath(target.cwd);
      this.log.info(`$ ${[...command, ...args].join(' ')}   (in ${target.cwd})`);
      const execute = async (token: vscode.CancellationToken | null) => {
          const abort = new AbortController();
          const sub = token?.onCancellationRequested(() => abort.abort());
          try {
            return await this.runner.run(
              {
                key: target.key,
                command,
                cwd: target.cwd,
                configFile: target.configFile,
                section: target.section,
                xArgs: config.xArgs,
                env: target.env ?? {},
              },
              args,
              { onOutput: (text: string) => this.log.output(text), signal: abort.signal },
            );
          } finally {
            sub?.dispose();
          }
      };
      const result = opts.background
        ? await vscode.window.withProgress({ location: { viewId: 'alembic.revisions' } }, () => execute(null))
        : await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Alembic: ${title}`, cancellable: true },
            (_progress, token) => execute(token),
          );
      if (result.cancelled) {
        this.log.warn(`Cancelled: alembic ${args.join(' ')}`);
        void vscode.window.showInformationMessage(`Alembic: ${title} cancelled.`);
        return { ok: false, stdout: result.stdout, stderr: result.stderr, cancelled: true };
      }
      if (result.failure || result.exitCode !== 0) {
        const summary = result.failure?.summary ?? `alembic exited with status ${String(result.exitCode)}.`;
        this.log.error(`alembic ${args[0] ?? ''} failed: ${summary}`);
        if (!opts.quiet) this.showFailure(summary);
        return { ok: false, stdout: result.stdout, stderr: result.stderr, cancelled: false };
      }
      return { ok: true, stdout: result.stdout, stderr: result.stderr, cancelled: false };
    } catch (err) {
      this.log.error(`alembic ${args.join(' ')} could not run`, err);
      if (!opts.quiet) this.showFailure(`alembic could not run: ${describe(err)}`);
      return null;
    } finally {
      this.busy.delete(target.key);
    }
  }

  showFailure(summary: string): void {
    void vscode.window.showErrorMessage(summary, 'Show Output').then((choice) => {
      if (choice) this.log.show();
    });
  }

  /** Stops every alembic still running (deactivate waits for it). */
  stop(): Promise<void> {
    return this.runner.stopAll();
  }

  dispose(): void {
    this.busy.clear();
    void this.runner.stopAll();
  }
}
