/**
 * `npm run oidc`: the local OpenID Connect provider for running vaxverify without Keycloak.
 * Users sign in with password = login name (stand-ins/oidc/provider.ts lists them). Local use only.
 */
import { DASHBOARD_CLIENT_SECRET, SEEDED_SERVICES, SEEDED_USERS, startOidcProvider } from '../stand-ins/oidc/provider.js';

const port = Number(process.env.OIDC_PORT ?? 4000);
const oidc = await startOidcProvider({ port, host: '127.0.0.1' });
console.log(`local OIDC provider at ${oidc.issuer}
Start the API with:
  OIDC_ISSUER=${oidc.issuer} OIDC_ALLOW_HTTP=true OIDC_CLIENT_SECRET=${DASHBOARD_CLIENT_SECRET} COOKIE_SECURE=false npm run api
then open http://127.0.0.1:3000/dashboard and sign in as one of: ${Object.keys(SEEDED_USERS).join(', ')} (password = login).
Service account (client credentials): ${Object.entries(SEEDED_SERVICES).map(([id, s]) => `${id} / ${s.secret}`).join(', ')}`);
const stop = () => { void oidc.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
