import { describe, expect, it } from 'vitest';
import { explainableQueries, scansOf } from '../../helpers/explain-plan.js';

/**
 * The plan reader of the hot-path index test, on MongoDB's explain formats (the classic
 * engine's `winningPlan` tree, the slot-based engine's `queryPlan`, an aggregation's `$cursor`).
 * DocumentDB's format is also read against the real store in test/integration/hot-path-indexes.test.ts.
 */
const ixscan = (indexName: string) => ({ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName, keyPattern: { roundId: 1, chunk: 1 } } });

describe('explain plan reader', () => {
  it('reads the winning plan of the classic engine and ignores the rejected ones', () => {
    const scans = scansOf({ queryPlanner: { winningPlan: ixscan('roundId_1_chunk_1'), rejectedPlans: [{ stage: 'COLLSCAN' }] } });
    expect(scans).toEqual([{ index: 'roundId_1_chunk_1', collectionScan: false, node: 'IXSCAN' }]);
    expect(scansOf({ queryPlanner: { winningPlan: { stage: 'COLLSCAN', filter: { vaccine: { $eq: 'x' } } } } }).map((s) => s.collectionScan)).toEqual([true]);
  });

  it('reads the slot-based engine, `_id` lookups and an aggregation\'s cursor stage', () => {
    expect(scansOf({ queryPlanner: { winningPlan: { queryPlan: { stage: 'COLLSCAN' }, slotBasedPlan: { stages: '[1] scan s1 ...' } } } })[0]!.collectionScan).toBe(true);
    expect(scansOf({ queryPlanner: { winningPlan: { stage: 'EXPRESS_IXSCAN', keyPattern: '{ _id: 1 }', indexName: '_id_' } } })).toEqual([{ index: '_id_', collectionScan: false, node: 'EXPRESS_IXSCAN' }]);
    expect(scansOf({ queryPlanner: { winningPlan: { stage: 'IDHACK' } } })[0]).toEqual({ index: '_id_', collectionScan: false, node: 'IDHACK' });
    const agg = { stages: [{ $cursor: { queryPlanner: { winningPlan: ixscan('roundId_1_outcome_1') } } }, { $group: { _id: '$outcome' } }] };
    expect(scansOf(agg).map((s) => s.index)).toEqual(['roundId_1_outcome_1']);
  });

  it('reads DocumentDB\'s PostgreSQL nodes: a scan of `_id_` on the shard key alone is the whole collection', () => {
    const whole = { queryPlanner: { Plan: { 'Node Type': 'Bitmap Heap Scan', Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': '_id_', 'Index Cond': "(shard_key_value = '23'::bigint)" }] } } };
    const byId = { queryPlanner: { Plan: { 'Node Type': 'Index Scan', 'Index Name': '_id_', 'Index Cond': "((shard_key_value = '23'::bigint) AND (object_id OPERATOR(documentdb_core.=) ANY ('{…}'::documentdb_core.bson[])))" } } };
    const seq = { queryPlanner: { Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'documents_23' } } };
    expect(scansOf(whole).map((s) => s.collectionScan)).toEqual([true]);
    expect(scansOf(byId)).toEqual([expect.objectContaining({ index: '_id_', collectionScan: false })]);
    expect(scansOf(seq).map((s) => s.collectionScan)).toEqual([true]);
  });

  it('turns the commands sent into one explainable query per shape, writes as the find of their filter', () => {
    const queries = explainableQueries([
      { db: 'd', name: 'find', command: { find: 'rounds', filter: { _id: 'a' }, batchSize: 10, lsid: {} } },
      { db: 'd', name: 'find', command: { find: 'rounds', filter: { _id: 'b' } } },
      { db: 'd', name: 'update', command: { update: 'chunks', updates: [{ q: { _id: 'x', status: 'pending' }, u: { $set: {} } }, { q: { _id: 'y', status: 'pending' }, u: {} }] } },
      { db: 'd', name: 'findAndModify', command: { findAndModify: 'rounds', query: { _id: 'a', status: 'verifying' }, update: {} } },
      { db: 'd', name: 'insert', command: { insert: 'results', documents: [{}] } },
      { db: 'd', name: 'getMore', command: { getMore: 1, collection: 'rounds' } },
    ]);
    expect(queries.map((q) => [q.shape, q.explain])).toEqual([
      ['rounds find {"_id":"string"}', { find: 'rounds', filter: { _id: 'a' } }],
      ['chunks update {"_id":"string","status":"string"}', { find: 'chunks', filter: { _id: 'x', status: 'pending' } }],
      ['rounds findAndModify {"_id":"string","status":"string"}', { find: 'rounds', filter: { _id: 'a', status: 'verifying' }, limit: 1 }],
    ]);
  });
});
