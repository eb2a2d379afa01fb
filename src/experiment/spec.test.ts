import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLayout, paramCounts } from '../model/params';
import { experimentRuns, validateExperiment } from './spec';
import { experimentData } from './torch-data';

const base = { name: 'v', presets: ['separate'], seeds: [1] };

describe('experiment variants (ablations of a preset)', () => {
  it('builds each variant from its preset plus its model overrides, named by the variant', () => {
    const spec = validateExperiment(JSON.parse(readFileSync('experiments/ms-clip-ablation.json', 'utf8')));
    const { runs } = experimentRuns(spec);
    expect(runs).toHaveLength(4 * 5);
    const first = (p: string) => runs.find((r) => r.preset === p)!;
    const only = first('sharing-only').config.vision;
    const es = first('sharing+es').config.vision;
    const epb = first('sharing+epb').config.vision;
    const both = first('ms-clip').config.vision;
    expect([only.stem, only.parallelBranch]).toEqual(['patch', false]);
    expect([es.stem, es.parallelBranch]).toEqual(['conv', false]);
    expect([epb.stem, epb.parallelBranch]).toEqual(['patch', true]);
    expect([both.stem, both.parallelBranch]).toEqual(['conv', true]);
    // every variant keeps the experiment's shared overrides (depth 4 everywhere)
    for (const v of [only, es, epb, both]) expect(v.depth).toBe(4);
    // and what each label claims is in the model: the branch has parameters, the stem replaces layer 0
    const by = (p: string) => paramCounts(buildLayout(first(p).config)).byModule as Record<string, number>;
    expect(by('sharing+epb').branch).toBeGreaterThan(0);
    expect(by('sharing-only').branch ?? 0).toBe(0);
    expect(by('sharing+es').stem).toBeGreaterThan(by('sharing-only').stem); // conv stem vs linear patch embedding
    expect(by('ms-clip').branch).toBe(by('sharing+epb').branch);
  });

  it('refuses unknown presets, variant keys and a variant named like a preset', () => {
    expect(() => validateExperiment({ ...base, presets: ['nope'] })).toThrow(/unknown preset or variant "nope"/);
    expect(() => validateExperiment({ ...base, variants: { x: { preset: 'nope' } }, presets: ['x'] })).toThrow(/variant "x": unknown preset/);
    expect(() => validateExperiment({ ...base, variants: { x: { preset: 'separate', extra: 1 } }, presets: ['x'] })).toThrow(/unknown key "extra"/);
    expect(() => validateExperiment({ ...base, variants: { separate: { preset: 'separate' } } })).toThrow(/has a preset's name/);
    // lrMultVision acts only on a teacher run's vision tower: an experiment file (two-tower runs) may not set it.
    expect(() => validateExperiment({ ...base, hyper: { lrMultVision: 0.1 } })).toThrow(/lrMultVision is the vision-tower lr of teacher runs/);
    expect(() => validateExperiment({ ...base, hyper: { lrMultVision: 1 } })).not.toThrow();
  });
});

describe('evaluation sets in an experiment file', () => {
  it('accepts paths (headless) and built-in sets, refuses a bad set naming the field, and the torch engine refuses them', () => {
    const evalSets = [{ name: 'sk', kind: 'upload', path: 'data/sketches' }, { name: 's7', kind: 'builtin', seed: 7, count: 64 }];
    const spec = validateExperiment({ ...base, dataset: { evalSets } });
    expect(experimentRuns(spec).dataset.evalSets).toEqual(evalSets);
    expect(() => validateExperiment({ ...base, dataset: { evalSets: [{ name: 's', kind: 'builtin', seed: 0 }] } })).toThrow(/experiment file: dataset\.evalSets\[0\]\.seed is 0, the training set's seed/);
    expect(() => validateExperiment({ ...base, dataset: { evalSets: [{ name: 'u', kind: 'upload' }] } })).toThrow(/needs "upload" \(a content id\) or "path"/);
    expect(() => experimentData(spec)).toThrow(/--engine torch: evaluation sets \(dataset\.evalSets\) are not supported/);
  });
});
