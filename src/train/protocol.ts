// Messages between the UI thread and the training worker. The UI never touches the GPU: it sends
// commands and receives metrics. Everything here is structured-clone friendly.
import type { GpuProblem } from '../gpu/device';
import type { ClipConfig } from '../model/config';
import type { ParamCounts } from '../model/params';
import type { EvalMetrics } from './evaluate';
import type { TrainHyper } from './hyper';
import type { StepRecord } from './trainer';

export interface DatasetSpec {
  kind: 'builtin';
  seed: number;
  /** Training images (val adds valCount + heldOutCount). */
  count: number;
  valCount: number;
  heldOutCount: number;
  size: number;
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
}

/** Everything the comparison views need about one evaluation, small enough to post. */
export interface EvalSnapshot {
  metrics: EvalMetrics;
  /** (n, n) similarity of a fixed validation batch (first caption per image). */
  similarity: { n: number; values: Float32Array };
  /** 2-D PCA of image and (first-caption) text embeddings of the val set, same basis. */
  projection: { n: number; image: Float32Array; text: Float32Array; explained: [number, number] };
}

export type ToWorker =
  | { type: 'init'; dataset: DatasetSpec }
  | { type: 'enqueue'; run: RunRequest }
  | { type: 'pause'; id: string }
  | { type: 'resume'; id: string }
  | { type: 'stop'; id: string }
  | { type: 'delete'; id: string }
  | { type: 'checkpoint'; id: string; download: boolean }
  | { type: 'debug-lose-device' }
  | { type: 'retrieve'; id: string; query: { kind: 'text'; text: string; k: number } | { kind: 'image'; index: number; k: number } };

export type FromWorker =
  | { type: 'ready'; adapter: string; features: string[] }
  | { type: 'unsupported'; reason: 'no-webgpu' | 'no-adapter' | 'device-failed'; message: string }
  | { type: 'dataset'; info: DatasetInfo }
  | { type: 'status'; id: string; status: RunStatus; message?: string; params?: ParamCounts }
  | { type: 'steps'; id: string; records: StepRecord[]; stepsPerSec: number }
  | { type: 'eval'; id: string; snapshot: EvalSnapshot }
  | { type: 'done'; id: string; final: EvalMetrics | null; wallMs: number }
  | {
      type: 'retrieval';
      id: string;
      query: string;
      results: { index: number; score: number; caption?: string }[];
      kind: 'images' | 'captions';
    }
  | { type: 'checkpoint'; id: string; step: number; bytes?: Uint8Array; stored: boolean; message?: string }
  | { type: 'gpu-problem'; problem: GpuProblem }
  /** Training resumed from a checkpoint at `step`: drop the run's step records after it. */
  | { type: 'rewind'; id: string; step: number }
  | { type: 'error'; id?: string; message: string };
