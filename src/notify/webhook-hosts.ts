import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Webhook targets only on configured hosts (WEBHOOK_ALLOWED_HOSTS): an escalation must not be
 * pointed at an internal address. An entry `example.org` allows that host on the scheme's own
 * port (443, 80); `example.org:8443` that port; `example.org:*` any port; `*.example.org` its
 * subdomains. At send time the host's resolved addresses are checked too: loopback, private,
 * link-local, CGNAT, multicast and unspecified addresses are refused unless the entry names the
 * host exactly (an operator who allows `notify.internal` or `127.0.0.1` by name means it).
 */
interface Entry { host: string; port: string | null; wildcard: boolean }

function parseEntry(a: string): Entry {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}|\*))?$/.exec(a.trim().toLowerCase());
  const host = (m?.[1] ?? a).replace(/^\[|\]$/g, '');
  return { host, port: m?.[2] ?? null, wildcard: host.startsWith('*.') };
}

const DEFAULT_PORT: Record<string, string> = { 'https:': '443', 'http:': '80' };

function match(url: string, allowed: readonly string[]): { host: string; entry: Entry } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const scheme = DEFAULT_PORT[u.protocol];
  if (!scheme || u.username || u.password) return null;
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = u.port || scheme;
  for (const a of allowed) {
    const e = parseEntry(a);
    const hostOk = e.wildcard ? host.endsWith(e.host.slice(1)) && host.length > e.host.length - 1 : host === e.host;
    const portOk = e.port === '*' || (e.port ?? scheme) === port;
    if (hostOk && portOk) return { host, entry: e };
  }
  return null;
}

export function webhookHostAllowed(url: string, allowed: readonly string[]): boolean {
  return match(url, allowed) !== null;
}

const INTERNAL = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) INTERNAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(net, bits, 'ipv6');

function isInternal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

type Lookup = (host: string) => Promise<string[]>;
const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/** Why `url` may not receive a webhook now (scheme, host, port, resolved address), or null when it may. */
export async function webhookTargetRefusal(url: string, allowed: readonly string[], lookup: Lookup = systemLookup): Promise<string | null> {
  const m = match(url, allowed);
  if (!m) return 'webhook scheme, host or port is not in WEBHOOK_ALLOWED_HOSTS';
  let addresses: string[];
  try {
    addresses = isIP(m.host) ? [m.host] : await lookup(m.host);
  } catch {
    return null; // not resolvable now: fetch fails and the delivery is retried
  }
  if (!m.entry.wildcard) return null;
  return addresses.some(isInternal) ? 'webhook host resolves to an internal address; allow it by its exact name to send there' : null;
}
