import type { Connection } from 'mongoose';

/**
 * The store's raw rates on the same servers, for the ratio the campaign bench reports:
 * unordered insertMany of `n` small documents in batches of 1,000, and `_id` point reads
 * of those documents, 8 in flight (what a worker pool would keep busy).
 */
export async function benchStoreRates(connection: Connection, n = 20_000, reads = 2_000) {
  const coll = connection.db!.collection<{ _id: string; v: number; s: string }>('benchStoreRates');
  await coll.drop().catch(() => {});
  const docs = Array.from({ length: n }, (_, i) => ({ _id: `r${String(i).padStart(8, '0')}`, v: i, s: 'x'.repeat(200) }));
  let t = performance.now();
  for (let i = 0; i < n; i += 1_000) await coll.insertMany(docs.slice(i, i + 1_000), { ordered: false });
  const insertPerSecond = n / ((performance.now() - t) / 1000);
  t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < reads) {
      const i = (next++ * 7919) % n;
      await coll.findOne({ _id: docs[i]!._id });
    }
  }));
  const idReadsPerSecond = reads / ((performance.now() - t) / 1000);
  await coll.drop().catch(() => {});
  return { insertPerSecond, idReadsPerSecond };
}
