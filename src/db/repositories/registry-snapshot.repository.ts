import { InMemoryRegistry, type BlockingKeys, type RegistryCitizen, type RegistryLookup } from '../../domain/matching/index.js';
import type { Citizen } from '../../domain/records.js';
import type { Models } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

const REGISTRY = 'citizens';
const FIELDS = { _id: 0, personalId: 1, fullName: 1, dateOfBirth: 1, gender: 1, communeCode: 1, oldIdNumber: 1 } as const;
/** Documents per cursor batch: ~150 bytes each, so a batch stays well under the 16 MB reply limit. */
const STREAM_BATCH = 20_000;

/** The citizens importer's mark that the registry changed (one writer: the importer). */
export async function markRegistryChanged(store: Store): Promise<void> {
  const models = modelsOf(store);
  await models.RegistryVersion.updateOne({ _id: REGISTRY }, { $inc: { version: 1 } }, { upsert: true });
}

/** One `_id` read: the registry's version counter (0 before the first import). */
export async function registryVersion(store: Store): Promise<number> {
  const models = modelsOf(store);
  return (await models.RegistryVersion.findById(REGISTRY, { version: 1 }).lean())?.version ?? 0;
}

/** A commune's province, from the locality tree (one `_id`-like read on the unique code). */
export async function provinceOf(store: Store, communeCode: string): Promise<string> {
  const models = modelsOf(store);
  const l = await models.Locality.findOne({ code: communeCode }, { _id: 0, provinceCode: 1 }).lean();
  return l?.provinceCode ?? communeCode.slice(0, 2);
}

export interface RegistrySnapshot {
  registry: InMemoryRegistry;
  /** The snapshot holds the whole registry: no ID can be registered elsewhere. */
  complete: boolean;
}

/**
 * The registry of one province in memory: one streamed read of its citizens (by commune, index
 * { communeCode }). About 140 MB per million citizens (docs/scale.md). People registered in
 * another province are looked up by ID when a record names them (SnapshotRegistry).
 */
export async function loadRegistrySnapshot(store: Store, provinceCode: string): Promise<RegistrySnapshot> {
  const models = modelsOf(store);
  const communes = (await models.Locality.find({ level: 'commune', provinceCode }, { _id: 0, code: 1 }).lean()).map((l) => l.code);
  const cursor = models.Citizen.find({ communeCode: { $in: communes } }, FIELDS).lean<Citizen[]>().batchSize(STREAM_BATCH).cursor();
  return { registry: await InMemoryRegistry.fromAsync(cursor as AsyncIterable<Citizen>), complete: false };
}

/**
 * The matcher's registry port over a province snapshot: blocking keys are answered from
 * memory; personal and old ID numbers the province does not hold (people registered
 * elsewhere) are fetched together, one read per key kind per call (`_id` for personal IDs).
 */
export class SnapshotRegistry implements RegistryLookup {
  private readonly snapshot: InMemoryRegistry;
  private readonly complete: boolean;

  private readonly models: Models;

  constructor(store: Store, snapshot: RegistrySnapshot) {
    this.models = modelsOf(store);
    this.snapshot = snapshot.registry;
    this.complete = snapshot.complete;
  }

  async findCandidates(keys: BlockingKeys): Promise<RegistryCitizen[]> {
    const local = await this.snapshot.findCandidates(keys);
    if (this.complete) return local;
    const have = new Set(local.map((c) => c.personalId));
    const missingIds = keys.personalIds.filter((id) => !have.has(id) && /^\d{12}$/.test(id));
    const missingOld = keys.oldIdNumbers.filter((id) => !this.snapshot.byOldId(id));
    if (missingIds.length === 0 && missingOld.length === 0) return local;
    const elsewhere = await this.fetchElsewhere([...new Set(missingIds)], [...new Set(missingOld)]);
    return elsewhere.length ? [...local, ...(await InMemoryRegistry.fromCitizens(elsewhere).findCandidates(keys))] : local;
  }

  private async fetchElsewhere(ids: string[], oldIds: string[]): Promise<Citizen[]> {
    const { Citizen: C } = this.models;
    const find = (filter: Record<string, unknown>) => C.find(filter, FIELDS).lean<Citizen[]>().exec();
    const parts = await Promise.all([
      ids.length ? find({ _id: { $in: ids } }) : [],
      oldIds.length ? find({ oldIdNumber: { $in: oldIds } }) : [],
    ]);
    return parts.flat();
  }
}
