// Writes a real Alembic project that the real `/usr/bin/alembic` can run against a real database:
// `alembic.ini` (rendered from alembic's own generic template, with our `sqlalchemy.url`),
// `migrations/env.py` and `migrations/script.py.mako` copied from the installed alembic's generic
// template at runtime, and one migration per revision. By default a revision's upgrade() creates
// table `t_<id>` and its downgrade() drops it, so `alembic upgrade` does real work that a test
// can observe in the database.
//
// Migration files come from test/support/fixture-writer.ts (`renderMigration`); only the
// upgrade()/downgrade() bodies are replaced here.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultFileName, pyRepr, renderMigration, type RevSpec } from './fixture-writer';

/** The installed alembic's generic template (Debian python3-alembic). */
export const GENERIC_TEMPLATE_DIR = '/usr/lib/python3/dist-packages/alembic/templates/generic';
/** The real alembic the tests run (the `python3` on PATH may lack alembic). */
export const ALEMBIC = '/usr/bin/alembic';

export interface ProjectRevision extends RevSpec {
  /** Python statements for upgrade(), one per line, without indentation. Default: create `t_<id>`. */
  upgrade?: string[];
  /** Python statements for downgrade(). Default: drop `t_<id>`. */
  downgrade?: string[];
}

export interface AlembicProjectOptions {
  /** SQLAlchemy URL written to `sqlalchemy.url` (`%` is doubled for ConfigParser). */
  url: string;
  revisions: ProjectRevision[];
  /** Folder to write into (created); default a fresh temp folder. */
  dir?: string;
  /** `script_location`, relative to the ini's folder; default `migrations`. */
  scriptLocation?: string;
  /** Passed to `context.configure(version_table=…)` in env.py when set. */
  versionTable?: string;
  /** Passed to `context.configure(version_table_schema=…)` in env.py when set. */
  versionTableSchema?: string;
  /** Name of the ini file; default `alembic.ini`. */
  iniName?: string;
}

export interface AlembicProject {
  /** The project folder (cwd for alembic). */
  dir: string;
  /** Absolute path of the ini file. */
  ini: string;
  /** Absolute path of `script_location`. */
  scriptDir: string;
  /** Absolute path of the versions folder. */
  versionsDir: string;
  /** Absolute path of the file written for each revision id. */
  files: Map<string, string>;
  /** Writes more revisions into the versions folder. */
  addRevisions(revisions: ProjectRevision[]): Promise<void>;
  /** Deletes the project folder. */
  remove(): Promise<void>;
}

/** The table a revision's default upgrade() creates. */
export function tableOf(id: string): string {
  return `t_${id}`;
}

/** Python statements that sleep (for cancel tests). */
export function sleepBody(seconds: number): string[] {
  return ['import time', `time.sleep(${seconds})`];
}

/** Python statements that make the migration fail with a RuntimeError. */
export function raiseBody(message: string): string[] {
  return [`raise RuntimeError(${pyRepr(message)})`];
}

function indent(lines: string[]): string {
  return lines.length === 0 ? 'pass' : lines.join('\n    ');
}

/** `renderMigration` output with working upgrade()/downgrade() bodies. */
export function renderProjectMigration(rev: ProjectRevision): string {
  const up = rev.upgrade ?? [`op.create_table(${pyRepr(tableOf(rev.id))}, sa.Column('id', sa.Integer, primary_key=True))`];
  const down = rev.downgrade ?? [`op.drop_table(${pyRepr(tableOf(rev.id))})`];
  const text = renderMigration(rev);
  const upMarker = '"""Upgrade schema."""\n    pass';
  const downMarker = '"""Downgrade schema."""\n    pass';
  if (!text.includes(upMarker) || !text.includes(downMarker)) {
    throw new Error('renderMigration changed its upgrade()/downgrade() layout; update alembic-project.ts');
  }
  return text
    .replace(upMarker, `"""Upgrade schema."""\n    ${indent(up)}`)
    .replace(downMarker, `"""Downgrade schema."""\n    ${indent(down)}`);
}

function renderIni(template: string, scriptLocation: string, url: string): string {
  const lines = template.replace('${script_location}', scriptLocation).split('\n');
  const out: string[] = [];
  for (const line of lines) {
    // Mako comments (`##`) and the `<%text>`-style constructs do not occur in the generic ini;
    // `sqlalchemy.url` is the one line we set.
    if (/^sqlalchemy\.url\s*=/.test(line)) out.push(`sqlalchemy.url = ${url.replace(/%/g, '%%')}`);
    else out.push(line);
  }
  return out.join('\n');
}

function renderEnv(template: string, versionTable?: string, schema?: string): string {
  const extra: string[] = [];
  if (versionTable !== undefined) extra.push(`version_table=${pyRepr(versionTable)}`);
  if (schema !== undefined) extra.push(`version_table_schema=${pyRepr(schema)}`);
  if (extra.length === 0) return template;
  const needle = 'target_metadata=target_metadata';
  const count = template.split(needle).length - 1;
  if (count !== 2) throw new Error(`env.py template: expected 2 context.configure() calls, found ${count}`);
  return template.split(needle).join(`${needle}, ${extra.join(', ')}`);
}

export async function writeAlembicProject(opts: AlembicProjectOptions): Promise<AlembicProject> {
  const dir = opts.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-project-')));
  await fs.mkdir(dir, { recursive: true });
  const scriptLocation = opts.scriptLocation ?? 'migrations';
  const scriptDir = path.resolve(dir, scriptLocation);
  const versionsDir = path.join(scriptDir, 'versions');
  const ini = path.join(dir, opts.iniName ?? 'alembic.ini');
  await fs.mkdir(versionsDir, { recursive: true });

  const [iniTemplate, envTemplate, mako] = await Promise.all([
    fs.readFile(path.join(GENERIC_TEMPLATE_DIR, 'alembic.ini.mako'), 'utf8'),
    fs.readFile(path.join(GENERIC_TEMPLATE_DIR, 'env.py'), 'utf8'),
    fs.readFile(path.join(GENERIC_TEMPLATE_DIR, 'script.py.mako'), 'utf8'),
  ]);
  await fs.writeFile(ini, renderIni(iniTemplate, scriptLocation, opts.url), 'utf8');
  await fs.writeFile(path.join(scriptDir, 'env.py'), renderEnv(envTemplate, opts.versionTable, opts.versionTableSchema), 'utf8');
  await fs.writeFile(path.join(scriptDir, 'script.py.mako'), mako, 'utf8');

  const files = new Map<string, string>();
  const addRevisions = async (revisions: ProjectRevision[]) => {
    for (const rev of revisions) {
      const file = path.join(versionsDir, rev.fileName ?? defaultFileName(rev));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, renderProjectMigration(rev), 'utf8');
      files.set(rev.id, file);
    }
  };
  await addRevisions(opts.revisions);

  return {
    dir,
    ini,
    scriptDir,
    versionsDir,
    files,
    addRevisions,
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
