/** Split decoded text into physical lines with 1-based numbers, bounded in length. */
export interface PhysicalLine {
  line: number;
  /** The line without its `\n`/`\r\n`; empty when `oversized`. */
  text: string;
  /** The line was longer than the limit; its content was dropped to bound memory. */
  oversized: boolean;
}

/**
 * `maxChars` bounds memory: a file without newlines (a binary upload, a broken export)
 * never accumulates more than that many characters.
 */
export async function* splitLines(texts: AsyncIterable<string>, maxChars: number): AsyncGenerator<PhysicalLine> {
  let carry = '';
  let oversized = false;
  let line = 0;
  for await (const text of texts) {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      line++;
      if (oversized || carry.length + (nl - start) > maxChars) {
        yield { line, text: '', oversized: true };
      } else {
        const full = carry ? carry + text.slice(start, nl) : text.slice(start, nl);
        yield { line, text: stripCr(full), oversized: false };
      }
      carry = '';
      oversized = false;
      start = nl + 1;
    }
    if (!oversized) {
      const rest = text.slice(start);
      if (carry.length + rest.length > maxChars + 1) {
        carry = '';
        oversized = true;
      } else {
        carry += rest;
      }
    }
  }
  if (oversized) yield { line: line + 1, text: '', oversized: true };
  else if (carry.length > 0) yield { line: line + 1, text: stripCr(carry), oversized: false };
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
