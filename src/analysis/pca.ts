// 2-D PCA by power iteration with deflation (deterministic start vector). Used for the embedding map:
// image and text points are projected on the same basis so the modality gap is visible.

/** Top-2 principal axes of rows (N, D) after centring; returns the axes and explained-variance shares. */
export function pca2(x: ArrayLike<number>, N: number, D: number, iters = 100): { axes: Float64Array[]; mean: Float64Array; explained: [number, number] } {
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let k = 0; k < D; k++) mean[k] += x[i * D + k] / N;
  // Covariance (D, D): D is small (≤ 512) so forming it is cheap.
  const cov = new Float64Array(D * D);
  let total = 0;
  for (let i = 0; i < N; i++)
    for (let a = 0; a < D; a++) {
      const xa = x[i * D + a] - mean[a];
      total += xa * xa;
      for (let b = a; b < D; b++) cov[a * D + b] += xa * (x[i * D + b] - mean[b]);
    }
  for (let a = 0; a < D; a++) for (let b = 0; b < a; b++) cov[a * D + b] = cov[b * D + a];
  const axes: Float64Array[] = [];
  const vals: number[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(D).map((_, k) => 1 / Math.sqrt(D) + (k % 7) * 1e-3);
    let lambda = 0;
    for (let it = 0; it < iters; it++) {
      const w = new Float64Array(D);
      for (let a = 0; a < D; a++) {
        let s = 0;
        for (let b = 0; b < D; b++) s += cov[a * D + b] * v[b];
        w[a] = s;
      }
      for (const u of axes) {
        let d = 0;
        for (let k = 0; k < D; k++) d += w[k] * u[k];
        for (let k = 0; k < D; k++) w[k] -= d * u[k];
      }
      const n = Math.hypot(...w);
      if (n === 0) break;
      lambda = n;
      v = w.map((z) => z / n);
    }
    axes.push(v);
    vals.push(lambda);
  }
  const t = total || 1;
  return { axes, mean, explained: [vals[0] / t, vals[1] / t] };
}

export function project2(x: ArrayLike<number>, N: number, D: number, basis: { axes: Float64Array[]; mean: Float64Array }): Float32Array {
  const out = new Float32Array(2 * N);
  for (let i = 0; i < N; i++)
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += (x[i * D + k] - basis.mean[k]) * basis.axes[c][k];
      out[2 * i + c] = s;
    }
  return out;
}
