import type { Locality as LocalityDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

const PROJECTION = { _id: 0, code: 1, name: 1, type: 1, level: 1, parentCode: 1, provinceCode: 1, districtCode: 1 } as const;

export interface LocalityPage { page: number; limit: number }

/** The administrative-unit reads of the localities API (index { code }, { parentCode, code }, …). */
export function localitiesRepository(store: Store) {
  const { Locality } = modelsOf(store);
  return {
    /** One unit by its code, or null. */
    byCode: (code: string) => Locality.findOne({ code }, PROJECTION).lean(),
    /** Some units by code in one read (`code $in`), in code order. */
    byCodes: (codes: string[]) => (codes.length ? Locality.find({ code: { $in: codes } }, PROJECTION).sort({ code: 1 }).lean() : Promise.resolve([])),
    /** One page of the units matching `filter`, in code order, with the total. */
    async page(filter: Record<string, unknown>, q: LocalityPage) {
      const [items, total] = await Promise.all([
        Locality.find(filter, PROJECTION).sort({ code: 1 }).skip((q.page - 1) * q.limit).limit(q.limit).lean(),
        Locality.countDocuments(filter),
      ]);
      return { items, page: q.page, limit: q.limit, total };
    },
  };
}

export type LocalitiesRepository = ReturnType<typeof localitiesRepository>;

/** Whether a unit with this code exists (one index seek on { code }). */
export async function localityExists(store: Store, code: string): Promise<boolean> {
  return Boolean(await modelsOf(store).Locality.exists({ code }));
}

/** The communes of some districts and provinces, with their province (indexes { districtCode, level, code }, { provinceCode, level, code }). */
export async function communesUnder(store: Store, under: { districts: readonly string[]; provinces: readonly string[] }): Promise<Pick<LocalityDoc, 'code' | 'provinceCode'>[]> {
  if (under.districts.length === 0 && under.provinces.length === 0) return [];
  return modelsOf(store).Locality.find(
    { level: 'commune', $or: [{ districtCode: { $in: under.districts } }, { provinceCode: { $in: under.provinces } }] },
    { _id: 0, code: 1, provinceCode: 1 },
  ).lean<Pick<LocalityDoc, 'code' | 'provinceCode'>[]>();
}
