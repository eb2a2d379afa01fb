import { describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../model/registry';
import { configProblemsByField } from '../model/validate';
import { DEFAULT_EXPERIMENT, type ModelSettings, modelProblems, parseExperiment, presetCounts, presetsProblems, runConfig, serializeExperiment } from './experiment';

describe('parseExperiment', () => {
  it('round-trips a full experiment', () => {
    const e = { ...DEFAULT_EXPERIMENT, runs: [{ preset: 'shared-all', seed: 3 }] };
    const r = parseExperiment(serializeExperiment(e));
    expect(r).toEqual({ ok: true, value: e });
  });

  it('overlays a partial experiment and fits the custom matrix to the depth', () => {
    const r = parseExperiment('{"model":{"vision":{"depth":2},"text":{"depth":2}},"hyper":{"steps":6}}');
    if (!r.ok) throw new Error(r.error);
    expect(r.value.hyper.steps).toBe(6);
    expect(r.value.hyper.lr).toBe(DEFAULT_EXPERIMENT.hyper.lr);
    expect(r.value.model.matrix).toHaveLength(2);
  });

  it.each([
    ['{"__proto__":{"x":1}}', /forbidden key "__proto__"/],
    ['{"model":{"constructor":1}}', /forbidden key "constructor"/],
    ['{"hyper":{"steps":"6"}}', /expected a number/],
    ['{"hyper":{"lr":1e308}}', /must be between/],
    ['{"hyper":{"minLr":0.5,"lr":0.1}}', /minLr must not exceed lr/],
    ['{"presets":["nope"]}', /unknown value "nope"/],
    ['{"seeds":[1.5]}', /integer/],
    ['{"x":1}', /unknown key "x"/],
    ['null', /expected an object/],
    ['{', /not valid JSON/],
  ])('rejects %s', (text, msg) => {
    const r = parseExperiment(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('presetCounts', () => {
  it('shares parameters in shared-all and none in separate', () => {
    const m = DEFAULT_EXPERIMENT.model;
    expect(presetCounts('separate', m, 'infonce').counts?.shared).toBe(0);
    expect(presetCounts('shared-all', m, 'infonce').counts?.shared).toBeGreaterThan(0);
  });

  it('reports sharing errors', () => {
    const m = { ...DEFAULT_EXPERIMENT.model, text: { ...DEFAULT_EXPERIMENT.model.text, width: 32 } };
    expect(presetCounts('shared-all', m, 'infonce').error).toMatch(/widths differ/);
  });
});

describe('modelProblems: the UI refuses exactly what the model refuses, at the field', () => {
  const base = DEFAULT_EXPERIMENT.model;
  const withVision = (v: Partial<ModelSettings['vision']>, depth?: number): ModelSettings => ({
    ...base,
    vision: { ...base.vision, ...v, ...(depth ? { depth } : {}) },
    text: { ...base.text, ...(depth ? { depth } : {}) },
  });

  it('refuses a non-power-of-two patch for the conv-plus-layer0 stem too (not only for "conv")', () => {
    const m = withVision({ imageSize: 24, patchSize: 6 });
    expect(modelProblems('separate', m, 'infonce', 24)).toEqual({});
    expect(modelProblems('separate', { ...m, vision: { ...m.vision, stem: 'conv-plus-layer0' } }, 'infonce', 24)['vision.patchSize']).toMatch(/power of two/);
    expect(modelProblems('ms-clip', m, 'infonce', 24)['vision.patchSize']).toMatch(/power of two/);
  });

  it('shows a parallel branch that would fuse nowhere at its field, and passes it where it fuses', () => {
    // `separate` shares no layer, so a branch (which fuses before shared vision layers) would fuse nowhere
    const branch = withVision({ parallelBranch: true });
    expect(modelProblems('separate', branch, 'infonce', 32)['vision.parallelBranch']).toMatch(/fuse nowhere/);
    expect(modelProblems('shared-all', branch, 'infonce', 32)).toEqual({});
    expect(modelProblems('ms-clip', withVision({}, 4), 'infonce', 32)).toEqual({});
  });

  it('refuses a one-layer tower under the released conv stem (the stem is layer 0)', () => {
    expect(modelProblems('separate', withVision({ stem: 'conv' }, 1), 'infonce', 32)['vision.depth']).toMatch(/≥ 2 layers/);
    expect(modelProblems('separate', withVision({ stem: 'conv-plus-layer0' }, 1), 'infonce', 32)['vision.depth']).toBeUndefined();
  });

  it('adds only the dataset image-size rule to the model validation, for every preset', () => {
    const m = withVision({ imageSize: 30, patchSize: 5, heads: 3 }, 2);
    for (const p of PRESET_NAMES) {
      const own = configProblemsByField(runConfig(p, m, 'infonce'));
      expect(modelProblems(p, m, 'infonce', 30)).toEqual(own);
      expect(modelProblems(p, m, 'infonce', 32)).toEqual({ ...own, 'vision.imageSize': 'image size must equal the dataset image size (32)' });
    }
  });

  it('merges the selected presets per field, naming the preset when there are several', () => {
    const branch = withVision({ parallelBranch: true });
    expect(presetsProblems(['shared-all', 'separate'], branch, 'infonce', 32)['vision.parallelBranch']).toMatch(/^separate: the branch would fuse nowhere/);
    expect(presetsProblems(['separate'], branch, 'infonce', 32)['vision.parallelBranch']).toMatch(/^the branch would fuse nowhere/);
    expect(presetsProblems(['ms-clip', 'shared-all'], withVision({}), 'infonce', 32)).toEqual({});
  });

  it('round-trips the stem and branch overrides through the experiment JSON and rejects unknown stems', () => {
    const e = { ...DEFAULT_EXPERIMENT, model: { ...base, vision: { ...base.vision, stem: 'conv-plus-layer0' as const, parallelBranch: false } } };
    expect(parseExperiment(serializeExperiment(e))).toEqual({ ok: true, value: e });
    expect(runConfig('ms-clip', e.model, 'infonce').vision).toMatchObject({ stem: 'conv-plus-layer0', parallelBranch: false });
    expect(runConfig('ms-clip', base, 'infonce').vision).toMatchObject({ stem: 'conv', parallelBranch: true });
    const bad = parseExperiment('{"model":{"vision":{"stem":"resnet"}}}');
    expect(bad.ok).toBe(false);
  });
});
