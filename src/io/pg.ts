// Reads Alembic's version table from PostgreSQL with node-postgres: one round trip, read-only,
// bounded in time, connection always closed. Failures come back as a reason plus one sentence
// that names host and database and never the password.
import { Client, type ClientConfig } from 'pg';
import pgpass from 'pgpass';
import { displayTarget, type PgTarget } from '../core/dburl';

export type VersionTableResult =
  | { kind: 'ok'; rows: string[] }
  /** The version table does not exist: the database was never upgraded or stamped. */
  | { kind: 'no-table' }
  | {
      kind: 'error';
      reason: 'unreachable' | 'auth' | 'no-database' | 'timeout' | 'ssl' | 'permission' | 'other';
      message: string;
    };

export type VersionTableError = Extract<VersionTableResult, { kind: 'error' }>;

export interface ReadVersionTableOptions {
  /**
   * Whether a password the target does not carry may come from libpq's fallbacks, `PGPASSWORD`
   * and `~/.pgpass` (default true). False for a host that only the repository named (see
   * `passwordFallbackAllowed`): those passwords are the user's, for the user's servers.
   */
  passwordFallback?: boolean;
  /** Default `alembic_version`. */
  table?: string;
  /** Schema of the table; null/absent reads it through the search_path, as alembic does. */
  schema?: string | null;
  /** Connect and statement timeout, default 5000 ms. */
  timeoutMs?: number;
}

export const DEFAULT_VERSION_TABLE = 'alembic_version';
export const DEFAULT_TIMEOUT_MS = 5000;

/** A PostgreSQL identifier in double quotes, inner quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The qualified, quoted table name used in the query. */
export function versionTableSql(table: string, schema?: string | null): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}

/** The one statement sent: a read-only transaction with a server-side statement timeout. */
export function versionTableQuery(table: string, schema: string | null | undefined, timeoutMs: number): string {
  return [
    'BEGIN TRANSACTION READ ONLY',
    `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`,
    // No ORDER BY: rows in table order, as alembic reads them (`downgrade -1` walks the first row's branch).
    `SELECT version_num FROM ${versionTableSql(table, schema)}`,
    'COMMIT',
  ].join('; ');
}

/** A password the server asked for and that is not sent (see `passwordFor`). */
function withheld(code: 'EPASSWORDWITHHELD' | 'ECLEARTEXT' | 'ENOPASSWORD'): Error {
  return Object.assign(new Error(code), { code });
}

/** `~/.pgpass` (or `PGPASSFILE`) for this connection, as libpq reads it; warnings stay off stderr. */
async function pgpassLookup(params: unknown): Promise<string | undefined> {
  pgpass.warnTo(null);
  return new Promise((resolve) => pgpass(params, resolve));
}

/**
 * The password node-postgres sends when the server asks for one. node-postgres on its own would
 * fall back to `PGPASSWORD` and `~/.pgpass` (with a deprecation warning on stderr) for whatever
 * host the URL names; here those fallbacks apply only when `fallback` allows them.
 */
function passwordFor(target: PgTarget, fallback: boolean): (...args: unknown[]) => Promise<string> {
  // node-postgres calls it with its connection parameters (host, port, user, database), which
  // ~/.pgpass lines are matched against.
  return async (...args) => {
    const params = args[0];
    if (target.password !== undefined) return target.password;
    if (!fallback) throw withheld('EPASSWORDWITHHELD');
    const env = process.env.PGPASSWORD;
    if (env !== undefined && env !== '') return env;
    const fromFile = await pgpassLookup(params);
    if (fromFile !== undefined) return fromFile;
    throw withheld('ENOPASSWORD');
  };
}

function clientConfig(target: PgTarget, timeoutMs: number, fallback: boolean): ClientConfig {
  const cfg: ClientConfig = {
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'alembic-migrations',
    password: passwordFor(target, fallback),
  };
  if (target.host !== undefined) cfg.host = target.host;
  if (target.port !== undefined) cfg.port = target.port;
  if (target.database !== undefined) cfg.database = target.database;
  if (target.user !== undefined) cfg.user = target.user;
  if (target.ssl !== undefined) cfg.ssl = target.ssl;
  if (target.options !== undefined) cfg.options = target.options;
  return cfg;
}

