/// <reference lib="webworker" />
// The worker wing's shared state: the GPU, the loaded dataset, the runs and their queue. One object,
// owned by the training worker; the modules beside this one (device, dataset, runs, checkpoints,
// exploration) read and write it, and main.ts dispatches the UI's messages to them.
import type { ZeroShotTask } from '../analysis/zeroshot';
import type { ImageCaptionSet, Prepared } from '../data/prepare';
import type { EvalSetData } from '../data/eval-sets';
import type { BpeTokenizer } from '../data/tokenizer';
import type { DatasetSpec, EvalSetSpec } from '../data/types';
import type { Gpu } from '../gpu/runtime';
import type { HistoryRow } from '../train/checkpoint';
import type { EvalEmbeddings } from '../train/evaluate';
import type { Trainer } from '../train/trainer';
import type { RunRequest } from '../train/types';
import type { FromWorker } from './protocol';

export const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** What a requested checkpoint is for: kept in storage only, downloaded as .safetensors, or bundled for PyTorch. */
export type CheckpointPurpose = 'store' | 'download' | 'pytorch';

export interface RunState {
  req: RunRequest;
  /** The trainer while running (for checkpoints on request). */
  live?: Trainer;
  /** A checkpoint was requested while running: taken at the next safe point. */
  want?: CheckpointPurpose;
  control: 'run' | 'pause' | 'stop';
  wake?: () => void;
  trainer?: Trainer;
  emb?: EvalEmbeddings;
  /** The run's own data view when it differs from the dataset's (a checkpoint with its own tokenizer). */
  prep?: Prepared;
  /** Every step record so far, saved in checkpoints so a resumed run shows its whole curve. */
  history?: HistoryRow[];
  /** Only load the model (a finished run restored after a reload), no training. */
  attachOnly?: boolean;
  /** The evaluation sets in this run's tokens and image side (of W.evalSets `from`), built once (eval-sets.ts). */
  evalData?: { from: LoadedEvalSet[]; tokenizer: BpeTokenizer; size: number; sets: EvalSetData[] };
  /** The final weights' embeddings of each evaluation set, by name: retrieval with `set` answers from them. */
  evalEmb?: Map<string, { emb: EvalEmbeddings; data: EvalSetData }>;
}

/** One evaluation set of the dataset spec as loaded on init: its images and captions, or why not (error). */
export interface LoadedEvalSet {
  spec: EvalSetSpec;
  set?: ImageCaptionSet;
  /** The set in the dataset's tokens and image side, prepared on init (runs without their own tokenizer use it). */
  data?: EvalSetData;
  error?: string;
}

export const W = {
  gpu: null as Gpu | null,
  /** The dataset as the runs see it: tokenized to the spec's context length. */
  prep: null as Prepared | null,
  tasks: [] as ZeroShotTask[],
  /** The loaded dataset (a checkpoint with its own tokenizer or image size re-prepares it). */
  set: null as ImageCaptionSet | null,
  spec: null as DatasetSpec | null,
  /** The spec's evaluation sets, in its order (src/worker/eval-sets.ts). */
  evalSets: [] as LoadedEvalSet[],
  runs: new Map<string, RunState>(),
  queue: [] as string[],
  busy: false,
};

/** The data a run sees: its own when it came from a checkpoint with another tokenizer, else the dataset's. */
export const prepOf = (st: RunState | undefined): Prepared | null => st?.prep ?? W.prep;

export const errorText = (e: unknown) => String(e instanceof Error ? e.message : e);
