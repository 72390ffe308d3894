import type { Redis } from 'ioredis';
import { registerKeys } from './telemetry.js';

/**
 * A circuit breaker whose state every worker shares through Redis. Closed: calls go. After
 * `failures` failures in a row across the deployment (or one maintenance answer) it opens: then
 * the whole deployment sends at most one probe per `probeMs` (a `SET NX PX` lease, taken by the
 * opening itself, so the first probe goes a full interval after the failure that opened it), and the first
 * answer from the register closes it for everyone. Closing returns the outage (opened → closed)
 * to the caller that closed it, and records it in Redis in the same script (pending outages, and
 * the rounds it held moved under the outage's start), so that the deadline policy's job
 * (outage-policy.ts) can be enqueued again by the sweeper if that caller dies before enqueueing it.
 */
export interface BreakerOptions { prefix: string; failures: number; probeMs: number }

export type Gate = { go: true; probe: boolean } | { go: false; waitMs: number };

const FAIL = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'open' and (ARGV[1] == '1' or n >= tonumber(ARGV[2])) then
  redis.call('HSET', KEYS[1], 'state', 'open', 'openedAt', now, 'reason', ARGV[3])
  -- The failure that opened it was this interval's look at the register: the first probe waits a full interval.
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
  return 1
end
return 0
`;

const SUCCEED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'state', 'openedAt', 'failures')
-- Only an answer to a call sent while it was open (the probe) closes it: a slow answer to a call sent
-- before the register went down says nothing of now (it closed a circuit just opened, in the bench).
if s[1] == 'open' and ARGV[1] ~= '1' then return {} end
if s[1] == 'open' then
  redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'closedAt', now)
  redis.call('DEL', KEYS[2])
  -- In the same step: the rounds this outage held, under its start, and the outage as pending its job.
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[3] .. ':' .. s[2]) end
  redis.call('HSET', KEYS[4], s[2], now)
  return {tostring(s[2]), tostring(now)}
end
if s[3] and s[3] ~= '0' then redis.call('HSET', KEYS[1], 'failures', 0) end
return {}
`;

/**
 * Closed: 0 (go). Open: wait until `lead` ms before the probe lease ends; then one caller per
 * interval gets 0 (a second lease, KEYS[3]) so that it reads its records while the lease runs out
 * and sends the next probe on time; the others wait for that lease.
 */
const READY = `
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return 0 end
local ttl = redis.call('PTTL', KEYS[2])
local lead = tonumber(ARGV[2])
if ttl > lead then return ttl - lead end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[3]))
`;

const GATE = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'open' then return {'go', '0'} end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return {'probe', '0'} end
return {'wait', tostring(redis.call('PTTL', KEYS[2]))}
`;

export function createSharedBreaker(redis: Redis, opts: BreakerOptions) {
  const key = `${opts.prefix}:register:breaker`;
  const probeKey = `${opts.prefix}:register:probe`;
  const keys = registerKeys(opts.prefix);
  return {
    /** May this caller call now, and is the call the deployment's probe? */
    async gate(): Promise<Gate> {
      const [what, ttl] = (await redis.eval(GATE, 2, key, probeKey, opts.probeMs)) as string[];
      if (what === 'go') return { go: true, probe: false };
      if (what === 'probe') return { go: true, probe: true };
      return { go: false, waitMs: Math.max(0, Number(ttl)) };
    },
    /**
     * May a chunk woken from a wait read its records now (0), or how long should it wait? Asked before
     * it reads anything, so that while the register is down one chunk per probe interval reads its
     * records (shortly before the probe lease ends: see READY), not every delayed chunk at every wake.
     */
    async ready(leadMs: number): Promise<number> {
      return Number(await redis.eval(READY, 3, key, probeKey, `${probeKey}:reader`, opts.probeMs, leadMs));
    },
    /** A failure; `opens` at once for maintenance. True when this call opened the circuit. */
    async failure(reason: string, opensAtOnce: boolean): Promise<boolean> {
      return (await redis.eval(FAIL, 2, key, probeKey, opensAtOnce ? 1 : 0, opts.failures, reason, opts.probeMs)) === 1;
    },
    /**
     * An answer: resets the failures in a row; an answer to a call sent while the circuit was open
     * (`sentWhileOpen`: the probe) closes it and returns the outage it ended.
     */
    async success(sentWhileOpen = true): Promise<{ from: number; to: number } | null> {
      const r = (await redis.eval(SUCCEED, 4, key, probeKey, keys.heldRounds, keys.pendingOutages, sentWhileOpen ? 1 : 0)) as string[];
      return r.length === 2 ? { from: Number(r[0]), to: Number(r[1]) } : null;
    },
    async state(): Promise<{ state: 'open' | 'closed'; openedAt: number | null; failures: number; reason: string | null }> {
      const h = await redis.hgetall(key);
      return { state: h.state === 'open' ? 'open' : 'closed', openedAt: h.openedAt ? Number(h.openedAt) : null, failures: Number(h.failures ?? 0), reason: h.reason ?? null };
    },
    probeMs: opts.probeMs,
  };
}

export type SharedBreaker = ReturnType<typeof createSharedBreaker>;
