import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { DEFAULT_AUGMENT, applyCrop, augmentParams, namesSide } from './augment';
import { Batcher } from './batcher';
import { generateBuiltin } from './builtin/generate';
import { BpeTokenizer } from './tokenizer';

const randomImage = (S: number, seed: number) => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: 3 * S * S }, () => rng.normal());
};
const crop = (img: Float32Array, S: number, p: Parameters<typeof applyCrop>[4]) => {
  const out = new Float32Array(3 * S * S);
  applyCrop(img, 0, 3, S, p, out, 0);
  return out;
};

describe('augment: crop and flip', () => {
  it('the full window is the identity; flipped it mirrors each row', () => {
    for (const S of [1, 5, 16]) {
      const img = randomImage(S, S);
      expect(crop(img, S, { x0: 0, y0: 0, w: S, h: S, flip: false })).toEqual(img);
      const f = crop(img, S, { x0: 0, y0: 0, w: S, h: S, flip: true });
      for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) expect(f[c * S * S + y * S + x]).toBe(img[c * S * S + y * S + S - 1 - x]);
    }
  });

  it('a crop of a linear image is the same linear function over the window (bilinear is exact on it)', () => {
    const S = 12;
    const coef = [[1, 0.5, -2], [-0.25, 2, 3], [0, -1, 0.125]]; // per channel: value = a·x + b·y + d
    const img = new Float32Array(3 * S * S);
    for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) img[c * S * S + y * S + x] = coef[c][0] * x + coef[c][1] * y + coef[c][2];
    for (const flip of [false, true]) {
      const p = { x0: 2.5, y0: 1.25, w: 7, h: 8, flip }; // every sample point lies inside the image: no clamping
      const out = crop(img, S, p);
      for (let c = 0; c < 3; c++)
        for (let v = 0; v < S; v++)
          for (let u = 0; u < S; u++) {
            const sx = p.x0 + (((flip ? S - 1 - u : u) + 0.5) * p.w) / S - 0.5;
            const sy = p.y0 + ((v + 0.5) * p.h) / S - 0.5;
            expect(out[c * S * S + v * S + u]).toBeCloseTo(coef[c][0] * sx + coef[c][1] * sy + coef[c][2], 5);
          }
    }
  });

  it('seeded: the same key gives the same window, another step or slot another; windows stay inside the image', () => {
    const S = 16;
    expect(augmentParams(3, 10, 2, S, true)).toEqual(augmentParams(3, 10, 2, S, true));
    expect(augmentParams(3, 10, 2, S, true)).not.toEqual(augmentParams(3, 11, 2, S, true));
    expect(augmentParams(3, 10, 2, S, true)).not.toEqual(augmentParams(3, 10, 3, S, true));
    let flips = 0;
    for (let k = 0; k < 400; k++) {
      const p = augmentParams(1, k, k % 7, S, true);
      const area = (p.w * p.h) / (S * S);
      expect(area).toBeGreaterThanOrEqual(DEFAULT_AUGMENT.minScale * (3 / 4) - 1e-9); // the side clamp may cut the area
      expect(area).toBeLessThanOrEqual(1 + 1e-12);
      expect(p.x0).toBeGreaterThanOrEqual(0);
      expect(p.x0 + p.w).toBeLessThanOrEqual(S + 1e-9);
      expect(p.y0 + p.h).toBeLessThanOrEqual(S + 1e-9);
      if (p.flip) flips++;
      expect(augmentParams(1, k, k % 7, S, false).flip).toBe(false);
    }
    expect(flips).toBeGreaterThan(160);
    expect(flips).toBeLessThan(240);
  });

  it('captions naming a side block the flip', () => {
    expect(namesSide(['a small red circle left of a blue square'])).toBe(true);
    expect(namesSide(['two shapes', 'the rightmost is green'])).toBe(true);
    expect(namesSide(['a bright copyright sign'])).toBe(false);
  });
});

describe('Batcher with augmentation', () => {
  const ds = generateBuiltin({ seed: 2, count: 100, valCount: 20, heldOutCount: 10, size: 16 });
  const tok = BpeTokenizer.train(ds.split.train.flatMap((i) => ds.captions[i]));
  const opts = { indices: ds.split.train, batchSize: 16, contextLength: 16, seed: 11 };

  it('same seed, same batches (resumable); the images are each one crop of the plain batch image; captions unchanged', () => {
    const plain = new Batcher(ds, tok, opts);
    const aug = new Batcher(ds, tok, { ...opts, augment: DEFAULT_AUGMENT });
    const again = new Batcher(ds, tok, { ...opts, augment: DEFAULT_AUGMENT });
    const chw = 3 * 16 * 16;
    for (const step of [0, 7, 3]) {
      const a = aug.batchAt(step);
      const p = plain.batchAt(step);
      expect(again.batchAt(step)).toEqual(a);
      expect(a.ids).toEqual(p.ids);
      expect(a.indices).toEqual(p.indices);
      expect(a.images).not.toEqual(p.images);
      for (let i = 0; i < 16; i++) {
        const flipOk = !namesSide(ds.captions[a.indices[i]]);
        const want = crop(p.images.slice(i * chw, (i + 1) * chw), 16, augmentParams(11, step, i, 16, flipOk));
        expect(a.images.subarray(i * chw, (i + 1) * chw)).toEqual(want);
      }
    }
  });
});
