import type { Queue } from 'bullmq';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../lib/logger.js';
import { queueList, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE } from '../../queues/verification.queue.js';
import { BULL_BOARD_CSP, BULL_BOARD_PATH, bullBoardRouter, selfHostedPage } from './bull-board.js';
import { errorHandler, notFound } from './errors.js';
import { dashboardRouter } from '../dashboard/dashboard-page.router.js';
import { createApiMetrics, metricsRouter, type ApiMetrics } from './metrics.js';
import { registerStateReader } from '../registry/index.js';
import { registerRouter } from '../registry/register.router.js';
import { healthRouter } from './routers/health.router.js';
import { roundsRouter } from '../rounds/rounds.router.js';
import { deadlinesRouter } from '../deadlines/deadlines.router.js';
import { importsRouter } from '../imports/imports.router.js';
import { localitiesRouter } from '../localities/localities.router.js';
import { queuedRoundEvents } from '../rounds/round-events.js';
import { ROUNDS_QUEUE } from '../../queues/rounds.queue.js';
import { localitiesRepository } from '../db/repositories/localities.repository.js';
import { worklistsRouter } from '../corrections/worklists.router.js';
import { correctionsRouter } from '../corrections/corrections.router.js';
import { facilitiesRouter } from '../facilities/facilities.router.js';
import { eligibilityRouter } from '../eligibility/eligibility.router.js';
import { backlogRouter } from '../corrections/backlog.router.js';
import { dashboardApiRouter } from '../dashboard/dashboard.router.js';
import { accessLogRouter } from '../audit/access-log.router.js';
import { correctionRoundsRouter } from '../rounds/correction-rounds.router.js';
import { recordsRouter } from '../records/records.router.js';
import { deadlineDepsFromConfig } from '../deadlines/index.js';
import { DEADLINES_QUEUE } from '../../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE } from '../../queues/notifications.queue.js';
import { authenticate } from '../auth/authenticate.js';
import { loginRouter } from '../auth/login.router.js';
import { createSessionStore } from '../auth/session.store.js';
import { createTokenVerifier, type TokenVerifier } from '../auth/token-verifier.js';
import { authorize } from './access/authorize.js';
import { ROUTE_TABLE } from './access/route-table.js';
import { cors } from './cors.js';
import { rateLimit } from './rate-limit.js';
import { createShedder, type Shedder } from './shed.js';
import { timedForPressure } from './pressure.js';

export interface AppDeps {
  config: Config;
  db: Db;
  queues: Queues;
  redis: Redis;
  log: Logger;
  /** Token validation; default: built from OIDC_ISSUER / OIDC_AUDIENCE (none = every protected route 401). */
  verifier?: TokenVerifier | null;
  /** The API's metrics (one registry shared with the internal listener); default: a new one. */
  metrics?: ApiMetrics;
  /**
   * The look-ups' own store connections (LOOKUP_POOL_SIZE), so that pages holding every
   * connection of `db` never queue a checker's read; default: `db`.
   */
  lookupDb?: Db;
  /** Province groups' verification queues (PROVINCE_GROUPS), shown on Bull Board and in metrics with the others. */
  groupQueues?: Queue[];
}

/**
 * The look-ups the shedder serves in a class of their own (SHED_LOOKUP_*): a passport checker's
 * eligibility question, one indexed read of the per-citizen projection. Everything else under
 * /api and /auth is a page.
 */
const LOOKUP_ROUTES = /^\/api\/(citizens\/[^/?]+\/passport-eligibility|passport-eligibility)\/?(\?|$)/;

/**
 * The shedder's classes: pages, look-ups and acts, each with its own slots and queue; the pages
 * yield to the look-ups (down to one page at a time while checkers wait or their answers run
 * slow); the look-ups keep their own, shorter target time.
 */
