// @spoor/reports: the figures of the marketer's workspace, each from a documented SQL file of
// clickhouse/queries run with bound parameters, so an analyst's `spoor sql --file` gets the same numbers.
export { type ReportErrorCode, ReportError } from './errors.js';
export { querySql, QUERIES_DIR, QUERY_FILES, type QueryName } from './files.js';
export {
  parseSite,
  isoDay,
  parseRange,
  previousPeriod,
  rangeDays,
  parseSearch,
  parseCustomerId,
  parseProductPaths,
  type SiteScope,
  type DateRange,
  DEFAULT_RANGE_DAYS,
  MAX_RANGE_DAYS,
  DEFAULT_PRODUCT_PATHS,
} from './params.js';
export { runTable, type Column, type Table, num, str } from './table.js';
export { overview, type DayRow, type PeriodRow, FIGURES, type Figure, type Overview } from './overview.js';
export { acquisition, type AcquisitionRow } from './acquisition.js';
export { funnel, type FunnelStep } from './funnel.js';
export { rfmGrid, rfmCellDefinition, type RfmCell } from './rfm.js';
export { cohorts, type CohortRow } from './cohorts.js';
export {
  searchCustomers,
  customerDevices,
  customerTimeline,
  customerProfile,
  customer360,
  type CustomerMatch,
  type CustomerProfile,
  type CustomerDevice,
  type TimelineEvent,
  type Customer360,
} from './customers.js';
export { segmentHistory, type SegmentRun } from './segment-history.js';
