import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board with every queue of the registry, mounted at /admin/queues. */
export function bullBoardRouter(queues: Queue[], opts: { readOnly: boolean }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'vaxverify' } },
  });
  return serverAdapter.getRouter() as Router;
}
