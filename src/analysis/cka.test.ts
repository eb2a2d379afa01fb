import { describe, expect, it } from 'vitest';
import { kmeans2, linearCka, modalityMixingNmi, nmi } from './cka';

function gauss(seed: number, n: number): Float64Array {
  let s = seed;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 1) / 4294967297;
  };
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** Random orthogonal (d, d) by Gram–Schmidt. */
function orthogonal(d: number, seed: number): Float64Array {
  const m = gauss(seed, d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += m[i * d + k] * m[j * d + k];
      for (let k = 0; k < d; k++) m[i * d + k] -= dot * m[j * d + k];
    }
    let n = 0;
    for (let k = 0; k < d; k++) n += m[i * d + k] ** 2;
    for (let k = 0; k < d; k++) m[i * d + k] /= Math.sqrt(n);
  }
  return m;
}

function matmul(a: Float64Array, b: Float64Array, N: number, K: number, M: number): Float64Array {
  const out = new Float64Array(N * M);
  for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) for (let j = 0; j < M; j++) out[i * M + j] += a[i * K + k] * b[k * M + j];
  return out;
}

describe('linearCka', () => {
  const N = 40;
  const d = 6;
  const X = gauss(1, N * d);
  it('CKA(X, X) = 1', () => {
    expect(linearCka(X, X, N, d, d)).toBeCloseTo(1, 10);
  });
  it('invariant to orthogonal transforms, isotropic scaling and translation', () => {
    const Q = orthogonal(d, 7);
    const Y = matmul(X, Q, N, d, d).map((v, k) => 3.5 * v + (k % d));
    expect(linearCka(X, Y, N, d, d)).toBeCloseTo(1, 8);
  });
  it('hand case: X = [0,1,2], Y = [0,1,0] → 0 (centred, orthogonal)', () => {
    // centred X = [-1,0,1], Y = [-1/3, 2/3, -1/3]; dot = 1/3 − 1/3 = 0.
    expect(linearCka([0, 1, 2], [0, 1, 0], 3, 1, 1)).toBeCloseTo(0, 12);
    // 1-D: CKA = corr² ; X=[0,1,2], Y=[0,0,3]: centred Y=[-1,-1,2], dot=3, |x|²=2, |y|²=6 → 9/12
    expect(linearCka([0, 1, 2], [0, 0, 3], 3, 1, 1)).toBeCloseTo(0.75, 12);
  });
  it('≈ 0 for independent random features (large N)', () => {
    const M = 2000;
    const A = gauss(3, M * 4);
    const B = gauss(99, M * 5);
    expect(linearCka(A, B, M, 4, 5)).toBeLessThan(0.02);
  });
  it('handles different widths', () => {
    const Y = matmul(X, gauss(5, d * 3), N, d, 3);
    const v = linearCka(X, Y, N, d, 3);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThanOrEqual(1 + 1e-12);
  });
});

describe('modality mixing', () => {
  it('nmi: identical = 1, swapped = 1, independent = 0', () => {
    expect(nmi([0, 0, 1, 1], [0, 0, 1, 1])).toBeCloseTo(1);
    expect(nmi([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1);
    expect(nmi([0, 1, 0, 1], [0, 0, 1, 1])).toBeCloseTo(0);
  });
  it('kmeans2 separates two far clusters', () => {
    const x = [0, 0, 0.1, 0, 10, 10, 10.1, 10];
    const l = kmeans2(x, 4, 2, 3);
    expect(l[0]).toBe(l[1]);
    expect(l[2]).toBe(l[3]);
    expect(l[0]).not.toBe(l[2]);
  });
  it('separated modalities → 1; same features → ~0', () => {
    const N = 20;
    const d = 3;
    const img = gauss(4, N * d);
    const txt = img.map((v) => v + 50);
    expect(modalityMixingNmi(img, txt, N, d)).toBeCloseTo(1);
    expect(modalityMixingNmi(img, img, N, d)).toBeCloseTo(0);
  });
});
