import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { type PoolMode, poolBackwardRef, poolForwardRef } from './pool';

const FD = { atol: 1e-8, rtol: 1e-6 };

describe('pool references', () => {
  const cases: [PoolMode, number[] | undefined][] = [
    ['cls', undefined],
    ['mean', undefined],
    ['mean', [2, 4, 0]],
    ['eot', [1, 3, 9]],
  ];
  for (const [mode, index] of cases) {
    it(`${mode}${index ? ` index [${index}]` : ''}: backward matches finite differences`, () => {
      const [B, T, C] = [3, 4, 2];
      const rng = new Rng(7);
      const x = randArray(rng, B * T * C);
      const w = randArray(rng, B * C);
      const fd = numericalGradient((v) => dot(poolForwardRef(v, B, T, C, mode, index), w), x);
      expect(compareArrays(poolBackwardRef(w, B, T, C, mode, index), fd, FD).ok).toBe(true);
    });
  }

  it('mean over zero tokens is 0; eot clamps to the last token', () => {
    const x = [1, 2, 3, 4]; // B=1, T=2, C=2
    expect(Array.from(poolForwardRef(x, 1, 2, 2, 'mean', [0]))).toEqual([0, 0]);
    expect(Array.from(poolForwardRef(x, 1, 2, 2, 'mean'))).toEqual([2, 3]);
    expect(Array.from(poolForwardRef(x, 1, 2, 2, 'eot', [7]))).toEqual([3, 4]);
  });
});
