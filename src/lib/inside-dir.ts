import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * True when `path` (symlinks resolved) is a file inside `dir`, not `dir` itself nor anything
 * outside it. A job's data can be edited in Redis or Bull Board: whoever reads a path from it
 * (the import worker, the API's reject sample) checks it against UPLOAD_DIR first.
 */
export async function insideDir(dir: string, path: string): Promise<boolean> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(resolve(path)), realpath(resolve(dir))]);
  } catch {
    return false;
  }
  const rel = relative(root, real);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