export const shedClasses = (config: Pick<Config, 'SHED_CONCURRENCY' | 'SHED_QUEUE' | 'SHED_LOOKUP_CONCURRENCY' | 'SHED_LOOKUP_QUEUE' | 'SHED_LOOKUP_TARGET_MS' | 'SHED_ACT_CONCURRENCY' | 'SHED_ACT_QUEUE'>) => ({
  page: { concurrency: config.SHED_CONCURRENCY, queue: config.SHED_QUEUE, yieldsTo: 'lookup' },
  lookup: { concurrency: config.SHED_LOOKUP_CONCURRENCY, queue: config.SHED_LOOKUP_QUEUE, targetMs: config.SHED_LOOKUP_TARGET_MS },
  act: { concurrency: config.SHED_ACT_CONCURRENCY, queue: config.SHED_ACT_QUEUE },
});

/**
 * A request's shedding class, from its method and path alone (before any work is done for it):
 * a checker's look-up; a person's act (every write: a round created, a correction, a sign-off, an
 * upload), few and each someone's work, never queued behind the pages' reads (issue 30: under a
 * flood of dashboard reads a coordinator's ten rounds took 31 s to be accepted, 14 of them
 * answered 503 first); every other read is a page.
 */
export const shedClassOf = (req: Pick<Request, 'method' | 'originalUrl'>): keyof ReturnType<typeof shedClasses> =>
  req.method === 'GET' ? (LOOKUP_ROUTES.test(req.originalUrl) ? 'lookup' : 'page') : req.method === 'HEAD' || req.method === 'OPTIONS' ? 'page' : 'act';

/** The app's load shedder (what its people's requests went through), for the entry point's pressure signal. */
export const shedderOf = (app: Express): Shedder => app.locals.shedder as Shedder;

