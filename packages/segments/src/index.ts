// @spoor/segments: segment definitions, their compiler to parameterised SQL, sizes, previews,
// streamed exports and webhook delivery of who entered and left.
export { BUILTIN_DATA, BUILTINS } from './builtins.js';
export { loadCatalog, loadDefinitionFile, parseDefinitionText, type SegmentEntry, SegmentCatalog, type LoadCatalogOptions } from './catalog.js';
export { compileSegment, fieldFigure, type ColumnKind, type Figure, type EventAggregate, type CompiledSegment, type CompileOptions } from './compile.js';
export {
  parseDefinition,
  checkParamValue,
  fieldOperators,
  checkLiteral,
  type ParamType,
  type ParamSpec,
  type ValueRef,
  type OpName,
  type Op,
  type ValueType,
  type InterestAction,
  type Condition,
  type SegmentDefinition,
  SEGMENT_NAME,
  RESERVED_PARAMS,
  OPS,
  TRAIT_OPERATORS,
  COUNT_OPERATORS,
} from './definition.js';
export { parseDuration, durationLabel, DURATION_PATTERN } from './duration.js';
export { definitionError, type SegmentErrorCode, SegmentError } from './errors.js';
export {
  isFieldName,
  fieldSpec,
  closest,
  type FieldKind,
  type FieldSource,
  type FieldSpec,
  LIFECYCLES,
  PREDICTION_METHODS,
  FIELDS,
  type FieldName,
  EVENT_TYPES,
  type EventType,
} from './fields.js';
export { resolveParams, type ParamValues } from './params.js';
export { peopleSql, activitySql, visitorRowsSql, type KnownPredictions, type PeopleNeeds, type PeopleOptions, type PeopleSql } from './people.js';
export { sizesStatement, membershipStatement, rowsStatement, type ExportColumn, type Statement, type RowsStatement, type QueryScope } from './queries.js';
export { segmentMembership, segmentSizes, segmentPreview, type SizeOptions, type PreviewOptions, type SegmentPreview } from './sizes.js';
export { traitKeys } from './traits.js';
export { exportSegment, type ExportRequest, type SegmentExport } from './export/export.js';
export { isExportFormat, exportFormat, createWriter, csvText, EXPORT_FORMATS, type ExportFormat, type FormatWriter } from './export/formats.js';
export { defaultReadMode, readRows, scratchDatabase, compactRows, dropStaleScratch, type ReadMode, type ReadOptions } from './export/rows.js';
export { csvLinesStatement } from './export/csv-sql.js';
export { readCsvLines, type CsvPiece, type LinesOptions } from './export/lines.js';
export { deliverSegmentChanges, type DeliveryRequest, type DeliveryResult, type DeliveryPart } from './delivery/deliver.js';
export { postJson, sleep, type PostOptions, type PostResult } from './delivery/webhook.js';
