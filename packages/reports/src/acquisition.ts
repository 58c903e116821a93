// Orders and revenue by source / medium / campaign, first touch beside last touch (19_acquisition.sql).
import type { Warehouse } from '@spoor/warehouse';
import type { DateRange } from './params.js';
import { num, runTable, str, type Table } from './table.js';

export interface AcquisitionRow {
  source: string;
  medium: string;
  campaign: string;
  first_touch_orders: number;
  first_touch_revenue: number;
  last_touch_orders: number;
  last_touch_revenue: number;
}

export function acquisition(wh: Warehouse, range: DateRange): Promise<Table<AcquisitionRow>> {
  return runTable<AcquisitionRow>(wh, 'acquisition', { site: range.site, from: range.from, to: range.to }, [
    str('source'),
    str('medium'),
    str('campaign'),
    num('first_touch_orders'),
    num('first_touch_revenue'),
    num('last_touch_orders'),
    num('last_touch_revenue'),
  ]);
}
