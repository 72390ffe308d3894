import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { createFlowProducer } from '../../queues/verification.queue.js';
import type { TestContext } from './context.js';

/** Every queue and the verification flow producer under this file's prefix, closed together. */
export function openQueues(ctx: TestContext): { queues: Queues; flows: ReturnType<typeof createFlowProducer>; close(): Promise<void> } {
  const queues = allQueues(ctx.redis, ctx.prefix);
  const flows = createFlowProducer(ctx.redis, ctx.prefix);
  return { queues, flows, close: async () => { await flows.close(); await closeQueues(queues); } };
}
