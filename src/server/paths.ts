// file: URI ↔ absolute path, and small path predicates. The server keys everything on absolute
// paths; URIs appear only at the LSP boundary.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The absolute path of a `file:` URI, or null for any other scheme (untitled:, git:, …). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return null;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}

/** True when `child` is `parent` itself or lies below it. */
export function isSameOrInside(parent: string, child: string): boolean {
  if (child === parent) return true;
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** True when `child` lies strictly below `parent`. */
export function isInside(parent: string, child: string): boolean {
  return child !== parent && isSameOrInside(parent, child);
}
