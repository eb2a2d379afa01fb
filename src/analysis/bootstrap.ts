// MultiBERTs' Multi-Bootstrap (Sellam et al. 2022; METHODS.md "Statistics"). Runs are seeds of one
// config, all scored on the same evaluation examples, so a metric is a (seeds × examples) matrix.
// One replicate draws seeds with replacement AND examples with replacement (the same example draw
// for every drawn seed) and averages the metric over the drawn cells. That captures both sources of
// uncertainty: "another training seed" and "another evaluation set of this size".
// A vs B: seeds are paired (seed k = same data order and init), examples are shared, so each
// replicate draws the same seeds and examples for both; the mean being linear, that is the
// Multi-Bootstrap of the per-cell difference A − B.
// Aggregate-only metrics (modality gap, …) come as one column: examples = 1, bootstrap over seeds only
// (summary.ts gives those a t-interval instead: seed-stats.ts).
// Clustered examples (METHODS.md: the example unit is the IMAGE): text→image queries of one image's
// five captions are correlated, so with `clusters` (example → cluster id) a replicate draws clusters
// with replacement and takes every example of each drawn cluster (a cluster bootstrap); the
// statistic is the mean over the drawn cells (a ratio mean when cluster sizes differ).
import { Rng } from '../util/rng';

export interface BootstrapOptions {
  /** Number of replicates (METHODS.md asks for ≥ 1,000). Default 2000. */
  replicates?: number;
  /** Seed of the resampling PRNG (results are deterministic given it). Default 1. */
  seed?: number;
  /** 1 − confidence level. Default 0.05 (95% CI from the 2.5th and 97.5th percentiles). */
  alpha?: number;
  /**
   * Cluster of each example (length = examples), e.g. a text→image query's image index: the
   * replicate resamples clusters with all their examples. Omitted: examples are independent.
   */
  clusters?: ArrayLike<number>;
}

/** How the interval was obtained. */
export type IntervalMethod = 'multi-bootstrap' | 'cluster multi-bootstrap' | 't-interval';

export type Resampled = 'seeds+examples' | 'seeds+clusters' | 'seeds';

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
  /**
   * What one replicate resamples: 'seeds+examples', 'seeds+clusters' (images with all their
   * captions), or 'seeds' for aggregate-only (one-column) metrics.
   */
  resampled: Resampled;
  method: IntervalMethod;
  /** Number of clusters (images) behind a cluster bootstrap; absent otherwise. */
  clusters?: number;
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
  resampled: Resampled;
  method: IntervalMethod;
  clusters?: number;
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

/** Example indices of each cluster (clusters numbered in order of first appearance). */
function clusterMembers(clusters: ArrayLike<number>, E: number): number[][] {
  if (clusters.length !== E) throw new Error(`clusters: ${clusters.length} labels for ${E} examples`);
  const byId = new Map<number, number[]>();
  for (let e = 0; e < E; e++) {
    const c = clusters[e];
    let m = byId.get(c);
    if (!m) byId.set(c, (m = []));
    m.push(e);
  }
  return [...byId.values()];
}

/**
 * Sorted replicate means of x (example-major, S × E). `members` (clusters of examples) switches the
 * example draw to a cluster draw: as many clusters as there are, each with all its examples.
 */
