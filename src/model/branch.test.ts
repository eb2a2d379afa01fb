import { describe, expect, it } from 'vitest';
import { branchPlan } from './branch';
import { buildLayout } from './params';
import { configProblems } from './validate';
import { presetConfig } from './registry';
import { buildBufferLayout } from './stem';

const msclip = (depth: number, patchSize = 8, imageSize = 32, width = 64) =>
  presetConfig('ms-clip', { vision: { depth, patchSize, imageSize, width }, text: { depth, width } });

describe('Efficient Parallel Branch', () => {
  it('fuses before every other shared layer (2, 4, … of shared 1..), one stage each, capped at log2(patch)', () => {
    // Paper: 12 layers, 1..11 shared, fusions before 2, 4, 6, 8, 10 — with patch 32 all five stages.
    expect(branchPlan(msclip(12, 32, 64)).fusions.map((f) => f.layer)).toEqual([2, 4, 6, 8, 10]);
    // Patch 8 allows 3 stages (1/2, 1/4, 1/8).
    const p = branchPlan(msclip(12, 8, 32));
    expect(p.fusions.map((f) => [f.layer, f.stage, f.k])).toEqual([[2, 0, 4], [4, 1, 2], [6, 2, 1]]);
    expect(p.stages.map((s) => [s.cin, s.mid, s.cout, s.size])).toEqual([[3, 1, 4, 16], [4, 2, 8, 8], [8, 4, 16, 4]]);
    // Shallow (ours): the released rule gives depth 4 (shared 1..3) one fusion, so fuse before the 1st and 3rd.
    expect(branchPlan(msclip(4)).fusions.map((f) => [f.layer, f.stage, f.k])).toEqual([[1, 0, 4], [3, 1, 2]]);
    expect(branchPlan(msclip(2)).fusions.map((f) => f.layer)).toEqual([1]);
  });

  it('is present with parameters at depth 4 (two fusions); a branch that would fuse nowhere is refused at the field', () => {
    const L = buildLayout(msclip(4));
    for (const j of [0, 1]) expect(L.get(`vision.fuse${j}.map_proj.w`).shape).toEqual([64, 4 * 2 ** j, 1, 1]);
    expect(L.has('vision.branch.stage1.c.w')).toBe(true);
    // No bias on map_proj (as released).
    expect(L.has('vision.fuse0.map_proj.b')).toBe(false);
    const none = presetConfig('separate', { vision: { parallelBranch: true } });
    expect(branchPlan(none).fusions).toHaveLength(0);
    expect(configProblems(none)).toEqual([expect.stringMatching(/^vision\.parallelBranch: the branch would fuse nowhere/)]);
    expect(configProblems(msclip(4))).toEqual([]);
  });

  it('ms-clip preset enables it: fusion params in the arena, BN running stats in the buffers', () => {
    const cfg = presetConfig('ms-clip');
    expect(cfg.vision.parallelBranch).toBe(true);
    const L = buildLayout(cfg);
    expect(L.get('vision.branch.stage0.conv.w').shape).toEqual([4, 3, 3, 3]);
    expect(L.get('vision.fuse0.map_dw.w').shape).toEqual([4, 1, 4, 4]);
    expect(L.get('vision.fuse0.map_proj.w').shape).toEqual([64, 4, 1, 1]);
    expect(L.get('vision.fuse0.tok_dw.w').shape).toEqual([64, 1, 3, 3]);
    expect(L.get('vision.fuse0.ln.g').decay).toBe(false);
    expect(L.get('vision.fuse1.map_dw.w').shape).toEqual([8, 1, 2, 2]);
    expect(L.has('vision.fuse2.ln.g')).toBe(false);
    const buf = buildBufferLayout(cfg);
    expect(() => buf.get('vision.fuse0.tok_bn.running_var')).not.toThrow();
    expect(() => buf.get('vision.branch.stage0.bn.running_mean')).not.toThrow();
  });
});
