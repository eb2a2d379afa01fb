import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { type BatchnormDims, batchnormBackwardRef, batchnormForwardRef } from './batchnorm';
import { type ConvDims, conv2dBackwardRef, conv2dForwardRef, convOutSize } from './conv2d';

const FD = { atol: 1e-7, rtol: 1e-6 };
const ok = (a: ArrayLike<number>, e: ArrayLike<number>) => expect(compareArrays(a, e, FD).message).toMatch(/^max/);

describe('conv2d references', () => {
  it('output size follows torch: floor((H + 2·pad − k)/stride) + 1', () => {
    const d = (H: number, k: number, stride: number, pad: number): ConvDims => ({ B: 1, Cin: 1, H, W: H, Cout: 1, k, stride, pad, groups: 1 });
    expect(convOutSize(d(17, 3, 2, 1))).toEqual({ Ho: 9, Wo: 9 });
    expect(convOutSize(d(17, 4, 4, 0))).toEqual({ Ho: 4, Wo: 4 });
    expect(convOutSize(d(1, 3, 1, 1))).toEqual({ Ho: 1, Wo: 1 });
    expect(convOutSize(d(7, 1, 2, 0))).toEqual({ Ho: 4, Wo: 4 });
  });

  it('forward: a centred one-hot 3×3 kernel (pad 1) copies the input; 1×1 dense is a channel matmul', () => {
    const x = randArray(new Rng(1), 2 * 3 * 5 * 4);
    const w = new Float64Array(3 * 9);
    for (let c = 0; c < 3; c++) w[c * 9 + 4] = 1;
    const dw: ConvDims = { B: 2, Cin: 3, H: 5, W: 4, Cout: 3, k: 3, stride: 1, pad: 1, groups: 3 };
    ok(conv2dForwardRef(x, w, null, dw), x);
    const w1 = randArray(new Rng(2), 2 * 3);
    const y = conv2dForwardRef(x, w1, [0.5, -1], { ...dw, Cout: 2, k: 1, pad: 0, groups: 1 });
    const i = ((1 * 2 + 1) * 5 + 2) * 4 + 3; // y[b=1, co=1, 2, 3]
    const xi = (c: number) => x[((1 * 3 + c) * 5 + 2) * 4 + 3];
    expect(y[i]).toBeCloseTo(w1[3] * xi(0) + w1[4] * xi(1) + w1[5] * xi(2) - 1, 10);
  });

  const cases: ConvDims[] = [
    { B: 2, Cin: 3, H: 5, W: 4, Cout: 2, k: 3, stride: 2, pad: 1, groups: 1 },
    { B: 1, Cin: 2, H: 3, W: 3, Cout: 3, k: 3, stride: 1, pad: 1, groups: 1 },
    { B: 2, Cin: 3, H: 5, W: 3, Cout: 4, k: 1, stride: 2, pad: 0, groups: 1 },
    { B: 2, Cin: 3, H: 5, W: 5, Cout: 3, k: 2, stride: 2, pad: 0, groups: 3 },
    { B: 1, Cin: 2, H: 9, W: 6, Cout: 2, k: 4, stride: 4, pad: 0, groups: 2 },
    { B: 1, Cin: 2, H: 4, W: 3, Cout: 4, k: 3, stride: 1, pad: 1, groups: 2 },
    { B: 1, Cin: 4, H: 1, W: 1, Cout: 4, k: 3, stride: 1, pad: 1, groups: 2 },
  ];
  for (const d of cases) {
    it(`backward matches finite differences B=${d.B} ${d.Cin}→${d.Cout} ${d.H}×${d.W} k${d.k} s${d.stride} p${d.pad} g${d.groups}`, () => {
      const rng = new Rng(10 + d.H * 7 + d.groups);
      const { Ho, Wo } = convOutSize(d);
      const x = randArray(rng, d.B * d.Cin * d.H * d.W);
      const w = randArray(rng, d.Cout * (d.Cin / d.groups) * d.k * d.k);
      const b = randArray(rng, d.Cout);
      const up = randArray(rng, d.B * d.Cout * Ho * Wo);
      const L = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number>) => dot(conv2dForwardRef(xv, wv, bv, d), up);
      const g = conv2dBackwardRef(x, w, up, d);
      ok(g.dx, numericalGradient((v) => L(v, w, b), x));
      ok(g.dw, numericalGradient((v) => L(x, v, b), w));
      ok(g.dbias, numericalGradient((v) => L(x, w, v), b));
    });
  }

  it('rejects groups that do not divide the channels', () => {
    expect(() => conv2dForwardRef([0], [0], null, { B: 1, Cin: 3, H: 1, W: 1, Cout: 2, k: 1, stride: 1, pad: 0, groups: 2 })).toThrow(/groups/);
  });
});

