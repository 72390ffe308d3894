import type { RequestHandler } from 'express';

/**
 * CORS closed by default: no Access-Control-* headers unless the Origin is in the configured
 * list (CORS_ORIGINS). Credentials (the session cookie) are never allowed cross-origin; other
 * origins call the API with bearer tokens.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (!origin || !allowed.has(origin)) {
      if (req.method === 'OPTIONS' && origin) return void res.status(403).json({ error: { code: 'cors', message: `origin ${origin} is not allowed` } });
      return next();
    }
    res.setHeader('access-control-allow-origin', origin);
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('access-control-allow-headers', 'authorization, content-type');
      res.setHeader('access-control-max-age', '600');
      return void res.status(204).end();
    }
    next();
  };
}
