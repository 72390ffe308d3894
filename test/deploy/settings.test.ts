import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/index.js';
import { redisOptionsFromConfig } from '../../queues/connection.js';
import { groupQueueName, verificationQueueFor, verificationQueueNames } from '../../queues/province-groups.queue.js';

/** The settings the chart sets for deployment: province groups and Redis Sentinel. */
const base = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('PROVINCE_GROUPS', () => {
  it('parses groups, and routes each province to its group\'s queue (ungrouped ones to verification)', () => {
    const { PROVINCE_GROUPS: groups } = parseEnv({ ...base, PROVINCE_GROUPS: ' north=01, 02 ;south=79 ' });
    expect(groups).toEqual([{ name: 'north', provinces: ['01', '02'] }, { name: 'south', provinces: ['79'] }]);
    expect(verificationQueueFor(groups, '02')).toBe('verification-north');
    expect(verificationQueueFor(groups, '79')).toBe(groupQueueName('south'));
    expect(verificationQueueFor(groups, '48')).toBe('verification');
    expect(verificationQueueNames(groups)).toEqual(['verification', 'verification-north', 'verification-south']);
    expect(parseEnv(base).PROVINCE_GROUPS).toEqual([]);
  });

  it.each([
    ['north=01;south=01', 'province 01 is in two groups'],
    ['north=01;north=02', 'group "north" given twice'],
    ['North=01', 'group name "North" must be lowercase'],
    ['north=1', 'province codes are 2 digits'],
    ['north=', 'group "north" has no province'],
  ])('refuses %s naming the problem', (spec, problem) => {
    const err = (() => { try { parseEnv({ ...base, PROVINCE_GROUPS: spec }); } catch (e) { return e; } return null; })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('PROVINCE_GROUPS');
    expect((err as ConfigError).message).toContain(problem);
  });

  it('SNAPSHOT_MAX_PROVINCES defaults to 2 and must be at least 1', () => {
    expect(parseEnv(base).SNAPSHOT_MAX_PROVINCES).toBe(2);
    expect(() => parseEnv({ ...base, SNAPSHOT_MAX_PROVINCES: '0' })).toThrow(/SNAPSHOT_MAX_PROVINCES/);
  });
});

describe('REDIS_SENTINELS', () => {
  it('no sentinels: plain REDIS_URL, no extra options', () => {
    expect(redisOptionsFromConfig(parseEnv(base))).toEqual({});
  });

  it('sentinels: ioredis sentinel options with the primary\'s name and the sentinels\' password', () => {
    const opts = redisOptionsFromConfig(parseEnv({ ...base, REDIS_SENTINELS: 's0:26379, 10.0.0.2:26380', REDIS_SENTINEL_NAME: 'vaxverify', REDIS_SENTINEL_PASSWORD: 'pw' }));
    expect(opts.sentinels).toEqual([{ host: 's0', port: 26379 }, { host: '10.0.0.2', port: 26380 }]);
    expect(opts.name).toBe('vaxverify');
    expect(opts.sentinelPassword).toBe('pw');
    expect(opts.failoverDetector).toBe(true);
    // A promoted replica's READONLY answer makes ioredis reconnect (to the new primary).
    const reconnect = opts.reconnectOnError as (e: Error) => boolean;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnect(new Error('ERR something else'))).toBe(false);
  });

  it('refuses a sentinel without a port', () => {
    expect(() => parseEnv({ ...base, REDIS_SENTINELS: 's0' })).toThrow(/REDIS_SENTINELS.*host:port/);
  });
});
