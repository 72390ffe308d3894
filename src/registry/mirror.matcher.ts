import type { Store } from '../db/store.js';
import {
  SnapshotRegistry, loadRegistrySnapshot, provinceOf, registryVersion, type RegistrySnapshot,
} from '../db/repositories/registry-snapshot.repository.js';
import { MATCHER_VERSION, matchRecords } from '../domain/matching/index.js';
import type { DoseRecordInput, MatchResult } from '../domain/records.js';
import type { Logger } from '../lib/logger.js';

/** Provinces whose snapshot a worker keeps by default: rounds are routed so a worker serves few. */
const MAX_PROVINCES = 2;
/**
 * How long a read registry version is trusted. A chunk calls the matcher once per batch; reading
 * the version each time was a quarter of the hot path's store commands. A registry import seen
 * up to this late changes nothing a round relies on: an import is a campaign step of its own, and
 * a batch matched against the older snapshot is the same as one matched a moment before the import.
 */
const VERSION_TTL_MS = 5_000;

interface Snapshot { snapshot: RegistrySnapshot; version: number }

/**
 * The engine the verification worker runs: the matcher over an in-memory snapshot of the
 * province's registry (one streamed read, reloaded when the importer bumps the registry
 * version, read at most every VERSION_TTL_MS), with `_id` reads for people registered elsewhere:
 * at most one read per `findCandidates` call (IDs not in the snapshot).
 */
export function createMatcher(store: Store, log: Logger, opts: { maxProvinces?: number; versionTtlMs?: number; now?: () => number } = {}) {
  const maxProvinces = opts.maxProvinces ?? MAX_PROVINCES;
  const versionTtlMs = opts.versionTtlMs ?? VERSION_TTL_MS;
  const now = opts.now ?? Date.now;
  const snapshots = new Map<string, Promise<Snapshot>>();
  const provinces = new Map<string, string>();
  let known: { version: number; at: number } | null = null;

  async function currentVersion(): Promise<number> {
    const t = now();
    if (known && t - known.at < versionTtlMs) return known.version;
    const version = await registryVersion(store);
    known = { version, at: t };
    return version;
  }

  async function snapshotFor(communeCode: string): Promise<RegistrySnapshot> {
    let province = provinces.get(communeCode);
    if (!province) provinces.set(communeCode, (province = await provinceOf(store, communeCode)));
    const version = await currentVersion();
    const held = snapshots.get(province);
    if (held) {
      const s = await held.catch(() => null);
      if (s && s.version === version) return s.snapshot;
    }
    const loading = (async () => {
      const t = performance.now();
      const heap = process.memoryUsage().heapUsed;
      const snapshot = await loadRegistrySnapshot(store, province);
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
      const registry = new SnapshotRegistry(store, await snapshotFor(communeCode));
      // The worker's batch is the matcher's unit: one pair of registry reads per batch, not per 1,000.
      return matchRecords(records, registry, { chunkSize: records.length });
    },
  };
}
