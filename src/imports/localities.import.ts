import type { AdminUnit } from '../domain/admin-units/index.js';
import type { Store } from '../db/store.js';
import { upsertLocalities as upsertUnits, type UpsertCounts } from '../db/repositories/bulk-upsert.repository.js';

export type { UpsertCounts };

/** 1,000 small documents per write: one round trip each, well under the 48 MB batch limit. */
const BATCH = 1000;

const FIELDS = ['code', 'name', 'type', 'level', 'parentCode', 'provinceCode', 'districtCode'] as const;

/** Idempotent upsert of units keyed by code: a second run inserts and modifies nothing. */
export async function upsertLocalities(store: Store, units: Iterable<AdminUnit>): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    const c = await upsertUnits(store, FIELDS, batch);
    counts.inserted += c.inserted;
    counts.updated += c.updated;
    counts.unchanged += c.unchanged;
    batch = [];
  };
  for (const u of units) {
    batch.push(Object.fromEntries(FIELDS.map((f) => [f, u[f]])));
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return counts;
}
