// The dataset part of an experiment for uploads: kind, content-hash id, vocabulary size.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, datasetProblem, parseExperiment, serializeExperiment } from './experiment';

const id = 'ab'.repeat(32);

describe('experiment with an uploaded dataset', () => {
  it('round-trips kind, upload id and vocab size', () => {
    const e = { ...DEFAULT_EXPERIMENT, dataset: { ...DEFAULT_EXPERIMENT.dataset, kind: 'upload' as const, upload: id, vocabSize: 1024 } };
    const r = parseExperiment(serializeExperiment(e));
    expect(r).toEqual({ ok: true, value: e });
  });

  it.each([
    ['{"dataset":{"kind":"url"}}', /unknown value "url"/],
    ['{"dataset":{"upload":"../../etc"}}', /expected an upload id/],
    ['{"dataset":{"upload":42}}', /expected an upload id/],
    [`{"dataset":{"upload":"${id}0"}}`, /expected an upload id/],
    ['{"dataset":{"vocabSize":100}}', /must be between 259/],
  ])('rejects %s', (text, msg) => {
    const r = parseExperiment(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });

  it('an upload spec needs an id', () => {
    expect(datasetProblem({ ...DEFAULT_EXPERIMENT.dataset, kind: 'upload' })).toMatch(/no upload chosen/);
    expect(datasetProblem({ ...DEFAULT_EXPERIMENT.dataset, kind: 'upload', upload: id })).toBeNull();
    expect(datasetProblem(DEFAULT_EXPERIMENT.dataset)).toBeNull();
  });
});
