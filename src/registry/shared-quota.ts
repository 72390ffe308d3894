import type { Redis } from 'ioredis';

/**
 * One quota for the whole deployment: a token bucket in Redis, taken by every worker process in one
 * Lua script (Redis's clock, so processes' clocks do not matter). Written here rather than taken
 * from rate-limiter-flexible or BullMQ's global rate limiter: those count jobs or fixed windows,
 * while the register counts subjects in a token bucket whose rate vaxverify must lower on a 429
 * and raise again (AIMD); a fixed window lets twice the rate through across a window boundary,
 * which the register would answer with 429s.
 *
 * - `take(n)` reserves n subjects: the caller sends when the answer's `waitMs` has passed (a
 *   reservation, so waiting callers are served in order and none is starved), or, when the wait
 *   would exceed `maxWaitMs`, nothing is reserved and the caller steps aside (its chunk is delayed).
 * - `cut(retryAfterMs)`: a 429 or an overload answer: the rate to 70 %, nothing sent until
 *   Retry-After has passed. Several 429s of one burst cut once.
 * - The rate climbs back by `raiseStep` every `raiseEveryMs` without a cut, up to `ceiling`.
 */
export interface QuotaOptions {
  prefix: string;
  /** Subjects per second the register grants the deployment. */
  quota: number;
  /**
   * The share of the quota aimed at: the register's bucket and ours are not in step (latency
   * jitter moves a call's arrival), so aiming just below it keeps the 429s near zero.
   */
  headroom?: number;
  /** How much may be sent at once after a pause: a quarter second of rate (and at least a batch). */
  burstSeconds?: number;
  raiseEveryMs?: number;
  maxWaitMs?: number;
}

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1]); local ceiling = tonumber(ARGV[2]); local burstS = tonumber(ARGV[3])
local every = tonumber(ARGV[4]); local maxWait = tonumber(ARGV[5])
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'rate', 'blockedUntil', 'lastCut', 'lastRaise')
local rate = tonumber(s[3]) or ceiling
if rate > ceiling then rate = ceiling end
local blocked = tonumber(s[4]) or 0
if now < blocked then return {tostring(blocked - now), tostring(rate), '0'} end
local lastCut = tonumber(s[5]) or 0
local lastRaise = tonumber(s[6]) or 0
if rate < ceiling and now - lastCut >= every and now - lastRaise >= every then
  rate = math.min(ceiling, rate + ceiling * 0.05)
  lastRaise = now
end
local burst = math.max(n, rate * burstS)
local tokens = tonumber(s[1]) or burst
local ts = tonumber(s[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens < n then wait = math.ceil((n - tokens) * 1000 / rate) end
if wait > maxWait then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now, 'rate', tostring(rate), 'lastRaise', lastRaise)
  return {tostring(wait), tostring(rate), '0'}
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - n), 'ts', now, 'rate', tostring(rate), 'lastRaise', lastRaise)
redis.call('PEXPIRE', KEYS[1], 86400000)
return {tostring(wait), tostring(rate), '1'}
`;

const CUT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local after = tonumber(ARGV[1]); local floor = tonumber(ARGV[2]); local ceiling = tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'rate', 'lastCut', 'blockedUntil')
local rate = tonumber(s[1]) or ceiling
local lastCut = tonumber(s[2]) or 0
local blocked = math.max(tonumber(s[3]) or 0, now + after)
if now - lastCut >= 1000 then rate = math.max(floor, rate * 0.7); lastCut = now end
redis.call('HSET', KEYS[1], 'rate', tostring(rate), 'lastCut', lastCut, 'blockedUntil', blocked, 'tokens', '0', 'ts', now)
return tostring(rate)
`;

export function createSharedQuota(redis: Redis, opts: QuotaOptions) {
  const key = `${opts.prefix}:register:quota`;
  const ceiling = opts.quota * (opts.headroom ?? 0.97);
  const burstSeconds = opts.burstSeconds ?? 0.25;
  // 5 % of the quota a second: back from a cut in 6 s. Every 5 s, one stray 429 (0.1 % of calls in
  // bench:campaign) left the deployment below its quota for 30 s and cost a tenth of the run's use of it.
  const raiseEveryMs = opts.raiseEveryMs ?? 1_000;
  const maxWaitMs = opts.maxWaitMs ?? 2_000;
  return {
    key,
    /** Reserve n subjects: granted after `waitMs`, or not granted (step aside for `waitMs`); `maxWait` below the quota's own for a call that may give way. */
    async take(n: number, maxWait = maxWaitMs): Promise<{ granted: boolean; waitMs: number; rate: number }> {
      const [wait, rate, granted] = (await redis.eval(TAKE, 1, key, n, ceiling, burstSeconds, raiseEveryMs, Math.min(maxWait, maxWaitMs))) as string[];
      return { granted: granted === '1', waitMs: Number(wait), rate: Number(rate) };
    },
    /** A 429 (or an overload answer): lower the rate and pause everyone for `retryAfterMs`. */
    async cut(retryAfterMs: number): Promise<number> {
      // Never below a tenth of the quota: a register that cut us further answers 429s, and each cuts again.
      return Number(await redis.eval(CUT, 1, key, Math.round(retryAfterMs), ceiling / 10, ceiling));
    },
    async rate(): Promise<number> {
      return Number((await redis.hget(key, 'rate')) ?? ceiling);
    },
    ceiling,
  };
}

export type SharedQuota = ReturnType<typeof createSharedQuota>;
