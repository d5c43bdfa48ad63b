// SQLAlchemy database URLs → a node-postgres connection target. Pure: no I/O.
//
// The URL grammar is SQLAlchemy's own (`sqlalchemy/engine/url.py`, `_parse_url`): user and
// password are percent-decoded, the database name is taken verbatim, query values are
// form-decoded and passed to the driver, where they override the URL's host/port (this is how
// `?host=/var/run/postgresql` reaches a unix socket). libpq's `sslmode` and asyncpg's `ssl`
// choose TLS. pg-connection-string is not used here: it reads certificate files and emits
// process warnings, which a pure module must not do; the grammar differs from SQLAlchemy's
// anyway (it decodes the database name, and `postgresql+asyncpg` is not its scheme).
import { redactUrl } from './url-redact';

export interface PgTarget {
  /** Host name, IP, or a unix socket folder (starts with `/`). Absent: the driver's default. */
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  /** libpq `options` (e.g. `-c search_path=app`). */
  options?: string;
}

export type ParsedDbUrl =
  | { kind: 'postgresql'; pg: PgTarget; display: string }
  | { kind: 'other'; dialect: string; display: string }
  | { kind: 'invalid'; message: string };

/** The placeholder `alembic init` writes; it names no database. */
export const ALEMBIC_PLACEHOLDER_URL = 'driver://user:pass@localhost/dbname';

