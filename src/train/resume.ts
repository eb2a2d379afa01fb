// Runs that start from a checkpoint: a file the user opened (resume its training, or analyse a model
// trained elsewhere, e.g. by python/sharelab_torch) or the run's own last checkpoint after a reload.
// Everything in the file is untrusted: the config, hyper-parameters and tokenizer are validated here
// with messages that name the field, before any GPU memory is allocated.
import { BpeTokenizer, type BpeJSON } from '../data/tokenizer';
import { configProblems } from '../model/validate';
import { type CheckpointMeta, type HistoryRow, readCheckpoint } from './checkpoint';
import { DEFAULT_HYPER, type TrainHyper, validateHyper } from './hyper';
import type { StepRecord } from './trainer';

export interface CheckpointInfo {
  meta: CheckpointMeta;
  /** The file's hyper-parameters, or defaults (steps = the checkpoint's step) when it has none. */
  hyper: TrainHyper;
  tokenizer: BpeTokenizer;
  /** True when training would continue (step < hyper.steps); false = analysis only. */
  resumable: boolean;
}

/** Parse and validate a checkpoint's metadata (tensors are checked when it loads). Throws a clear Error. */
export function inspectCheckpoint(bytes: Uint8Array): CheckpointInfo {
  const { meta } = readCheckpoint(bytes);
  const problems = configProblems(meta.config);
  if (problems.length) throw new Error(`the checkpoint's config is not usable: ${problems.join('; ')}`);
  let hyper: TrainHyper;
  if (meta.hyper && typeof meta.hyper === 'object') {
    hyper = { ...DEFAULT_HYPER, ...meta.hyper };
    const bad = Object.values(validateHyper(hyper));
    if (bad.length) throw new Error(`the checkpoint's hyper-parameters are not usable: ${bad.join('; ')}`);
  } else hyper = { ...DEFAULT_HYPER, steps: Math.max(1, meta.step) };
  let tokenizer: BpeTokenizer;
  try {
    tokenizer = BpeTokenizer.fromJSON(meta.tokenizer as BpeJSON);
  } catch (e) {
    throw new Error(`the checkpoint's tokenizer is not usable: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (tokenizer.vocabSize > meta.config.text.vocabSize) {
    throw new Error(`the checkpoint's tokenizer has ${tokenizer.vocabSize} tokens but the text embedding only ${meta.config.text.vocabSize} rows`);
  }
  return { meta, hyper, tokenizer, resumable: meta.step < hyper.steps };
}

export const toHistoryRow = (r: StepRecord): HistoryRow => [r.step, r.loss, r.gradNorm, r.logitScale, r.lr, r.skipped ? 1 : 0];

export const fromHistoryRow = (h: HistoryRow): StepRecord => ({
  step: h[0],
  loss: h[1],
  gradNorm: h[2],
  logitScale: h[3],
  lr: h[4],
  skipped: h[5] === 1,
});
