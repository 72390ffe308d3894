import type { FlowProducer, Job, Queue } from 'bullmq';
import type { Config } from '../src/config/index.js';
import type { Db } from '../src/db/connect.js';
import type { Logger } from '../src/lib/logger.js';
import type { Queues, QueueName } from '../queues/registry.js';
import { VERIFICATION_QUEUE } from '../queues/verification.queue.js';
import { verificationProcessor } from './verification.processor.js';
import { createMatcher } from './matcher.js';

/** What every processor factory may use; built once per worker process. */
export interface WorkerDeps {
  config: Config;
  db: Db;
  queues: Queues;
  flows: FlowProducer;
  log: Logger;
}

export type Processor = (job: Job) => Promise<unknown>;

/** Queue name → processor factory. A queue without an entry here has no worker yet. */
export const processors: Partial<Record<QueueName, (deps: WorkerDeps) => Processor>> = {
  [VERIFICATION_QUEUE]: (d) => {
    const matcher = createMatcher(d.db.models);
    return verificationProcessor({
      models: d.db.models,
      queue: d.queues[VERIFICATION_QUEUE] as Queue,
      flows: d.flows,
      match: matcher.match,
      matcherVersion: matcher.version,
      chunkSize: d.config.CHUNK_SIZE,
      batchSize: d.config.BATCH_SIZE,
      log: d.log.child({ queue: VERIFICATION_QUEUE }),
    });
  },
};
