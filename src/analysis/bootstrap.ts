// MultiBERTs' Multi-Bootstrap (Sellam et al. 2022; METHODS.md "Statistics"). Runs are seeds of one
// config, all scored on the same evaluation examples, so a metric is a (seeds × examples) matrix.
// One replicate draws seeds with replacement AND examples with replacement (the same example draw
// for every drawn seed) and averages the metric over the drawn cells. That captures both sources of
// uncertainty: "another training seed" and "another evaluation set of this size".
// A vs B: seeds are paired (seed k = same data order and init), examples are shared, so each
// replicate draws the same seeds and examples for both; the mean being linear, that is the
// Multi-Bootstrap of the per-cell difference A − B.
// Aggregate-only metrics (modality gap, …) come as one column: examples = 1, bootstrap over seeds only.
import { Rng } from '../util/rng';

export interface BootstrapOptions {
  /** Number of replicates (METHODS.md asks for ≥ 1,000). Default 2000. */
  replicates?: number;
  /** Seed of the resampling PRNG (results are deterministic given it). Default 1. */
  seed?: number;
  /** 1 − confidence level. Default 0.05 (95% CI from the 2.5th and 97.5th percentiles). */
  alpha?: number;
}

export interface BootstrapResult {
  /** Point estimate: mean over all seeds and examples. */
  mean: number;
  /** Percentile CI [alpha/2, 1 − alpha/2] over the replicates. */
  ci: [number, number];
  alpha: number;
  replicates: number;
  /** Number of seeds (rows) and evaluation examples (columns) behind the estimate. */
  seeds: number;
  examples: number;
  /** What one replicate resamples: 'seeds+examples', or 'seeds' for aggregate-only (one-column) metrics. */
  resampled: 'seeds+examples' | 'seeds';
  /** Plain-words limitations of this CI (e.g. one seed: seed variance not captured), or '' if none. */
  caveat: string;
}

export interface PairedBootstrapResult {
  /** Point estimate of mean(A) − mean(B) over all seeds and examples. */
  diff: number;
  ci: [number, number];
  /**
   * One-sided p-value: share of replicates whose difference has the other sign than `diff`
   * (replicates at exactly 0 count as the other sign, which is conservative): P(d* ≤ 0) when
   * diff > 0, P(d* ≥ 0) when diff < 0, and min of the two when diff is exactly 0.
   * Swapping A and B leaves it unchanged.
   */
  pOneSided: number;
  alpha: number;
  replicates: number;
  seeds: number;
  examples: number;
  resampled: 'seeds+examples' | 'seeds';
  caveat: string;
  /** Plain words, e.g. "A > B (95% CI of A−B excludes 0; 5 seeds × 200 examples)". */
  verdict: string;
}

/** Per-example 0/1 hits from 0-based ranks: 1 when the target is in the top k (rank < k). */
export function hitsAtK(ranks: ArrayLike<number>, k: number): number[] {
  const out = new Array<number>(ranks.length);
  for (let i = 0; i < ranks.length; i++) out[i] = ranks[i] < k ? 1 : 0;
  return out;
}

/** Quantile with linear interpolation between order statistics (R type 7) of a SORTED array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Validates a (seeds × examples) matrix and flattens it example-major: x[e * S + s]. */
function flatten(m: number[][], what: string): { x: Float64Array; S: number; E: number } {
  const S = m.length;
  if (S === 0) throw new Error(`${what}: no seeds`);
  const E = m[0].length;
  if (E === 0) throw new Error(`${what}: no examples`);
  const x = new Float64Array(S * E);
  for (let s = 0; s < S; s++) {
    const row = m[s];
    if (row.length !== E) throw new Error(`${what}: seed ${s} has ${row.length} examples, seed 0 has ${E}`);
    for (let e = 0; e < E; e++) {
      const v = row[e];
      if (!Number.isFinite(v)) throw new Error(`${what}: non-finite value at seed ${s}, example ${e}`);
      x[e * S + s] = v;
    }
  }
  return { x, S, E };
}

/** Sorted replicate means of x (example-major, S × E). */
function replicateMeans(x: Float64Array, S: number, E: number, R: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const w = new Float64Array(S); // how often each seed was drawn
  const out = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    w.fill(0);
    for (let k = 0; k < S; k++) w[rng.int(S)]++;
    let total = 0;
    // One column (aggregate-only metric): the example draw is always that column.
    for (let k = 0; k < E; k++) {
      const base = (E === 1 ? 0 : rng.int(E)) * S;
      let col = 0;
      for (let s = 0; s < S; s++) col += w[s] * x[base + s];
      total += col;
    }
    out[r] = total / (S * E);
  }
  return out.sort();
}

