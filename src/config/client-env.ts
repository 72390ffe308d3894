import { z } from 'zod';

/**
 * The coordinator CLI's connection to the API (`vaxverify rounds …`): where the API is and how
 * to get a token. Not a server setting: the API and workers never read these. Either
 * VAXVERIFY_TOKEN (a bearer token you already have), or a client-credentials client
 * (VAXVERIFY_CLIENT_ID, VAXVERIFY_CLIENT_SECRET) at the issuer (VAXVERIFY_ISSUER, else OIDC_ISSUER).
 */
export const clientEnvSchema = z.object({
  VAXVERIFY_API_URL: z.url().default('http://127.0.0.1:3000'),
  VAXVERIFY_TOKEN: z.string().min(1).optional(),
  VAXVERIFY_CLIENT_ID: z.string().min(1).optional(),
  VAXVERIFY_CLIENT_SECRET: z.string().min(1).optional(),
  VAXVERIFY_ISSUER: z.url().optional(),
  OIDC_ISSUER: z.url().optional(),
  /** The API's audience, sent as the `resource` indicator (RFC 8707) of the token request. */
  VAXVERIFY_AUDIENCE: z.string().min(1).default('urn:vaxverify:api'),
  /** Scopes to ask for, space-separated; none by default (Keycloak refuses unknown ones). */
  VAXVERIFY_SCOPE: z.string().default(''),
});

export type ClientEnv = Readonly<z.infer<typeof clientEnvSchema>>;

export function parseClientEnv(raw: Record<string, string | undefined> = process.env): ClientEnv {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const r = clientEnvSchema.safeParse(cleaned);
  if (!r.success) throw new Error(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const env = r.data;
  if (!env.VAXVERIFY_TOKEN && !(env.VAXVERIFY_CLIENT_ID && env.VAXVERIFY_CLIENT_SECRET && (env.VAXVERIFY_ISSUER ?? env.OIDC_ISSUER))) {
    throw new Error('no credentials: set VAXVERIFY_TOKEN, or VAXVERIFY_CLIENT_ID, VAXVERIFY_CLIENT_SECRET and VAXVERIFY_ISSUER (client credentials)');
  }
  return Object.freeze(env);
}
