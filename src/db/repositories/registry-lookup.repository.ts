import type { BlockingKeys, RegistryCitizen, RegistryLookup } from '../../domain/matching/index.js';
import type { Models } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

/**
 * The matcher's registry port read from the store: one `find` per key kind with `$in` lists,
 * index seeks on { personalId }, { oldIdNumber }, { nameKey, birthYear, communeCode } and the
 * multikey { maskedKeys }.
 */
const FIELDS = {
  _id: 0, personalId: 1, fullName: 1, dateOfBirth: 1, gender: 1, communeCode: 1, oldIdNumber: 1, nameKey: 1, birthYear: 1,
} as const;

export class MongoRegistry implements RegistryLookup {
  private readonly models: Models;

  constructor(store: Store) {
    this.models = modelsOf(store);
  }

  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    const { Citizen } = this.models;
    const lean = (filter: Record<string, unknown>) => Citizen.find(filter, FIELDS).lean<RegistryCitizen[]>().exec();
    const names = groupYears(keys.nameYears);
    const parts = await Promise.all([
      keys.personalIds.length ? lean({ personalId: { $in: keys.personalIds } }) : [],
      keys.oldIdNumbers.length ? lean({ oldIdNumber: { $in: keys.oldIdNumbers } }) : [],
      ...[...names].map(([nameKey, years]) => lean({ nameKey, birthYear: { $in: years } })),
      keys.maskedKeys?.length ? lean({ maskedKeys: { $in: keys.maskedKeys } }) : [],
    ]);
    return parts.flat();
  }
}

function groupYears(keys: BlockingKeys['nameYears']): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const { nameKey, birthYear } of keys) {
    const years = m.get(nameKey);
    if (!years) m.set(nameKey, [birthYear]);
    else if (!years.includes(birthYear)) years.push(birthYear);
  }
  return m;
}
