import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectDb, type Db } from '../../src/db/connect.js';
import { createRedis } from '../../queues/connection.js';
import { testUrls } from './urls.js';

export interface TestContext {
  /** Unique BullMQ prefix for this file: queues never collide between parallel files. */
  prefix: string;
  redisUrl: string;
  /** URL of this file's own database. */
  mongoUrl: string;
  db: Db;
  /** A worker-style ioredis connection (maxRetriesPerRequest: null). */
  redis: Redis;
  close(): Promise<void>;
}

/** Isolated servers-side state for one test file: own queue prefix and own database. */
export async function createTestContext(label = 'test'): Promise<TestContext> {
  const { redisUrl, mongoBaseUrl, mongoQuery } = testUrls();
  const id = randomUUID().slice(0, 8);
  const prefix = `test-${label}-${id}`;
  const dbName = `vv_${label.replace(/[^a-z0-9]/gi, '_')}_${id}`.slice(0, 60);
  const mongoUrl = `${mongoBaseUrl}/${dbName}${mongoQuery}`;
  const db = await connectDb(mongoUrl, { poolSize: 4 });
  const redis = createRedis(redisUrl);
  return {
    prefix,
    redisUrl,
    mongoUrl,
    db,
    redis,
    async close() {
      // Remove this file's keys and database; other files' state is untouched.
      const keys = await scanKeys(redis, `${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await db.connection.dropDatabase().catch(() => {});
      await db.close();
      redis.disconnect();
    },
  };
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Poll `cond` until it returns a truthy value or `ms` pass; never a fixed sleep. */
export async function waitFor<T>(cond: () => Promise<T> | T, ms = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
