import { describe, expect, it } from 'vitest';
import { DEFAULT_LR_MULT, DEFAULT_WD_MULT, OPTIM_GROUPS, adamwRef } from '../kernels/optimizer';
import { buildLayout } from '../model/params';
import { presetConfig } from '../model/registry';
import { DEFAULT_HYPER, groupMults, validateHyper } from './hyper';

describe('per-group optimiser multipliers (MS-CLIP LR_SHARE / WD_SHARE)', () => {
  it('map the hyper-parameter fields onto the optimizer groups, in OPTIM_GROUPS order', () => {
    expect(OPTIM_GROUPS).toEqual(['noDecay', 'specific', 'shared', 'visionNoDecay', 'visionSpecific']);
    const h = { ...DEFAULT_HYPER, lrMultNoDecay: 0.5, wdMultNoDecay: 0.25, lrMultSpecific: 2, wdMultSpecific: 1, lrMultShared: 0.1, wdMultShared: 3 };
    // lrMultVision 1: a teacher run's vision tower steps exactly as its no-decay / specific group.
    expect(groupMults(h)).toEqual({ lrMult: [0.5, 2, 0.1, 0.5, 2], wdMult: [0.25, 1, 3, 0.25, 1] });
    expect(groupMults({ ...h, lrMultVision: 0.1 })).toEqual({ lrMult: [0.5, 2, 0.1, 0.05, 0.2], wdMult: [0.25, 1, 3, 0.25, 1] });
    // Defaults (and an older file without the fields): plain AdamW.
    expect(groupMults(DEFAULT_HYPER)).toEqual({ lrMult: DEFAULT_LR_MULT, wdMult: DEFAULT_WD_MULT });
    expect(groupMults({ lr: 1e-3 })).toEqual({ lrMult: DEFAULT_LR_MULT, wdMult: DEFAULT_WD_MULT });
    expect(validateHyper({ wdMultShared: -1 }).wdMultShared).toMatch(/between 0 and 100/);
    expect(validateHyper({ lrMultVision: 101 }).lrMultVision).toMatch(/between 0 and 100/);
  });

  it('ms-clip: shared block weights are group 2, tower-only weights group 1, gains / biases group 0', () => {
    const L = buildLayout(presetConfig('ms-clip'));
    const groups = L.groupBlocks();
    const at = (name: string) => groups[L.get(name).offset / 64];
    expect(at('vision.blocks.1.attn.qkv.w')).toBe(2);
    expect(at('text.blocks.0.attn.qkv.w')).toBe(1);
    expect(at('vision.stem.conv0.w')).toBe(1);
    expect(at('vision.blocks.1.attn.qkv.b')).toBe(0);
    expect(at('logit_scale')).toBe(0);
  });
});

describe('teacher runs: the vision tower has its own lr (LLM2CLIP, lrMultVision)', () => {
  const cfg = presetConfig('separate', { vision: { imageSize: 16, patchSize: 8, width: 16, depth: 1, heads: 2, mlpRatio: 2 }, embedDim: 8 });
  const teacher = { ...cfg, teacher: { dim: 12, adapter: 'linear' as const } };

  it('every vision.* view of a teacher layout is in group 3 (no decay) or 4 (decaying); adapter and logit scale are not', () => {
    const L = buildLayout(teacher);
    const groups = L.groupBlocks();
    const at = (name: string) => groups[L.get(name).offset / 64];
    for (const v of L.views) {
      const want = v.name.startsWith('vision.') ? (v.decay ? 4 : 3) : v.decay ? 1 : 0;
      expect([v.name, at(v.name)]).toEqual([v.name, want]);
    }
    expect(at('vision.blocks.0.attn.qkv.w')).toBe(4);
    expect(at('vision.ln_final.g')).toBe(3);
    expect(at('text.adapter.w')).toBe(1);
    expect(at('logit_scale')).toBe(0);
    // A two-tower run has no vision group: its groups are as before.
    expect(Math.max(...buildLayout(cfg).groupBlocks())).toBe(1);
  });

  it('one AdamW step with a known gradient: vision views move by lr·lrMultVision, the adapter by lr', () => {
    const L = buildLayout(teacher);
    const n = L.totalElements;
    const p = new Float64Array(n).fill(1);
    const g = new Float64Array(n).fill(0.5);
    const hyper = { ...DEFAULT_HYPER, lr: 0.01, weightDecay: 0.1, lrMultVision: 0.25 };
    const h = { lr: hyper.lr, beta1: 0.9, beta2: 0.98, eps: 0, weightDecay: hyper.weightDecay, step: 1, ...groupMults(hyper) };
    const r = adamwRef(p, g, new Float64Array(n), new Float64Array(n), L.groupBlocks(), { clip: 1, nonFinite: false }, h);
    // Step 1 with eps 0: m̂/√v̂ = sign(g) = 1, so Δ = lr·lrm·(1 + wd·wdm·p).
    const delta = (name: string) => 1 - r.params[L.get(name).offset];
    expect(delta('vision.blocks.0.attn.qkv.w')).toBeCloseTo(0.01 * 0.25 * (1 + 0.1), 12);
    expect(delta('vision.blocks.0.attn.qkv.b')).toBeCloseTo(0.01 * 0.25, 12);
    expect(delta('vision.patch.w')).toBeCloseTo(0.01 * 0.25 * (1 + 0.1), 12);
    expect(delta('text.adapter.w')).toBeCloseTo(0.01 * (1 + 0.1), 12);
    expect(delta('text.adapter.b')).toBeCloseTo(0.01, 12);
    expect(delta('logit_scale')).toBeCloseTo(0.01, 12);
  });
});