/** Build the Express app; no listening, no globals, so tests can build as many as they like. */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: they are personal and not cached (no-store), and hashing every body
  // was a share of a look-up's CPU under load (issue 30). The dashboard's files keep theirs (express.static).
  app.set('etag', false);
  // X-Forwarded-For only from the configured proxies (TRUST_PROXY); by default from no one.
  app.set('trust proxy', config.TRUST_PROXY.length ? config.TRUST_PROXY : false);
  const queues = [...queueList(deps.queues), ...(deps.groupQueues ?? [])];
  const store = deps.db.store;

  // Timing first, so that HTTP latency includes authentication and authorization.
  const metrics = deps.metrics ?? createApiMetrics({ queues, store, stalledAfterMs: config.ROUND_STALLED_MS, register: registerStateReader(deps.redis, config) });
  app.use(metrics.middleware);
  // Shedding before any work (authentication verifies a signature): an overloaded process answers 503 + Retry-After at once.
  // Three classes, each with its own slots and queue: look-ups and acts never wait behind pages (issue 30).
  const shedder = createShedder({
    classes: shedClasses(config),
    classify: shedClassOf,
    maxWaitMs: config.SHED_MAX_WAIT_MS, targetMs: config.SHED_TARGET_MS, registry: metrics.registry,
    timed: timedForPressure,
  });
  app.use(['/api', '/auth'], shedder);
  // The process's entry point samples it for the workers' yield signal (src/http/pressure.ts).
  app.locals.shedder = shedder;
  // Hardening and identity first: every route below is behind the route table (src/http/access).
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(cors(config.CORS_ORIGINS));
  const verifier = deps.verifier !== undefined ? deps.verifier
    : config.OIDC_ISSUER ? createTokenVerifier({ issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE, allowHttp: config.OIDC_ALLOW_HTTP }) : null;
  if (!verifier) deps.log.warn('OIDC_ISSUER is not set: every route but /healthz answers 401');
  const sessions = createSessionStore(deps.redis, config.QUEUE_PREFIX);
  const authLog = deps.log.child({ component: 'auth' });
  app.use(authenticate({ verifier, sessions, log: authLog }));
  app.use('/api', rateLimit({ redis: deps.redis, prefix: config.QUEUE_PREFIX, bucket: 'api', limit: config.RATE_LIMIT_PER_MIN }));
  // Sign-in steps are anonymous: limited per client address, so no one fills Redis with pending sign-ins.
  app.use(['/auth/login', '/auth/callback'], rateLimit({ redis: deps.redis, prefix: config.QUEUE_PREFIX, bucket: 'sign-in', limit: config.SIGN_IN_RATE_PER_MIN, byAddress: true }));
  // JSON bodies are small (the largest, a contacts list, is ~1 MB); uploads set their own raw limits.
  app.use('/api', express.json({ limit: '1mb' }));
  app.use(authorize({ store, table: ROUTE_TABLE }));

  app.use(loginRouter({
    verifier, sessions, issuer: config.OIDC_ISSUER, clientId: config.OIDC_CLIENT_ID, clientSecret: config.OIDC_CLIENT_SECRET,
    audience: config.OIDC_AUDIENCE, allowHttp: config.OIDC_ALLOW_HTTP, publicUrl: config.PUBLIC_URL, secureCookies: config.COOKIE_SECURE,
    sessionTtlMs: config.SESSION_TTL_MS, log: authLog,
  }));
  app.use(healthRouter({ redis: deps.redis, mongo: deps.db }));
  app.use(metricsRouter(metrics.registry));
  app.use(dashboardRouter());
  // Bull Board: operators only (the route table); BULL_BOARD_READ_ONLY takes its buttons away.
  const board = bullBoardRouter(queues, { readOnly: config.BULL_BOARD_READ_ONLY });
  app.use(BULL_BOARD_PATH, (req, res, next) => {
    res.setHeader('content-security-policy', BULL_BOARD_CSP);
    selfHostedPage(res, next);
    board(req, res, next);
  });

  const deadlines = deadlineDepsFromConfig(deps.config, {
    store, deadlinesQueue: deps.queues[DEADLINES_QUEUE], notificationsQueue: deps.queues[NOTIFICATIONS_QUEUE],
    log: deps.log.child({ component: 'deadlines' }),
  });
  // The API never writes a round's status or counters: acts enqueue its one writer (issue 27).
  const rounds = {
    store, verificationQueue: deps.queues[VERIFICATION_QUEUE], deadlines,
    events: queuedRoundEvents(deps.queues[ROUNDS_QUEUE]), defaultDeadlineMs: deps.config.DEFAULT_DEADLINE_MS,
    flowQueues: [deps.queues[VERIFICATION_QUEUE], ...(deps.groupQueues ?? [])], stalledAfterMs: config.ROUND_STALLED_MS,
  };
  app.use('/api/rounds', roundsRouter(rounds));
  app.use('/api', deadlinesRouter({ ...deadlines, events: rounds.events }, { webhookHosts: config.WEBHOOK_ALLOWED_HOSTS }));
  app.use(localitiesRouter({ localities: localitiesRepository(store) }));
  app.use(importsRouter({ queues: deps.queues, store, uploadDir: deps.config.UPLOAD_DIR }));
  // Corrections, worklists, eligibility, backlog (issue 6): explanations and dose reports tell the round's writer.
  const corrections = {
    ...rounds,
    signOffDefault: deps.config.CORRECTION_SIGNOFF_REQUIRED,
    log: deps.log.child({ component: 'corrections' }),
    maxUploadBytes: config.WORKSHEET_MAX_BYTES, maxUploadRows: config.WORKSHEET_MAX_ROWS,
  };
  const eligibilityLimit = rateLimit({ redis: deps.redis, prefix: config.QUEUE_PREFIX, bucket: 'eligibility', limit: config.ELIGIBILITY_RATE_PER_MIN });
  app.use(['/api/citizens/:personalId/passport-eligibility', '/api/passport-eligibility'], eligibilityLimit);
  app.use(worklistsRouter(corrections), correctionsRouter(corrections), eligibilityRouter({ store: (deps.lookupDb ?? deps.db).store, series: config.PRIMARY_SERIES }), backlogRouter(corrections));
  app.use(correctionRoundsRouter(corrections));
  app.use(facilitiesRouter({ store, ...(deadlines.now ? { now: deadlines.now } : {}) }));
  app.use(recordsRouter({ store, events: rounds.events, log: deps.log.child({ component: 'records' }) }));
  app.use(dashboardApiRouter({ store, stalledAfterMs: config.ROUND_STALLED_MS }));
  app.use(registerRouter({ state: registerStateReader(deps.redis, config) }));
  app.use(accessLogRouter({ store }));

  app.use(notFound);
  app.use(errorHandler(deps.log.child({ component: 'http' })));
  return app;
}
