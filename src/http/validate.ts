import type { z } from 'zod';
import { ValidationError } from '../lib/errors/index.js';

/** Parse a request part with a zod schema; a 400 names each bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${where}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
    throw new ValidationError(problems.join('; '), { problems });
  }
  return r.data;
}
