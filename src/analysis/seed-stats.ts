// Statistics for metrics that exist once per run (val loss, modality gap, alignment, uniformity,
// train loss, wall time): only the seeds vary, and with ~5 seeds a percentile bootstrap over them is
// ~35% too narrow (it uses the plug-in SD and normal-ish quantiles from 5 points). METHODS.md asks
// for a t-interval instead: mean ± t_{S−1, 1−α/2} · sd/√S, and for A vs B the paired t-test on the
// per-seed differences. Also: Holm's step-down adjustment for a family of p-values, and the
// p-value formatting that never prints a resampling p as 0.
import type { BootstrapResult, PairedBootstrapResult } from './bootstrap';
import { describeSize } from './bootstrap';

/** ln Γ(x), x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (Numerical Recipes' betacf, modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const bt = Math.exp(lbt);
  return x < (a + 1) / (a + b + 2) ? (bt * betaCf(a, b, x)) / a : 1 - (bt * betaCf(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The q-quantile of Student's t (bisection on the CDF; |error| < 1e-12). */
export function studentTQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1)) throw new Error(`quantile must be in (0, 1), got ${q}`);
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function meanSd(v: number[]): { mean: number; sd: number } {
  const n = v.length;
  const mean = v.reduce((t, x) => t + x, 0) / n;
  const ss = v.reduce((t, x) => t + (x - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

function checkValues(v: number[], what: string): void {
  if (v.length === 0) throw new Error(`${what}: no seeds`);
  for (const x of v) if (!Number.isFinite(x)) throw new Error(`${what}: non-finite value`);
}

function caveatFor(S: number): string {
  return S === 1
    ? 'one value per run: 1 seed, no uncertainty estimate possible'
    : 'one value per run (no per-example values): t-interval over seeds only, evaluation-set variance not captured';
}

/** Mean and (1 − α) t-interval of one value per seed. One seed: CI collapses onto the value. */
export function seedTInterval(values: number[], alpha = 0.05): BootstrapResult {
  checkValues(values, 'seedTInterval');
  const S = values.length;
  const { mean, sd } = meanSd(values);
  const half = S > 1 ? studentTQuantile(1 - alpha / 2, S - 1) * (sd / Math.sqrt(S)) : 0;
  return { mean, ci: [mean - half, mean + half], alpha, replicates: 0, seeds: S, examples: 1, resampled: 'seeds', method: 't-interval', caveat: caveatFor(S) };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(3));

/**
 * Paired t-interval of A − B over seeds (a[s], b[s] from the same seed) and the one-sided p of the
 * paired t-test in the direction of the observed difference (1 when the difference is exactly 0).
 */
export function pairedSeedTInterval(a: number[], b: number[], alpha = 0.05): PairedBootstrapResult {
  checkValues(a, 'pairedSeedTInterval (A)');
  checkValues(b, 'pairedSeedTInterval (B)');
  if (a.length !== b.length) throw new Error(`pairedSeedTInterval: A has ${a.length} seeds, B has ${b.length}; pair seeds first`);
  const S = a.length;
  const d = a.map((x, i) => x - b[i]);
  const { mean: diff, sd } = meanSd(d);
  const se = sd / Math.sqrt(S);
  const half = S > 1 ? studentTQuantile(1 - alpha / 2, S - 1) * se : 0;
  const ci: [number, number] = [diff - half, diff + half];
  // se = 0 with diff ≠ 0 (every seed moved by the same amount): the t statistic is infinite.
  const pOneSided = S < 2 || diff === 0 ? 1 : se === 0 ? 0 : studentTCdf(-Math.abs(diff) / se, S - 1);
  const level = `${Math.round((1 - alpha) * 1000) / 10}%`;
  const size = describeSize(S, 1);
  const caveat = caveatFor(S);
  let verdict: string;
  if (S === 1) verdict = `cannot tell: A−B = ${fmt(diff)} from a single seed of an aggregate metric (${size})`;
  else if (ci[0] > 0) verdict = `A > B (${level} t-interval of A−B excludes 0; ${size})`;
  else if (ci[1] < 0) verdict = `A < B (${level} t-interval of A−B excludes 0; ${size})`;
  else verdict = `no detectable difference (${level} t-interval of A−B covers 0; ${size})`;
  if (S > 1) verdict += ` — ${caveat}`;
  return { diff, ci, pOneSided, alpha, replicates: 0, seeds: S, examples: 1, resampled: 'seeds', method: 't-interval', caveat, verdict };
}

/**
 * Holm's step-down adjustment (controls the family-wise error rate): sort p ascending, adjusted
 * p_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)); returned in the input order.
 */
export function holm(p: number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((x, y) => p[x] - p[y]);
  const out = new Array<number>(m);
  let run = 0;
  order.forEach((i, rank) => {
    run = Math.max(run, Math.min(1, (m - rank) * p[i]));
    out[i] = run;
  });
  return out;
}

/**
 * A p-value as text. A resampling p below 1/replicates means "no replicate had the other sign":
 * it prints "< 1/R" (e.g. "< 0.001" for 1,000 replicates), never 0.000. `replicates` 0 = analytic p.
 */
export function formatP(p: number, replicates: number, digits = 3): string {
  const floor = replicates > 0 ? 1 / replicates : 10 ** -digits;
  if (p < floor) return `< ${Number(floor.toPrecision(2))}`;
  return p.toFixed(Math.max(digits, replicates > 0 ? Math.ceil(Math.log10(replicates)) : digits));
}
