// Special functions and the minimiser, on cases with known answers.
import { describe, expect, it } from 'vitest';
import { finiteOr, inverseOnePlusExp, logAddExp, logBeta, logGamma, minimize } from '../src/index.js';

describe('logGamma', () => {
  it('matches known values across the range', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(1e-8)).toBeCloseTo(18.420680738180209, 8);
    // ln Γ(1000.5) from Stirling's series: (x − ½) ln x − x + ½ ln 2π + 1/(12x) − ...
    const x = 1000.5;
    expect(logGamma(x)).toBeCloseTo((x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3), 9);
  });

  it('is NaN outside its domain, never a silent number', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.POSITIVE_INFINITY)).toBeNaN();
  });

  it('gives ln B(a, b)', () => {
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });
});

describe('log-space helpers', () => {
  it('adds in log space without overflow and treats −∞ as zero', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Number.NEGATIVE_INFINITY, 3)).toBe(3);
    expect(logAddExp(-800, -801)).toBeCloseTo(-800 + Math.log1p(Math.exp(-1)), 12);
  });

  it('takes 1/(1 + e^l) for any l', () => {
    expect(inverseOnePlusExp(0)).toBe(0.5);
    expect(inverseOnePlusExp(800)).toBe(0);
    expect(inverseOnePlusExp(-800)).toBe(1);
  });

  it('replaces non-finite numbers', () => {
    expect(finiteOr(Number.NaN, 0)).toBe(0);
    expect(finiteOr(Number.POSITIVE_INFINITY, 1)).toBe(1);
    expect(finiteOr(2, 0)).toBe(2);
  });
});

describe('minimize (Nelder–Mead with restarts)', () => {
  it('finds the Rosenbrock minimum', () => {
    const rosen = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
    const r = minimize(rosen, [-1.2, 1]);
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('finds a 4-dimensional quadratic minimum exactly', () => {
    const centre = [0.3, -2, 5, 1];
    const f = (v: number[]) => v.reduce((s, x, i) => s + (i + 1) * (x - centre[i]!) ** 2, 0);
    const r = minimize(f, [0, 0, 0, 0]);
    r.x.forEach((x, i) => expect(x).toBeCloseTo(centre[i]!, 6));
  });

  it('steps around a region where the objective is not finite', () => {
    // Undefined for x < 0; the minimum sits at x = 1.
    const f = ([x]: number[]) => (x! < 0 ? Number.NaN : (x! - 1) ** 2);
    const r = minimize(f, [3]);
    expect(r.x[0]).toBeCloseTo(1, 6);
  });

  it('says when it ran out of iterations', () => {
    const rosen = ([x, y]: number[]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
    expect(minimize(rosen, [-1.2, 1], { maxIterations: 5, maxRestarts: 0 }).converged).toBe(false);
  });
});
