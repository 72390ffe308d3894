import type { ClientEnv } from '../config/client-env.js';

/** An API error as the server said it: `{ error: { code, message } }` and the status. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${status} ${code}: ${message}`);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** The token's claims (read, not verified: the API verifies), e.g. its `localities`. */
  claims(): Promise<Record<string, unknown>>;
}

/**
 * The coordinator CLI's HTTP client: a bearer token from VAXVERIFY_TOKEN, or from the issuer's
 * client-credentials grant (token endpoint from its discovery document), fetched again shortly
 * before it expires or once after a 401.
 */
export function createApiClient(env: ClientEnv, fetchImpl: typeof fetch = fetch): ApiClient {
  let cached: { token: string; until: number } | null = env.VAXVERIFY_TOKEN ? { token: env.VAXVERIFY_TOKEN, until: Infinity } : null;

  async function fetchToken(): Promise<string> {
    const issuer = (env.VAXVERIFY_ISSUER ?? env.OIDC_ISSUER)!.replace(/\/$/, '');
    const discovery = await fetchImpl(`${issuer}/.well-known/openid-configuration`);
    if (!discovery.ok) throw new Error(`issuer ${issuer}: discovery answered ${discovery.status}`);
    const { token_endpoint: endpoint } = (await discovery.json()) as { token_endpoint?: string };
    if (!endpoint) throw new Error(`issuer ${issuer}: no token_endpoint in its discovery document`);
    const form = new URLSearchParams({ grant_type: 'client_credentials', resource: env.VAXVERIFY_AUDIENCE });
    if (env.VAXVERIFY_SCOPE) form.set('scope', env.VAXVERIFY_SCOPE);
    const basic = Buffer.from(`${encodeURIComponent(env.VAXVERIFY_CLIENT_ID!)}:${encodeURIComponent(env.VAXVERIFY_CLIENT_SECRET!)}`).toString('base64');
    const res = await fetchImpl(endpoint, { method: 'POST', headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`token request refused (${res.status}): ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
    // Renew 30 s before expiry, so a `--watch` running for hours keeps going.
    cached = { token: body.access_token, until: Date.now() + Math.max(0, (body.expires_in ?? 300) - 30) * 1000 };
    return cached.token;
  }

  const token = async () => (cached && cached.until > Date.now() ? cached.token : fetchToken());

  async function call<T>(method: string, path: string, body?: unknown, again = true): Promise<T> {
    const res = await fetchImpl(`${env.VAXVERIFY_API_URL.replace(/\/$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status === 401 && again && !env.VAXVERIFY_TOKEN) { cached = null; return call(method, path, body, false); }
    const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? res.statusText);
    return json as T;
  }

  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    async claims() {
      const payload = (await token()).split('.')[1];
      try { return payload ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown> : {}; } catch { return {}; }
    },
  };
}
