// What reading a project's database gave, and how it is said to the user. Pure (no `vscode`).

/** What the tree, the status bar and the hovers say about the database in Restricted Mode. */
export const RESTRICTED_NOTE = 'Restricted Mode: the database is not read and alembic does not run until you trust this folder.';

export type DbErrorReason = 'unreachable' | 'auth' | 'no-database' | 'timeout' | 'ssl' | 'permission' | 'other';

export type DbRead =
  | { kind: 'ok'; display: string; dialect: string; rows: string[] }
  | { kind: 'not-initialised'; display: string; dialect: string }
  | { kind: 'no-url' }
  /** Restricted Mode: the database was not read (workspace not trusted). */
  | { kind: 'restricted' }
  | { kind: 'invalid-url'; message: string }
  | { kind: 'error'; display: string; dialect: string; reason: DbErrorReason; message: string };

/** Sentence shown in the tree for each failure reason. */
export function reasonText(reason: DbErrorReason): string {
  switch (reason) {
    case 'unreachable':
      return 'Database server unreachable';
    case 'auth':
      return 'Wrong user name or password';
    case 'no-database':
      return 'Database does not exist';
    case 'timeout':
      return 'Database did not answer in time';
    case 'ssl':
      return 'TLS/SSL connection failed';
    case 'permission':
      return 'No permission to read the version table';
    case 'other':
      return 'Could not read the database';
  }
}

/** A sentence about the database for hovers and the status bar, or null when it was read. */
export function noteOf(db: DbRead): string | null {
  switch (db.kind) {
    case 'ok':
      return null;
    case 'not-initialised':
      return `Database ${db.display} not initialised (no version table): every revision is pending.`;
    case 'no-url':
      return 'No database URL configured.';
    case 'restricted':
      return RESTRICTED_NOTE;
    case 'invalid-url':
      return db.message;
    case 'error':
      return `Database ${db.display}: ${db.message}`;
  }
}
