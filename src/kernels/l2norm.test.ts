import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { l2normBackwardRef, l2normForwardRef } from './l2norm';

describe('l2norm references', () => {
  it('rows come out unit length', () => {
    const { y } = l2normForwardRef(randArray(new Rng(1), 12, 5), 3, 4);
    for (let n = 0; n < 3; n++) expect(Math.hypot(...y.slice(n * 4, n * 4 + 4))).toBeCloseTo(1, 12);
  });

  it('backward matches finite differences', () => {
    const [N, D] = [3, 5];
    const rng = new Rng(2);
    const x = randArray(rng, N * D);
    const w = randArray(rng, N * D);
    const f = l2normForwardRef(x, N, D);
    const fd = numericalGradient((v) => dot(l2normForwardRef(v, N, D).y, w), x);
    expect(compareArrays(l2normBackwardRef(f.y, f.norms, w, N, D), fd, { atol: 1e-8, rtol: 1e-6 }).ok).toBe(true);
  });

  it('a zero row is scaled by 1/eps (linear there): gradient dy/1e-12', () => {
    const dx = l2normBackwardRef([0, 0], [0], [1, -2], 1, 2);
    expect(Array.from(dx)).toEqual([1e12, -2e12]);
  });
});
