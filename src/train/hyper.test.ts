import { describe, expect, it } from 'vitest';
import { DEFAULT_LR_MULT, DEFAULT_WD_MULT, OPTIM_GROUPS } from '../kernels/optimizer';
import { buildLayout } from '../model/params';
import { presetConfig } from '../model/registry';
import { DEFAULT_HYPER, groupMults, validateHyper } from './hyper';

describe('per-group optimiser multipliers (MS-CLIP LR_SHARE / WD_SHARE)', () => {
  it('map the hyper-parameter fields onto the optimizer groups, in OPTIM_GROUPS order', () => {
    expect(OPTIM_GROUPS).toEqual(['noDecay', 'specific', 'shared']);
    const h = { ...DEFAULT_HYPER, lrMultNoDecay: 0.5, wdMultNoDecay: 0.25, lrMultSpecific: 2, wdMultSpecific: 1, lrMultShared: 0.1, wdMultShared: 3 };
    expect(groupMults(h)).toEqual({ lrMult: [0.5, 2, 0.1], wdMult: [0.25, 1, 3] });
    // Defaults (and an older file without the fields): plain AdamW.
    expect(groupMults(DEFAULT_HYPER)).toEqual({ lrMult: DEFAULT_LR_MULT, wdMult: DEFAULT_WD_MULT });
    expect(groupMults({ lr: 1e-3 })).toEqual({ lrMult: DEFAULT_LR_MULT, wdMult: DEFAULT_WD_MULT });
    expect(validateHyper({ wdMultShared: -1 }).wdMultShared).toMatch(/between 0 and 100/);
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
