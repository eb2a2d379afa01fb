import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../model/config';
import { buildLayout, paramCounts } from '../model/params';
import { presetConfig } from '../model/registry';
import { SIZE_NAMES, sizeOf, sizeTable, trainFlopsPerStep, withSize } from '../model/sizes';
import { estimateQueue, modelKey } from './estimate';

describe('model-size presets', () => {
  it('every size builds, the default is tiny, and parameters grow with the size', () => {
    const t = sizeTable(DEFAULT_CONFIG);
    expect(t.map((s) => s.name)).toEqual([...SIZE_NAMES]);
    expect(t.find((s) => s.name === 'tiny')?.config).toEqual(DEFAULT_CONFIG);
    for (let i = 1; i < t.length; i++) expect(t[i].params).toBeGreaterThan(2 * t[i - 1].params);
    for (const s of t) expect(s.params).toBe(paramCounts(buildLayout(s.config)).total);
  });

  it('a size keeps the sharing preset; sharing counts shared weights once', () => {
    const shared = withSize('small', presetConfig('shared-all'));
    expect(shared.sharing).toEqual(presetConfig('shared-all').sharing);
    expect(shared.vision.width).toBe(128);
    const [sep] = sizeTable(presetConfig('separate')).filter((s) => s.name === 'small');
    expect(paramCounts(buildLayout(shared)).total).toBeLessThan(sep.params);
  });
});

describe('trainFlopsPerStep', () => {
  it('linear in the batch; a transformer layer costs 2N(4+2r)w² + 4N²w per forward', () => {
    const c = DEFAULT_CONFIG;
    expect(trainFlopsPerStep(c, 64)).toBe(2 * trainFlopsPerStep(c, 32));
    const deeper = { ...c, text: { ...c.text, depth: c.text.depth + 1 } };
    const N = c.text.contextLength;
    const w = c.text.width;
    expect(trainFlopsPerStep(deeper, 1) - trainFlopsPerStep(c, 1)).toBe(3 * (2 * N * (4 + 2 * c.text.mlpRatio) * w * w + 4 * N * N * w));
  });
});

describe('estimateQueue', () => {
  const tiny = DEFAULT_CONFIG;
  const small = withSize('small', DEFAULT_CONFIG);
  const m = { key: modelKey(tiny, 64), config: tiny, batchSize: 64, msPerStep: 2500, msPerEval: 5000 };

  it('measured models: steps left × step time + evaluations', () => {
    const e = estimateQueue([{ config: tiny, batchSize: 64, steps: 600, evalEvery: 100 }], [m]);
    // 600 steps + 6 evaluations during the run + the final one
    expect(e.runs[0]).toEqual({ key: m.key, ms: 600 * 2500 + 7 * 5000, source: 'measured' });
    const resumed = estimateQueue([{ config: tiny, batchSize: 64, steps: 600, done: 450, evalEvery: 100 }], [m]);
    expect(resumed.totalMs).toBe(150 * 2500 + 3 * 5000);
    expect(estimateQueue([{ config: tiny, batchSize: 64, steps: 600, done: 600, evalEvery: 100 }], [m]).totalMs).toBe(0);
  });

  it('an unmeasured model is scaled by its FLOPs at the measured rate, and listed to measure', () => {
    const e = estimateQueue(
      [
        { config: tiny, batchSize: 64, steps: 10, evalEvery: 0 },
        { config: small, batchSize: 64, steps: 10, evalEvery: 0 },
      ],
      [m],
    );
    const ratio = trainFlopsPerStep(small, 64) / trainFlopsPerStep(tiny, 64);
    expect(e.runs[1].source).toBe('scaled');
    expect(e.runs[1].ms).toBeCloseTo(10 * 2500 * ratio + 2 * ratio * 2500, 6); // the final eval: 2 steps' worth
    expect(e.toMeasure).toEqual([modelKey(small, 64)]);
    expect(e.totalMs).toBeCloseTo(e.runs[0].ms + e.runs[1].ms, 6);
  });

  it('nothing measured: unknown, zero, and every distinct model to measure once', () => {
    const e = estimateQueue(
      [
        { config: tiny, batchSize: 64, steps: 10, evalEvery: 0 },
        { config: tiny, batchSize: 64, steps: 20, evalEvery: 0 },
        { config: tiny, batchSize: 32, steps: 20, evalEvery: 0 },
      ],
      [],
    );
    expect(e.runs.map((r) => r.source)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(e.toMeasure).toHaveLength(2);
  });
});

describe('model sizes are absolute', () => {
  it('resizing a resized model equals resizing the default; sizeOf names it, or null for a custom size', () => {
    for (const a of SIZE_NAMES) {
      for (const b of SIZE_NAMES) {
        const twice = withSize(b, withSize(a, DEFAULT_CONFIG));
        const once = withSize(b, DEFAULT_CONFIG);
        expect([twice.vision.width, twice.vision.depth, twice.text.heads, twice.embedDim]).toEqual([once.vision.width, once.vision.depth, once.text.heads, once.embedDim]);
        expect(sizeOf(twice)).toBe(b);
      }
    }
    expect(sizeOf(DEFAULT_CONFIG)).toBe('tiny');
    const custom = withSize('small', DEFAULT_CONFIG);
    expect(sizeOf({ ...custom, vision: { ...custom.vision, depth: 5 } })).toBeNull();
  });
});
