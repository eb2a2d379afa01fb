// Messages between the UI thread and the training worker (src/worker/main.ts). The UI never touches
// the GPU: it sends commands and receives metrics. Every intent is a message; everything here is
// structured-clone friendly.
import type { DatasetInfo, DatasetSpec } from '../data/types';
import type { OnnxExportReply, OnnxExportRequest } from '../export/messages';
import type { GpuProblem } from '../gpu/device';
import type { ParamCounts } from '../model/params';
import type { TeacherReply, TeacherRequest } from '../teacher/messages';
import type { EvalMetrics } from '../train/evaluate';
import type { StepRecord } from '../train/trainer';
import type { AttentionPayload, EvalSnapshot, RunRequest, RunStatus, ZeroShotReply } from '../train/types';


/**
 * A run request whose text tower takes the loaded dataset's tokens: vocabulary size and context length
 * from the dataset the worker tokenized. The caller applies it, so the request shows what is trained;
 * the worker refuses a request that differs (textMismatch) rather than rewrite it.
 */
export function fitToDataset(run: RunRequest, info: Pick<DatasetInfo, 'vocabSize' | 'contextLength'>): RunRequest {
  return { ...run, config: { ...run.config, text: { ...run.config.text, vocabSize: info.vocabSize, contextLength: info.contextLength } } };
}

/** Why a requested text tower cannot train on the loaded dataset (the field named), or null when it can. */
export function textMismatch(config: RunRequest['config'], dataset: { vocabSize: number; contextLength: number }): string | null {
  const t = config.text;
  if (t.vocabSize !== dataset.vocabSize) return `config.text.vocabSize is ${t.vocabSize} but the dataset's tokenizer has ${dataset.vocabSize} tokens`;
  if (t.contextLength !== dataset.contextLength) return `config.text.contextLength is ${t.contextLength} but the dataset is tokenized to ${dataset.contextLength} tokens (the dataset panel's context length)`;
  return null;
}

export type ToWorker =
  | { type: 'init'; dataset: DatasetSpec }
  | { type: 'enqueue'; run: RunRequest }
  /** Load a finished run's model from its stored checkpoint (after a reload) for retrieval / zero-shot; no training: posts model-ready, or an error. */
  | { type: 'attach'; run: RunRequest }
  | { type: 'pause'; id: string }
  | { type: 'resume'; id: string }
  | { type: 'stop'; id: string }
  | { type: 'delete'; id: string }
  | { type: 'checkpoint'; id: string; download: boolean }
  /** "Export for PyTorch": the run's checkpoint comes back with purpose 'pytorch' (the client zips it for python/sharelab_torch). */
  | { type: 'export-pytorch'; id: string }
  | { type: 'debug-lose-device' }
  /** Tests: pretend checkpoint storage holds at most `bytes` (null = the real quota). */
  | { type: 'debug-quota'; bytes: number | null }
  /** set: an evaluation set's name (DatasetSpec.evalSets); absent = the run's own validation split. */
  | { type: 'retrieve'; id: string; query: { kind: 'text'; text: string; k: number } | { kind: 'image'; index: number; k: number }; set?: string }
  | { type: 'zeroshot'; id: string; task: string; templates: string[] }
  | OnnxExportRequest
  | TeacherRequest;

export type FromWorker =
  | { type: 'ready'; adapter: string; features: string[] }
  | { type: 'unsupported'; reason: 'no-webgpu' | 'no-adapter' | 'device-failed'; message: string }
  | { type: 'dataset'; info: DatasetInfo }
  /** The chosen dataset could not be loaded (e.g. an upload not cached in this browser). */
  | { type: 'dataset-error'; message: string }
  | { type: 'status'; id: string; status: RunStatus; message?: string; params?: ParamCounts }
  | { type: 'steps'; id: string; records: StepRecord[]; stepsPerSec: number }
  | { type: 'eval'; id: string; snapshot: EvalSnapshot }
  | { type: 'attention'; id: string; payload: AttentionPayload }
  /**
   * best / stoppedEarly / note: RunResult's (src/train/runner.ts); kernels: the tuned kernel table the run
   * trained with (tuner.ts tableJson), null when none.
   */
  | {
      type: 'done';
      id: string;
      final: EvalMetrics | null;
      wallMs: number;
      best?: { step: number; valLoss: number };
      stoppedEarly?: boolean;
      note?: string;
      kernels?: object | null;
      /** The final weights' metrics on each evaluation set, by set name (absent: the spec has none). */
      evalSets?: Record<string, EvalMetrics>;
    }
  /** A run's final embeddings of one evaluation set (embedding map); posted before 'done'. */
  | { type: 'eval-set'; id: string; set: string; snapshot: EvalSnapshot }
  /** The run's overfitting note (src/train/best.ts), posted once when it first applies. */
  | { type: 'run-note'; id: string; note: string }
  /** A new best validation loss at `step` (keepBest: the weights the run will end with). */
  | { type: 'best'; id: string; step: number; valLoss: number }
  /** The kernel autotuner, around the run's first step: a progress line, or (table) the table it trains with. */
  | { type: 'kernels'; id: string; line?: string; table?: object | null }
  /** The worker holds the run's trained model and evaluated embeddings: retrieval and zero-shot can ask it. */
  | { type: 'model-ready'; id: string }
  | {
      type: 'retrieval';
      id: string;
      /** The evaluation set asked (absent: own validation split). */
      set?: string;
      query: string;
      results: { index: number; score: number; caption?: string }[];
      kind: 'images' | 'captions';
    }
  | { type: 'zeroshot'; id: string; result: ZeroShotReply }
  /** bytes: present when the checkpoint was asked for to download ('download') or to bundle for PyTorch ('pytorch'). */
  | { type: 'checkpoint'; id: string; step: number; bytes?: Uint8Array; purpose?: 'download' | 'pytorch'; stored: boolean; message?: string }
  | { type: 'gpu-problem'; problem: GpuProblem }
  /** A finished run's stored checkpoint was deleted to make room (storage full). */
  | { type: 'checkpoint-pruned'; id: string; step: number }
  /** Training resumed from a checkpoint at `step`: drop the run's step records after it. */
  | { type: 'rewind'; id: string; step: number }
  | OnnxExportReply
  | TeacherReply
  | { type: 'error'; id?: string; message: string };
