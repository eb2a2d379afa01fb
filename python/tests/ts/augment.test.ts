// TypeScript side of python/tests/test_augment.py: crop parameters and augmented pixels (src/data/augment.ts)
// for seeded random images over seeds, steps, slots, sizes and the flip rule, plus one Batcher with augmentation
// on (its keys: step, slot), written to augment-vectors.json for PyTorch's twin to recompute bit for bit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DEFAULT_AUGMENT, applyCrop, augmentParams } from '../../../src/data/augment';
import { Rng } from '../../../src/util/rng';

const OUT = process.env.TORCH_FIXTURES ?? 'python/tests/.fixtures/ref';

it('augmentation vectors', () => {
  const vectors = [];
  for (const [seed, step, slot, S, flipOk] of [
    [0, 0, 0, 8, true],
    [7, 3, 5, 16, true],
    [7, 3, 5, 16, false],
    [123456, 99_999, 63, 12, true],
    [2 ** 31 + 5, 41, 2, 9, true],
  ] as const) {
    for (let k = 0; k < 4; k++) {
      const rng = new Rng(seed + 31 * k + 1);
      const img = Float32Array.from({ length: 3 * S * S }, () => rng.normal());
      const p = augmentParams(seed, step + k, slot, S, flipOk, DEFAULT_AUGMENT);
      const out = new Float32Array(3 * S * S);
      applyCrop(img, 0, 3, S, p, out, 0);
      vectors.push({ seed, step: step + k, slot, S, flipOk, params: p, img: Array.from(img), out: Array.from(out) });
    }
  }
  expect(vectors.some((v) => v.params.flip)).toBe(true);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'augment-vectors.json'), JSON.stringify({ options: DEFAULT_AUGMENT, vectors }));
});
