import { Router } from 'express';
import type { RegisterState } from './register-state.js';

/**
 * GET /api/register: the population register as the deployment sees it (up / degraded / down
 * since when, quota granted, allowed and used, calls/s, 429s, latency p95, records waiting, the
 * last outage): the dashboard's register panel. Counts and times only, no citizen data.
 */
export function registerRouter(deps: { state: () => Promise<RegisterState> }): Router {
  const r = Router();
  r.get('/api/register', async (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await deps.state());
  });
  return r;
}