function replicateMeans(x: Float64Array, S: number, E: number, R: number, seed: number, members?: number[][]): Float64Array {
  const rng = new Rng(seed);
  const w = new Float64Array(S); // how often each seed was drawn
  const out = new Float64Array(R);
  const colSum = (e: number) => {
    let col = 0;
    const base = e * S;
    for (let s = 0; s < S; s++) col += w[s] * x[base + s];
    return col;
  };
  for (let r = 0; r < R; r++) {
    w.fill(0);
    for (let k = 0; k < S; k++) w[rng.int(S)]++;
    let total = 0;
    let cells = 0;
    if (members) {
      for (let k = 0; k < members.length; k++) {
        const m = members[rng.int(members.length)];
        for (const e of m) total += colSum(e);
        cells += m.length;
      }
    } else {
      // One column (aggregate-only metric): the example draw is always that column.
      for (let k = 0; k < E; k++) total += colSum(E === 1 ? 0 : rng.int(E));
      cells = E;
    }
    out[r] = total / (S * cells);
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

/** Cluster members (when clusters are given and the metric has per-example values) and the labels that follow. */
function design(opts: BootstrapOptions, E: number): { members?: number[][]; resampled: Resampled; method: IntervalMethod } {
  if (E === 1) return { resampled: 'seeds', method: 'multi-bootstrap' };
  if (!opts.clusters) return { resampled: 'seeds+examples', method: 'multi-bootstrap' };
  return { members: clusterMembers(opts.clusters, E), resampled: 'seeds+clusters', method: 'cluster multi-bootstrap' };
}

/** Multi-Bootstrap mean and CI of a (seeds × examples) matrix of per-example metric values. */
export function multiBootstrap(perSeed: number[][], opts: BootstrapOptions = {}): BootstrapResult {
  const { replicates, alpha, seed } = resolve(opts);
  const { x, S, E } = flatten(perSeed, 'multiBootstrap');
  const { members, resampled, method } = design(opts, E);
  const reps = replicateMeans(x, S, E, replicates, seed, members);
  return {
    mean: meanOf(x),
    ci: [quantileSorted(reps, alpha / 2), quantileSorted(reps, 1 - alpha / 2)],
    alpha,
    replicates,
    seeds: S,
    examples: E,
    resampled,
    method,
    ...(members ? { clusters: members.length } : {}),
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

/**
 * "5 seeds × 200 examples", "5 seeds × 960 examples in 192 images" (cluster bootstrap), or
 * "5 seeds (aggregate metric, seeds only)" for a one-column metric.
 */
export function describeSize(seeds: number, examples: number, clusters?: number): string {
  const s = `${seeds} seed${seeds === 1 ? '' : 's'}`;
  if (examples === 1) return `${s} (aggregate metric, seeds only)`;
  return clusters !== undefined && clusters !== examples ? `${s} × ${examples} examples in ${clusters} images` : `${s} × ${examples} examples`;
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
  const { members, resampled, method } = design(opts, E);
  const reps = replicateMeans(d, S, E, replicates, seed, members);
  const diff = meanOf(d);
  const ci: [number, number] = [quantileSorted(reps, alpha / 2), quantileSorted(reps, 1 - alpha / 2)];
  const pOneSided =
    diff > 0 ? shareAtMost(reps, 0) : diff < 0 ? shareAtLeast(reps, 0) : Math.min(shareAtMost(reps, 0), shareAtLeast(reps, 0));
  const caveat = caveatFor(S, E);
  const level = `${Math.round((1 - alpha) * 1000) / 10}%`;
  const size = describeSize(S, E, members?.length);
  let verdict: string;
  if (S === 1 && E === 1) verdict = `cannot tell: A−B = ${fmt(diff)} from a single seed of an aggregate metric (${size})`;
  else if (ci[0] > 0) verdict = `A > B (${level} CI of A−B excludes 0; ${size})`;
  else if (ci[1] < 0) verdict = `A < B (${level} CI of A−B excludes 0; ${size})`;
  else verdict = `no detectable difference (${level} CI of A−B covers 0; ${size})`;
  if (caveat && !(S === 1 && E === 1)) verdict += ` — ${caveat}`;
  return { diff, ci, pOneSided, alpha, replicates, seeds: S, examples: E, resampled, method, ...(members ? { clusters: members.length } : {}), caveat, verdict };
}

/** "0.423 [0.401, 0.445] (5 seeds × 200 examples)". */
export function formatCI(r: { mean: number; ci: [number, number]; seeds: number; examples: number; clusters?: number }, digits = 3): string {
  return `${r.mean.toFixed(digits)} [${r.ci[0].toFixed(digits)}, ${r.ci[1].toFixed(digits)}] (${describeSize(r.seeds, r.examples, r.clusters)})`;
}
