import express, { type Express } from 'express';
import type { AppDeps } from './app.js';
import { createApiMetrics, metricsRouter, type ApiMetrics } from './metrics.js';
import { healthRouter } from './routers/health.router.js';
import { queueList } from '../../queues/registry.js';

/**
 * The internal listener (INTERNAL_PORT): /metrics and /readyz with their details, for
 * Prometheus and the load balancer inside the cluster. Never publish this port; on the public
 * port the same routes need the `operator` role.
 */
export function createInternalApp(deps: Pick<AppDeps, 'queues' | 'redis' | 'db'> & { metrics?: ApiMetrics; stalledAfterMs: number }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRouter({ redis: deps.redis, mongo: deps.db }));
  // The public app's registry when given (its HTTP latencies), else the same gauges on their own.
  app.use(metricsRouter((deps.metrics ?? createApiMetrics({ queues: queueList(deps.queues), store: deps.db.store, stalledAfterMs: deps.stalledAfterMs })).registry));
  app.use((_req, res) => { res.status(404).json({ error: { code: 'not_found', message: 'internal port: /healthz, /readyz and /metrics only' } }); });
  return app;
}
