// The validation loss is the run's own loss over the whole val set (issue 16.7): checked against the
// whole-model float64 reference's loss (src/model/reference.ts lossRef, its own independent loops),
// batch by batch, with SigLIP's learned bias, on a set that is not a multiple of the batch size.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import type { ClipConfig } from '../model/config';
import { presetConfig } from '../model/registry';
import { lossRef } from '../model/reference';
import { validationLoss } from './val-loss';

const N = 77; // val images: two full batches of 32 and one of 13
const D = 16;
const BATCH = 32;

function unitRows(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += (x[i * D + k] = rng.normal()) ** 2;
    for (let k = 0; k < D; k++) x[i * D + k] /= Math.sqrt(s);
  }
  return x;
}

/** Pair-weighted mean of lossRef over consecutive batches, from float64 copies of the rows. */
function reference(cfg: ClipConfig, t: number, b: number, img: Float32Array, txt: Float32Array): number {
  const params = (name: string) => Float64Array.of(name === 'logit_scale' ? t : b);
  let total = 0;
  for (let lo = 0; lo < N; lo += BATCH) {
    const B = Math.min(BATCH, N - lo);
    total += B * lossRef(cfg, params, Float64Array.from(img.subarray(lo * D, (lo + B) * D)), Float64Array.from(txt.subarray(lo * D, (lo + B) * D)), B);
  }
  return total / N;
}

describe('validationLoss', () => {
  const rng = new Rng(16);
  const img = unitRows(rng, N);
  // captions near their images, so the loss is well below chance and the bias matters
  const noise = unitRows(rng, N);
  const paired = new Float32Array(N * D);
  for (let i = 0; i < N * D; i++) paired[i] = img[i] + 0.8 * noise[i];
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let k = 0; k < D; k++) s += paired[i * D + k] ** 2;
    for (let k = 0; k < D; k++) paired[i * D + k] /= Math.sqrt(s);
  }

  it('SigLIP: equals the float64 reference with the learned scale and bias over the whole set', () => {
    const cfg = presetConfig('separate', { loss: 'siglip', embedDim: D });
    const t = Math.log(10);
    const b = -4.2;
    const got = validationLoss(img, paired, N, D, { kind: 'siglip', t, b }, BATCH);
    const want = reference(cfg, t, b, img, paired);
    expect(got).toBeCloseTo(want, 10);
    // the bias is used, and the last (partial) batch counts: neither a bias-free loss nor the
    // first batch alone gives the same figure
    expect(Math.abs(validationLoss(img, paired, N, D, { kind: 'siglip', t, b: 0 }, BATCH) - got)).toBeGreaterThan(0.1);
    expect(Math.abs(validationLoss(img, paired, BATCH, D, { kind: 'siglip', t, b }, BATCH) - got)).toBeGreaterThan(1e-3);
  });

  // lossRef's InfoNCE is now the same infoNceRef (issue 18.5: one CPU InfoNCE), so this checks the
  // batching and the pair weighting, and the clamp path.
  it('InfoNCE: equals the float64 reference (scale clamped at 100 as in training)', () => {
    const cfg = presetConfig('separate', { loss: 'infonce', embedDim: D });
    for (const t of [Math.log(1 / 0.07), Math.log(100) + 0.5]) {
      expect(validationLoss(img, paired, N, D, { kind: 'infonce', t, b: 0 }, BATCH)).toBeCloseTo(reference(cfg, t, 0, img, paired), 10);
    }
  });

  it('one batch covering the set is the plain loss of the set', () => {
    const cfg = presetConfig('separate', { loss: 'infonce', embedDim: D });
    const params = () => Float64Array.of(2);
    expect(validationLoss(img, paired, N, D, { kind: 'infonce', t: 2, b: 0 }, 1000)).toBeCloseTo(lossRef(cfg, params, Float64Array.from(img), Float64Array.from(paired), N), 10);
    expect(() => validationLoss(img, paired, 0, D, { kind: 'infonce', t: 2, b: 0 }, 32)).toThrow(/no validation pairs/);
  });
});
