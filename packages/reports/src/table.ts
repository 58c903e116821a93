// One query's result as a table: named, typed columns in the file's order, and its rows. The page
// draws it, the CSV download writes it, the chart reads it.
import type { Warehouse } from '@spoor/warehouse';
import { querySql, type QueryName } from './files.js';

export interface Column<T> {
  name: keyof T & string;
  kind: 'number' | 'string';
}

export interface Table<T> {
  columns: Array<Column<T>>;
  rows: T[];
}

export async function runTable<T>(wh: Warehouse, name: QueryName, params: Record<string, unknown>, columns: Array<Column<T>>): Promise<Table<T>> {
  const rows = await wh.query<T>(querySql(name, wh.database), params);
  return { columns, rows };
}

export const num = <T>(name: keyof T & string): Column<T> => ({ name, kind: 'number' });
export const str = <T>(name: keyof T & string): Column<T> => ({ name, kind: 'string' });
