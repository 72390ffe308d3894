import type { Principal } from './principal.js';
import type { ParsedRequest, ResolvedScope } from '../http/access/input.js';

declare global {
  namespace Express {
    interface Request {
      /** Who is asking, from a bearer token or the session cookie (src/auth/authenticate.ts). */
      principal?: Principal;
      /** How the principal was established: a cookie session needs the CSRF header on state changes. */
      authVia?: 'bearer' | 'session';
      /** Params, query and body as parsed once by the route table row's schemas (src/http/access). */
      parsed?: ParsedRequest;
      /** The locality scope authorize resolved from the parsed request. */
      scope?: ResolvedScope;
    }
  }
}
export {};
