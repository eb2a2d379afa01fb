import { describe, expect, it } from 'vitest';
import {
  COLOUR_SHAPE_CLASSES,
  COLOURS,
  HELD_OUT_PAIRS,
  isHeldOut,
  pairIndex,
  type SceneAttrs,
  SHAPES,
} from './attributes';
import { BUILTIN_MEAN, BUILTIN_STD, generateBuiltin } from './generate';
import { insideShape, renderScene, sinCos } from './raster';

const small = { count: 200, valCount: 40, heldOutCount: 40 };

const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** FNV-1a over bytes: a fingerprint that pins the generator's exact output. */
function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}

describe('built-in dataset', () => {
  const ds = generateBuiltin({ seed: 0 });

  it('has the default layout: 4096 train, 512 val, 256 held-out val at 32×32', () => {
    expect(ds.n).toBe(4864);
    expect(ds.split.train.length).toBe(4096);
    expect(ds.split.val.length).toBe(512);
    expect(ds.split.valHeldOut.length).toBe(256);
    expect(ds.images.length).toBe(4864 * 3 * 32 * 32);
    expect(ds.imageShape).toEqual([3, 32, 32]);
    const all = [...ds.split.train, ...ds.split.val, ...ds.split.valHeldOut];
    expect(new Set(all).size).toBe(ds.n);
  });

  it('is deterministic by seed (bit-identical images) and differs across seeds', () => {
    const a = generateBuiltin({ seed: 7, ...small });
    const b = generateBuiltin({ seed: 7, ...small });
    const c = generateBuiltin({ seed: 8, ...small });
    expect(Buffer.compare(bytes(a.images), bytes(b.images))).toBe(0);
    expect(a.captions).toEqual(b.captions);
    expect(Buffer.compare(bytes(a.images), bytes(c.images))).not.toBe(0);
    expect(a.captions).not.toEqual(c.captions);
  });

  it('image i does not depend on the counts', () => {
    const a = generateBuiltin({ seed: 3, count: 50, valCount: 0, heldOutCount: 0 });
    const b = generateBuiltin({ seed: 3, ...small });
    expect(Buffer.compare(bytes(a.image(49)), bytes(b.image(49)))).toBe(0);
  });

  it('matches a pinned fingerprint (update only on purpose: it defines the dataset)', () => {
    const a = generateBuiltin({ seed: 1, ...small });
    expect(fnv1a(a.pixels)).toBe(2220920377);
  });

  it('keeps the held-out pairs out of train and val; valHeldOut uses only them', () => {
    expect(HELD_OUT_PAIRS.length / (COLOURS.length * SHAPES.length)).toBeCloseTo(0.125);
    for (const i of [...ds.split.train, ...ds.split.val]) {
      for (const o of ds.scenes[i].objects) expect(isHeldOut(o.colour, o.shape)).toBe(false);
      expect(ds.labelsOf(i).heldOut).toBe(false);
    }
    const seen = new Set<number>();
    for (const i of ds.split.valHeldOut) {
      for (const o of ds.scenes[i].objects) {
        expect(isHeldOut(o.colour, o.shape)).toBe(true);
        seen.add(pairIndex(o.colour, o.shape));
      }
    }
    expect(seen.size).toBe(HELD_OUT_PAIRS.length);
    // Every colour and every shape word still occurs in train.
    const colours = new Set<string>();
    const shapes = new Set<string>();
    for (const i of ds.split.train) {
      for (const o of ds.scenes[i].objects) {
        colours.add(o.colour);
        shapes.add(o.shape);
      }
    }
    for (const c of COLOURS) expect(colours.has(c)).toBe(true);
    for (const s of SHAPES) expect(shapes.has(s)).toBe(true);
  });

  it('with holdout: false uses every pair and has no held-out split', () => {
    const a = generateBuiltin({ seed: 0, count: 2000, valCount: 0, holdout: false });
    expect(a.split.valHeldOut).toEqual([]);
    const pairs = new Set(a.scenes.flatMap((s) => s.objects.map((o) => pairIndex(o.colour, o.shape))));
    expect(pairs.size).toBe(64);
  });

  it('captions: ≥ 3 per image, each naming every object’s colour and shape', () => {
    const bad: string[] = [];
    for (let i = 0; i < ds.n; i++) {
      const caps = ds.captions[i];
      if (caps.length < 3) bad.push(`image ${i}: ${caps.length} captions`);
      for (const cap of caps) {
        const words = cap.split(' ');
        for (const o of ds.scenes[i].objects) {
          if (!words.includes(o.colour) || !words.includes(o.shape)) bad.push(`image ${i}: "${cap}" lacks ${o.colour} ${o.shape}`);
        }
      }
      const s = ds.scenes[i];
      if (s.relation && !caps[0].includes(s.relation)) bad.push(`image ${i}: "${caps[0]}" lacks ${s.relation}`);
    }
    expect(bad).toEqual([]);
    // Articles agree with the next word.
    const flat = ds.captions.flat();
    expect(flat.some((c) => c.startsWith('an orange '))).toBe(true);
    expect(flat.some((c) => / a orange /.test(c) || c.startsWith('a orange'))).toBe(false);
  });

  it('two-object scenes obey their relation and do not overlap', () => {
    let twos = 0;
    for (const s of ds.scenes) {
      if (!s.relation) continue;
      twos++;
      const [a, b] = s.objects;
      const gap = { 'left of': b.cx - a.cx, 'right of': a.cx - b.cx, above: b.cy - a.cy, below: a.cy - b.cy }[s.relation];
      expect(gap).toBeGreaterThan(a.radius + b.radius);
    }
    expect(twos / ds.n).toBeGreaterThan(0.4);
    expect(twos / ds.n).toBeLessThan(0.6);
  });

  it('labelsOf gives structured classes for zero-shot prompts', () => {
    const l = ds.labelsOf(0);
    expect(l.pairLabels).toEqual(ds.scenes[0].objects.map((o) => `${o.colour} ${o.shape}`));
    expect(l.pairs.map((p) => COLOUR_SHAPE_CLASSES[p])).toEqual(l.pairLabels);
    expect(COLOUR_SHAPE_CLASSES.length).toBe(64);
  });

  it('normalised images and toRgba agree with the uint8 pixels', () => {
    const hw = 32 * 32;
    const rgba = ds.toRgba(5);
    expect(rgba.length).toBe(hw * 4);
    const img = ds.image(5);
    for (let p = 0; p < hw; p++) {
      expect(rgba[p * 4 + 3]).toBe(255);
      for (let c = 0; c < 3; c++) {
        expect(rgba[p * 4 + c]).toBe(ds.pixels[5 * 3 * hw + c * hw + p]);
        expect(img[c * hw + p] * BUILTIN_STD[c] + BUILTIN_MEAN[c]).toBeCloseTo(rgba[p * 4 + c] / 255, 5);
      }
    }
    // The constants roughly normalise the data (mean ≈ 0, std ≈ 1 per channel).
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let s2 = 0;
      let n = 0;
      for (let i = 0; i < ds.n; i++) {
        for (let p = 0; p < hw; p++) {
          const v = ds.images[i * 3 * hw + c * hw + p];
          s += v;
          s2 += v * v;
          n++;
        }
      }
      expect(Math.abs(s / n)).toBeLessThan(0.05);
      expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 1);
    }
  });

  it('pixel statistics: a red shape’s region is red, the corners are light background', () => {
    const hw = 32 * 32;
    let checked = 0;
    for (let i = 0; i < ds.n && checked < 20; i++) {
      const s = ds.scenes[i];
      const o = s.objects[0];
      if (s.objects.length !== 1 || o.colour !== 'red' || o.size !== 'large' || o.shape === 'ring') continue;
      checked++;
      const x = Math.floor(o.cx * 32);
      const y = Math.floor(o.cy * 32);
      const mean = [0, 0, 0];
      for (let dy = -1; dy <= 0; dy++) {
        for (let dx = -1; dx <= 0; dx++) {
          for (let c = 0; c < 3; c++) mean[c] += ds.pixels[i * 3 * hw + c * hw + (y + dy) * 32 + x + dx] / 255 / 4;
        }
      }
      expect(mean[0]).toBeGreaterThan(0.75);
      expect(mean[1]).toBeLessThan(0.25);
      expect(mean[2]).toBeLessThan(0.25);
      // The corner opposite the object is background: light in every channel.
      const cx = o.cx < 0.5 ? 31 : 0;
      const cy = o.cy < 0.5 ? 31 : 0;
      for (let c = 0; c < 3; c++) expect(ds.pixels[i * 3 * hw + c * hw + cy * 32 + cx]).toBeGreaterThan(190);
    }
    expect(checked).toBe(20);
  });
});

