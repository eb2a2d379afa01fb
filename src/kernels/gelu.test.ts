import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { geluBackwardRef, geluForwardRef } from './gelu';

describe('gelu references (tanh approximation)', () => {
  it('matches torch GELU(approximate="tanh") at known points', () => {
    const y = geluForwardRef([0, 1, -1, 3, -10]);
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(0.8411919906082768, 12);
    expect(y[2]).toBeCloseTo(-0.15880800939172324, 12);
    expect(y[3]).toBeCloseTo(2.996362607918227, 12);
    expect(Math.abs(y[4])).toBeLessThan(1e-20);
  });

  it('backward matches finite differences', () => {
    const rng = new Rng(3);
    const x = randArray(rng, 40, 3);
    const w = randArray(rng, 40);
    const fd = numericalGradient((v) => dot(geluForwardRef(v), w), x);
    expect(compareArrays(geluBackwardRef(x, w), fd, { atol: 1e-8, rtol: 1e-6 }).ok).toBe(true);
  });
});
