import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { PRESET_NAMES, presetConfig } from './registry';
import { configProblems, configProblemsByField } from './validate';

describe('configProblems', () => {
  it('accepts every preset', () => {
    for (const p of PRESET_NAMES) {
      const over = p === 'custom' ? { sharing: { preset: 'custom' as const, matrix: Array.from({ length: 4 }, () => ({ attn: true, mlp: false, ln: false })) } } : {};
      expect(configProblems(presetConfig(p, over))).toEqual([]);
    }
  });

  it('names the field for wrong types, ranges and divisibility', () => {
    const bad = structuredClone(DEFAULT_CONFIG) as unknown as Record<string, Record<string, unknown>>;
    bad.vision.width = '64';
    bad.text.depth = 1e9;
    const p = configProblems(bad);
    expect(p).toContain('vision.width: must be an integer, got "64"');
    expect(p.some((m) => m.startsWith('text.depth: must be between 1 and 64'))).toBe(true);
    expect(configProblems({ ...DEFAULT_CONFIG, vision: { ...DEFAULT_CONFIG.vision, heads: 5 } })).toEqual(['vision.heads: 5 must divide the vision width 64']);
    expect(configProblems({ ...DEFAULT_CONFIG, vision: { ...DEFAULT_CONFIG.vision, stem: 'conv', imageSize: 36, patchSize: 6 } })[0]).toMatch(/power of two/);
    expect(configProblems(null)).toEqual(['config: must be an object']);
    expect(configProblems({ ...DEFAULT_CONFIG, sharing: { preset: '__proto__' } })[0]).toMatch(/^sharing.preset/);
  });

  it('keys the problems by field for a form (one validation, src/store derives from it)', () => {
    const c = presetConfig('ms-clip', { vision: { depth: 1 }, text: { depth: 1 } });
    const by = configProblemsByField(c);
    expect(by['vision.depth']).toMatch(/conv stem as layer 0/);
    expect(configProblemsByField(presetConfig('separate', { vision: { parallelBranch: true } }))['vision.parallelBranch']).toMatch(/fuse nowhere/);
    expect(configProblemsByField(presetConfig('ms-clip'))).toEqual({});
  });

  it('reports a sharing spec that cannot resolve', () => {
    const c = presetConfig('shared-all', { text: { width: 32, heads: 4 } });
    expect(configProblems(c)[0]).toMatch(/^sharing: .*layer/i);
  });
});
