// An upload as a training dataset (in the training worker): the cached uint8 tensors of (id, S) from
// IndexedDB, captions and labels of the pairs that decoded, a train/val split by seed, and the
// DatasetInfo the dataset panel shows. Images stay uint8 in their chunks and are normalised per
// batch (ImageSource), so memory is N·3·S² bytes.
import type { DatasetInfo, DatasetSpec } from '../types';
import type { ImageSource } from '../images';
import { type ImageCaptionSet, type Prepared, prepare } from '../prepare';
import { makeSplit } from '../split';
import { IdbUploadStore, UPLOAD_ID, type UploadDetail, type UploadStore, type UploadSummary } from './cache';
import { MAX_MEASURED_TOKENS } from './stats';
import { locate, u8ChwToFloat, u8ChwToRgba } from './preprocess';

/** Prompt templates for zero-shot on uploaded class labels. */
export const UPLOAD_TEMPLATES = ['{label}', 'a photo of {a}', 'a picture of {a}'];

export interface UploadSet extends ImageCaptionSet {
  summary: UploadSummary;
  /** Image paths, in set order. */
  paths: string[];
}

/** Images held as uint8 (3, S, S) chunks of chunkSize (the last may be shorter). */
export function chunkedImages(chunks: Uint8Array[], chunkSize: number, size: number): ImageSource & { rgba(i: number): Uint8ClampedArray } {
  const px3 = 3 * size * size;
  const at = (i: number) => {
    const { chunk, slot } = locate(i, chunkSize);
    const data = chunks[chunk];
    if (!data || (slot + 1) * px3 > data.length) throw new RangeError(`image ${i} is not in the cached tensors`);
    return { data, offset: slot * px3 };
  };
  return {
    copyTo(i, out, offset) {
      const { data, offset: o } = at(i);
      u8ChwToFloat(data, o, size, out, offset);
    },
    rgba(i) {
      const { data, offset: o } = at(i);
      return u8ChwToRgba(data, o, size);
    },
  };
}

/** Val images: at most valCount and at most n − 1 (training needs images too). */
export const uploadValCount = (n: number, valCount: number) => Math.max(1, Math.min(valCount, n - 1));

/** An upload's cached tensors at side S: its pairs that decoded (in content order), images as uint8 chunks. */
interface CachedUpload {
  summary: UploadSummary;
  detail: UploadDetail;
  /** Pair indices kept (decoded), in order. */
  keep: number[];
  images: ReturnType<typeof chunkedImages>;
}

async function readCached(store: UploadStore, summary: UploadSummary, S: number): Promise<CachedUpload> {
  const id = summary.id;
  const meta = await store.getTensors(id, S);
  if (!meta?.complete) throw new Error(`upload “${summary.name}” is not decoded at ${S}×${S}`);
  const detail = (await store.getDetail(id)) as UploadDetail;
  const chunks: Uint8Array[] = [];
  for (let k = 0; k < meta.chunks; k++) {
    const c = await store.getChunk(id, S, k);
    if (!c) throw new Error(`upload “${summary.name}”: chunk ${k} of the cached tensors is missing; drop its files again`);
    chunks.push(c);
  }
  const dropped = new Set(meta.dropped);
  const keep = detail.captions.map((_, i) => i).filter((i) => !dropped.has(i));
  return { summary, detail, keep, images: chunkedImages(chunks, meta.chunkSize, S) };
}

/** Complete cached sizes of an upload. */
const cachedSizes = async (store: UploadStore, id: string) => (await store.list()).find((u) => u.id === id)?.sizes ?? [];

/** The set of a cached upload's `keep`-ed pairs with the given split. */
function asSet(c: CachedUpload, S: number, trainIndex: number[], valIndex: number[], n = c.keep.length): UploadSet {
  const keep = c.keep.slice(0, n);
  const labels = c.detail.labels;
  return {
    name: c.summary.name,
    summary: c.summary,
    paths: keep.map((i) => c.detail.paths[i]),
    images: c.images,
    size: S,
    captions: keep.map((i) => c.detail.captions[i]),
    trainIndex,
    valIndex,
    ...(labels ? { classes: { names: labels.names, label: Int32Array.from(keep, (i) => labels.label[i]), templates: UPLOAD_TEMPLATES } } : {}),
    thumbnail: (i) => c.images.rgba(i),
  };
}

