import {
  MATCHER_VERSION, decideWithAgreement, decideWithValues, needsSearch, subjectOf,
  type AuthAnswer, type SearchCandidate, type Subject,
} from '../domain/matching/index.js';
import type { DoseRecordInput, MatchResult } from '../domain/records.js';
import type { Logger } from '../lib/logger.js';
import { RegisterCallError, type AuthorityClient, type SearchQuery } from './authority.client.js';
import { RegisterUnavailableError } from './register-unavailable.error.js';
import type { RegisterPort } from './register.port.js';
import type { SharedBreaker } from './shared-breaker.js';
import type { SharedQuota } from './shared-quota.js';
import type { Telemetry } from './telemetry.js';

/**
 * `REGISTRY_MODE=authority`: records are sent to the register's authentication service in
 * batches (at most 100 subjects a call), records it cannot single out go through its search, and
 * the decisions are src/domain/matching's (authority.ts). Every call passes the deployment's
 * breaker and quota (Redis); 429s cut the quota, failures retry with back-off and jitter, and
 * when the register cannot be used now the call throws RegisterUnavailableError: the chunk waits.
 * Nothing of an answer outlives the batch.
 */
export interface AuthorityRegisterOptions {
  client: AuthorityClient;
  quota: SharedQuota;
  searchQuota: SharedQuota;
  breaker: SharedBreaker;
  telemetry: Telemetry;
  /** Subjects per authentication call (the contract's maximum is 100). */
  batch: number;
  /** Calls in flight per verify call (per chunk job). */
  parallel: number;
  /** Failures retried in place before the chunk steps aside. */
  retries?: number;
  /** A wait up to this long (Retry-After, back-off) is slept in the job; longer, the chunk is delayed. */
  maxInlineWaitMs?: number;
  /** The breaker closed after an outage (called once, by the caller that closed it). */
  onOutageEnded: (outage: { from: number; to: number }) => Promise<void>;
  log: Logger;
  random?: () => number;
}

const SEARCH_BATCH = 20;
/** A spare call's quota turn is too far off: its lane gives its slice back (sliced), nothing was reserved. */
class SpareRefused extends Error {}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const searchable = (r: DoseRecordInput) => r.fullName.trim() !== '' && r.dateOfBirth.trim() !== '';

/**
 * The engine's decisions (src/domain/matching) over what the register answered, for the records
 * `only` marks (default all). With values, every citizen the answers returned is indexed
 * (decideWithValues builds its index from all of `answers` and `searches`), whichever records are decided.
 */
function decide(records: DoseRecordInput[], answers: (AuthAnswer | undefined)[], searches: (SearchCandidate[] | undefined)[], only?: boolean[]): MatchResult[] {
  const idx = records.map((_, i) => i).filter((i) => !only || only[i]);
  const withValues = answers.some((a) => a?.register) || searches.some((s) => s?.some((c) => c.register));
  return withValues
    ? decideWithValues(idx.map((i) => records[i]!), answers, searches)
    : idx.map((i) => decideWithAgreement(records[i]!, answers[i], searches[i]));
}

/**
 * The register stepped aside mid-batch: the records it answered fully (authenticated, and
 * searched when they needed it) are decided now and ride on the error, for the chunk to save
 * before it waits, so no answered subject is sent again. A record authenticated but not yet
 * searched is asked again later (its answer is not kept: nothing of an answer outlives the batch).
 */
function withPartial(
  err: unknown, records: DoseRecordInput[], subjects: { i: number }[],
  answers: (AuthAnswer | undefined)[], searches: (SearchCandidate[] | undefined)[],
): unknown {
  if (!(err instanceof RegisterUnavailableError)) return err;
  const sent = new Set(subjects.map((x) => x.i));
  const done = records.map((r, i) => (!sent.has(i) || answers[i] !== undefined)
    && (!needsSearch(r, answers[i]) || !searchable(r) || searches[i] !== undefined));
  if (done.some(Boolean)) err.partial = decide(records, answers, searches, done);
  return err;
}

