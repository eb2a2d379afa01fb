import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { embeddingBackwardRef, embeddingForwardRef } from './embedding';

const FD = { atol: 1e-8, rtol: 1e-6 };

describe('embedding references', () => {
  it('backward matches finite differences with repeated and out-of-range ids', () => {
    const [B, T, C, V] = [2, 4, 3, 5];
    const N = B * T;
    const rng = new Rng(1);
    const ids = [1, 3, 1, -1, 0, 1, 5, 3];
    const table = randArray(rng, V * C);
    const pos = randArray(rng, T * C);
    const w = randArray(rng, N * C);
    const g = embeddingBackwardRef(ids, w, N, T, C, V);
    const fdT = numericalGradient((v) => dot(embeddingForwardRef(ids, v, pos, N, T, C), w), table);
    const fdP = numericalGradient((v) => dot(embeddingForwardRef(ids, table, v, N, T, C), w), pos);
    expect(compareArrays(g.dtable, fdT, FD).ok).toBe(true);
    expect(compareArrays(g.dpos, fdP, FD).ok).toBe(true);
    // Unused rows (2, 4) get exactly zero gradient.
    expect(Array.from(g.dtable.slice(2 * C, 3 * C))).toEqual([0, 0, 0]);
    expect(Array.from(g.dtable.slice(4 * C, 5 * C))).toEqual([0, 0, 0]);
  });

  it('forward adds the row and the position', () => {
    const out = embeddingForwardRef([1, 0], [10, 20, 30, 40], [1, 2, 3, 4], 2, 2, 2);
    expect(Array.from(out)).toEqual([31, 42, 13, 24]);
  });
});
