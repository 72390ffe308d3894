import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../lib/errors/index.js';
import type { Logger } from '../lib/logger.js';

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route for ${req.method} ${req.path}` } });
};

/** Every error becomes `{ error: { code, message, details? } }`; 5xx details stay in the log. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    // express.json() parse errors and oversized bodies carry a status and a type.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status < 500) {
      const code = err.type === 'entity.parse.failed' ? 'malformed_json' : err.type === 'entity.too.large' ? 'body_too_large' : 'bad_request';
      res.status(status).json({ error: { code, message: err.message } });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
