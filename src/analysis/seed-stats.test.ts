import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { multiBootstrap } from './bootstrap';
import { formatP, holm, pairedSeedTInterval, seedTInterval, studentTCdf, studentTQuantile } from './seed-stats';

describe('Student t', () => {
  it('quantiles match the tables', () => {
    // R: qt(0.975, c(1, 2, 4, 9, 30)), qt(0.95, 4)
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 5);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 5);
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776445, 5);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.262157, 5);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.131847, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
  });
  it('the CDF is symmetric and matches pt', () => {
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-1, 4)).toBeCloseTo(0.1869505, 6); // R: pt(-1, 4)
    expect(studentTCdf(1, 4) + studentTCdf(-1, 4)).toBeCloseTo(1, 12);
  });
});

describe('seedTInterval', () => {
  it('mean ± t · sd / √S', () => {
    const r = seedTInterval([0.1, 0.3, 0.2, 0.5, 0.4]);
    const half = 2.776445 * (Math.sqrt(0.025) / Math.sqrt(5));
    expect(r.mean).toBeCloseTo(0.3, 12);
    expect(r.ci[0]).toBeCloseTo(0.3 - half, 5);
    expect(r.ci[1]).toBeCloseTo(0.3 + half, 5);
    expect(r).toMatchObject({ seeds: 5, examples: 1, resampled: 'seeds', method: 't-interval' });
    expect(r.caveat).toContain('t-interval over seeds only');
    expect(seedTInterval([2]).ci).toEqual([2, 2]);
  });

  it('covers ~95% with 5 seeds where the seeds-only percentile bootstrap under-covers', () => {
    const rng = new Rng(31);
    const n = 2000;
    let t = 0;
    let boot = 0;
    let widthRatio = 0;
    for (let k = 0; k < n; k++) {
      const v = Array.from({ length: 5 }, () => 1 + 0.3 * rng.normal());
      const a = seedTInterval(v);
      const b = multiBootstrap(v.map((x) => [x]), { replicates: 400, seed: k + 1 });
      if (a.ci[0] <= 1 && a.ci[1] >= 1) t++;
      if (b.ci[0] <= 1 && b.ci[1] >= 1) boot++;
      widthRatio += (b.ci[1] - b.ci[0]) / (a.ci[1] - a.ci[0]) / n;
    }
    console.log(`5 seeds, ${n} experiments: t-interval coverage ${t / n}, percentile bootstrap ${boot / n}, width ratio ${widthRatio.toFixed(2)}`);
    expect(t / n).toBeGreaterThan(0.93);
    expect(t / n).toBeLessThan(0.97);
    expect(boot / n).toBeLessThan(0.86);
    expect(widthRatio).toBeLessThan(0.7);
  });
});

describe('pairedSeedTInterval', () => {
  it('is the paired t-test on per-seed differences', () => {
    // d = [1, 2, 3, 4, 5] − [0, 0, 0, 0, 0]: mean 3, sd √2.5, t = 3 / (√2.5/√5) = 4.2426, df 4
    const r = pairedSeedTInterval([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]);
    expect(r.diff).toBeCloseTo(3, 12);
    expect(r.pOneSided).toBeCloseTo(0.0066178, 6); // ∫ t₄ density up to −4.2426 (mpmath quad)
    expect(r.verdict).toMatch(/^A > B \(95% t-interval/);
    const ba = pairedSeedTInterval([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]);
    expect(ba.pOneSided).toBeCloseTo(r.pOneSided, 12);
    expect(ba.ci[0]).toBeCloseTo(-r.ci[1], 12);
    expect(pairedSeedTInterval([1, 1], [1, 1]).pOneSided).toBe(1);
    expect(pairedSeedTInterval([2], [1]).verdict).toMatch(/^cannot tell/);
    expect(() => pairedSeedTInterval([1, 2], [1])).toThrow(/pair seeds/);
  });
});

describe('holm', () => {
  it('step-down adjustment in input order (R: p.adjust(p, "holm"))', () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    // sorted 0.005, 0.01, 0.03, 0.04 → 0.02, 0.03, 0.06, max(0.06, 0.04) = 0.06
    const adj = holm(p);
    expect(adj[3]).toBeCloseTo(0.02, 12);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

describe('formatP', () => {
  it('never prints a resampling p as 0', () => {
    expect(formatP(0, 1000)).toBe('< 0.001');
    expect(formatP(0.0004, 2000)).toBe('< 0.0005');
    expect(formatP(0.006, 1000)).toBe('0.006');
    expect(formatP(0.0123, 2000)).toBe('0.0123');
    expect(formatP(1e-7, 0)).toBe('< 0.001');
    expect(formatP(0.2, 0)).toBe('0.200');
  });
});
