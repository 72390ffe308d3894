import { pino, type Logger } from 'pino';
import { redactValue, scrubText } from './redact.js';

export type { Logger };

/**
 * One root logger per process; components take children (`log.child({ component })`). Every
 * line goes through `redactValue`: personal-data keys at any depth are masked, and ID-like
 * numbers and dates in any string (messages, errors, stacks, paths) are masked too.
 */
export function createLogger(opts: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const options: pino.LoggerOptions = {
    name: opts.name ?? 'vaxverify',
    level: opts.level ?? 'info',
    // formatters.log runs first and already turned errors into { type, message, stack } with data masked.
    serializers: { err: (e: unknown) => e },
    formatters: {
      log: (obj) => redactValue(obj) as Record<string, unknown>,
      bindings: (b) => redactValue(b) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const clean = args.map((a) => (typeof a === 'string' ? scrubText(a) : a));
        return method.apply(this, clean as Parameters<typeof method>);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
