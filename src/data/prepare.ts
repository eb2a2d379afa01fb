// Turn a dataset (built-in or uploaded) into what a run needs: a tokenizer trained on the training
// captions, a seeded batcher, and the validation tensors (every caption of every val image, plus
// zero-shot prompts when the dataset has class labels).
import { COLOUR_SHAPE_CLASSES, article } from './builtin/attributes';
import { type BuiltinDataset, type BuiltinOptions, generateBuiltin } from './builtin/generate';
import type { AugmentOptions } from './augment';
import { Batcher } from './batcher';
import { type Images, copyImage } from './images';
import { BpeTokenizer } from './tokenizer';
import { captionOffsets, captionRowsOf } from './caption-order';
import type { TextSet, TrainData, ValData } from './types';

export const ZERO_SHOT_TEMPLATES = ['{a}', 'a picture of {a}', 'a small {label}', 'a large {label}'];

export interface ImageCaptionSet {
  name: string;
  /** (N, 3, S, S) normalised (or normalised on demand: uploads keep uint8 pixels). */
  images: Images;
  size: number;
  captions: string[][];
  trainIndex: number[];
  valIndex: number[];
  /** Optional class label per image (zero-shot), and whether it is a held-out composition. */
  classes?: { names: string[]; label: Int32Array; heldOut?: Uint8Array; /** prompt templates ({a}, {label}); default ZERO_SHOT_TEMPLATES */ templates?: string[] };
  /** RGBA thumbnail of image i (for the UI). */
  thumbnail(i: number): Uint8ClampedArray;
}

export function builtinSet(opts: BuiltinOptions = {}): ImageCaptionSet & { source: BuiltinDataset } {
  const ds = generateBuiltin(opts);
  // Zero-shot classes: the 64 colour × shape pairs, on single-object images (two-object images
  // are ambiguous: label -1).
  const classNames = [...COLOUR_SHAPE_CLASSES];
  const label = new Int32Array(ds.n).fill(-1);
  const heldOut = new Uint8Array(ds.n);
  for (let i = 0; i < ds.n; i++) {
    const l = ds.labelsOf(i);
    if (l.objects.length === 1) label[i] = l.pairs[0];
    heldOut[i] = l.heldOut ? 1 : 0;
  }
  return {
    name: 'builtin',
    source: ds,
    images: ds.images,
    size: ds.size,
    captions: ds.captions,
    trainIndex: ds.split.train,
    valIndex: [...ds.split.val, ...ds.split.valHeldOut],
    classes: { names: classNames, label, heldOut },
    thumbnail: (i) => ds.toRgba(i),
  };
}

export interface Prepared {
  tokenizer: BpeTokenizer;
  /** Text context length every caption here is encoded to. */
  contextLength: number;
  val: ValData;
  /** The text of every val caption, aligned with val.captions rows. */
  valCaptions: string[];
  /** Truncated captions (longer than the context), counted for the report. */
  truncated: number;
  /** Batches of a run; `augment` turns on seeded augmentation (src/data/augment.ts). */
  makeData(seed: number, batchSize: number, augment?: AugmentOptions | null): TrainData;
}

function encodeAll(tok: BpeTokenizer, texts: string[], T: number): TextSet {
  const e = tok.encodeBatch(texts, T);
  return { ids: e.ids, eot: e.eot, lengths: e.lengths, N: texts.length };
}

/**
 * `tokenizer` overrides the one trained on the set's captions: a checkpoint trained elsewhere (or on
 * another set) must see captions encoded exactly as in its training.
 */
export function prepare(set: ImageCaptionSet, contextLength: number, vocabSize = 512, tokenizerOverride?: BpeTokenizer): Prepared {
  const tokenizer = tokenizerOverride ?? BpeTokenizer.train(set.trainIndex.flatMap((i) => set.captions[i]), { vocabSize });
  const S = set.size;
  const px = 3 * S * S;
  const Ni = set.valIndex.length;
  const images = new Float32Array(Ni * px);
  const texts: string[] = [];
  const captionImage: number[] = [];
  set.valIndex.forEach((img, k) => {
    copyImage(set.images, img, px, images, k * px);
    for (const c of set.captions[img]) {
      texts.push(c);
      captionImage.push(k);
    }
  });
  // Each val caption's row in the dataset's caption order (teacher runs embed them from their frozen table).
  const captions = { ...encodeAll(tokenizer, texts, contextLength), rows: captionRowsOf(captionOffsets(set.captions), set.valIndex) };
  const val: ValData = { images, Ni, captions, captionImage: Int32Array.from(captionImage) };
  const cls = set.classes;
  if (cls) {
    const idx: number[] = [];
    set.valIndex.forEach((img, k) => {
      if (cls.label[img] >= 0) idx.push(k);
    });
    if (idx.length > 0) {
      const templates = cls.templates ?? ZERO_SHOT_TEMPLATES;
      const prompts = cls.names.flatMap((label) => templates.map((t) => t.replace('{a}', article(label)).replace('{label}', label)));
      val.zeroShot = {
        classNames: cls.names,
        prompts: encodeAll(tokenizer, prompts, contextLength),
        promptsPerClass: templates.length,
        imageIndex: Int32Array.from(idx),
        labels: Int32Array.from(idx.map((k) => cls.label[set.valIndex[k]])),
        heldOut: cls.heldOut ? Uint8Array.from(idx.map((k) => cls.heldOut?.[set.valIndex[k]] ?? 0)) : undefined,
      };
    }
  }
  let truncated = 0;
  return {
    tokenizer,
    contextLength,
    val,
    valCaptions: texts,
    get truncated() {
      return truncated;
    },
    makeData(seed, batchSize, augment) {
      const batcher = new Batcher(
        { images: set.images, imageShape: [3, S, S], captions: set.captions },
        tokenizer,
        { indices: set.trainIndex, batchSize, contextLength, seed, augment },
      );
      truncated = batcher.truncatedCaptions;
      return { numTrain: set.trainIndex.length, batchAt: (step) => batcher.batchAt(step), val };
    },
  };
}
