import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { describeSize, formatCI, hitsAtK, multiBootstrap, pairedMultiBootstrap, quantileSorted } from './bootstrap';

const matrix = (S: number, E: number, f: (s: number, e: number) => number) =>
  Array.from({ length: S }, (_, s) => Array.from({ length: E }, (_, e) => f(s, e)));
const grandMean = (m: number[][]) => m.flat().reduce((t, v) => t + v, 0) / m.flat().length;
const covers0 = (ci: [number, number]) => ci[0] <= 0 && ci[1] >= 0;

describe('helpers', () => {
  it('hitsAtK: 1 when the 0-based rank is below k', () => {
    expect(hitsAtK([0, 1, 4, 5, 9, 10], 1)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(hitsAtK([0, 1, 4, 5, 9, 10], 5)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(hitsAtK([0, 1, 4, 5, 9, 10], 10)).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('quantileSorted interpolates linearly (R type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([0, 10], 0.025)).toBeCloseTo(0.25);
    expect(quantileSorted([7], 0.975)).toBe(7);
  });

  it('describes sizes', () => {
    expect(describeSize(5, 200)).toBe('5 seeds × 200 examples');
    expect(describeSize(1, 1)).toContain('seeds only');
    expect(formatCI({ mean: 0.5, ci: [0.4, 0.6], seeds: 3, examples: 10 })).toBe('0.500 [0.400, 0.600] (3 seeds × 10 examples)');
  });
});

describe('multiBootstrap', () => {
  it('a constant matrix collapses the CI onto the constant', () => {
    const r = multiBootstrap(matrix(4, 30, () => 0.37), { replicates: 200 });
    expect(r.mean).toBeCloseTo(0.37, 12);
    expect(r.ci[0]).toBeCloseTo(0.37, 12);
    expect(r.ci[1]).toBeCloseTo(0.37, 12);
    expect(r).toMatchObject({ seeds: 4, examples: 30, replicates: 200, resampled: 'seeds+examples', caveat: '' });
  });

  it('mean is the grand mean and the CI brackets it', () => {
    const rng = new Rng(3);
    const m = matrix(5, 80, () => (rng.next() < 0.4 ? 1 : 0));
    const r = multiBootstrap(m, { replicates: 1000 });
    expect(r.mean).toBeCloseTo(grandMean(m), 12);
    expect(r.ci[0]).toBeLessThan(r.mean);
    expect(r.ci[1]).toBeGreaterThan(r.mean);
    // binomial SE of 400 cells is ~0.0245; the two-way bootstrap is a bit wider than ±1.96 SE
    expect(r.ci[1] - r.ci[0]).toBeGreaterThan(0.06);
    expect(r.ci[1] - r.ci[0]).toBeLessThan(0.2);
  });

  it('draws ONE example set per replicate for all drawn seeds', () => {
    // Identical seeds: with a shared example draw the CI is as wide as one seed's; independent
    // per-seed draws would shrink it by about sqrt(10).
    const rng = new Rng(5);
    const row = Array.from({ length: 40 }, () => rng.normal());
    const one = multiBootstrap([row], { replicates: 2000, seed: 9 });
    const ten = multiBootstrap(matrix(10, 40, (_, e) => row[e]), { replicates: 2000, seed: 9 });
    const w1 = one.ci[1] - one.ci[0];
    const w10 = ten.ci[1] - ten.ci[0];
    expect(w10 / w1).toBeGreaterThan(0.85);
    expect(w10 / w1).toBeLessThan(1.15);
    expect(one.caveat).toContain('1 seed');
  });

  it('one column = bootstrap over seeds only, and says so', () => {
    const vals = [0.1, 0.3, 0.2, 0.5, 0.4];
    const r = multiBootstrap(vals.map((v) => [v]), { replicates: 1000 });
    expect(r.mean).toBeCloseTo(0.3, 12);
    expect(r.examples).toBe(1);
    expect(r.resampled).toBe('seeds');
    expect(r.caveat).toContain('seeds only');
    expect(r.ci[0]).toBeGreaterThanOrEqual(0.1);
    expect(r.ci[1]).toBeLessThanOrEqual(0.5);
    expect(r.ci[1] - r.ci[0]).toBeGreaterThan(0.1);
  });

  it('is deterministic given its seed', () => {
    const rng = new Rng(11);
    const m = matrix(4, 50, () => rng.normal());
    const a = multiBootstrap(m, { replicates: 500, seed: 42 });
    const b = multiBootstrap(m, { replicates: 500, seed: 42 });
    const c = multiBootstrap(m, { replicates: 500, seed: 43 });
    expect(a).toEqual(b);
    expect(c.ci).not.toEqual(a.ci);
    expect(c.mean).toBe(a.mean);
  });

  it('alpha sets the level', () => {
    const rng = new Rng(2);
    const m = matrix(6, 60, () => rng.normal());
    const w95 = multiBootstrap(m, { replicates: 2000 });
    const w80 = multiBootstrap(m, { replicates: 2000, alpha: 0.2 });
    expect(w80.ci[1] - w80.ci[0]).toBeLessThan(w95.ci[1] - w95.ci[0]);
  });

  it('rejects ragged, empty or non-finite input', () => {
    expect(() => multiBootstrap([])).toThrow(/no seeds/);
    expect(() => multiBootstrap([[1, 2], [3]])).toThrow(/seed 1 has 1 examples/);
    expect(() => multiBootstrap([[1, Number.NaN]])).toThrow(/non-finite/);
  });
});

describe('pairedMultiBootstrap', () => {
  it('identical configs: the 95% CI of A−B covers 0 about 95% of the time (simulation)', () => {
    // x_c[s][e] = 0.5 + shared example difficulty + config-seed effect + config-example effect + noise.
    // A and B come from the same distribution, so the population difference is 0.
    const rng = new Rng(777);
    const S = 5;
    const E = 100;
    const n = 200;
    let cover = 0;
    let reject = 0;
    for (let t = 0; t < n; t++) {
      const shared = Array.from({ length: E }, () => rng.normal());
      const draw = () => {
        const seedFx = Array.from({ length: S }, () => 0.1 * rng.normal());
        const exFx = Array.from({ length: E }, () => 0.5 * rng.normal());
        return matrix(S, E, (s, e) => 0.5 + shared[e] + seedFx[s] + exFx[e] + 0.2 * rng.normal());
      };
      const r = pairedMultiBootstrap(draw(), draw(), { replicates: 1000, seed: t + 1 });
      if (covers0(r.ci)) cover++;
      if (r.pOneSided < 0.025) reject++;
    }
    console.log(`simulated coverage (identical configs, ${S} seeds × ${E} examples, ${n} experiments): ${cover / n}`);
    expect(cover / n).toBeGreaterThanOrEqual(0.88);
    expect(cover / n).toBeLessThanOrEqual(0.99);
    // CI excludes 0 ⇔ one-sided p below alpha/2 (up to ties at the percentile)
    expect(Math.abs(reject - (n - cover))).toBeLessThanOrEqual(2);
  });

  it('identical configs on 0/1 hits with seed×example noise: conservative (coverage ≥ nominal here)', () => {
    // Bernoulli outcomes: the per-cell noise is resampled both through seeds and through
    // examples, so the two-way bootstrap overstates it (known; coverage ≳ nominal).
    const rng = new Rng(12345);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const S = 5;
    const E = 100;
    const n = 200;
    let cover = 0;
    for (let t = 0; t < n; t++) {
      const v = Array.from({ length: E }, () => 1.5 * rng.normal());
      const c = Array.from({ length: S }, () => 0.3 * rng.normal());
      const draw = () => {
        const u = c.map((x) => x + 0.15 * rng.normal());
        return matrix(S, E, (s, e) => (rng.next() < sig(v[e] + u[s]) ? 1 : 0));
      };
      if (covers0(pairedMultiBootstrap(draw(), draw(), { replicates: 500, seed: t + 1 }).ci)) cover++;
    }
    console.log(`simulated coverage (identical configs, 0/1 hits, ${S} seeds × ${E} examples): ${cover / n}`);
    expect(cover / n).toBeGreaterThanOrEqual(0.93);
  });

  it('detects a planted difference: B = A + 0.1 on a 0/1 metric', () => {
    const rng = new Rng(2024);
    const S = 5;
    const E = 400;
    const base = Array.from({ length: E }, () => 0.2 + 0.5 * rng.next()); // per-example difficulty
    const seedFx = Array.from({ length: S }, () => 0.03 * rng.normal());
    const a = matrix(S, E, (s, e) => (rng.next() < base[e] + seedFx[s] ? 1 : 0));
    const b = matrix(S, E, (s, e) => (rng.next() < base[e] + seedFx[s] + 0.1 ? 1 : 0));
    const r = pairedMultiBootstrap(a, b, { replicates: 2000, seed: 7 });
    expect(r.diff).toBeCloseTo(grandMean(a) - grandMean(b), 12);
    expect(r.diff).toBeLessThan(-0.05);
    expect(r.ci[1]).toBeLessThan(0);
    expect(r.pOneSided).toBeLessThan(0.05);
    expect(r.verdict).toMatch(/^A < B \(95% CI of A−B excludes 0; 5 seeds × 400 examples\)$/);
    expect(r).toMatchObject({ seeds: 5, examples: 400, resampled: 'seeds+examples' });
  });

  it('p-value and CI are symmetric under swapping A and B', () => {
    const rng = new Rng(8);
    const a = matrix(4, 60, () => (rng.next() < 0.5 ? 1 : 0));
    const b = matrix(4, 60, () => (rng.next() < 0.55 ? 1 : 0));
    const ab = pairedMultiBootstrap(a, b, { replicates: 1000, seed: 3 });
    const ba = pairedMultiBootstrap(b, a, { replicates: 1000, seed: 3 });
    expect(ba.diff).toBeCloseTo(-ab.diff, 12);
    expect(ba.ci[0]).toBeCloseTo(-ab.ci[1], 12);
    expect(ba.ci[1]).toBeCloseTo(-ab.ci[0], 12);
    expect(ba.pOneSided).toBe(ab.pOneSided);
    expect(ab.pOneSided).toBeGreaterThan(0);
    expect(ab.pOneSided).toBeLessThan(1);
  });

  it('p is the share of replicates with the other sign', () => {
    // Seeds only (one column): d = [1, 1, -1]; a replicate is ≤ 0 iff it draws -1 at least twice:
    // P = 3·(1/3)²·(2/3) + (1/3)³ = 7/27.
    const r = pairedMultiBootstrap([[1], [1], [-1]], [[0], [0], [0]], { replicates: 20000, seed: 5 });
    expect(r.diff).toBeCloseTo(1 / 3, 12);
    expect(r.pOneSided).toBeCloseTo(7 / 27, 2);
    expect(r.resampled).toBe('seeds');
    expect(r.verdict).toContain('no detectable difference');
    expect(r.verdict).toContain('seeds only');
    // no difference at all: p = 1, CI = [0, 0] covers 0
    const z = pairedMultiBootstrap([[1, 0], [0, 1]], [[1, 0], [0, 1]], { replicates: 100 });
    expect(z.pOneSided).toBe(1);
    expect(z.ci).toEqual([0, 0]);
    expect(z.verdict).toBe('no detectable difference (95% CI of A−B covers 0; 2 seeds × 2 examples)');
  });

  it('says "A > B", and refuses a verdict from one seed of an aggregate metric', () => {
    const r = pairedMultiBootstrap(matrix(3, 50, () => 1), matrix(3, 50, (_, e) => (e % 2) * 0.5), { replicates: 300 });
    expect(r.verdict).toBe('A > B (95% CI of A−B excludes 0; 3 seeds × 50 examples)');
    expect(r.pOneSided).toBe(0);
    const one = pairedMultiBootstrap([[2]], [[1]]);
    expect(one.verdict).toMatch(/^cannot tell/);
  });

  it('is deterministic and rejects unpaired shapes', () => {
    const rng = new Rng(1);
    const a = matrix(3, 20, () => rng.normal());
    const b = matrix(3, 20, () => rng.normal());
    expect(pairedMultiBootstrap(a, b, { seed: 4, replicates: 300 })).toEqual(pairedMultiBootstrap(a, b, { seed: 4, replicates: 300 }));
    expect(() => pairedMultiBootstrap(a, b.slice(0, 2))).toThrow(/pair seeds/);
  });
});
