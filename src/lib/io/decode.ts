import { TextDecoder } from 'node:util';

/**
 * Bytes → text with the encodings coordinators actually send: UTF-8 with or without BOM
 * and the UTF-16LE/BE (with BOM) that spreadsheet programs write for "Unicode text".
 * Bytes that are not valid in the detected encoding (a Windows-1258 or latin1 file read
 * as UTF-8) decode to U+FFFD, which the record reader reports per row.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The replacement character a lenient decoder puts in place of invalid bytes. */
export const REPLACEMENT_CHAR = '\uFFFD';

/** Pick the encoding from a BOM, or from the NUL pattern of BOM-less UTF-16 text. */
export function sniffEncoding(head: Uint8Array): TextEncodingName {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // ASCII-heavy UTF-16 without BOM: every other byte is NUL. Checking 64 bytes is enough.
  const n = Math.min(head.length, 64) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.6 && evenNul === 0) return 'utf-16le';
    if (evenNul > pairs * 0.6 && oddNul === 0) return 'utf-16be';
  }
  return 'utf-8';
}

/** Decode a byte stream to text chunks; a leading BOM is dropped. */
export async function* decodeText(
  chunks: AsyncIterable<Uint8Array | string>,
  onEncoding?: (enc: TextEncodingName) => void,
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let head: Buffer | undefined;
  for await (const chunk of chunks) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    if (!decoder) {
      head = head ? Buffer.concat([head, chunk]) : Buffer.from(chunk);
      // Wait for enough bytes to see a BOM or a NUL pattern (stdin may deliver 1 byte).
      if (head.length < 64) continue;
      decoder = startDecoder(head, onEncoding);
      const text = decoder.decode(head, { stream: true });
      head = undefined;
      if (text) yield text;
      continue;
    }
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  if (!decoder && head && head.length > 0) {
    decoder = startDecoder(head, onEncoding);
    const text = decoder.decode(head, { stream: true });
    if (text) yield text;
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}

function startDecoder(head: Uint8Array, onEncoding?: (enc: TextEncodingName) => void): TextDecoder {
  const enc = sniffEncoding(head);
  onEncoding?.(enc);
  // ignoreBOM: false → the decoder strips the BOM that matches its encoding.
  return new TextDecoder(enc, { fatal: false, ignoreBOM: false });
}