// SQLAlchemy's own pattern (sqlalchemy/engine/url.py), kept verbatim for parity. The exchange the
// rule sees (`@` in both username and host) cannot blow up: the pattern is anchored and every text
// after `name://` matches (each later part is optional, the query takes the rest), so the first
// backtrack that finds an `@` succeeds.
const URL_PATTERN =
  // eslint-disable-next-line regexp/no-super-linear-backtracking -- see above
  /^(?<name>[\w+]+):\/\/(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?(?:(?:\[(?<ipv6host>[^/?]+)\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?(?:\/(?<database>[^?]*))?(?:\?(?<query>.*))?$/su;

const POSTGRES_DIALECTS = new Set(['postgresql', 'postgres']);

/** Python's `urllib.parse.unquote`: invalid escapes stay as they are. */
function unquote(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Python's `parse_qsl` (keep_blank_values=False): `+` is a space, later keys repeat. */
function parseQuery(query: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const part of query.split(/[&;]/)) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = unquote(part.slice(0, eq).replace(/\+/g, ' '));
    const value = unquote(part.slice(eq + 1).replace(/\+/g, ' '));
    if (value !== '') out.push([key, value]);
  }
  return out;
}

type SslChoice = { ok: true; ssl: PgTarget['ssl'] | undefined } | { ok: false; message: string };

/** libpq `sslmode` / asyncpg `ssl` values. */
function sslFrom(param: string, value: string): SslChoice {
  switch (value.toLowerCase()) {
    case 'disable':
    case 'allow':
    case 'prefer':
    case 'false':
    case '0':
      // node-postgres cannot "try TLS then fall back"; allow/prefer connect without TLS.
      return { ok: true, ssl: false };
    case 'require':
    case 'no-verify':
    case 'true':
    case '1':
      // libpq's `require`: encrypted, certificate not verified.
      return { ok: true, ssl: { rejectUnauthorized: false } };
    case 'verify-ca':
    case 'verify-full':
      return { ok: true, ssl: { rejectUnauthorized: true } };
    default:
      return {
        ok: false,
        message: `The database URL has an invalid ${param} value '${value}' (use disable, prefer, require, verify-ca or verify-full).`,
      };
  }
}

/** `user@host:port/db` — what the UI may show; never contains the password. */
export function displayTarget(pg: PgTarget): string {
  const user = pg.user ? `${pg.user}@` : '';
  const host = pg.host ?? 'localhost';
  const hostPart = host.includes(':') && !host.startsWith('/') ? `[${host}]` : host;
  const db = pg.database ? `/${pg.database}` : '';
  return `${user}${hostPart}:${pg.port ?? 5432}${db}`;
}

const UNESCAPED_AT =
  "The database URL has more than one '@' before the host name: a password that holds '@' must write it as %40 " +
  "(Alembic would take what follows the first '@' as the host). The URL is not shown, as it would show part of the password.";

const INVALID_SHAPE =
  'The database URL could not be parsed: expected dialect[+driver]://user:password@host:port/database.';

export function parseSqlalchemyUrl(url: string): ParsedDbUrl {
  const text = url.trim();
  if (text === '') return { kind: 'invalid', message: 'The database URL is empty.' };
  const m = URL_PATTERN.exec(text);
  if (!m?.groups) return { kind: 'invalid', message: INVALID_SHAPE };
  const g = m.groups;
  const dialect = g.name.split('+')[0].toLowerCase();
  if (!POSTGRES_DIALECTS.has(dialect)) {
    return { kind: 'other', dialect, display: redactUrl(text) };
  }

  const pg: PgTarget = {};
  if (g.username !== undefined && g.username !== '') pg.user = unquote(g.username);
  if (g.password !== undefined && g.password !== '') pg.password = unquote(g.password);
  const host = g.ipv6host ?? g.ipv4host;
  if (host !== undefined && host.includes('@')) {
    // SQLAlchemy ends the password at the first '@' and takes the rest as the host name: the host
    // would then hold the rest of the password (and go to DNS). Nothing of it is shown or sent.
    return { kind: 'invalid', message: UNESCAPED_AT };
  }
  if (host !== undefined && host !== '') pg.host = host;
  if (g.port !== undefined && g.port !== '') {
    const port = parsePort(g.port);
    if (port === null) return { kind: 'invalid', message: `The database URL has an invalid port '${g.port}'.` };
    pg.port = port;
  }
  if (g.database !== undefined && g.database !== '') pg.database = g.database;

  let hostFromQuery = false;
  for (const [key, value] of parseQuery(g.query ?? '')) {
    switch (key) {
      case 'host': {
        // libpq/psycopg multi-host form `host=h1:5432&host=h2`: the first host is used.
        if (hostFromQuery) break;
        hostFromQuery = true;
        const hp = /^(?<h>\[[^\]]+\]|[^:]+)(?::(?<p>\d+))?$/u.exec(value);
        if (!value.startsWith('/') && hp?.groups?.p !== undefined) {
          pg.host = hp.groups.h.replace(/^\[(.*)\]$/u, '$1');
          pg.port = Number(hp.groups.p);
        } else {
          pg.host = value;
        }
        break;
      }
      case 'port': {
        const port = parsePort(value.split(',')[0]);
        if (port === null) return { kind: 'invalid', message: `The database URL has an invalid port '${value}'.` };
        pg.port = port;
        break;
      }
      case 'user':
        pg.user = value;
        break;
      case 'password':
        pg.password = value;
        break;
      case 'dbname':
      case 'database':
        pg.database = value;
        break;
      case 'options':
        pg.options = value;
        break;
      case 'sslmode':
      case 'ssl': {
        const ssl = sslFrom(key, value);
        if (!ssl.ok) return { kind: 'invalid', message: ssl.message };
        pg.ssl = ssl.ssl;
        break;
      }
      default:
        // Driver options with no bearing on reading one table (application_name, …).
        break;
    }
  }
  return { kind: 'postgresql', pg, display: displayTarget(pg) };
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/u.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/**
 * Where the database URL comes from, first match wins: the extension setting, the environment
 * variable the user named (`DATABASE_URL`, `$DATABASE_URL` and `${DATABASE_URL}` all work), the
 * project's `sqlalchemy.url`. Empty values and alembic's `driver://…` placeholder are skipped.
 */
export function chooseDatabaseUrl(sources: {
  setting?: string | null;
  envVarName?: string | null;
  env: Record<string, string | undefined>;
  configUrl?: string | null;
}): { url: string; source: 'setting' | 'env' | 'config' } | null {
  const usable = (v: string | null | undefined): string | null => {
    const t = v?.trim();
    return t && t !== ALEMBIC_PLACEHOLDER_URL ? t : null;
  };
  const setting = usable(sources.setting);
  if (setting) return { url: setting, source: 'setting' };
  const name = sources.envVarName?.trim().replace(/^\$\{(.*)\}$/u, '$1').replace(/^\$/u, '');
  if (name) {
    const fromEnv = usable(sources.env[name]);
    if (fromEnv) return { url: fromEnv, source: 'env' };
  }
  const config = usable(sources.configUrl);
  if (config) return { url: config, source: 'config' };
  return null;
}

/** Whether the target is this machine: a unix socket folder, loopback, or no host (the driver's default). */
export function isLocalTarget(pg: PgTarget): boolean {
  const host = pg.host?.trim().toLowerCase();
  if (host === undefined || host === '') return true;
  if (host.startsWith('/')) return true;
  if (host === 'localhost' || host === 'localhost.' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(host);
}

/**
 * Whether a password the URL does not carry may come from libpq's fallbacks (PGPASSWORD,
 * ~/.pgpass): only for a URL the user gave (settings, environment, command line) or a target on
 * this machine. A remote host that only the project's files name never gets them.
 */
export function passwordFallbackAllowed(fromProjectFiles: boolean, pg: PgTarget): boolean {
  return !fromProjectFiles || isLocalTarget(pg);
}

/** Whether connecting needs the user's OK first: a remote host that only the project's files name. */
export function needsHostConsent(fromProjectFiles: boolean, pg: PgTarget): boolean {
  return fromProjectFiles && !isLocalTarget(pg);
}
