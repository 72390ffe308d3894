import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Response, Router } from 'express';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board's page loads its own scripts and styles only (its UI config is a JSON block, not
 * script); the fonts it would fetch from a public CDN are dropped (selfHostedPage), so an
 * operator's browser makes no third-party request and the page works offline.
 */
export const BULL_BOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** Links to other origins (Google Fonts and its preconnects) removed from the rendered page: the system fonts stand in. */
export function selfHostedPage(res: Response, next: NextFunction): void {
  const render = res.render.bind(res);
  res.render = ((view: string, options?: object) => {
    render(view, options ?? {}, (err: Error | null, html: string) => {
      if (err) { next(err); return; }
      res.send(html.replace(/<link\b[^>]*href="https?:\/\/[^"]*"[^>]*>/gi, ''));
    });
  }) as Response['render'];
}

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
