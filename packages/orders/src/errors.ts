// The one error type of this package: a stable code, and the field it is about.

export type OrdersErrorCode = 'invalid_order' | 'no_email_key';

export class OrdersError extends Error {
  constructor(
    readonly code: OrdersErrorCode,
    message: string,
    /** Dotted path of the field in the payload or line, e.g. `line_items.2.price`. */
    readonly path = '',
  ) {
    super(message);
    this.name = 'OrdersError';
  }
}