/**
 * A server that asks for the password in cleartext over a connection without TLS gets no
 * password: anyone on the path (or a fake server the repository points at) would read it. MD5
 * and SCRAM answers do not carry the password itself and go on as usual.
 */
function refuseCleartextWithoutTls(client: Client, target: PgTarget): void {
  if (target.ssl) return;
  const c = client as unknown as { _handleAuthCleartextPassword: () => void; connection: { emit(event: 'error', e: Error): boolean } };
  c._handleAuthCleartextPassword = () => {
    c.connection.emit('error', withheld('ECLEARTEXT'));
  };
}

interface ErrorFacts {
  code?: string;
  message: string;
}

function factsOf(e: unknown): ErrorFacts {
  if (e && typeof e === 'object') {
    const o = e as { code?: unknown; message?: unknown; errors?: unknown };
    const code = typeof o.code === 'string' ? o.code : undefined;
    let message = typeof o.message === 'string' ? o.message : '';
    // Node's AggregateError (all addresses of a host refused) has an empty message.
    if (!message && Array.isArray(o.errors) && o.errors.length) return factsOf(o.errors[0]);
    if (!message) message = String(e);
    return { code, message };
  }
  return { message: String(e) };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOENT: 'no server socket in that folder',
};

function sentence(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Turns a node-postgres / socket error into a reason and one sentence. */
export function classifyPgError(
  e: unknown,
  target: PgTarget,
  ctx: { table: string; schema?: string | null; timeoutMs: number },
): VersionTableError {
  const { code, message } = factsOf(e);
  const where = `${target.host ?? 'localhost'}:${target.port ?? 5432}`;
  const db = target.database ?? target.user ?? 'the default database';
  const user = target.user ?? 'the default user';
  const scrub = (text: string) => (target.password ? text.split(target.password).join('***') : text);
  const err = (reason: VersionTableError['reason'], text: string): VersionTableError => ({
    kind: 'error',
    reason,
    message: scrub(sentence(text)),
  });

  if (code === 'EPASSWORDWITHHELD') {
    return err('auth', `PostgreSQL at ${where} asked for a password for user "${user}"; the URL has none, and a password from PGPASSWORD or ~/.pgpass is not sent to a host that only the project's files name. Put the password in the URL setting or store it with "Alembic: Store Database Password…"`);
  }
  if (code === 'ECLEARTEXT') {
    return err('auth', `PostgreSQL at ${where} asked for the password in cleartext over a connection without TLS; it was not sent. Add ?sslmode=require to the database URL, or use scram-sha-256 authentication on the server`);
  }
  if (code === 'ENOPASSWORD') {
    return err('auth', `PostgreSQL at ${where} asked for a password for user "${user}" (database "${db}") and none is set`);
  }
  if (code === 'EVERSIONNUM') return err('other', message);

  if (code && NETWORK_WORDS[code]) return err('unreachable', `Cannot reach PostgreSQL at ${where} (${NETWORK_WORDS[code]})`);
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message) || code === '57014') {
    return err('timeout', `PostgreSQL at ${where} did not answer within ${ctx.timeoutMs / 1000} s (database "${db}")`);
  }
  if ((code && TLS_CODES.has(code)) || /\bSSL\b|\bTLS\b|certificate/i.test(message)) {
    if (code === '28000' && /no encryption/i.test(message)) {
      return err('ssl', `PostgreSQL at ${where} only accepts encrypted connections: add ?sslmode=require to the database URL`);
    }
    return err('ssl', `The SSL connection to PostgreSQL at ${where} failed: ${message}`);
  }
  switch (code) {
    case '28P01':
      return err('auth', `PostgreSQL at ${where} rejected the password for user "${user}" (database "${db}")`);
    case '28000':
      return err('auth', `PostgreSQL at ${where} refused user "${user}" for database "${db}": ${message}`);
    case '3D000':
      return err('no-database', `Database "${db}" does not exist on PostgreSQL at ${where}`);
    case '42501': {
      const table = ctx.schema ? `${ctx.schema}.${ctx.table}` : ctx.table;
      return err('permission', `User "${user}" may not read table ${table} in database "${db}" on ${where}`);
    }
    case '57P03':
      return err('unreachable', `PostgreSQL at ${where} is starting up or shutting down and does not accept connections yet`);
    default:
      break;
  }
  if (code && code.startsWith('08')) return err('unreachable', `Cannot reach PostgreSQL at ${where}: ${message}`);
  if (/client password must be a string|password authentication/i.test(message)) {
    return err('auth', `PostgreSQL at ${where} asked for a password for user "${user}" (database "${db}") and none is set`);
  }
  if (/Connection terminated unexpectedly/i.test(message)) {
    return err('unreachable', `PostgreSQL at ${where} closed the connection unexpectedly`);
  }
  return err('other', `Reading the version table from ${displayTarget(target)} failed: ${message}`);
}

