/**
 * Webhook targets only on configured hosts (WEBHOOK_ALLOWED_HOSTS): an escalation must not be
 * pointed at an internal address. A list entry `example.org` allows that host exactly;
 * `*.example.org` its subdomains. Ports are not part of the match.
 */
export function webhookHostAllowed(url: string, allowed: readonly string[]): boolean {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
    if (u.username || u.password) return false;
    host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return allowed.some((a) => (a.startsWith('*.') ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : host === a));
}
