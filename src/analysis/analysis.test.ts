import { describe, expect, it } from 'vitest';
import { alignment, modalityGap, similarity, uniformity } from './embeddings';
import { recallAtK, topK, zeroShotAccuracy } from './retrieval';

const unit = (rows: number[][]) => {
  const D = rows[0].length;
  const out = new Float32Array(rows.length * D);
  rows.forEach((r, i) => {
    const n = Math.hypot(...r);
    r.forEach((v, k) => {
      out[i * D + k] = v / n;
    });
  });
  return out;
};

describe('embedding geometry', () => {
  it('alignment is 0 for identical pairs and 4 for antipodal ones', () => {
    const a = unit([[1, 0], [0, 1]]);
    expect(alignment(a, a, 2, 2)).toBeCloseTo(0);
    const b = unit([[-1, 0], [0, -1]]);
    expect(alignment(a, b, 2, 2)).toBeCloseTo(4);
  });

  it('uniformity: collapsed points score 0, spread points score lower', () => {
    const same = unit([[1, 0], [1, 0], [1, 0]]);
    expect(uniformity(same, 3, 2)).toBeCloseTo(0);
    const spread = unit([[1, 0], [-1, 0], [0, 1], [0, -1]]);
    // pairs: 4 at distance² 2, 2 at distance² 4 → log((4e^-4 + 2e^-8)/6)
    expect(uniformity(spread, 4, 2)).toBeCloseTo(Math.log((4 * Math.exp(-4) + 2 * Math.exp(-8)) / 6), 5);
  });

  it('modality gap is the distance between the modality centroids', () => {
    const img = unit([[1, 0], [1, 0]]);
    const txt = unit([[0, 1], [0, 1]]);
    expect(modalityGap(img, 2, txt, 2, 2)).toBeCloseTo(Math.SQRT2);
    expect(modalityGap(img, 2, img, 2, 2)).toBeCloseTo(0);
  });

  it('similarity matrix of unit vectors has ones on the diagonal', () => {
    const a = unit([[1, 2], [3, -1], [0, 1]]);
    const s = similarity(a, 3, a, 3, 2);
    for (let i = 0; i < 3; i++) expect(s[i * 3 + i]).toBeCloseTo(1);
  });
});

describe('retrieval', () => {
  it('perfect embeddings give R@1 = 1 both ways; any caption counts for image→text', () => {
    const img = unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const txt = unit([[1, 0.1, 0], [0.1, 1, 0], [0, 0, 1], [0.2, 0, 1]]);
    const r = recallAtK(img, 3, txt, 4, 3, [0, 1, 2, 2]);
    expect(r.i2t[1]).toBe(1);
    expect(r.t2i[1]).toBe(1);
  });

  it('a swapped pair drops R@1 but not R@5', () => {
    const img = unit([[1, 0], [0, 1]]);
    const txt = unit([[0, 1], [1, 0]]);
    const r = recallAtK(img, 2, txt, 2, 2, [0, 1], [1, 5]);
    expect(r.i2t[1]).toBe(0);
    expect(r.t2i[1]).toBe(0);
    expect(r.i2t[5]).toBe(1);
  });

  it('random embeddings give R@1 near chance', () => {
    let s = 1;
    const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
    const N = 200;
    const D = 16;
    const img = unit(Array.from({ length: N }, () => Array.from({ length: D }, rnd)));
    const txt = unit(Array.from({ length: N }, () => Array.from({ length: D }, rnd)));
    const r = recallAtK(img, N, txt, N, D, Array.from({ length: N }, (_, i) => i));
    expect(r.i2t[1]).toBeLessThan(0.05);
    expect(r.t2i[10]).toBeGreaterThan(0.01);
    expect(r.t2i[10]).toBeLessThan(0.15);
  });

  it('topK orders by score, ties by index', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9], 3)).toEqual([1, 3, 2]);
  });

  it('zero-shot accuracy uses the mean of prompt embeddings per class', () => {
    const img = unit([[1, 0], [0, 1], [1, 0.1]]);
    const prompts = unit([[1, 0.2], [1, -0.2], [0.1, 1], [-0.1, 1]]); // 2 classes × 2 prompts
    const z = zeroShotAccuracy(img, 3, prompts, 2, 2, 2, [0, 1, 1]);
    expect([...z.predictions]).toEqual([0, 1, 0]);
    expect(z.accuracy).toBeCloseTo(2 / 3);
  });
});
