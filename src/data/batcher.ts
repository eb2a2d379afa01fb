// Seeded, resumable batches of (image, caption) pairs. Each epoch e shuffles the pool of image indices
// with Rng(seed).fork(e + 1) and, from the same generator, picks one caption per image; batches are
// consecutive slices of B (the last partial batch is dropped). batchAt(step) depends only on
// (seed, step), so a run resumed at step s sees exactly the batches it would have seen.
// Captions are tokenised once up front. With `augment`, each image of a batch is a seeded random
// resized crop (and flip, unless a caption names left/right) keyed by (seed, step, slot): see augment.ts.

import { Rng } from '../util/rng';
import { type AugmentOptions, applyCrop, augmentParams, namesSide } from './augment';
import { type Images, copyImage } from './images';
import type { Encoded } from './tokenizer';

export interface BatchSource {
  /** (N, C, H, W) floats, or a source that normalises an image on demand (uploads). */
  images: Images;
  /** [C, H, W] */
  imageShape: readonly [number, number, number];
  /** Per image, at least one caption. */
  captions: readonly (readonly string[])[];
}

export interface CaptionEncoder {
  encode(text: string, contextLength: number): Encoded;
}

export interface BatcherOptions {
  /** Image indices to draw from, e.g. split.train. */
  indices: readonly number[];
  batchSize: number;
  contextLength: number;
  seed: number;
  /** Seeded augmentation (off when absent/null: batches are the plain images). */
  augment?: AugmentOptions | null;
}

export interface Batch {
  step: number;
  epoch: number;
  /** (B, C, H, W) */
  images: Float32Array;
  /** (B, T) token ids */
  ids: Int32Array;
  /** (B) index of <|eot|> per row */
  eot: Int32Array;
  /** (B) non-pad tokens per row */
  lengths: Int32Array;
  /** (B) image index into the source */
  indices: Int32Array;
  /** (B) which of the image's captions was used */
  captionIndex: Int32Array;
  /** (B) that caption's row in the dataset's caption order (src/data/caption-order.ts): a teacher table's row */
  captionRow: Int32Array;
}

interface EpochPlan {
  epoch: number;
  /** Positions into opts.indices, shuffled. */
  order: number[];
  /** Caption choice per slot of order. */
  caption: number[];
}

export class Batcher {
  readonly batchSize: number;
  readonly contextLength: number;
  readonly stepsPerEpoch: number;
  /** Captions (over the whole pool) cut to fit contextLength. */
  readonly truncatedCaptions: number;
  /** Next step next() returns; set it to resume. */
  step = 0;

  private readonly pool: readonly number[];
  private readonly chw: number;
  private readonly capStart: Int32Array; // (pool) first row of each image's captions
  private readonly capCount: Int32Array; // (pool)
  private readonly rowStart: Int32Array; // (pool) first caption row of each image in the whole dataset's order
  private readonly ids: Int32Array; // (total captions, T)
  private readonly eot: Int32Array;
  private readonly lengths: Int32Array;
  private plan: EpochPlan | null = null;
  /** (pool) 1 when no caption of the image names left/right (it may be flipped). */
  private readonly flipOk: Uint8Array;
  /** One image (chw) before augmentation. */
  private readonly scratch: Float32Array;

