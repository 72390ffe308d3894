import type { Job, Worker } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PoolStats } from '../db/pool-stats.js';

/** Job durations from sub-second matcher batches to multi-minute imports. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
/** Queue wait from instant pick-up to a backlog of hours. */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

/**
 * Metrics a worker process records about the jobs it runs (served on WORKER_METRICS_PORT by
 * workers/main.ts): durations and wait times per queue and job name, failures, and records
 * matched (from a job's `processed` return value: the verification chunks').
 */
export function createWorkerMetrics(opts: { defaults?: boolean; pool?: PoolStats } = {}) {
  const registry = new Registry();
  if (opts.defaults ?? true) collectDefaultMetrics({ register: registry });
  const { pool } = opts;
  if (pool) {
    new Gauge({
      name: 'vaxverify_store_ops_in_flight', help: 'Store operations of this worker: running (holding a pooled connection, at most WORKER_STORE_OPS) and waiting for one',
      labelNames: ['state'], registers: [registry],
      collect() { this.set({ state: 'running' }, pool.inFlight()); this.set({ state: 'waiting' }, pool.waiting()); },
    });
    new Gauge({
      name: 'vaxverify_store_ops_limit', help: 'WORKER_STORE_OPS: store operations one worker runs at once', registers: [registry],
      collect() { this.set(pool.limit); },
    });
  }
  const yielding = new Gauge({
    name: 'vaxverify_worker_yielding', help: '1 while this worker runs fewer verification jobs because people\'s requests are waiting (WORKER_CONCURRENCY_UNDER_PRESSURE)',
    registers: [registry],
  });
  yielding.set(0);
  const duration = new Histogram({
    name: 'vaxverify_job_duration_seconds', help: 'Time a job ran (processedOn to finishedOn), by queue, job name and result',
    labelNames: ['queue', 'name', 'result'], buckets: DURATION_BUCKETS, registers: [registry],
  });
  const wait = new Histogram({
    name: 'vaxverify_job_wait_seconds', help: 'Time a job waited in its queue before a worker took it (delay excluded)',
    labelNames: ['queue', 'name'], buckets: WAIT_BUCKETS, registers: [registry],
  });
  const failed = new Counter({
    name: 'vaxverify_jobs_failed_total', help: 'Failed job attempts, by queue and job name; final = no retry left',
    labelNames: ['queue', 'name', 'final'], registers: [registry],
  });
  const records = new Counter({
    name: 'vaxverify_records_processed_total', help: 'Dose records run through the matcher (rate() = records verified per second)',
    labelNames: ['queue'], registers: [registry],
  });

  const ran = (job: Job) => (job.processedOn && job.finishedOn ? (job.finishedOn - job.processedOn) / 1000 : null);
  return {
    registry,
    /** Whether the verification workers yield to people now (workers/yield-to-people.ts). */
    setYielding: (on: boolean) => yielding.set(on ? 1 : 0),
    /** Attach to a worker's events; nothing in the processors changes. */
    observe(worker: Worker) {
      const queue = worker.name;
      worker.on('active', (job) => {
        const ready = job.timestamp + (job.opts.delay ?? 0);
        if (job.processedOn) wait.observe({ queue, name: job.name }, Math.max(0, (job.processedOn - ready) / 1000));
      });
      worker.on('completed', (job, result: unknown) => {
        const s = ran(job);
        if (s !== null) duration.observe({ queue, name: job.name, result: 'completed' }, s);
        const processed = (result as { processed?: unknown } | null)?.processed;
        if (typeof processed === 'number' && processed > 0) records.inc({ queue }, processed);
      });
      worker.on('failed', (job, _err) => {
        if (!job) return;
        const s = ran(job);
        if (s !== null) duration.observe({ queue, name: job.name, result: 'failed' }, s);
        const final = job.attemptsMade >= (job.opts.attempts ?? 1);
        failed.inc({ queue, name: job.name, final: String(final) });
      });
    },
  };
}
