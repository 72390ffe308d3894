import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'vv_session';
export const LOGIN_COOKIE = 'vv_login';

/**
 * Cookie values from the request header (no cookie-parser needed for two cookies). A value that
 * is not valid percent-encoding (`%E0%A4%A`) is no cookie of ours: treated as absent, never a 500.
 */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** httpOnly, SameSite=Lax (the provider's redirect back is a top-level GET), Secure unless a local http run. */
export function setCookie(res: Response, name: string, value: string, opts: { secure: boolean; maxAgeMs: number; path?: string }): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: opts.maxAgeMs, path: opts.path ?? '/' });
}

export function clearCookie(res: Response, name: string, opts: { secure: boolean; path?: string }): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: opts.secure, path: opts.path ?? '/' });
}