export function createAuthorityRegister(o: AuthorityRegisterOptions): RegisterPort {
  const random = o.random ?? Math.random;
  const retries = o.retries ?? 3;
  const maxInline = o.maxInlineWaitMs ?? 2_000;
  /** Full jitter on an exponential back-off from 250 ms (AWS's "full jitter"), capped at 4 s. */
  const backoff = (attempt: number) => Math.round(random() * Math.min(4_000, 250 * 2 ** attempt));
  /** Waiters spread over a second, so that delayed chunks do not all wake at once. */
  const spread = (ms: number) => Math.round(ms + random() * 1_000);

  /**
   * `spare`: the caller has sibling calls in flight (see sliced), so it waits at most half the inline wait for
   * its quota turn and otherwise gives way (SpareRefused): the deployment's queue for the quota then stays
   * under a second, and a batch's first call, which waits up to the whole inline wait, is seldom made to step aside.
   */
  async function guarded<T>(kind: 'authenticate' | 'search', units: number, call: () => Promise<T>, spare = false): Promise<T> {
    let gateWaited = false;
    for (let attempt = 0; ; attempt++) {
      let gate = await o.breaker.gate();
      // The probe lease ends within a short wait (a chunk let in to read just before it ends, see ready): wait here, once.
      if (!gate.go && !gateWaited && gate.waitMs <= maxInline) { gateWaited = true; await sleep(gate.waitMs + 10); attempt--; continue; }
      if (!gate.go) throw new RegisterUnavailableError(spread(gate.waitMs), 'circuit_open');
      const q = await (kind === 'authenticate' ? o.quota : o.searchQuota).take(units, spare && !gate.probe ? maxInline / 2 : undefined);
      // The probe goes whatever the quota says: one call per probe interval for the deployment.
      if (!q.granted && !gate.probe) throw spare ? new SpareRefused() : new RegisterUnavailableError(spread(q.waitMs), 'quota');
      if (q.granted && q.waitMs > 0) {
        await sleep(q.waitMs);
        // The circuit may have opened while this call waited its turn: it is not sent into a known outage
        // (its reserved subjects are given up; a call found down since is not the deployment's probe).
        if (!gate.probe) {
          const again = await o.breaker.gate();
          if (!again.go) throw new RegisterUnavailableError(spread(again.waitMs), 'circuit_open');
          gate = again;
        }
      }
      const t = performance.now();
      try {
        const answer = await call();
        await o.telemetry.call({ kind, units, outcome: 'ok', ms: performance.now() - t, probe: gate.probe });
        const ended = await o.breaker.success(gate.probe);
        if (ended) {
          o.log.info({ downSeconds: Math.round((ended.to - ended.from) / 1000) }, 'population register back: circuit closed');
          await o.onOutageEnded(ended);
        }
        return answer;
      } catch (err) {
        if (!(err instanceof RegisterCallError)) throw err;
        await o.telemetry.call({ kind, units, outcome: err.kind, ms: performance.now() - t, probe: gate.probe });
        if (err.kind === 'rejected') throw err;
        if (err.kind === 'quota' || err.kind === 'overloaded') {
          const after = err.retryAfterMs ?? 1_000;
          await (kind === 'authenticate' ? o.quota : o.searchQuota).cut(after);
          // A 429 is an answer: the register is up.
          if (err.kind === 'quota' && gate.probe) await o.breaker.success();
          if (after + 250 <= maxInline && attempt < retries) { await sleep(after + backoff(0)); continue; }
          throw new RegisterUnavailableError(spread(after), err.kind);
        }
        const opened = await o.breaker.failure(err.kind, err.kind === 'maintenance');
        if (opened) o.log.warn({ reason: err.kind }, 'population register unavailable: circuit open');
        if (err.kind === 'maintenance' || gate.probe || opened) throw new RegisterUnavailableError(spread(o.breaker.probeMs), 'circuit_open');
        if (attempt < retries) { await sleep(backoff(attempt)); continue; }
        throw new RegisterUnavailableError(spread(backoff(attempt + 2)), 'failing');
      }
    }
  }

  /**
   * `call` over `items` in slices of `size`, up to `parallel` in flight. The first error stops new calls;
   * the calls in flight are still awaited, so every answer the register gave is returned with it.
   * A call made while others of this batch are in flight is `spare`: when the quota's queue is long it
   * gives its slice back to the others and its lane ends, instead of making the whole chunk step aside
   * (with many chunks running, every lane of every chunk queued for the quota and whole chunks stepped
   * aside, re-read their records and left the quota unused as they woke: issue 26). The last lane never gives way.
   */
  async function sliced<T, R>(items: T[], size: number, call: (slice: T[], spare: boolean) => Promise<R[]>): Promise<{ got: R[]; error?: unknown }> {
    const todo: T[][] = [];
    for (let i = 0; i < items.length; i += size) todo.push(items.slice(i, i + size));
    const out: R[][] = [];
    let active = 0;
    let failed: { error: unknown } | undefined;
    await Promise.all(Array.from({ length: Math.min(o.parallel, todo.length) }, async () => {
      active++;
      try {
        while (todo.length > 0 && !failed) {
          const slice = todo.shift()!;
          try { out.push(await call(slice, active > 1)); } catch (error) {
            if (!(error instanceof SpareRefused)) { failed ??= { error }; continue; }
            todo.unshift(slice);
            if (active > 1) return; // the lanes still running take it; a lane left alone asks again, not spare
          }
        }
      } finally { active--; }
    }));
    return { got: out.flat(), ...(failed ? { error: failed.error } : {}) };
  }

  return {
    version: `${MATCHER_VERSION}+authority`,
    async ready(): Promise<RegisterUnavailableError | null> {
      // Let in shortly before the probe lease ends (at most the inline wait, half an interval): its records are read by
      // then, and guarded() waits the rest.
      const waitMs = await o.breaker.ready(Math.min(maxInline, o.breaker.probeMs / 2));
      return waitMs > 0 ? new RegisterUnavailableError(waitMs, 'circuit_open') : null;
    },
    async verify(records: DoseRecordInput[], communeCode: string): Promise<MatchResult[]> {
      const subjects = records.map((r, i) => ({ i, s: subjectOf(r) })).filter((x): x is { i: number; s: Subject } => x.s !== null);
      const answers: (AuthAnswer | undefined)[] = new Array(records.length);
      const auth = await sliced(subjects, o.batch, async (slice, spare) => {
        const res = await guarded('authenticate', slice.length, () => o.client.authenticate(slice.map((x) => x.s)), spare);
        return res.map((a, k) => ({ i: slice[k]!.i, a }));
      });
      for (const { i, a } of auth.got) answers[i] = a;
      const searches: (SearchCandidate[] | undefined)[] = new Array(records.length);
      if (auth.error) throw withPartial(auth.error, records, subjects, answers, searches);

      const asked = records.map((r, i) => ({ i, r })).filter(({ r, i }) => needsSearch(r, answers[i]) && searchable(r));
      const search = await sliced(asked, SEARCH_BATCH, async (slice, spare) => {
        const queries: SearchQuery[] = slice.map(({ r }) => ({ fullName: r.fullName.slice(0, 200), dateOfBirth: r.dateOfBirth.slice(0, 40), communeCode }));
        const res = await guarded('search', slice.length, () => o.client.search(queries), spare);
        return res.map((c, k) => ({ i: slice[k]!.i, c }));
      });
      for (const { i, c } of search.got) searches[i] = c;
      if (search.error) throw withPartial(search.error, records, subjects, answers, searches);
      return decide(records, answers, searches);
    },
  };
}
