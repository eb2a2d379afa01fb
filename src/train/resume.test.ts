import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../data/tokenizer';
import { buildLayout } from '../model/params';
import { presetConfig } from '../model/registry';
import { writeCheckpoint } from './checkpoint';
import { DEFAULT_HYPER } from './hyper';
import { fromHistoryRow, inspectCheckpoint, toHistoryRow } from './resume';

const tok = BpeTokenizer.train(['a red circle', 'a blue square'], { vocabSize: 300 });

function file(over: { config?: unknown; hyper?: unknown; tokenizer?: unknown; step?: number } = {}) {
  const cfg = presetConfig('separate', { vision: { depth: 1 }, text: { depth: 1, vocabSize: 300 } });
  const L = buildLayout(cfg);
  const n = L.totalElements;
  return writeCheckpoint(L, { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) }, {
    config: (over.config ?? cfg) as typeof cfg,
    tokenizer: over.tokenizer ?? tok.toJSON(),
    step: over.step ?? 5,
    seed: 1,
    hyper: ('hyper' in over ? over.hyper : { ...DEFAULT_HYPER, steps: 10 }) as typeof DEFAULT_HYPER,
    history: [[1, 4.2, 1, 14.3, 1e-3, 0], [2, Number.NaN, Number.POSITIVE_INFINITY, 14.3, 1e-3, 1]],
  });
}

describe('inspectCheckpoint', () => {
  it('reads config, hyper, tokenizer and history; says whether training would continue', () => {
    const info = inspectCheckpoint(file());
    expect(info.resumable).toBe(true);
    expect(info.hyper.steps).toBe(10);
    expect(info.tokenizer.encode('a red circle', 16).ids).toEqual(tok.encode('a red circle', 16).ids);
    const h = info.meta.history!.map(fromHistoryRow);
    expect(h[0]).toEqual({ step: 1, loss: 4.2, gradNorm: 1, logitScale: 14.3, lr: 1e-3, skipped: false });
    expect(h[1].skipped).toBe(true);
    expect(Number.isNaN(h[1].loss)).toBe(true); // stored as null, read back as NaN
    expect(toHistoryRow(h[0])).toEqual([1, 4.2, 1, 14.3, 1e-3, 0]);
    expect(inspectCheckpoint(file({ step: 10 })).resumable).toBe(false);
  });

  it('rejects a bad config, hyper-parameters or tokenizer with a message naming the field', () => {
    const cfg = presetConfig('separate', { vision: { depth: 1, heads: 3 }, text: { depth: 1, vocabSize: 300 } });
    expect(() => inspectCheckpoint(file({ config: cfg }))).toThrow(/vision\.heads: 3 must divide/);
    expect(() => inspectCheckpoint(file({ hyper: { ...DEFAULT_HYPER, lr: -1 } }))).toThrow(/lr must be between/);
    expect(() => inspectCheckpoint(file({ tokenizer: { type: 'wordpiece' } }))).toThrow(/tokenizer is not usable/);
    expect(() => inspectCheckpoint(new Uint8Array([1, 2, 3]))).toThrow();
  });

  it('defaults the hyper-parameters of a file that has none (analysis only)', () => {
    const info = inspectCheckpoint(file({ hyper: null, step: 7 }));
    expect(info.hyper.steps).toBe(7);
    expect(info.resumable).toBe(false);
  });
});
