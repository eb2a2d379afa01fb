import { describe, expect, it } from 'vitest';
import { BestKeeper, overfitNote } from './best';

const pts = (val: number[], train: number[]) => val.map((v, i) => ({ step: 100 * (i + 1), valLoss: v, trainLoss: train[i] }));

describe('BestKeeper', () => {
  it('keeps the lowest validation loss and counts evaluations since it', () => {
    const k = new BestKeeper();
    const seen = [3, 2.5, 2.7, 2.4, 2.6, 2.6, Number.NaN].map((v, i) => k.observe(i * 10, v));
    expect(seen).toEqual([true, true, false, true, false, false, false]);
    expect(k.best).toEqual({ step: 30, valLoss: 2.4 });
    expect(k.sinceBest).toBe(3);
    expect(k.shouldStop(3)).toBe(true);
    expect(k.shouldStop(4)).toBe(false);
    expect(k.shouldStop(0)).toBe(false);
  });

  it('a NaN first evaluation is not a best; early stopping waits for one', () => {
    const k = new BestKeeper();
    expect(k.observe(0, Number.NaN)).toBe(false);
    expect(k.shouldStop(1)).toBe(false);
  });
});

describe('overfitNote', () => {
  it('flags k rising validation losses while training loss falls', () => {
    const note = overfitNote(pts([2, 1.8, 1.9, 2.2, 2.6], [3, 2, 1.5, 1, 0.5]));
    expect(note).toMatch(/rose for 3 evaluations \(1\.800 → 2\.600, steps 200–500\)/);
    expect(note).toMatch(/training loss fell \(2\.000 → 0\.500\)/);
  });

  it('stays quiet when the rise is shorter than k, not strict, or the training loss does not fall', () => {
    expect(overfitNote(pts([2, 1.8, 1.9, 2.2], [3, 2, 1.5, 1]))).toBeNull(); // window starts at 2 > 1.8: not rising throughout
    expect(overfitNote(pts([1.8, 1.9, 1.9, 2.2], [2, 1.5, 1, 0.5]))).toBeNull();
    expect(overfitNote(pts([1.8, 1.9, 2.0, 2.2], [1, 1.2, 1.3, 1.4]))).toBeNull();
    expect(overfitNote(pts([1.8, 1.9], [1, 0.5]), 1)).toMatch(/rose for 1 evaluation \(/);
    expect(overfitNote([], 3)).toBeNull();
  });
});
