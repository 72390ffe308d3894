import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../src/lib/concurrency.js';
import { maskId, maskName } from '../../../src/lib/mask.js';

describe('masking personal data', () => {
  it.each([
    ['001203004567', '0012******67'],
    ['123456789', '12*****89'],
    ['B1234567', 'B1****67'],
    ['123', '***'],
    ['', ''],
  ])('maskId(%s) = %s', (id, masked) => {
    expect(maskId(id)).toBe(masked);
    if (id.length > 4) expect(maskId(id)).not.toContain(id.slice(4, -2));
  });

  it('keeps only initials of a name', () => {
    expect(maskName('Nguyễn Văn  Ánh')).toBe('N. V. Á.');
    expect(maskName(undefined)).toBe('');
  });
});

describe('mapLimit', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
