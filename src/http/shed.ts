import type { Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { text } from '../domain/i18n/index.js';

/** One class of requests' own slots and queue. */
export interface ShedLimits {
  /** Requests of the class served at once by this process (the adaptive limit's ceiling). */
  concurrency: number;
  /** Requests of the class that may wait for a slot; the next one is answered 503 at once. */
  queue: number;
  /**
   * The class whose people come first: while its requests wait for a slot, or ran over half the
   * target on average in the last second, this class's limit falls (×0.8 every 100 ms) to one
   * request at a time and does not grow back. The pages yield so to the look-ups: a checker's one
   * read must not wait for the store behind worklists (issue 30).
   */
  yieldsTo?: string;
  /** This class's own service-time target (below); default the shedder's `targetMs`. */
  targetMs?: number;
}

export interface ShedOptions<C extends string = string> {
  /**
   * The classes of requests, each with its own slots, queue and adaptive limit: a class whose
   * requests are slow (a worklist page) shrinks its own limit and fills its own queue, never the
   * slots of a class of cheap look-ups (eligibility). The first class is the default.
   */
  classes: Record<C, ShedLimits>;
  /** The class of a request (before any work is done for it); default: the first class. */
  classify?: (req: Request) => C;
  /** Longest wait for a slot: a request that waited longer is answered 503, never served late. */
  maxWaitMs: number;
  /**
   * Service time to keep requests under: while a class's recent average runs above it its limit
   * shrinks (×0.8, at most every 100 ms, down to a quarter of its `concurrency`); while it runs
   * under half of it and the class's slots are full, it grows back by one.
   */
  targetMs: number;
  /** Where the counters and gauges go (the API's /metrics registry). */
  registry: Registry;
  /**
   * Whether a request's service time says people are waiting on the store (the pressure sample's
   * average); default every request (the API: reads only, src/http/pressure.ts timedForPressure).
   * Every request still counts when it queues or is shed.
   */
  timed?: (req: Request) => boolean;
}

export type ShedReason = 'queue_full' | 'waited_too_long';

/** What people's requests went through since the last sample (the workers' yield signal reads it). */
export interface ShedSample {
  /** Requests served (of those `timed` counts) and their average service time (ms) since the last sample. */
  served: number;
  avgMs: number;
  /** Requests shed since the last sample, and waiting for a slot now. */
  shed: number;
  queued: number;
}

export type Shedder = RequestHandler & { sample(): ShedSample };

interface Waiter { admit(): void; shed(): void; timer: NodeJS.Timeout }

/** One class's slots, queue, adaptive limit and window of served requests. */
interface Lane {
  name: string;
  limits: ShedLimits;
  active: number;
  waiting: Waiter[];
  limit: number;
  floor: number;
  avgMs: number;
  /** When a request of the class last finished (its average says nothing of now after a quiet second). */
  lastAt: number;
  changedAt: number;
  window: { served: number; ms: number; shed: number };
  yieldsTo?: Lane;
}

const lane = (name: string, limits: ShedLimits): Lane => ({
  name, limits, active: 0, waiting: [], limit: limits.concurrency, floor: Math.max(1, Math.ceil(limits.concurrency / 4)),
  avgMs: 0, lastAt: 0, changedAt: 0, window: { served: 0, ms: 0, shed: 0 },
});

/**
 * Load shedding by concurrency and queue time, per class of request: at most `concurrency`
 * requests of a class run; the next `queue` wait in arrival order; a request that finds its
 * class's queue full, or waits `maxWaitMs` without a slot, is answered 503 with Retry-After
 * before any work is done for it. Work a request started is never cut short: latency stays
 * bounded by the wait limit plus one request's own time, instead of running away as a backlog
 * builds (the overload the campaign saw). Each class's limit adapts (AIMD on its own requests'
 * service time, `targetMs`): a process whose CPU or store is slowed by batch work runs fewer
 * requests at once, so those it serves stay fast and the rest are told to come back. Classes
 * keep slow pages from starving cheap look-ups: with one limit for all, the worklist's 600 ms
 * pages pulled it down and eligibility waited behind them (issue 30). Per process: each replica
 * protects its own event loop and store pool.
 */
export function createShedder<C extends string>(opts: ShedOptions<C>): Shedder {
  const names = Object.keys(opts.classes) as C[];
  if (names.length === 0) throw new Error('createShedder: no class of requests');
  const lanes = new Map<string, Lane>(names.map((n) => [n, lane(n, opts.classes[n])]));
  for (const l of lanes.values()) {
    if (l.limits.yieldsTo === undefined) continue;
    l.yieldsTo = lanes.get(l.limits.yieldsTo);
    if (!l.yieldsTo || l.yieldsTo === l) throw new Error(`createShedder: class ${l.name} yields to unknown class ${l.limits.yieldsTo}`);
  }
  const classify = opts.classify ?? (() => names[0]!);
  const metric = <T>(name: string, make: () => T): T => (opts.registry.getSingleMetric(name) as T | undefined) ?? make();
  const shedTotal = metric('vaxverify_http_shed_total', () => new Counter({
    name: 'vaxverify_http_shed_total', help: 'API requests answered 503 by load shedding, by class of request and reason (queue_full, waited_too_long)',
    labelNames: ['class', 'reason'], registers: [opts.registry],
  }));
  metric('vaxverify_http_in_flight', () => new Gauge({
    name: 'vaxverify_http_in_flight', help: 'API requests being served (at most the class\'s SHED_*CONCURRENCY) and waiting for a slot, by class of request',
    labelNames: ['class', 'state'], registers: [opts.registry],
    collect() { for (const l of lanes.values()) { this.set({ class: l.name, state: 'active' }, l.active); this.set({ class: l.name, state: 'queued' }, l.waiting.length); } },
  }));
  metric('vaxverify_http_concurrency_limit', () => new Gauge({
    name: 'vaxverify_http_concurrency_limit', help: 'Requests of a class this API process serves at once now (adaptive, at most the class\'s SHED_*CONCURRENCY); in-flight / limit = saturation, the HPA\'s signal',
    labelNames: ['class'], registers: [opts.registry], collect() { for (const l of lanes.values()) this.set({ class: l.name }, l.limit); },
  }));

  /** A class its yielding classes give way to is behind: requests waiting, or slow in the last second. */
  const target = (l: Lane) => l.limits.targetMs ?? opts.targetMs;
  const behind = (l: Lane, now: number) => l.waiting.length > 0 || (now - l.lastAt < 1_000 && l.avgMs > target(l) / 2);
  /** One served request's time into its class's average; the limit moves at most every 100 ms. */
  const adapt = (l: Lane, ms: number, timed: boolean) => {
    if (timed) { l.window.served++; l.window.ms += ms; }
    l.avgMs = l.avgMs === 0 ? ms : 0.8 * l.avgMs + 0.2 * ms;
    const now = Date.now();
    l.lastAt = now;
    if (now - l.changedAt < 100) return;
    const yielding = l.yieldsTo !== undefined && behind(l.yieldsTo, now);
    const floor = yielding ? 1 : l.floor;
    if ((yielding || l.avgMs > target(l)) && l.limit > floor) { l.limit = Math.max(floor, Math.floor(l.limit * 0.8)); l.changedAt = now; }
    else if (!yielding && (l.limit < l.floor || (l.avgMs < target(l) / 2 && l.limit < l.limits.concurrency && l.active + l.waiting.length >= l.limit))) { l.limit++; l.changedAt = now; }
  };
  // Seconds a shed client should wait: the queue's wait limit, at least one second.
  const retryAfter = String(Math.max(1, Math.ceil(opts.maxWaitMs / 1000)));

  // The answer is the same every time: made once (under overload it is most of what a process sends).
  const overloaded = Buffer.from(JSON.stringify({ error: { code: 'overloaded', message: text('err.overloaded', 'vi', { s: retryAfter }) } }));
  const overloadedHeaders = { 'retry-after': retryAfter, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': String(overloaded.length) };
  const refuse = (l: Lane, res: Response, reason: ShedReason) => {
    shedTotal.inc({ class: l.name, reason });
    l.window.shed++;
    res.writeHead(503, overloadedHeaders).end(overloaded);
  };
  const release = (l: Lane, startedAt: number, timed: boolean) => {
    l.active--;
    adapt(l, Date.now() - startedAt, timed);
    while (l.active < l.limit && l.waiting.length > 0) l.waiting.shift()!.admit();
  };

  const handler: RequestHandler = (req, res, next) => {
    const l = lanes.get(classify(req)) ?? lanes.get(names[0]!)!;
    const timed = opts.timed?.(req) ?? true;
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    let startedAt = 0;
    // 'close' fires once the response is sent or the client went away: the slot is free, or the place in the queue given up.
    res.once('close', () => {
      if (state === 'running') release(l, startedAt, timed);
      else if (state === 'waiting') { const i = l.waiting.indexOf(w); if (i >= 0) { clearTimeout(w.timer); l.waiting.splice(i, 1); } }
      state = 'done';
    });
    const run = () => { state = 'running'; startedAt = Date.now(); l.active++; next(); };
    const w: Waiter = {
      admit: () => { clearTimeout(w.timer); run(); },
      shed: () => {
        const i = l.waiting.indexOf(w);
        if (i >= 0) l.waiting.splice(i, 1);
        refuse(l, res, 'waited_too_long');
      },
      timer: undefined as unknown as NodeJS.Timeout,
    };
    if (l.active < l.limit && l.waiting.length === 0) { run(); return; }
    if (l.waiting.length >= l.limits.queue) { refuse(l, res, 'queue_full'); return; }
    w.timer = setTimeout(() => w.shed(), opts.maxWaitMs);
    l.waiting.push(w);
  };
  /** All classes together: people wait if any class's requests queued, were shed or ran slow. */
  const sample = (): ShedSample => {
    const out = { served: 0, ms: 0, shed: 0, queued: 0 };
    for (const l of lanes.values()) {
      out.served += l.window.served;
      out.ms += l.window.ms;
      out.shed += l.window.shed;
      out.queued += l.waiting.length;
      Object.assign(l.window, { served: 0, ms: 0, shed: 0 });
    }
    return { served: out.served, avgMs: out.served ? out.ms / out.served : 0, shed: out.shed, queued: out.queued };
  };
  return Object.assign(handler, { sample });
}
