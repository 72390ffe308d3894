import { z } from 'zod';
import type { AuthAnswer, SearchCandidate, Subject } from '../domain/matching/index.js';

/**
 * The HTTP client of the register's authentication service (docs/registry-api.md): client
 * credentials, one call per batch, a timeout per call. It classifies each answer and keeps
 * nothing: the mapping to the real service's field names lives here and nowhere else.
 */
export interface AuthorityClientOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A call that did not answer 200: what the caller's quota, breaker and back-off need to know. */
export class RegisterCallError extends Error {
  constructor(
    readonly kind: 'quota' | 'maintenance' | 'overloaded' | 'failure' | 'rejected',
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'RegisterCallError';
  }
}

const citizenSchema = z.object({
  personalId: z.string().regex(/^\d{12}$/), fullName: z.string().max(200), dateOfBirth: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  sex: z.enum(['male', 'female']), communeCode: z.string().regex(/^\d{5}$/), oldIdNumber: z.string().regex(/^\d{9}$/).optional(),
}).transform(({ sex, ...c }) => ({ ...c, gender: sex }));
const field = z.enum(['fullName', 'dateOfBirth', 'sex', 'idNumber']);
const authAnswerSchema = z.object({
  results: z.array(z.object({
    ref: z.string(), status: z.enum(['agrees', 'disagrees', 'no_such_id', 'malformed']),
    fields: z.array(field).max(4).optional(), register: citizenSchema.optional(),
  })).max(100),
});
const searchAnswerSchema = z.object({
  results: z.array(z.object({
    ref: z.string(),
    candidates: z.array(z.object({ personalId: z.string().regex(/^\d{12}$/), register: citizenSchema.optional(), agrees: z.array(z.enum(['fullName', 'dateOfBirth', 'sex'])).optional() })).max(10),
  })).max(20),
});

/** `Retry-After` in seconds (decimals accepted) or an HTTP date; bounded to an hour. */
function retryAfterMs(h: string | null): number | null {
  if (!h) return null;
  const s = Number(h);
  const ms = Number.isFinite(s) ? s * 1000 : Date.parse(h) - Date.now();
  return Number.isFinite(ms) ? Math.min(3_600_000, Math.max(0, ms)) : null;
}

export interface SearchQuery { fullName: string; dateOfBirth: string; communeCode: string }

export function createAuthorityClient(opts: AuthorityClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  let token: { value: string; expires: number } | null = null;
  let fetching: Promise<string> | null = null;

  /** One token request at a time per process: concurrent calls wait for the same one. */
  function getToken(): Promise<string> {
    if (token && token.expires > Date.now()) return Promise.resolve(token.value);
    fetching ??= requestToken().finally(() => { fetching = null; });
    return fetching;
  }

  async function requestToken(): Promise<string> {
    const res = await doFetch(`${opts.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: opts.clientId, client_secret: opts.clientSecret }),
      signal: AbortSignal.timeout(opts.timeoutMs),
    }).catch((err: unknown) => { throw new RegisterCallError('failure', null, `token request: ${(err as Error).name}`); });
    if (res.status >= 500) throw new RegisterCallError(res.status === 503 ? 'maintenance' : 'failure', retryAfterMs(res.headers.get('retry-after')), `token request: ${res.status}`);
    if (!res.ok) throw new RegisterCallError('rejected', null, `token request refused: ${res.status} (REGISTRY_CLIENT_ID / REGISTRY_CLIENT_SECRET)`);
    const body = z.object({ access_token: z.string().min(1).max(4096), expires_in: z.number().positive().default(300) }).parse(await res.json());
    // Renewed a minute early: a call never goes out with a token about to expire.
    token = { value: body.access_token, expires: Date.now() + Math.max(1, body.expires_in - 60) * 1000 };
    return token.value;
  }

  async function post<T>(path: string, body: unknown, schema: z.ZodType<T>, retried = false): Promise<T> {
    const bearer = await getToken();
    let res: Response;
    try {
      res = await doFetch(`${opts.url}${path}`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body), signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      throw new RegisterCallError('failure', null, (err as Error).name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : `connection: ${(err as Error).name}`);
    }
    if (res.status === 401 && !retried) { token = null; await res.body?.cancel(); return post(path, body, schema, true); }
    if (res.ok) {
      const parsed = schema.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw new RegisterCallError('failure', null, `${path}: answer not in the contract`);
      return parsed.data;
    }
    // Error bodies are read at most 1 KB (docs/registry-api.md) and never echoed.
    const text = (await res.text().catch(() => '')).slice(0, 1024);
    const after = retryAfterMs(res.headers.get('retry-after'));
    if (res.status === 429) throw new RegisterCallError('quota', after, `${path}: 429`);
    if (res.status === 503) throw new RegisterCallError(/overload/.test(text) ? 'overloaded' : 'maintenance', after, `${path}: 503`);
    if (res.status >= 500) throw new RegisterCallError('failure', after, `${path}: ${res.status}`);
    throw new RegisterCallError('rejected', null, `${path}: ${res.status}`);
  }

  return {
    /** One call: subjects in, one answer each in the same order. */
    async authenticate(subjects: readonly Subject[]): Promise<AuthAnswer[]> {
      const body = { subjects: subjects.map((s, i) => ({ ref: String(i), ...s })) };
      const { results } = await post('/v1/authenticate', body, authAnswerSchema);
      const byRef = new Map(results.map((r) => [r.ref, r]));
      return subjects.map((_, i) => {
        const r = byRef.get(String(i));
        if (!r) throw new RegisterCallError('failure', null, '/v1/authenticate: a subject without an answer');
        return { status: r.status, ...(r.fields ? { fields: r.fields } : {}), ...(r.register ? { register: r.register } : {}) };
      });
    },
    async search(queries: readonly SearchQuery[]): Promise<SearchCandidate[][]> {
      const body = { queries: queries.map((q, i) => ({ ref: String(i), ...q })) };
      const { results } = await post('/v1/search', body, searchAnswerSchema);
      const byRef = new Map(results.map((r) => [r.ref, r.candidates]));
      return queries.map((_, i) => (byRef.get(String(i)) ?? []).map((c) => ({ personalId: c.personalId, ...(c.register ? { register: c.register } : {}), ...(c.agrees ? { agrees: c.agrees } : {}) })));
    },
  };
}

export type AuthorityClient = ReturnType<typeof createAuthorityClient>;