function meanOf(x: Float64Array): number {
  let t = 0;
  for (let i = 0; i < x.length; i++) t += x[i];
  return t / x.length;
}

function caveatFor(S: number, E: number): string {
  const c: string[] = [];
  if (E === 1) c.push('one value per run (no per-example values): bootstrap over seeds only, evaluation-set variance not captured');
  if (S === 1) c.push('1 seed: seed-to-seed variance not captured');
  if (S === 1 && E === 1) c.push('no uncertainty estimate possible');
  return c.join('; ');
}

function resolve(opts: BootstrapOptions) {
  const replicates = Math.max(1, Math.floor(opts.replicates ?? 2000));
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  return { replicates, alpha, seed: opts.seed ?? 1 };
}

/** Multi-Bootstrap mean and CI of a (seeds × examples) matrix of per-example metric values. */
export function multiBootstrap(perSeed: number[][], opts: BootstrapOptions = {}): BootstrapResult {
  const { replicates, alpha, seed } = resolve(opts);
  const { x, S, E } = flatten(perSeed, 'multiBootstrap');
  const reps = replicateMeans(x, S, E, replicates, seed);
  return {
    mean: meanOf(x),
    ci: [quantileSorted(reps, alpha / 2), quantileSorted(reps, 1 - alpha / 2)],
    alpha,
    replicates,
    seeds: S,
    examples: E,
    resampled: E === 1 ? 'seeds' : 'seeds+examples',
    caveat: caveatFor(S, E),
  };
}

/** Share of sorted values ≤ t (or ≥ t). */
function shareAtMost(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}
function shareAtLeast(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return (sorted.length - lo) / sorted.length;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3));

/** "5 seeds × 200 examples", or "5 seeds (seeds only)" for a one-column metric. */
export function describeSize(seeds: number, examples: number): string {
  const s = `${seeds} seed${seeds === 1 ? '' : 's'}`;
  return examples === 1 ? `${s} (aggregate metric, seeds only)` : `${s} × ${examples} examples`;
}

/**
 * Paired Multi-Bootstrap of A − B. `a` and `b` are (seeds × examples) with the SAME seed order and
 * example order; each replicate draws the same seeds and examples for both.
 */
export function pairedMultiBootstrap(a: number[][], b: number[][], opts: BootstrapOptions = {}): PairedBootstrapResult {
  const { replicates, alpha, seed } = resolve(opts);
  const A = flatten(a, 'pairedMultiBootstrap (A)');
  const B = flatten(b, 'pairedMultiBootstrap (B)');
  if (A.S !== B.S || A.E !== B.E) {
    throw new Error(`pairedMultiBootstrap: A is ${A.S}×${A.E}, B is ${B.S}×${B.E}; pair seeds and examples first`);
  }
  const { S, E } = A;
  const d = new Float64Array(S * E);
  for (let i = 0; i < d.length; i++) d[i] = A.x[i] - B.x[i];
  const reps = replicateMeans(d, S, E, replicates, seed);
  const diff = meanOf(d);
  const ci: [number, number] = [quantileSorted(reps, alpha / 2), quantileSorted(reps, 1 - alpha / 2)];
  const pOneSided =
    diff > 0 ? shareAtMost(reps, 0) : diff < 0 ? shareAtLeast(reps, 0) : Math.min(shareAtMost(reps, 0), shareAtLeast(reps, 0));
  const caveat = caveatFor(S, E);
  const level = `${Math.round((1 - alpha) * 1000) / 10}%`;
  const size = describeSize(S, E);
  let verdict: string;
  if (S === 1 && E === 1) verdict = `cannot tell: A−B = ${fmt(diff)} from a single seed of an aggregate metric (${size})`;
  else if (ci[0] > 0) verdict = `A > B (${level} CI of A−B excludes 0; ${size})`;
  else if (ci[1] < 0) verdict = `A < B (${level} CI of A−B excludes 0; ${size})`;
  else verdict = `no detectable difference (${level} CI of A−B covers 0; ${size})`;
  if (caveat && !(S === 1 && E === 1)) verdict += ` — ${caveat}`;
  return { diff, ci, pOneSided, alpha, replicates, seeds: S, examples: E, resampled: E === 1 ? 'seeds' : 'seeds+examples', caveat, verdict };
}

/** "0.423 [0.401, 0.445] (5 seeds × 200 examples)". */
export function formatCI(r: { mean: number; ci: [number, number]; seeds: number; examples: number }, digits = 3): string {
  return `${r.mean.toFixed(digits)} [${r.ci[0].toFixed(digits)}, ${r.ci[1].toFixed(digits)}] (${describeSize(r.seeds, r.examples)})`;
}
