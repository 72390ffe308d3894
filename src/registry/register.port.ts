import type { DoseRecordInput, MatchResult } from '../domain/records.js';
import type { RegisterUnavailableError } from './register-unavailable.error.js';

/**
 * How the verification chunk asks the population register about a batch of dose records. Two
 * adapters (index.ts): `mirror`, the matcher over a snapshot of a copy the deployment holds, and
 * `authority`, the register's own authentication service over HTTP. When the register cannot be
 * used now, `verify` throws RegisterUnavailableError and the chunk waits (it does not fail).
 */
export interface RegisterPort {
  /** Which engine decided (stored on each result). */
  version: string;
  verify(records: DoseRecordInput[], communeCode: string): Promise<MatchResult[]>;
  /**
   * Whether the register may be called now, asked before a chunk reads its records: null, or why
   * and how long to wait (the circuit is open and another caller holds this interval's probe).
   * Absent: always ready (mirror).
   */
  ready?(): Promise<RegisterUnavailableError | null>;
}
