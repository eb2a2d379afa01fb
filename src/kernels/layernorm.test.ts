import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { layernormBackwardRef, layernormForwardRef } from './layernorm';

const FD = { atol: 1e-7, rtol: 1e-6 };

describe('layernorm references', () => {
  it('forward rows have mean 0 and variance 1 (gamma 1, beta 0, eps 0)', () => {
    const [N, C] = [4, 9];
    const x = randArray(new Rng(1), N * C, 3);
    const { y, mean, rstd } = layernormForwardRef(x, new Array(C).fill(1), new Array(C).fill(0), N, C, 0);
    for (let n = 0; n < N; n++) {
      const row = y.slice(n * C, (n + 1) * C);
      expect(row.reduce((a, b) => a + b, 0) / C).toBeCloseTo(0, 12);
      expect(row.reduce((a, b) => a + b * b, 0) / C).toBeCloseTo(1, 12);
      expect(rstd[n]).toBeGreaterThan(0);
      expect(Number.isFinite(mean[n])).toBe(true);
    }
  });

  for (const [N, C] of [
    [1, 1],
    [3, 5],
    [2, 17],
  ]) {
    it(`backward matches finite differences N=${N} C=${C}`, () => {
      const rng = new Rng(10 + C);
      const x = randArray(rng, N * C);
      const gamma = randArray(rng, C);
      const beta = randArray(rng, C);
      const w = randArray(rng, N * C);
      const L = (xv: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>) => dot(layernormForwardRef(xv, g, b, N, C).y, w);
      const f = layernormForwardRef(x, gamma, beta, N, C);
      const g = layernormBackwardRef(x, gamma, f.mean, f.rstd, w, N, C);
      expect(compareArrays(g.dx, numericalGradient((v) => L(v, gamma, beta), x), FD).ok).toBe(true);
      expect(compareArrays(g.dgamma, numericalGradient((v) => L(x, v, beta), gamma), FD).ok).toBe(true);
      expect(compareArrays(g.dbeta, numericalGradient((v) => L(x, gamma, v), beta), FD).ok).toBe(true);
    });
  }
});
