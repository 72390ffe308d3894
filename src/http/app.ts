import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Db } from '../db/connect.js';
import type { Logger } from '../lib/logger.js';
import { queueList, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE } from '../../queues/verification.queue.js';
import { BULL_BOARD_PATH, bullBoardRouter } from './bull-board.js';
import { errorHandler, notFound } from './errors.js';
import { dashboardRouter } from './dashboard.js';
import { metricsRouter } from './metrics.js';
import { healthRouter } from './routers/health.router.js';
import { roundsRouter } from './routers/rounds.router.js';
import { deadlinesRouter } from './routers/deadlines.router.js';
import { importsRouter } from './routers/imports.router.js';
import { localitiesRouter } from './routers/localities.router.js';
import { worklistsRouter } from './routers/worklists.router.js';
import { correctionsRouter } from './routers/corrections.router.js';
import { eligibilityRouter } from './routers/eligibility.router.js';
import { backlogRouter } from './routers/backlog.router.js';
import { deadlineDepsFromConfig, deadlineHooks } from '../deadlines/index.js';
import { DEADLINES_QUEUE } from '../../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE } from '../../queues/notifications.queue.js';

export interface AppDeps {
  config: Config;
  db: Db;
  queues: Queues;
  redis: Redis;
  log: Logger;
}

/** Build the Express app; no listening, no globals, so tests can build as many as they like. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  const queues = queueList(deps.queues);
  const models = deps.db.models;

  app.use(healthRouter({ redis: deps.redis, mongo: deps.db.connection }));
  app.use(metricsRouter(queues));
  app.use(dashboardRouter());
  app.use(BULL_BOARD_PATH, bullBoardRouter(queues, { readOnly: deps.config.BULL_BOARD_READ_ONLY }));

  app.use('/api', express.json({ limit: '2mb' }));
  const deadlines = deadlineDepsFromConfig(deps.config, {
    models, deadlinesQueue: deps.queues[DEADLINES_QUEUE], notificationsQueue: deps.queues[NOTIFICATIONS_QUEUE],
    log: deps.log.child({ component: 'deadlines' }),
  });
  const hooks = deadlineHooks(deadlines);
  app.use('/api/rounds', roundsRouter({
    models,
    verificationQueue: deps.queues[VERIFICATION_QUEUE],
    defaultDeadlineMs: deps.config.DEFAULT_DEADLINE_MS,
    onRoundsCreated: hooks.onRoundsCreated,
  }));
  app.use('/api', deadlinesRouter(deadlines));
  app.use(localitiesRouter({ models }));
  app.use(importsRouter({ queues: deps.queues, models, uploadDir: deps.config.UPLOAD_DIR }));
  // Corrections, worklists, eligibility, backlog (issue 6): explanations and dose reports re-check the round's deadline side.
  const corrections = {
    models, verificationQueue: deps.queues[VERIFICATION_QUEUE], defaultDeadlineMs: deps.config.DEFAULT_DEADLINE_MS,
    signOffDefault: deps.config.CORRECTION_SIGNOFF_REQUIRED, onRoundChanged: (id: string) => hooks.onRoundFinished(id),
    log: deps.log.child({ component: 'corrections' }),
  };
  app.use(worklistsRouter(corrections), correctionsRouter(corrections), eligibilityRouter({ models }), backlogRouter(corrections));

  app.use(notFound);
  app.use(errorHandler(deps.log.child({ component: 'http' })));
  return app;
}
