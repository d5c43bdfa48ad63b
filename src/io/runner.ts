// Runs the real alembic CLI: argument arrays (never a shell), one run per project at a time,
// output streamed as it comes, cancel that stops the whole process tree, and the failure read
// into one sentence (core/alembic-output).
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAlembicFailure, stripSentenceEnd, type AlembicFailure } from '../core/alembic-output';

export type { AlembicFailure } from '../core/alembic-output';
export { locateAlembic, type LocatedAlembic, type LocateAlembicOptions } from './locate-alembic';

export interface AlembicInvocation {
  /** Command prefix: `['/usr/bin/alembic']`, `['docker','exec','-i','app-api','alembic']`, `['/p/.venv/bin/python','-m','alembic']`. */
  command: string[];
  /** The project folder; alembic runs here. */
  cwd: string;
  /** Passed as `-c`; relative to cwd when inside it (portable into containers). */
  configFile?: string | null;
  /** Passed as `-n`. */
  section?: string | null;
  /** Each passed as `-x <value>`. */
  xArgs?: string[];
  /** Merged over this process's environment; an `undefined` value removes the variable. */
  env?: Record<string, string | undefined>;
  /** The busy key (one run per key); default `runKey(this)`. */
  key?: string;
}

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  cancelled: boolean;
  /** Null when the command succeeded. */
  failure: AlembicFailure | null;
}

export interface RunOptions {
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** After a cancel, how long alembic gets to end on SIGTERM before SIGKILL (default KILL_GRACE_MS). */
  killGraceMs?: number;
}

/** The setting that names the alembic command (for messages). */
export const COMMAND_SETTING = 'alembic.command';
/** Time between SIGTERM and SIGKILL when a run is cancelled. */
export const KILL_GRACE_MS = 3000;

/** Thrown by `run` when the key already has a run in progress. */
export class AlembicBusyError extends Error {
  constructor(readonly key: string) {
    super(`An alembic command is already running for ${key}.`);
    this.name = 'AlembicBusyError';
  }
}

/** The default busy key of an invocation: folder, config file and section. */
export function runKey(inv: AlembicInvocation): string {
  if (inv.key) return inv.key;
  const config = inv.configFile ? path.resolve(inv.cwd, inv.configFile) : path.join(path.resolve(inv.cwd), 'alembic.ini');
  return inv.section && inv.section !== 'alembic' ? `${config}#${inv.section}` : config;
}

/** The full argv: prefix, then `-c`, `-n`, `-x` options, then the subcommand and its arguments. */
export function buildArgv(inv: AlembicInvocation, args: readonly string[]): string[] {
  const argv = [...inv.command];
  if (inv.configFile) {
    const rel = path.relative(path.resolve(inv.cwd), path.resolve(inv.cwd, inv.configFile));
    const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    argv.push('-c', inside ? rel : inv.configFile);
  }
  if (inv.section) argv.push('-n', inv.section);
  for (const x of inv.xArgs ?? []) argv.push('-x', x);
  argv.push(...args);
  return argv;
}

function childEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Live output through a pipe, and messages kept intact whatever the locale.
  env.PYTHONUNBUFFERED ??= '1';
  env.PYTHONIOENCODING ??= 'utf-8';
  return env;
}

function notStarted(command: string[], e: unknown): AlembicFailure {
  const code = e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : '';
  const prog = command[0] ?? '';
  if (code === 'ENOENT') {
    return {
      kind: 'exit',
      summary: `The command '${prog}' was not found: set "${COMMAND_SETTING}" to the command that runs alembic (e.g. ["poetry", "run", "alembic"]).`,
    };
  }
  if (code === 'EACCES') {
    return { kind: 'exit', summary: `The command '${prog}' is not executable: fix its permissions or the "${COMMAND_SETTING}" setting.` };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { kind: 'exit', summary: `The command '${prog}' could not be started (${msg}): check the "${COMMAND_SETTING}" setting.` };
}

/** Exit 126/127 from a wrapper (`env`, `docker exec`, a shell) means alembic itself was not found. */
function wrapperFailure(command: string[], exitCode: number | null, stderr: string): AlembicFailure | null {
  if (exitCode !== 126 && exitCode !== 127) return null;
  const last = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop() ?? '';
  if (!/not found|No such file|executable file|permission denied/i.test(last)) return null;
  return {
    kind: 'exit',
    summary: `'${command.join(' ')}' could not start alembic (${stripSentenceEnd(last)}): check the "${COMMAND_SETTING}" setting.`,
  };
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/t', '/f'], { stdio: 'ignore', windowsHide: true });
    } else {
      process.kill(-child.pid, signal);
    }
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** alembic processes of every runner, killed when this process exits (they run in their own group). */
const liveChildren = new Set<ChildProcess>();
let exitHook = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const c of liveChildren) killTree(c, 'SIGKILL');
  });
}

