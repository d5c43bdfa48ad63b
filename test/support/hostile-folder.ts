// Builds hostile project folders: what a repository can commit to make a reader hang, eat memory,
// walk the whole disk or report nonsense. Seeded, so a failing folder can be rebuilt exactly:
//   node out/test/support/hostile-folder.js DIR [SEED]    (builds one folder and prints its traits)
// Each trait says what the CLI must report for it; test/unit/hostile.test.ts runs seeded passes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { revisionSource } from './temp-tree';
import { prng as rng } from './prng';

export interface Trait {
  name: string;
  /** A text the CLI's output (stdout + stderr) must contain, with the folder written as `<dir>`. */
  expect: string;
  /** Exit status the trait forces (2: config unusable), or null when it only adds a problem. */
  exit: 2 | null;
}

type Maker = (dir: string, versions: string, r: () => number) => Trait;

const MAKERS: Record<string, Maker> = {
  'symlink to /dev/zero': (_dir, versions) => {
    fs.symlinkSync('/dev/zero', path.join(versions, 'zz_zero.py'));
    return { name: 'symlink to /dev/zero', expect: 'zz_zero.py: a symbolic link to something that is not a regular file', exit: null };
  },
  'symlink to a folder': (_dir, versions) => {
    fs.symlinkSync('/', path.join(versions, 'zz_root.py'));
    return { name: 'symlink to a folder', expect: 'zz_root.py: a symbolic link to something that is not a regular file', exit: null };
  },
  'named pipe': (_dir, versions) => {
    const { status } = require('node:child_process').spawnSync('mkfifo', [path.join(versions, 'zz_pipe.py')]) as { status: number | null };
    if (status !== 0) throw new Error('mkfifo failed');
    return { name: 'named pipe', expect: 'zz_pipe.py: not a regular file', exit: null };
  },
  'file over 10 MB': (_dir, versions) => {
    // Sparse: costs no disk, reads as NULs.
    const p = path.join(versions, 'zz_huge.py');
    fs.writeFileSync(p, revisionSource('huge01', null));
    fs.truncateSync(p, 11 * 1024 * 1024);
    return { name: 'file over 10 MB', expect: 'zz_huge.py: larger than 10 MB (11.0 MB); not read', exit: null };
  },
  'pathological docstring': (_dir, versions, r) => {
    const n = 200_000 + Math.floor(r() * 100_000);
    fs.writeFileSync(path.join(versions, 'p_spaces.py'), `"""a${' '.repeat(n)}b\n\nRevises:${' '.repeat(n)}x\n"""\nrevision = 'sp01'\ndown_revision = None\n`);
    return { name: 'pathological docstring', expect: 'p_spaces.py', exit: null };
  },
  'bytes that are not UTF-8 in a comment': (_dir, versions) => {
    fs.writeFileSync(path.join(versions, 'c_latin.py'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(`\n${revisionSource('lat01', null)}`)]));
    return { name: 'bytes that are not UTF-8 in a comment', expect: 'lat01', exit: null };
  },
  'interpolation bomb': (dir, _versions, r) => {
    const width = 20 + Math.floor(r() * 20);
    const lines = ['[alembic]', 'script_location = %(here)s/migrations', `sqlalchemy.url = %(k8)s`, 'k0 = x'];
    for (let i = 1; i <= 8; i++) lines.push(`k${i} = ${`%(k${i - 1})s`.repeat(width)}`);
    fs.writeFileSync(path.join(dir, 'alembic.ini'), lines.join('\n') + '\n');
    return { name: 'interpolation bomb', expect: 'alembic.ini:3: Bad interpolation in \'sqlalchemy.url\': references expand to more than 1 MB', exit: 2 };
  },
};

export const TRAITS = Object.keys(MAKERS);

/**
 * A project folder `dir` (alembic.ini + migrations/versions with two good revisions) with a
 * seeded choice of hostile traits (all of them when `all`).
 */
export function buildHostileFolder(dir: string, seed: number, all = false): Trait[] {
  const r = rng(seed);
  const versions = path.join(dir, 'migrations', 'versions');
  fs.mkdirSync(versions, { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
  fs.writeFileSync(path.join(versions, 'a_base.py'), revisionSource('base01', null));
  fs.writeFileSync(path.join(versions, 'b_next.py'), revisionSource('next02', 'base01'));
  const traits: Trait[] = [];
  for (const name of TRAITS) {
    if (all || r() < 0.5) traits.push(MAKERS[name](dir, versions, r));
  }
  return traits;
}

if (require.main === module) {
  const [dir, seed] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node out/test/support/hostile-folder.js DIR [SEED]');
    process.exit(2);
  }
  const traits = buildHostileFolder(path.resolve(dir), Number(seed ?? 1));
  for (const t of traits) console.log(`${t.name}: expect "${t.expect}"${t.exit ? `, exit ${t.exit}` : ''}`);
}
