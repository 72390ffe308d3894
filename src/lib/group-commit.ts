/**
 * Group commit: callers hand one item each and wait until it is stored; items that arrive while a
 * write is in flight are written together by the next one. Nothing waits for a timer: alone, an
 * item is written at once (the latency of one write); under load, N callers share one write
 * instead of queueing N (the same idea as a database's group commit of its journal).
 * A failed write fails every caller of that write; none is reported stored that was not.
 */
export function groupCommit<T>(write: (items: T[]) => Promise<void>, maxBatch: number): (item: T) => Promise<void> {
  let pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let writing = false;
  const drain = async () => {
    writing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        await write(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    writing = false;
  };
  return (item) => new Promise<void>((resolve, reject) => {
    pending.push({ item, resolve, reject });
    if (!writing) void drain();
  });
}
