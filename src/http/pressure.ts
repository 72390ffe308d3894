import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { claimPressure } from '../lib/people-pressure.js';
import type { Logger } from '../lib/logger.js';
import type { ShedSample } from './shed.js';

export interface PressureOptions {
  redis: Redis;
  prefix: string;
  /** This process, as the workers' signal names it. */
  instance: string;
  /** Sampling period; a claim lives three periods, so one missed sample does not drop it. */
  everyMs: number;
  /** Service time above which people are said to be waiting (half the shedder's target). */
  slowMs: number;
  sample(): ShedSample;
  log: Logger;
}

/**
 * Whose service time says people wait on the store: reads. A write's time is its own work (a
 * coordinator creating ten rounds, an upload), and batch work yielding to it only delays the
 * rounds it creates (issue 26: the workers yielded for the first seconds of every campaign).
 */
export const timedForPressure = (req: Pick<Request, 'method'>): boolean => req.method === 'GET' || req.method === 'HEAD';

/** Pressed when requests queued or were shed, or when those served took longer than `slowMs` on average. */
export const pressed = (s: ShedSample, slowMs: number): boolean => s.queued > 0 || s.shed > 0 || (s.served > 0 && s.avgMs > slowMs);

/**
 * Tells the workers when this API's people are waiting, every `everyMs`: the workers then run
 * fewer verification jobs at once (WORKER_CONCURRENCY_UNDER_PRESSURE) and the store answers
 * people first; when the requests are fast again the claim is withdrawn and batch work resumes
 * at full speed. Returns a stop function (shutdown), which withdraws the claim.
 */
export function publishPressure(opts: PressureOptions): () => Promise<void> {
  let last = false;
  const tick = async () => {
    const now = pressed(opts.sample(), opts.slowMs);
    // Renew while pressed; withdraw once when it ends.
    if (!now && !last) return;
    try {
      await claimPressure(opts.redis, opts.prefix, opts.instance, now, opts.everyMs * 3);
      if (now !== last) opts.log.info({ pressed: now }, now ? 'people are waiting: asking the workers to yield' : 'people served in time again: workers may run at full speed');
      last = now;
    } catch (err) {
      opts.log.warn({ err }, 'could not publish the people-pressure signal');
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    if (last) await claimPressure(opts.redis, opts.prefix, opts.instance, false, 0).catch(() => {});
  };
}
