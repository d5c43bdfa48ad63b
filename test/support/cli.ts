// Runs a process (the bundled CLI, alembic, python) to completion for a test: one helper instead
// of a copy in every CLI test file.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The repository root (tests run from out/test/…). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The bundled CLI the tests run as a process. */
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Default 60 s. */
  timeoutMs?: number;
  maxBuffer?: number;
}

/** Runs `cmd args…` in `cwd` and returns its exit code and output. */
export function runProcess(cmd: string, args: readonly string[], cwd: string, opts: RunOptions = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    ...(opts.maxBuffer !== undefined ? { maxBuffer: opts.maxBuffer } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the bundled CLI (`node dist/cli.js args…`) in `cwd`; `nodeArgs` go before the script. */
export function runCli(args: readonly string[], cwd: string, opts: RunOptions & { nodeArgs?: readonly string[] } = {}): Run {
  return runProcess(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], cwd, opts);
}
