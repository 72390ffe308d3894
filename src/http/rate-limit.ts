import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';

/**
 * Fixed-window rate limit counted in Redis (INCR + PEXPIRE in one MULTI), so the limit holds
 * across API replicas. Keyed by the principal (or the client address when anonymous, or always
 * with `byAddress`): one key per caller and window, so the keys are bounded by the callers.
 */
export function rateLimit(opts: { redis: Redis; prefix: string; bucket: string; limit: number; windowMs?: number; byAddress?: boolean }): RequestHandler {
  const windowMs = opts.windowMs ?? 60_000;
  return async (req, res, next) => {
    try {
      // req.ip is the TCP peer unless it is a TRUST_PROXY proxy: a client cannot choose its key.
      const who = req.principal && !opts.byAddress ? `sub:${req.principal.sub}` : `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
      const window = Math.floor(Date.now() / windowMs);
      const key = `${opts.prefix}:rl:${opts.bucket}:${who}:${window}`;
      const [[, count]] = (await opts.redis.multi().incr(key).pexpire(key, windowMs).exec()) as [[Error | null, number], unknown];
      res.setHeader('ratelimit-limit', String(opts.limit));
      res.setHeader('ratelimit-remaining', String(Math.max(0, opts.limit - count)));
      if (count > opts.limit) {
        const retry = Math.ceil(((window + 1) * windowMs - Date.now()) / 1000);
        res.setHeader('retry-after', String(retry));
        res.status(429).json({ error: { code: 'rate_limited', message: `more than ${opts.limit} ${opts.bucket} requests per ${windowMs / 1000} s: try again in ${retry} s` } });
        return;
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
