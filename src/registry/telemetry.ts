import type { Redis } from 'ioredis';

/**
 * What the deployment knows about its use of the register, in Redis so that the API's /metrics
 * and the dashboard see every worker's calls: totals, calls and subjects per second (10 s
 * window), recent latencies (p95), the chunks waiting on the register, the rounds they belong to,
 * and past outages. No citizen data: counts, times, job and round IDs.
 */
const SECONDS_KEPT = 120;
const LATENCIES_KEPT = 500;
const OUTAGES_KEPT = 20;

export type CallOutcome = 'ok' | 'quota' | 'maintenance' | 'overloaded' | 'failure' | 'rejected';

export function registerKeys(prefix: string) {
  const k = `${prefix}:register`;
  return {
    totals: `${k}:totals`, second: (s: number) => `${k}:sec:${s}`, latency: `${k}:latency`,
    waiting: `${k}:waiting`, heldRounds: `${k}:held-rounds`, outages: `${k}:outages`,
    /** Outages ended whose deadline job has not finished: start → end (shared-breaker.ts writes it on close). */
    pendingOutages: `${k}:outages-pending`,
    /** The rounds an ended outage held (round → since), under its start: renamed from heldRounds on close. */
    heldBy: (from: number) => `${k}:held-rounds:${from}`,
  };
}

export function createTelemetry(redis: Redis, prefix: string) {
  const keys = registerKeys(prefix);
  return {
    async call(c: { kind: 'authenticate' | 'search'; units: number; outcome: CallOutcome; ms: number; probe: boolean }): Promise<void> {
      const sec = Math.floor(Date.now() / 1000);
      const p = redis.pipeline()
        .hincrby(keys.totals, 'calls', 1)
        .hincrby(keys.totals, `outcome:${c.outcome}`, 1)
        .hincrby(keys.second(sec), 'calls', 1)
        .expire(keys.second(sec), SECONDS_KEPT);
      if (c.probe) p.hincrby(keys.totals, 'probes', 1);
      if (c.outcome === 'ok') {
        p.hincrby(keys.totals, c.kind === 'authenticate' ? 'subjects' : 'queries', c.units)
          .hincrby(keys.second(sec), c.kind === 'authenticate' ? 'subjects' : 'queries', c.units)
          .lpush(keys.latency, Math.round(c.ms)).ltrim(keys.latency, 0, LATENCIES_KEPT - 1);
      }
      await p.exec();
    },
    /** A chunk steps aside for the register: counted as waiting, its round as held (deadline policy). */
    async hold(jobId: string, records: number, roundId: string, circuitOpen: boolean): Promise<void> {
      // Counted too (operators, the bench): how often chunks stepped aside, for an outage or for the quota and failures.
      const p = redis.pipeline().hset(keys.waiting, { [jobId]: String(records) }).hincrby(keys.totals, circuitOpen ? 'waits:outage' : 'waits:other', 1);
      // Only an outage holds a round's deadline; waiting on the quota is the campaign's own pace.
      if (circuitOpen) p.hsetnx(keys.heldRounds, roundId, Date.now());
      await p.exec();
    },
    async release(jobId: string): Promise<void> {
      await redis.hdel(keys.waiting, jobId);
    },
    /** The rounds the ended outage that started at `from` held, since when each (kept until its job is done). */
    async heldRounds(from: number): Promise<Map<string, number>> {
      return new Map(Object.entries(await redis.hgetall(keys.heldBy(from))).map(([r, t]) => [r, Number(t)]));
    },
    /** A held round's deadline side is done for that outage: a re-run of the job skips it. */
    async roundHandled(from: number, roundId: string): Promise<void> {
      await redis.hdel(keys.heldBy(from), roundId);
    },
    /** Ended outages whose job has not finished (the sweeper enqueues them again: deduplicated by their start). */
    async pendingOutages(): Promise<{ from: number; to: number }[]> {
      return Object.entries(await redis.hgetall(keys.pendingOutages)).map(([f, t]) => ({ from: Number(f), to: Number(t) }));
    },
    /** The outage's job finished: into the history, out of pending. */
    async outageHandled(o: { from: number; to: number; rounds: number }): Promise<void> {
      await redis.multi().lpush(keys.outages, JSON.stringify(o)).ltrim(keys.outages, 0, OUTAGES_KEPT - 1)
        .del(keys.heldBy(o.from)).hdel(keys.pendingOutages, String(o.from)).exec();
    },
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

/** p-th percentile of a list of numbers (nearest rank); null for none. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
