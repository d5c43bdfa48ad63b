// Reads a project's database state: URL (setting → env var → config), password from
// SecretStorage, PostgreSQL through `pg`, other dialects through `alembic current`.
// The config's URL comes from the language server (alembic/databaseUrl), the one place the
// config is parsed; it is asked only when neither the setting nor the environment names a URL.
// Never logs or shows a password: only `user@host:port/db` or a redacted URL.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { chooseDatabaseUrl, needsHostConsent, parseSqlalchemyUrl, passwordFallbackAllowed, type PgTarget } from '../../core/dburl';
import { parseCurrentOutput } from '../../core/alembic-output';
import { readVersionTable } from '../../io/pg';
import type { ProjectSnapshot } from '../../protocol/protocol';
import { Config } from '../host/config';
import type { Log } from '../host/log';
import { type AlembicRuns, targetOf } from '../alembic/runs';
import type { Consent } from '../host/consent';
import { isTrusted } from '../host/trust';
import type { DbErrorReason, DbRead } from './dbread';

export type { DbErrorReason, DbRead };

/** What the reader needs of the language server client: the config's URL as the server parsed it. */
export interface ConfigUrlSource {
  databaseUrl(key: string): Promise<{ url: string | null } | null>;
}

const TIMEOUT_MS = 5000;

/** globalState key: the databases (`user@host:port/db`) a password was stored for. Never a password. */
export const STORED_PASSWORDS_KEY = 'alembic.storedPasswordFor';

