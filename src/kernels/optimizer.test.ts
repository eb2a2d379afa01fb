// CPU-only tests of the optimizer references and the learning-rate schedule.
import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { type AdamWState, DEFAULT_LR_MULT, DEFAULT_WD_MULT, adamwRef, gradNormRef, lrAt, numPartials } from './optimizer';

const H = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1 };

describe('lrAt', () => {
  const s = { lr: 3e-4, warmup: 10, total: 110, minLr: 3e-5 };

  it('warms up linearly from 0 to the peak at `warmup`', () => {
    expect(lrAt(0, s)).toBe(0);
    expect(lrAt(5, s)).toBeCloseTo(1.5e-4, 15);
    expect(lrAt(10, s)).toBeCloseTo(3e-4, 15);
    for (let t = 1; t <= 10; t++) expect(lrAt(t, s)).toBeGreaterThan(lrAt(t - 1, s));
  });

  it('decays by cosine to minLr at `total`, monotonically, and holds it afterwards', () => {
    expect(lrAt(60, s)).toBeCloseTo((3e-4 + 3e-5) / 2, 15); // halfway: the cosine midpoint
    expect(lrAt(110, s)).toBeCloseTo(3e-5, 15);
    expect(lrAt(500, s)).toBe(3e-5);
    for (let t = 11; t <= 110; t++) expect(lrAt(t, s)).toBeLessThan(lrAt(t - 1, s));
    for (let t = 0; t <= 200; t++) expect(lrAt(t, s)).toBeGreaterThanOrEqual(0);
  });

  it('defaults minLr to 0 and handles no warmup', () => {
    const t = { lr: 1, warmup: 0, total: 4 };
    expect(lrAt(0, t)).toBe(1);
    expect(lrAt(2, t)).toBeCloseTo(0.5, 15);
    expect(lrAt(4, t)).toBeCloseTo(0, 15);
  });
});

describe('gradNormRef', () => {
  it('computes the L2 norm and the clip factor', () => {
    const r = gradNormRef([3, 4], 1);
    expect(r.norm).toBe(5);
    expect(r.clip).toBeCloseTo(1 / (5 + 1e-6), 15);
    expect(r.nonFinite).toBe(false);
    expect(gradNormRef([3, 4], 10).clip).toBe(1);
    expect(gradNormRef([3, 4], 0).clip).toBe(1); // maxNorm <= 0 disables clipping
  });

  it('flags NaN, ±Inf and f32 overflow of the sum of squares', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e20]) {
      const r = gradNormRef([1, bad, 2], 1);
      expect(r.nonFinite).toBe(true);
      expect(r.norm).toBe(Number.POSITIVE_INFINITY);
      expect(r.clip).toBe(1);
    }
  });

  it('partials stay bounded', () => {
    expect(numPartials(0)).toBe(1);
    expect(numPartials(1)).toBe(1);
    expect(numPartials(100_003)).toBe(25);
    expect(numPartials(1e9)).toBe(1024);
  });
});

