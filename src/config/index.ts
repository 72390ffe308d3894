import { z } from 'zod';

/**
 * The only reader of process.env. Entry points call parseEnv() once and pass the
 * resulting options down; nothing else looks at the environment.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const durationMs = z.coerce.number().int().nonnegative();

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  MONGO_URL: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/vaxverify'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (no ":")')
    .default('vaxverify'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Comma-separated queue names a worker process serves; empty = all. */
  WORKER_QUEUES: z.string().default(''),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Dose records per chunk job: ~5k records match and upsert in well under a minute. */
  CHUNK_SIZE: z.coerce.number().int().min(1).max(100_000).default(5000),
  /** Records read and written per bulk operation inside a chunk. */
  BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  DEFAULT_DEADLINE_MS: durationMs.default(3 * 24 * 60 * 60 * 1000),
  SHUTDOWN_TIMEOUT_MS: durationMs.default(30_000),
  BULL_BOARD_READ_ONLY: bool.default(false),
});

export type Config = Readonly<z.infer<typeof envSchema>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment into a frozen, typed config; throws ConfigError naming each bad variable. */
export function parseEnv(raw: Record<string, string | undefined> = process.env): Config {
  // Treat empty strings as unset so `FOO=` in a compose file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
