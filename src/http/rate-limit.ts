import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { text } from '../domain/i18n/index.js';

/**
 * INCR, and the window's expiry set when the key is new: one command per request (a MULTI of
 * INCR + PEXPIRE was four, and the per-request share of the API's CPU under load, issue 30). The
 * key always expires: it is made and given its expiry in the same script.
 */
const COUNT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`;

type Counting = Redis & { vaxverifyRateCount(key: string, windowMs: number): Promise<number> };

const counting = (redis: Redis): Counting => {
  const r = redis as Counting;
  if (typeof r.vaxverifyRateCount !== 'function') redis.defineCommand('vaxverifyRateCount', { numberOfKeys: 1, lua: COUNT });
  return r;
};

/**
 * Fixed-window rate limit counted in Redis, so the limit holds across API replicas. Keyed by the
 * principal (or the client address when anonymous, or always with `byAddress`): one key per
 * caller and window, so the keys are bounded by the callers.
 */
export function rateLimit(opts: { redis: Redis; prefix: string; bucket: string; limit: number; windowMs?: number; byAddress?: boolean }): RequestHandler {
  const windowMs = opts.windowMs ?? 60_000;
  const redis = counting(opts.redis);
  const limit = String(opts.limit);
  return async (req, res, next) => {
    try {
      // req.ip is the TCP peer unless it is a TRUST_PROXY proxy: a client cannot choose its key.
      const who = req.principal && !opts.byAddress ? `sub:${req.principal.sub}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
      const window = Math.floor(Date.now() / windowMs);
      const count = await redis.vaxverifyRateCount(`${opts.prefix}:rl:${opts.bucket}:${who}:${window}`, windowMs);
      res.setHeader('ratelimit-limit', limit);
      res.setHeader('ratelimit-remaining', String(Math.max(0, opts.limit - count)));
      if (count > opts.limit) {
        const retry = Math.ceil(((window + 1) * windowMs - Date.now()) / 1000);
        res.setHeader('retry-after', String(retry));
        res.status(429).json({ error: { code: 'rate_limited', message: text('err.rate_limited', 'vi'), details: { bucket: opts.bucket, limit: opts.limit, windowSeconds: windowMs / 1000, retryAfterSeconds: retry } } });
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
