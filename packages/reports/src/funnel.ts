// View product → add to cart → checkout → purchase, per person across sessions (20_funnel_people.sql).
import type { Warehouse } from '@spoor/warehouse';
import type { DateRange } from './params.js';
import { num, runTable, str, type Table } from './table.js';

export interface FunnelStep {
  step: number;
  name: string;
  people: number;
  of_first_step: number;
  drop_off: number;
}

export function funnel(wh: Warehouse, range: DateRange, productPaths: string): Promise<Table<FunnelStep>> {
  return runTable<FunnelStep>(wh, 'funnel', { site: range.site, from: range.from, to: range.to, product_paths: productPaths }, [
    num('step'),
    str('name'),
    num('people'),
    num('of_first_step'),
    num('drop_off'),
  ]);
}
