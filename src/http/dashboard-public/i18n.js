// Vietnamese first; English when ?lang=en or the switch was used (remembered in localStorage).
const VI = {
  brand: 'Xác minh dữ liệu tiêm chủng Covid-19', loading: 'Đang tải…', switchLang: 'English', logout: 'Đăng xuất',
  nation: 'Toàn quốc', province: 'Tỉnh/thành phố', district: 'Quận/huyện', commune: 'Xã/phường',
  provinces: 'Tỉnh/thành phố', districts: 'Quận/huyện', communes: 'Xã/phường',
  updated: 'Cập nhật', computed: 'số liệu tổng hợp lúc', error: 'Lỗi', notFound: 'Không tìm thấy',
  noRollup: 'Chưa có số liệu tổng hợp. Tiến trình tổng hợp chạy định kỳ; vui lòng chờ.',
  records: 'Bản ghi', total: 'Tổng số', processed: 'Đã đối chiếu',
  verified: 'Đã xác minh', corrected: 'Cần sửa', review: 'Cần xem xét', not_found: 'Không tìm thấy', invalid: 'Không hợp lệ', exempt: 'Miễn (người nước ngoài)', explained: 'Đã giải trình',
  pctVerified: '% xác minh', rounds: 'Đợt đối chiếu',
  scheduled: 'Đã lên lịch', verifying: 'Đang đối chiếu', awaiting_corrections: 'Chờ sửa', correction_round: 'Đang đối chiếu lại', completed: 'Hoàn thành', overdue: 'Quá hạn', cancelled: 'Đã huỷ', failed: 'Lỗi',
  on_time: 'Đúng tiến độ', at_risk: 'Có nguy cơ trễ', health: 'Tình trạng',
  corrections: 'Đính chính', applied: 'Đã áp dụng', signedOff: 'Công an đã xác nhận', backlog: 'Chưa nhập liệu', gap: 'Còn thiếu',
  deadline: 'Hạn chót', timeLeft: 'Thời gian còn lại', national: 'Hạn chót toàn quốc', daysLeft: (n) => `còn ${n} ngày`, hoursLeft: (n) => `còn ${n} giờ`, lateBy: (n) => `quá hạn ${n} ngày`,
  escalation: 'Mức báo cáo vượt cấp', escalated: 'Đã báo cáo vượt cấp', none: 'Không', ministry: 'Bộ Y tế',
  contacts: 'Người chịu trách nhiệm', noContacts: 'Chưa có người phụ trách',
  filter: 'Lọc', all: 'Tất cả', onlyOverdue: 'Chỉ quá hạn', onlyAtRisk: 'Chỉ có nguy cơ trễ', onlyEscalated: 'Chỉ đã báo cáo vượt cấp',
  name: 'Tên', noRows: 'Không có đơn vị nào phù hợp.',
  chartProgress: 'Tiến độ tới hạn chót toàn quốc', chartMix: 'Kết quả đối chiếu theo đơn vị', chartRank: 'Xếp hạng theo % đã xác minh',
  perDay: 'Bản ghi xác minh mỗi ngày', cumulative: 'Luỹ kế đã xử lý', projection: 'Dự kiến (tốc độ hiện tại)',
  projected: (d) => `Dự kiến hoàn thành: ${d}`, projectedNever: 'Chưa thể dự kiến ngày hoàn thành (chưa có tiến độ).', late: 'muộn hơn hạn chót toàn quốc', rate: (n) => `${n} bản ghi/ngày`,
  worklist: 'Danh sách cần xử lý', openWorklist: 'Mở danh sách cần xử lý của xã', outcome: 'Kết quả', anyOutcome: 'Mọi kết quả',
  recordId: 'Mã bản ghi', fullName: 'Họ và tên', dateOfBirth: 'Ngày sinh', gender: 'Giới tính', idNumber: 'Số định danh', suggestion: 'Gợi ý từ CSDL dân cư', history: 'Lịch sử',
  next: 'Trang sau', first: 'Trang đầu', download: 'Tải bảng kê', downloadCsv: 'Tải CSV', downloadXlsx: 'Tải Excel (XLSX)',
  upload: 'Nộp bảng kê đã điền', uploadBtn: 'Nộp', officerName: 'Họ tên cán bộ', officerRole: 'Vai trò', file: 'Tệp (CSV hoặc XLSX)',
  health_station: 'Trạm y tế', village_team: 'Tổ tiêm chủng thôn', commune_police: 'Công an xã', coordinator: 'Điều phối viên',
  uploadResult: 'Kết quả nộp bảng kê', rows: 'Số dòng', skipped: 'Bỏ qua', rejectedDecisions: 'Từ chối gợi ý', duplicates: 'Đã nộp trước đó', rejectedRows: 'Dòng bị từ chối',
  row: 'Dòng', field: 'Trường', reason: 'Lý do', correctionRounds: 'Đợt đối chiếu lại',
  awaitingSignOff: 'Chờ công an xã xác nhận', awaiting_signoff: 'Chờ xác nhận', refused: 'Bị từ chối', superseded: 'Đã thay thế', refuse: 'Từ chối', downloadSignOff: 'Tải bảng xác nhận (CSV)',
  signOff: 'Xác nhận của công an xã', signOffHint: 'Các đính chính chờ công an xã xác nhận.', signOffBtn: 'Xác nhận', signedOk: 'Đã xác nhận', nothingToSign: 'Không có đính chính nào chờ xác nhận.',
  keys: 'Phím tắt: j/k hoặc ↓/↑ chọn dòng · Enter xem lịch sử · n trang sau · / lọc', back: 'Quay lại',
  result: 'Kết quả đối chiếu', correction: 'Đính chính', version: 'Phiên bản', by: 'Người thực hiện', at: 'Thời điểm', decision: 'Quyết định', changes: 'Thay đổi', status: 'Trạng thái',
  confirm: 'Xác nhận', reject: 'Từ chối', explain: 'Giải trình', pending: 'Đang chờ',
  forbidden: 'Bạn không có quyền xem trang này.', signIn: 'Đăng nhập',
};
const EN = {
  brand: 'Covid-19 dose record verification', loading: 'Loading…', switchLang: 'Tiếng Việt', logout: 'Sign out',
  nation: 'Nationwide', province: 'Province', district: 'District', commune: 'Commune',
  provinces: 'Provinces', districts: 'Districts', communes: 'Communes',
  updated: 'Updated', computed: 'figures computed at', error: 'Error', notFound: 'Not found',
  noRollup: 'No figures yet. The rollup runs periodically; please wait.',
  records: 'Records', total: 'Total', processed: 'Checked',
  verified: 'Verified', corrected: 'Corrected', review: 'Review', not_found: 'Not found', invalid: 'Invalid', exempt: 'Exempt (foreigners)', explained: 'Explained',
  pctVerified: '% verified', rounds: 'Rounds',
  scheduled: 'Scheduled', verifying: 'Verifying', awaiting_corrections: 'Awaiting corrections', correction_round: 'Re-verifying', completed: 'Completed', overdue: 'Overdue', cancelled: 'Cancelled', failed: 'Failed',
  on_time: 'On time', at_risk: 'At risk', health: 'Health',
  corrections: 'Corrections', applied: 'Applied', signedOff: 'Signed off by police', backlog: 'Never entered', gap: 'Gap',
  deadline: 'Deadline', timeLeft: 'Time left', national: 'National deadline', daysLeft: (n) => `${n} days left`, hoursLeft: (n) => `${n} hours left`, lateBy: (n) => `${n} days late`,
  escalation: 'Escalation level', escalated: 'Escalated', none: 'None', ministry: 'Ministry of Health',
  contacts: 'Who answers', noContacts: 'No contacts yet',
  filter: 'Filter', all: 'All', onlyOverdue: 'Only overdue', onlyAtRisk: 'Only at risk', onlyEscalated: 'Only escalated',
  name: 'Name', noRows: 'No unit matches.',
  chartProgress: 'Progress toward the national deadline', chartMix: 'Outcome mix per unit', chartRank: 'Ranked by % verified',
  perDay: 'Records verified per day', cumulative: 'Cumulative resolved', projection: 'Projected (current rate)',
  projected: (d) => `Projected finish: ${d}`, projectedNever: 'No projected finish yet (no progress).', late: 'after the national deadline', rate: (n) => `${n} records/day`,
  worklist: 'Worklist', openWorklist: "Open the commune's worklist", outcome: 'Outcome', anyOutcome: 'Any outcome',
  recordId: 'Record', fullName: 'Full name', dateOfBirth: 'Date of birth', gender: 'Sex', idNumber: 'ID number', suggestion: 'Registry suggestion', history: 'History',
  next: 'Next page', first: 'First page', download: 'Download worksheet', downloadCsv: 'Download CSV', downloadXlsx: 'Download Excel (XLSX)',
  upload: 'Upload the filled worksheet', uploadBtn: 'Upload', officerName: 'Officer name', officerRole: 'Role', file: 'File (CSV or XLSX)',
  health_station: 'Health station', village_team: 'Village team', commune_police: 'Commune police', coordinator: 'Coordinator',
  uploadResult: 'Upload result', rows: 'Rows', skipped: 'Skipped', rejectedDecisions: 'Suggestions rejected', duplicates: 'Already uploaded', rejectedRows: 'Rejected rows',
  row: 'Row', field: 'Field', reason: 'Reason', correctionRounds: 'Correction rounds',
  awaitingSignOff: 'Awaiting police sign-off', awaiting_signoff: 'Awaiting sign-off', refused: 'Refused', superseded: 'Superseded', refuse: 'Refuse', downloadSignOff: 'Download the sign-off sheet (CSV)',
  signOff: 'Commune police sign-off', signOffHint: 'Corrections waiting for the commune police.', signOffBtn: 'Sign off', signedOk: 'Signed off', nothingToSign: 'Nothing waits for a sign-off.',
  keys: 'Keys: j/k or ↓/↑ select · Enter history · n next page · / filter', back: 'Back',
  result: 'Verification result', correction: 'Correction', version: 'Version', by: 'By', at: 'At', decision: 'Decision', changes: 'Changes', status: 'Status',
  confirm: 'Confirm', reject: 'Reject', explain: 'Explain', pending: 'Pending',
  forbidden: 'You may not see this page.', signIn: 'Sign in',
};