/**
 * Reads the revision ids in the version table. Never throws: every failure is a result.
 * A missing table (or missing schema) is `no-table`; an existing, empty table is `ok` with no
 * rows (the database was downgraded to base).
 */
export async function readVersionTable(target: PgTarget, opts: ReadVersionTableOptions = {}): Promise<VersionTableResult> {
  const table = opts.table?.trim() || DEFAULT_VERSION_TABLE;
  const schema = opts.schema?.trim() || null;
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
  const ctx = { table, schema, timeoutMs };

  const client = new Client(clientConfig(target, timeoutMs, opts.passwordFallback ?? true));
  refuseCleartextWithoutTls(client, target);
  // A socket error after a failed query must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  // Hard upper bound for connect + query together; the parts have their own timeouts too.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs * 2 + 500);
  });
  try {
    const rows = await Promise.race([
      (async () => {
        await client.connect();
        const res: unknown = await client.query(versionTableQuery(table, schema, timeoutMs));
        return rowsOf(res, schema ? `${schema}.${table}` : table);
      })(),
      deadline,
    ]);
    return { kind: 'ok', rows };
  } catch (e) {
    const { code } = factsOf(e);
    // 42P01 undefined_table (also raised for a qualified name whose schema is missing), 3F000.
    if (code === '42P01' || code === '3F000') return { kind: 'no-table' };
    return classifyPgError(e, target, ctx);
  } finally {
    clearTimeout(timer);
    await closeQuietly(client);
  }
}

/**
 * The `version_num` values of the SELECT's result in a multi-statement response. A value that is
 * not text (an integer column: ids lose their leading zeros and never match) or NULL is not
 * skipped silently, which would make every revision look pending: the read fails, saying why.
 */
function rowsOf(res: unknown, table: string): string[] {
  const results = Array.isArray(res) ? res : [res];
  for (const r of results) {
    if (!r || typeof r !== 'object') continue;
    const { command, rows } = r as { command?: unknown; rows?: unknown };
    if (command !== 'SELECT' || !Array.isArray(rows)) continue;
    const out: string[] = [];
    let nulls = 0;
    let other: string | null = null;
    for (const row of rows) {
      const v = row && typeof row === 'object' ? (row as { version_num?: unknown }).version_num : undefined;
      if (typeof v === 'string') out.push(v);
      else if (v === null || v === undefined) nulls++;
      else other ??= typeof v;
    }
    if (other !== null) {
      throw Object.assign(new Error(`The version table ${table} holds version_num values that are not text (${other === 'number' ? 'an integer column' : other}); Alembic writes revision ids as varchar(32), so which revisions are applied cannot be told`), { code: 'EVERSIONNUM' });
    }
    if (nulls > 0) {
      throw Object.assign(new Error(`The version table ${table} has ${nulls} row(s) with version_num NULL; Alembic never writes one, so which revisions are applied cannot be told (delete the row or stamp the database)`), { code: 'EVERSIONNUM' });
    }
    return out;
  }
  throw new Error('the server returned no result for the version table query');
}

/** Ends the connection; when the server does not answer the goodbye within 1 s, drops the socket. */
async function closeQuietly(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), 1000);
    }),
  ]);
  clearTimeout(timer);
  if (!ended) {
    const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
    if (stream && typeof stream.destroy === 'function') stream.destroy();
  }
}
