import type { Principal } from './principal.js';

declare global {
  namespace Express {
    interface Request {
      /** Who is asking, from a bearer token or the session cookie (src/auth/authenticate.ts). */
      principal?: Principal;
      /** How the principal was established: a cookie session needs the CSRF header on state changes. */
      authVia?: 'bearer' | 'session';
    }
  }
}
export {};
