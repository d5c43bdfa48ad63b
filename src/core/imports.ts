// Values a revision file imports from the project (`from myproject.db.migration import cli` then
// `branch_labels = (cli.EXPAND_BRANCH,)`), read the way Python would find them — without running
// anything. Pure: module files come through `ModuleFiles`, which src/io implements (bounded reads
// under the project's folders); this file finds modules on a search path as Python's path finder
// does, reads their top level with the same literal reader as revision files, and follows one
// level of re-export (`from .constants import EXPAND_BRANCH` in the imported module).
import * as nodePath from 'node:path';
import { LineIndex } from './python/lines';
import { ALL_NAMES, type ModuleAssignment, scanModule } from './python/module';
import { type ImportRef, type PyValue, qualifiedName, shownName, unresolved } from './python/values';

/** The file reads the resolver needs (synchronous; implemented in src/io). */
export interface ModuleFiles {
  /** The decoded text of a regular file; null when there is none; a string error message when it
   * exists but may not or cannot be read (too big, outside the project, unreadable). */
  read(path: string): { text: string } | { error: string } | null;
  isDir(path: string): boolean;
}

/** Values supplied by the user for what cannot be read (`--define`, `alembic.defines`). Keys are
 * the qualified name (`myproject.db.migration.cli.EXPAND_BRANCH`) or the expression as written in
 * the revision file (`cli.EXPAND_BRANCH`). */
export type Defines = ReadonlyMap<string, string>;

/** Longest dotted name followed (module and attributes): keeps the walk's depth bounded. */
const MAX_NAME_PARTS = 64;

/** How many `from x import NAME` hops are followed from the module a revision file imports. */
const MAX_REEXPORTS = 1;

interface LoadedModule {
  name: string;
  path: string | null;
  /** Folders of a package (its own folder, or the portions of a namespace package); null for a plain module. */
  packagePath: string[] | null;
  assignments: ReadonlyMap<string, ModuleAssignment>;
}

type Found = { ok: true; module: LoadedModule } | { ok: false; why: string };

/** The folders Python would search for the project's modules, in order, without duplicates:
 * `prepend_sys_path` entries, the config's folder, each workspace folder, and the `src/` of those
 * folders (a src layout). */
export function moduleSearchPath(prependSysPath: readonly string[], rootDir: string, workspaceFolders: readonly string[]): string[] {
  const out: string[] = [];
  const add = (p: string): void => {
    const n = nodePath.resolve(p);
    if (!out.includes(n)) out.push(n);
  };
  for (const p of prependSysPath) if (nodePath.isAbsolute(p)) add(p);
  add(rootDir);
  for (const f of workspaceFolders) add(f);
  for (const f of [rootDir, ...workspaceFolders]) add(nodePath.join(f, 'src'));
  return out;
}

/** A `--define NAME=VALUE` argument or setting entry: the pair, or an error message. */
export function parseDefine(text: string): { name: string; value: string } | { error: string } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || !/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(name)) {
    return { error: `--define takes NAME=VALUE with a dotted Python name (e.g. myproject.db.migration.cli.EXPAND_BRANCH=expand), not '${text}'` };
  }
  return { name, value: text.slice(eq + 1) };
}

/**
 * Evaluates imported values for the revision reader. One instance per scan: modules are read
 * once; `readPaths` lists every module file looked at, found or not (the language server reads
 * the project again when one of them changes, appears or goes away).
 */
export class ProjectImports {
  private readonly modules = new Map<string, Found>();
  readonly readPaths = new Set<string>();

  constructor(
    private readonly searchPath: readonly string[],
    private readonly files: ModuleFiles,
    private readonly defines: Defines = new Map(),
  ) {}

  /** The `ImportResolver` of revision files (a bound function). */
  readonly resolve = (ref: ImportRef): PyValue => {
    const qualified = qualifiedName(ref);
    const supplied = this.defines.get(qualified) ?? (ref.expr !== '' ? this.defines.get(ref.expr) : undefined);
    if (supplied !== undefined) return { kind: 'str', value: supplied, idStart: 0, idEnd: 0 };
    if (ref.module.split('.').length + ref.attrs.length > MAX_NAME_PARTS) {
      return this.cannot(ref, `a dotted name of more than ${MAX_NAME_PARTS} parts is not followed`);
    }
    if (ref.module.startsWith('.')) {
      return this.cannot(ref, 'a relative import in a revision file names no package Python could import it from');
    }
    const r = this.lookup(ref.module, ref.attrs, 0);
    return 'why' in r ? this.cannot(ref, r.why) : r.value;
  };

