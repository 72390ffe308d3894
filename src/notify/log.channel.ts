import type { Logger } from '../lib/logger.js';
import type { NotificationChannel } from './channel.js';

/** Writes the notification text to the log; the fallback when a contact has no webhook. */
export function createLogChannel(log: Logger): NotificationChannel {
  const out = log.child({ component: 'notify', channel: 'log' });
  return {
    name: 'log',
    async send(n) {
      out.info({ key: n.key, kind: n.kind, roundId: n.payload.roundId, level: n.payload.level }, String(n.payload.text ?? ''));
    },
  };
}