export class AlembicRunner {
  private readonly running = new Set<string>();
  private readonly children = new Set<ChildProcess>();

  /**
   * Stops every alembic this runner started (SIGTERM to its process group, SIGKILL after the
   * grace time); resolves when they have exited. For shutdown: nothing outlives the editor.
   */
  async stopAll(graceMs = KILL_GRACE_MS): Promise<void> {
    const children = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    if (children.length === 0) return;
    const exited = Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())))));
    for (const c of children) killTree(c, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
    clearTimeout(timer);
    if (late) for (const c of children) killTree(c, 'SIGKILL');
  }

  isBusy(key: string): boolean {
    return this.running.has(key);
  }

  /**
   * Runs `<command> [-c cfg] [-n section] [-x …] <args>` in `inv.cwd`. Resolves when the process
   * has exited (also when it could not start, or was cancelled); rejects only with
   * AlembicBusyError when the same key is already running.
   */
  run(inv: AlembicInvocation, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const key = runKey(inv);
    if (this.running.has(key)) return Promise.reject(new AlembicBusyError(key));
    if (inv.command.length === 0 || inv.command[0] === '') {
      return Promise.resolve({
        exitCode: null,
        stdout: '',
        stderr: '',
        cancelled: false,
        failure: { kind: 'exit', summary: `No alembic command is configured: set "${COMMAND_SETTING}".` },
      });
    }
    if (opts.signal?.aborted) {
      return Promise.resolve({ exitCode: null, stdout: '', stderr: '', cancelled: true, failure: null });
    }
    this.running.add(key);
    return this.spawnAndWait(inv, args, opts).finally(() => this.running.delete(key));
  }

  private async spawnAndWait(inv: AlembicInvocation, args: string[], opts: RunOptions): Promise<RunResult> {
    // spawn reports a missing cwd as ENOENT, which would read as "command not found".
    const isDir = await fs.stat(inv.cwd).then((st) => st.isDirectory(), () => false);
    if (!isDir) {
      return {
        exitCode: null,
        stdout: '',
        stderr: '',
        cancelled: false,
        failure: { kind: 'exit', summary: `The project folder '${inv.cwd}' does not exist, so alembic cannot run there.` },
      };
    }
    if (opts.signal?.aborted) return { exitCode: null, stdout: '', stderr: '', cancelled: true, failure: null };
    const [prog, ...rest] = buildArgv(inv, args);
    return new Promise<RunResult>((resolve) => {
      let stdout = '';
      let stderr = '';
      let cancelled = false;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      let child: ChildProcess;

      const finish = (exitCode: number | null, startError?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        let failure: AlembicFailure | null;
        if (startError !== undefined) failure = notStarted(inv.command, startError);
        else if (cancelled) failure = null;
        else failure = wrapperFailure(inv.command, exitCode, stderr) ?? parseAlembicFailure(stdout, stderr, exitCode);
        resolve({ exitCode, stdout, stderr, cancelled, failure });
      };

      const onAbort = () => {
        if (settled || cancelled) return;
        cancelled = true;
        killTree(child, 'SIGTERM');
        killTimer = setTimeout(() => killTree(child, 'SIGKILL'), opts.killGraceMs ?? KILL_GRACE_MS);
      };

      try {
        child = spawn(prog, rest, {
          cwd: inv.cwd,
          env: childEnv(inv.env),
          shell: false,
          detached: process.platform !== 'win32',
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (e) {
        // Synchronous spawn errors (e.g. an invalid cwd type): report like a start failure.
        finish(null, e);
        return;
      }

      this.children.add(child);
      trackChild(child);
      const untrack = () => {
        this.children.delete(child);
        liveChildren.delete(child);
      };
      child.once('exit', untrack);
      child.once('error', untrack);
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        stdout += chunk;
        opts.onOutput?.(chunk, 'stdout');
      });
      child.stderr?.on('data', (chunk: string) => {
        stderr += chunk;
        opts.onOutput?.(chunk, 'stderr');
      });
      child.on('error', (e) => finish(null, e));
      let exitCode: number | null = null;
      child.on('exit', (code) => {
        exitCode = code;
        // A grandchild that escaped the group may hold the pipes open: do not wait for it.
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish(exitCode);
        }, 1000).unref();
      });
      child.on('close', (code) => finish(code ?? exitCode));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