  private cannot(ref: ImportRef, why: string): PyValue {
    const expr = shownName(ref.expr !== '' ? ref.expr : qualifiedName(ref));
    const name = shownName(qualifiedName(ref));
    const reason = why.length > 600 ? `${why.slice(0, 597)}...` : why;
    return unresolved(`${expr}${expr === name ? '' : ` (${name})`}, which could not be read: ${reason}`, undefined, ref);
  }

  /** The value of `module`.attrs…, following submodules and up to MAX_REEXPORTS re-exports. */
  private lookup(module: string, attrs: readonly string[], hops: number): { value: PyValue } | { why: string } {
    const found = this.load(module);
    if (!found.ok) return { why: found.why };
    const m = found.module;
    if (attrs.length === 0) return { why: `${module} is a module, not a value` };
    const [name, ...rest] = attrs;
    const a = m.assignments.get(name);
    if (a === undefined) {
      if (m.packagePath !== null) return this.lookup(`${module}.${name}`, rest, hops);
      return { why: `${module} (${m.path ?? module}) assigns no module-level ${name}` };
    }
    const v = a.value;
    if (v.kind === 'unresolved') {
      if (v.ref === undefined) return { why: `${module}.${name} is set ${v.phrase ?? `to ${v.what}`}` };
      if (hops >= MAX_REEXPORTS) {
        return { why: `${module}.${name} is imported from ${qualifiedName(v.ref)}; only ${MAX_REEXPORTS} level of re-export is followed` };
      }
      const target = absoluteModule(v.ref.module, m);
      if (target === null) return { why: `${module}.${name} is imported relative to a package that does not exist` };
      // `from . import cli` in a package's __init__.py: the submodule itself, not a re-export.
      if (target === module && v.ref.attrs.length === 1 && v.ref.attrs[0] === name && m.packagePath !== null) {
        return this.lookup(`${module}.${name}`, rest, hops);
      }
      return this.lookup(target, [...v.ref.attrs, ...rest], hops + 1);
    }
    if (rest.length > 0) return { why: `${module}.${name} is a constant, not a module` };
    return { value: v };
  }

  private load(module: string): Found {
    let f = this.modules.get(module);
    if (f === undefined) {
      f = this.find(module);
      this.modules.set(module, f);
    }
    return f;
  }

  /** Python's path finder on the search path: a package folder with `__init__.py` first, then
   * `name.py`, in each folder in turn; folders without `__init__.py` make a namespace package. */
  private find(module: string): Found {
    const dot = module.lastIndexOf('.');
    let where: readonly string[];
    if (dot < 0) {
      where = this.searchPath;
    } else {
      const parent = this.load(module.slice(0, dot));
      if (!parent.ok) return parent;
      if (parent.module.packagePath === null) return { ok: false, why: `${module.slice(0, dot)} is a module, not a package` };
      where = parent.module.packagePath;
    }
    const last = module.slice(dot + 1);
    const portions: string[] = [];
    for (const dir of where) {
      const pkg = nodePath.join(dir, last);
      const init = this.readModule(module, nodePath.join(pkg, '__init__.py'), [pkg]);
      if (init !== null) return init;
      const plain = this.readModule(module, nodePath.join(dir, `${last}.py`), null);
      if (plain !== null) return plain;
      if (this.files.isDir(pkg)) portions.push(pkg);
    }
    if (portions.length > 0) return { ok: true, module: { name: module, path: null, packagePath: portions, assignments: new Map() } };
    return { ok: false, why: `module ${module} is not found in ${where.join(', ')}` };
  }

  private readModule(module: string, path: string, packagePath: string[] | null): Found | null {
    this.readPaths.add(path);
    const r = this.files.read(path);
    if (r === null) return null;
    if ('error' in r) return { ok: false, why: r.error };
    const scan = scanModule(r.text, ALL_NAMES, new LineIndex(r.text));
    if (scan.error !== null) return { ok: false, why: `${path} has a syntax error: ${scan.error.message}` };
    return { ok: true, module: { name: module, path, packagePath, assignments: scan.assignments } };
  }
}

/** The absolute module a (possibly relative) import inside `from` names, or null. */
function absoluteModule(module: string, from: LoadedModule): string | null {
  let level = 0;
  while (module.charCodeAt(level) === 46) level++;
  if (level === 0) return module;
  // A package's own module is its package; a plain module's package is its parent.
  const parts = from.name.split('.');
  if (from.packagePath === null) parts.pop();
  for (let i = 1; i < level; i++) parts.pop();
  if (parts.length === 0) return null;
  const rest = module.slice(level);
  return rest === '' ? parts.join('.') : `${parts.join('.')}.${rest}`;
}
