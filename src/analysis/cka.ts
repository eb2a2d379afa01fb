// Cross-modal representation similarity (METHODS.md "Metrics"): linear CKA (Kornblith et al. 2019)
// between pooled image and caption features at the same depth, and modality mixing (k-means k = 2 on
// the union, NMI against modality labels).

/** Column-centred copy of rows (N, d) in float64. */
function centre(x: ArrayLike<number>, N: number, d: number): Float64Array {
  const out = Float64Array.from({ length: N * d }, (_, k) => x[k]);
  for (let c = 0; c < d; c++) {
    let m = 0;
    for (let i = 0; i < N; i++) m += out[i * d + c];
    m /= N;
    for (let i = 0; i < N; i++) out[i * d + c] -= m;
  }
  return out;
}

/** ‖Aᵀ B‖²_F for centred A (N, da), B (N, db). */
function crossFrob(A: Float64Array, da: number, B: Float64Array, db: number, N: number): number {
  let s = 0;
  for (let a = 0; a < da; a++)
    for (let b = 0; b < db; b++) {
      let v = 0;
      for (let i = 0; i < N; i++) v += A[i * da + a] * B[i * db + b];
      s += v * v;
    }
  return s;
}

/**
 * Linear CKA(X, Y) = ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) after centring the columns. X (N, d1), Y (N, d2).
 * 1 = same representation up to rotation and isotropic scale; 0 when either side is constant.
 */
export function linearCka(X: ArrayLike<number>, Y: ArrayLike<number>, N: number, d1: number, d2: number): number {
  const A = centre(X, N, d1);
  const B = centre(Y, N, d2);
  const xy = crossFrob(A, d1, B, d2, N);
  const xx = Math.sqrt(crossFrob(A, d1, A, d1, N));
  const yy = Math.sqrt(crossFrob(B, d2, B, d2, N));
  return xx > 0 && yy > 0 ? xy / (xx * yy) : 0;
}

/** Deterministic 2-means on rows (N, d): seeded k-means++ start, Lloyd iterations. Labels 0/1. */
export function kmeans2(x: ArrayLike<number>, N: number, d: number, seed = 1, iters = 50): Int32Array {
  let s = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const d2 = (i: number, c: Float64Array) => {
    let v = 0;
    for (let k = 0; k < d; k++) v += (x[i * d + k] - c[k]) ** 2;
    return v;
  };
  const row = (i: number) => Float64Array.from({ length: d }, (_, k) => x[i * d + k]);
  const c0 = row(Math.floor(rand() * N));
  const w = Array.from({ length: N }, (_, i) => d2(i, c0));
  const total = w.reduce((a, b) => a + b, 0);
  let pick = N - 1;
  if (total > 0) {
    let r = rand() * total;
    for (let i = 0; i < N; i++) {
      r -= w[i];
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  const cs = [c0, row(pick)];
  const lab = new Int32Array(N);
  for (let it = 0; it < iters; it++) {
    let changed = false;
    for (let i = 0; i < N; i++) {
      const l = d2(i, cs[1]) < d2(i, cs[0]) ? 1 : 0;
      if (l !== lab[i]) changed = true;
      lab[i] = l;
    }
    for (let c = 0; c < 2; c++) {
      const m = new Float64Array(d);
      let n = 0;
      for (let i = 0; i < N; i++)
        if (lab[i] === c) {
          n++;
          for (let k = 0; k < d; k++) m[k] += x[i * d + k];
        }
      if (n) cs[c] = m.map((v) => v / n);
    }
    if (!changed && it > 0) break;
  }
  return lab;
}

/** Normalised mutual information (arithmetic-mean normalisation) of two labelings; 0 if either is constant. */
export function nmi(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const N = a.length;
  const joint = new Map<string, number>();
  const pa = new Map<number, number>();
  const pb = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    joint.set(`${a[i]},${b[i]}`, (joint.get(`${a[i]},${b[i]}`) ?? 0) + 1);
    pa.set(a[i], (pa.get(a[i]) ?? 0) + 1);
    pb.set(b[i], (pb.get(b[i]) ?? 0) + 1);
  }
  const entropyOf = (m: Map<number, number>) => [...m.values()].reduce((s, c) => s - (c / N) * Math.log(c / N), 0);
  let mi = 0;
  for (const [k, c] of joint) {
    const [x, y] = k.split(',').map(Number);
    mi += (c / N) * Math.log((c * N) / ((pa.get(x) ?? 1) * (pb.get(y) ?? 1)));
  }
  const ha = entropyOf(pa);
  const hb = entropyOf(pb);
  return ha > 0 && hb > 0 ? Math.max(0, mi / ((ha + hb) / 2)) : 0;
}

/**
 * Modality mixing at one layer: k-means (k = 2) on the union of pooled image features (N, d) and their
 * captions' features (N, d), NMI between clusters and modality. 1 = separated; ≈0 = mixed.
 * Needs the same width in both towers (returns NaN otherwise).
 */
export function modalityMixingNmi(img: ArrayLike<number>, txt: ArrayLike<number>, N: number, d: number, seed = 1): number {
  if (img.length !== N * d || txt.length !== N * d) return Number.NaN;
  const both = new Float64Array(2 * N * d);
  for (let k = 0; k < N * d; k++) {
    both[k] = img[k];
    both[N * d + k] = txt[k];
  }
  const lab = kmeans2(both, 2 * N, d, seed);
  const mod = Int32Array.from({ length: 2 * N }, (_, i) => (i < N ? 0 : 1));
  return nmi(lab, mod);
}
