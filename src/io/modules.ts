// Reads the project's Python modules that revision files import from (core/imports.ts decides
// which), bounded: only regular files whose real path lies under the project's folders, at most
// MAX_MODULE_BYTES each and MAX_MODULES per scan. Nothing is ever executed. Never throws.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { ProjectConfig } from '../core/config';
import { isPackageResource } from '../core/config';
import { type Defines, type ModuleFiles, moduleSearchPath, ProjectImports } from '../core/imports';
import { decodePythonSource } from './scan';

export const MAX_MODULE_BYTES = 512 * 1024;
export const MAX_MODULES = 200;

export interface ModuleReadOptions {
  /** Folders whose files may be read (workspace folders, the config's folder, the CLI's folder). */
  roots: readonly string[];
  /** Unsaved editor text of a path, when open (the language server). */
  openText?: (path: string) => string | undefined;
}

function isUnder(root: string, p: string): boolean {
  const rel = nodePath.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

function realOrSame(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Module file reads under `roots`. */
export function moduleFiles(opts: ModuleReadOptions): ModuleFiles {
  const roots = opts.roots.map((r) => realOrSame(nodePath.resolve(r)));
  let count = 0;
  return {
    isDir(p: string): boolean {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    read(p: string): { text: string } | { error: string } | null {
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        return null; // no such file (or a dangling link): Python would not find it either
      }
      if (!roots.some((r) => isUnder(r, real))) {
        return { error: `${p} lies outside the project's folders (${opts.roots.join(', ')}), so it is not read` };
      }
      const open = opts.openText?.(p);
      if (open !== undefined) return { text: open };
      if (count >= MAX_MODULES) return { error: `more than ${MAX_MODULES} modules would be read; ${p} is not` };
      let fd: number;
      try {
        fd = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch (e) {
        return { error: `cannot read ${p}: ${e instanceof Error ? e.message : String(e)}` };
      }
      try {
        const st = fstatSync(fd);
        if (st.isDirectory()) return null;
        if (!st.isFile()) return { error: `${p} is not a regular file` };
        if (st.size > MAX_MODULE_BYTES) return { error: `${p} is larger than ${MAX_MODULE_BYTES / 1024} KB, so it is not read` };
        count++;
        const buf = Buffer.allocUnsafe(st.size + 1);
        let n = 0;
        while (n < buf.length) {
          const got = readSync(fd, buf, n, buf.length - n, null);
          if (got === 0) break;
          n += got;
        }
        if (n > MAX_MODULE_BYTES) return { error: `${p} is larger than ${MAX_MODULE_BYTES / 1024} KB, so it is not read` };
        return { text: decodePythonSource(buf.subarray(0, n)).text };
      } catch (e) {
        return { error: `cannot read ${p}: ${e instanceof Error ? e.message : String(e)}` };
      } finally {
        closeSync(fd);
      }
    },
  };
}

export interface ImportsOptions {
  /** Workspace folders (the language server) or the CLI's project folder. */
  folders: readonly string[];
  defines?: Defines;
  openText?: (path: string) => string | undefined;
}

/** The import evaluator for one scan of `config`: modules found on the project's search path,
 * read only under the config's folder and `folders`. */
export function projectImports(config: ProjectConfig, opts: ImportsOptions): ProjectImports {
  const prepend = config.prependSysPath.filter((p) => !isPackageResource(p));
  const searchPath = moduleSearchPath(prepend, config.rootDir, opts.folders);
  const files = moduleFiles({ roots: [config.rootDir, ...opts.folders], openText: opts.openText });
  return new ProjectImports(searchPath, files, opts.defines);
}
