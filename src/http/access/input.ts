import type { Request } from 'express';
import type { z, ZodType } from 'zod';
import { ValidationError } from '../../lib/errors/index.js';

/** What authorize resolved a request's scope to: the localities it touches and the thing it names. */
export interface ResolvedScope {
  /** Locality codes the request acts in (empty for unscoped routes). */
  localities: string[];
  /** The round, record, correction or escalation the scope came from, as loaded by authorize. */
  resource?: { kind: 'round' | 'record' | 'correction' | 'escalation'; id: string; locality: string };
}

export interface ParsedRequest {
  params?: unknown;
  query?: unknown;
  body?: unknown;
  schemas: { params?: ZodType; query?: ZodType; body?: ZodType };
}

/**
 * A request part as authorize parsed it with the route table row's schema. Asking with another
 * schema than the row's is a programming error (the table and the router drifted apart): it
 * throws instead of letting the handler read the raw request.
 */
export function input<S extends ZodType>(req: Request, part: 'params' | 'query' | 'body', schema: S): z.output<S> {
  const parsed = req.parsed;
  if (!parsed || parsed.schemas[part] !== schema) {
    throw new Error(`${req.method} ${req.path}: the route table row does not parse ${part} with this schema`);
  }
  return parsed[part] as z.output<S>;
}

/** The scope authorize resolved; a handler behind a scoped row without one is a programming error. */
export function scopeOf(req: Request): ResolvedScope {
  if (!req.scope) throw new Error(`${req.method} ${req.path}: no resolved scope (is the route in the table?)`);
  return req.scope;
}

/** The one thing a resource-scoped row names, as authorize loaded it. */
export function resourceOf(req: Request, kind: NonNullable<ResolvedScope['resource']>['kind']): NonNullable<ResolvedScope['resource']> {
  const r = scopeOf(req).resource;
  if (!r || r.kind !== kind) throw new Error(`${req.method} ${req.path}: no ${kind} resolved by authorize`);
  return r;
}

/** An upload's raw body (behind `express.raw`); an empty one is a 400 saying what to upload. */
export function rawUpload(req: Request, what: string): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new ValidationError(`body: upload ${what} as the raw request body`);
  return req.body;
}
