import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Citizen } from '../../src/domain/records.js';
import { Register } from './register.js';

/**
 * The population register's authentication service, served locally over real HTTP for the demo,
 * the tests and the benchmarks (`npm run registry`): the contract of docs/registry-api.md over a
 * population, with the limits of the real thing set by options: a quota per client (token
 * bucket), a latency distribution, an error rate, scheduled outages, and overload (latency climbs
 * past `capacity` requests in flight, then 503s past `overloadLimit`).
 */
export interface RegistryClient { secret: string; /** Entitled to the register's values (`values` scope). */ values: boolean }

export interface RegistryStandInOptions {
  port?: number;
  host?: string;
  /** The population: citizens, an NDJSON file, or a Register built already. */
  citizens?: Iterable<Citizen>;
  populationFile?: string;
  register?: Register;
  clients?: Record<string, RegistryClient>;
  /** Subjects per second per client (authentication); burst = one second of it. */
  quota?: number;
  /** Search queries per second per client. */
  searchQuota?: number;
  /** Uniform latency of an answer, ms, when not overloaded. */
  latencyMs?: [number, number];
  /** Share of accepted calls that fail with 500 (after their latency). */
  errorRate?: number;
  /** Outages from the server's start: 503 maintenance for every call. */
  outages?: { atMs: number; durationMs: number }[];
  /** Requests in flight the service answers at its normal latency; beyond, latency grows with the load. */
  capacity?: number;
  /** Requests in flight beyond which it answers 503 overloaded at once. */
  overloadLimit?: number;
  /** Random source (tests pass a seeded one). */
  random?: () => number;
}

export const DEFAULT_REGISTRY_CLIENT = { id: 'vaxverify', secret: 'vaxverify-registry-secret-local-only' } as const;
const MAX_SUBJECTS = 100;
const MAX_QUERIES = 20;
const MAX_CANDIDATES = 5;
const TOKEN_TTL_S = 3600;

class Bucket {
  private tokens: number;
  private at = performance.now();
  /** Holds one second of rate, and at least one full call (a small search quota still serves a 20-query call). */
  private readonly size: number;
  constructor(private readonly rate: number, largestCall: number) { this.size = Math.max(rate, largestCall); this.tokens = this.size; }
  /** 0 when `n` tokens were taken, else the seconds until they would be there. */
  take(n: number): number {
    const now = performance.now();
    this.tokens = Math.min(this.size, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens >= n) { this.tokens -= n; return 0; }
    return (n - this.tokens) / this.rate;
  }
}

export interface RegistryStats {
  calls: number; accepted: number; subjects: number; queries: number;
  rejected429: number; maintenance503: number; overloaded503: number; errors500: number; unauthorized: number;
  /** Calls that arrived while an outage was on (every one answered 503). */
  callsDuringOutage: number;
  /** When each of them came (epoch ms): probes are read from their spacing. */
  callsDuringOutageAt: number[];
  outages: { from: number; to: number; firstAcceptedAfter: number | null }[];
  /** Accepted subjects per wall-clock second (epoch seconds). */
  subjectsPerSecond: Record<number, number>;
  firstCallAt: number | null; lastAcceptedAt: number | null; maxInFlight: number;
}

