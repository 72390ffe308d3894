import { basename, dirname, extname, join } from 'node:path';

/** `campaign/doses.csv` → `campaign/doses.rejects.csv`; stdin → `./import.rejects.csv`. */
export function defaultRejectsPath(input: string): string {
  if (input === '-') return 'import.rejects.csv';
  return join(dirname(input), `${basename(input, extname(input))}.rejects.csv`);
}
