import { describe, expect, it } from 'vitest';
import { METRICS_PER_SLOT, recordMetricsRef } from './metrics';

describe('recordMetricsRef', () => {
  it('writes (loss, norm, non-finite flag, t) into its slot and leaves the others alone', () => {
    const hist = new Float64Array(3 * METRICS_PER_SLOT).fill(-1);
    const out = recordMetricsRef([2.5], [0.75, 1, 1, 0], [Math.log(20)], hist, 1);
    expect(Array.from(out.subarray(4, 8))).toEqual([2.5, 0.75, 1, Math.log(20)]);
    expect(Array.from(out.subarray(0, 4))).toEqual([-1, -1, -1, -1]);
    expect(Array.from(out.subarray(8))).toEqual([-1, -1, -1, -1]);
    expect(hist[4]).toBe(-1); // input not mutated
  });
});
