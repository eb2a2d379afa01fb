import { describe, expect, it } from 'vitest';
import { CLIP_MEAN, CLIP_STD, DecodeError, cropRect, decodePairs, rgbaToChw } from './decode';
import { bmp, cat, gif, jpeg, png, tiff, utf8, webp } from './fixtures';
import { contentHash, fnv1a64 } from './hash';
import { checkImage, detectImageType, detectUnsupportedType } from './magic';
import { ingest } from './ingest';

describe('magic bytes', () => {
  it('detects the five supported types whatever the extension', () => {
    expect(detectImageType(png())).toBe('png');
    expect(detectImageType(jpeg())).toBe('jpeg');
    expect(detectImageType(gif())).toBe('gif');
    expect(detectImageType(webp())).toBe('webp');
    expect(detectImageType(bmp())).toBe('bmp');
    expect(detectImageType(tiff())).toBeNull();
    expect(detectImageType(utf8('hello'))).toBeNull();
  });
  it('accepts complete files', () => {
    for (const [b, t] of [[png(), 'png'], [jpeg(), 'jpeg'], [gif(), 'gif'], [webp(), 'webp'], [bmp(), 'bmp']] as const)
      expect(checkImage(b, t)).toEqual({ ok: true });
  });
  it('flags truncation of every type', () => {
    const cut = (b: Uint8Array, n: number) => b.subarray(0, b.length - n);
    expect(checkImage(cut(png(), 12), 'png')).toMatchObject({ ok: false, reason: 'truncated-image' }); // no IEND
    expect(checkImage(cut(png(), 30), 'png')).toMatchObject({ ok: false, reason: 'truncated-image' });
    expect(checkImage(cut(jpeg(), 2), 'jpeg')).toMatchObject({ ok: false, reason: 'truncated-image' }); // no EOI
    expect(checkImage(jpeg().subarray(0, 10), 'jpeg')).toMatchObject({ ok: false, reason: 'truncated-image' });
    expect(checkImage(cut(gif(), 1), 'gif')).toMatchObject({ ok: false, reason: 'truncated-image' });
    expect(checkImage(cut(webp(), 3), 'webp')).toMatchObject({ ok: false, reason: 'truncated-image' });
    expect(checkImage(cut(bmp(), 2), 'bmp')).toMatchObject({ ok: false, reason: 'truncated-image' });
  });
  it('flags structurally broken files as undecodable', () => {
    const p = png();
    p.set(utf8('XXXX'), 12); // first chunk is no longer IHDR
    expect(checkImage(p, 'png')).toMatchObject({ ok: false, reason: 'undecodable-image' });
    expect(checkImage(cat([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'jpeg')).toMatchObject({ ok: false, reason: 'undecodable-image' });
  });
  it('names unsupported formats', () => {
    expect(detectUnsupportedType(tiff())).toBe('TIFF');
    expect(detectUnsupportedType(cat([0, 0, 0, 0x1c], utf8('ftypheic')))).toBe('HEIF/HEIC');
    expect(detectUnsupportedType(cat([0, 0, 0, 0x1c], utf8('ftypavif')))).toBe('AVIF');
    expect(detectUnsupportedType(utf8('<?xml version="1.0"?><svg></svg>'))).toBe('SVG');
    expect(detectUnsupportedType(utf8('plain text'))).toBeNull();
  });
});

describe('hash', () => {
  it('FNV-1a 64 matches a BigInt reference', () => {
    const ref = (b: Uint8Array) => {
      let h = 0xcbf29ce484222325n;
      for (const x of b) h = ((h ^ BigInt(x)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    expect(fnv1a64(new Uint8Array())).toBe('cbf29ce484222325');
    expect(fnv1a64(utf8('a'))).toBe('af63dc4c8601ec8c'); // published test vector
    for (const b of [utf8('foobar'), png(3), jpeg(9), new Uint8Array(1000).map((_, i) => (i * 7919) & 255)]) expect(fnv1a64(b)).toBe(ref(b));
  });
  it('contentHash is SHA-256 when crypto.subtle exists', async () => {
    expect(await contentHash(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('decode geometry and normalisation (Node)', () => {
  it('cropRect takes the centred square of the shorter side', () => {
    expect(cropRect(64, 64)).toEqual({ sx: 0, sy: 0, sw: 64, sh: 64 });
    expect(cropRect(640, 480)).toEqual({ sx: 80, sy: 0, sw: 480, sh: 480 });
    expect(cropRect(480, 640)).toEqual({ sx: 0, sy: 80, sw: 480, sh: 480 });
    expect(cropRect(5, 2)).toEqual({ sx: 1, sy: 0, sw: 2, sh: 2 }); // odd leftover goes right
    expect(cropRect(1, 1000)).toEqual({ sx: 0, sy: 499, sw: 1, sh: 1 });
    expect(() => cropRect(0, 10)).toThrow(RangeError);
    for (const [w, h] of [[3, 7], [17, 33], [1001, 999]]) {
      const r = cropRect(w, h);
      expect(r.sx + r.sw).toBeLessThanOrEqual(w);
      expect(r.sy + r.sh).toBeLessThanOrEqual(h);
      expect(Math.abs(r.sx - (w - r.sx - r.sw))).toBeLessThanOrEqual(1);
      expect(Math.abs(r.sy - (h - r.sy - r.sh))).toBeLessThanOrEqual(1);
    }
  });
  it('rgbaToChw lays out (3, S, S) and normalises per channel', () => {
    const S = 2;
    const rgba = new Uint8Array(4 * S * S);
    for (let i = 0; i < S * S; i++) rgba.set([255, 0, 128, 255], 4 * i);
    rgba.set([0, 255, 0, 0], 4 * 3); // last pixel differs
    const out = rgbaToChw(rgba, S, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.25, 1] });
    expect(Array.from(out)).toEqual([1, 1, 1, -1, -2, -2, -2, 2, 128 / 255 - 0.5, 128 / 255 - 0.5, 128 / 255 - 0.5, -0.5].map((v) => Math.fround(v)));
    expect(() => rgbaToChw(new Uint8Array(3), S)).toThrow(RangeError);
    expect(CLIP_MEAN.length + CLIP_STD.length).toBe(6);
  });
  it('decodePairs packs survivors and reports decoder failures', async () => {
    const r = ingest([
      { path: 'a.png', bytes: png(1) },
      { path: 'a.txt', bytes: utf8('one') },
      { path: 'b.png', bytes: png(2) },
      { path: 'b.txt', bytes: utf8('two') },
      { path: 'c.png', bytes: png(3) },
      { path: 'c.txt', bytes: utf8('three') },
    ]);
    const S = 2;
    const fake = async (bytes: Uint8Array, size: number) => {
      if (fnv1a64(bytes) === fnv1a64(png(2)))
        throw new DecodeError('undecodable-image', 'fake decoder refuses b');
      return new Float32Array(3 * size * size).fill(bytes.length);
    };
    const d = await decodePairs(r, S, { decode: fake });
    expect(d.paths).toEqual(['a.png', 'c.png']);
    expect(d.captions).toEqual([['one'], ['three']]);
    expect(d.images.length).toBe(2 * 3 * S * S);
    expect(r.report.loaded).toBe(2);
    expect(r.report.counts['undecodable-image']).toBe(1);
    expect(r.report.skipped.at(-1)).toMatchObject({ file: 'b.png', reason: 'undecodable-image' });
    expect(r.images.has('b.png')).toBe(false);
  });
});
