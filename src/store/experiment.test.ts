import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, parseExperiment, presetCounts, serializeExperiment } from './experiment';

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
