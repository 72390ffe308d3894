/** Mask personal data for logs, job payloads and error messages. */

/** `001203004567` → `0012******67`: keeps the province/century prefix and two check digits. */
export function maskId(id: string | null | undefined): string {
  if (!id) return '';
  const s = String(id);
  if (s.length <= 4) return '*'.repeat(s.length);
  const head = s.length >= 10 ? 4 : 2;
  return s.slice(0, head) + '*'.repeat(s.length - head - 2) + s.slice(-2);
}

/** `Nguyễn Văn An` → `N. V. A.`: initials only. */
export function maskName(name: string | null | undefined): string {
  if (!name) return '';
  return name
    .trim()
    .split(/\s+/)
    .map((w) => `${[...w][0] ?? ''}.`)
    .join(' ');
}
