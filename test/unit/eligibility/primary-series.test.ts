import { describe, expect, it } from 'vitest';
import { DEFAULT_SERIES_RULE, primarySeries, type SeriesRule } from '../../../src/domain/eligibility/primary-series.js';

const dose = (vaccine: string | null, vaccinatedAt: string | null) => ({ vaccine, vaccinatedAt });

describe('primary series (the ministry\'s rule)', () => {
  it('one Sinopharm dose is 1 of 2; two, far enough apart, complete it', () => {
    expect(primarySeries([dose('Sinopharm (Vero Cell)', '2021-08-01')])).toMatchObject({ complete: false, counted: 1, needed: 2, problem: 'too_few_doses' });
    expect(primarySeries([dose('Sinopharm (Vero Cell)', '2021-08-01'), dose('Vero Cell', '2021-08-29')])).toEqual({ complete: true, counted: 2, needed: 2, vaccines: ['Sinopharm', 'Sinopharm'] });
  });

  it('a dose given before the minimum interval does not count', () => {
    // AstraZeneca: 28 days at least; 20 days later is too early, the third dose counts.
    const early = [dose('AstraZeneca', '2021-07-01'), dose('AstraZeneca', '2021-07-21')];
    expect(primarySeries(early)).toMatchObject({ complete: false, counted: 1, needed: 2, problem: 'interval_too_short' });
    expect(primarySeries([...early, dose('Vaxzevria', '2021-08-05')])).toMatchObject({ complete: true, counted: 2 });
  });

  it('dates as entered (dd/mm/yyyy) and doses in any order', () => {
    expect(primarySeries([dose('Comirnaty', '01/10/2021'), dose('Pfizer-BioNTech', '2021-09-01')])).toMatchObject({ complete: true, counted: 2 });
  });

  it('a mixed series counts when mixing is allowed, and needs what its most demanding product needs', () => {
    expect(primarySeries([dose('AstraZeneca', '2021-07-01'), dose('Moderna', '2021-08-15')])).toMatchObject({ complete: true, vaccines: ['AstraZeneca', 'Moderna'] });
    expect(primarySeries([dose('Abdala', '2021-07-01'), dose('Pfizer', '2021-08-15')])).toMatchObject({ complete: false, counted: 2, needed: 3 });
    const strict: SeriesRule = { ...DEFAULT_SERIES_RULE, mixed: false };
    expect(primarySeries([dose('AstraZeneca', '2021-07-01'), dose('Moderna', '2021-08-15')], strict)).toMatchObject({ complete: false, counted: 1, needed: 2, problem: 'mixed_series' });
    expect(primarySeries([dose('AstraZeneca', '2021-07-01'), dose('Moderna', '2021-08-15'), dose('AstraZeneca', '2021-09-01')], strict)).toMatchObject({ complete: true, vaccines: ['AstraZeneca', 'AstraZeneca'] });
  });

  it('a one-dose product completes alone; an unknown product or date never counts', () => {
    expect(primarySeries([dose('Janssen', '2021-11-02')])).toMatchObject({ complete: true, counted: 1, needed: 1 });
    expect(primarySeries([dose('Vắc-xin lạ', '2021-11-02')])).toMatchObject({ complete: false, counted: 0, problem: 'unknown_vaccine' });
    expect(primarySeries([dose('Moderna', 'không rõ')])).toMatchObject({ complete: false, counted: 0 });
    expect(primarySeries([])).toMatchObject({ complete: false, counted: 0, needed: 2 });
  });

  it('the table is data: a configured product and interval apply', () => {
    const rule: SeriesRule = { mixed: true, products: [{ label: 'Covivac', aliases: ['covivac'], doses: 2, minIntervalDays: 56 }] };
    expect(primarySeries([dose('COVIVAC', '2021-07-01'), dose('Covivac', '2021-08-01')], rule)).toMatchObject({ complete: false, problem: 'interval_too_short' });
    expect(primarySeries([dose('COVIVAC', '2021-07-01'), dose('Covivac', '2021-09-01')], rule)).toMatchObject({ complete: true });
  });
});
