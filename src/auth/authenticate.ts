import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';
import { SESSION_COOKIE, readCookie } from './cookies.js';
import type { SessionStore } from './session.store.js';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.js';

export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const deny = (status: 401 | 403, code: string, message: string) => ({ status, body: { error: { code, message } } });

/**
 * Sets `req.principal` from a bearer token (validated: iss, aud, JWKS signature, exp) or from the
 * session cookie. A bad bearer token is a 401 at once; no credentials leave the request anonymous
 * (the route table decides). A cookie-authenticated state change needs the session's CSRF token
 * in `x-csrf-token`; bearer requests need none (browsers never attach them by themselves).
 */
export function authenticate(deps: { verifier: TokenVerifier | null; sessions: SessionStore; log: Logger }): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      if (header) {
        const m = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header);
        if (!m || !deps.verifier) {
          const d = deny(401, 'unauthenticated', 'a bearer access token is required');
          res.set('www-authenticate', 'Bearer error="invalid_token"').status(d.status).json(d.body);
          return;
        }
        try {
          req.principal = (await deps.verifier.verify(m[1]!)).principal;
          req.authVia = 'bearer';
        } catch (err) {
          if (!(err instanceof InvalidTokenError)) throw err;
          deps.log.debug({ reason: err.message, path: req.path }, 'bearer token refused');
          const d = deny(401, 'unauthenticated', 'the access token is invalid or expired');
          res.set('www-authenticate', 'Bearer error="invalid_token"').status(d.status).json(d.body);
          return;
        }
        return next();
      }
      const sid = readCookie(req, SESSION_COOKIE);
      if (sid) {
        const session = await deps.sessions.get(sid);
        if (session) {
          if (UNSAFE.has(req.method) && !sameToken(req.get(CSRF_HEADER), session.csrfToken)) {
            const d = deny(403, 'csrf', `state-changing requests with the session cookie need the ${CSRF_HEADER} header from GET /api/me`);
            res.status(d.status).json(d.body);
            return;
          }
          req.principal = session.principal;
          req.authVia = 'session';
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
