/**
 * Keys already seen in this file, as 64-bit hashes in typed arrays: 10 million record IDs take
 * ~134 MB here instead of ~600 MB as strings in a Set. Two different keys share a hash with
 * probability ~n²/2^65 (3·10⁻⁶ for 10 million keys): a wrong "duplicate" is that unlikely.
 */
export class KeySet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key; false when it was already present. */
  add(key: string): boolean {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 >>>= 0;
    h2 = (h2 | 1) >>> 0; // never 0 (an empty slot); unsigned like the stored values
    const mask = this.hi.length - 1;
    let i = (h1 ^ Math.imul(h2, 0x27d4eb2d)) & mask;
    while (this.lo[i] !== 0) {
      if (this.hi[i] === h1 && this.lo[i] === h2) return false;
      i = (i + 1) & mask;
    }
    this.hi[i] = h1;
    this.lo[i] = h2;
    if (++this.count > this.hi.length * 0.6) this.grow();
    return true;
  }

  private grow(): void {
    const { hi, lo } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(lo.length * 2);
    const mask = this.hi.length - 1;
    for (let j = 0; j < hi.length; j++) {
      if (lo[j] === 0) continue;
      let i = (hi[j]! ^ Math.imul(lo[j]!, 0x27d4eb2d)) & mask;
      while (this.lo[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
    }
  }
}
