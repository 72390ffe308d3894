import type { Queue } from 'bullmq';
import { Router } from 'express';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus /metrics: process metrics and BullMQ job counts per queue and state. */
export function metricsRouter(queues: Queue[]): Router {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'vaxverify_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'waiting-children');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
  const r = Router();
  r.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return r;
}
