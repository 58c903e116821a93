// Which person an order from the shop's books lands on. One rule for webhooks, imports and every
// platform: the customer is the shop's customer id, else the buyer's e-mail (kept only as a keyed
// hash unless the site opts in); the visitor is the browser that carried `spoor_visitor_id`, else a
// stand-in named after the customer (or, with no customer at all, after the order).
import { createHash } from 'node:crypto';
import { idSchema, userIdSchema } from '@spoor/events';
import { OrdersError } from './errors.js';
import type { Buyer } from './record.js';

export interface PersonOptions {
  site: string;
  /** The site's `store_emails`: keep the address in clear. */
  storeEmails: boolean;
  /** Keyed hash of an address (`emailHasher` of @spoor/secrets); needed unless `storeEmails`. */
  hashEmail?: ((site: string, email: string) => string) | undefined;
}

export interface Person {
  visitor_id: string;
  user_id?: string;
  /** `email` (opted in) or `email_hash`, kept on the event's props. */
  props: Record<string, string>;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function personOf(buyer: Buyer, orderId: string, opts: PersonOptions): Person {
  const props: Record<string, string> = {};
  let userId = clean(buyer.customerId);
  const email = clean(buyer.email)?.toLowerCase();
  if (email && EMAIL.test(email)) {
    if (opts.storeEmails) {
      props.email = email;
      userId ??= email;
    } else {
      if (!opts.hashEmail) throw new OrdersError('no_email_key', 'hashing e-mail addresses needs SPOOR_SECRET_KEY', 'email');
      const hash = opts.hashEmail(opts.site, email);
      props.email_hash = hash;
      userId ??= `e:${hash}`;
    }
  }
  if (userId !== undefined && !userIdSchema.safeParse(userId).success) {
    throw new OrdersError(
      'invalid_order',
      `customer id ${JSON.stringify(userId.slice(0, 40))} is not a usable id (1-128 characters, no control characters)`,
      'customer_id',
    );
  }
  const visitor = clean(buyer.visitorId);
  const visitorId = visitor && idSchema.safeParse(visitor).success ? visitor : standIn(userId ? 'c' : 'o', userId ?? orderId);
  return { visitor_id: visitorId, ...(userId !== undefined ? { user_id: userId } : {}), props };
}

/** The visitor of an order no browser reported: `c:<customer>` or `o:<order>`, hashed when too long or not plain. */
export function standIn(kind: 'c' | 'o', id: string): string {
  const plain = `${kind}:${id}`;
  if (plain.length <= 64 && /^[\x21-\x7e]+$/.test(plain)) return plain;
  return `${kind}:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

function clean(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
