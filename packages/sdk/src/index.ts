// @spoor/sdk for bundlers: `import { createTracker } from '@spoor/sdk'`.
export { createTracker } from './tracker.js';
export type * from './types.js';
