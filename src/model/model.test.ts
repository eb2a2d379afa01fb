import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstVisionBlock } from './config';
import { buildLayout, paramCounts } from './params';
import { PRESETS, PRESET_NAMES, presetConfig } from './registry';
import { SharingError, resolveSharing } from './sharing';

describe('model presets', () => {
  it('the registry lists every preset file, in index.json order (the one list TS and Python read)', () => {
    const files = readdirSync(new URL('./presets/', import.meta.url)).filter((f) => f.endsWith('.json') && f !== 'index.json');
    expect([...PRESET_NAMES].sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
    expect(Object.keys(PRESETS).sort()).toEqual([...PRESET_NAMES].sort());
    expect(PRESET_NAMES).toEqual([
      'separate',
      'shared-all',
      'shared-except-ln',
      'shared-attn',
      'shared-mlp',
      'separate-first-k',
      'separate-last-k',
      'ms-clip',
      'custom',
    ]);
  });

  for (const name of PRESET_NAMES) {
    it(`${name}: layout resolves every tower name and counts add up`, () => {
      const cfg = presetConfig(name);
      const L = buildLayout(cfg);
      for (let l = 0; l < cfg.vision.depth; l++) {
        for (const s of ['ln1.g', 'attn.qkv.w', 'mlp.fc.w']) {
          expect(L.has(`vision.blocks.${l}.${s}`)).toBe(l >= firstVisionBlock(cfg.vision));
          expect(L.has(`text.blocks.${l}.${s}`)).toBe(true);
        }
      }
      const c = paramCounts(L);
      expect(c.total).toBe(L.paramCount);
      expect(c.shared + c.visionOnly + c.textOnly + c.other).toBe(c.total);
      if (name === 'separate') expect(c.shared).toBe(0);
      else expect(c.shared).toBeGreaterThan(0);
    });
  }

  it('shared-all: both towers resolve to the same arena offsets, LayerNorms included', () => {
    const L = buildLayout(presetConfig('shared-all'));
    for (const s of ['ln1.g', 'ln2.b', 'attn.qkv.w', 'attn.out.b', 'mlp.fc.w', 'mlp.proj.b']) {
      expect(L.get(`vision.blocks.2.${s}`).offset).toBe(L.get(`text.blocks.2.${s}`).offset);
    }
    expect(L.get('vision.ln_final.g').offset).toBe(L.get('text.ln_final.g').offset);
    // Input embeddings and projections always stay modality-specific.
    expect(L.get('vision.proj').offset).not.toBe(L.get('text.proj').offset);
  });

  it('shared-except-ln shares attention + MLP but not LayerNorms', () => {
    const L = buildLayout(presetConfig('shared-except-ln'));
    expect(L.get('vision.blocks.0.attn.qkv.w').offset).toBe(L.get('text.blocks.0.attn.qkv.w').offset);
    expect(L.get('vision.blocks.0.ln1.g').offset).not.toBe(L.get('text.blocks.0.ln1.g').offset);
  });

  it('ms-clip keeps layer 0 modality-specific and shares the rest', () => {
    const m = resolveSharing(presetConfig('ms-clip'));
    expect(m[0]).toEqual({ attn: false, mlp: false, ln: false });
    expect(m.slice(1).every((s) => s.attn && s.mlp && !s.ln)).toBe(true);
  });

  it('separate-first-k / separate-last-k', () => {
    const f = resolveSharing(presetConfig('separate-first-k', { sharing: { k: 2 } }));
    expect(f.map((s) => s.attn)).toEqual([false, false, true, true]);
    const l = resolveSharing(presetConfig('separate-last-k', { sharing: { k: 1 } }));
    expect(l.map((s) => s.mlp)).toEqual([true, true, true, false]);
  });

  it('sharing shrinks the model: shared-all < shared-except-ln < separate', () => {
    const n = (p: string) => paramCounts(buildLayout(presetConfig(p))).total;
    expect(n('shared-all')).toBeLessThan(n('shared-except-ln'));
    expect(n('shared-except-ln')).toBeLessThan(n('separate'));
  });

  it('rejects impossible specs with the layer and the reason', () => {
    expect(() => resolveSharing(presetConfig('shared-all', { text: { width: 32 } }))).toThrow(
      /layer 0: shares attn, mlp, ln, but widths differ \(vision 64, text 32\)/,
    );
    expect(() => resolveSharing(presetConfig('shared-attn', { text: { heads: 2 } }))).toThrow(/layer 0: shares attention, but head counts differ/);
    expect(() => resolveSharing(presetConfig('shared-all', { text: { depth: 2 } }))).toThrow(/layer 2: .* text tower has only 2 layers/);
    expect(() => resolveSharing(presetConfig('separate-first-k', { sharing: { k: 9 } }))).toThrow(SharingError);
    expect(() => resolveSharing(presetConfig('custom', { vision: { depth: 2 }, text: { depth: 2 } }))).toThrow(
      /matrix has 4 rows; the model has 2 layers/,
    );
    // Separate towers may differ in width.
    expect(() => resolveSharing(presetConfig('separate', { text: { width: 32, heads: 2 } }))).not.toThrow();
  });
});
