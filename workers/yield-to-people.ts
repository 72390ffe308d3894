import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pressingApis } from '../src/lib/people-pressure.js';
import type { Logger } from '../src/lib/logger.js';

export interface YieldOptions {
  redis: Redis;
  prefix: string;
  /** The verification workers (their concurrency is what yields). */
  workers: Worker[];
  /** Jobs at once normally, and while an API says its people are waiting. */
  concurrency: number;
  underPressure: number;
  everyMs: number;
  /** Told each time the worker starts or stops yielding (the worker's metrics). */
  onChange?: (yielding: boolean) => void;
  log: Logger;
}

/**
 * Batch work yields to people (issue 30): while any API process says its people's requests are
 * slow or queued (src/http/pressure.ts), the verification workers run `underPressure` jobs at
 * once instead of `concurrency`, so the store they share answers people first; full speed again
 * as soon as no API claims. BullMQ applies a lower concurrency to the next jobs taken: running
 * jobs finish. Returns a stop function.
 */
export function yieldToPeople(opts: YieldOptions): () => void {
  let yielding = false;
  const tick = async () => {
    let now: boolean;
    try { now = (await pressingApis(opts.redis, opts.prefix)) > 0; } catch { return; } // Redis away: keep the current setting
    if (now === yielding) return;
    yielding = now;
    for (const w of opts.workers) w.concurrency = now ? opts.underPressure : opts.concurrency;
    opts.onChange?.(now);
    opts.log.info({ concurrency: now ? opts.underPressure : opts.concurrency }, now ? 'yielding to people\'s requests' : 'full speed again');
  };
  const timer = setInterval(() => void tick(), opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
