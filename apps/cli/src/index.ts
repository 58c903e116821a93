// @spoor/cli: the `spoor` command, and its pieces for tests and embedding.
export { up, type RunningUp, type UpOptions } from './processes/up.js';
export { loadConfig, type Config } from './config.js';
export { main } from './main.js';
export { predictFit } from './commands/predict.js';
