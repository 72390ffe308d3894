import type { Models } from '../src/db/models/index.js';
import {
  SnapshotRegistry, loadRegistrySnapshot, provinceOf, registryVersion, type RegistrySnapshot,
} from '../src/db/repositories/registry-snapshot.repository.js';
import { MATCHER_VERSION, matchRecords } from '../src/domain/matching/index.js';
import type { DoseRecordInput, MatchResult } from '../src/domain/records.js';
import type { Logger } from '../src/lib/logger.js';

/** Provinces whose snapshot a worker keeps by default: rounds are routed so a worker serves few. */
const MAX_PROVINCES = 2;

interface Snapshot { snapshot: RegistrySnapshot; version: number }

/**
 * The engine the verification worker runs: the matcher over an in-memory snapshot of the
 * province's registry (one streamed read, reloaded when the importer bumps the registry
 * version), with `_id` reads for people registered elsewhere. Per chunk this costs one
 * `_id` read (the version) and at most two reads per matcher call (IDs not in the snapshot).
 */
export function createMatcher(models: Models, log: Logger, opts: { maxProvinces?: number } = {}) {
  const maxProvinces = opts.maxProvinces ?? MAX_PROVINCES;
  const snapshots = new Map<string, Promise<Snapshot>>();
  const provinces = new Map<string, string>();

  async function snapshotFor(communeCode: string): Promise<RegistrySnapshot> {
    let province = provinces.get(communeCode);
    if (!province) provinces.set(communeCode, (province = await provinceOf(models, communeCode)));
    const version = await registryVersion(models);
    const held = snapshots.get(province);
    if (held) {
      const s = await held.catch(() => null);
      if (s && s.version === version) return s.snapshot;
    }
    const loading = (async () => {
      const t = performance.now();
      const heap = process.memoryUsage().heapUsed;
      const snapshot = await loadRegistrySnapshot(models, province);
      log.info({ province, complete: snapshot.complete, citizens: snapshot.registry.size, version, seconds: +((performance.now() - t) / 1000).toFixed(2), heapDeltaMb: Math.round((process.memoryUsage().heapUsed - heap) / 1048576) }, 'registry snapshot loaded');
      return { snapshot, version };
    })();
    snapshots.delete(province);
    snapshots.set(province, loading);
    while (snapshots.size > maxProvinces) snapshots.delete(snapshots.keys().next().value!);
    loading.catch(() => snapshots.delete(province));
    return (await loading).snapshot;
  }

  return {
    version: MATCHER_VERSION,
    async match(records: DoseRecordInput[], communeCode: string): Promise<MatchResult[]> {
      const registry = new SnapshotRegistry(models, await snapshotFor(communeCode));
      return matchRecords(records, registry);
    },
  };
}
