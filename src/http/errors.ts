import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../lib/errors/index.js';
import type { Logger } from '../lib/logger.js';

/** Longest message an error answer carries: what was sent is echoed as a short prefix at most. */
const MAX_MESSAGE_CHARS = 300;
/** Details larger than this (serialised) are dropped: an error answer stays small whatever was sent. */
const MAX_DETAILS_CHARS = 2000;

/** A message cut to MAX_MESSAGE_CHARS (the code paths that echo a value echo it masked or as a short prefix). */
function boundedMessage(s: string): string {
  return s.length > MAX_MESSAGE_CHARS ? `${s.slice(0, MAX_MESSAGE_CHARS)}…` : s;
}

function boundedDetails(details: unknown): unknown {
  if (details === undefined) return undefined;
  const json = JSON.stringify(details);
  return json !== undefined && json.length <= MAX_DETAILS_CHARS ? details : undefined;
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: boundedMessage(`no route for ${req.method} ${req.path.slice(0, 80)}`) } });
};

/** Every error becomes `{ error: { code, message, details? } }`; 5xx details stay in the log. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: boundedMessage(err.message), details: boundedDetails(err.details) } });
      return;
    }
    // express.json() parse errors and oversized bodies carry a status and a type.
    const status = typeof err?.status === 'number' ? err.status : 500;
    if (status < 500) {
      const code = err.type === 'entity.parse.failed' ? 'malformed_json' : err.type === 'entity.too.large' ? 'body_too_large' : 'bad_request';
      res.status(status).json({ error: { code, message: boundedMessage(String(err.message ?? '')) } });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
