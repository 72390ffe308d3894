import type { BlockingKeys, RegistryCitizen, RegistryLookup } from '../../domain/matching/index.js';
import { mapLimit } from '../../lib/concurrency.js';
import type { Models } from '../models/index.js';

/**
 * The matcher's registry port on MongoDB. Two query strategies, same answer:
 * - `in`: one `find` per key kind with `$in` lists (MongoDB: index seeks on
 *   { personalId }, { oldIdNumber }, { nameKey, birthYear, communeCode } and the
 *   multikey { maskedKeys }).
 * - `equality`: one indexed equality `find` per key, a few in flight. FerretDB 1.x pushes
 *   equality down to PostgreSQL but answers `$in` by scanning the whole collection
 *   (2.8 s for 40 keys over 20k citizens, against ~15 ms per equality find).
 */
export type LookupStrategy = 'in' | 'equality';

const FIELDS = {
  _id: 0, personalId: 1, fullName: 1, dateOfBirth: 1, gender: 1, communeCode: 1, oldIdNumber: 1, nameKey: 1, birthYear: 1,
} as const;

export class MongoRegistry implements RegistryLookup {
  constructor(
    private readonly models: Models,
    private readonly strategy: LookupStrategy,
    /** Equality finds in flight; each holds one pooled connection (MONGO_POOL_SIZE). */
    private readonly concurrency = 6,
  ) {}

  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    const { Citizen } = this.models;
    const lean = (filter: Record<string, unknown>) => Citizen.find(filter, FIELDS).lean<RegistryCitizen[]>().exec();
    if (this.strategy === 'in') {
      const names = groupYears(keys.nameYears);
      const parts = await Promise.all([
        keys.personalIds.length ? lean({ personalId: { $in: keys.personalIds } }) : [],
        keys.oldIdNumbers.length ? lean({ oldIdNumber: { $in: keys.oldIdNumbers } }) : [],
        ...[...names].map(([nameKey, years]) => lean({ nameKey, birthYear: { $in: years } })),
        keys.maskedKeys?.length ? lean({ maskedKeys: { $in: keys.maskedKeys } }) : [],
      ]);
      return parts.flat();
    }
    const filters: Record<string, unknown>[] = [
      ...keys.personalIds.map((personalId) => ({ personalId })),
      ...keys.oldIdNumbers.map((oldIdNumber) => ({ oldIdNumber })),
      ...keys.nameYears.map(({ nameKey, birthYear }) => ({ nameKey, birthYear })),
      ...(keys.maskedKeys ?? []).map((maskedKeys) => ({ maskedKeys })),
    ];
    return (await mapLimit(filters, this.concurrency, lean)).flat();
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
