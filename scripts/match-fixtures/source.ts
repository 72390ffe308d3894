/**
 * Where eval and bench get labeled data: `vaxverify generate` when that command is
 * registered (the project's generator), else the built-in fixture generator.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures } from './generate.js';

export const FIXTURE_FILES = ['population.ndjson', 'doses.ndjson', 'truth.ndjson'] as const;

function projectGeneratorRegistered(): boolean {
  const help = spawnSync(process.execPath, ['bin/vaxverify.js', '--help'], { encoding: 'utf8' });
  return help.status === 0 && /^\s+generate\b/m.test(help.stdout);
}

/** Makes sure `dir` holds the three files; returns which generator wrote them. */
export async function ensureFixtures(
  dir: string,
  people: number,
  seed: number,
  regenerate: boolean,
  builtin = false,
): Promise<string> {
  if (!regenerate && FIXTURE_FILES.every((f) => existsSync(join(dir, f)))) return 'existing files';
  if (!builtin && projectGeneratorRegistered()) {
    const args = ['bin/vaxverify.js', 'generate', '--people', String(people), '--seed', String(seed), '--out', dir];
    const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`vaxverify generate failed (exit ${run.status})`);
    return 'vaxverify generate';
  }
  await generateFixtures({ people, seed, dir });
  return 'built-in fixture generator (scripts/match-fixtures)';
}
