import type { RequestHandler, Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import { text } from '../domain/i18n/index.js';

export interface ShedOptions {
  /** Requests served at once by this process. */
  concurrency: number;
  /** Requests that may wait for a slot; the next one is answered 503 at once. */
  queue: number;
  /** Longest wait for a slot: a request that waited longer is answered 503, never served late. */
  maxWaitMs: number;
  /**
   * Service time to keep requests under: while the recent average runs above it the limit
   * shrinks (×0.8, at most every 100 ms, down to a quarter of `concurrency`); while it runs under
   * half of it and the slots are full, it grows back by one.
   */
  targetMs: number;
  /** Where the counters and gauges go (the API's /metrics registry). */
  registry: Registry;
}

export type ShedReason = 'queue_full' | 'waited_too_long';

/** What people's requests went through since the last sample (the workers' yield signal reads it). */
export interface ShedSample {
  /** Requests served and their average service time (ms) since the last sample. */
  served: number;
  avgMs: number;
  /** Requests shed since the last sample, and waiting for a slot now. */
  shed: number;
  queued: number;
}

export type Shedder = RequestHandler & { sample(): ShedSample };

interface Waiter { admit(): void; shed(): void; timer: NodeJS.Timeout }

/**
 * Load shedding by concurrency and queue time: at most `concurrency` requests run; the next
 * `queue` wait in arrival order; a request that finds the queue full, or waits `maxWaitMs`
 * without a slot, is answered 503 with Retry-After before any work is done for it. Work a
 * request started is never cut short: latency stays bounded by the wait limit plus one
 * request's own time, instead of running away as a backlog builds (the overload the campaign
 * saw). The limit adapts (AIMD on the requests' own service time, `targetMs`): a process whose
 * CPU or store is slowed by batch work runs fewer requests at once, so those it serves stay
 * fast and the rest are told to come back. Per process: each replica protects its own event
 * loop and store pool.
 */
export function createShedder(opts: ShedOptions): Shedder {
  const metric = <T>(name: string, make: () => T): T => (opts.registry.getSingleMetric(name) as T | undefined) ?? make();
  const shedTotal = metric('vaxverify_http_shed_total', () => new Counter({
    name: 'vaxverify_http_shed_total', help: 'API requests answered 503 by load shedding, by reason (queue_full, waited_too_long)',
    labelNames: ['reason'], registers: [opts.registry],
  }));
  let active = 0;
  const waiting: Waiter[] = [];
  let limit = opts.concurrency;
  const floor = Math.max(1, Math.ceil(opts.concurrency / 4));
  let avgMs = 0;
  let changedAt = 0;
  const window = { served: 0, ms: 0, shed: 0 };
  /** One served request's time into the average; the limit moves at most every 100 ms. */
  const adapt = (ms: number) => {
    window.served++;
    window.ms += ms;
    avgMs = avgMs === 0 ? ms : 0.8 * avgMs + 0.2 * ms;
    const now = Date.now();
    if (now - changedAt < 100) return;
    if (avgMs > opts.targetMs && limit > floor) { limit = Math.max(floor, Math.floor(limit * 0.8)); changedAt = now; }
    else if (avgMs < opts.targetMs / 2 && limit < opts.concurrency && active + waiting.length >= limit) { limit++; changedAt = now; }
  };
  metric('vaxverify_http_in_flight', () => new Gauge({
    name: 'vaxverify_http_in_flight', help: 'API requests being served (at most SHED_CONCURRENCY) and waiting for a slot',
    labelNames: ['state'], registers: [opts.registry],
    collect() { this.set({ state: 'active' }, active); this.set({ state: 'queued' }, waiting.length); },
  }));
  metric('vaxverify_http_concurrency_limit', () => new Gauge({
    name: 'vaxverify_http_concurrency_limit', help: 'Requests this API process serves at once now (adaptive, at most SHED_CONCURRENCY); in-flight / limit = saturation, the HPA\'s signal',
    registers: [opts.registry], collect() { this.set(limit); },
  }));
  // Seconds a shed client should wait: the queue's wait limit, at least one second.
  const retryAfter = String(Math.max(1, Math.ceil(opts.maxWaitMs / 1000)));

  const refuse = (res: Response, reason: ShedReason) => {
    shedTotal.inc({ reason });
    window.shed++;
    res.setHeader('retry-after', retryAfter);
    res.setHeader('cache-control', 'no-store');
    res.status(503).json({ error: { code: 'overloaded', message: text('err.overloaded', 'vi', { s: retryAfter }) } });
  };
  const release = (startedAt: number) => {
    active--;
    adapt(Date.now() - startedAt);
    while (active < limit && waiting.length > 0) waiting.shift()!.admit();
  };

  const handler: RequestHandler = (_req, res, next) => {
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    let startedAt = 0;
    // 'close' fires once the response is sent or the client went away: the slot is free, or the place in the queue given up.
    res.once('close', () => {
      if (state === 'running') release(startedAt);
      else if (state === 'waiting') { const i = waiting.indexOf(w); if (i >= 0) { clearTimeout(w.timer); waiting.splice(i, 1); } }
      state = 'done';
    });
    const run = () => { state = 'running'; startedAt = Date.now(); active++; next(); };
    const w: Waiter = {
      admit: () => { clearTimeout(w.timer); run(); },
      shed: () => {
        const i = waiting.indexOf(w);
        if (i >= 0) waiting.splice(i, 1);
        refuse(res, 'waited_too_long');
      },
      timer: undefined as unknown as NodeJS.Timeout,
    };
    if (active < limit && waiting.length === 0) { run(); return; }
    if (waiting.length >= opts.queue) { refuse(res, 'queue_full'); return; }
    w.timer = setTimeout(() => w.shed(), opts.maxWaitMs);
    waiting.push(w);
  };
  const sample = (): ShedSample => {
    const out = { served: window.served, avgMs: window.served ? window.ms / window.served : 0, shed: window.shed, queued: waiting.length };
    Object.assign(window, { served: 0, ms: 0, shed: 0 });
    return out;
  };
  return Object.assign(handler, { sample });
}
