// Messages between the UI thread and the training worker. The UI never touches the GPU: it sends
// commands and receives metrics. Everything here is structured-clone friendly.
import type { GpuProblem } from '../gpu/device';
import type { ClipConfig } from '../model/config';
import type { ParamCounts } from '../model/params';
import type { ZeroShotOutcome } from '../analysis/zeroshot';
import type { EvalMetrics } from './evaluate';
import type { TrainHyper } from './hyper';
import type { StepRecord } from './trainer';
import type { OnnxExportReply, OnnxExportRequest } from '../export/messages';
import type { TeacherReply, TeacherRequest } from '../teacher/messages';

export interface DatasetSpec {
  /** 'builtin': generated shapes; 'upload': an upload cached in IndexedDB (src/data/ingest/cache.ts). */
  kind: 'builtin' | 'upload';
  /** Generator seed (built-in); train/val split seed (upload). */
  seed: number;
  /** Training images (val adds valCount + heldOutCount). Built-in only. */
  count: number;
  /** Validation images (an upload's val split takes at most n − 1). */
  valCount: number;
  heldOutCount: number;
  /** Image side; an upload must be cached at this size. */
  size: number;
  /** Content-hash id of the upload (kind 'upload'). */
  upload?: string;
  /** Tokenizer vocabulary (BPE trained on the training captions); default 512. */
  vocabSize?: number;
}

export const DEFAULT_DATASET: DatasetSpec = { kind: 'builtin', seed: 0, count: 4096, valCount: 384, heldOutCount: 128, size: 32 };

export interface RunRequest {
  id: string;
  /** Display name, e.g. "shared-all · seed 1". */
  label: string;
  preset: string;
  config: ClipConfig;
  hyper: TrainHyper;
  seed: number;
  /**
   * Start from a checkpoint instead of a fresh init: a file the user opened (its config, tokenizer and
   * step win over the fields above), or this run's own last checkpoint in IndexedDB (after a reload).
   */
  from?: { kind: 'file'; name: string; bytes: Uint8Array } | { kind: 'stored' };
}

export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

export interface DatasetInfo {
  name: string;
  train: number;
  val: number;
  heldOut: number;
  captionsPerImage: number;
  vocabSize: number;
  contextLength: number;
  truncated: number;
  captionLengthHistogram: number[];
  /** Image side in pixels. */
  size: number;
  /** Validation images as RGBA (Ni, S, S, 4) and their captions: preview grid, retrieval, embedding-map hovers. */
  valImages: { rgba: Uint8ClampedArray; captions: string[][]; heldOut: boolean[] };
  /** Set for an uploaded dataset: its id, name and class names (null: no labels, zero-shot hidden). */
  upload?: { id: string; name: string; classes: string[] | null };
  /** Labelled tasks for interactive zero-shot classification (built-in attributes, or upload labels). */
  zeroShotTasks?: { name: string; classes: string[]; images: number }[];
}

/** Everything the comparison views need about one evaluation, small enough to post. */
export interface EvalSnapshot {
  metrics: EvalMetrics;
  /** (n, n) similarity of a fixed validation batch (first caption per image). */
  similarity: { n: number; values: Float32Array };
  /** 2-D PCA of image and (first-caption) text embeddings of the val set, same basis. */
  projection: { n: number; image: Float32Array; text: Float32Array; explained: [number, number] };
  /** The val embeddings behind the projection, (n, D) each (the UI's UMAP option lays them out). */
  embeddings?: { D: number; image: Float32Array; text: Float32Array };
}

/** One validation item's raw attention maps for display (first caption of the image). */
export interface AttentionItem {
  /** Validation image index (into DatasetInfo.valImages). */
  index: number;
  caption: string;
  /** The caption's valid tokens (sot … eot). */
  tokens: string[];
  /** [layer][head] CLS → patch attention, P = grid² values in row-major patch order. */
  cls: number[][][];
  /** [layer] CLS row of the attention rollout up to that layer, over the P patches. */
  rollout: number[][];
  /** [layer][head] token × token map (L, L) row-major, L = tokens.length. */
  text: number[][][];
}

/** Attention-pattern analysis of one run (METHODS.md "Metrics"; OUR definitions, not MS-CLIP's). */
export interface AttentionPayload {
  step: number;
  /** Items (image + first caption) the statistics average over. */
  n: number;
  vision: { layers: number; heads: number; grid: number };
  text: { layers: number; heads: number; contextLength: number };
  /** Per layer: per-head statistics, each modality. */
  statsImage: HeadStatsMsg[];
  statsText: HeadStatsMsg[];
  /** (layers, heads) attention-transfer score, min depth × min heads of the two towers. */
  transfer: number[][];
  /** Linear CKA between pooled image and caption features after each block (min depth). */
  ckaPerLayer: number[];
  /** k-means (k = 2) NMI against modality per layer; null where the widths differ. */
  mixingPerLayer: (number | null)[];
  items: AttentionItem[];
}

/** Interactive zero-shot classification of a trained run's validation images (or why it failed). */
export type ZeroShotReply =
  | ({ task: string; templates: string[]; prompts: number; classes: string[]; step: number } & ZeroShotOutcome)
  | { task: string; error: string };

export interface HeadStatsMsg {
  entropy: number[];
  distance: number[];
  poolShare: number[];
}

export type ToWorker =
  | { type: 'init'; dataset: DatasetSpec }
  | { type: 'enqueue'; run: RunRequest }
  /** Load a finished run's model from its stored checkpoint (after a reload) for retrieval / zero-shot; no training, no posts but errors. */
  | { type: 'attach'; run: RunRequest }
  | { type: 'pause'; id: string }
  | { type: 'resume'; id: string }
  | { type: 'stop'; id: string }
  | { type: 'delete'; id: string }
  | { type: 'checkpoint'; id: string; download: boolean }
  | { type: 'debug-lose-device' }
  /** Tests: pretend checkpoint storage holds at most `bytes` (null = the real quota). */
  | { type: 'debug-quota'; bytes: number | null }
  | { type: 'retrieve'; id: string; query: { kind: 'text'; text: string; k: number } | { kind: 'image'; index: number; k: number } }
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
  | { type: 'done'; id: string; final: EvalMetrics | null; wallMs: number }
  /** The worker holds the run's trained model and evaluated embeddings: retrieval and zero-shot can ask it. */
  | { type: 'model-ready'; id: string }
  | {
      type: 'retrieval';
      id: string;
      query: string;
      results: { index: number; score: number; caption?: string }[];
      kind: 'images' | 'captions';
    }
  | { type: 'zeroshot'; id: string; result: ZeroShotReply }
  | { type: 'checkpoint'; id: string; step: number; bytes?: Uint8Array; stored: boolean; message?: string }
  | { type: 'gpu-problem'; problem: GpuProblem }
  /** A finished run's stored checkpoint was deleted to make room (storage full). */
  | { type: 'checkpoint-pruned'; id: string; step: number }
  /** Training resumed from a checkpoint at `step`: drop the run's step records after it. */
  | { type: 'rewind'; id: string; step: number }
  | OnnxExportReply
  | TeacherReply
  | { type: 'error'; id?: string; message: string };
