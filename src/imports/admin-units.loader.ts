import { buildHierarchy, parseAdminUnitRow, type AdminHierarchy, type AdminUnitRow } from '../domain/admin-units/index.js';
import { readRecords } from '../lib/io/index.js';
import { dataFile } from '../lib/paths.js';

/** The administrative unit list shipped with the project (see data/README.md). */
export const DEFAULT_ADMIN_UNITS_FILE = dataFile('vn-admin-units-2022-04.csv');

export interface RowProblem {
  line: number;
  field?: string;
  reason: string;
}

/** Read and validate the unit list (~11k rows, held in memory) and resolve the hierarchy. */
export async function loadAdminUnits(file = DEFAULT_ADMIN_UNITS_FILE): Promise<AdminHierarchy & { rejects: RowProblem[] }> {
  const rows: AdminUnitRow[] = [];
  const rejects: RowProblem[] = [];
  for await (const r of readRecords(file)) {
    if (r.error) {
      rejects.push({ line: r.line, ...r.error });
      continue;
    }
    const parsed = parseAdminUnitRow(r.record!);
    if (parsed.ok) rows.push(parsed.unit);
    else rejects.push({ line: r.line, field: parsed.field, reason: parsed.reason });
  }
  return { ...buildHierarchy(rows), rejects };
}
