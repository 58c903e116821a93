// Money as decimal strings end to end: platforms send "59.99", -10.00 or integer minor units, and
// none of it may pass through binary floating point on its way to Decimal(18, 4).
import { OrdersError } from './errors.js';

const DECIMAL = /^-?\d{1,14}(\.\d{1,8})?$/;

/** A non-negative decimal string from a platform amount (a JSON number or a decimal string). */
export function decimal(value: unknown, path: string): string {
  const s = amountText(value, path);
  if (s.startsWith('-')) throw new OrdersError('invalid_order', `${JSON.stringify(value)} is negative`, path);
  return trim(s);
}

/** The size of a signed amount: WooCommerce lists refunds as "-10.00". */
export function absDecimal(value: unknown, path: string): string {
  return trim(amountText(value, path).replace(/^-/, ''));
}

function amountText(value: unknown, path: string): string {
  const s = typeof value === 'number' && Number.isFinite(value) ? numberToDecimal(value) : typeof value === 'string' ? value.trim() : '';
  if (!DECIMAL.test(s)) throw new OrdersError('invalid_order', `${JSON.stringify(value)} is not an amount`, path);
  return s;
}

/** An optional amount: absent, null or empty is undefined. */
export function optionalDecimal(value: unknown, path: string): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : decimal(value, path);
}

function numberToDecimal(n: number): string {
  // Platforms send JSON numbers with at most a few decimals (WooCommerce's unit price 12.5);
  // toFixed(8) keeps them exact to the scale stored.
  return n.toFixed(8);
}

function trim(s: string): string {
  if (!s.includes('.')) return s.replace(/^0+(?=\d)/, '');
  return s.replace(/^0+(?=\d)/, '').replace(/\.?0+$/, '');
}

/** ISO 4217 codes whose minor unit is not a hundredth (Stripe amounts are in minor units). */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Integer minor units (Stripe's `amount_total: 2000` in usd) → `"20"`. */
export function fromMinorUnits(amount: unknown, currency: string, path: string): string {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new OrdersError('invalid_order', `${JSON.stringify(amount)} is not an amount in minor units`, path);
  }
  const c = currency.toUpperCase();
  const places = ZERO_DECIMAL.has(c) ? 0 : THREE_DECIMAL.has(c) ? 3 : 2;
  if (places === 0) return String(amount);
  const digits = String(amount).padStart(places + 1, '0');
  return trim(`${digits.slice(0, -places)}.${digits.slice(-places)}`);
}

/** `a − b` for non-negative decimal strings, never below zero (a refund increment). */
export function subtract(a: string, b: string): string {
  return unscaled(scaled(a) - scaled(b));
}

/** Unit price of a line from its total and quantity, rounded to the 4 places stored. */
export function unitPrice(lineTotal: string, quantity: number): string {
  if (quantity <= 1) return lineTotal;
  const [i = '0', f = ''] = lineTotal.split('.');
  const scaled = BigInt(i) * 100_000n + BigInt((f + '00000').slice(0, 5));
  const q = BigInt(quantity);
  const unit5 = (scaled + q / 2n) / q; // 5 places, rounded half up
  const unit4 = (unit5 + 5n) / 10n;
  const digits = unit4.toString().padStart(5, '0');
  return trim(`${digits.slice(0, -4)}.${digits.slice(-4)}`);
}

export function isZero(amount: string): boolean {
  return /^0+(\.0+)?$/.test(amount);
}

/** The sum of non-negative decimal strings, exactly. */
export function addAmounts(amounts: string[]): string {
  let total = 0n;
  for (const a of amounts) total += scaled(a);
  return unscaled(total);
}

const SCALE = 100_000_000n;

function scaled(s: string): bigint {
  const [i = '0', f = ''] = s.split('.');
  return BigInt(i) * SCALE + BigInt((f + '00000000').slice(0, 8));
}

function unscaled(v: bigint): string {
  const digits = (v < 0n ? 0n : v).toString().padStart(9, '0');
  return trim(`${digits.slice(0, -8)}.${digits.slice(-8)}`);
}

/** `price × quantity`, exactly. */
export function times(price: string, quantity: number): string {
  return unscaled(scaled(price) * BigInt(quantity));
}

/** Sign of `a − b`. */
export function compareAmounts(a: string, b: string): number {
  const d = scaled(a) - scaled(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