describe('adamwRef', () => {
  it('first step moves every param by ≈ lr·sign(g) (no decay)', () => {
    const rng = new Rng(1);
    const n = 200;
    const p = randArray(rng, n);
    const g = randArray(rng, n);
    const r = adamwRef(p, g, new Float64Array(n), new Float64Array(n), new Uint32Array(4), { clip: 1, nonFinite: false }, H);
    for (let i = 0; i < n; i++) {
      expect(p[i] - r.params[i]).toBeCloseTo(H.lr * Math.sign(g[i]), 8); // off by lr·eps/(|g|+eps)
      expect(r.m[i]).toBeCloseTo(0.1 * g[i], 12);
      expect(r.v[i]).toBeCloseTo(0.001 * g[i] * g[i], 12);
    }
  });

  it('applies decoupled weight decay only where the 64-element block mask is set', () => {
    const n = 128;
    const p = new Float64Array(n).fill(2);
    const g = new Float64Array(n).fill(0.5);
    const r = adamwRef(p, g, new Float64Array(n), new Float64Array(n), [0, 1], { clip: 1, nonFinite: false }, H);
    const adam = 1 / (1 + 1e-8 / 0.5); // mhat/(sqrt(vhat)+eps) at step 1
    for (let i = 0; i < 64; i++) expect(r.params[i]).toBeCloseTo(2 - H.lr * adam, 14);
    for (let i = 64; i < n; i++) expect(r.params[i]).toBeCloseTo(2 - H.lr * (adam + 0.1 * 2), 14);
  });

  it('matches torch.optim.AdamW form: p·(1 − lr·wd) − lr·mhat/(sqrt(vhat)+eps), over several steps', () => {
    const rng = new Rng(2);
    const n = 70;
    let s: AdamWState = { params: Float64Array.from(randArray(rng, n)), m: new Float64Array(n), v: new Float64Array(n) };
    const pt = Float64Array.from(s.params);
    const mt = new Float64Array(n);
    const vt = new Float64Array(n);
    for (let step = 1; step <= 5; step++) {
      const g = randArray(rng, n);
      const clip = 0.7;
      s = adamwRef(s.params, g, s.m, s.v, [1, 1], { clip, nonFinite: false }, { ...H, step });
      for (let i = 0; i < n; i++) {
        const gi = g[i] * clip;
        pt[i] *= 1 - H.lr * H.weightDecay;
        mt[i] = H.beta1 * mt[i] + (1 - H.beta1) * gi;
        vt[i] = H.beta2 * vt[i] + (1 - H.beta2) * gi * gi;
        const denom = Math.sqrt(vt[i]) / Math.sqrt(1 - H.beta2 ** step) + H.eps;
        pt[i] -= (H.lr / (1 - H.beta1 ** step)) * (mt[i] / denom);
      }
    }
    for (let i = 0; i < n; i++) expect(s.params[i]).toBeCloseTo(pt[i], 13);
  });

  it('scales gradients by the clip factor (Adam is ~scale invariant, so m and v scale instead)', () => {
    const g = [0.5, -2];
    const r = adamwRef([0, 0], g, [0, 0], [0, 0], [0], { clip: 0.25, nonFinite: false }, H);
    expect(r.m[0]).toBeCloseTo(0.1 * 0.125, 15);
    expect(r.v[1]).toBeCloseTo(0.001 * 0.25, 15);
  });

  it('skips the whole step when the gradients are non-finite', () => {
    const p = [1, 2, 3];
    const m = [0.1, 0.2, 0.3];
    const v = [0.01, 0.02, 0.03];
    const r = adamwRef(p, [1, Number.NaN, 1], m, v, [1], gradNormRef([1, Number.NaN, 1], 1), H);
    expect(Array.from(r.params)).toEqual(p);
    expect(Array.from(r.m)).toEqual(m);
    expect(Array.from(r.v)).toEqual(v);
  });

  it('per-group lr and weight decay reach each group (no-decay / specific / shared / vision blocks)', () => {
    const n = 320;
    const p = new Float64Array(n).fill(2);
    const g = new Float64Array(n).fill(0.5);
    const lrMult = [0.5, 2, 0.1, 0.3, 0.7] as const; // OPTIM_GROUPS order: noDecay, specific, shared, visionNoDecay, visionSpecific
    const wdMult = [0.25, 1, 3, 0, 4] as const;
    const r = adamwRef(p, g, new Float64Array(n), new Float64Array(n), [0, 1, 2, 3, 4], { clip: 1, nonFinite: false }, { ...H, lrMult, wdMult });
    const adam = 1 / (1 + 1e-8 / 0.5);
    const want = lrMult.map((l, k) => 2 - H.lr * l * (adam + 0.1 * wdMult[k] * 2));
    for (let i = 0; i < n; i++) expect(r.params[i]).toBeCloseTo(want[Math.floor(i / 64)], 14);
    // The defaults are plain AdamW with a 0/1 decay mask.
    expect(adamwRef(p, g, new Float64Array(n), new Float64Array(n), [0, 1, 0], { clip: 1, nonFinite: false }, H).params).toEqual(
      adamwRef(p, g, new Float64Array(n), new Float64Array(n), [0, 1, 0], { clip: 1, nonFinite: false }, { ...H, lrMult: DEFAULT_LR_MULT, wdMult: DEFAULT_WD_MULT }).params,
    );
  });

  it('clamps one element after the update (logit scale): a parameter that overshoots comes back, its gradient still acts', () => {
    const max = Math.log(100);
    const clamp = { index: 1, min: 0, max };
    // Pushed up (negative gradient) from just below the cap: clamped to exactly ln 100, not beyond.
    const up = adamwRef([0, max - 1e-4], [0, -1], [0, 0], [0, 0], [0], { clip: 1, nonFinite: false }, { ...H, clamp });
    expect(up.params[1]).toBe(max);
    // At the cap, a positive gradient moves it down again (the old exp(min(t, ln 100)) would have stalled it above).
    const down = adamwRef(up.params, [0, 1], up.m, up.v, [0], { clip: 1, nonFinite: false }, { ...H, step: 2, clamp });
    expect(down.params[1]).toBeLessThan(max);
    expect(down.params[0]).toBe(0);
  });

  it('rejects a 0-based step', () => {
    expect(() => adamwRef([1], [1], [0], [0], [0], { clip: 1, nonFinite: false }, { ...H, step: 0 })).toThrow();
  });
});