  constructor(
    private readonly source: BatchSource,
    tokenizer: CaptionEncoder,
    private readonly opts: BatcherOptions,
  ) {
    const { indices, batchSize, contextLength } = opts;
    if (!(batchSize >= 1) || !Number.isInteger(batchSize)) throw new Error(`bad batchSize ${batchSize}`);
    this.batchSize = batchSize;
    this.contextLength = contextLength;
    this.pool = indices.slice();
    this.stepsPerEpoch = Math.floor(this.pool.length / batchSize);
    if (this.stepsPerEpoch === 0) throw new Error(`batchSize ${batchSize} > ${this.pool.length} images`);
    const [c, h, w] = source.imageShape;
    this.chw = c * h * w;
    this.capStart = new Int32Array(this.pool.length);
    this.capCount = new Int32Array(this.pool.length);
    // Dataset caption order: image after image (every image of the source, not just the pool).
    const offsets = new Int32Array(source.captions.length + 1);
    source.captions.forEach((cs, i) => {
      offsets[i + 1] = offsets[i] + cs.length;
    });
    this.rowStart = Int32Array.from(this.pool, (img) => offsets[img]);
    let total = 0;
    this.pool.forEach((img, p) => {
      const n = source.captions[img]?.length ?? 0;
      if (n === 0) throw new Error(`image ${img} has no caption`);
      this.capStart[p] = total;
      this.capCount[p] = n;
      total += n;
    });
    this.ids = new Int32Array(total * contextLength);
    this.eot = new Int32Array(total);
    this.lengths = new Int32Array(total);
    let truncated = 0;
    this.pool.forEach((img, p) => {
      source.captions[img].forEach((text, k) => {
        const row = this.capStart[p] + k;
        const e = tokenizer.encode(text, contextLength);
        this.ids.set(e.ids, row * contextLength);
        this.eot[row] = e.eotIndex;
        this.lengths[row] = e.length;
        if (e.truncated) truncated++;
      });
    });
    this.truncatedCaptions = truncated;
    this.flipOk = Uint8Array.from(this.pool, (img) => (namesSide(source.captions[img]) ? 0 : 1));
    if (opts.augment && h !== w) throw new Error(`augmentation needs square images, got ${h}×${w}`);
    this.scratch = new Float32Array(opts.augment ? this.chw : 0);
  }

  private planFor(epoch: number): EpochPlan {
    if (this.plan?.epoch === epoch) return this.plan;
    const rng = new Rng(this.opts.seed).fork(epoch + 1);
    const order = rng.shuffle(Array.from({ length: this.pool.length }, (_, i) => i));
    const caption = order.map((p) => rng.int(this.capCount[p]));
    this.plan = { epoch, order, caption };
    return this.plan;
  }

  /** The batch of a global step (epoch = floor(step / stepsPerEpoch)); out buffers may be reused. */
  batchAt(step: number, out?: Batch): Batch {
    if (!Number.isInteger(step) || step < 0) throw new Error(`bad step ${step}`);
    const B = this.batchSize;
    const T = this.contextLength;
    const epoch = Math.floor(step / this.stepsPerEpoch);
    const first = (step % this.stepsPerEpoch) * B;
    const plan = this.planFor(epoch);
    const b: Batch = out ?? {
      step,
      epoch,
      images: new Float32Array(B * this.chw),
      ids: new Int32Array(B * T),
      eot: new Int32Array(B),
      lengths: new Int32Array(B),
      indices: new Int32Array(B),
      captionIndex: new Int32Array(B),
      captionRow: new Int32Array(B),
    };
    b.step = step;
    b.epoch = epoch;
    for (let i = 0; i < B; i++) {
      const p = plan.order[first + i];
      const k = plan.caption[first + i];
      const img = this.pool[p];
      const row = this.capStart[p] + k;
      const aug = this.opts.augment;
      if (aug) {
        const S = this.source.imageShape[1];
        copyImage(this.source.images, img, this.chw, this.scratch, 0);
        const crop = augmentParams(this.opts.seed, step, i, S, this.flipOk[p] === 1, aug);
        applyCrop(this.scratch, 0, this.source.imageShape[0], S, crop, b.images, i * this.chw);
      } else copyImage(this.source.images, img, this.chw, b.images, i * this.chw);
      b.ids.set(this.ids.subarray(row * T, (row + 1) * T), i * T);
      b.eot[i] = this.eot[row];
      b.lengths[i] = this.lengths[row];
      b.indices[i] = img;
      b.captionIndex[i] = k;
      b.captionRow[i] = this.rowStart[p] + k;
    }
    return b;
  }

  /** The batch at this.step, then advance. */
  next(out?: Batch): Batch {
    return this.batchAt(this.step++, out);
  }

  /** Endless batches from a step (default: this.step), advancing this.step. */
  *batches(from = this.step): Generator<Batch> {
    this.step = from;
    for (;;) yield this.next();
  }
}
