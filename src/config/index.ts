import { tmpdir } from 'node:os';
import { z } from 'zod';
import { DEFAULT_SERIES_RULE, type SeriesRule } from '../domain/eligibility/primary-series.js';

/**
 * The only reader of process.env. Entry points call parseEnv() once and pass the
 * resulting options down; nothing else looks at the environment.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const durationMs = z.coerce.number().int().nonnegative();
/** Comma-separated positive durations in ms, e.g. `86400000,21600000`. */
const msList = z.string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean).map(Number))
  .pipe(z.array(z.number().int().positive()).min(1));

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /**
   * Redis Sentinel (high availability): comma-separated `host:port` of the sentinels; empty =
   * connect to REDIS_URL directly. With sentinels, REDIS_URL gives only the password and db.
   */
  REDIS_SENTINELS: z.string().default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'host:port')).transform((l) => l.map((x) => {
      const i = x.lastIndexOf(':');
      return { host: x.slice(0, i), port: Number(x.slice(i + 1)) };
    }))),
  /** The primary's name the sentinels monitor. */
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]+$/).default('mymaster'),
  /** The sentinels' own password (`requirepass` of the sentinels), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/vaxverify'),
  /**
   * Mongo connections per process. Small on purpose: a chunk job needs one or two at a time,
   * and the server's connection limit must cover every process's pool together.
   */
  MONGO_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (no ":")')
    .default('vaxverify'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Comma-separated queue names a worker process serves; empty = all. */
  WORKER_QUEUES: z.string().default(''),
  /**
   * Province placement: `north=01,02,04;south=79,74` puts the chunk and settle jobs of a
   * province's rounds on the queue `verification-<group>`, so a worker serving that queue only
   * ever loads the snapshots of its group's provinces. Provinces in no group stay on
   * `verification` (where every planner job runs). Empty = one queue for the country.
   */
  PROVINCE_GROUPS: z.string().default('').transform((s, ctx) => parseProvinceGroups(s, ctx)),
  /**
   * Province snapshots a verification worker keeps in memory (~260 MB per million citizens
   * each, docs/scale.md); a group of more provinces reloads the least recently used one.
   */
  SNAPSHOT_MAX_PROVINCES: z.coerce.number().int().min(1).max(64).default(2),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * How long a worker's job lock lives without renewal; a crashed worker's job is taken
   * over after about this long. 30 s is BullMQ's default; tests shorten it.
   */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * How often a job may lose its lock and go back to waiting before it fails. BullMQ's default is 1;
   * every handler here is idempotent, and a Redis failover or a starved event loop can cost a lock
   * that the worker still holds in effect, so a chunk gets 3 before it fails the round.
   */
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(20).default(3),
  /** Dose records per chunk job: ~5k records match and upsert in well under a minute. */
  CHUNK_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  /**
   * Records matched and inserted per bulk write inside a chunk; also the matcher's unit (one pair
   * of registry reads per batch). 2,500: two batches per chunk; a crash loses at most one batch of
   * matching (about a second), and the store commands per 1,000 records fall from 8.7 to the
   * figure of docs/scale.md (bench:campaign, 10 communes).
   */
  BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(2500),
  /**
   * A chunk's batches matched at once. 2: with the register as a service (authority) the next batch's
   * subjects are sent while this batch is searched and inserted, so a chunk's calls do not stop at
   * each batch's search and insert, where the quota went unused (issue 26); there a batch is at most one
   * round of calls, REGISTRY_BATCH × REGISTRY_PARALLEL records. In mirror mode the matcher runs while the last
   * batch's insert is at the store.
   */
  BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  DEFAULT_DEADLINE_MS: durationMs.default(3 * 24 * 60 * 60 * 1000),
  // Deadlines, reminders and escalation (docs/deadlines.md). Tests shorten them to milliseconds.
  /** Reminders, in ms before a round's deadline, comma-separated: 24 h and 6 h. */
  REMINDER_OFFSETS_MS: msList.default([86_400_000, 21_600_000]),
  /** Time each escalation level gets, from the moment it is escalated, before the next level. */
  ESCALATION_COMMUNE_MS: durationMs.default(86_400_000),
  ESCALATION_DISTRICT_MS: durationMs.default(86_400_000),
  ESCALATION_PROVINCE_MS: durationMs.default(2 * 86_400_000),
  ESCALATION_MINISTRY_MS: durationMs.default(3 * 86_400_000),
  /** At risk: deadline within this window and completion under AT_RISK_COMPLETION (0–1). */
  AT_RISK_WINDOW_MS: durationMs.default(86_400_000),
  AT_RISK_COMPLETION: z.coerce.number().min(0).max(1).default(0.8),
  /** What resolves a record: outcomes and/or `explained` (an explanation the locality accepted). */
  COMPLETION_ACCEPTS: z.string().default('verified,corrected,exempt,explained')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['verified', 'corrected', 'exempt', 'review', 'explained'])).min(1)),
  /** Count records the locality never entered (expected − entered) as unresolved. */
  COMPLETION_COUNTS_BACKLOG: bool.default(false),
  /** How often the sweeper recomputes due reminders and escalations from MongoDB. */
  DEADLINE_SWEEP_MS: z.coerce.number().int().min(50).default(60_000),
  /**
   * A round `scheduled` or `verifying` that made no progress (no chunk planned or finished, no
   * status change) for this long is stalled: counted on /metrics and the dashboard, re-planned by
   * the rounds reconciler when no job stands behind it, retryable by an operator. Longer than the
   * slowest chunk (CHUNK_SIZE records at the matcher's slowest rate: 1,000 at 10/s is ~2 min).
   */
  ROUND_STALLED_MS: durationMs.default(15 * 60_000),
  /** How often the rounds reconciler (a job scheduler on the `rounds` queue) looks for stalled rounds. */
  ROUNDS_RECONCILE_MS: z.coerce.number().int().min(100).default(60_000),
  /** HMAC-SHA256 key for webhook signatures; without it webhooks are not sent (log channel only). */
  WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  WEBHOOK_TIMEOUT_MS: durationMs.default(10_000),
  /** Delivery attempts per notification, with exponential backoff from NOTIFY_BACKOFF_MS. */
  NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  NOTIFY_BACKOFF_MS: durationMs.default(5_000),
  /** Campaign default: corrections need the commune police's sign-off (per-locality settings override it). */
  CORRECTION_SIGNOFF_REQUIRED: bool.default(false),
  /**
   * Where uploaded import files wait for the import worker. API and workers must share it
   * (a shared volume in docker-compose).
   */
  UPLOAD_DIR: z.string().min(1).default(`${tmpdir()}/vaxverify-uploads`),
  /**
   * How often the dashboard's progress rollup runs (the dashboard queue's job scheduler). A run
   * reads the ~10.6k current rounds once (npm run bench:dashboard measures it); 60 s keeps the
   * pages live at a fixed cost.
   */
  DASHBOARD_ROLLUP_MS: z.coerce.number().int().min(100).default(60_000),
  /** A worker process serves its job metrics (durations, waits, failures, records/s) at :PORT/metrics; unset = off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SHUTDOWN_TIMEOUT_MS: durationMs.default(30_000),
  BULL_BOARD_READ_ONLY: bool.default(false),
  // Access control (issue 10): OpenID Connect sign-in, sessions, hardening.
  /** The OpenID Connect issuer whose JWKS signs access tokens; unset = every route but /healthz answers 401. */
  /** fetch() refuses the WHATWG "bad ports" (4190, 6000, 10080…): an issuer there fails every sign-in and token check. */
  OIDC_ISSUER: z.url().refine((u) => !FETCH_BAD_PORTS.has(Number(new URL(u).port)), 'its port is one fetch() refuses to connect to (WHATWG bad ports): the issuer cannot be reached').optional(),
  /** The `aud` access tokens must carry (the provider's resource indicator / audience mapper for the API). */
  OIDC_AUDIENCE: z.string().min(1).default('urn:vaxverify:api'),
  /** The dashboard's confidential client (authorization code + PKCE). */
  OIDC_CLIENT_ID: z.string().min(1).default('vaxverify-dashboard'),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Allow an http:// issuer (local provider only; never in production). */
  OIDC_ALLOW_HTTP: bool.default(false),
  /** The app's public base URL (redirect URI = PUBLIC_URL/auth/callback); default: from the request. */
  PUBLIC_URL: z.url().optional(),
  /** A signed-in browser session lives at most this long (and never past the access token). */
  SESSION_TTL_MS: durationMs.default(8 * 3_600_000),
  /** `Secure` on the session cookie; only a plain-http local run turns it off. */
  COOKIE_SECURE: bool.default(true),
  /** Origins allowed to call the API from a browser (CORS), comma-separated; empty = none. */
  CORS_ORIGINS: z.string().default('').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  /** Hosts escalation webhooks may point at, comma-separated; empty = no webhook URL is accepted. */
  WEBHOOK_ALLOWED_HOSTS: z.string().default('').transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)),
  /**
   * Proxies whose `X-Forwarded-For` is believed (Express `trust proxy`): comma-separated
   * addresses or subnets (`10.0.0.0/8`, `loopback`, `uniquelocal`). Empty = none: the client
   * address is the TCP peer, so nobody can pick the address the rate limits count.
   */
  TRUST_PROXY: z.string().default('').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(loopback|linklocal|uniquelocal|\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[\da-f]*:[\da-f:.]+(\/\d{1,3})?)$/i, 'an address, a subnet, loopback, linklocal or uniquelocal (never a hop count or true)'))),
  /** Sign-in steps (/auth/login, /auth/callback) per client address per minute: each start writes a pending sign-in to Redis. */
  SIGN_IN_RATE_PER_MIN: z.coerce.number().int().min(1).default(30),
  /** Requests per identity (or address when anonymous) per minute across all API replicas. */
  RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(600),
  /** Eligibility look-ups per identity per minute. */
  ELIGIBILITY_RATE_PER_MIN: z.coerce.number().int().min(1).default(60),
  /**
   * The ministry's primary-series table as JSON, replacing the built-in one
   * (src/domain/eligibility/primary-series.ts): {"mixed":true,"products":[{"label","aliases":[..],"doses","minIntervalDays"}]}.
   */
  PRIMARY_SERIES: z.string().optional().transform((s, ctx) => parseSeriesRule(s, ctx)),
  /**
   * Load shedding (src/http/shed.ts): API requests served at once by one process; more wait in
   * its queue. 32: a store round trip is ~1–5 ms and a request makes 2–4, so 32 in flight keep
   * the store busy without piling work on one event loop.
   */
  SHED_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
  /**
   * Load shedding of the look-ups (eligibility: one indexed read each), in slots and a queue of
   * their own (src/http/app.ts LOOKUP_ROUTES): SHED_CONCURRENCY and SHED_QUEUE are the pages'
   * (worklists, lists, progress, uploads), so a slow page never makes a checker wait. 32 and 256:
   * a look-up is one store round trip, as many in flight as the pool and event loop serve.
   */
  SHED_LOOKUP_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
  SHED_LOOKUP_QUEUE: z.coerce.number().int().min(0).max(100_000).default(256),
  /**
   * The look-ups' own service-time target (SHED_TARGET_MS is the pages'): a look-up is one
   * indexed read and its access-log entry, tens of milliseconds at rest; under the campaign's load
   * fewer run at once, so each is fast and the store keeps room for the batch.
   */
  SHED_LOOKUP_TARGET_MS: z.coerce.number().int().min(1).max(60_000).default(100),
  /**
   * Load shedding of people's acts (every request but GET, HEAD and OPTIONS: rounds, corrections,
   * sign-offs, uploads, deadlines), in slots and a queue of their own, so a flood of page reads
   * never turns a person's act away (src/http/app.ts shedClassOf). 8 and 64: acts are few, and an
   * upload is heavy.
   */
  SHED_ACT_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(8),
  SHED_ACT_QUEUE: z.coerce.number().int().min(0).max(100_000).default(64),
  /**
   * The API's store connections kept for the look-ups (eligibility), beside MONGO_POOL_SIZE's:
   * a page's commands never make a checker's one read wait for a connection. 8: a look-up holds
   * one for a few ms, and with the pages yielding to the look-ups bench:load's idle phase answered
   * 374 look-ups/s at p99 302 ms over 8 against 351/s at 384 ms over 4; 0 = the look-ups share the pages' pool.
   */
  LOOKUP_POOL_SIZE: z.coerce.number().int().min(0).max(200).default(8),
  /** Service time the shedder keeps requests under by lowering its limit (src/http/shed.ts); 250 ms: a page that feels immediate. */
  SHED_TARGET_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  /** Requests that may wait for a slot; one more is answered 503 at once. */
  SHED_QUEUE: z.coerce.number().int().min(0).max(100_000).default(256),
  /** A request that waited this long for a slot is answered 503 instead of served late (queue time, never a timeout of work started). */
  SHED_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  /**
   * Workers: store operations one worker process runs at once (the size of its driver pool; more
   * wait for a connection). Bounds the batch side's pressure on the store people's requests
   * share. 10, MONGO_POOL_SIZE's default: measured on the 10-commune slice, 4 made verification
   * 1.29× slower (57.3 s against 44.3 s) while the people-pressure yield below already steps
   * batch work aside whenever people wait.
   */
  WORKER_STORE_OPS: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Workers: verification jobs one worker runs at once while an API process says its people are
   * waiting (their requests queue, are shed, or take over half SHED_TARGET_MS: src/http/pressure.ts);
   * WORKER_CONCURRENCY again once none says so. 1: people first. Measured with bench:load (pages
   * yielding to the look-ups): with 2 the rounds verified under the load in 55–58 s instead of
   * 59–63 s, but the checkers' p99 while verifying reached 1,549 ms and the worklist's 1,595 ms
   * (against 839 and 852 ms with 1): the issue's latency targets, not its 1.3× on the batch side.
   */
  WORKER_CONCURRENCY_UNDER_PRESSURE: z.coerce.number().int().min(1).max(64).default(1),
  /** How often the API publishes, and the workers read, the people-pressure signal (ms). */
  PRESSURE_SIGNAL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** Rows and bytes of one uploaded correction worksheet. */
  WORKSHEET_MAX_ROWS: z.coerce.number().int().min(1).default(20_000),
  WORKSHEET_MAX_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  /** A second listener for /metrics and /readyz with details (not published outside the cluster); unset = none. */
  INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // The population register (issue 26, docs/registry-api.md).
  /**
   * `mirror`: match against the deployment's own copy of the register (imported citizens, in-memory
   * snapshots). `authority`: send the subjects to the register's authentication service
   * (REGISTRY_URL) and keep only its answers' decisions.
   */
  REGISTRY_MODE: z.enum(['mirror', 'authority']).default('mirror'),
  /** The authentication service's base URL (authority mode). */
  REGISTRY_URL: z.url().optional(),
  /** Client credentials the register's owners issued to vaxverify (authority mode). */
  REGISTRY_CLIENT_ID: z.string().min(1).default('vaxverify'),
  REGISTRY_CLIENT_SECRET: z.string().min(1).optional(),
  /** Subjects per second the register grants the whole deployment (shared by every worker through Redis). */
  REGISTRY_QUOTA: z.coerce.number().positive().default(1500),
  /** Search queries per second granted (its own, smaller quota). */
  REGISTRY_SEARCH_QUOTA: z.coerce.number().positive().default(150),
  /** Subjects per authentication call: the contract's maximum is 100. */
  REGISTRY_BATCH: z.coerce.number().int().min(1).max(100).default(100),
  /** Calls in flight per chunk job: 4 x ~0.2 s answers keeps a job near 2,000 subjects/s, so the quota, not the latency, paces a few workers. */
  REGISTRY_PARALLEL: z.coerce.number().int().min(1).max(32).default(4),
  /** A call not answered in this time is abandoned and counted as a failure. */
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Failures in a row (deployment-wide) that open the circuit; one maintenance 503 opens it at once. */
  REGISTRY_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** While the circuit is open, one probe per this interval for the whole deployment. */
  REGISTRY_PROBE_MS: z.coerce.number().int().min(200).default(5_000),
  /**
   * `extend`: rounds whose chunks waited on the register while it was down get their deadline moved
   * by the time they waited (recorded on the round, audited); `hold`: deadlines stay, and their
   * escalations are held while the register is down and then for the time they waited (recorded
   * on the round as escalationHold, audited); `off`: neither.
   */
  REGISTRY_OUTAGE_POLICY: z.enum(['extend', 'hold', 'off']).default('extend'),
  /** Shorter outages move no deadline: a minute of a three-day deadline is nobody's problem. */
  REGISTRY_OUTAGE_MIN_MS: durationMs.default(60_000),
  /**
   * Benchmarks only: count the store commands this process sends (driver command monitoring)
   * and write the counts, documents read and peak RSS to this JSON file about once a second.
   */
  STORE_STATS_FILE: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  if (c.REGISTRY_MODE !== 'authority') return;
  if (!c.REGISTRY_URL) ctx.addIssue({ code: 'custom', path: ['REGISTRY_URL'], message: 'required when REGISTRY_MODE=authority' });
  if (!c.REGISTRY_CLIENT_SECRET) ctx.addIssue({ code: 'custom', path: ['REGISTRY_CLIENT_SECRET'], message: 'required when REGISTRY_MODE=authority' });
});

