import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type VisionConfig } from './config';
import { buildLayout } from './params';
import { presetConfig } from './registry';
import { buildBufferLayout, stemPlan } from './stem';

const vis = (o: Partial<VisionConfig>): VisionConfig => ({ ...DEFAULT_CONFIG.vision, stem: 'conv', ...o });

describe('Early Specialization conv stem', () => {
  it('patch 8, width 64: stem s2, blocks s2 s2 s1 s1, channels 4 → 8 → 16 → 32 → 64', () => {
    const p = stemPlan(vis({ imageSize: 32, patchSize: 8, width: 64 }));
    expect(p.c0).toBe(4);
    expect(p.blocks.map((b) => b.stride)).toEqual([2, 2, 1, 1]);
    expect(p.blocks.map((b) => [b.cin, b.cout])).toEqual([[4, 8], [8, 16], [16, 32], [32, 64]]);
    expect(p.sizes).toEqual([32, 16, 8, 4, 4, 4]);
  });

  it('tiny (patch 4, width 8) clamps channels at 1 and reaches the patch grid', () => {
    const p = stemPlan(vis({ imageSize: 8, patchSize: 4, width: 8 }));
    expect(p.c0).toBe(1);
    expect(p.blocks.map((b) => b.stride)).toEqual([2, 1, 1, 1]);
    expect(p.blocks.map((b) => b.cout)).toEqual([1, 2, 4, 8]);
    expect(p.sizes.at(-1)).toBe(2);
  });

  it('patch 64 needs 5 stride-2 blocks; total stride always equals the patch size', () => {
    for (const patchSize of [2, 4, 8, 16, 32, 64]) {
      const p = stemPlan(vis({ imageSize: 128, patchSize, width: 64 }));
      expect(2 * p.blocks.reduce((s, b) => s * b.stride, 1)).toBe(patchSize);
      expect(p.blocks.at(-1)?.cout).toBe(64);
    }
    expect(stemPlan(vis({ imageSize: 128, patchSize: 64 })).blocks).toHaveLength(5);
    expect(() => stemPlan(vis({ patchSize: 6, imageSize: 36 }))).toThrow(/power of two/);
  });

  it('ms-clip preset: stem params in the arena (decay on conv weights only), running stats outside it', () => {
    const cfg = presetConfig('ms-clip');
    expect(cfg.vision.stem).toBe('conv');
    const L = buildLayout(cfg);
    expect(L.has('vision.patch.w')).toBe(false);
    expect(L.get('vision.stem.conv0.w').shape).toEqual([4, 3, 3, 3]);
    expect(L.get('vision.stem.conv0.w').decay).toBe(true);
    expect(L.get('vision.stem.block3.short.w').shape).toEqual([64, 32, 1, 1]);
    expect(L.get('vision.stem.block0.bn.g').decay).toBe(false);
    expect(L.get('vision.stem.block0.short_bn.b').decay).toBe(false);
    expect(L.get('vision.stem.proj.w').shape).toEqual([64, 64, 1, 1]);
    // As released: proj has no bias.
    expect(L.has('vision.stem.proj.b')).toBe(false);
    expect(L.views.some((v) => v.name.includes('running'))).toBe(false);
    const buf = buildBufferLayout(cfg);
    expect(buf.views.filter((b) => b.name.startsWith('vision.stem.'))).toHaveLength(2 * 9); // bn0 + 4 × (bn, short_bn), mean and var each
    expect(buf.get('vision.stem.bn0.running_var').init).toBe(1);
    // Other presets keep the patch embedding and have no buffers.
    expect(buildLayout(presetConfig('separate')).has('vision.patch.w')).toBe(true);
    expect(buildBufferLayout(presetConfig('separate')).views).toHaveLength(0);
  });

  it("as released: the stem IS vision layer 0 (no vision block 0), blocks 1..N−1 shared with text 1..N−1", () => {
    const cfg = presetConfig('ms-clip');
    const L = buildLayout(cfg);
    expect(L.has('vision.blocks.0.attn.qkv.w')).toBe(false);
    expect(L.has('vision.blocks.0.ln1.g')).toBe(false);
    expect(L.has('text.blocks.0.attn.qkv.w')).toBe(true);
    for (let l = 1; l < cfg.vision.depth; l++) {
      expect(L.get(`vision.blocks.${l}.attn.qkv.w`).offset).toBe(L.get(`text.blocks.${l}.attn.qkv.w`).offset);
      expect(L.get(`vision.blocks.${l}.ln1.g`).offset).not.toBe(L.get(`text.blocks.${l}.ln1.g`).offset);
    }
    // Ours ('conv-plus-layer0'): the same stem followed by an unshared vision block 0.
    const ours = buildLayout(presetConfig('ms-clip', { vision: { stem: 'conv-plus-layer0' } }));
    expect(ours.has('vision.blocks.0.attn.qkv.w')).toBe(true);
    expect(ours.has('vision.stem.conv0.w')).toBe(true);
    // One pre-LN block at width C = 64, MLP ratio 4: 12C² weights + 13C gains/biases.
    expect(ours.paramCount - L.paramCount).toBe(12 * 64 * 64 + 13 * 64);
    // A preset sharing layer 0 cannot use the released stem: vision layer 0 has no transformer weights.
    expect(() => buildLayout(presetConfig('shared-all', { vision: { stem: 'conv' } }))).toThrow(/layer 0: .*conv stem/);
  });
});
