// Renders an example migration with the real alembic (`upgrade --sql`, offline, PostgreSQL
// dialect) and splits the printed script into statements with the real PostgreSQL parser,
// keeping whether each ran inside alembic's transaction or in an autocommit block.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSqlParser } from '../../src/io/sql-parser';
import { ALEMBIC, GENERIC_TEMPLATE_DIR } from './alembic-project';
import { exampleFile } from './lint-examples';

export interface RenderedStatement {
  sql: string;
  /** Parse-tree node type (`IndexStmt`, `AlterTableStmt`…). */
  type: string;
  /** False when alembic ran it outside its transaction (between COMMIT and BEGIN). */
  inTransaction: boolean;
}

function run(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(ALEMBIC, args, { cwd, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The statements of upgrade() as `alembic upgrade a1 --sql` prints them (alembic_version bookkeeping dropped). */
export async function renderUpgradeSql(upBody: string, downBody?: string): Promise<RenderedStatement[]> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lint-sql-'));
  try {
    const scripts = path.join(dir, 'migrations');
    await fs.mkdir(path.join(scripts, 'versions'), { recursive: true });
    const ini = (await fs.readFile(path.join(GENERIC_TEMPLATE_DIR, 'alembic.ini.mako'), 'utf8'))
      .replace(/\$\{script_location\}/g, 'migrations')
      .replace(/^sqlalchemy\.url = .*$/m, 'sqlalchemy.url = postgresql://lint@localhost/lint');
    await fs.writeFile(path.join(dir, 'alembic.ini'), ini);
    await fs.copyFile(path.join(GENERIC_TEMPLATE_DIR, 'env.py'), path.join(scripts, 'env.py'));
    await fs.copyFile(path.join(GENERIC_TEMPLATE_DIR, 'script.py.mako'), path.join(scripts, 'script.py.mako'));
    await fs.writeFile(path.join(scripts, 'versions', 'a1_example.py'), exampleFile('a1', null, upBody, downBody));
    const r = await run(dir, ['upgrade', 'a1', '--sql']);
    if (r.code !== 0) throw new Error(`alembic upgrade --sql failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return await splitScript(r.stdout);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function splitScript(script: string): Promise<RenderedStatement[]> {
  const parse = await loadSqlParser();
  // Alembic prints one statement per `;` followed by a blank line; the parser tells the kinds.
  const chunks = script.split(/;\s*\n\s*\n/).map((c) => c.split('\n').filter((l) => !l.trimStart().startsWith('--')).join('\n').trim()).filter(Boolean);
  const parsed = chunks.map((chunk) => {
    const r = parse(chunk);
    const node = 'error' in r ? undefined : (r.stmts[0] as { stmt?: Record<string, unknown> } | undefined)?.stmt;
    const type = node ? Object.keys(node)[0] : 'error' in r ? 'ParseError' : '';
    const tx = type === 'TransactionStmt' ? ((node?.TransactionStmt as { kind?: string } | undefined)?.kind ?? '') : '';
    return { chunk, type, tx };
  });
  const out: RenderedStatement[] = [];
  let inTx = false;
  for (let i = 0; i < parsed.length; i++) {
    const { chunk, type, tx } = parsed[i];
    if (tx === 'TRANS_STMT_BEGIN') { inTx = true; continue; }
    if (tx === 'TRANS_STMT_COMMIT') {
      // Alembic's own COMMIT is followed by its BEGIN (autocommit block) or by nothing (the end);
      // one followed by another COMMIT first was sent by the migration through op.execute.
      const next = parsed.slice(i + 1).find((p) => p.tx === 'TRANS_STMT_BEGIN' || p.tx === 'TRANS_STMT_COMMIT');
      if (next === undefined || next.tx === 'TRANS_STMT_BEGIN') { inTx = false; continue; }
    }
    if (/alembic_version/.test(chunk)) continue;
    out.push({ sql: chunk, type, inTransaction: inTx });
  }
  return out;
}
