// A segment's size at each delivered webhook run, from segment_runs (27_segment_history.sql).
import type { Warehouse } from '@spoor/warehouse';
import { num, runTable, str, type Table } from './table.js';

export interface SegmentRun {
  taken_at: string;
  members: number;
  entered: number;
  left: number;
  destination: string;
  feed: string;
}

export function segmentHistory(wh: Warehouse, segment: string): Promise<Table<SegmentRun>> {
  return runTable<SegmentRun>(wh, 'segmentHistory', { segment }, [
    str('taken_at'),
    num('members'),
    num('entered'),
    num('left'),
    str('destination'),
    str('feed'),
  ]);
}
