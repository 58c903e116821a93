// Values the global setup provides to every test file (see global-redis.ts).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
