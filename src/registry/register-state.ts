import type { Redis } from 'ioredis';
import { percentile, registerKeys } from './telemetry.js';

/** What operators see of the register (dashboard panel, /metrics): one read of a few Redis keys. */
export interface RegisterState {
  mode: 'mirror' | 'authority';
  /** up; degraded (quota cut after 429s, or failures in a row); down (circuit open). */
  state: 'up' | 'degraded' | 'down';
  downSince: string | null;
  quotaPerSecond: number;
  /** The rate the deployment allows itself now (below the quota after 429s). */
  allowedPerSecond: number;
  /** Subjects and calls per second over the last 10 s. */
  usedPerSecond: number;
  callsPerSecond: number;
  calls: number;
  subjects: number;
  rejected429: number;
  failures: number;
  probes: number;
  latencyP95Ms: number | null;
  recordsWaiting: number;
  chunksWaiting: number;
  lastOutage: { from: string; to: string; rounds: number } | null;
}

const WINDOW_S = 10;

export async function readRegisterState(redis: Redis, o: { prefix: string; mode: 'mirror' | 'authority'; quota: number }): Promise<RegisterState> {
  const k = registerKeys(o.prefix);
  const now = Math.floor(Date.now() / 1000);
  // The last full seconds (the current one is still filling).
  const secs = Array.from({ length: WINDOW_S }, (_, i) => now - 1 - i);
  const p = redis.pipeline()
    .hgetall(`${o.prefix}:register:breaker`).hget(`${o.prefix}:register:quota`, 'rate').hget(`${o.prefix}:register:quota`, 'lastCut')
    .hgetall(k.totals).lrange(k.latency, 0, -1).hvals(k.waiting).lindex(k.outages, 0);
  for (const s of secs) p.hmget(k.second(s), 'calls', 'subjects');
  const r = ((await p.exec()) ?? []).map(([, v]) => v);
  const [breaker, rate, lastCut, totals, latencies, waiting, lastOutage] = r as [Record<string, string>, string | null, string | null, Record<string, string>, string[], string[], string | null];
  const perSec = r.slice(7) as [string | null, string | null][];
  const open = breaker.state === 'open';
  const quota = o.quota;
  const allowed = rate ? Number(rate) : quota;
  const recentCut = lastCut !== null && Date.now() - Number(lastCut) < 60_000;
  const outage = lastOutage ? JSON.parse(lastOutage) as { from: number; to: number; rounds: number } : null;
  return {
    mode: o.mode,
    state: open ? 'down' : recentCut || Number(breaker.failures ?? 0) > 0 ? 'degraded' : 'up',
    downSince: open && breaker.openedAt ? new Date(Number(breaker.openedAt)).toISOString() : null,
    quotaPerSecond: quota,
    allowedPerSecond: Math.round(allowed),
    usedPerSecond: Math.round(perSec.reduce((s, [, n]) => s + Number(n ?? 0), 0) / WINDOW_S),
    callsPerSecond: +(perSec.reduce((s, [c]) => s + Number(c ?? 0), 0) / WINDOW_S).toFixed(1),
    calls: Number(totals.calls ?? 0),
    subjects: Number(totals.subjects ?? 0),
    rejected429: Number(totals['outcome:quota'] ?? 0),
    failures: Number(totals['outcome:failure'] ?? 0) + Number(totals['outcome:maintenance'] ?? 0) + Number(totals['outcome:overloaded'] ?? 0),
    probes: Number(totals.probes ?? 0),
    latencyP95Ms: percentile(latencies.map(Number), 95),
    recordsWaiting: waiting.reduce((s, n) => s + Number(n), 0),
    chunksWaiting: waiting.length,
    lastOutage: outage ? { from: new Date(outage.from).toISOString(), to: new Date(outage.to).toISOString(), rounds: outage.rounds } : null,
  };
}

/** The reader the API's metrics and dashboard use, from the config. */
export function registerStateReader(redis: Redis, config: { QUEUE_PREFIX: string; REGISTRY_MODE: 'mirror' | 'authority'; REGISTRY_QUOTA: number }) {
  return () => readRegisterState(redis, { prefix: config.QUEUE_PREFIX, mode: config.REGISTRY_MODE, quota: config.REGISTRY_QUOTA });
}
