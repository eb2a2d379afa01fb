import { describe, expect, it } from 'vitest';
import { zeroShotAccuracy } from './retrieval';
import { classEmbeddings, classifyZeroShot, expandTemplates } from './zeroshot';

describe('expandTemplates', () => {
  it('fills {label} and {a}, class-major, dropping blanks and duplicates', () => {
    const r = expandTemplates(['a picture of {a}', '', 'a {label} shape', 'a picture of {a}'], ['orange', 'red']);
    expect(r).toEqual({
      templates: ['a picture of {a}', 'a {label} shape'],
      prompts: ['a picture of an orange', 'a orange shape', 'a picture of a red', 'a red shape'],
    });
  });
  it('refuses templates without a placeholder, and an empty list', () => {
    expect(expandTemplates(['a photo'], ['x'])).toEqual({ error: expect.stringContaining('no {label} or {a}') });
    expect(expandTemplates(['  '], ['x'])).toEqual({ error: expect.stringContaining('no templates') });
    expect(expandTemplates(['{a}'], [])).toEqual({ error: 'the task has no classes' });
  });
});

describe('classifyZeroShot', () => {
  // D = 2: class 0 along x, class 1 along y; two prompts per class that average to the axis.
  const prompts = Float32Array.from([0.8, 0.6, 0.8, -0.6, 0.6, 0.8, -0.6, 0.8]);
  const cls = classEmbeddings(prompts, 2, 2, 2);

  it('class embedding = normalised mean of its prompts', () => {
    expect(cls[0]).toBeCloseTo(1, 6);
    expect(cls[1]).toBeCloseTo(0, 6);
    expect(cls[2]).toBeCloseTo(0, 6);
    expect(cls[3]).toBeCloseTo(1, 6);
  });

  it('argmax cosine, per-class counts, skipped labels, agrees with zeroShotAccuracy', () => {
    const s = Math.SQRT1_2;
    // image 0: x (class 0), 1: y (class 1), 2: mostly x but labelled 1 (wrong), 3: unlabelled
    const img = Float32Array.from([1, 0, 0, 1, 0.9, Math.sqrt(1 - 0.81), s, s]);
    const labels = [0, 1, 1, -1];
    const r = classifyZeroShot(img, 4, cls, ['x', 'y'], 2, labels, 2);
    expect(r.n).toBe(3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.chance).toBe(0.5);
    expect(r.perClass).toEqual([
      { name: 'x', n: 1, correct: 1 },
      { name: 'y', n: 2, correct: 1 },
    ]);
    expect(r.items.map((it) => [it.index, it.label, it.predicted])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [2, 1, 0],
    ]);
    expect(r.items[2].top[0]).toEqual({ cls: 0, score: expect.closeTo(0.9, 6) });
    expect(r.items[2].top[1].cls).toBe(1);
    const ref = zeroShotAccuracy(img.subarray(0, 6), 3, prompts, 2, 2, 2, [0, 1, 1]);
    expect(ref.accuracy).toBeCloseTo(r.accuracy, 12);
  });
});
