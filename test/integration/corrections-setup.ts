import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, type FlowProducer } from 'bullmq';
import { parseEnv, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/lib/logger.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { seedLocalities } from '../helpers/seed.js';

/**
 * The API in-process plus in-process verification Workers built like workers/main.ts, on the
 * real Redis and Mongo-wire servers (own queue prefix and database per file).
 */
export interface Stack {
  ctx: TestContext;
  config: Config;
  queues: Queues;
  base: string;
  startWorker(): Promise<Worker>;
  stopWorkers(): Promise<void>;
  json(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  round(id: string): Promise<any>;
  waitRound(id: string, statuses: string[], ms?: number): Promise<any>;
  close(): Promise<void>;
}

export async function startStack(label: string, env: Record<string, string> = {}): Promise<Stack> {
  const ctx = await createTestContext(label);
  await seedLocalities(ctx.db.models);
  // Small chunks: a round splits into several child jobs even with test-sized communes.
  const config = parseEnv({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, LOG_LEVEL: 'silent', CHUNK_SIZE: '40', BATCH_SIZE: '20', ...env });
  const log = createLogger({ level: 'silent' });
  const queues = allQueues(ctx.redis, ctx.prefix);
  const flows: FlowProducer = createFlowProducer(ctx.redis, ctx.prefix);
  const server: Server = createApp({ config, db: ctx.db, queues, redis: ctx.redis, log }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers: Worker[] = [];

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const stack: Stack = {
    ctx, config, queues, base, json,
    post: (path, body) => json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    async startWorker() {
      const processor = await processors[VERIFICATION_QUEUE]!({ config, db: ctx.db, queues, flows, log });
      const w = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
      workers.push(w);
      return w;
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.close()));
    },
    round: (id) => ctx.db.models.Round.findById(id).lean(),
    waitRound: (id, statuses, ms = 90_000) =>
      waitFor(async () => {
        const r = await ctx.db.models.Round.findById(id).lean();
        return r && statuses.includes(r.status) ? r : null;
      }, ms, `round ${id} to reach ${statuses.join('/')}`).catch(async (err) => {
        const r = await ctx.db.models.Round.findById(id, { status: 1, processedRecords: 1, totalRecords: 1, counters: 1, expectedRecords: 1, explainedRecords: 1, transitions: 1 }).lean();
        throw new Error(`${(err as Error).message} (now ${JSON.stringify(r)})`);
      }),
    async close() {
      await stack.stopWorkers();
      await new Promise((r) => server.close(r));
      await flows.close();
      await closeQueues(queues);
      await ctx.close();
    },
  };
  return stack;
}

/** Strip Vietnamese diacritics, as a keyboard without a Vietnamese input method types. */
export const noDiacritics = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
