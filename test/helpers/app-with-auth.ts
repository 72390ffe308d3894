import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEnv, type Config } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import type { TestContext } from './context.js';
import type { Db } from '../../src/db/connect.js';
import { startOidcProvider, type LocalUser, type OidcProvider } from '../../stand-ins/oidc/provider.js';

/** Environment that points an API (in-process or spawned) at the local provider. */
export function authEnv(oidc: OidcProvider): Record<string, string> {
  return {
    OIDC_ISSUER: oidc.issuer, OIDC_AUDIENCE: oidc.audience, OIDC_CLIENT_ID: oidc.clientId, OIDC_CLIENT_SECRET: oidc.clientSecret,
    OIDC_ALLOW_HTTP: 'true', COOKIE_SECURE: 'false',
  };
}

export interface Reply { status: number; body: any; headers: Headers; text: string }

/** Requests as a signed-in user: `as('admin').get('/api/…')`; tokens come from the provider's real grant, once per login. */
export interface Caller {
  token(): Promise<string>;
  /** The raw fetch Response (binary downloads). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  request(path: string, init?: RequestInit): Promise<Reply>;
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  put(path: string, body?: unknown): Promise<Reply>;
  patch(path: string, body?: unknown): Promise<Reply>;
}

export function callers(base: string, tokenFor: (login: string) => Promise<string>) {
  const tokens = new Map<string, Promise<string>>();
  const token = (login: string) => {
    if (!tokens.has(login)) tokens.set(login, tokenFor(login));
    return tokens.get(login)!;
  };
  return (login: string | null): Caller => {
    const raw = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (login) headers.set('authorization', `Bearer ${await token(login)}`);
      return fetch(base + path, { redirect: 'manual', ...init, headers });
    };
    const request = async (path: string, init: RequestInit = {}) => {
      const res = await raw(path, init);
      const text = await res.text();
      let body: unknown = null;
      try { body = text ? JSON.parse(text) : null; } catch { body = null; }
      return { status: res.status, body, headers: res.headers, text };
    };
    const send = (method: string) => (path: string, body?: unknown) =>
      request(path, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { token: () => token(login ?? ''), fetch: raw, request, get: (path) => request(path), post: send('POST'), put: send('PUT'), patch: send('PATCH') };
  };
}

export interface AppWithAuth {
  oidc: OidcProvider;
  config: Config;
  queues: Queues;
  base: string;
  server: Server;
  /** A caller signed in as `login` (null: anonymous). */
  as(login: string | null): Caller;
  close(): Promise<void>;
}

/**
 * The local OIDC provider and the API app (in-process, real Redis and Mongo-wire server) wired
 * to it: any integration test can make authorised requests with `as(login)`.
 */
export async function startAppWithAuth(ctx: TestContext, opts: { env?: Record<string, string>; users?: Record<string, LocalUser>; log?: Logger; lookupDb?: Db } = {}): Promise<AppWithAuth> {
  const oidc = await startOidcProvider({ users: opts.users });
  const config = parseEnv({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, LOG_LEVEL: 'silent', ...authEnv(oidc), ...opts.env });
  const queues = allQueues(ctx.redis, ctx.prefix);
  const log = opts.log ?? createLogger({ level: 'silent' });
  const server = createApp({ config, db: ctx.db, lookupDb: opts.lookupDb, queues, redis: ctx.redis, log }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    oidc, config, queues, base, server,
    as: callers(base, oidc.tokenFor),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await closeQueues(queues);
      await oidc.close();
    },
  };
}
