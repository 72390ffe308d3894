import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Principal } from './principal.js';

export interface Session {
  principal: Principal;
  csrfToken: string;
  /** The access token from the sign-in, for the API calls the dashboard makes through us. */
  accessToken: string;
  expiresAt: number;
}

export interface PendingLogin {
  state: string;
  codeVerifier: string;
  returnTo: string;
}

const id = () => randomBytes(32).toString('base64url');

/**
 * Browser sessions and pending sign-ins in Redis, so any API replica can serve any request. The
 * cookie holds only a random 256-bit id; nothing about the user is readable from it.
 */
export function createSessionStore(redis: Redis, prefix: string) {
  const key = (kind: string, k: string) => `${prefix}:auth:${kind}:${k}`;
  return {
    async create(s: Omit<Session, 'csrfToken'>): Promise<{ id: string; session: Session }> {
      const sid = id();
      const session = { ...s, csrfToken: id() };
      const ttl = Math.max(1, s.expiresAt - Date.now());
      await redis.set(key('session', sid), JSON.stringify(session), 'PX', ttl);
      return { id: sid, session };
    },
    async get(sid: string): Promise<Session | null> {
      if (!/^[\w-]{20,100}$/.test(sid)) return null;
      const raw = await redis.get(key('session', sid));
      if (!raw) return null;
      const s = JSON.parse(raw) as Session;
      return s.expiresAt > Date.now() ? s : null;
    },
    async destroy(sid: string): Promise<void> {
      await redis.del(key('session', sid));
    },
    async startLogin(p: PendingLogin, ttlMs = 10 * 60_000): Promise<string> {
      const lid = id();
      await redis.set(key('login', lid), JSON.stringify(p), 'PX', ttlMs);
      return lid;
    },
    /** A pending sign-in is used once: taken and deleted in one step. */
    async takeLogin(lid: string): Promise<PendingLogin | null> {
      if (!/^[\w-]{20,100}$/.test(lid)) return null;
      const raw = await redis.getdel(key('login', lid));
      return raw ? (JSON.parse(raw) as PendingLogin) : null;
    },
  };
}
export type SessionStore = ReturnType<typeof createSessionStore>;
