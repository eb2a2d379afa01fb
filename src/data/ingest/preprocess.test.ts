import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../tokenizer';
import { UPLOAD_ID, chunkKey, idRange, tensorKey } from './cache';
import { CLIP_MEAN, CLIP_STD, cropRect, rgbaToChw } from './decode';
import { inferLabels } from './labels';
import { PREPROCESS_VERSION, chunkSizeFor, etaSeconds, formatDuration, locate, rgbaToU8Chw, spreadIndices, u8ChwToFloat, u8ChwToRgba } from './preprocess';
import { uploadStats } from './stats';

const rgbaOf = (S: number, f: (i: number, c: number) => number) => Uint8ClampedArray.from({ length: 4 * S * S }, (_, k) => (k % 4 === 3 ? 255 : f(k >> 2, k % 4)));

describe('pixel layouts', () => {
  it('RGBA → uint8 CHW → float equals the direct float path; → RGBA round-trips', () => {
    const S = 5;
    const rgba = rgbaOf(S, (i, c) => (i * 37 + c * 91) % 256);
    const u8 = new Uint8Array(2 * 3 * S * S);
    rgbaToU8Chw(rgba, S, u8, 3 * S * S); // second slot
    expect([...u8.subarray(0, 3 * S * S)].every((v) => v === 0)).toBe(true);
    const f = new Float32Array(3 * S * S);
    u8ChwToFloat(u8, 3 * S * S, S, f);
    const ref = rgbaToChw(rgba, S, { mean: CLIP_MEAN, std: CLIP_STD });
    for (let i = 0; i < f.length; i++) expect(f[i]).toBeCloseTo(ref[i], 5);
    expect(u8ChwToRgba(u8, 3 * S * S, S)).toEqual(rgba);
    // channel planes: R plane first
    expect(u8[3 * S * S + 1]).toBe(rgba[4]);
    expect(u8[3 * S * S + S * S + 1]).toBe(rgba[5]);
  });

  it('rejects wrong sizes', () => {
    expect(() => rgbaToU8Chw(new Uint8ClampedArray(10), 2, new Uint8Array(12))).toThrow(RangeError);
    expect(() => rgbaToU8Chw(new Uint8ClampedArray(16), 2, new Uint8Array(12), 4)).toThrow(RangeError);
  });

  it('crop then resize: the centred square of the shorter side, for every aspect', () => {
    for (const [w, h] of [[64, 64], [640, 480], [480, 640], [3, 1000], [1001, 2], [17, 16]]) {
      const r = cropRect(w, h);
      expect(r.sw).toBe(Math.min(w, h));
      expect(r.sh).toBe(r.sw);
      expect(r.sx + r.sw).toBeLessThanOrEqual(w);
      expect(r.sy + r.sh).toBeLessThanOrEqual(h);
      // centred: left/right (top/bottom) margins differ by at most one pixel
      expect(Math.abs(w - r.sw - 2 * r.sx)).toBeLessThanOrEqual(1);
      expect(Math.abs(h - r.sh - 2 * r.sy)).toBeLessThanOrEqual(1);
    }
  });

  it('chunk geometry', () => {
    expect(locate(0, 4)).toEqual({ chunk: 0, slot: 0 });
    expect(locate(9, 4)).toEqual({ chunk: 2, slot: 1 });
    expect(() => locate(-1, 4)).toThrow();
    expect(chunkSizeFor(64)).toBe(341); // 4 MiB / 12 KiB
    expect(chunkSizeFor(2048)).toBe(16);
    expect(chunkSizeFor(8)).toBe(4096);
  });

  it('preview indices spread evenly, distinct and increasing', () => {
    expect(spreadIndices(3, 24)).toEqual([0, 1, 2]);
    const s = spreadIndices(50_000, 24);
    expect(s).toHaveLength(24);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(s[0]).toBe(1041);
    expect(s.at(-1)).toBe(48958);
  });

  it('ETA at the average rate', () => {
    expect(etaSeconds(0, 100, 1000)).toBeNull();
    expect(etaSeconds(25, 100, 1000)).toBeCloseTo(3);
    expect(etaSeconds(100, 100, 1000)).toBe(0);
    expect(formatDuration(0.437)).toBe('0.4 s');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});

describe('cache keys', () => {
  const id = 'a'.repeat(64);
  it('one tensor entry per (id, resolution, version); chunks sort under it', () => {
    expect(tensorKey(id, 32)).toBe(`${id}@32v${PREPROCESS_VERSION}`);
    expect(tensorKey(id, 32)).not.toBe(tensorKey(id, 64));
    expect(tensorKey(id, 32, 1)).not.toBe(tensorKey(id, 32, 2));
    const ks = [0, 1, 9, 10, 100, 99999].map((k) => chunkKey(id, 32, k));
    expect([...ks].sort()).toEqual(ks); // lexicographic = numeric order
    const [lo, hi] = idRange(id);
    for (const k of [...ks, tensorKey(id, 32)]) expect(k >= lo && k <= hi).toBe(true);
    const other = `${'a'.repeat(63)}b`;
    expect(tensorKey(other, 32) >= lo && tensorKey(other, 32) <= hi).toBe(false);
    expect(UPLOAD_ID.test(id)).toBe(true);
    expect(UPLOAD_ID.test(`${id}x`)).toBe(false);
  });
});

describe('stats', () => {
  it('captions per image, token lengths, truncation at the context', () => {
    const caps = [['a red circle'], ['a blue square', 'blue square on the left of a very large green triangle'], []];
    const tok = BpeTokenizer.train(caps.flat(), { vocabSize: 270 });
    const lens = caps.flat().map((c) => tok.encode(c, 256).length);
    const T = [...lens].sort((x, y) => x - y)[1]; // only the longest caption exceeds it
    const s = uploadStats(caps, tok, T);
    expect(s).toMatchObject({ pairs: 3, images: 3, captions: 3 });
    expect(s.captionsPerImage).toEqual({ min: 0, max: 2, mean: 1, histogram: [1, 1, 1] });
    expect(s.tokens.histogram.reduce((a, b) => a + b, 0)).toBe(3);
    for (const L of lens) expect(s.tokens.histogram[L]).toBeGreaterThan(0);
    expect(s.tokens.max).toBe(Math.max(...lens));
    expect(s.tokens.truncated).toBe(lens.filter((L) => L > T).length);
    expect(s.tokens.truncated).toBe(1);
    expect(s.tokens.mean).toBeCloseTo(lens.reduce((a, b) => a + b) / 3);
  });
});

describe('labels from class folders', () => {
  it('ImageFolder layouts', () => {
    expect(inferLabels(['d/cat/1.png', 'd/dog/2.png', 'd/cat/3.png', 'd/dog/4.png'])).toEqual({
      names: ['cat', 'dog'],
      folders: ['cat', 'dog'],
      label: [0, 1, 0, 1],
    });
    // split folders above the classes; "_" reads as a space
    const l = inferLabels(['r/train/golden_retriever/a.jpg', 'r/train/tabby-cat/b.jpg', 'r/val/golden_retriever/c.jpg', 'r/val/tabby-cat/d.jpg']);
    expect(l?.names).toEqual(['golden retriever', 'tabby cat']);
    expect(l?.label).toEqual([0, 1, 0, 1]);
  });

  it('no labels: flat folders, shards, too many classes, one class', () => {
    expect(inferLabels(['d/1.png', 'd/2.png', 'd/3.png', 'd/4.png'])).toBeNull();
    expect(inferLabels(['1.png', '2.png', '3.png', '4.png'])).toBeNull();
    expect(inferLabels(['s/000.tar/1.jpg', 's/001.tar/2.jpg', 's/000.tar/3.jpg', 's/001.tar/4.jpg'])).toBeNull();
    expect(inferLabels(['d/a/1.png', 'd/b/2.png', 'd/c/3.png', 'd/d/4.png'])).toBeNull(); // 4 classes > n/2
    expect(inferLabels(['d/a/x/1.png', 'd/a/x/2.png', 'd/a/x/3.png', 'd/a/x/4.png'])).toBeNull();
    expect(inferLabels(['d/a/1.png', 'd/a/2.png', 'd/b/3.png', 'd/4.png'])).toBeNull(); // one image outside
  });
});
