// Repeat-purchase retention by first-order month (22_cohorts.sql).
import type { Warehouse } from '@spoor/warehouse';
import type { DateRange } from './params.js';
import { num, runTable, str, type Table } from './table.js';

export interface CohortRow {
  cohort: string;
  customers: number;
  months_later: number;
  repeat_customers: number;
  retention: number;
}

export function cohorts(wh: Warehouse, range: DateRange): Promise<Table<CohortRow>> {
  return runTable<CohortRow>(wh, 'cohorts', { site: range.site, from: range.from, to: range.to }, [
    str('cohort'),
    num('customers'),
    num('months_later'),
    num('repeat_customers'),
    num('retention'),
  ]);
}
