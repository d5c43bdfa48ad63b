// Generates benchmark Alembic projects: `alembic.ini` + `migrations/` (env.py, script.py.mako) +
// `migrations/versions/` with N revision files in the current template style, with realistic
// upgrade/downgrade bodies (~1–2 KB per file).
//
// Shape (deterministic for a given N): a labelled `main` line with a branch point every ~40
// revisions (2–3 branches of 1–5 revisions each) merged back by a merge revision; a separately
// based, labelled `audit` line (~2 % of revisions); ~1 % of main revisions `depends_on` an earlier
// audit revision. Two heads, each carrying its own branch label (a normal, permanent layout).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { defaultFileName, renderMigration, type RevSpec } from '../test/support/fixture-writer';

/** mulberry32: a tiny seeded PRNG so every run writes the same folders. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLES = ['account', 'invoice', 'order_line', 'customer', 'product', 'shipment', 'payment', 'audit_event', 'tenant', 'user_role'];
const COLUMNS: Array<[string, string]> = [
  ['name', 'sa.String(length=255)'],
  ['email', 'sa.String(length=320)'],
  ['amount', 'sa.Numeric(precision=12, scale=2)'],
  ['created_at', 'sa.DateTime(timezone=True)'],
  ['updated_at', 'sa.DateTime(timezone=True)'],
  ['is_active', 'sa.Boolean()'],
  ['quantity', 'sa.Integer()'],
  ['notes', 'sa.Text()'],
  ['external_ref', 'sa.String(length=64)'],
  ['status', "sa.Enum('draft', 'open', 'closed', name='status_enum')"],
];

export interface GeneratedProject {
  /** The project folder (holds alembic.ini). */
  root: string;
  /** The versions folder (holds the N revision files). */
  versions: string;
  specs: RevSpec[];
  /** File name of every revision, by id. */
  fileNames: Map<string, string>;
  heads: string[];
}

