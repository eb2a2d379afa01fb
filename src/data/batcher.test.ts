import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';
import { generateBuiltin } from './builtin/generate';
import { BpeTokenizer } from './tokenizer';

const ds = generateBuiltin({ seed: 2, count: 100, valCount: 20, heldOutCount: 10, size: 16 });
const tok = BpeTokenizer.train(ds.split.train.flatMap((i) => ds.captions[i]));
const opts = { indices: ds.split.train, batchSize: 16, contextLength: 16, seed: 11 };
const make = (o: Partial<typeof opts> = {}) => new Batcher(ds, tok, { ...opts, ...o });

describe('Batcher', () => {
  it('drops the last partial batch and covers each image once per epoch', () => {
    const b = make();
    expect(b.stepsPerEpoch).toBe(6);
    for (let e = 0; e < 3; e++) {
      const seen = new Set<number>();
      for (let s = 0; s < b.stepsPerEpoch; s++) {
        const batch = b.next();
        expect(batch.epoch).toBe(e);
        for (const i of batch.indices) seen.add(i);
      }
      expect(seen.size).toBe(96);
      for (const i of seen) expect(ds.split.train).toContain(i);
    }
  });

  it('batchAt(step) equals iterating, in any order and from a fresh batcher (resumable)', () => {
    const it1 = make();
    const seq = Array.from({ length: 20 }, () => it1.next());
    const fresh = make();
    for (const s of [13, 0, 19, 6, 5, 12]) expect(fresh.batchAt(s)).toEqual(seq[s]);
    const resumed = make();
    resumed.step = 7;
    const gen = resumed.batches();
    for (let s = 7; s < 20; s++) expect(gen.next().value).toEqual(seq[s]);
    expect(resumed.step).toBe(20);
    // Reusing output buffers gives the same content.
    const out = fresh.batchAt(3);
    fresh.batchAt(9, out);
    expect(out).toEqual(seq[9]);
  });

  it('depends on the seed; shuffles and caption choices change across epochs', () => {
    const a = make().batchAt(0);
    expect(make({ seed: 12 }).batchAt(0).indices).not.toEqual(a.indices);
    const b = make();
    const caps = (e: number) =>
      Array.from({ length: b.stepsPerEpoch }, (_, s) => b.batchAt(e * b.stepsPerEpoch + s)).flatMap((x) =>
        Array.from(x.indices, (img, k) => `${img}:${x.captionIndex[k]}`),
      );
    const e0 = new Set(caps(0));
    const e1 = caps(1);
    expect(e1.filter((x) => e0.has(x)).length).toBeLessThan(e1.length / 2); // 5 captions → ~20% overlap
    expect(b.batchAt(b.stepsPerEpoch).indices).not.toEqual(b.batchAt(0).indices);
  });

  it('fills images, ids, eot and lengths from the source and tokenizer', () => {
    const b = make();
    const batch = b.batchAt(4);
    const chw = 3 * 16 * 16;
    expect(batch.images.length).toBe(16 * chw);
    expect(batch.ids.length).toBe(16 * 16);
    for (let k = 0; k < 16; k++) {
      const img = batch.indices[k];
      expect(batch.images.subarray(k * chw, (k + 1) * chw)).toEqual(ds.image(img));
      const e = tok.encode(ds.captions[img][batch.captionIndex[k]], 16);
      expect(batch.ids.subarray(k * 16, (k + 1) * 16)).toEqual(e.ids);
      expect(batch.eot[k]).toBe(e.eotIndex);
      expect(batch.lengths[k]).toBe(e.length);
    }
    expect(b.truncatedCaptions).toBe(0);
    expect(make({ contextLength: 6 }).truncatedCaptions).toBeGreaterThan(0);
  });

  it('rejects impossible configurations', () => {
    expect(() => make({ batchSize: 200 })).toThrow();
    expect(() => make({ batchSize: 0 })).toThrow();
    expect(() => make().batchAt(-1)).toThrow();
  });
});
