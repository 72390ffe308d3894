import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, type FlowProducer } from 'bullmq';
import { parseEnv, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { processors } from '../../workers/processors.js';
import { ROUNDS_QUEUE } from '../../queues/rounds.queue.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';

import type { Citizen, DoseRecordInput } from '../../src/domain/records.js';
import { authEnv, callers, type Caller } from '../helpers/app-with-auth.js';
import { startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * Who a stack request is made as when the test names nobody: the identity the route is for in
 * the test tree (province 01 › district 001 › communes 00001…). Corrections are submitted by
 * the health station of 00001, eligibility asked by a passport checker, the rest by the admin.
 */
export function defaultLogin(method: string, path: string, commune = '00001'): string {
  if (/^\/api\/(corrections|localities\/\d+\/corrections\/upload)/.test(path) && method === 'POST') return `health-${commune}`;
  if (/passport-eligibility/.test(path)) return 'checker';
  if (/^\/api\/dose-reports$/.test(path)) return `health-${commune}`;
  return 'admin';
}

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
  oidc: OidcProvider;
  /** As `defaultLogin(method, path)` unless a login is named. */
  json(path: string, init?: RequestInit, login?: string): Promise<{ status: number; body: any }>;
  post(path: string, body: unknown, login?: string): Promise<{ status: number; body: any }>;
  /** Requests as a named identity (or anonymous with null). */
  as(login: string | null): Caller;
  round(id: string): Promise<any>;
  waitRound(id: string, statuses: string[], ms?: number): Promise<any>;
  /**
   * Seed the stack's commune (citizens and dose records), start a worker, POST its verification
   * round (201 or an error) and wait until round 1 reaches one of `statuses`.
   */
  verifyCommune(citizens: Citizen[], doses: DoseRecordInput[], statuses: string[]): Promise<any>;
  close(): Promise<void>;
}

/** `commune`: the test's own commune, whose health station submits its corrections and dose reports. */
export async function startStack(label: string, env: Record<string, string> = {}, commune = '00001', logger?: Logger): Promise<Stack> {
  const ctx = await createTestContext(label);
  await seedLocalities(ctx.db.store);
  // Small chunks: a round splits into several child jobs even with test-sized communes.
  const oidc = await startOidcProvider();
  const config = parseEnv({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, LOG_LEVEL: 'silent', CHUNK_SIZE: '40', BATCH_SIZE: '20', ...authEnv(oidc), ...env });
  const log = logger ?? createLogger({ level: process.env.STACK_LOG ?? 'silent' });
  const queues = allQueues(ctx.redis, ctx.prefix);
  const flows: FlowProducer = createFlowProducer(ctx.redis, ctx.prefix);
  const server: Server = createApp({ config, db: ctx.db, queues, redis: ctx.redis, log }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workers: Worker[] = [];

  const as = callers(base, oidc.tokenFor);
  const json = async (path: string, init?: RequestInit, login?: string) => {
    const res = await as(login ?? defaultLogin(init?.method ?? 'GET', path, commune)).request(path, init);
    return { status: res.status, body: res.text ? JSON.parse(res.text) : null };
  };
  const stack: Stack = {
    ctx, config, queues, base, json, oidc, as,
    post: (path, body, login) => json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, login),
    async startWorker() {
      const processor = await processors[VERIFICATION_QUEUE]!({ config, db: ctx.db, queues, flows, log });
      const w = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
      // The rounds queue: the one writer of a round after an act (settle-round) and its effects.
      const rounds = await processors[ROUNDS_QUEUE]!({ config, db: ctx.db, queues, flows, log });
      workers.push(w, new Worker(ROUNDS_QUEUE, rounds, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 }));
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
    async verifyCommune(citizens, doses, statuses) {
      await insertCitizens(ctx.db.store, citizens);
      await insertDoses(ctx.db.store, doses);
      // A worker is up before the round is posted, as in a deployment: the planner may run while
      // the API's deadline hook is still writing (each document has one writer, so neither loses).
      await stack.startWorker();
      const posted = await stack.post('/api/rounds', { localities: [commune] });
      if (posted.status !== 201) throw new Error(`POST /api/rounds ${commune}: ${posted.status} ${JSON.stringify(posted.body)}`);
      return stack.waitRound(`verification-${commune}-1`, statuses);
    },
    async close() {
      await stack.stopWorkers();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await oidc.close();
      await flows.close();
      await closeQueues(queues);
      await ctx.close();
    },
  };
  return stack;
}

/** Strip Vietnamese diacritics, as a keyboard without a Vietnamese input method types. */
export const noDiacritics = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
