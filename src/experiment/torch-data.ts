// The PyTorch engine's input (`npm run experiment -- X.json --engine torch`): the experiment's dataset made
// by the SAME code as the browser's worker (builtinSet + prepare: images, tokenizer, tokenised captions, val
// split, zero-shot prompts), and each run's final config and hyper-parameters, written to a folder that
// `python -m sharelab_torch.experiment` reads. The twin never re-generates data or re-trains the tokenizer,
// so the two engines see identical tensors; only the sample order is recomputed there (the ported Batcher).
import { builtinSet, prepare, type Prepared } from '../data/prepare';
import { BUILTIN_MEAN, BUILTIN_STD } from '../data/builtin/generate';
import type { ClipConfig } from '../model/config';
import type { TrainHyper } from '../train/hyper';
import { encodeSafetensors, type StTensor } from '../train/safetensors';
import { DEFAULT_CONTEXT_LENGTH } from '../data/types';
import { fitToDataset } from '../worker/protocol';
import { type ExperimentSpec, experimentRuns } from './spec';


export interface TorchRunPlan {
  id: string;
  preset: string;
  seed: number;
  config: ClipConfig;
  hyper: TrainHyper;
}

export interface TorchPlan {
  format: 'sharelab-torch-plan/1';
  experiment: ExperimentSpec;
  runs: TorchRunPlan[];
}

/** The dataset of an experiment exactly as the worker prepares it (built-in sets only). */
export function experimentData(spec: ExperimentSpec): Prepared & { trainIndex: number[]; set: ReturnType<typeof builtinSet> } {
  const { dataset } = experimentRuns(spec);
  const contextLength = dataset.contextLength ?? DEFAULT_CONTEXT_LENGTH; // src/worker/dataset.ts contextLengthOf
  if (dataset.evalSets?.length) throw new Error('--engine torch: evaluation sets (dataset.evalSets) are not supported by the PyTorch engine; run this experiment with --engine browser');
  if (dataset.kind !== 'builtin') throw new Error('--engine torch: only the built-in dataset is supported in experiment files (train an upload with python -m sharelab_torch.train --data)');
  const set = builtinSet({ seed: dataset.seed, count: dataset.count, valCount: dataset.valCount, heldOutCount: dataset.heldOutCount, size: dataset.size });
  const prep = prepare(set, contextLength, dataset.vocabSize ?? 512);
  return Object.assign(prep, { trainIndex: set.trainIndex, set });
}

/** Each run's config as the experiment page sends it to the worker (fitToDataset: the tokenizer's vocabulary and context). */
export function torchPlan(spec: ExperimentSpec, prep: Prepared): TorchPlan {
  const { runs } = experimentRuns(spec);
  for (const r of runs) if (r.config.teacher) throw new Error(`--engine torch: run ${r.id} uses a frozen teacher table, which the PyTorch twin does not implement`);
  return {
    format: 'sharelab-torch-plan/1',
    experiment: spec,
    runs: runs
      .map((r) => fitToDataset(r, { vocabSize: prep.tokenizer.vocabSize, contextLength: prep.contextLength }))
      .map((r) => ({ id: r.id, preset: r.preset, seed: r.seed, hyper: r.hyper, config: r.config })),
  };
}

const i32 = (shape: number[], data: Int32Array): StTensor => ({ shape, data });

/**
 * data.safetensors: train.pixels (N, 3, S, S) uint8 in the Batcher's pool order (split.train), normalised there with
 * metadata pixelMean/pixelStd as generate.ts does, train.ids/eot/lengths
 * (rows, T) every training caption tokenised as the Batcher does, train.capStart/capCount (N) each pool image's
 * first row and count; val.* (the evaluation images and captions) and zs.* (zero-shot prompts, if any).
 * Metadata: tokenizer (JSON), contextLength.
 */
export function encodeTorchData(prep: ReturnType<typeof experimentData>): Uint8Array {
  const { set, trainIndex, tokenizer, val } = prep;
  const S = set.size;
  const T = prep.contextLength;
  const px = 3 * S * S;
  const N = trainIndex.length;
  // The built-in set's uint8 pixels (4× smaller than the floats: the default set is 13 MB, small enough to carry
  // to a GPU machine); prepared.py normalises them with the same float64 expression as generate.ts.
  const pixels = new Uint8Array(N * px);
  const capStart = new Int32Array(N);
  const capCount = new Int32Array(N);
  const texts: string[] = [];
  trainIndex.forEach((img, p) => {
    pixels.set(set.source.pixels.subarray(img * px, (img + 1) * px), p * px);
    capStart[p] = texts.length;
    capCount[p] = set.captions[img].length;
    texts.push(...set.captions[img]);
  });
  const rows = texts.length;
  const ids = new Int32Array(rows * T);
  const eot = new Int32Array(rows);
  const lengths = new Int32Array(rows);
  texts.forEach((t, r) => {
    const e = tokenizer.encode(t, T); // what Batcher's constructor stores
    ids.set(e.ids, r * T);
    eot[r] = e.eotIndex;
    lengths[r] = e.length;
  });
  const tensors = new Map<string, StTensor>([
    ['train.pixels', { shape: [N, 3, S, S], data: pixels }],
    ['train.ids', i32([rows, T], ids)],
    ['train.eot', i32([rows], eot)],
    ['train.lengths', i32([rows], lengths)],
    ['train.capStart', i32([N], capStart)],
    ['train.capCount', i32([N], capCount)],
    ['val.images', { shape: [val.Ni, 3, S, S], data: val.images }],
    ['val.ids', i32([val.captions.N, T], val.captions.ids)],
    ['val.eot', i32([val.captions.N], val.captions.eot)],
    ['val.lengths', i32([val.captions.N], val.captions.lengths)],
  ]);
  const z = val.zeroShot;
  if (z) {
    tensors.set('zs.ids', i32([z.prompts.N, T], z.prompts.ids));
    tensors.set('zs.eot', i32([z.prompts.N], z.prompts.eot));
    tensors.set('zs.lengths', i32([z.prompts.N], z.prompts.lengths));
  }
  return encodeSafetensors(tensors, {
    format: 'sharelab-torch-data/1',
    tokenizer: JSON.stringify(tokenizer.toJSON()),
    contextLength: String(T),
    pixelMean: JSON.stringify(BUILTIN_MEAN),
    pixelStd: JSON.stringify(BUILTIN_STD),
  });
}
