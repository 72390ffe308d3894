import { describe, expect, it } from 'vitest';
import { escalationMessage, reminderMessage, signWebhook, verifyWebhookSignature } from '../../../src/notify/index.js';

const place = { code: '00001', name: 'Phường Phúc Xá', level: 'commune' };
const unresolved = { unprocessed: 2, byOutcome: { review: 7, not_found: 5 }, backlog: 0, total: 14 };

describe('notification messages', () => {
  it('name the locality, what is missing and since when — counts only', () => {
    const m = escalationMessage({
      roundId: 'verification-00001-1', place, level: 'district', targetCode: '001', unresolved, escalationId: 'e1',
      overdueSince: new Date('2026-12-01T00:00:00Z'), escalatedAt: new Date('2026-12-01T00:00:05Z'), deadline: new Date('2026-12-02T00:00:05Z'),
    });
    expect(m.text).toBe(
      'Escalation to district level: commune Phường Phúc Xá (00001) missed its deadline 2026-12-01T00:00:00.000Z and still has ' +
      '14 unresolved records (7 to review, 5 not found in the registry, 2 not yet verified). ' +
      'Please act by 2026-12-02T00:00:05.000Z, after which it goes to the next level.',
    );
    expect(Object.keys(m).sort()).toEqual(['deadline', 'escalatedAt', 'escalationId', 'level', 'locality', 'overdueSince', 'roundId', 'targetCode', 'text', 'type', 'unresolved']);
    const r = reminderMessage({ roundId: 'verification-00001-1', place, unresolved, deadline: new Date('2026-12-01T00:00:00Z'), offsetMs: 6 * 3_600_000 });
    expect(r.text).toMatch(/^Reminder: commune Phường Phúc Xá \(00001\) has 14 unresolved records .* \(6 h before it\)\.$/);
  });
});

describe('webhook signature', () => {
  const secret = 'a-secret-of-at-least-16';
  const body = JSON.stringify({ a: 1 });
  it('verifies what it signed, within the tolerance, and nothing else', () => {
    const now = 1_800_000_000_000;
    const header = signWebhook(secret, now, body);
    expect(header).toMatch(/^t=1800000000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, { now })).toBe(true);
    expect(verifyWebhookSignature(secret, header, body + ' ', { now })).toBe(false);
    expect(verifyWebhookSignature('another-secret-xxxxxx', header, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { now: now + 10 * 60_000 })).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, { now })).toBe(false);
  });
});
