import { describe, expect, it } from 'vitest';
import { parseContactsCsv } from '../../../src/deadlines/contacts-csv.js';

describe('contacts CSV', () => {
  it('reads aliases, BOM and semicolons, and rejects bad rows by line', () => {
    const csv = '\uFEFFlocality_code;Level;role;name;webhook_url;email;note\n' +
      '00001;commune;chairperson;Chủ tịch UBND;https://hooks.example.vn/a;;x\n' +
      '\n' +
      '001;province;chairperson;Wrong level;;;\n' +
      'VN;ministry;duty-officer;Trực ban;;truc.ban@moh.gov.vn;\n' +
      '01;province;chairperson;Bad URL;ftp://x;not-an-email;\n';
    const r = parseContactsCsv(csv);
    expect(r.contacts).toEqual([
      { localityCode: '00001', level: 'commune', role: 'chairperson', name: 'Chủ tịch UBND', webhookUrl: 'https://hooks.example.vn/a', email: null, title: null, phone: null },
      { localityCode: 'VN', level: 'ministry', role: 'duty-officer', name: 'Trực ban', webhookUrl: null, email: 'truc.ban@moh.gov.vn', title: null, phone: null },
    ]);
    expect(r.rejects).toEqual([
      { line: 4, message: 'localityCode: 001 is not a province code' },
      { line: 6, message: 'webhookUrl: an http(s) URL; email: Invalid email address' },
    ]);
  });

  it('reads the Vietnamese headers, levels and roles the page asks for (issue 28)', () => {
    const csv = 'Mã địa phương,Cấp,Vai trò,Họ và tên,Chức vụ,Số điện thoại,Thư điện tử\n' +
      '271,huyện,Tổ trưởng Tổ công tác Đề án 06,Nguyễn Văn Hùng,Trưởng Công an huyện Ba Vì,0243 386 3201,\n' +
      '271,Huyện,Chủ tịch UBND,Đỗ Mạnh Hưng,Chủ tịch UBND huyện Ba Vì,+84 912 000 271,ubnd@bavi.hanoi.gov.vn\n';
    const r = parseContactsCsv(csv);
    expect(r.rejects).toEqual([]);
    expect(r.contacts.map((c) => [c.level, c.role, c.name, c.title, c.phone])).toEqual([
      ['district', 'working-group-head', 'Nguyễn Văn Hùng', 'Trưởng Công an huyện Ba Vì', '0243 386 3201'],
      ['district', 'chairperson', 'Đỗ Mạnh Hưng', 'Chủ tịch UBND huyện Ba Vì', '+84 912 000 271'],
    ]);
  });
});
