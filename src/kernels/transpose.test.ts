import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { transposeRef } from './transpose';

describe('transpose reference', () => {
  it('maps (B, R, S) to (B, S, R)', () => {
    // B = 1, R = 2, S = 3: [[0,1,2],[3,4,5]] → [[0,3],[1,4],[2,5]].
    expect(Array.from(transposeRef([0, 1, 2, 3, 4, 5], 1, 2, 3))).toEqual([0, 3, 1, 4, 2, 5]);
    // Two batches stay separate.
    expect(Array.from(transposeRef([0, 1, 2, 3, 4, 5, 6, 7], 2, 2, 2))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });

  it('its backward (the inverse transpose) matches finite differences', () => {
    const [B, R, S] = [2, 3, 4];
    const rng = new Rng(9);
    const x = randArray(rng, B * R * S);
    const w = randArray(rng, B * R * S);
    const fd = numericalGradient((v) => dot(transposeRef(v, B, R, S), w), x);
    expect(compareArrays(transposeRef(w, B, S, R), fd, { atol: 1e-8, rtol: 1e-6 }).ok).toBe(true);
  });
});
