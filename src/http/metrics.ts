import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../db/store.js';
import { readMetricsFigures } from '../db/repositories/dashboard.repository.js';
import { findStalledRounds } from '../rounds/replan.service.js';
import type { RegisterState } from '../registry/register-state.js';

/** HTTP latencies from a cached rollup read (~ms) to a large worksheet export (~tens of s). */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Prometheus metrics of the API process: queue depth and the age of each queue's oldest waiting
 * job (wait time), the campaign's figures from the national rollup (records by outcome, rounds
 * by status and health), open escalations by level, the rollup's age, and HTTP latency by route.
 * Job durations, wait times, failures and records/s come from the workers (src/metrics).
 * Every scrape costs a few Redis calls per queue and a few indexed reads, never a scan.
 */
export function createApiMetrics(deps: { queues: Queue[]; store: Store; stalledAfterMs: number; now?: () => Date; register?: () => Promise<RegisterState> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { queues, store } = deps;
  new Gauge({
    name: 'vaxverify_queue_jobs', help: 'Jobs per queue and state (queue depth: waiting + prioritized + delayed)',
    labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'waiting-children');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'vaxverify_queue_oldest_waiting_seconds', help: 'How long the oldest job waiting in the queue has waited (0 when none waits)',
    labelNames: ['queue'], registers: [registry],
    async collect() {
      const now = (deps.now?.() ?? new Date()).getTime();
      for (const q of queues) {
        // BullMQ's wait list is LPUSHed: the oldest job is at the end, returned first when asc.
        const [oldest] = await q.getJobs(['waiting'], 0, 0, true);
        this.set({ queue: q.name }, oldest ? Math.max(0, (now - oldest.timestamp) / 1000) : 0);
      }
    },
  });
  // One read of the figures per scrape, shared by the gauges below (prom-client collects them concurrently).
  let cached: { at: number; p: ReturnType<typeof readMetricsFigures> } | null = null;
  const figures = () => {
    if (!cached || Date.now() - cached.at > 1_000) cached = { at: Date.now(), p: readMetricsFigures(store) };
    return cached.p;
  };
  const fromNation = (name: string, help: string, label: string, pick: (n: NonNullable<Awaited<ReturnType<typeof readMetricsFigures>>['national']>) => Record<string, number>) =>
    new Gauge({
      name, help, labelNames: [label], registers: [registry],
      async collect() {
        const n = (await figures()).national;
        if (n) for (const [k, v] of Object.entries(pick(n))) this.set({ [label]: k }, v);
      },
    });
  fromNation('vaxverify_records', 'Dose records of the current rounds by outcome (national rollup); total, processed and explained too', 'outcome', (n) => n.records);
  fromNation('vaxverify_rounds', 'Current verification rounds by status (national rollup)', 'status', (n) => n.rounds);
  fromNation('vaxverify_rounds_health', 'Current verification rounds on time, at risk, overdue, completed (national rollup)', 'health', (n) => n.health);
  new Gauge({
    name: 'vaxverify_rollup_age_seconds', help: 'Age of the dashboard rollup (alert when it stops moving)', registers: [registry],
    async collect() {
      const n = (await figures()).national;
      if (n) this.set(Math.max(0, ((deps.now?.() ?? new Date()).getTime() - n.computedAt.getTime()) / 1000));
    },
  });
  new Gauge({
    name: 'vaxverify_escalations_open', help: 'Open escalations by level', labelNames: ['level'], registers: [registry],
    async collect() {
      for (const [level, n] of Object.entries((await figures()).openEscalations)) this.set({ level }, n);
    },
  });
  new Gauge({
    name: 'vaxverify_rounds_stalled',
    help: 'Rounds scheduled or verifying without progress for longer than ROUND_STALLED_MS (jobs Redis may have lost: the rounds reconciler re-plans them, an operator may retry them)',
    registers: [registry],
    async collect() {
      this.set((await findStalledRounds(deps)).length);
    },
  });
  if (deps.register) registerGauges(registry, deps.register);
  const http = new Histogram({
    name: 'vaxverify_http_request_duration_seconds', help: 'HTTP request latency by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers: [registry],
  });

  /** Times every request; the label is the matched route pattern (never the raw URL: no IDs, bounded labels). */
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const pattern = req.route?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : req.path.startsWith('/admin/queues') ? '/admin/queues' : req.path.startsWith('/dashboard') ? '/dashboard' : 'unmatched';
      http.observe({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** GET /metrics from an API metrics registry. */
export function metricsRouter(registry: Registry): Router {
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return r;
}

/**
 * The population register as the deployment uses it (src/registry, state shared in Redis by every
 * worker): its state, the quota granted, allowed now and used, calls per second, totals by outcome
 * (429s among them), latency p95, records and chunks waiting on it. One read per scrape.
 */
function registerGauges(registry: Registry, read: () => Promise<RegisterState>) {
  let cached: { at: number; p: Promise<RegisterState> } | null = null;
  const state = () => {
    if (!cached || Date.now() - cached.at > 1_000) cached = { at: Date.now(), p: read() };
    return cached.p;
  };
  const gauge = (name: string, help: string, set: (g: Gauge, s: RegisterState) => void, labelNames: string[] = []) => new Gauge({
    name, help, labelNames, registers: [registry],
    async collect() { set(this, await state()); },
  });
  gauge('vaxverify_register_state', 'Population register state: 1 for the current one of up, degraded, down', (g, s) => {
    for (const st of ['up', 'degraded', 'down']) g.set({ state: st }, s.state === st ? 1 : 0);
  }, ['state']);
  gauge('vaxverify_register_down_since_seconds', 'Seconds since the circuit opened (0 when up)', (g, s) => g.set(s.downSince ? (Date.now() - Date.parse(s.downSince)) / 1000 : 0));
  gauge('vaxverify_register_quota_per_second', 'Subjects per second: granted by the register, allowed now (after 429 cuts), used (last 10 s)', (g, s) => {
    g.set({ kind: 'granted' }, s.quotaPerSecond);
    g.set({ kind: 'allowed' }, s.allowedPerSecond);
    g.set({ kind: 'used' }, s.usedPerSecond);
  }, ['kind']);
  gauge('vaxverify_register_calls_per_second', 'Calls to the register per second (last 10 s)', (g, s) => g.set(s.callsPerSecond));
  gauge('vaxverify_register_calls', 'Calls to the register since the deployment began, by outcome', (g, s) => {
    g.set({ outcome: 'all' }, s.calls);
    g.set({ outcome: '429' }, s.rejected429);
    g.set({ outcome: 'failure' }, s.failures);
    g.set({ outcome: 'probe' }, s.probes);
  }, ['outcome']);
  gauge('vaxverify_register_latency_p95_seconds', 'p95 latency of the last 500 answered calls', (g, s) => g.set((s.latencyP95Ms ?? 0) / 1000));
  gauge('vaxverify_register_records_waiting', 'Records of chunks waiting on the register (delayed)', (g, s) => g.set(s.recordsWaiting));
}
