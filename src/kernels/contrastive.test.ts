// CPU references of the contrastive losses: gradients vs float64 finite differences, and the loss vs
// a direct (materialised B×B) evaluation of the METHODS.md formulas.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { numericalGradient } from '../testing/finite-diff';
import { LN100, infoNceRef } from './infonce';
import { siglipRef } from './siglip';

/** (B, D) rows of N(0, 1) scaled to unit length. */
function unitRows(rng: Rng, B: number, D: number): Float64Array {
  const a = new Float64Array(B * D);
  for (let i = 0; i < B; i++) {
    let n = 0;
    for (let k = 0; k < D; k++) {
      a[i * D + k] = rng.normal();
      n += a[i * D + k] ** 2;
    }
    for (let k = 0; k < D; k++) a[i * D + k] /= Math.sqrt(n);
  }
  return a;
}

function logits(x: ArrayLike<number>, y: ArrayLike<number>, s: number, B: number, D: number): number[][] {
  return Array.from({ length: B }, (_, i) =>
    Array.from({ length: B }, (_, j) => {
      let d = 0;
      for (let k = 0; k < D; k++) d += x[i * D + k] * y[j * D + k];
      return s * d;
    }),
  );
}

function naiveInfoNce(x: ArrayLike<number>, y: ArrayLike<number>, t: number, B: number, D: number): number {
  const L = logits(x, y, Math.exp(Math.min(t, LN100)), B, D);
  let ce = 0;
  for (let i = 0; i < B; i++) {
    ce += Math.log(L[i].reduce((a, v) => a + Math.exp(v), 0)) - L[i][i];
    ce += Math.log(L.reduce((a, row) => a + Math.exp(row[i]), 0)) - L[i][i];
  }
  return ce / (2 * B);
}

function naiveSiglip(x: ArrayLike<number>, y: ArrayLike<number>, t: number, b: number, B: number, D: number): number {
  const L = logits(x, y, Math.exp(t), B, D);
  let s = 0;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      const z = i === j ? 1 : -1;
      s -= Math.log(1 / (1 + Math.exp(-z * (L[i][j] + b))));
    }
  }
  return s / B;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (err > atol + rtol * Math.abs(want[i])) {
      throw new Error(`[${i}]: got ${got[i]}, want ${want[i]} (|err| ${err}, atol ${atol}, rtol ${rtol})`);
    }
  }
}

describe('infoNceRef', () => {
  const cases = [
    { B: 1, D: 3, t: Math.log(1 / 0.07) },
    { B: 3, D: 4, t: Math.log(1 / 0.07) },
    { B: 5, D: 2, t: 0.3 },
    { B: 4, D: 6, t: 4.5 },
    { B: 4, D: 3, t: 5.2 }, // clamped: s = 100, no gradient to t
  ];
  for (const [n, c] of cases.entries()) {
    it(`B=${c.B} D=${c.D} t=${c.t.toFixed(3)}: loss matches the direct formula, gradients match FD`, () => {
      const rng = new Rng(10 + n);
      const x = unitRows(rng, c.B, c.D);
      const y = unitRows(rng, c.B, c.D);
      const r = infoNceRef(x, y, c.t, c.B, c.D);
      expectClose([r.loss], [naiveInfoNce(x, y, c.t, c.B, c.D)], 1e-12, 1e-12);
      const nX = x.length;
      const f = (v: Float64Array) =>
        infoNceRef(v.subarray(0, nX), v.subarray(nX, 2 * nX), v[2 * nX], c.B, c.D).loss;
      const v0 = new Float64Array(2 * nX + 1);
      v0.set(x, 0);
      v0.set(y, nX);
      v0[2 * nX] = c.t;
      const fd = numericalGradient(f, v0);
      expectClose(r.dImg, fd.subarray(0, nX), 1e-8, 1e-6);
      expectClose(r.dTxt, fd.subarray(nX, 2 * nX), 1e-8, 1e-6);
      expectClose([r.dT], [fd[2 * nX]], 1e-8, 1e-6);
      if (c.t > LN100) expect(r.dT).toBe(0);
    });
  }

  it('is stable for large logits (no overflow at s = 100 with long vectors)', () => {
    const rng = new Rng(3);
    const B = 6;
    const D = 5;
    const x = Float64Array.from({ length: B * D }, () => 10 * rng.normal());
    const y = Float64Array.from({ length: B * D }, () => 10 * rng.normal());
    const r = infoNceRef(x, y, 5, B, D);
    expect(Number.isFinite(r.loss)).toBe(true);
    for (const g of [...r.dImg, ...r.dTxt]) expect(Number.isFinite(g)).toBe(true);
  });
});

describe('siglipRef', () => {
  const cases = [
    { B: 1, D: 3, t: Math.log(10), b: -10 },
    { B: 3, D: 4, t: Math.log(10), b: -10 },
    { B: 5, D: 2, t: 0.4, b: 0.7 },
    { B: 4, D: 6, t: 2.5, b: -3 },
  ];
  for (const [n, c] of cases.entries()) {
    it(`B=${c.B} D=${c.D} t'=${c.t.toFixed(3)} b=${c.b}: loss matches the direct formula, gradients match FD`, () => {
      const rng = new Rng(20 + n);
      const x = unitRows(rng, c.B, c.D);
      const y = unitRows(rng, c.B, c.D);
      const r = siglipRef(x, y, c.t, c.b, c.B, c.D);
      expectClose([r.loss], [naiveSiglip(x, y, c.t, c.b, c.B, c.D)], 1e-12, 1e-10);
      const nX = x.length;
      const f = (v: Float64Array) =>
        siglipRef(v.subarray(0, nX), v.subarray(nX, 2 * nX), v[2 * nX], v[2 * nX + 1], c.B, c.D).loss;
      const v0 = new Float64Array(2 * nX + 2);
      v0.set(x, 0);
      v0.set(y, nX);
      v0[2 * nX] = c.t;
      v0[2 * nX + 1] = c.b;
      const fd = numericalGradient(f, v0);
      expectClose(r.dImg, fd.subarray(0, nX), 1e-8, 1e-6);
      expectClose(r.dTxt, fd.subarray(nX, 2 * nX), 1e-8, 1e-6);
      expectClose([r.dT, r.dB], fd.subarray(2 * nX), 1e-8, 1e-6);
    });
  }
});
