/**
 * Building blocks of the compact in-memory registry: typed-array columns, a string table
 * and hash chains over row numbers. A million rows cost a few megabytes per column and no
 * per-row objects for the garbage collector to trace.
 */

/** A growable column of unsigned 32-bit integers. */
export class U32Column {
  private data = new Uint32Array(1024);
  get(row: number): number {
    return this.data[row]!;
  }
  set(row: number, value: number): void {
    if (row >= this.data.length) {
      const bigger = new Uint32Array(Math.max(this.data.length * 2, row + 1));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[row] = value;
  }
}

/** Distinct strings stored once and referred to by number (names, dates, commune codes). */
export class StringTable {
  private readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();
  /** The number of `s`, adding it if new. */
  intern(s: string): number {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.values.length;
      this.values.push(s);
      this.numbers.set(s, n);
    }
    return n;
  }
  /** The number of `s`, or -1 when it was never added. */
  find(s: string): number {
    return this.numbers.get(s) ?? -1;
  }
  at(n: number): string {
    return this.values[n]!;
  }
}

/** Mixes two 32-bit integers into a well-spread 32-bit hash. */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Hash buckets of rows, chained through a `next` column: 4 bytes per row plus the bucket
 * heads. Buckets double when there are more rows than buckets (load factor 1).
 */
export class RowChains {
  private heads = new Int32Array(1024).fill(-1);
  private next = new Int32Array(1024);
  private count = 0;
  constructor(private readonly hashOf: (row: number) => number) {}

  add(row: number): void {
    if (row >= this.next.length) {
      const bigger = new Int32Array(Math.max(this.next.length * 2, row + 1));
      bigger.set(this.next);
      this.next = bigger;
    }
    if (this.count >= this.heads.length) this.rehash();
    this.link(row);
    this.count++;
  }

  /** First row in the bucket of `hash`, or -1; continue with `after`. */
  first(hash: number): number {
    return this.heads[hash & (this.heads.length - 1)]!;
  }

  after(row: number): number {
    return this.next[row]!;
  }

  private link(row: number): void {
    const bucket = this.hashOf(row) & (this.heads.length - 1);
    this.next[row] = this.heads[bucket]!;
    this.heads[bucket] = row;
  }

  private rehash(): void {
    const old = this.heads;
    this.heads = new Int32Array(old.length * 2).fill(-1);
    for (let b = 0; b < old.length; b++) {
      for (let row = old[b]!; row !== -1; ) {
        const following = this.next[row]!;
        this.link(row);
        row = following;
      }
    }
  }
}
