// The public surface of the SDK (SPEC "Browser SDK").
import type { CartInput, ItemInput, OrderInput, SpoorEventInput } from '@spoor/events';

export type { CartInput, ItemInput, OrderInput, SpoorEventInput };
export type Props = Record<string, string | number | boolean | null>;

export interface TrackerConfig {
  /** Site id registered with the collector (`data-site`). */
  site: string;
  /** Collector base URL, e.g. `https://collect.example.com`. Defaults to the script's origin. */
  endpoint: string;
  /** Send a pageview when the tracker starts. @defaultValue true */
  autoPageview?: boolean;
  /** Events per request. @defaultValue 20 */
  batchSize?: number;
  /** Longest wait before queued events are sent, in ms. @defaultValue 1000 */
  flushInterval?: number;
}

export interface CartApi {
  view(items: ItemInput[] | CartInput): void;
  add(item: ItemInput): void;
  remove(item: ItemInput): void;
  checkout(cart?: Partial<CartInput>): void;
  purchase(order: OrderInput): void;
}

export interface Spoor {
  track(name: string, props?: Props): void;
  page(): void;
  identify(userId: string, traits?: Props): void;
  reset(): void;
  consent(state: 'granted' | 'denied'): void;
  /** Sends everything queued; resolves when the collector has answered (or gave up for now). */
  flush(): Promise<void>;
  cart: CartApi;
}
