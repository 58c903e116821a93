// @spoor/warehouse: ClickHouse client factory, migrator and insert settings. No business logic.
export { openWarehouse, qualify, type WarehouseConfig, type ReadMode, type Warehouse } from './client.js';
export { type WarehouseErrorCode, WarehouseError } from './errors.js';
export { serveWarehouse, warehouseOverPort, type ServeOptions, type WarehouseCalls } from './warehouse-port.js';
export {
  loadMigrations,
  renderMigration,
  splitStatements,
  migrate,
  type Migration,
  type RenderOptions,
  DEFAULT_MIGRATIONS_DIR,
  type MigrateResult,
} from './migrate.js';
export { dedupInsertSettings, INGEST_NICE } from './settings.js';
export { quoteString, settingsClause, type Settings } from './sql.js';
export { isParamName, setParamsSql } from './session-params.js';
export { runSqlText, parseSqlParams, SQL_FORMATS, type SqlFormat } from './sql-text.js';
export { checkDedupSettings, assertDedupSettings, MIN_DEDUP_WINDOW, type SettingsProblem } from './verify.js';
export { listSites, getSite, putSite, changeSite, removeSite, emptySite, type SqlRunner, type SiteVersion, type SiteRow, type NewSite } from './sites.js';
export { openReader, type QueryOptions, type WarehouseReader, type ReaderOptions } from './reader.js';
export { refreshComputedAhead } from './refresh.js';
export { withTimeLimit } from './time-limit.js';
export { isWord, tokenize, type Token, type TokenKind } from './sql-tokens.js';
