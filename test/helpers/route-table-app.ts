import type { RequestHandler } from 'express';
import type { Principal } from '../../src/auth/principal.js';
import type { Models } from '../../src/db/models/index.js';
import { storeOf } from '../../src/db/open-store.js';
import { authorize } from '../../src/http/access/authorize.js';
import { ROUTE_TABLE } from '../../src/http/access/route-table.js';

/** The campaign admin: a national role allowed on every row these router tests call. */
export const TEST_ADMIN: Principal = { sub: 'test-admin', name: 'Test Admin', roles: ['campaign_admin'], localities: [], kind: 'user' };

/**
 * For tests that mount routers without sign-in: the caller is `principal` and every request goes
 * through the real route table (one parse point, scope resolution), as in createApp.
 */
export function behindRouteTable(models: Models, principal: Principal = TEST_ADMIN): RequestHandler[] {
  const as: RequestHandler = (req, _res, next) => { req.principal = principal; next(); };
  return [as, authorize({ store: storeOf(models), table: ROUTE_TABLE })];
}
