// @spoor/predict: purchase predictions per site. BG/NBD (how many more purchases, P(alive)) and
// Gamma-Gamma (value per order), fitted by maximum likelihood; inputs and results in ClickHouse.
export * from './bgnbd.js';
export * from './errors.js';
export * from './fit-models.js';
export * from './fit-site.js';
export * from './fit-thread.js';
export * from './gamma-gamma.js';
export * from './heuristic.js';
export * from './history.js';
export * from './inputs.js';
export * from './mle.js';
export * from './nelder-mead.js';
export * from './simulate.js';
export * from './special.js';
