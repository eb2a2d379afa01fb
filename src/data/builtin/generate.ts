// The built-in compositional dataset: procedurally generated scenes of one or two coloured shapes on a
// light background, each with 5 captions, deterministic by seed (bit-identical images in Node and
// browsers; see raster.ts). Index layout: [0, count) train, then valCount val images (seen pairs only),
// then heldOutCount "compositional" val images made only of HELD_OUT_PAIRS, which never occur in train.

import { Rng } from '../../util/rng';
import {
  COLOUR_RGB,
  COLOURS,
  type Colour,
  HELD_OUT_PAIRS,
  type ImageLabels,
  isHeldOut,
  labelsOfScene,
  type ObjectAttrs,
  POSITIONS,
  type Position,
  RELATIONS,
  type Relation,
  SHAPES,
  type SceneAttrs,
  type Shape,
  SIZES,
  type Size,
} from './attributes';
import { captionsFor } from './captions';
import { renderScene } from './raster';

export interface BuiltinOptions {
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Train images (default 4096). */
  count?: number;
  /** In-distribution val images, seen pairs only (default 512). */
  valCount?: number;
  /** Compositional val images, held-out pairs only (default 256; 0 when holdout is false). */
  heldOutCount?: number;
  /** Image side in pixels (default 32). */
  size?: number;
  /** Keep HELD_OUT_PAIRS out of train/val (default true). False: all 64 pairs everywhere, no valHeldOut. */
  holdout?: boolean;
  /** Supersampling per axis for anti-aliasing (default 4 → 16 samples per pixel). */
  supersample?: number;
  /** Share of images with two objects and a relation (default 0.5). */
  twoObjectFraction?: number;
}

/**
 * Per-channel normalisation constants (RGB, on pixel/255), measured on the default dataset
 * (seed 0, 4864 images at 32×32) and fixed so they never depend on the seed or size.
 */
export const BUILTIN_MEAN: readonly [number, number, number] = [0.864, 0.859, 0.854];
export const BUILTIN_STD: readonly [number, number, number] = [0.173, 0.165, 0.19];

export interface BuiltinSplit {
  train: number[];
  /** Val images whose objects are all seen pairs. */
  val: number[];
  /** Val images whose objects are all held-out pairs (compositional generalisation). */
  valHeldOut: number[];
}

export interface BuiltinDataset {
  readonly name: 'builtin';
  readonly options: Readonly<Required<BuiltinOptions>>;
  /** Number of images (train + val + valHeldOut). */
  readonly n: number;
  readonly size: number;
  /** [C, H, W] of one image. */
  readonly imageShape: readonly [3, number, number];
  /** (N, 3, H, W), (pixel/255 − mean[c]) / std[c]. */
  readonly images: Float32Array;
  /** (N, 3, H, W) uint8, the same pixels before normalisation. */
  readonly pixels: Uint8Array;
  /** Per image, 5 captions (see captions.ts). */
  readonly captions: string[][];
  /** Per image, the drawn scene (objects with shape/colour/size/position, relation, background). */
  readonly scenes: SceneAttrs[];
  readonly split: BuiltinSplit;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** View (no copy) of image i, (3, H, W) normalised. */
  image(i: number): Float32Array;
  /** Image i as interleaved RGBA bytes (H·W·4), e.g. for ImageData thumbnails. */
  toRgba(i: number): Uint8ClampedArray;
  labelsOf(i: number): ImageLabels;
}

type PairMode = 'seen' | 'heldOut' | 'any';

function samplePair(rng: Rng, mode: PairMode, not?: readonly [Colour, Shape]): [Colour, Shape] {
  for (;;) {
    let pair: [Colour, Shape];
    if (mode === 'heldOut') {
      const p = HELD_OUT_PAIRS[rng.int(HELD_OUT_PAIRS.length)];
      pair = [p[0], p[1]];
    } else {
      // Uniform over allowed pairs by rejection.
      pair = [COLOURS[rng.int(COLOURS.length)], SHAPES[rng.int(SHAPES.length)]];
      if (mode === 'seen' && isHeldOut(pair[0], pair[1])) continue;
    }
    if (not && pair[0] === not[0] && pair[1] === not[1]) continue;
    return pair;
  }
}

const jitter = (rng: Rng, amp: number) => (rng.next() * 2 - 1) * amp;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function makeObject(rng: Rng, pair: [Colour, Shape], position: Position, cx: number, cy: number): ObjectAttrs {
  const size: Size = SIZES[rng.int(SIZES.length)];
  // Fractions of the image side; two large objects at 0.25 / 0.75 never overlap (0.25 + 0.23 < 0.5).
  const radius = size === 'small' ? 0.12 + 0.03 * rng.next() : 0.2 + 0.03 * rng.next();
  const angle = jitter(rng, 0.2);
  const base = COLOUR_RGB[pair[0]];
  const rgb: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) rgb[c] = clamp(base[c] + jitter(rng, 0.04), 0, 1);
  return {
    shape: pair[1],
    colour: pair[0],
    size,
    position,
    cx: clamp(cx, radius, 1 - radius),
    cy: clamp(cy, radius, 1 - radius),
    radius,
    angle,
    rgb,
  };
}

