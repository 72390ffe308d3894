/**
 * A set of non-negative integers below 2^53 in a Float64Array (open addressing): 10 million
 * 12-digit ID numbers take ~256 MB as JS strings in a Set, ~128 MB here.
 */
export class NumberSet {
  private slots: Float64Array;
  private count = 0;

  constructor(capacity = 1 << 16) {
    this.slots = new Float64Array(capacity).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  has(n: number): boolean {
    return this.slots[this.find(n)] === n;
  }

  /** Adds `n`; false when it was already present. */
  add(n: number): boolean {
    const i = this.find(n);
    if (this.slots[i] === n) return false;
    this.slots[i] = n;
    // Keep the load under 0.6 so probes stay short.
    if (++this.count > this.slots.length * 0.6) this.grow();
    return true;
  }

  private find(n: number): number {
    const mask = this.slots.length - 1;
    // Mix high and low bits: ID numbers share long common prefixes.
    let i = (Math.imul((n % 4294967296) ^ Math.floor(n / 4294967296), 2654435761) >>> 0) & mask;
    while (this.slots[i] !== -1 && this.slots[i] !== n) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    for (const v of old) if (v !== -1) this.slots[this.find(v)] = v;
  }
}
