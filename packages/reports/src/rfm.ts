// The 5 × 5 recency × frequency grid, counted as segments count customers (21_rfm_grid_people.sql).
import type { Warehouse } from '@spoor/warehouse';
import type { SiteScope } from './params.js';
import { num, runTable, type Table } from './table.js';

export interface RfmCell {
  r_score: number;
  f_score: number;
  customers: number;
  revenue: number;
}

export function rfmGrid(wh: Warehouse, scope: SiteScope): Promise<Table<RfmCell>> {
  return runTable<RfmCell>(wh, 'rfmGrid', { site: scope.site }, [num('r_score'), num('f_score'), num('customers'), num('revenue')]);
}

/** The definition of one cell's segment: what its link opens in the segment builder. */
export function rfmCellDefinition(r: number, f: number): { name: string; description: string; where: { all: Array<Record<string, unknown>> } } {
  return {
    name: `rfm_r${r}_f${f}`,
    description: `Customers with recency score ${r} and frequency score ${f} (the RFM grid's cell).`,
    where: {
      all: [
        { field: 'r_score', eq: r },
        { field: 'f_score', eq: f },
      ],
    },
  };
}
