import { describe, expect, it } from 'vitest';
import { buildLayout } from './params';
import { presetConfig } from './registry';
import { estimateGpuBytes, formatBytes } from './memory';

describe('estimateGpuBytes', () => {
  it('counts the four arena buffers exactly and grows linearly with the batch', () => {
    const cfg = presetConfig('separate');
    const a = estimateGpuBytes(cfg, 32);
    const b = estimateGpuBytes(cfg, 64);
    expect(a.paramBytes).toBe(16 * buildLayout(cfg).totalElements);
    expect(b.activationBytes).toBe(2 * a.activationBytes);
    expect(b.total).toBeGreaterThan(a.total);
  });

  it('a ViT-B/16-sized config is in the GiB range', () => {
    const big = presetConfig('separate', {
      vision: { imageSize: 224, patchSize: 16, width: 768, depth: 12, heads: 12, mlpRatio: 4 },
      text: { contextLength: 77, vocabSize: 49408, width: 512, depth: 12, heads: 8, mlpRatio: 4 },
      embedDim: 512,
    });
    const e = estimateGpuBytes(big, 32);
    expect(e.paramBytes).toBeGreaterThan(2 ** 30); // ~150M params × 16 bytes
    expect(formatBytes(e.total)).toMatch(/GiB$/);
  });
});
