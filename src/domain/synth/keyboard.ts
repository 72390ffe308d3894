/**
 * A name as typed with the Vietnamese input method switched off: the keystrokes of the Telex
 * or VNI method stay in the text (`Nguyễn Văn Hùng` → `Nguyeenx Vawn Hungf` / `Nguye6n4 Va8n Hu2ng`).
 */
import type { Rng } from './prng.js';

/** Combining marks after NFD. */
const TONES: Record<string, [telex: string, vni: string]> = {
  '\u0301': ['s', '1'], // sắc
  '\u0300': ['f', '2'], // huyền
  '\u0309': ['r', '3'], // hỏi
  '\u0303': ['x', '4'], // ngã
  '\u0323': ['j', '5'], // nặng
};
const QUALITY: Record<string, [telex: string, vni: string]> = {
  '\u0302': ['', '6'], // circumflex: Telex doubles the vowel
  '\u0306': ['w', '8'], // breve
  '\u031b': ['w', '7'], // horn
};

export type KeyboardMethod = 'telex' | 'vni';

/**
 * One word as keystrokes. `toneAtEnd`: the tone key after the whole word (`Nguyeenx`), as most
 * people type, else right after its vowel (`Nguyeexn`).
 */
export function typeWord(word: string, method: KeyboardMethod, toneAtEnd: boolean): string {
  const m = method === 'telex' ? 0 : 1;
  let out = '';
  let tone = '';
  let toneAfter = -1;
  for (const ch of word.normalize('NFD')) {
    if (TONES[ch]) {
      tone = TONES[ch][m];
      toneAfter = out.length;
    } else if (QUALITY[ch]) {
      const prev = out[out.length - 1] ?? '';
      out += m === 1 || ch !== '\u0302' ? QUALITY[ch][m] : prev.toLowerCase() === prev ? prev : prev.toLowerCase();
    } else if (ch === 'đ' || ch === 'Đ') {
      out += m === 0 ? `${ch === 'Đ' ? 'D' : 'd'}d` : `${ch === 'Đ' ? 'D' : 'd'}9`;
    } else {
      out += ch;
    }
  }
  if (tone === '') return out;
  return toneAtEnd || toneAfter < 0 ? out + tone : out.slice(0, toneAfter) + tone + out.slice(toneAfter);
}

/** The whole name typed with the method off (every word: the switch is per keyboard). */
export function typeName(rng: Rng, fullName: string, method: KeyboardMethod): string {
  const toneAtEnd = rng.chance(0.8);
  return fullName
    .split(' ')
    .map((w) => typeWord(w, method, toneAtEnd))
    .join(' ');
}
