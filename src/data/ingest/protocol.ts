// Messages between the UI thread and the upload worker (src/data/ingest/worker.ts).
import type { LoadResult, Progress } from './pipeline';

export interface LoadRequest {
  type: 'load';
  /** Files with their path in the upload (folder-relative for folder picks and drops). */
  files: { path: string; file: File }[];
  name: string;
  /** Image side S the tensors are decoded at (the experiment's dataset size). */
  size: number;
  contextLength: number;
  vocabSize: number;
}

export type ToIngest = LoadRequest;

/** Heap figures from the worker (Chromium's performance.memory; absent elsewhere). */
export interface HeapSample {
  used: number;
  peak: number;
}

export type FromIngest =
  | { type: 'progress'; progress: Progress; heap?: HeapSample }
  | { type: 'loaded'; result: LoadResult; heap?: HeapSample }
  | { type: 'error'; message: string };
