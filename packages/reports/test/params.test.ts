// The workspace's parameters: what is accepted, the defaults, and the sentence a refusal says.
import { describe, expect, it } from 'vitest';
import { parseCustomerId, parseProductPaths, parseRange, parseSearch, parseSite, previousPeriod, querySql, rangeDays, ReportError } from '../src/index.js';

const NOW = Date.parse('2025-03-15T10:00:00Z');

function refusal(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ReportError);
    return { field: (err as ReportError).field, message: (err as Error).message };
  }
  throw new Error('accepted');
}

describe('date ranges', () => {
  it('defaults to the last 30 days, today included, and every site', () => {
    const r = parseRange({}, NOW);
    expect(r).toEqual({ site: '', from: '2025-02-14', to: '2025-03-15' });
    expect(rangeDays(r)).toBe(30);
  });

  it('takes a range and a site, and knows the period before it', () => {
    const r = parseRange({ site: 'shop-1', from: '2025-01-01', to: '2025-01-31' }, NOW);
    expect(previousPeriod(r)).toEqual({ site: 'shop-1', from: '2024-12-01', to: '2024-12-31' });
    expect(previousPeriod(parseRange({ from: '2024-03-01', to: '2024-03-01' }, NOW))).toMatchObject({ from: '2024-02-29', to: '2024-02-29' });
  });

  it.each([
    [{ from: '2025-02-30' }, 'from', 'from must be a date such as 2025-01-31, not "2025-02-30"'],
    [{ to: '31/01/2025' }, 'to', 'to must be a date'],
    [{ from: "2025-01-01' OR 1=1" }, 'from', 'from must be a date'],
    [{ from: '2025-02-01', to: '2025-01-01' }, 'from', 'from (2025-02-01) must not be after to (2025-01-01)'],
    [{ from: '2020-01-01', to: '2025-01-01' }, 'from', 'a range is at most 731 days'],
    [{ site: 'Shop 1' }, 'site', 'site must be 1-64 of a-z'],
  ])('refuses %j, naming %s', (input, field, message) => {
    const r = refusal(() => parseRange(input, NOW));
    expect(r.field).toBe(field);
    expect(r.message).toContain(message);
  });
});

describe('other parameters', () => {
  it('site: empty is every site', () => {
    expect(parseSite(undefined)).toBe('');
    expect(parseSite('')).toBe('');
    expect(parseSite('demo')).toBe('demo');
  });

  it('search text is trimmed and bounded, never empty', () => {
    expect(parseSearch("  ' OR 1=1 --  ")).toBe("' OR 1=1 --");
    expect(refusal(() => parseSearch('   ')).field).toBe('q');
    expect(refusal(() => parseSearch('x'.repeat(300))).message).toContain('at most 256');
    expect(refusal(() => parseSearch('a\u0000b')).field).toBe('q');
  });

  it('customer ids as the wire format allows user ids', () => {
    expect(parseCustomerId('ada@example.com')).toBe('ada@example.com');
    expect(refusal(() => parseCustomerId('')).field).toBe('customer');
  });

  it('product page prefixes: a default, and each one a path', () => {
    expect(parseProductPaths(undefined)).toBe('/p/,/product');
    expect(parseProductPaths(' /shop/item/ , /p/ ')).toBe('/shop/item/,/p/');
    expect(refusal(() => parseProductPaths('p/')).field).toBe('product_paths');
    expect(refusal(() => parseProductPaths(Array.from({ length: 11 }, (_, i) => `/p${i}/`).join(','))).message).toContain('at most 10');
  });
});

describe('query files', () => {
  it('runs the files as written, on another database by its qualifier only', () => {
    const sql = querySql('overviewTotals', 'spoor');
    expect(sql).toMatch(/^-- .+\?/);
    expect(sql).toContain('FROM spoor.stats_by_day');
    const other = querySql('overviewTotals', 'shop_analytics');
    expect(other).toContain('FROM shop_analytics.stats_by_day');
    expect(other).not.toMatch(/\bspoor\./);
    expect(() => querySql('overviewTotals', 'x; DROP')).toThrow(/plain identifier/);
  });
});
