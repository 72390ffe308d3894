/**
 * A condition matching any of `values`: a plain equality for one value, else `$in`. Same
 * answer on every store; a single equality is pushed down by FerretDB, `$in` is not.
 */
export function anyOf<T>(values: readonly T[]): T | { $in: T[] } {
  return values.length === 1 ? values[0]! : { $in: [...values] };
}