const seriesRuleSchema = z.object({
  mixed: z.boolean(),
  products: z.array(z.object({
    label: z.string().min(1).max(60),
    aliases: z.array(z.string().min(2).max(60).transform((a) => a.toLowerCase())).min(1).max(20),
    doses: z.number().int().min(1).max(5),
    minIntervalDays: z.number().int().min(0).max(365),
  })).min(1).max(50),
});

/** `PRIMARY_SERIES` (JSON) → the rule; unset → the built-in table. */
function parseSeriesRule(spec: string | undefined, ctx: z.RefinementCtx): SeriesRule {
  if (!spec) return DEFAULT_SERIES_RULE;
  let raw: unknown;
  try { raw = JSON.parse(spec); } catch { ctx.addIssue({ code: 'custom', message: 'not JSON' }); return DEFAULT_SERIES_RULE; }
  const r = seriesRuleSchema.safeParse(raw);
  if (!r.success) { ctx.addIssue({ code: 'custom', message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }); return DEFAULT_SERIES_RULE; }
  return r.data;
}

/** `PROVINCE_GROUPS` → [{ name, provinces }]; names kebab-case, a province in one group at most. */
function parseProvinceGroups(spec: string, ctx: z.RefinementCtx): { name: string; provinces: string[] }[] {
  const groups: { name: string; provinces: string[] }[] = [];
  const owner = new Map<string, string>();
  for (const part of spec.split(';').map((x) => x.trim()).filter(Boolean)) {
    const [name = '', list = ''] = part.split('=').map((x) => x.trim());
    const provinces = list.split(',').map((x) => x.trim()).filter(Boolean);
    const problem = !/^[a-z0-9][a-z0-9-]{0,30}$/.test(name) ? `group name "${name}" must be lowercase letters, digits and -`
      : groups.some((g) => g.name === name) ? `group "${name}" given twice`
        : provinces.length === 0 ? `group "${name}" has no province`
          : provinces.find((p) => !/^\d{2}$/.test(p)) ? `group "${name}": province codes are 2 digits`
            : provinces.find((p) => owner.has(p)) ? `province ${provinces.find((p) => owner.has(p))} is in two groups` : null;
    if (problem) { ctx.addIssue({ code: 'custom', message: `${problem} (format: north=01,02;south=79)` }); return []; }
    for (const p of provinces) owner.set(p, name);
    groups.push({ name, provinces });
  }
  return groups;
}

export type Config = Readonly<z.infer<typeof envSchema>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment into a frozen, typed config; throws ConfigError naming each bad variable. */
/** https://fetch.spec.whatwg.org/#port-blocking */
const FETCH_BAD_PORTS = new Set([1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

export function parseEnv(raw: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset so `FOO=` in a compose file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
