/**
 * The ministry's rule for a vaccine passport (issue 28, item 10): a completed primary series.
 * Each product needs a number of doses, each dose given at least a minimum interval after the
 * previous one that counts; a mixed series (AstraZeneca then Pfizer, as Viet Nam allowed) counts
 * when mixing is allowed, and needs as many doses as the most demanding of its products. A dose
 * given too early does not count (WHO: it is repeated). Pure: no I/O, the table is data.
 */

export interface SeriesProduct {
  /** How the product is shown (the answer's `vaccines`). */
  label: string;
  /** Lower-case fragments of the names sites typed for it ("vero cell", "comirnaty"). */
  aliases: string[];
  /** Doses of its primary series. */
  doses: number;
  /** Days from one dose of it to the next dose that counts. */
  minIntervalDays: number;
}

export interface SeriesRule {
  products: SeriesProduct[];
  /** A series may mix products (heterologous primary series). */
  mixed: boolean;
}

/** The Ministry of Health's table for the products used in Viet Nam (WHO EUL schedules, minimum intervals). */
export const DEFAULT_SERIES_RULE: SeriesRule = {
  mixed: true,
  products: [
    { label: 'AstraZeneca', aliases: ['astrazeneca', 'vaxzevria', 'covishield', 'chadox1'], doses: 2, minIntervalDays: 28 },
    { label: 'Pfizer-BioNTech', aliases: ['pfizer', 'comirnaty', 'biontech'], doses: 2, minIntervalDays: 21 },
    { label: 'Moderna', aliases: ['moderna', 'spikevax'], doses: 2, minIntervalDays: 28 },
    { label: 'Sinopharm', aliases: ['sinopharm', 'vero cell', 'bbibp'], doses: 2, minIntervalDays: 21 },
    { label: 'Sputnik V', aliases: ['sputnik', 'gam-covid-vac'], doses: 2, minIntervalDays: 21 },
    { label: 'Hayat-Vax', aliases: ['hayat'], doses: 2, minIntervalDays: 21 },
    { label: 'Covaxin', aliases: ['covaxin'], doses: 2, minIntervalDays: 28 },
    { label: 'Abdala', aliases: ['abdala'], doses: 3, minIntervalDays: 14 },
    { label: 'Janssen', aliases: ['janssen', 'johnson'], doses: 1, minIntervalDays: 0 },
  ],
};

export interface SeriesDose { vaccine: string | null; vaccinatedAt: string | null }

export interface SeriesAnswer {
  complete: boolean;
  /** Doses that count towards the series. */
  counted: number;
  /** Doses the series needs (the most demanding product among those counted; 2 when none is known). */
  needed: number;
  /** The products counted, in dose order. */
  vaccines: string[];
  /** What keeps it from counting, when incomplete. */
  problem?: 'too_few_doses' | 'interval_too_short' | 'unknown_vaccine' | 'mixed_series';
}

const DAY = 86_400_000;

export function productOf(rule: SeriesRule, vaccine: string | null): SeriesProduct | null {
  const name = (vaccine ?? '').toLowerCase();
  if (!name) return null;
  return rule.products.find((p) => p.aliases.some((a) => name.includes(a))) ?? null;
}

/** `2021-09-01` (or `01/09/2021`) → epoch ms, else null. */
function dayOf(raw: string | null): number | null {
  const s = (raw ?? '').trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  const vn = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : [];
  if (!y) return null;
  const t = Date.UTC(Number(y), Number(m) - 1, Number(d));
  return Number.isNaN(t) ? null : t;
}

/** One run over the doses in date order, counting those given late enough after the last counted one. */
function countSeries(doses: { product: SeriesProduct; at: number }[]): { counted: { product: SeriesProduct; at: number }[]; early: boolean } {
  const counted: { product: SeriesProduct; at: number }[] = [];
  let early = false;
  for (const d of doses) {
    const prev = counted[counted.length - 1];
    if (prev && d.at - prev.at < prev.product.minIntervalDays * DAY) { early = true; continue; }
    counted.push(d);
  }
  return { counted, early };
}

/** Does this person's doses (all verified, none pending: the caller checks) complete a primary series? */
export function primarySeries(doses: readonly SeriesDose[], rule: SeriesRule = DEFAULT_SERIES_RULE): SeriesAnswer {
  const known = doses
    .map((d) => ({ product: productOf(rule, d.vaccine), at: dayOf(d.vaccinatedAt) }))
    .filter((d): d is { product: SeriesProduct; at: number } => d.product !== null && d.at !== null)
    .sort((a, b) => a.at - b.at);
  const unknown = known.length < doses.length;
  // Without mixing, each product's doses are a series of their own; the best one answers.
  const runs = rule.mixed ? [known] : [...new Set(known.map((d) => d.product))].map((p) => known.filter((d) => d.product === p));
  let best: SeriesAnswer | null = null;
  for (const run of runs) {
    const { counted, early } = countSeries(run);
    // No dose counts: a series is at least two doses for every product but one.
    const needed = counted.length ? Math.max(...counted.map((d) => d.product.doses)) : 2;
    const answer: SeriesAnswer = { complete: counted.length > 0 && counted.length >= needed, counted: counted.length, needed, vaccines: counted.map((d) => d.product.label) };
    if (!answer.complete) answer.problem = early ? 'interval_too_short' : 'too_few_doses';
    if (!best || (answer.complete && !best.complete) || (answer.complete === best.complete && answer.counted / answer.needed > best.counted / best.needed)) best = answer;
  }
  if (best?.complete) return best;
  const base = best ?? { complete: false, counted: 0, needed: 2, vaccines: [] };
  if (base.counted === 0 && unknown) return { ...base, problem: 'unknown_vaccine' };
  if (!rule.mixed && new Set(known.map((d) => d.product)).size > 1 && base.problem === 'too_few_doses') return { ...base, problem: 'mixed_series' };
  return base;
}
