import { describe, expect, it } from 'vitest';
import { presetConfig } from '../model/registry';
import { DEFAULT_HYPER } from '../train/hyper';
import type { RunRequest } from '../train/types';
import { fitToDataset, textMismatch } from './protocol';

const run: RunRequest = { id: 'run-0', label: 'separate · seed 0', preset: 'separate', config: presetConfig('separate'), hyper: { ...DEFAULT_HYPER }, seed: 0 };

describe('the worker trains the requested text tower or refuses it, naming the field', () => {
  it('a request fitted to the dataset is accepted, and shows the tokens it trains on', () => {
    const fitted = fitToDataset(run, { vocabSize: 301, contextLength: 24 });
    expect(fitted.config.text.vocabSize).toBe(301);
    expect(fitted.config.text.contextLength).toBe(24);
    expect(fitted.config.text.width).toBe(run.config.text.width);
    expect(run.config.text.contextLength).toBe(presetConfig('separate').text.contextLength); // the original is not mutated
    expect(textMismatch(fitted.config, { vocabSize: 301, contextLength: 24 })).toBeNull();
  });
  it('a request that does not fit is refused with the field named', () => {
    const fitted = fitToDataset(run, { vocabSize: 301, contextLength: 24 });
    expect(textMismatch(fitted.config, { vocabSize: 300, contextLength: 24 })).toMatch(/^config\.text\.vocabSize is 301 .* 300 tokens/);
    expect(textMismatch(fitted.config, { vocabSize: 301, contextLength: 16 })).toMatch(/^config\.text\.contextLength is 24 .* 16 tokens/);
  });
});
