import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board with every queue of the registry, mounted at /admin/queues. Bull Board has no
 * Vietnamese texts (its locales: da, de, en-GB, en-US, es, fr, ja, ko, pt-BR, ru, tr, zh-CN), so it
 * speaks British English: dates day/month/year and a 24-hour clock, as the officers write them. A
 * link in its header leads back to the dashboard.
 */
export function bullBoardRouter(queues: Queue[], opts: { readOnly: boolean }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: opts.readOnly })),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'vaxverify',
        locale: { lng: 'en-GB' },
        dateFormats: {
          short: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
          common: { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
          full: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
        },
        miscLinks: [{ text: 'Bảng điều khiển (dashboard)', url: '/dashboard' }],
      },
    },
  });
  return serverAdapter.getRouter() as Router;
}
