// The worker's dataset: the built-in shapes or a cached upload, tokenized to the spec's context length,
// and the summary the dataset panel shows (counts, caption-length histogram, validation thumbnails).
import { uploadDataset } from '../data/ingest/uploadSet';
import { builtinSet, prepare } from '../data/prepare';
import { DEFAULT_CONTEXT_LENGTH, type DatasetInfo, type DatasetSpec } from '../data/types';
import { taskInfo, zeroShotTasks } from '../train/zeroshot-query';
import { acquire } from './device';
import { initEvalSets } from './eval-sets';
import { W, post } from './state';

export const contextLengthOf = (spec: DatasetSpec | null) => spec?.contextLength ?? DEFAULT_CONTEXT_LENGTH;

/** Acquire the GPU, then load and tokenize the dataset; posts 'dataset' (or 'dataset-error'). */
export async function initDataset(spec: DatasetSpec) {
  if (!(await acquire())) return;
  const contextLength = contextLengthOf(spec);
  if (spec.kind === 'upload') {
    // An upload cached in IndexedDB by the upload worker (src/data/ingest): same prep, its own info.
    try {
      const u = await uploadDataset(spec, contextLength);
      [W.prep, W.set, W.spec, W.tasks] = [u.prep, u.set, spec, zeroShotTasks(u.set)];
      const evalSets = await initEvalSets(spec, u.prep);
      post({ type: 'dataset', info: { ...u.info, zeroShotTasks: taskInfo(W.tasks), ...(evalSets ? { evalSets } : {}) } });
    } catch (e) {
      post({ type: 'dataset-error', message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  const set = builtinSet({ seed: spec.seed, count: spec.count, valCount: spec.valCount, heldOutCount: spec.heldOutCount, size: spec.size });
  const prep = prepare(set, contextLength, spec.vocabSize ?? 512);
  [W.prep, W.set, W.spec, W.tasks] = [prep, set, spec, zeroShotTasks(set)];
  const S = set.size;
  const rgba = new Uint8ClampedArray(set.valIndex.length * S * S * 4);
  set.valIndex.forEach((img, k) => {
    rgba.set(set.thumbnail(img), k * S * S * 4);
  });
  const lens = set.trainIndex.flatMap((i) => set.captions[i].map((c) => prep.tokenizer.encode(c, 256).length));
  const hist = new Array(Math.max(...lens) + 1).fill(0);
  for (const l of lens) hist[l]++;
  const info: DatasetInfo = {
    name: 'built-in shapes',
    train: set.trainIndex.length,
    val: set.valIndex.length,
    heldOut: set.source.split.valHeldOut.length,
    captionsPerImage: set.captions[0]?.length ?? 0,
    vocabSize: prep.tokenizer.vocabSize,
    contextLength,
    truncated: lens.filter((l) => l > contextLength).length, // training captions longer than the context (cut when batched)
    captionLengthHistogram: hist,
    size: S,
    valImages: {
      rgba,
      captions: set.valIndex.map((i) => set.captions[i]),
      heldOut: set.valIndex.map((i) => set.source.labelsOf(i).heldOut),
    },
    zeroShotTasks: taskInfo(W.tasks),
  };
  const evalSets = await initEvalSets(spec, prep);
  if (evalSets) info.evalSets = evalSets;
  post({ type: 'dataset', info });
}