describe('batchnorm references', () => {
  it('training: channels of y have mean beta and variance gamma² (eps 0); running stats follow torch', () => {
    const dims: BatchnormDims = { B: 3, C: 2, HW: 5, eps: 0, momentum: 0.1, training: true };
    const x = randArray(new Rng(3), 30, 2);
    const r = batchnormForwardRef(x, [2, -1], [0.5, 3], [1, 2], [3, 4], dims);
    for (let c = 0; c < 2; c++) {
      const vals = Array.from({ length: 15 }, (_, i) => r.y[(Math.floor(i / 5) * 2 + c) * 5 + (i % 5)]);
      const mean = vals.reduce((a, b) => a + b, 0) / 15;
      const varY = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 15;
      expect(mean).toBeCloseTo([0.5, 3][c], 10);
      expect(varY).toBeCloseTo([4, 1][c], 10);
      const xs = Array.from({ length: 15 }, (_, i) => x[(Math.floor(i / 5) * 2 + c) * 5 + (i % 5)]);
      const mx = xs.reduce((a, b) => a + b, 0) / 15;
      const unbiased = xs.reduce((a, b) => a + (b - mx) ** 2, 0) / 14;
      expect(r.runningMean[c]).toBeCloseTo(0.9 * [1, 2][c] + 0.1 * mx, 10);
      expect(r.runningVar[c]).toBeCloseTo(0.9 * [3, 4][c] + 0.1 * unbiased, 10);
    }
  });

  it('eval: uses the running stats and leaves them unchanged', () => {
    const r = batchnormForwardRef([1, 2, 3, 4], [2], [1], [2], [4], { B: 2, C: 1, HW: 2, eps: 0, training: false });
    ok(r.y, [0, 1, 2, 3]);
    ok(r.runningMean, [2]);
    ok(r.runningVar, [4]);
  });

  for (const [B, C, HW] of [
    [1, 1, 3],
    [2, 3, 3],
    [4, 2, 1],
    [1, 2, 5],
  ]) {
    it(`backward matches finite differences B=${B} C=${C} HW=${HW}`, () => {
      const rng = new Rng(20 + B * 5 + C);
      const dims = { B, C, HW };
      const x = randArray(rng, B * C * HW);
      const gamma = randArray(rng, C);
      const beta = randArray(rng, C);
      const up = randArray(rng, B * C * HW);
      const rm = new Float64Array(C);
      const rv = new Float64Array(C).fill(1);
      const fwd = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => batchnormForwardRef(xv, g, b, rm, rv, { ...dims, training: true });
      const L = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => dot(fwd(xv, g, b).y, up);
      const f = fwd(x, gamma, beta);
      const g = batchnormBackwardRef(x, gamma, f.mean, f.rstd, up, dims);
      ok(g.dx, numericalGradient((v) => L(v, gamma, beta), x));
      ok(g.dgamma, numericalGradient((v) => L(x, v, beta), gamma));
      ok(g.dbeta, numericalGradient((v) => L(x, gamma, v), beta));
    });
  }
});
