import type { Queue } from 'bullmq';
import type { Store } from '../db/store.js';
import type { Config } from '../config/index.js';
import { policyFromConfig, type DeadlinePolicy } from '../domain/rounds/policy.js';
import type { Logger } from '../lib/logger.js';

/** What the deadline services need; built by the worker (processors.ts) and the API alike. */
export interface DeadlineDeps {
  store: Store;
  deadlinesQueue: Queue;
  notificationsQueue: Queue;
  policy: DeadlinePolicy;
  log: Logger;
  /** Whether webhooks can be signed (WEBHOOK_SECRET set); otherwise contacts get the log channel. */
  webhookEnabled: boolean;
  /** Delivery retries of each notification job (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS). */
  notify: { attempts: number; backoffMs: number };
  /** The clock (default: the system clock). Tests pass a manual one and move it instead of waiting. */
  now?: () => Date;
}

export const nowOf = (deps: Pick<DeadlineDeps, 'now'>) => deps.now?.() ?? new Date();

/**
 * BullMQ delay of a job due at `at` by the deps' clock. Delays are real milliseconds in Redis;
 * with the system clock this is `at - Date.now()`.
 */
export const delayUntil = (deps: Pick<DeadlineDeps, 'now'>, at: Date) => Math.max(0, at.getTime() - nowOf(deps).getTime());

/** Build the deps from the parsed config (entry points: worker processors, API app). */
export function deadlineDepsFromConfig(
  config: Parameters<typeof policyFromConfig>[0] & Pick<Config, 'WEBHOOK_SECRET' | 'NOTIFY_ATTEMPTS' | 'NOTIFY_BACKOFF_MS'>,
  parts: Pick<DeadlineDeps, 'store' | 'deadlinesQueue' | 'notificationsQueue' | 'log'>,
): DeadlineDeps {
  return {
    ...parts,
    policy: policyFromConfig(config),
    webhookEnabled: Boolean(config.WEBHOOK_SECRET),
    notify: { attempts: config.NOTIFY_ATTEMPTS, backoffMs: config.NOTIFY_BACKOFF_MS },
  };
}
