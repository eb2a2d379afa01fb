// The Train button's estimate: no invented rate before a step is measured; a measured model's own rate;
// another model scaled by its FLOPs per step.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../model/config';
import { presetConfig } from '../../model/registry';
import { trainFlopsPerStep } from '../../model/sizes';
import type { RunInfo } from '../../store/runsSlice';
import { DEFAULT_HYPER } from '../../train/hyper';
import { estimateLine, measuresOf } from './train-estimate';

const hyper = { ...DEFAULT_HYPER, steps: 600, evalEvery: 0, batchSize: 32 };
const run = (config = DEFAULT_CONFIG, stepsPerSec = 0.5): RunInfo => ({
  id: 'run-0',
  label: 'x',
  preset: 'separate',
  seed: 1,
  color: '#000',
  status: 'done',
  steps: [],
  stepsPerSec,
  evals: [],
  request: { id: 'run-0', label: 'x', preset: 'separate', config, hyper, seed: 1 },
});

describe('estimateLine', () => {
  it('says it waits for a measured step when nothing is timed (no rate is invented)', () => {
    expect(estimateLine([DEFAULT_CONFIG], hyper, [], 'SwiftShader')).toBe('time estimate after the first measured step');
    expect(estimateLine([DEFAULT_CONFIG], hyper, [run(DEFAULT_CONFIG, 0)], 'SwiftShader')).toBe('time estimate after the first measured step');
    expect(measuresOf([run(DEFAULT_CONFIG, 0)])).toEqual([]);
  });
  it('a measured model: steps × its step time (600 steps at 0.5 steps/s, two runs = 40 min)', () => {
    expect(estimateLine([DEFAULT_CONFIG, DEFAULT_CONFIG], hyper, [run()], 'SwiftShader')).toBe('≈ 40 min for 2 runs on SwiftShader');
  });
  it('an unmeasured model: scaled by its FLOPs per step and says so', () => {
    const other = presetConfig('shared-all', { ...DEFAULT_CONFIG, vision: { ...DEFAULT_CONFIG.vision, width: DEFAULT_CONFIG.vision.width * 2 } });
    const ratio = trainFlopsPerStep(other, 32) / trainFlopsPerStep(DEFAULT_CONFIG, 32);
    const line = estimateLine([other], hyper, [run()], 'SwiftShader');
    expect(line).toBe(`≈ ${Math.round((1200 * ratio * 1000) / 60_000)} min for 1 run on SwiftShader (scaled by FLOPs from the models timed so far)`);
  });
});
