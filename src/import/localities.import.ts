import type { AnyBulkWriteOperation } from 'mongoose';
import type { AdminUnit } from '../domain/admin-units/index.js';
import type { Models } from '../db/models/index.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** 1,000 small documents per bulkWrite: one round trip each, well under the 48 MB batch limit. */
const BATCH = 1000;

/** Idempotent upsert of units keyed by code: a second run inserts and modifies nothing. */
export async function upsertLocalities(models: Models, units: Iterable<AdminUnit>): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let ops: AnyBulkWriteOperation[] = [];
  const flush = async () => {
    if (ops.length === 0) return;
    const res = await models.Locality.bulkWrite(ops, { ordered: false, timestamps: false });
    counts.inserted += res.upsertedCount;
    counts.updated += res.modifiedCount;
    counts.unchanged += ops.length - res.upsertedCount - res.modifiedCount;
    ops = [];
  };
  for (const u of units) {
    const now = new Date();
    ops.push({
      updateOne: {
        filter: { code: u.code },
        update: {
          $set: { name: u.name, type: u.type, level: u.level, parentCode: u.parentCode, provinceCode: u.provinceCode, districtCode: u.districtCode },
          // Timestamps are set on insert only, so that re-running changes nothing.
          $setOnInsert: { createdAt: now, updatedAt: now },
        },
        upsert: true,
      },
    });
    if (ops.length >= BATCH) await flush();
  }
  await flush();
  return counts;
}
