import { describe, expect, it } from 'vitest';
import { compareNames, foldName, nameForms, normalizeName } from '../../../src/domain/matching/index.js';

describe('keyboard residue is decoded only where it makes a syllable', () => {
  it.each([
    ['Lucas Kim', 'lucas kim'],
    ['Ksor H Hen', 'ksor h hen'],
    ['Thomas', 'thomas'],
    ['Nguyen Van Hoang', 'nguyen van hoang'],
  ])('%s stays %s', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized);
    expect(nameForms(name).repaired).toBe(false);
  });

  it('marks a decoded name as needing correction', () => {
    expect(nameForms('Nguyeenx Vawn Hungf').repaired).toBe(true);
    expect(nameForms('Nguyễn Văn Hùng').repaired).toBe(false);
  });
});

describe('normalizeName: these spellings are the same name', () => {
  it.each([
    ['tone on o or a (old/new style)', 'Nguyễn Văn Hoà', 'Nguyễn Văn Hòa'],
    ['tone on u or y', 'Đặng Thị Thuý', 'Đặng Thị Thúy'],
    ['oe', 'Lê Khoẻ', 'Lê Khỏe'],
    ['uy with grave', 'Trần Uỳ', 'Trần Ùy'],
    ['oa with final consonant stays on a', 'Hoàng', 'Hoàng'],
    ['case and spacing', '  NGUYỄN   văn AN ', 'Nguyễn Văn An'],
    ['NFD vs NFC', 'Nguyễn Văn An'.normalize('NFD'), 'Nguyễn Văn An'.normalize('NFC')],
    ['Icelandic eth for Đ', 'Ðỗ Văn Ðức', 'Đỗ Văn Đức'],
    ['African d for đ', 'ɖỗ văn ɖức', 'Đỗ Văn Đức'],
    ['deprecated combining acute U+0341', 'Lê Va\u0341n', 'Lê Ván'],
    ['qu: tone after the u', 'Quý', 'qúy'.normalize('NFC').replace('ú', 'u').replace('y', 'ý')],
    ['hyphen and dot as separators', 'Nguyễn-Văn.An', 'Nguyễn Văn An'],
    ['Telex keystrokes, tone key last', 'Nguyeenx Vawn Hungf', 'Nguyễn Văn Hùng'],
    ['Telex keystrokes, tone key after the vowel, dd, uow', 'DDAJWNG THIJ TRUOWNG', 'Đặng Thị Trương'],
    ['Telex w after the final consonant', 'Lee Sonw', 'Lê Sơn'],
    ['VNI digits', 'Nguye6n4 Va8n Hu2ng', 'Nguyễn Văn Hùng'],
    ['VNI ươ and đ', 'D9o64 Thi5 Phu7o7ng', 'Đỗ Thị Phương'],
  ])('%s', (_case, a, b) => {
    expect(normalizeName(a)).toBe(normalizeName(b));
  });

  it.each([
    ['different tone', 'Nguyễn Văn Ân', 'Nguyễn Văn An'],
    ['missing diacritics', 'Nguyen Van An', 'Nguyễn Văn An'],
    ['different vowel quality', 'Lê Thị Hương', 'Lê Thị Huong'],
  ])('%s is not the same accented name', (_case, a, b) => {
    expect(normalizeName(a)).not.toBe(normalizeName(b));
  });

  it('keeps family–middle–given order and outputs NFC lower case', () => {
    const n = normalizeName('TRẦN THỊ NGỌC HÂN');
    expect(n).toBe('trần thị ngọc hân');
    expect(n).toBe(n.normalize('NFC'));
  });
});

describe('foldName', () => {
  it.each([
    ['Đặng Thị Thuý', 'dang thi thuy'],
    ['Nguyễn Văn Hoà', 'nguyen van hoa'],
    ['NGUYỄN  Văn  HÒA', 'nguyen van hoa'],
    ['Ðỗ Ɖức', 'do duc'],
    ['Trương Ngọc Ánh', 'truong ngoc anh'],
    ['', ''],
    ['123 ---', ''],
  ])('%s → %s', (input, folded) => {
    expect(foldName(input)).toBe(folded);
  });
});

describe('compareNames', () => {
  it.each([
    ['Nguyễn Văn Hoà', 'Nguyễn Văn Hòa', 'exact'],
    ['nguyen van hoa', 'Nguyễn Văn Hòa', 'folded'],
    ['Nguyễn Văn Ân', 'Nguyễn Văn An', 'folded'],
    ['Văn An Nguyễn', 'Nguyễn Văn An', 'reordered'],
    ['Nguyễn An', 'Nguyễn Văn An', 'partial'],
    ['Trần Thị Ngọc Hân', 'Trần Thị Hân', 'partial'],
    ['Nguyễn Văn Hùnh', 'Nguyễn Văn Hùng', 'misspelled'],
    ['Lê Thị Chang', 'Lê Thị Trang', 'misspelled'],
    ['Lê Thị Dang', 'Lê Thị Giang', 'misspelled'],
    ['Lê Thị Vi', 'Lê Thị Vy', 'misspelled'],
    ['Lê Văn Xơn', 'Lê Văn Sơn', 'misspelled'],
    // A slip of the fingers leaves no syllable: the given name is misspelt, not another name.
    ['Lê Thị Lnh', 'Lê Thị Linh', 'misspelled'],
    ['Nguyễn Văn Hugn', 'Nguyễn Văn Hùng', 'misspelled'],
    ['Trần Văn Tam', 'Trần Văn Tan', 'given_typo'],
    // Middle names: a weaker agreement, not a disagreement.
    ['Nguyễn Hữu An', 'Nguyễn Văn An', 'middle'],
    ['Nguyễn An', 'Nguyễn Văn Minh An', 'middle'],
    ['Nguyễn Văn Minh An', 'Nguyễn Minh An', 'partial'],
    ['Phạm Thị Huyềnn', 'Phạm Thị Huyền', 'misspelled'],
    ['Trần Văn Trung', 'Trần Văn Trang', 'given_typo'],
    ['Nguyễn Đức Hùng', 'Nguyễn Đức Hoàng', 'different'],
    ['Nguyen Vna Hung', 'Nguyễn Văn Hùng', 'typo'],
    ['Ngyuễn Văn Hùng', 'Nguyễn Văn Hùng', 'typo'],
    ['Nguyễn Văn An', 'Nguyễn Văn Anh', 'misspelled'],
    ['Trần Văn An', 'Nguyễn Văn Anh', 'different'],
    ['Nguyễn Văn An', 'Nguyễn Văn Bình', 'different'],
    ['Lê Thị Mai', 'Nguyễn Văn Hùng', 'different'],
  ])('%s vs %s → %s', (entered, registry, level) => {
    expect(compareNames(nameForms(entered), nameForms(registry))).toBe(level);
  });
});