const ANCHOR: Readonly<Record<Position, readonly [number, number]>> = {
  left: [0.27, 0.5],
  right: [0.73, 0.5],
  top: [0.5, 0.27],
  bottom: [0.5, 0.73],
  centre: [0.5, 0.5],
};

/** One random scene; the order of rng calls is part of the dataset's definition (don't reorder). */
export function sampleScene(rng: Rng, mode: PairMode, twoObjectFraction = 0.5): SceneAttrs {
  const g = 0.86 + 0.1 * rng.next();
  const background: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) background[c] = clamp(g + jitter(rng, 0.03), 0, 1);
  if (rng.next() >= twoObjectFraction) {
    const position = POSITIONS[rng.int(POSITIONS.length)];
    const [ax, ay] = ANCHOR[position];
    const along = position === 'centre' ? 0.05 : 0.15; // jitter along the edge it sits on
    const across = position === 'centre' ? 0.05 : 0.03;
    const horizontal = position === 'left' || position === 'right';
    const cx = ax + jitter(rng, horizontal ? across : along);
    const cy = ay + jitter(rng, horizontal ? along : across);
    const obj = makeObject(rng, samplePair(rng, mode), position, cx, cy);
    return { objects: [obj], relation: null, background };
  }
  const relation: Relation = RELATIONS[rng.int(RELATIONS.length)];
  const horizontal = relation === 'left of' || relation === 'right of';
  const firstLow = relation === 'left of' || relation === 'above'; // object 0 at the low coordinate
  const pos0: Position = horizontal ? (firstLow ? 'left' : 'right') : firstLow ? 'top' : 'bottom';
  const pos1: Position = horizontal ? (firstLow ? 'right' : 'left') : firstLow ? 'bottom' : 'top';
  const p0 = samplePair(rng, mode);
  const p1 = samplePair(rng, mode, p0);
  const coords = (low: boolean): [number, number] => {
    const a = (low ? 0.25 : 0.75) + jitter(rng, 0.01);
    const b = 0.5 + jitter(rng, 0.15);
    return horizontal ? [a, b] : [b, a];
  };
  const [x0, y0] = coords(firstLow);
  const o0 = makeObject(rng, p0, pos0, x0, y0);
  const [x1, y1] = coords(!firstLow);
  const o1 = makeObject(rng, p1, pos1, x1, y1);
  return { objects: [o0, o1], relation, background };
}

export function generateBuiltin(opts: BuiltinOptions = {}): BuiltinDataset {
  const holdout = opts.holdout ?? true;
  const options: Required<BuiltinOptions> = {
    seed: opts.seed ?? 0,
    count: opts.count ?? 4096,
    valCount: opts.valCount ?? 512,
    heldOutCount: holdout ? (opts.heldOutCount ?? 256) : 0,
    size: opts.size ?? 32,
    holdout,
    supersample: opts.supersample ?? 4,
    twoObjectFraction: opts.twoObjectFraction ?? 0.5,
  };
  const { seed, count, valCount, heldOutCount, size, supersample, twoObjectFraction } = options;
  const n = count + valCount + heldOutCount;
  const hw = size * size;
  const chw = 3 * hw;
  const pixels = new Uint8Array(n * chw);
  const images = new Float32Array(n * chw);
  const scenes: SceneAttrs[] = [];
  const captions: string[][] = [];
  const base = new Rng(seed);
  const seenMode: PairMode = holdout ? 'seen' : 'any';
  for (let i = 0; i < n; i++) {
    // One stream per image: image i does not depend on how many images came before.
    const rng = base.fork(i + 1);
    const scene = sampleScene(rng, i < count + valCount ? seenMode : 'heldOut', twoObjectFraction);
    const rgb = renderScene(scene, size, supersample);
    for (let c = 0; c < 3; c++) {
      const m = BUILTIN_MEAN[c];
      const s = BUILTIN_STD[c];
      for (let p = 0; p < hw; p++) {
        const q = Math.round(rgb[c * hw + p] * 255);
        const k = i * chw + c * hw + p;
        pixels[k] = q;
        images[k] = (q / 255 - m) / s;
      }
    }
    scenes.push(scene);
    captions.push(captionsFor(scene));
  }
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
  const split: BuiltinSplit = {
    train: range(0, count),
    val: range(count, count + valCount),
    valHeldOut: range(count + valCount, n),
  };
  return {
    name: 'builtin',
    options,
    n,
    size,
    imageShape: [3, size, size],
    images,
    pixels,
    captions,
    scenes,
    split,
    mean: BUILTIN_MEAN,
    std: BUILTIN_STD,
    image: (i) => images.subarray(i * chw, (i + 1) * chw),
    toRgba: (i) => {
      const out = new Uint8ClampedArray(hw * 4);
      for (let p = 0; p < hw; p++) {
        for (let c = 0; c < 3; c++) out[p * 4 + c] = pixels[i * chw + c * hw + p];
        out[p * 4 + 3] = 255;
      }
      return out;
    },
    labelsOf: (i) => labelsOfScene(scenes[i]),
  };
}
