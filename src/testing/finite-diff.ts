// Central finite differences in float64, for checking backward kernels and whole-model gradients.

/**
 * d f / d x for a scalar function of a flat float64 vector. `f` must not keep references to `x`.
 * Central differences: error O(eps²); eps 1e-5 balances truncation and float64 round-off.
 */
export function numericalGradient(f: (x: Float64Array) => number, x0: ArrayLike<number>, eps = 1e-5): Float64Array {
  const x = Float64Array.from(x0);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + eps;
    const fp = f(x);
    x[i] = v - eps;
    const fm = f(x);
    x[i] = v;
    g[i] = (fp - fm) / (2 * eps);
  }
  return g;
}

/** Σ out·w: turns a vector-valued reference op into the scalar FD needs (w = upstream gradient). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
