/**
 * Where eval and bench get labeled data: `vaxverify generate` (src/domain/synth), the
 * project's only generator, run once per folder and reused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const GENERATED_FILES = ['population.ndjson', 'doses.ndjson', 'truth.ndjson'] as const;

/** Makes sure `dir` holds the three files; says whether they were generated now. `extra`: more `generate` options. */
export function ensureGenerated(dir: string, people: number, seed: number, regenerate: boolean, extra: readonly string[] = []): string {
  if (!regenerate && GENERATED_FILES.every((f) => existsSync(join(dir, f)))) return 'existing files from vaxverify generate';
  const args = ['bin/vaxverify.js', 'generate', '--people', String(people), '--seed', String(seed), '--out', dir, ...extra];
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`vaxverify generate failed (exit ${run.status})`);
  return 'vaxverify generate';
}
