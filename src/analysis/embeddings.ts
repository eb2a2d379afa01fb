// Geometry of L2-normalised embeddings (METHODS.md "Metrics"). Pure functions over row-major
// (N, D) Float32Arrays; testable in Node, used by the worker and the UI.

export function dotRows(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, D: number): number {
  let s = 0;
  for (let k = 0; k < D; k++) s += a[i * D + k] * b[j * D + k];
  return s;
}

/** (Na, Nb) cosine-similarity matrix of normalised rows. */
export function similarity(a: ArrayLike<number>, Na: number, b: ArrayLike<number>, Nb: number, D: number): Float32Array {
  const s = new Float32Array(Na * Nb);
  for (let i = 0; i < Na; i++) for (let j = 0; j < Nb; j++) s[i * Nb + j] = dotRows(a, i, b, j, D);
  return s;
}

/** Alignment (Wang & Isola, α = 2): mean over pairs of ‖f(x) − g(y)‖². */
export function alignment(img: ArrayLike<number>, txt: ArrayLike<number>, N: number, D: number): number {
  let s = 0;
  for (let i = 0; i < N; i++)
    for (let k = 0; k < D; k++) {
      const d = img[i * D + k] - txt[i * D + k];
      s += d * d;
    }
  return s / N;
}

/** Uniformity: log mean over distinct pairs of exp(−2‖u − v‖²) (t = 2). Lower = more uniform. */
export function uniformity(x: ArrayLike<number>, N: number, D: number): number {
  if (N < 2) return 0;
  // ‖u−v‖² = 2 − 2u·v for unit vectors; log-mean-exp computed stably.
  const vals: number[] = [];
  let mx = -Infinity;
  for (let i = 0; i < N; i++)
    for (let j = i + 1; j < N; j++) {
      let d2 = 0;
      for (let k = 0; k < D; k++) {
        const d = x[i * D + k] - x[j * D + k];
        d2 += d * d;
      }
      const v = -2 * d2;
      vals.push(v);
      if (v > mx) mx = v;
    }
  let z = 0;
  for (const v of vals) z += Math.exp(v - mx);
  return mx + Math.log(z / vals.length);
}

/** Modality gap (Liang et al. 2022): ‖mean(I) − mean(T)‖₂. */
export function modalityGap(img: ArrayLike<number>, Ni: number, txt: ArrayLike<number>, Nt: number, D: number): number {
  let s = 0;
  for (let k = 0; k < D; k++) {
    let mi = 0;
    let mt = 0;
    for (let i = 0; i < Ni; i++) mi += img[i * D + k];
    for (let j = 0; j < Nt; j++) mt += txt[j * D + k];
    const d = mi / Ni - mt / Nt;
    s += d * d;
  }
  return Math.sqrt(s);
}

export function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
