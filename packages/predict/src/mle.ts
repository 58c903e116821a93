// Maximum likelihood over log-parameters (so every parameter stays positive), shared by both
// models: a few starting points, each minimised by Nelder–Mead. With many distinct histories the
// starts are first tried on a thinned copy of the data and only the best one is polished on all
// of it, which keeps a 100,000-customer fit to a few seconds.
import { minimize } from './nelder-mead.js';

/** Log-parameters beyond ±LOG_BOUND (e^±20) mean the data do not pin the model down. */
export const LOG_BOUND = 20;

/** Distinct rows above which the starts run on a thinned copy first. */
export const THIN_ABOVE = 4_000;

export interface LogParamFit {
  /** The maximising log-parameters. */
  v: number[];
  logLikelihood: number;
  iterations: number;
  /** The simplex converged, and no parameter ran off to the bounds. */
  converged: boolean;
}

export function maximizeLogLikelihood(logLikelihood: (v: number[]) => number, starts: number[][], coarse?: (v: number[]) => number): LogParamFit {
  const objective = (ll: (v: number[]) => number) => (v: number[]) => (v.some((u) => !(Math.abs(u) <= LOG_BOUND)) ? Number.POSITIVE_INFINITY : -ll(v));
  const full = objective(logLikelihood);
  let iterations = 0;
  let best: ReturnType<typeof minimize> | undefined;
  if (coarse) {
    const thin = objective(coarse);
    let start = starts[0]!;
    let startValue = Number.POSITIVE_INFINITY;
    for (const s of starts) {
      const run = minimize(thin, s, { fTolerance: 1e-9, xTolerance: 1e-6, maxRestarts: 1 });
      iterations += run.iterations;
      if (run.fx < startValue) [start, startValue] = [run.x, run.fx];
    }
    best = minimize(full, start, { step: 0.1 });
    iterations += best.iterations;
  } else {
    for (const [i, s] of starts.entries()) {
      const run = minimize(full, s);
      iterations += run.iterations;
      // Two starts that agree are enough; the others are for when they do not.
      const agrees = best !== undefined && Math.abs(best.fx - run.fx) <= 1e-7 * (Math.abs(run.fx) + 1);
      if (!best || run.fx < best.fx) best = run;
      if (i >= 1 && agrees) break;
    }
  }
  const b = best!;
  const atBound = b.x.some((u) => Math.abs(u) > LOG_BOUND - 1);
  return { v: b.x, logLikelihood: -b.fx, iterations, converged: b.converged && !atBound && Number.isFinite(b.fx) };
}

/** Every k-th of the rows, k chosen to keep about `target` of them. */
export function thinned<T>(rows: readonly T[], target = THIN_ABOVE / 2): T[] {
  const step = Math.max(1, Math.ceil(rows.length / target));
  return rows.filter((_, i) => i % step === 0);
}