/** The graph, without writing anything. */
export function generateSpecs(n: number, seed = 1): RevSpec[] {
  const rand = prng(seed * 7919 + n);
  const used = new Set<string>();
  const newId = (): string => {
    for (;;) {
      let s = '';
      for (let i = 0; i < 12; i++) s += Math.floor(rand() * 16).toString(16);
      if (!used.has(s) && !/^\d+$/u.test(s)) {
        used.add(s);
        return s;
      }
    }
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const message = (): string => {
    const t = pick(TABLES);
    const c = pick(COLUMNS)[0];
    return pick([`add ${c} to ${t}`, `create ${t} table`, `index ${t}.${c}`, `backfill ${t} ${c}`, `drop legacy ${c} from ${t}`]);
  };

  const specs: RevSpec[] = [];
  const auditTarget = Math.max(2, Math.round(n * 0.02));
  const audit: string[] = [];
  // audit line
  let prev: string | null = null;
  for (let i = 0; i < auditTarget; i++) {
    const id = newId();
    specs.push({ id, down: prev, branchLabels: i === 0 ? ['audit'] : undefined, message: `audit: ${message()}` });
    audit.push(id);
    prev = id;
  }
  // main line
  let tip = newId();
  specs.push({ id: tip, down: null, branchLabels: ['main'], message: 'initial schema' });
  while (specs.length < n) {
    const left = n - specs.length;
    if (left > 20 && rand() < 1 / 40) {
      // branch point at `tip`: 2–3 branches, then a merge
      const k = 2 + Math.floor(rand() * 2);
      const tips: string[] = [];
      for (let b = 0; b < k; b++) {
        let p = tip;
        const len = 1 + Math.floor(rand() * 5);
        for (let j = 0; j < len; j++) {
          const id = newId();
          specs.push({ id, down: p, message: message() });
          p = id;
        }
        tips.push(p);
      }
      const merge = newId();
      specs.push({ id: merge, down: tips, message: `merge ${tips.join(', ')}` });
      tip = merge;
      continue;
    }
    const id = newId();
    const spec: RevSpec = { id, down: tip, message: message() };
    if (rand() < 0.01) spec.dependsOn = [pick(audit)];
    specs.push(spec);
    tip = id;
  }
  return specs;
}

const BODY_MARK_UP = '    """Upgrade schema."""\n    pass\n';
const BODY_MARK_DOWN = '    """Downgrade schema."""\n    pass\n';

/** A realistic autogenerate-style body (create table with columns, an index; and the reverse). */
function bodies(id: string, rand: () => number): { up: string; down: string } {
  const table = `${TABLES[Math.floor(rand() * TABLES.length)]}_${id.slice(0, 6)}`;
  const ncols = 5 + Math.floor(rand() * 8);
  const cols: string[] = ["        sa.Column('id', sa.BigInteger(), nullable=False),"];
  let indexed = '';
  for (let i = 0; i < ncols; i++) {
    const [name, type] = COLUMNS[(i + Math.floor(rand() * 3)) % COLUMNS.length];
    if (i === 0) indexed = `${name}_0`;
    cols.push(`        sa.Column('${name}_${i}', ${type}, nullable=${rand() < 0.5 ? 'True' : 'False'}),`);
  }
  const up = [
    '    """Upgrade schema."""',
    '    # ### commands auto generated by Alembic - please adjust! ###',
    `    op.create_table(`,
    `        '${table}',`,
    ...cols,
    `        sa.PrimaryKeyConstraint('id', name=op.f('pk_${table}')),`,
    '    )',
    `    op.create_index(op.f('ix_${table}_${indexed}'), '${table}', ['${indexed}'], unique=False)`,
    '    # ### end Alembic commands ###',
    '',
  ].join('\n');
  const down = [
    '    """Downgrade schema."""',
    '    # ### commands auto generated by Alembic - please adjust! ###',
    `    op.drop_index(op.f('ix_${table}_${indexed}'), table_name='${table}')`,
    `    op.drop_table('${table}')`,
    '    # ### end Alembic commands ###',
    '',
  ].join('\n');
  return { up, down };
}

/** The full file text for one spec (the template with realistic bodies). */
export function renderBenchMigration(spec: RevSpec, rand: () => number): string {
  const { up, down } = bodies(spec.id, rand);
  return renderMigration(spec).replace(BODY_MARK_UP, up).replace(BODY_MARK_DOWN, down);
}

const ENV_PY = `from alembic import context

# Benchmark project: never run online or offline (heads/history do not execute env.py).
raise SystemExit("benchmark project: env.py is not meant to run")
`;

const MAKO = `"""\${message}

Revision ID: \${up_revision}
Revises: \${down_revision | comma,n}
Create Date: \${create_date}

"""
`;

/** Writes (or re-uses, when already complete) a project with n revisions under `dir`. */
export async function writeBenchProject(dir: string, n: number): Promise<GeneratedProject> {
  const specs = generateSpecs(n);
  const versions = path.join(dir, 'migrations', 'versions');
  const fileNames = new Map<string, string>(specs.map((s) => [s.id, defaultFileName(s)]));
  const children = new Set<string>();
  for (const s of specs) for (const d of s.down === null ? [] : typeof s.down === 'string' ? [s.down] : s.down) children.add(d);
  const heads = specs.filter((s) => !children.has(s.id)).map((s) => s.id);
  const marker = path.join(dir, '.complete');
  const want = `${n} v2\n`;
  const have = await fs.readFile(marker, 'utf8').catch(() => '');
  if (have === want) return { root: dir, versions, specs, fileNames, heads };

  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(versions, { recursive: true });
  await fs.writeFile(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = postgresql://bench@localhost/bench\n');
  await fs.writeFile(path.join(dir, 'migrations', 'env.py'), ENV_PY);
  await fs.writeFile(path.join(dir, 'migrations', 'script.py.mako'), MAKO);
  const rand = prng(n);
  const batch = 256;
  for (let i = 0; i < specs.length; i += batch) {
    await Promise.all(
      specs.slice(i, i + batch).map((s) => fs.writeFile(path.join(versions, fileNames.get(s.id) ?? ''), renderBenchMigration(s, rand))),
    );
  }
  await fs.writeFile(marker, want);
  return { root: dir, versions, specs, fileNames, heads };
}
