import mongoose, { type Connection } from 'mongoose';
import { registerModels, type Models } from './models/index.js';
import { recordStoreStats } from './command-stats.js';
import { storeOf } from './open-store.js';
import { poolStats, type PoolStats } from './pool-stats.js';
import type { Store } from './store.js';

export interface Db {
  connection: Connection;
  /** The models: for src/db, and for tests and benchmarks that seed and count (the product holds `store`). */
  models: Models;
  /** The handle everything else passes to repositories. */
  store: Store;
  /** Operations holding a pooled connection and waiting for one (the pool caps them). */
  pool: PoolStats;
  /** One round trip to the server (readiness). */
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Open a dedicated mongoose connection (not the global default, so tests and
 * processes can hold several) and build every model on it. Indexes are created
 * by `syncIndexes()` in `ensureIndexes`, not implicitly, so start-up is explicit.
 */
export async function connectDb(url: string, opts: { autoIndex?: boolean; poolSize?: number; statsFile?: string } = {}): Promise<Db> {
  const connection = mongoose.createConnection(url, {
    autoIndex: false,
    // A healthy server answers well within this; fail fast otherwise.
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: opts.poolSize ?? 10,
    // Command monitoring only when a benchmark asks for the counts (STORE_STATS_FILE).
    monitorCommands: Boolean(opts.statsFile),
  });
  await connection.asPromise();
  const models = registerModels(connection);
  const stats = opts.statsFile ? recordStoreStats(connection, opts.statsFile) : null;
  if (opts.autoIndex ?? true) await ensureIndexes(models);
  // Start-up commands (index creation) are in the first counts a benchmark reads.
  stats?.flush();
  return {
    connection,
    models,
    store: storeOf(models),
    pool: poolStats(connection, opts.poolSize ?? 10),
    ping: () => connection.db!.admin().ping(),
    close: async () => { stats?.stop(); await connection.close(); },
  };
}

/** Create every declared index (idempotent). Unique indexes back the natural keys. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    await model.createIndexes();
  }
}
