// A small derivative-free minimiser (Nelder–Mead simplex) with restarts, for the handful of
// log-parameters of the purchase models. Non-finite objective values are treated as +Infinity,
// so a step into an invalid region is simply rejected.

export interface MinimizeOptions {
  /** Side of the first simplex in every coordinate. @defaultValue 0.5 */
  step?: number;
  /** Converged when the simplex's values differ by less than this (relative to |f| + 1). @defaultValue 1e-12 */
  fTolerance?: number;
  /** ...and its vertices are this close in every coordinate. @defaultValue 1e-9 */
  xTolerance?: number;
  /** Iterations of one simplex run. @defaultValue 4000 */
  maxIterations?: number;
  /** Fresh simplices around the best point, until one no longer improves it. @defaultValue 8 */
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  /** The last run ended on the tolerances (not on the iteration limit), and a restart did not move it. */
  converged: boolean;
}

/** Minimises `f` from `x0`; restarts shake the simplex out of a premature collapse. */
export function minimize(f: (x: number[]) => number, x0: number[], opts: MinimizeOptions = {}): MinimizeResult {
  const fTol = opts.fTolerance ?? 1e-12;
  const maxRestarts = opts.maxRestarts ?? 8;
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let best = simplexRun(safe, x0, opts);
  let iterations = best.iterations;
  let converged = best.converged;
  for (let restart = 0; restart < maxRestarts; restart++) {
    const next = simplexRun(safe, best.x, { ...opts, step: (opts.step ?? 0.5) / 4 });
    iterations += next.iterations;
    const improved = best.fx - next.fx > fTol * (Math.abs(best.fx) + 1);
    if (next.fx <= best.fx) best = { ...next };
    converged = next.converged;
    if (!improved) break;
    if (restart === maxRestarts - 1) converged = false;
  }
  return { x: best.x, fx: best.fx, iterations, converged: converged && Number.isFinite(best.fx) };
}

function simplexRun(f: (x: number[]) => number, x0: number[], opts: MinimizeOptions): MinimizeResult {
  const n = x0.length;
  const step = opts.step ?? 0.5;
  const fTol = opts.fTolerance ?? 1e-12;
  const xTol = opts.xTolerance ?? 1e-9;
  const maxIterations = opts.maxIterations ?? 4000;
  // Standard coefficients: reflection, expansion, contraction, shrink.
  const [alpha, gamma, rho, sigma] = [1, 2, 0.5, 0.5];

  let points: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + step;
    points.push(p);
  }
  let values = points.map(f);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    iterations++;
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    points = order.map((i) => points[i]!);
    values = order.map((i) => values[i]!);
    const fBest = values[0]!;
    const fWorst = values[n]!;
    const spread = Number.isFinite(fWorst) ? Math.abs(fWorst - fBest) : Number.POSITIVE_INFINITY;
    let size = 0;
    for (let i = 1; i <= n; i++) for (let d = 0; d < n; d++) size = Math.max(size, Math.abs(points[i]![d]! - points[0]![d]!));
    if (spread <= fTol * (Math.abs(fBest) + 1) && size <= xTol) {
      converged = true;
      break;
    }

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < n; d++) centroid[d]! += points[i]![d]! / n;
    const toward = (coef: number) => centroid.map((c, d) => c + coef * (points[n]![d]! - c));

    const reflected = toward(-alpha);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = toward(-alpha * gamma);
      const fe = f(expanded);
      if (fe < fr) [points[n], values[n]] = [expanded, fe];
      else [points[n], values[n]] = [reflected, fr];
      continue;
    }
    if (fr < values[n - 1]!) {
      [points[n], values[n]] = [reflected, fr];
      continue;
    }
    // Contract: outside when the reflection beat the worst point, inside otherwise.
    const outside = fr < values[n]!;
    const contracted = toward(outside ? -alpha * rho : rho);
    const fc = f(contracted);
    if (fc < (outside ? fr : values[n]!)) {
      [points[n], values[n]] = [contracted, fc];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      points[i] = points[i]!.map((v, d) => points[0]![d]! + sigma * (v - points[0]![d]!));
      values[i] = f(points[i]!);
    }
  }
  let bestIndex = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: points[bestIndex]!, fx: values[bestIndex]!, iterations, converged };
}
