import { Router } from 'express';
import type { Redis } from 'ioredis';

/** /healthz: the process is up. /readyz: Redis and Mongo answer (load balancers route on it). */
export function healthRouter(deps: { redis: Redis; mongo: { ping(): Promise<unknown> } }): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await withTimeout(fn(), 2000);
        return 'ok';
      } catch (err) {
        return `down: ${(err as Error).message}`;
      }
    };
    const [redis, mongo] = await Promise.all([
      check(() => deps.redis.ping()),
      check(() => deps.mongo.ping()),
    ]);
    const ready = redis === 'ok' && mongo === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { redis, mongo } });
  });
  return r;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}
