import { describe, expect, it } from 'vitest';
import { presetConfig } from '../model/registry';
import { layerIndices, layerOptions, visionEntry, visionFirstLayer } from './attention-layers';

describe('attention layer labels say the true layer', () => {
  it('starts the vision tower at layer 1 under the released conv stem only', () => {
    expect(visionFirstLayer(presetConfig('ms-clip').vision)).toBe(1);
    expect(visionFirstLayer(presetConfig('ms-clip', { vision: { stem: 'conv-plus-layer0' } }).vision)).toBe(0);
    expect(visionFirstLayer(presetConfig('separate').vision)).toBe(0);
    expect(visionFirstLayer(undefined)).toBe(0);
  });

  it('labels transfer / CKA entries by layer: entry 0 of an ms-clip run at depth 4 is layer 1', () => {
    expect(layerIndices(3, 1)).toEqual([1, 2, 3]);
    expect(layerIndices(4, 0)).toEqual([0, 1, 2, 3]);
  });

  it('offers every layer and maps it to the vision entry (none for the stem layer)', () => {
    // depth 4 with the conv stem: 3 vision entries (layers 1..3), 4 text layers
    expect(layerOptions(3, 4, 1).map((o) => o.text)).toEqual(['0 (vision: conv stem, no attention)', '1', '2', '3']);
    expect([0, 1, 2, 3].map((l) => visionEntry(l, 1, 3))).toEqual([null, 0, 1, 2]);
    expect([0, 1, 2, 3].map((l) => visionEntry(l, 0, 4))).toEqual([0, 1, 2, 3]);
    // a deeper text tower: the vision entry clamps to the last vision layer
    expect(visionEntry(5, 0, 2)).toBe(1);
    expect(layerOptions(2, 6, 0)).toHaveLength(6);
  });
});
