/**
 * Values found by `load`, kept `ttlMs` per key (at most `max` keys; a full cache is cleared). A
 * miss (`null`) is never kept, so what is imported later is seen at once. For lookups of
 * administrative units, which change only when the units are imported again.
 */
export function foundCache<V>(ttlMs: number, max: number): (key: string, load: () => Promise<V | null>) => Promise<V | null> {
  const entries = new Map<string, { at: number; value: V }>();
  return async (key, load) => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const value = await load();
    if (value === null) return null;
    if (entries.size >= max) entries.clear();
    entries.set(key, { at: Date.now(), value });
    return value;
  };
}