export async function loadUploadSet(spec: DatasetSpec, store: UploadStore = new IdbUploadStore()): Promise<UploadSet> {
  const id = spec.upload ?? '';
  if (!UPLOAD_ID.test(id)) throw new Error('no upload selected: drop a folder or archive in the dataset panel first');
  const S = spec.size;
  const summary = await store.getSummary(id);
  if (!summary) throw new Error(`upload ${id.slice(0, 12)}… is not in this browser's storage (cleared, or another browser): drop its files again`);
  if (!(await store.getTensors(id, S))?.complete) {
    const sizes = await cachedSizes(store, id);
    throw new Error(
      `upload “${summary.name}” is not decoded at ${S}×${S}${sizes.length ? ` (cached at ${sizes.map((s) => `${s}×${s}`).join(', ')})` : ''}: drop its files again at this image size`,
    );
  }
  const c = await readCached(store, summary, S);
  const n = c.keep.length;
  if (n < 2) throw new Error(`upload “${summary.name}” has ${n} usable pair${n === 1 ? '' : 's'}; training needs at least 2`);
  const split = makeSplit(n, uploadValCount(n, spec.valCount) / n, spec.seed);
  return asSet(c, S, split.train, split.val);
}

/**
 * An upload as an evaluation set (issue 19): its first `count` decoded pairs, all evaluated. Cached at
 * another side than S: the nearest cached side (larger first) is read, and the caller resizes
 * (src/data/eval-sets.ts atSize) — the returned set's `size` is the side it was read at.
 */
export async function loadUploadEvalSet(name: string, id: string, count: number, S: number, store: UploadStore = new IdbUploadStore()): Promise<UploadSet> {
  const summary = UPLOAD_ID.test(id) ? await store.getSummary(id) : undefined;
  if (!summary) throw new Error(`evaluation set "${name}": upload ${id.slice(0, 8)}… is not cached in this browser — upload it again`);
  let side = S;
  if (!(await store.getTensors(id, S))?.complete) {
    const sizes = await cachedSizes(store, id);
    if (!sizes.length) throw new Error(`evaluation set "${name}": upload “${summary.name}” (${id.slice(0, 8)}…) has no decoded images in this browser — upload it again`);
    side = [...sizes].sort((a, b) => (a >= S) !== (b >= S) ? (a >= S ? -1 : 1) : Math.abs(a - S) - Math.abs(b - S))[0];
  }
  const c = await readCached(store, summary, side);
  const n = Math.min(count, c.keep.length);
  if (n < 2) throw new Error(`evaluation set "${name}": upload “${summary.name}” has ${n} usable pair${n === 1 ? '' : 's'}; evaluation needs at least 2`);
  return asSet(c, side, [], Array.from({ length: n }, (_, i) => i), n);
}

/** What the dataset panel shows about a loaded upload (same shape as the built-in set's). */
export function uploadInfo(set: UploadSet, prep: Prepared, contextLength: number): DatasetInfo {
  const S = set.size;
  const rgba = new Uint8ClampedArray(set.valIndex.length * S * S * 4);
  set.valIndex.forEach((img, k) => {
    rgba.set(set.thumbnail(img), k * S * S * 4);
  });
  // Training captions by length in tokens, and how many the context cuts.
  const hist: number[] = [];
  let truncated = 0;
  for (const i of set.trainIndex)
    for (const c of set.captions[i]) {
      const L = prep.tokenizer.encode(c, MAX_MEASURED_TOKENS).length;
      hist[L] = (hist[L] ?? 0) + 1;
      if (L > contextLength) truncated++;
    }
  const n = set.captions.length;
  const perImage = set.captions.reduce((s, c) => s + c.length, 0) / n;
  return {
    name: `upload: ${set.name}`,
    train: set.trainIndex.length,
    val: set.valIndex.length,
    heldOut: 0,
    captionsPerImage: Math.round(perImage * 100) / 100,
    vocabSize: prep.tokenizer.vocabSize,
    contextLength,
    truncated,
    captionLengthHistogram: Array.from({ length: hist.length }, (_, L) => hist[L] ?? 0),
    size: S,
    valImages: { rgba, captions: set.valIndex.map((i) => set.captions[i]), heldOut: set.valIndex.map(() => false) },
    upload: { id: set.summary.id, name: set.name, classes: set.classes?.names ?? null },
  };
}

/** Load, prepare and describe an upload for the training worker. */
export async function uploadDataset(spec: DatasetSpec, contextLength: number, store?: UploadStore): Promise<{ set: UploadSet; prep: Prepared; info: DatasetInfo }> {
  const set = await loadUploadSet(spec, store);
  const prep = prepare(set, contextLength, spec.vocabSize ?? 512);
  return { set, prep, info: uploadInfo(set, prep, contextLength) };
}
