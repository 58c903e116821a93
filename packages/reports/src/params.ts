// The workspace's parameters, validated before any query runs: a date range, a site, search text,
// a customer id. Every refusal is a ReportError naming the field, with a sentence a marketer reads.
import { z } from 'zod';
import { siteIdSchema, userIdSchema } from '@spoor/events';
import { ReportError } from './errors.js';

export interface SiteScope {
  /** A site id, or '' for every site. */
  site: string;
}

export interface DateRange extends SiteScope {
  /** UTC days, YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

const DAY = 86_400_000;
/** The default range: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
/** Longer ranges are refused: two years of days is already more than a chart shows. */
export const MAX_RANGE_DAYS = 731;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The site of a request: absent or empty is every site. */
export function parseSite(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  const r = siteIdSchema.safeParse(raw);
  if (!r.success) throw new ReportError('invalid_param', `site ${r.error.issues[0]!.message}`, 'site');
  return raw;
}

function parseDay(raw: string, field: 'from' | 'to'): number {
  const ms = ISO_DAY.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN;
  // Date.parse rolls 2025-02-30 over to March; a day that does not print back is not a day.
  if (Number.isNaN(ms) || isoDay(ms) !== raw)
    throw new ReportError('invalid_param', `${field} must be a date such as 2025-01-31, not ${JSON.stringify(raw)}`, field);
  return ms;
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `from`/`to` (defaults: the last 30 days up to today, UTC) and the site. */
export function parseRange(input: { site?: string | undefined; from?: string | undefined; to?: string | undefined }, now: number): DateRange {
  const site = parseSite(input.site);
  const to = input.to ? parseDay(input.to, 'to') : Date.parse(`${isoDay(now)}T00:00:00Z`);
  const from = input.from ? parseDay(input.from, 'from') : to - (DEFAULT_RANGE_DAYS - 1) * DAY;
  if (from > to) throw new ReportError('invalid_param', `from (${isoDay(from)}) must not be after to (${isoDay(to)})`, 'from');
  if ((to - from) / DAY + 1 > MAX_RANGE_DAYS) throw new ReportError('invalid_param', `a range is at most ${MAX_RANGE_DAYS} days`, 'from');
  return { site, from: isoDay(from), to: isoDay(to) };
}

/** The period of the same length that ends the day before `range.from`. */
export function previousPeriod(range: DateRange): DateRange {
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const days = rangeDays(range);
  return { site: range.site, from: isoDay(from - days * DAY), to: isoDay(from - DAY) };
}

export function rangeDays(range: DateRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / DAY) + 1;
}

/** Customer search text: a value to compare, trimmed, never SQL. */
export function parseSearch(raw: string | undefined): string {
  const q = (raw ?? '').trim();
  if (q === '') throw new ReportError('invalid_param', 'type a customer id, an e-mail address or a visitor id', 'q');
  const r = userIdSchema.safeParse(q);
  if (!r.success) throw new ReportError('invalid_param', `the search text ${r.error.issues[0]!.message} and is at most 256 characters`, 'q');
  return q;
}

/** A customer id (a user id, or an anonymous visitor id). */
export function parseCustomerId(raw: string | undefined): string {
  const r = userIdSchema.safeParse(raw ?? '');
  if (!r.success) throw new ReportError('invalid_param', `a customer id ${r.error.issues[0]!.message}`, 'customer');
  return raw!;
}

const productPathsSchema = z
  .array(z.string().regex(/^\/[^\s,]{0,99}$/, 'each product page prefix starts with / and has no spaces'))
  .min(1, 'name at least one product page prefix, such as /p/')
  .max(10, 'at most 10 product page prefixes');

/** The funnel's product page prefixes, comma-separated. @defaultValue `/p/,/product` */
export const DEFAULT_PRODUCT_PATHS = '/p/,/product';

export function parseProductPaths(raw: string | undefined): string {
  const text = raw === undefined || raw.trim() === '' ? DEFAULT_PRODUCT_PATHS : raw;
  const list = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const r = productPathsSchema.safeParse(list);
  if (!r.success) throw new ReportError('invalid_param', r.error.issues[0]!.message, 'product_paths');
  return list.join(',');
}
