import express, { Router, type Response } from 'express';
import type { CorrectionsDeps } from './corrections.service.js';
import { recordAccess, streamExport } from '../audit/access-log.service.js';
import { changeSignOffSetting, signOffSetting } from './correction-settings.service.js';
import { countWorklist, iterateWorklist, listWorklist, uploadWorksheet } from './worklists.service.js';
import { XLSX_TYPE, writeWorksheetCsv, writeWorksheetXlsx } from './worksheet-files.js';
import { NotFoundError } from '../lib/errors/index.js';
import { input, rawUpload } from '../http/access/input.js';
import { codeParams, settingsBody, worklistExportQuery, worklistQuery } from '../http/access/request-schemas.js';
import { localityExists } from '../db/repositories/localities.repository.js';

/** Worksheets are personal data of the locality's own residents: never cached by proxies. */
function attachment(res: Response, type: string, name: string) {
  res.setHeader('content-type', type);
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.setHeader('cache-control', 'no-store');
}

/**
 * GET  /api/localities/:code/worklist?outcome=&after=&limit=   records needing action (keyset on recordId)
 * GET  /api/localities/:code/worklist.csv | .xlsx?outcome=     the officer's worksheet
 * POST /api/localities/:code/corrections/upload                the filled worksheet, raw body (CSV or XLSX)
 * PUT  /api/localities/:code/correction-settings               { signOffRequired }
 */
export function worklistsRouter(deps: CorrectionsDeps & { maxUploadBytes: number; maxUploadRows: number }): Router {
  const r = Router();
  r.get('/api/localities/:code/worklist', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', worklistQuery);
    // The first page says how many there are in all and per outcome, by the list's own filter: the
    // officer's headline and the line under it count what the list holds (issue 28).
    const page = await listWorklist(deps.store, code, q, { withCounts: !q.after });
    await recordAccess(deps.store, req.principal!, { kind: 'worklist', locality: code, records: page.items.length, route: 'GET /api/localities/:code/worklist' });
    res.setHeader('cache-control', 'no-store');
    res.json(page);
  });
  r.get('/api/localities/:code/worklist.csv', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', worklistExportQuery);
    const promised = await countWorklist(deps.store, code, q);
    attachment(res, 'text/csv; charset=utf-8', `worklist-${code}.csv`);
    await streamExport(deps, res, req.principal!, { kind: 'export', locality: code, route: 'GET /api/localities/:code/worklist.csv' },
      { promised, items: iterateWorklist(deps.store, code, q) }, (items) => writeWorksheetCsv(res, items));
  });
  r.get('/api/localities/:code/worklist.xlsx', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', worklistExportQuery);
    const promised = await countWorklist(deps.store, code, q);
    attachment(res, XLSX_TYPE, `worklist-${code}.xlsx`);
    await streamExport(deps, res, req.principal!, { kind: 'export', locality: code, route: 'GET /api/localities/:code/worklist.xlsx' },
      { promised, items: iterateWorklist(deps.store, code, q) }, (items) => writeWorksheetXlsx(res, items, { commune: code }));
  });
  // The submitting officer is the signed-in commune_health identity; the sheet's officer columns are ignored.
  r.post('/api/localities/:code/corrections/upload', express.raw({ type: () => true, limit: deps.maxUploadBytes }), async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const body = rawUpload(req, 'the filled worksheet (CSV or XLSX)');
    const p = req.principal!;
    res.json(await uploadWorksheet(deps, code, body, { name: p.name, sub: p.sub }, { maxRows: deps.maxUploadRows }));
  });
  r.get('/api/localities/:code/correction-settings', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    res.json(await signOffSetting(deps, code));
  });
  r.put('/api/localities/:code/correction-settings', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const body = input(req, 'body', settingsBody);
    if (!(await localityExists(deps.store, code))) throw new NotFoundError(`no locality ${code}`);
    res.json(await changeSignOffSetting(deps, code, body.signOffRequired, req.principal!));
  });
  return r;
}