export class DatabaseReader {
  /** The first PostgreSQL read's timings were logged (where the first paint's time goes). */
  private timed = false;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    /** globalState: which databases have a stored password (STORED_PASSWORDS_KEY). */
    private readonly memento: vscode.Memento,
    private readonly server: ConfigUrlSource,
    private readonly runs: AlembicRuns,
    private readonly log: Log,
    private readonly consent: Consent,
  ) {}

  /**
   * The URL to read, or null when the project names none. Exported for the password command.
   * Throws when only the config could name it and the language server does not answer.
   */
  async databaseUrl(project: ProjectSnapshot): Promise<{ url: string; source: string } | null> {
    const config = Config.forPath(project.cwd);
    const sources = { setting: config.databaseUrl, envVarName: config.databaseUrlEnvVar, env: process.env };
    const chosen = chooseDatabaseUrl(sources);
    if (chosen || !project.configPath) return chosen;
    const answer = await this.server.databaseUrl(project.key);
    if (!answer) throw new Error('the Alembic language server did not answer; the database URL of the config is not known yet (Refresh retries).');
    return chooseDatabaseUrl({ ...sources, configUrl: answer.url });
  }

  static secretKey(display: string): string {
    return `alembic.password:${display}`;
  }

  /** Stores the password for a database (an empty one forgets it), and notes that it is stored. */
  async storePassword(display: string, password: string): Promise<void> {
    if (password === '') await this.secrets.delete(DatabaseReader.secretKey(display));
    else await this.secrets.store(DatabaseReader.secretKey(display), password);
    const listed = new Set(this.memento.get<string[]>(STORED_PASSWORDS_KEY, []));
    if (password === '') listed.delete(display);
    else listed.add(display);
    await this.memento.update(STORED_PASSWORDS_KEY, [...listed].sort());
  }

  /**
   * The password stored for a database, looked up only when one was stored: each lookup is a round
   * trip to the workbench, 4–311 ms of the first paint while the window starts (bench/first-paint.ts).
   */
  private async storedPassword(display: string): Promise<string | undefined> {
    if (!this.memento.get<string[]>(STORED_PASSWORDS_KEY, []).includes(display)) return undefined;
    return this.secrets.get(DatabaseReader.secretKey(display));
  }

  /**
   * Environment for alembic runs: a password stored for this PostgreSQL database is handed to
   * libpq as PGPASSWORD (used when the URL itself has none). Never logged.
   */
  async alembicEnv(project: ProjectSnapshot): Promise<Record<string, string>> {
    // Without the server's answer alembic still reads the config's URL itself: no stored password then.
    const chosen = await this.databaseUrl(project).catch(() => null);
    if (!chosen) return {};
    const parsed = parseSqlalchemyUrl(chosen.url);
    if (parsed.kind !== 'postgresql') return {};
    const stored = await this.storedPassword(parsed.display);
    return stored ? { PGPASSWORD: stored } : {};
  }

  async read(project: ProjectSnapshot): Promise<DbRead> {
    // Restricted Mode: never connect to a host the repository names.
    if (!isTrusted()) return { kind: 'restricted' };
    const t0 = performance.now();
    const chosen = await this.databaseUrl(project);
    const urlMs = performance.now() - t0;
    if (!chosen) return { kind: 'no-url' };
    const parsed = parseSqlalchemyUrl(chosen.url);
    if (parsed.kind === 'invalid') return { kind: 'invalid-url', message: parsed.message };
    if (parsed.kind === 'other') return this.readWithAlembic(project, parsed.dialect, parsed.display);
    // A URL from the project's files (alembic.ini, pyproject.toml, .vscode/settings.json), not from
    // the user's own settings or environment.
    const fromProject = chosen.source === 'config' || (chosen.source === 'setting' && Config.forPath(project.cwd).databaseUrlFromWorkspace);
    return this.readPostgres(project, parsed.pg, parsed.display, fromProject, urlMs);
  }

  private async readPostgres(project: ProjectSnapshot, pg: PgTarget, display: string, fromProject: boolean, urlMs: number): Promise<DbRead> {
    const config = Config.forPath(project.cwd);
    if (needsHostConsent(fromProject, pg)) {
      const host = `${pg.host ?? 'localhost'}:${pg.port ?? 5432}`;
      const file = project.configPath ? path.basename(project.configPath) : 'The workspace settings';
      const answer = this.consent.host(host, file);
      if (answer !== 'allowed') {
        const message = answer === 'asking'
          ? `Not connected: the project names the server ${host}; allow the connection in the notification (asked once per workspace).`
          : `Not connected: you chose not to connect to ${host}, which the project names (reload the window to be asked again).`;
        return { kind: 'error', display, dialect: 'postgresql', reason: 'other', message };
      }
    }
    const t0 = performance.now();
    const stored = await this.storedPassword(display);
    const target: PgTarget = stored ? { ...pg, password: stored } : pg;
    const t1 = performance.now();
    const options = {
      table: config.versionTable,
      schema: config.versionTableSchema,
      timeoutMs: TIMEOUT_MS,
      // PGPASSWORD / ~/.pgpass only for the user's own URL or a server on this machine.
      passwordFallback: passwordFallbackAllowed(fromProject, pg),
    };
    const result = await readVersionTable(target, options);
    if (!this.timed) {
      this.timed = true;
      this.log.info(`First PostgreSQL read: URL chosen in ${Math.round(urlMs)} ms, stored password looked up in ${Math.round(t1 - t0)} ms, version table read in ${Math.round(performance.now() - t1)} ms`);
    }
    switch (result.kind) {
      case 'ok':
        return { kind: 'ok', display, dialect: 'postgresql', rows: result.rows };
      case 'no-table':
        return { kind: 'not-initialised', display, dialect: 'postgresql' };
      case 'error':
        this.log.warn(`Database ${display}: ${result.message}`);
        return { kind: 'error', display, dialect: 'postgresql', reason: result.reason, message: result.message };
    }
  }

  /** Non-PostgreSQL URLs: `alembic current`, parsed. Quiet: failures become the tree's error row. */
  private async readWithAlembic(project: ProjectSnapshot, dialect: string, display: string): Promise<DbRead> {
    // A background run executes the project's env.py and revision files: only with the program
    // the user allowed for this folder (a repository's settings or .venv could choose it).
    const command = await this.runs.command(targetOf(project));
    if (!command) {
      return { kind: 'error', display, dialect, reason: 'other', message: 'alembic current could not run (see the Alembic output).' };
    }
    const answer = this.consent.backgroundCommand(command, project.cwd);
    if (answer !== 'allowed') {
      const message = answer === 'asking'
        ? `Not read: reading the state of a ${dialect} database runs "${command.join(' ')} current" (the project's env.py); allow it in the notification (asked once per workspace), or use Alembic: Show Current Revision.`
        : `Not read: you chose not to run "${command.join(' ')} current" in the background (Alembic: Show Current Revision runs it once; reload the window to be asked again).`;
      return { kind: 'error', display, dialect, reason: 'other', message };
    }
    const out = await this.runs.run({ ...targetOf(project), env: await this.alembicEnv(project) }, ['current'], 'Reading the current revision', { quiet: true, background: true });
    if (!out) {
      return { kind: 'error', display, dialect, reason: 'other', message: 'alembic current could not run (see the Alembic output).' };
    }
    if (!out.ok) {
      return { kind: 'error', display, dialect, reason: 'other', message: `alembic current failed (see the Alembic output).` };
    }
    const rows = parseCurrentOutput(out.stdout);
    return rows.length === 0 ? { kind: 'not-initialised', display, dialect } : { kind: 'ok', display, dialect, rows };
  }
}
