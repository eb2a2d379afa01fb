import { describe, expect, it } from 'vitest';
import { Rng, randArray } from '../util/rng';
import { compareArrays } from '../testing/compare';
import { dot, numericalGradient } from '../testing/finite-diff';
import { accumulateRef, addBiasRef, addRef, reluBackwardRef, reluForwardRef, rowWorkgroupSize, sumRowsRef } from './elementwise';

const FD = { atol: 1e-8, rtol: 1e-6 };

describe('elementwise references', () => {
  it('relu backward matches finite differences (away from the kink)', () => {
    const rng = new Rng(1);
    const x = randArray(rng, 30).map((v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
    const w = randArray(rng, 30);
    const fd = numericalGradient((v) => dot(reluForwardRef(v), w), x);
    expect(compareArrays(reluBackwardRef(x, w), fd, FD).ok).toBe(true);
  });

  it('add backward is the upstream gradient for both inputs (accumulated)', () => {
    const rng = new Rng(2);
    const [a, b, w] = [randArray(rng, 9), randArray(rng, 9), randArray(rng, 9)];
    const fdA = numericalGradient((v) => dot(addRef(v, b), w), a);
    expect(compareArrays(accumulateRef(w, new Float64Array(9)), fdA, FD).ok).toBe(true);
  });

  it('sumRows is the bias gradient of y = x + bias, also with a row stride', () => {
    const [N, C] = [5, 7];
    const rng = new Rng(3);
    const x = randArray(rng, N * C);
    const bias = randArray(rng, C);
    const w = randArray(rng, N * C);
    const fd = numericalGradient((b) => dot(addBiasRef(x, b, N, C), w), bias);
    expect(compareArrays(sumRowsRef(w, N, C), fd, FD).ok).toBe(true);
    // Strided: column sums of the first 3 columns of each 7-wide row.
    const strided = sumRowsRef(w, N, 3, C);
    const dense = sumRowsRef(w, N, C);
    expect(Array.from(strided)).toEqual(Array.from(dense.slice(0, 3)));
  });

  it('row workgroup size is a power of two in [32, 256] covering C where possible', () => {
    expect([1, 32, 33, 64, 65, 200, 256, 1024].map(rowWorkgroupSize)).toEqual([32, 32, 64, 64, 128, 256, 256, 256]);
  });
});
