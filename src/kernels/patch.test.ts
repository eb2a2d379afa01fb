import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { clsPosBackwardRef, clsPosForwardRef, im2patchRef } from './patch';

const FD = { atol: 1e-8, rtol: 1e-6 };

describe('patch references', () => {
  it('im2patch orders patches row-major and each patch vector (c, py, px)', () => {
    // One 2-channel 2×4 image, p = 2: two patches side by side.
    const img = Array.from({ length: 16 }, (_, i) => i); // c0: 0..7, c1: 8..15
    const out = im2patchRef(img, 1, 2, 2, 4, 2);
    expect(Array.from(out)).toEqual([0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15]);
    expect(() => im2patchRef(img, 1, 2, 2, 4, 3)).toThrow(/patches/);
  });

  it('clsPos backward matches finite differences', () => {
    const [B, P, C] = [2, 3, 4];
    const rng = new Rng(5);
    const tokens = randArray(rng, B * P * C);
    const cls = randArray(rng, C);
    const pos = randArray(rng, (P + 1) * C);
    const w = randArray(rng, B * (P + 1) * C);
    const L = (t: ArrayLike<number>, c: ArrayLike<number>, p: ArrayLike<number>) => dot(clsPosForwardRef(t, c, p, B, P, C), w);
    const g = clsPosBackwardRef(w, B, P, C);
    expect(compareArrays(g.dtokens, numericalGradient((v) => L(v, cls, pos), tokens), FD).ok).toBe(true);
    expect(compareArrays(g.dcls, numericalGradient((v) => L(tokens, v, pos), cls), FD).ok).toBe(true);
    expect(compareArrays(g.dpos, numericalGradient((v) => L(tokens, cls, v), pos), FD).ok).toBe(true);
  });
});
