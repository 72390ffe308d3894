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
      { localityCode: '00001', level: 'commune', role: 'chairperson', name: 'Chủ tịch UBND', webhookUrl: 'https://hooks.example.vn/a', email: null },
      { localityCode: 'VN', level: 'ministry', role: 'duty-officer', name: 'Trực ban', webhookUrl: null, email: 'truc.ban@moh.gov.vn' },
    ]);
    expect(r.rejects).toEqual([
      { line: 4, message: 'localityCode: 001 is not a province code' },
      { line: 6, message: 'webhookUrl: an http(s) URL; email: Invalid email address' },
    ]);
  });
});
