// Which person an order from the shop's books lands on.
import { describe, expect, it } from 'vitest';
import { emailHasher, newSecretKey } from '@spoor/secrets';
import { OrdersError, personOf } from '../src/index.js';

const hashEmail = emailHasher(newSecretKey());

describe('personOf', () => {
  it('lands on the carried visitor and the shop customer id', () => {
    expect(personOf({ visitorId: 'v-1', customerId: '42', email: 'A@Example.com' }, 'o1', { site: 's', storeEmails: false, hashEmail })).toEqual({
      visitor_id: 'v-1',
      user_id: '42',
      props: { email_hash: hashEmail('s', 'a@example.com') },
    });
  });

  it('keys a guest by the keyed hash of the e-mail, or the address itself when the site opts in', () => {
    const hashed = personOf({ email: ' Ada@Example.com ' }, 'o1', { site: 's', storeEmails: false, hashEmail });
    expect(hashed.user_id).toBe(`e:${hashEmail('s', 'ada@example.com')}`);
    expect(JSON.stringify(hashed)).not.toContain('ada@');
    expect(personOf({ email: 'Ada@Example.com' }, 'o1', { site: 's', storeEmails: true })).toEqual({
      visitor_id: 'c:ada@example.com',
      user_id: 'ada@example.com',
      props: { email: 'ada@example.com' },
    });
  });

  it('stands in a visitor named after the customer, else after the order', () => {
    expect(personOf({ customerId: 'c-9' }, 'o1', { site: 's', storeEmails: false }).visitor_id).toBe('c:c-9');
    expect(personOf({}, 'o 1', { site: 's', storeEmails: false }).visitor_id).toMatch(/^o:[0-9a-f]{32}$/);
    expect(personOf({ visitorId: 'not a visitor id' }, 'o1', { site: 's', storeEmails: false }).visitor_id).toBe('o:o1');
  });

  it('needs the key to hash an address', () => {
    expect(() => personOf({ email: 'a@b.c' }, 'o1', { site: 's', storeEmails: false })).toThrow(OrdersError);
  });
});
