import express, { Router } from 'express';
import { correctionView, enqueueForApplied, submitCorrection, type CorrectionsDeps } from './corrections.service.js';
import { recordHistory } from './record-history.service.js';
import { recordAccess, streamExport } from '../audit/access-log.service.js';
import {
  localityCorrections, signOffCorrection, signOffSheet, undoSignOff, uploadSignOffSheet,
} from './sign-off.service.js';
import { signOffInstructionsRow, signOffLabels } from '../domain/corrections/sign-off-sheet.js';
import { SIGN_OFF_COLUMNS } from '../domain/corrections/worksheet.js';
import { auditAct } from '../audit/audit.service.js';
import { writeCsv } from './worksheet-files.js';
import { input, rawUpload, resourceOf } from '../http/access/input.js';
import { codeParams, correctionBody, correctionListQuery, signOffBody } from '../http/access/request-schemas.js';

/**
 * POST /api/corrections                      one correction by the signed-in commune_health officer → 201
 *                                             (200 resubmitted; `awaiting_signoff` where the police must sign)
 * POST /api/corrections/:id/sign-off          { decision: approve | refuse } by a different commune_police identity
 * POST /api/corrections/:id/sign-off/undo     the police's refusal or approval taken back while nothing came of it (audited once)
 * GET  /api/localities/:code/corrections      corrections of a locality (?status=awaiting_signoff for the police; ?status=applied&undoable=1 their approvals still undoable)
 * GET  /api/localities/:code/corrections/sign-off.csv          the police's sheet; POST …/sign-off/upload the filled one
 * GET  /api/records/:recordId/history         every result and correction, oldest first
 */
async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** The sheet's rows under their Vietnamese headers, the instructions row first (not counted as a record). */
async function* labelled(items: AsyncIterable<Record<string, string>>): AsyncGenerator<Record<string, string>> {
  const labels = signOffLabels();
  const relabel = (row: Record<string, string>) => Object.fromEntries(SIGN_OFF_COLUMNS.map((k, i) => [labels[i]!, row[k] ?? '']));
  yield relabel(signOffInstructionsRow());
  for await (const row of items) yield relabel(row);
}

export function correctionsRouter(deps: CorrectionsDeps & { maxUploadBytes: number; maxUploadRows: number }): Router {
  const r = Router();
  r.post('/api/corrections', async (req, res) => {
    const body = input(req, 'body', correctionBody);
    const record = resourceOf(req, 'record');
    const p = req.principal!;
    // The record authorize resolved, restricted to its commune: the handler acts on what was authorized.
    // The answer (and a refusal's message) shows the record's values: the read is access-logged either way.
    const logRead = () => recordAccess(deps.store, p, { kind: 'corrections', locality: record.locality, records: 1, route: 'POST /api/corrections', subject: record.id });
    let result;
    try {
      result = await submitCorrection(deps, { ...body, recordId: record.id, officer: { name: p.name, role: 'health_station', sub: p.sub } }, { source: 'api', communes: new Set([record.locality]) });
    } catch (err) {
      await logRead();
      throw err;
    }
    await logRead();
    const [correctionRound] = await enqueueForApplied(deps, [result]);
    res.status(result.created ? 201 : 200).json({ correction: correctionView(result.correction), created: result.created, correctionRound: correctionRound ?? result.correction.correctionRoundId ?? null });
  });
  r.post('/api/corrections/:id/sign-off', async (req, res) => {
    const { decision } = input(req, 'body', signOffBody);
    const correction = resourceOf(req, 'correction');
    const p = req.principal!;
    const out = await signOffCorrection(deps, correction.id, { sub: p.sub, name: p.name }, decision, new Set([correction.locality]));
    // The answer shows the correction's old and new values: a read of personal data.
    await recordAccess(deps.store, p, { kind: 'corrections', locality: correction.locality, records: 1, route: 'POST /api/corrections/:id/sign-off', subject: out.correction.recordId });
    if (out.changed) await auditAct(deps.store, p, { action: 'correction.signOff', localityCode: correction.locality, after: { correctionId: correction.id, recordId: out.correction.recordId, decision } });
    res.json({ correction: correctionView(out.correction), changed: out.changed, applied: out.applied, correctionRound: out.correctionRound });
  });
  r.post('/api/corrections/:id/sign-off/undo', async (req, res) => {
    const correction = resourceOf(req, 'correction');
    const p = req.principal!;
    const out = await undoSignOff(deps, correction.id, { sub: p.sub, name: p.name });
    if (out.undone) {
      await auditAct(deps.store, p, { action: 'correction.signOff.undo', localityCode: correction.locality, before: { decision: out.undone }, after: { correctionId: correction.id, recordId: out.correction.recordId, status: out.correction.status } });
    }
    res.json({ correction: correctionView(out.correction), undone: out.undone, changed: out.undone !== null });
  });
  r.get('/api/localities/:code/corrections', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const q = input(req, 'query', correctionListQuery);
    const items = await localityCorrections(deps.store, code, q.status, q.limit, { undoable: q.undoable === '1' });
    await recordAccess(deps.store, req.principal!, { kind: 'corrections', locality: code, records: items.length, route: 'GET /api/localities/:code/corrections' });
    res.setHeader('cache-control', 'no-store');
    res.json({ items });
  });
  r.get('/api/localities/:code/corrections/sign-off.csv', async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="sign-off-${code}.csv"`);
    res.setHeader('cache-control', 'no-store');
    const rows = await signOffSheet(deps.store, code);
    await streamExport(deps, res, req.principal!, { kind: 'export', locality: code, route: 'GET /api/localities/:code/corrections/sign-off.csv' },
      { promised: rows.length, items: asyncOf(rows) }, (items) => writeCsv(res, signOffLabels(), labelled(items)));
  });
  r.post('/api/localities/:code/corrections/sign-off/upload', express.raw({ type: () => true, limit: deps.maxUploadBytes }), async (req, res) => {
    const { code } = input(req, 'params', codeParams);
    const body = rawUpload(req, 'the filled sign-off sheet (CSV or XLSX)');
    const p = req.principal!;
    res.json(await uploadSignOffSheet(deps, code, body, { sub: p.sub, name: p.name }, { maxRows: deps.maxUploadRows }));
  });
  r.get('/api/records/:recordId/history', async (req, res) => {
    const history = await recordHistory(deps.store, resourceOf(req, 'record').id);
    await recordAccess(deps.store, req.principal!, { kind: 'history', locality: history.communeCode, records: history.events.length, route: 'GET /api/records/:recordId/history', subject: history.recordId });
    res.setHeader('cache-control', 'no-store');
    res.json(history);
  });
  return r;
}
