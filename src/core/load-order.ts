// Alembic's load order of revision files, and the cheap re-check a rebuild after one edit needs.
// Pure: path strings only.
import type { MigrationFile } from './types';

/**
 * Orders paths the way alembic (1.10+) loads them from one version location: a top-down walk,
 * each folder's files sorted by code point before its sub-folders (also sorted).
 */
export function compareLoadOrder(a: string, b: string): number {
  if (a === b) return 0;
  return compareSegments(a.split(/[\\/]/), b.split(/[\\/]/));
}

function compareSegments(sa: readonly string[], sb: readonly string[]): number {
  const n = Math.min(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const lastA = i === sa.length - 1;
    const lastB = i === sb.length - 1;
    if (lastA !== lastB) return lastA ? -1 : 1;
    if (sa[i] !== sb[i]) return sa[i] < sb[i] ? -1 : 1;
  }
  return sa.length - sb.length;
}

/**
 * The last build's input and its load order (`position[i]`: where input file i went; undefined
 * when the input was already in order), so that a rebuild after one edit skips the sort.
 */
let lastOrder: { input: readonly MigrationFile[]; sorted: readonly MigrationFile[]; position: Int32Array | undefined; dir: string } | undefined;

function folderOf(p: string): string {
  return p.slice(0, Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

/** True when `p` names a file directly inside folder `dir`. */
function directlyIn(p: string, dir: string): boolean {
  return p.length > dir.length && p.startsWith(dir) && p.indexOf('/', dir.length) === -1 && p.indexOf('\\', dir.length) === -1;
}

/**
 * The load order of `files` when it equals the last build's input except for a few positions,
 * read cheaply from the last order: a replaced file with the same path takes its predecessor's
 * place; otherwise (last input already sorted, one folder) a replaced file in order with its
 * neighbours keeps the order. Undefined when that cannot be told cheaply.
 */
function reuseOrder(files: readonly MigrationFile[]): MigrationFile[] | undefined {
  const last = lastOrder;
  if (last === undefined || last.input.length !== files.length) return undefined;
  const changed: number[] = [];
  let samePaths = true;
  for (let i = 0; i < files.length; i++) {
    if (files[i] === last.input[i]) continue;
    if (changed.push(i) > 64) return undefined;
    if (files[i].path !== last.input[i].path) samePaths = false;
  }
  if (samePaths) {
    const sorted = last.sorted.slice();
    for (const i of changed) sorted[last.position === undefined ? i : last.position[i]] = files[i];
    return sorted;
  }
  if (last.position !== undefined) return undefined;
  for (const i of changed) {
    const p = files[i].path;
    if (!directlyIn(p, last.dir)) return undefined;
    if ((i > 0 && p < files[i - 1].path) || (i + 1 < files.length && files[i + 1].path < p)) return undefined;
  }
  return files.slice();
}

/**
 * 'sorted' when every file sits in one folder and the list is already in load order (the usual
 * case: no re-sort needed), 'flat' when they share one folder but are out of order (then a plain
 * path comparison is the load order), else 'nested'. Compares whole paths: with one shared folder
 * prefix that orders exactly as the file names do, and nothing is sliced.
 */
function loadOrderShape(files: readonly MigrationFile[]): 'sorted' | 'flat' | 'nested' {
  if (files.length === 0) return 'sorted';
  const dir = folderOf(files[0].path);
  let prev = '';
  let sorted = true;
  for (let i = 0; i < files.length; i++) {
    const p = files[i].path;
    if (!directlyIn(p, dir)) return 'nested';
    if (sorted && p < prev) sorted = false;
    prev = p;
  }
  return sorted ? 'sorted' : 'flat';
}

/** `files` in alembic's load order (see compareLoadOrder); a new array, the input is left alone. */
export function loadOrder(files: readonly MigrationFile[]): MigrationFile[] {
  const reused = reuseOrder(files);
  if (reused !== undefined) {
    if (lastOrder !== undefined) lastOrder = { ...lastOrder, input: files.slice(), sorted: reused.slice() };
    return reused;
  }
  const shape = loadOrderShape(files);
  let position: Int32Array | undefined;
  let sorted: MigrationFile[];
  if (shape === 'sorted') sorted = files.slice();
  else {
    // Sort positions (stable, so equal paths keep their input order) to remember the permutation.
    const order = Array.from({ length: files.length }, (_, i) => i);
    if (shape === 'flat') {
      order.sort((x, y) => (files[x].path < files[y].path ? -1 : files[x].path > files[y].path ? 1 : 0));
    } else {
      const keys = files.map((f) => f.path.split(/[\\/]/));
      order.sort((x, y) => compareSegments(keys[x], keys[y]));
    }
    position = new Int32Array(files.length);
    sorted = new Array<MigrationFile>(files.length);
    for (let k = 0; k < order.length; k++) {
      position[order[k]] = k;
      sorted[k] = files[order[k]];
    }
  }
  lastOrder = sorted.length > 0 ? { input: files.slice(), sorted: sorted.slice(), position, dir: folderOf(sorted[0].path) } : undefined;
  return sorted;
}
