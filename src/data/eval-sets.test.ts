// Evaluation sets (issue 19): validation messages, built-in sets evaluated whole, tokenised with the
// TRAINING tokenizer (an unseen word still encodes, byte-level), metrics through the one
// metricsFromEmbeddings, resizing, and uploads cached at another side or not at all.
import { describe, expect, it } from 'vitest';
import { metricsFromEmbeddings } from '../train/evaluate';
import { atSize, builtinEvalSet, evalSetInfo, evalSetProblems, forRun, prepareEvalSet } from './eval-sets';
import { UPLOAD_NORM } from './ingest/preprocess';
import { resizeChw } from './images';
import { MemoryUploadStore } from './ingest/cache';
import { png } from './ingest/fixtures';
import { runPipeline } from './ingest/pipeline';
import { loadUploadEvalSet } from './ingest/uploadSet';
import { builtinSet, prepare } from './prepare';
import { EVAL_SET_DEFAULT_COUNT } from './types';

const ID = 'a'.repeat(64);

describe('evalSetProblems', () => {
  it('accepts good sets and names the field of each problem', () => {
    expect(evalSetProblems(undefined)).toEqual([]);
    expect(evalSetProblems([{ name: 'other-seed', kind: 'builtin', seed: 5, count: 64 }, { name: 'photos', kind: 'upload', upload: ID }])).toEqual([]);
    expect(evalSetProblems({})).toEqual(['dataset.evalSets must be a list of { name, kind, … }']);
    const p = evalSetProblems([
      { name: 'a b', kind: 'builtin', seed: 3 },
      { name: 'x', kind: 'webcam' },
      { name: 'y', kind: 'builtin', seed: 1.5, count: 1 },
      { name: 'y', kind: 'builtin', seed: 4, upload: ID },
      { name: 'z', kind: 'upload', upload: 'nope' },
      { name: 'w', kind: 'upload' },
      { name: 'v', kind: 'upload', path: 'data/x' },
    ]);
    expect(p).toEqual([
      'dataset.evalSets[0].name must be 1–40 characters of letters, digits, _ . - (got "a b")',
      'dataset.evalSets[1].kind must be "builtin" or "upload" (got "webcam")',
      'dataset.evalSets[2].count must be an integer from 2 to 8192 (got 1)',
      'dataset.evalSets[2].seed must be an integer from 0 to 2147483647 (got 1.5)',
      'dataset.evalSets[3].name "y" is used twice: evaluation set names must be unique',
      'dataset.evalSets[3].upload: not a field of a builtin evaluation set (allowed: name, kind, seed, count)',
      'dataset.evalSets[4].upload must be an upload\'s content id (64 hex digits)',
      'dataset.evalSets[5]: an upload evaluation set needs "upload" (a content id)',
      'dataset.evalSets[6].path: only the headless runner reads paths; upload the folder and name its content id in "upload"',
    ]);
    // headless: a path is fine, both is not; a built-in set with the training seed repeats its images
    expect(evalSetProblems([{ name: 'v', kind: 'upload', path: 'data/x' }], {}, { headless: true })).toEqual([]);
    expect(evalSetProblems([{ name: 'v', kind: 'upload', path: 'x', upload: ID }], {}, { headless: true })).toEqual(['dataset.evalSets[0]: give "upload" or "path", not both']);
    expect(evalSetProblems([{ name: 's', kind: 'builtin', seed: 7 }], { kind: 'builtin', seed: 7 })[0]).toMatch(/seed is 7, the training set's seed/);
    expect(evalSetProblems([{ name: 's', kind: 'builtin' }], { kind: 'builtin', seed: 1 })[0]).toMatch(/seed is 1/); // the default seed
  });
});

describe('built-in evaluation sets with the training tokenizer', () => {
  const train = builtinSet({ seed: 0, count: 96, valCount: 16, heldOutCount: 0, size: 8 });
  const tok = prepare(train, 12, 300).tokenizer;

  it('two sets: every image evaluated, seeds give other images, captions in the training tokens', () => {
    const a = prepareEvalSet('a', builtinEvalSet({ name: 'a', kind: 'builtin', seed: 3, count: 24 }, 8), tok, 12);
    const b = prepareEvalSet('b', builtinEvalSet({ name: 'b', kind: 'builtin', seed: 4 }, 8), tok, 12);
    expect(a.prep.val.Ni).toBe(24);
    expect(b.prep.val.Ni).toBe(EVAL_SET_DEFAULT_COUNT);
    expect(a.set.trainIndex).toEqual([]);
    expect(a.prep.tokenizer).toBe(tok);
    expect(a.prep.val.images.subarray(0, 192)).not.toEqual(b.prep.val.images.subarray(0, 192));
    // The first caption of image 0 encodes exactly as the training tokenizer encodes it.
    const c0 = a.set.captions[0][0];
    const e = tok.encode(c0, 12);
    expect([...a.prep.val.captions.ids.subarray(0, 12)]).toEqual([...e.ids]);
    expect(a.prep.val.captions.eot[0]).toBe(e.eotIndex);
    expect(a.prep.valCaptions[0]).toBe(c0);
    expect(a.prep.val.captions.rows).toBeUndefined(); // rows index the training set's teacher table: dropped
    // zero-shot over the colour–shape classes on the single-object images
    expect(a.prep.val.zeroShot?.classNames).toHaveLength(64);
    const info = evalSetInfo(a);
    expect(info).toMatchObject({ name: 'a', images: 24, captions: a.prep.val.captions.N, classes: a.prep.val.zeroShot?.classNames });
    expect(info.thumbs?.rgba).toHaveLength(24 * 8 * 8 * 4);
    expect(info.thumbs?.size).toBe(8);
  });

  it('a word the training captions never had still tokenises (byte-level BPE) and round-trips', () => {
    const set = builtinEvalSet({ name: 'x', kind: 'builtin', seed: 3, count: 4 }, 8);
    set.captions[0] = ['a zebra-striped okapi'];
    const d = prepareEvalSet('x', set, tok, 32);
    const e = tok.encode('a zebra-striped okapi', 32);
    expect(e.length).toBeGreaterThan(5); // unseen: several byte-level pieces
    expect([...d.prep.val.captions.ids.subarray(0, 32)]).toEqual([...e.ids]);
    expect(tok.decode(e.ids.subarray(1, e.eotIndex))).toBe('a zebra-striped okapi');
  });

  it('metrics of an evaluation set come from metricsFromEmbeddings on its ValData', () => {
    const d = prepareEvalSet('a', builtinEvalSet({ name: 'a', kind: 'builtin', seed: 3, count: 20 }, 8), tok, 12);
    const { val } = d.prep;
    const D = 24;
    // Image i on axis i; its captions on axis i too (a perfect model): R@1 = 1 both ways.
    const img = new Float32Array(val.Ni * D);
    for (let i = 0; i < val.Ni; i++) img[i * D + i] = 1;
    const txt = new Float32Array(val.captions.N * D);
    val.captionImage.forEach((i, j) => {
      txt[j * D + i] = 1;
    });
    const z = val.zeroShot!;
    const prompts = new Float32Array(z.prompts.N * D);
    for (let p = 0; p < z.prompts.N; p++) prompts[p * D + (p % D)] = 1;
    const m = metricsFromEmbeddings(val, { img, txt, prompts }, D, { step: 7, batchSize: 8, logitScale: 10, loss: { kind: 'infonce', t: Math.log(10), b: 0 } });
    expect(m.step).toBe(7);
    expect(m.i2t[1]).toBe(1);
    expect(m.t2i[1]).toBe(1);
    expect(m.perExample?.i2tRank).toHaveLength(20);
    expect(m.perExample?.t2iImage).toEqual([...val.captionImage]);
    expect(m.modalityGap).toBeCloseTo(0, 6);
    expect(m.zeroShot).toBeGreaterThanOrEqual(0);
    expect(m.perExample?.zeroShot).toHaveLength(z.imageIndex.length);
  });
});

describe('resizing to the run image side', () => {
  it('area-averages when shrinking, keeps constants, interpolates when enlarging', () => {
    const s = 4;
    const src = Float32Array.from({ length: 3 * s * s }, (_, k) => k);
    const out = new Float32Array(3 * 4);
    resizeChw(src, 0, 4, 2, out);
    // channel 0, output (0,0) = mean of input (0,0),(0,1),(1,0),(1,1) = (0+1+4+5)/4
    expect(out[0]).toBeCloseTo(2.5, 6);
    expect(out[3]).toBeCloseTo((10 + 11 + 14 + 15) / 4, 6);
    expect(out[4]).toBeCloseTo(16 + 2.5, 6);
    const three = new Float32Array(27);
    resizeChw(new Float32Array(48).fill(0.7), 0, 4, 3, three); // a non-integer factor
    for (const v of three) expect(v).toBeCloseTo(0.7, 6);
    const up = new Float32Array(3 * 64);
    resizeChw(src, 0, 4, 8, up);
    expect(up[0]).toBe(0);
    expect(up[7]).toBe(3); // the edges clamp
    for (let x = 1; x < 8; x++) expect(up[x]).toBeGreaterThanOrEqual(up[x - 1]);
  });

  it('atSize resizes the model images, leaves the thumbnails at the set own side', () => {
    const set = builtinEvalSet({ name: 'a', kind: 'builtin', seed: 3, count: 4 }, 8);
    const small = atSize(set, 4);
    const d = prepareEvalSet('a', small, prepare(set, 8, 270).tokenizer, 8);
    expect(d.prep.val.images).toHaveLength(4 * 3 * 16);
    const want = new Float32Array(48);
    resizeChw(set.images as Float32Array, 0, 8, 4, want);
    expect(d.prep.val.images.subarray(0, 48)).toEqual(want);
    expect(evalSetInfo(d).thumbs?.size).toBe(8);
  });
});

describe('normalised as the run was trained', () => {
  it('a built-in set fed to a run trained on an upload: pixel/255 normalised with the upload constants', () => {
    const set = builtinSet({ seed: 3, count: 0, valCount: 2, heldOutCount: 0, size: 4 });
    const seen = forRun(set, 'builtin', 4, 'upload');
    const out = new Float32Array(48);
    if (seen.images instanceof Float32Array) throw new Error('expected an ImageSource');
    seen.images.copyTo(1, out, 0);
    for (let k = 0; k < 48; k++) {
      const c = Math.floor(k / 16);
      expect(out[k]).toBeCloseTo((set.source.pixels[48 + k] / 255 - UPLOAD_NORM.mean[c]) / UPLOAD_NORM.std[c], 4);
    }
    expect(forRun(set, 'builtin', 4, 'builtin')).toBe(set); // same kind, same side: untouched
  });
});

describe('uploads as evaluation sets', () => {
  async function cached(size: number) {
    const store = new MemoryUploadStore();
    const files: Record<string, Uint8Array> = {};
    const enc = new TextEncoder();
    for (let i = 0; i < 6; i++) {
      files[`d/${i}.png`] = png(i + 1, 4, 4);
      files[`d/${i}.txt`] = enc.encode(`a drawing ${i}`);
    }
    const entries = Object.entries(files).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
    const decode = async (_b: Uint8Array | Blob, S: number) => Uint8ClampedArray.from({ length: 4 * S * S }, (_, k) => (k % 4 === 3 ? 255 : k & 255));
    const r = await runPipeline(entries, { name: 'drawings', size, contextLength: 8, vocabSize: 270, chunkSize: 4 }, { store, decode });
    return { store, id: r.id };
  }

  it('first `count` pairs, all evaluated; another cached side is read and resized; a missing one is named', async () => {
    const { store, id } = await cached(8);
    const set = await loadUploadEvalSet('draw', id, 4, 8, store);
    expect(set.valIndex).toEqual([0, 1, 2, 3]);
    expect(set.trainIndex).toEqual([]);
    expect(set.captions[3]).toEqual(['a drawing 3']);
    const other = await loadUploadEvalSet('draw', id, 100, 4, store); // cached at 8 only: read at 8
    expect(other.size).toBe(8);
    expect(other.valIndex).toHaveLength(6);
    expect(atSize(other, 4).size).toBe(4);
    await expect(loadUploadEvalSet('draw', 'f'.repeat(64), 10, 8, store)).rejects.toThrow('evaluation set "draw": upload ffffffff… is not cached in this browser — upload it again');
  });
});
