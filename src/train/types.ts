// A run as the trainer and every host of it (the app's worker, the headless runner) see it: the
// request (config, hyper-parameters, seed, optional checkpoint to start from), its status, and the
// analysis payloads posted about it. Structured-clone friendly.
import type { ZeroShotOutcome } from '../analysis/zeroshot';
import type { ClipConfig } from '../model/config';
import type { EvalMetrics } from './evaluate';
import type { TrainHyper } from './hyper';

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
  /** Time no kernel variants before the first step: the fixed rule, recorded in the run's kernel table (skipped). */
  skipTuning?: boolean;
}

export type RunStatus = 'queued' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

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
