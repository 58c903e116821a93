// The overview: per-day figures of a range and its totals beside the previous period's
// (17_overview_daily.sql, 18_overview_totals.sql).
import type { Warehouse } from '@spoor/warehouse';
import type { DateRange } from './params.js';
import { num, runTable, str, type Table } from './table.js';

export interface DayRow {
  day: string;
  visitors: number;
  sessions: number;
  orders: number;
  revenue: number;
  conversion_rate: number;
  avg_order_value: number;
}

export interface PeriodRow extends Omit<DayRow, 'day'> {
  period: 'current' | 'previous';
  period_from: string;
  period_to: string;
}

export const FIGURES = ['visitors', 'sessions', 'orders', 'revenue', 'conversion_rate', 'avg_order_value'] as const;
export type Figure = (typeof FIGURES)[number];

export interface Overview {
  days: Table<DayRow>;
  totals: Table<PeriodRow>;
  current: PeriodRow;
  previous: PeriodRow;
}

export async function overview(wh: Warehouse, range: DateRange): Promise<Overview> {
  const params = { site: range.site, from: range.from, to: range.to };
  const [days, totals] = await Promise.all([
    runTable<DayRow>(wh, 'overviewDaily', params, [str('day'), ...FIGURES.map((f) => num<DayRow>(f))]),
    runTable<PeriodRow>(wh, 'overviewTotals', params, [str('period'), str('period_from'), str('period_to'), ...FIGURES.map((f) => num<PeriodRow>(f))]),
  ]);
  const pick = (p: PeriodRow['period']) => totals.rows.find((r) => r.period === p)!;
  return { days, totals, current: pick('current'), previous: pick('previous') };
}
