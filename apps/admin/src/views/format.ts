// How figures read on the page: grouped thousands, money with two places, rates as percentages.
// The CSV downloads and data-value attributes keep the unrounded values the SQL returned.

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export type FigureFormat = 'count' | 'money' | 'rate' | 'number';

export function formatFigure(value: unknown, kind: FigureFormat): string {
  if (value === null || value === undefined || value === '') return '–';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  switch (kind) {
    case 'count':
      return int.format(n);
    case 'money':
      return money.format(n);
    case 'rate':
      return pct.format(n);
    case 'number':
      return dec.format(n);
  }
}

/** The change from `before` to `now` as "+12.5%" (or "new" when there was nothing before). */
export function change(now: number, before: number): { text: string; direction: 'up' | 'down' | 'flat' } {
  if (before === 0) return now === 0 ? { text: '±0%', direction: 'flat' } : { text: 'new', direction: 'up' };
  const ratio = (now - before) / Math.abs(before);
  if (Math.abs(ratio) < 0.0005) return { text: '±0%', direction: 'flat' };
  return { text: `${ratio > 0 ? '+' : ''}${pct.format(ratio)}`, direction: ratio > 0 ? 'up' : 'down' };
}
