// @spoor/clickhouse-http: ClickHouse's HTTP interface over the embedded engine.
export { startHttpInterface, type HttpInterfaceOptions, type HttpInterfaceUser, type RunningHttpInterface } from './server.js';
export { readOnlyLimits, threadsNeeded, writerLimits, type QueryLimits } from './limits.js';
