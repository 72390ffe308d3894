import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../../src/config/index.js';

describe('parseEnv', () => {
  it('gives working defaults for a bare environment', () => {
    const c = parseEnv({});
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.MONGO_URL).toBe('mongodb://127.0.0.1:27017/vaxverify');
    expect(c.PORT).toBe(3000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('coerces numbers and treats empty strings as unset', () => {
    const c = parseEnv({ PORT: '8080', WORKER_CONCURRENCY: '', CHUNK_SIZE: '250' });
    expect(c.PORT).toBe(8080);
    expect(c.WORKER_CONCURRENCY).toBe(4);
    expect(c.CHUNK_SIZE).toBe(250);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ MONGO_URL: 'postgres://x' }, 'MONGO_URL'],
    [{ QUEUE_PREFIX: 'a:b' }, 'QUEUE_PREFIX'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('stops start-up naming the bad variable (%o)', (env, name) => {
    expect(() => parseEnv(env)).toThrow(ConfigError);
    expect(() => parseEnv(env)).toThrow(new RegExp(`${name}:`));
  });
});
