// @spoor/warehouse: ClickHouse client factory, migrator and insert settings. No business logic.
export * from './client.js';
export * from './errors.js';
export * from './migrate.js';
export * from './settings.js';
export * from './sql.js';
export * from './sql-text.js';
export * from './verify.js';
export * from './sites.js';
export * from './reader.js';
export * from './refresh.js';
export { isWord, tokenize, type Token, type TokenKind } from './sql-tokens.js';
