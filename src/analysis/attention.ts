// Attention-pattern statistics per head (METHODS.md "Metrics"), the attention-transfer score between
// modalities, and attention rollout (Abnar & Zuidema 2020). Pure functions over softmax probabilities.
// These are OUR definitions (METHODS.md), not MS-CLIP's exact analysis.

/** Per-head averages over items and valid query rows; each array has one value per head. */
export interface HeadStats {
  /**
   * Row entropy / ln(number of keys the row can see), in [0, 1] (1 = uniform over its visible keys):
   * ln(length) for bidirectional rows, ln(i + 1) for causal row i. Rows that see one key (causal
   * row 0, a one-token item) have no choice to measure and are left out of the average.
   */
  entropy: number[];
  /** Expected query→key distance / length (images: patch-grid Euclidean distance / grid side). */
  distance: number[];
  /** Probability mass on the pooling token (CLS or EOT). */
  poolShare: number[];
}

export interface AttnStatsOptions {
  /** (N) valid tokens per item (keys and query rows ≥ this are padding); omit = all T. */
  validLen?: ArrayLike<number>;
  /** 'cls' = token 0; or the pooling (EOT) token index per item. */
  poolIndex: 'cls' | ArrayLike<number>;
  /**
   * Images: side of the patch grid (tokens 1..grid² are patches in row-major order, token 0 is CLS).
   * Distance between two patches = Euclidean grid distance / grid; any pair involving CLS counts 0.
   * Omit for text: distance = |i − j| / length.
   */
  grid?: number;
  /** Causal self-attention (text): query row i sees keys 0..i, so its entropy is normalised by ln(i + 1). */
  causal?: boolean;
}

/** Statistics of probs (N, H, T, T) — row i of (n, h) is query i's distribution over keys. */
export function attentionStats(probs: ArrayLike<number>, N: number, H: number, T: number, opts: AttnStatsOptions): HeadStats {
  const entropy = new Array<number>(H).fill(0);
  const distance = new Array<number>(H).fill(0);
  const poolShare = new Array<number>(H).fill(0);
  const g = opts.grid;
  const dist = (i: number, j: number, L: number): number => {
    if (!g) return Math.abs(i - j) / L;
    if (i === 0 || j === 0) return 0;
    const dy = Math.floor((i - 1) / g) - Math.floor((j - 1) / g);
    const dx = ((i - 1) % g) - ((j - 1) % g);
    return Math.hypot(dx, dy) / g;
  };
  for (let h = 0; h < H; h++) {
    let e = 0;
    let eItems = 0;
    let d = 0;
    let s = 0;
    for (let n = 0; n < N; n++) {
      const L = Math.min(T, Math.max(1, opts.validLen ? opts.validLen[n] : T));
      const pool = opts.poolIndex === 'cls' ? 0 : opts.poolIndex[n];
      let en = 0;
      let rows = 0;
      let dn = 0;
      let sn = 0;
      for (let i = 0; i < L; i++) {
        const row = ((n * H + h) * T + i) * T;
        const visible = opts.causal ? i + 1 : L;
        let ent = 0;
        for (let j = 0; j < L; j++) {
          const p = probs[row + j];
          if (p > 0) ent -= p * Math.log(p);
          dn += p * dist(i, j, L);
        }
        if (visible > 1) {
          en += ent / Math.log(visible);
          rows++;
        }
        sn += pool < L ? probs[row + pool] : 0;
      }
      if (rows > 0) {
        e += en / rows;
        eItems++;
      }
      d += dn / L;
      s += sn / L;
    }
    entropy[h] = eItems > 0 ? e / eItems : 0;
    distance[h] = d / N;
    poolShare[h] = s / N;
  }
  return { entropy, distance, poolShare };
}

/**
 * Attention-transfer score per (layer, head): 1 − mean over the three statistics of |image − text|.
 * Layers and heads beyond the shallower/narrower tower are dropped. 1 = the head behaves the same.
 */
export function attentionTransfer(statsImage: HeadStats[], statsText: HeadStats[]): number[][] {
  const layers = Math.min(statsImage.length, statsText.length);
  const out: number[][] = [];
  for (let l = 0; l < layers; l++) {
    const a = statsImage[l];
    const b = statsText[l];
    const H = Math.min(a.entropy.length, b.entropy.length);
    const row: number[] = [];
    for (let h = 0; h < H; h++) {
      const diff = Math.abs(a.entropy[h] - b.entropy[h]) + Math.abs(a.distance[h] - b.distance[h]) + Math.abs(a.poolShare[h] - b.poolShare[h]);
      row.push(1 - diff / 3);
    }
    out.push(row);
  }
  return out;
}

/** Head-averaged (T, T) map of item n from probs (N, H, T, T). */
export function headMean(probs: ArrayLike<number>, n: number, H: number, T: number): Float64Array {
  const out = new Float64Array(T * T);
  for (let h = 0; h < H; h++) {
    const base = (n * H + h) * T * T;
    for (let k = 0; k < T * T; k++) out[k] += probs[base + k] / H;
  }
  return out;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer average heads, add the identity (residual),
 * renormalise rows, multiply through the layers: R = Â_{L−1} ··· Â_0. `maps` are head-averaged (T, T)
 * per layer, first layer first. Returns R after each layer (R[l] = Â_l ··· Â_0), each (T, T).
 */
export function rollout(maps: ArrayLike<number>[], T: number): Float64Array[] {
  let R = new Float64Array(T * T);
  for (let i = 0; i < T; i++) R[i * T + i] = 1;
  const out: Float64Array[] = [];
  for (const A of maps) {
    const Ah = new Float64Array(T * T);
    for (let i = 0; i < T; i++) {
      let s = 0;
      for (let j = 0; j < T; j++) {
        const v = A[i * T + j] + (i === j ? 1 : 0);
        Ah[i * T + j] = v;
        s += v;
      }
      for (let j = 0; j < T; j++) Ah[i * T + j] /= s;
    }
    const next = new Float64Array(T * T);
    for (let i = 0; i < T; i++)
      for (let k = 0; k < T; k++) {
        const a = Ah[i * T + k];
        if (a === 0) continue;
        for (let j = 0; j < T; j++) next[i * T + j] += a * R[k * T + j];
      }
    R = next;
    out.push(R);
  }
  return out;
}
