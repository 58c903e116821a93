// Types inferred from the schemas: `*Input` is what senders put on the wire, the rest is what
// validation hands to the pipeline (money as decimal strings, defaults filled in).
import type { z } from 'zod';
import type { batchEnvelopeSchema, cartSchema, elementSchema, eventSchema, itemSchema, orderSchema } from './schema.js';

export type SpoorEvent = z.output<typeof eventSchema>;
export type SpoorEventInput = z.input<typeof eventSchema>;
export type EventType = SpoorEvent['type'];
export type Item = z.output<typeof itemSchema>;
export type ItemInput = z.input<typeof itemSchema>;
export type Cart = z.output<typeof cartSchema>;
export type CartInput = z.input<typeof cartSchema>;
export type Order = z.output<typeof orderSchema>;
export type OrderInput = z.input<typeof orderSchema>;
export type Element = z.output<typeof elementSchema>;
export type BatchEnvelope = z.output<typeof batchEnvelopeSchema>;

/** The request body of `POST /v1/batch` as a sender builds it. */
export interface BatchInput {
  site: string;
  batch_id: string;
  sent_at?: number;
  events: SpoorEventInput[];
  webdriver?: boolean;
}

export const EVENT_TYPES = [
  'pageview',
  'page_leave',
  'click',
  'cart_view',
  'cart_add',
  'cart_remove',
  'checkout',
  'purchase',
  'refund',
  'identify',
  'custom',
] as const satisfies readonly EventType[];
