import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../../src/lib/group-commit.js';

/** A write that holds each call until the test releases it, recording the batches it was given. */
function heldWrite() {
  const batches: number[][] = [];
  const releases: ((err?: Error) => void)[] = [];
  const write = (items: number[]) => new Promise<void>((resolve, reject) => {
    batches.push(items);
    releases.push((err) => (err ? reject(err) : resolve()));
  });
  return { batches, write, release: (i: number, err?: Error) => releases[i]!(err) };
}

describe('groupCommit', () => {
  it('writes a lone item at once, then everything that arrived meanwhile in one write', async () => {
    const w = heldWrite();
    const commit = groupCommit(w.write, 100);
    const first = commit(1);
    expect(w.batches).toEqual([[1]]); // no timer: the first write starts synchronously
    const rest = [2, 3, 4, 5].map((n) => commit(n));
    expect(w.batches).toHaveLength(1); // the others wait for the write in flight
    w.release(0);
    await first;
    await Promise.resolve();
    expect(w.batches).toEqual([[1], [2, 3, 4, 5]]);
    w.release(1);
    await Promise.all(rest);
  });

  it('splits what waits into writes of at most maxBatch items, in arrival order', async () => {
    const w = heldWrite();
    const commit = groupCommit(w.write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => commit(n));
    for (let i = 0; i < 3; i++) { w.release(i); await new Promise((r) => setImmediate(r)); }
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('a failed write fails its own callers only; the next write still happens', async () => {
    const w = heldWrite();
    const commit = groupCommit(w.write, 100);
    const first = commit(1);
    const second = [commit(2), commit(3)];
    w.release(0);
    await first;
    await Promise.resolve();
    w.release(1, new Error('store gone'));
    await expect(second[0]).rejects.toThrow('store gone');
    await expect(second[1]).rejects.toThrow('store gone');
    const third = commit(4);
    expect(w.batches.at(-1)).toEqual([4]);
    w.release(2);
    await expect(third).resolves.toBeUndefined();
  });
});
