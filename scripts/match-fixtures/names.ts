/** Small fictional name pools for the built-in fixture generator (frequencies roughly Vietnamese). */

/** Family names with a weight (Nguyễn is about 38% of the population). */
export const FAMILY: [string, number][] = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 5], ['Huỳnh', 5], ['Phan', 4.5],
  ['Vũ', 3.9], ['Võ', 3.9], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3],
  ['Dương', 1], ['Lý', 0.5], ['Đinh', 0.5], ['Trương', 0.5], ['Đoàn', 0.4], ['Lương', 0.3],
];

export const MIDDLE_MALE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Công', 'Xuân', 'Ngọc', 'Quang', 'Đình', 'Tuấn'];
export const MIDDLE_FEMALE = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Hồng', 'Mỹ', 'Bích', 'Phương', 'Diệu', 'Thuỳ', 'Hoài'];

/** Given names, several of them spelled two ways (old/new tone placement): Hoà/Hòa, Thuý/Thúy… */
export const GIVEN_MALE = [
  'An', 'Anh', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Đức', 'Giang', 'Hải', 'Hiếu', 'Hoà', 'Hoàng', 'Hùng',
  'Huy', 'Khải', 'Khoa', 'Khánh', 'Lâm', 'Long', 'Lộc', 'Minh', 'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân',
  'Quý', 'Quyết', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Thịnh', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt', 'Vinh',
  'Thuỵ', 'Khoẻ', 'Tư', 'Hưng', 'Luân', 'Nhân', 'Quang', 'Thái', 'Tiến', 'Trí',
];
export const GIVEN_FEMALE = [
  'An', 'Anh', 'Châu', 'Chi', 'Diệp', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hiền', 'Hoa', 'Hoà', 'Hồng',
  'Huệ', 'Hương', 'Huyền', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung',
  'Oanh', 'Phương', 'Quỳnh', 'Tâm', 'Thảo', 'Thuý', 'Thuỷ', 'Trang', 'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Yến',
  'Xoan', 'Loà', 'Duyên', 'Khuê', 'Nhi', 'Thoa', 'Trâm', 'Vy', 'Xuân', 'Diễm',
];

export const FOREIGN_NAMES = ['John Smith', 'Kim Min Jun', 'Tanaka Hiroshi', 'Maria Garcia', 'Li Wei', 'Anna Müller', 'Somchai Dee'];
export const FOREIGN_NATIONALITIES = ['USA', 'KOR', 'JPN', 'ESP', 'CHN', 'DEU', 'THA', 'Hàn Quốc'];

/** Provinces used for ID prefixes and communes (GSO codes). */
export const PROVINCES = [1, 79, 31, 48, 92, 24, 26, 36, 38, 40, 56, 66, 75, 89, 96];

/** Move the tone of `oa`, `oe`, `uy` between the two vowels: the other school's spelling. */
export function otherTonePlacement(name: string): string {
  const swaps: [string, string][] = [
    ['oà', 'òa'], ['oá', 'óa'], ['oả', 'ỏa'], ['oã', 'õa'], ['oạ', 'ọa'],
    ['oè', 'òe'], ['oé', 'óe'], ['oẻ', 'ỏe'], ['uý', 'úy'], ['uỳ', 'ùy'], ['uỷ', 'ủy'], ['uỵ', 'ụy'],
  ];
  let out = name;
  for (const [a, b] of swaps) {
    if (out.includes(a)) out = out.replaceAll(a, b);
    else if (out.includes(b)) out = out.replaceAll(b, a);
  }
  return out;
}
