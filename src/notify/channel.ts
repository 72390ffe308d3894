/**
 * A way to deliver a notification. Channels are small adapters: webhook and log today, email or
 * SMS later. A channel throws on failure (the notifications queue retries with backoff) and
 * throws PermanentDeliveryError when retrying cannot help (e.g. HTTP 410 Gone).
 */
export interface OutboundNotification {
  /** Deterministic notification key; receivers may use it to drop duplicates. */
  key: string;
  kind: string;
  /** Channel address (webhook URL); null for channels without one. */
  target: string | null;
  /** JSON-serialisable message: locality, counts, dates — never personal data. */
  payload: Record<string, unknown>;
}

export interface NotificationChannel {
  readonly name: string;
  send(n: OutboundNotification): Promise<void>;
}

export type Channels = Readonly<Record<string, NotificationChannel>>;
