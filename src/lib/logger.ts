import { pino, type Logger } from 'pino';

export type { Logger };

/** One root logger per process; components take children (`log.child({ component })`). */
export function createLogger(opts: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: opts.name ?? 'vaxverify',
    level: opts.level ?? 'info',
    // Defence in depth: even if someone logs a record, these keys never print in full.
    redact: {
      paths: [
        'idNumber', '*.idNumber', 'personalId', '*.personalId', 'oldIdNumber', '*.oldIdNumber',
        'fullName', '*.fullName', 'dateOfBirth', '*.dateOfBirth',
      ],
      censor: '[masked]',
    },
  });
}
