/**
 * Reading what a store does with a query, for tests: the commands a connection really sent
 * (driver command monitoring), turned into queries the store can `explain`, and the scans in
 * the plan it answers. Two plan formats are read, with no branch on which store answered:
 * MongoDB's (`winningPlan` trees of `stage` nodes: COLLSCAN, IXSCAN, IDHACK, EXPRESS_*) and
 * DocumentDB's (FerretDB v2 answers with PostgreSQL plan nodes: `Node Type`, `Index Name`,
 * `Index Cond`). On DocumentDB a query no index serves shows as a scan of the `_id_` index whose
 * only condition is the collection's `shard_key_value`: that visits every document, like a
 * COLLSCAN, and is read as one.
 */
import type { MongoClient } from 'mongodb';

type Doc = Record<string, any>;

export interface SentCommand {
  db: string;
  name: string;
  command: Doc;
}

/** Record every command the client sends from now on; `stop()` ends the recording. */
export function recordCommands(client: MongoClient): { sent: SentCommand[]; stop(): void } {
  const sent: SentCommand[] = [];
  const on = (e: { databaseName: string; commandName: string; command: Doc }) => {
    sent.push({ db: e.databaseName, name: e.commandName, command: e.command });
  };
  client.on('commandStarted', on);
  return { sent, stop: () => client.off('commandStarted', on) };
}

export interface ExplainableQuery {
  /** Collection and command, and the query's shape (values replaced by their types). */
  shape: string;
  collection: string;
  /** What the application sent (one statement of it, for bulk updates and deletes). */
  sent: string;
  /** A `find`, `aggregate` or `count` to pass to `{ explain }`. */
  explain: Doc;
}

/**
 * The queries among `sent`, one per distinct shape. Writes are explained as the `find` of their
 * filter: FerretDB explains no update, delete or findAndModify, and the filter is what picks
 * the index on every store. Inserts, cursor continuations and handshakes hold no query.
 */
export function explainableQueries(sent: SentCommand[]): ExplainableQuery[] {
  const out = new Map<string, ExplainableQuery>();
  const add = (collection: string, kind: string, explain: Doc, original: Doc) => {
    const shape = `${collection} ${kind} ${JSON.stringify(shapeOf(explain.filter ?? explain.pipeline ?? explain.query))}${explain.sort ? ` sort ${JSON.stringify(explain.sort)}` : ''}`;
    if (!out.has(shape)) out.set(shape, { shape, collection, sent: JSON.stringify(original).slice(0, 600), explain });
  };
  for (const { name, command: c } of sent) {
    switch (name) {
      case 'find':
        add(c.find, 'find', pick(c, ['find', 'filter', 'sort', 'projection', 'hint', 'limit', 'skip']), c);
        break;
      case 'aggregate':
        add(c.aggregate, 'aggregate', { aggregate: c.aggregate, pipeline: c.pipeline, cursor: {} }, c);
        break;
      case 'count':
        add(c.count, 'count', { find: c.count, filter: c.query ?? {} }, c);
        break;
      case 'distinct':
        add(c.distinct, 'distinct', { find: c.distinct, filter: c.query ?? {} }, c);
        break;
      case 'findAndModify':
        add(c.findAndModify, 'findAndModify', { find: c.findAndModify, filter: c.query ?? {}, ...(c.sort ? { sort: c.sort } : {}), limit: 1 }, c);
        break;
      case 'update':
        for (const u of c.updates ?? []) add(c.update, 'update', { find: c.update, filter: u.q ?? {} }, { update: c.update, ...u });
        break;
      case 'delete':
        for (const d of c.deletes ?? []) add(c.delete, 'delete', { find: c.delete, filter: d.q ?? {} }, { delete: c.delete, ...d });
        break;
      default:
        break;
    }
  }
  return [...out.values()];
}

export interface Scan {
  /** The index the scan walks, if any. */
  index: string | null;
  /** True when the scan visits the whole collection. */
  collectionScan: boolean;
  node: string;
}

/** Every scan in an explain answer (MongoDB's or DocumentDB's format); rejected plans are not looked at. */
export function scansOf(explain: unknown): Scan[] {
  const out: Scan[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const n = v as Doc;
    if (typeof n.stage === 'string') {
      if (n.stage === 'COLLSCAN') out.push({ index: null, collectionScan: true, node: n.stage });
      else if (/IXSCAN|IDHACK|CLUSTERED/.test(n.stage)) out.push({ index: n.indexName ?? '_id_', collectionScan: false, node: n.stage });
    }
    if (typeof n['Node Type'] === 'string') {
      const type: string = n['Node Type'];
      if (type === 'Seq Scan') out.push({ index: null, collectionScan: true, node: `${type} ${n['Relation Name'] ?? ''}`.trim() });
      else if (/Index/.test(type)) {
        const cond = String(n['Index Cond'] ?? '');
        // What the index is asked beyond "this collection": nothing means every document.
        const selective = cond.replace(/\(?shard_key_value = '?\d+'?(::bigint)?\)?/g, '').replace(/[()\s]|AND/g, '') !== '';
        out.push({ index: n['Index Name'] ?? null, collectionScan: !selective, node: `${type} ${n['Index Name'] ?? ''} ${cond}`.trim() });
      }
    }
    for (const [k, child] of Object.entries(n)) if (k !== 'rejectedPlans') visit(child);
  };
  visit(explain);
  return out;
}

function pick(o: Doc, keys: string[]): Doc {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** A filter or pipeline with every value replaced by its type: `{ roundId: 'string', _id: { $in: '[string]' } }`. */
function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length && v.every((x) => x === null || typeof x !== 'object') ? `[${typeof v[0]}]` : v.map(shapeOf);
  if (v instanceof Date) return 'date';
  if (v && typeof v === 'object' && !(v.constructor?.name === 'ObjectId')) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shapeOf(x)]));
  return v === null ? 'null' : typeof v;
}
