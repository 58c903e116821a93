// Money stays decimal text from the platform's payload to the event.
import { describe, expect, it } from 'vitest';
import { absDecimal, addAmounts, compareAmounts, decimal, fromMinorUnits, subtract, times, unitPrice } from '../src/index.js';

describe('money', () => {
  it('reads amounts as JSON numbers or decimal strings, never through floats', () => {
    expect(decimal('59.99', 'x')).toBe('59.99');
    expect(decimal('100.00', 'x')).toBe('100');
    expect(decimal(13.225, 'x')).toBe('13.225');
    expect(decimal('0.00', 'x')).toBe('0');
    expect(() => decimal('-5', 'total')).toThrow(/negative/);
    expect(() => decimal('1,234.00', 'total')).toThrow(/not an amount/);
    expect(() => decimal(Number.NaN, 'total')).toThrow(/not an amount/);
    expect(absDecimal('-16.00', 'refunds.0.total')).toBe('16');
  });

  it('converts minor units by the currency exponent (Stripe)', () => {
    expect(fromMinorUnits(4950, 'eur', 'a')).toBe('49.5');
    expect(fromMinorUnits(5, 'USD', 'a')).toBe('0.05');
    expect(fromMinorUnits(4950, 'JPY', 'a')).toBe('4950');
    expect(fromMinorUnits(12345, 'KWD', 'a')).toBe('12.345');
    expect(() => fromMinorUnits(1.5, 'EUR', 'a')).toThrow(/minor units/);
  });

  it('adds, subtracts, multiplies and compares exactly', () => {
    expect(addAmounts(['0.1', '0.2'])).toBe('0.3');
    expect(subtract('15', '10.5')).toBe('4.5');
    expect(subtract('1', '2')).toBe('0');
    expect(times('19.99', 3)).toBe('59.97');
    expect(unitPrice('26.45', 2)).toBe('13.225');
    expect(unitPrice('10', 3)).toBe('3.3333');
    expect(compareAmounts('10', '9.99')).toBe(1);
    expect(compareAmounts('2.50', '2.5')).toBe(0);
  });
});
