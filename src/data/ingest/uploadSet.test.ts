// An upload from the (memory) cache as a training set: split by seed, uint8 → float on demand,
// batches through prepare()/Batcher, labels only when inferred, clear errors when not cached.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../batcher';
import { DEFAULT_DATASET, type DatasetSpec } from '../types';
import { MemoryUploadStore } from './cache';
import { png, utf8 } from './fixtures';
import { runPipeline } from './pipeline';
import { u8ChwToFloat } from './preprocess';
import { UPLOAD_TEMPLATES, loadUploadSet, uploadDataset } from './uploadSet';

/** Stand-in decoder: a solid image whose colour encodes the PNG's seed-dependent first pixel. */
async function decode(bytes: Uint8Array, S: number) {
  const v = bytes[bytes.length - 20]; // varies with the content
  return Uint8ClampedArray.from({ length: 4 * S * S }, (_, k) => (k % 4 === 3 ? 255 : (v + (k % 4) * 50) & 255));
}

async function load(files: Record<string, Uint8Array | string>, size = 4) {
  const store = new MemoryUploadStore();
  const entries = Object.entries(files).map(([path, v]) => {
    const bytes = typeof v === 'string' ? utf8(v) : v;
    return { path, size: bytes.length, read: async () => bytes };
  });
  const r = await runPipeline(entries, { name: 'set', size, contextLength: 6, vocabSize: 280, chunkSize: 3 }, { store, decode });
  return { store, r, spec: { ...DEFAULT_DATASET, kind: 'upload', upload: r.id, size, valCount: 3, seed: 7 } as DatasetSpec };
}

const flat = () => {
  const f: Record<string, Uint8Array | string> = {};
  for (let i = 0; i < 10; i++) {
    f[`d/${i}.png`] = png(i + 1, 4, 4);
    f[`d/${i}.txt`] = i % 2 ? `image ${i}\nanother caption of image ${i} that is long` : `image ${i}`;
  }
  return f;
};

describe('loadUploadSet', () => {
  it('split by seed, images normalised on demand, captions in order, no labels', async () => {
    const { store, r, spec } = await load(flat());
    const set = await loadUploadSet(spec, store);
    expect(set.captions).toHaveLength(10);
    expect(set.valIndex).toHaveLength(3);
    expect(set.trainIndex).toHaveLength(7);
    expect([...set.trainIndex, ...set.valIndex].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect((await loadUploadSet({ ...spec, seed: 8 }, store)).valIndex).not.toEqual(set.valIndex);
    expect(set.classes).toBeUndefined();
    expect(set.paths[3]).toBe('d/3.png');
    expect(set.captions[3]).toEqual(['image 3', 'another caption of image 3 that is long']);
    // image 5 lives in chunk 1, slot 2
    const want = new Float32Array(48);
    const chunk = (await store.getChunk(r.id, 4, 1))!;
    u8ChwToFloat(chunk, 2 * 48, 4, want);
    const got = new Float32Array(48);
    if (set.images instanceof Float32Array) throw new Error('expected an ImageSource');
    set.images.copyTo(5, got, 0);
    expect(got).toEqual(want);
    expect(set.thumbnail(5)[3]).toBe(255);
  });

  it('prepare + batches + DatasetInfo on an upload', async () => {
    const { store, spec } = await load(flat());
    const { set, prep, info } = await uploadDataset(spec, 6, store);
    const data = prep.makeData(1, 4);
    const b = data.batchAt(0) as Batch;
    expect(b.images).toHaveLength(4 * 48);
    const one = new Float32Array(48);
    if (set.images instanceof Float32Array) throw new Error('expected an ImageSource');
    set.images.copyTo(b.indices[2], one, 0);
    expect(b.images.subarray(96, 144)).toEqual(one);
    expect(prep.val.Ni).toBe(3);
    expect(prep.val.zeroShot).toBeUndefined();
    expect(info).toMatchObject({ name: 'upload: set', train: 7, val: 3, heldOut: 0, size: 4, upload: { name: 'set', classes: null } });
    expect(info.captionLengthHistogram.reduce((a, c) => a + c, 0)).toBe(set.trainIndex.reduce((s, i) => s + set.captions[i].length, 0));
    expect(info.truncated).toBeGreaterThan(0); // the long captions exceed 6 tokens
    expect(info.valImages.rgba).toHaveLength(3 * 16 * 4);
  });

  it('class folders give zero-shot prompts over the val split', async () => {
    const f: Record<string, Uint8Array | string> = {};
    for (const [c, cls] of ['cat', 'dog'].entries())
      for (let i = 0; i < 5; i++) {
        f[`p/${cls}/${i}.png`] = png(20 * c + i + 1, 4, 4);
        f[`p/${cls}/${i}.txt`] = `a ${cls} number ${i}`;
      }
    const { store, spec } = await load(f);
    const { set, prep, info } = await uploadDataset(spec, 6, store);
    expect(set.classes?.names).toEqual(['cat', 'dog']);
    expect([...(set.classes?.label ?? [])]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const z = prep.val.zeroShot!;
    expect(z.promptsPerClass).toBe(UPLOAD_TEMPLATES.length);
    expect(z.prompts.N).toBe(2 * UPLOAD_TEMPLATES.length);
    expect([...z.labels]).toEqual(set.valIndex.map((i) => (i < 5 ? 0 : 1)));
    expect(info.upload?.classes).toEqual(['cat', 'dog']);
  });

  it('explains what is missing', async () => {
    const { store, spec } = await load(flat());
    await expect(loadUploadSet({ ...spec, upload: undefined }, store)).rejects.toThrow(/no upload selected/);
    await expect(loadUploadSet({ ...spec, upload: 'f'.repeat(64) }, store)).rejects.toThrow(/not in this browser's storage/);
    await expect(loadUploadSet({ ...spec, size: 8 }, store)).rejects.toThrow(/not decoded at 8×8 \(cached at 4×4\)/);
  });
});
