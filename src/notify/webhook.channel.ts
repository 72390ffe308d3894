import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationChannel } from './channel.js';
import { PermanentDeliveryError } from './permanent-delivery.error.js';
import { webhookTargetRefusal } from './webhook-hosts.js';

/**
 * Webhook channel: HTTP POST of the JSON payload with
 *   X-Vaxverify-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *   X-Vaxverify-Delivery:  <notification key> (stable across retries: receivers dedupe on it)
 *   X-Vaxverify-Event:     reminder | escalation
 * Any non-2xx answer or network error throws so the job is retried with backoff.
 */
export const SIGNATURE_HEADER = 'x-vaxverify-signature';
export const DELIVERY_HEADER = 'x-vaxverify-delivery';
const EVENT_HEADER = 'x-vaxverify-event';

export function signWebhook(secret: string, timestampMs: number, rawBody: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${rawBody}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/** For receivers (and tests): true when the header signs this raw body within `toleranceMs`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  opts: { now?: number; toleranceMs?: number } = {},
): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs((opts.now ?? Date.now()) - t) > (opts.toleranceMs ?? 5 * 60_000)) return false;
  const expected = Buffer.from(signWebhook(secret, t, rawBody).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

export interface WebhookOptions {
  secret: string;
  timeoutMs: number;
  /** Hosts a webhook may be sent to (WEBHOOK_ALLOWED_HOSTS); undefined = no check (tests of the channel itself). */
  allowedHosts?: readonly string[];
  fetch?: typeof fetch;
}

export function createWebhookChannel(opts: WebhookOptions): NotificationChannel {
  const doFetch = opts.fetch ?? fetch;
  return {
    name: 'webhook',
    async send(n) {
      if (!n.target || !/^https?:\/\//.test(n.target)) throw new PermanentDeliveryError('webhook target is not an http(s) URL');
      const refusal = opts.allowedHosts ? await webhookTargetRefusal(n.target, opts.allowedHosts) : null;
      if (refusal) throw new PermanentDeliveryError(refusal);
      const body = JSON.stringify({ key: n.key, kind: n.kind, ...n.payload });
      const res = await doFetch(n.target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(opts.secret, Date.now(), body),
          [DELIVERY_HEADER]: n.key,
          [EVENT_HEADER]: n.kind,
        },
        body,
        // Never follow a redirect: a receiver could bounce the signed payload to an internal address.
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) return;
      if (res.status >= 300 && res.status < 400) throw new PermanentDeliveryError(`webhook answered a redirect (HTTP ${res.status}); redirects are not followed`);
      const msg = `webhook answered HTTP ${res.status}`;
      // 408 and 429 are worth retrying, like 5xx; other 4xx will not get better.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentDeliveryError(msg);
      throw new Error(msg);
    },
  };
}
