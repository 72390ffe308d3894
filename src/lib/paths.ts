import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root (the folder holding package.json and data/), found by walking up from
 * this file: the same answer from the TypeScript sources (src/lib) and from the build
 * (dist/src/lib), in a checkout and in the Docker image.
 */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`vaxverify: no project root (package.json + data/) above ${start}`);
    dir = up;
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A reference data file shipped in data/ (administrative units, name lists). */
export const dataFile = (name: string): string => join(PROJECT_ROOT, 'data', name);