const params = new URLSearchParams(location.search);
if (params.get('lang') === 'en' || params.get('lang') === 'vi') localStorage.setItem('vv-lang', params.get('lang'));
export const lang = localStorage.getItem('vv-lang') === 'en' ? 'en' : 'vi';
const dict = lang === 'en' ? EN : VI;
document.documentElement.lang = lang;

/** A label; functions take arguments (plural forms, dates). Unknown keys show as themselves. */
export function t(key, ...args) {
  const v = dict[key];
  if (typeof v === 'function') return v(...args);
  return v ?? key;
}

export function setLang(next) { localStorage.setItem('vv-lang', next); const u = new URL(location.href); u.searchParams.delete('lang'); location.href = u.toString(); }

const LOCALE = lang === 'en' ? 'en-GB' : 'vi-VN';
const TZ = 'Asia/Ho_Chi_Minh';
const dateFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const numFmt = new Intl.NumberFormat(LOCALE);
const pctFmt = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });

/** dd/mm/yyyy in Vietnam's time zone. */
export const fmtDate = (d) => (d ? dateFmt.format(new Date(d)) : '—');
export const fmtTime = (d) => (d ? timeFmt.format(new Date(d)) : '—');
/** A `YYYY-MM-DD` calendar day as dd/mm/yyyy. */
export const fmtDay = (day) => (day ? `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}` : '—');
export const fmtNum = (n) => numFmt.format(n ?? 0);
export const fmtPct = (part, whole) => (whole > 0 ? pctFmt.format(part / whole) : '—');

/** "còn 3 ngày" / "quá hạn 2 ngày" from a deadline. */
export function fmtLeft(deadline, now = Date.now()) {
  if (!deadline) return '—';
  const ms = new Date(deadline).getTime() - now;
  if (ms < 0) return t('lateBy', Math.ceil(-ms / 86_400_000));
  if (ms < 86_400_000) return t('hoursLeft', Math.max(1, Math.floor(ms / 3_600_000)));
  return t('daysLeft', Math.floor(ms / 86_400_000));
}

/** Apply `data-i18n` labels in static markup. */
export function translateStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}