describe('rasteriser', () => {
  const scene = (shape: (typeof SHAPES)[number]): SceneAttrs => ({
    objects: [
      { shape, colour: 'blue', size: 'large', position: 'centre', cx: 0.5, cy: 0.5, radius: 0.3, angle: 0, rgb: [0, 0, 1] },
    ],
    relation: null,
    background: [1, 1, 1],
  });

  it('sinCos matches Math.sin/cos', () => {
    for (let t = -7; t <= 7; t += 0.01) {
      const [s, c] = sinCos(t);
      expect(Math.abs(s - Math.sin(t))).toBeLessThan(1e-15);
      expect(Math.abs(c - Math.cos(t))).toBeLessThan(1e-15);
    }
  });

  it('every shape covers its centre (ring: its band) and nothing far outside', () => {
    for (const s of SHAPES) {
      expect(insideShape(s, s === 'ring' ? 0.8 : 0, 0)).toBe(true);
      expect(insideShape(s, 1.3, 1.3)).toBe(false);
      expect(insideShape(s, 0, 1.3)).toBe(false);
    }
    expect(insideShape('ring', 0, 0)).toBe(false);
  });

  it('covers the expected area fraction and anti-aliases the edge', () => {
    const size = 64;
    const hw = size * size;
    const img = renderScene(scene('circle'), size, 4);
    // Blue channel is 1 everywhere; red = 1 − coverage.
    let area = 0;
    let partial = 0;
    for (let p = 0; p < hw; p++) {
      const cov = 1 - img[p];
      area += cov;
      if (cov > 0 && cov < 1) partial++;
    }
    const expected = Math.PI * (0.3 * size) ** 2;
    expect(Math.abs(area - expected) / expected).toBeLessThan(0.01);
    expect(partial).toBeGreaterThan(50);
    // Shapes differ from each other.
    const areas = SHAPES.map((s) => renderScene(scene(s), size, 4).subarray(0, hw).reduce((a, v) => a + 1 - v, 0));
    expect(new Set(areas.map((a) => Math.round(a))).size).toBe(SHAPES.length);
  });
});
