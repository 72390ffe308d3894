import type { Connection } from 'mongoose';

/** Store operations of one process: those holding a pooled connection, and those waiting for one. */
export interface PoolStats {
  inFlight(): number;
  waiting(): number;
  /** The pool's size: at most this many operations run at once. */
  readonly limit: number;
}

/**
 * Count a connection's pool check-outs from the driver's connection-pool events (emitted
 * whatever the monitoring settings): an operation holds a connection from check-out to
 * check-in, so `inFlight` is the process's concurrent store operations, capped by the pool.
 */
export function poolStats(connection: Connection, limit: number): PoolStats {
  const client = connection.getClient();
  let started = 0;
  let out = 0;
  let failed = 0;
  let back = 0;
  client.on('connectionCheckOutStarted', () => { started++; });
  client.on('connectionCheckedOut', () => { out++; });
  client.on('connectionCheckOutFailed', () => { failed++; });
  client.on('connectionCheckedIn', () => { back++; });
  return {
    limit,
    inFlight: () => Math.max(0, out - back),
    waiting: () => Math.max(0, started - out - failed),
  };
}
