import { describe, expect, it } from 'vitest';
import { parseShard, shardOf } from './check';

describe('kernel-check shards', () => {
  it('n contiguous shards cover the list exactly once, in order, sizes within one', () => {
    for (const len of [0, 1, 5, 17, 541]) {
      const list = Array.from({ length: len }, (_, k) => k);
      for (const n of [1, 2, 3, 4, 7]) {
        const parts = Array.from({ length: n }, (_, i) => shardOf(list, i, n));
        expect(parts.flat()).toEqual(list);
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
  it('refuses a shard outside 0..n−1 and parses i/n', () => {
    expect(() => shardOf([1, 2], 2, 2)).toThrow(/0 ≤ i < n/);
    expect(parseShard('1/4')).toEqual([1, 4]);
    expect(parseShard(null)).toBeNull();
    expect(() => parseShard('1-4')).toThrow(/expected i\/n/);
  });
});