const subjectSchema = z.object({
  ref: z.string().max(40), idNumber: z.string().max(40), fullName: z.string().max(200),
  dateOfBirth: z.string().max(40), sex: z.enum(['', 'male', 'female']).optional(),
});
const authSchema = z.object({ subjects: z.array(subjectSchema).min(1).max(MAX_SUBJECTS) });
const searchSchema = z.object({
  queries: z.array(z.object({ ref: z.string().max(40), fullName: z.string().max(200), dateOfBirth: z.string().max(40), communeCode: z.string().regex(/^\d{5}$/) })).min(1).max(MAX_QUERIES),
});

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startRegistryStandIn(opts: RegistryStandInOptions = {}) {
  const register = opts.register
    ?? (opts.populationFile ? await Register.fromFile(opts.populationFile) : Register.fromCitizens(opts.citizens ?? []));
  const clients = opts.clients ?? { [DEFAULT_REGISTRY_CLIENT.id]: { secret: DEFAULT_REGISTRY_CLIENT.secret, values: true } };
  const quota = opts.quota ?? 1500;
  const searchQuota = opts.searchQuota ?? Math.max(1, Math.round(quota / 10));
  const [latMin, latMax] = opts.latencyMs ?? [50, 400];
  const capacity = opts.capacity ?? 64;
  const overloadLimit = opts.overloadLimit ?? capacity * 2;
  const random = opts.random ?? Math.random;
  let errorRate = opts.errorRate ?? 0;
  const started = Date.now();
  const outages = (opts.outages ?? []).map((o) => ({ from: started + o.atMs, to: started + o.atMs + o.durationMs, firstAcceptedAfter: null as number | null }));
  const tokens = new Map<string, { client: string; expires: number }>();
  const buckets = new Map<string, { auth: Bucket; search: Bucket }>();
  const stats: RegistryStats = {
    calls: 0, accepted: 0, subjects: 0, queries: 0, rejected429: 0, maintenance503: 0, overloaded503: 0, errors500: 0, unauthorized: 0,
    callsDuringOutage: 0, callsDuringOutageAt: [], outages, subjectsPerSecond: {}, firstCallAt: null, lastAcceptedAt: null, maxInFlight: 0,
  };
  let inFlight = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));
  app.use(express.json({ limit: '256kb' }));

  app.post('/oauth/token', (req, res) => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [req.body?.client_id, req.body?.client_secret];
    const client = typeof id === 'string' ? clients[id] : undefined;
    if (req.body?.grant_type !== 'client_credentials' || !client || typeof secret !== 'string' || !sameSecret(secret, client.secret)) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { client: id as string, expires: Date.now() + TOKEN_TTL_S * 1000 });
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S, scope: client.values ? 'authenticate search values' : 'authenticate search' });
  });

  const outageNow = (t: number) => outages.find((o) => t >= o.from && t < o.to);

  /** The common gate of both calls: token, outage, overload, quota, latency, errors; then `answer`. */
  function serve(kind: 'auth' | 'search', count: (body: unknown) => number | null, answer: (body: unknown, values: boolean) => unknown) {
    return async (req: Request, res: Response) => {
      const t = Date.now();
      stats.calls++;
      stats.firstCallAt ??= t;
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const session = token ? tokens.get(token) : undefined;
      if (!session || session.expires < t) { stats.unauthorized++; res.status(401).json({ error: 'invalid_token' }); return; }
      const outage = outageNow(t);
      if (outage) {
        stats.callsDuringOutage++;
        if (stats.callsDuringOutageAt.length < 10_000) stats.callsDuringOutageAt.push(t);
        stats.maintenance503++;
        res.status(503).json({ error: 'maintenance' });
        return;
      }
      if (inFlight >= overloadLimit) { stats.overloaded503++; res.status(503).set('Retry-After', '1').json({ error: 'overloaded' }); return; }
      const n = count(req.body);
      if (n === null) { res.status(400).json({ error: 'invalid_request' }); return; }
      let bucket = buckets.get(session.client);
      if (!bucket) buckets.set(session.client, (bucket = { auth: new Bucket(quota, MAX_SUBJECTS), search: new Bucket(searchQuota, MAX_QUERIES) }));
      const wait = bucket[kind].take(n);
      if (wait > 0) {
        stats.rejected429++;
        res.status(429).set('Retry-After', String(Math.max(1, Math.ceil(wait)))).json({ error: 'quota_exceeded' });
        return;
      }
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        const slowdown = Math.max(1, inFlight / capacity);
        await new Promise((r) => setTimeout(r, (latMin + random() * (latMax - latMin)) * slowdown));
        if (random() < errorRate) { stats.errors500++; res.status(500).json({ error: 'internal' }); return; }
        const body = answer(req.body, clients[session.client]!.values);
        const done = Date.now();
        stats.accepted++;
        stats.lastAcceptedAt = done;
        if (kind === 'auth') {
          stats.subjects += n;
          const sec = Math.floor(t / 1000);
          stats.subjectsPerSecond[sec] = (stats.subjectsPerSecond[sec] ?? 0) + n;
        } else stats.queries += n;
        for (const o of outages) if (o.to <= t && o.firstAcceptedAfter === null) o.firstAcceptedAfter = t;
        res.json(body);
      } finally {
        inFlight--;
      }
    };
  }

  app.post('/v1/authenticate', serve(
    'auth',
    (b) => { const p = authSchema.safeParse(b); return p.success ? p.data.subjects.length : null; },
    (b, values) => ({ results: authSchema.parse(b).subjects.map((s) => register.authenticate(s, values)) }),
  ));
  app.post('/v1/search', serve(
    'search',
    (b) => { const p = searchSchema.safeParse(b); return p.success ? p.data.queries.length : null; },
    (b, values) => ({ results: searchSchema.parse(b).queries.map((q) => register.search(q, values, MAX_CANDIDATES)) }),
  ));
  // Local controls (the stand-in only): counters, and an outage from now.
  app.get('/_stats', (_req, res) => { res.json(stats); });
  app.post('/_outage', (req, res) => {
    const p = z.object({ inMs: z.number().int().nonnegative().default(0), durationMs: z.number().int().positive() }).safeParse(req.body);
    if (!p.success) { res.status(400).json({ error: 'invalid_request' }); return; }
    outages.push({ from: Date.now() + p.data.inMs, to: Date.now() + p.data.inMs + p.data.durationMs, firstAcceptedAfter: null });
    res.status(204).end();
  });

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    population: register.size,
    stats: (): RegistryStats => structuredClone(stats),
    /** An outage from `inMs` from now, for `durationMs`. */
    outage(durationMs: number, inMs = 0) {
      outages.push({ from: Date.now() + inMs, to: Date.now() + inMs + durationMs, firstAcceptedAfter: null });
    },
    /** End every outage now (tests: "the register is back"). */
    endOutages() { const t = Date.now(); for (const o of outages) if (o.to > t) o.to = Math.max(o.from, t); },
    setErrorRate(rate: number) { errorRate = rate; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type RegistryStandIn = Awaited<ReturnType<typeof startRegistryStandIn>>;
