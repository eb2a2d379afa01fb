import { describe, expect, it } from 'vitest';
import { makeSplit } from './split';

describe('makeSplit', () => {
  it('partitions 0..n−1 deterministically by seed', () => {
    const a = makeSplit(1000, 0.1, 3);
    expect(a.val.length).toBe(100);
    expect(a.train.length).toBe(900);
    expect([...a.train, ...a.val].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a.train).toEqual([...a.train].sort((x, y) => x - y));
    expect(makeSplit(1000, 0.1, 3)).toEqual(a);
    expect(makeSplit(1000, 0.1, 4).val).not.toEqual(a.val);
  });

  it('handles edge sizes', () => {
    expect(makeSplit(0, 0.2, 1)).toEqual({ train: [], val: [] });
    expect(makeSplit(2, 0.01, 1).val.length).toBe(1);
    expect(makeSplit(2, 0.99, 1).train.length).toBe(1);
    expect(makeSplit(5, 0, 1).val).toEqual([]);
    expect(makeSplit(5, 1, 1).train).toEqual([]);
    expect(() => makeSplit(5, 1.5, 1)).toThrow();
    expect(() => makeSplit(-1, 0.5, 1)).toThrow();
  });
});
