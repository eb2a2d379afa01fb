// Result shapes written by the bench page (window.__benchResults) and read by bench/bench.spec.ts.
import type { TuneBenchResult } from './tune-bench';

export interface ImplResult {
  impl: string;
  /** Median wall time per op (ms), from `opsPerSample` ops submitted back to back then awaited. */
  msPerOp: number;
  gflops: number;
  /** Median absolute deviation / median over the samples. */
  spread: number;
  samples: number[];
  /** Max |impl − float64 CPU reference| (or vs ours-direct for big shapes), a sanity check. */
  maxAbsErr?: number;
  /** Our kernels only: GPU timestamp time per op from the Profiler (ms), when timestamp-query exists. */
  gpuMsPerOp?: number;
  error?: string;
}

export interface MatmulCase {
  name: string;
  group: 'train' | 'square';
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  opsPerSample: number;
  /** The kernel matmul({variant: 'auto'}) dispatches for this case. */
  autoPicks: string;
  results: ImplResult[];
  skipped?: string;
  /** Implementations left out of this case because their estimated time was over budget. */
  skippedImpls?: string[];
}

export interface TrainPresetResult {
  preset: string;
  params?: number;
  msPerStep: number;
  samplesPerSec: number;
  spread: number;
  dispatchesPerStep: number;
  submitsPerStep: number;
  samples: number[];
  lastLoss?: number;
  error?: string;
}

export interface KernelShare {
  label: string;
  msPerStep: number;
  countPerStep: number;
  share: number;
}

/** dW + bias gradient: vec4tn then sumRows (two dispatches) vs vec4tn with the row sums fused (one). */
export interface FusionCase {
  name: string;
  M: number;
  N: number;
  K: number;
  separateMs: number;
  fusedMs: number;
}

/** One implementation of an attention / loss forward + backward. */
export interface OpImplResult {
  impl: string;
  msPerIter: number;
  spread: number;
  samples: number[];
  gflops: number;
  /** Bytes of GPU memory live at the peak of one forward + backward (see ops-bench.ts for the definitions). */
  peakBytes?: number;
  /** tfjs only: its buffer pool after the case (freed buffers are pooled, not returned). */
  poolBytes?: number;
  /** Peers only: max |peer − ours| per output. */
  maxAbsDiffVsOurs?: Record<string, number>;
  error?: string;
  skipped?: string;
}

export interface OpCaseResult {
  name: string;
  op: 'attention' | 'infonce' | 'siglip';
  B: number;
  T?: number;
  H?: number;
  D: number;
  causal: boolean;
  flops: number;
  results: OpImplResult[];
  note?: string;
}

/** The same training step written in tfjs-webgpu (bench only), for one preset. */
export interface TrainPeerResult {
  preset: string;
  impl: string;
  msPerStep: number;
  samplesPerSec: number;
  spread: number;
  samples: number[];
  /** Our step's median for the same preset, measured interleaved with the peer. */
  oursMsPerStep: number;
  /** Peer ms / our ms (> 1: ours is faster). */
  speedup: number;
  /** tfjs kernels (≈ dispatches) per step, from tf.profile of one step. */
  kernelsPerStep?: number;
  /** Loss of the first step on the same batch from the same initial parameters: ours vs peer. */
  firstLoss?: { ours: number; peer: number };
  /** Max |ours − peer| over every parameter after `steps` identical training steps. */
  paramsMaxAbsDiff?: number;
  steps?: number;
  /** tfjs live tensor bytes at the step's peak and its buffer pool; our allocator's bytes for the same model. */
  memory?: { peerPeakBytes: number; peerPoolBytes: number; oursBytes: number };
  error?: string;
}

export interface SoakSample {
  step: number;
  /** Gpu.stats.bytesAllocated since the soak began: bytes of every buffer created (never decremented). */
  gpuBytesCreated: number;
  /** The tape's activation allocator (BumpAllocator.bytesReserved). */
  activationBytes: number;
  pipelines: number;
  /** performance.memory.usedJSHeapSize after a forced GC (Chromium with --enable-precise-memory-info). */
  jsHeapBytes: number | null;
  msPerStep: number;
  loss: number;
}

export interface SoakResult {
  config: string;
  steps: number;
  sampleEvery: number;
  warmupSteps: number;
  samples: SoakSample[];
  /** After warm-up: GPU bytes created, JS heap change (first vs median of the last three samples) and slope. */
  gpuBytesGrowth: number;
  activationBytesGrowth: number;
  jsHeapGrowthBytes: number | null;
  jsHeapSlopeBytesPerStep: number | null;
  msPerStepFirst: number;
  msPerStepLast: number;
  wallMs: number;
  note?: string;
}

export interface BenchResults {
  userAgent: string;
  adapter: Record<string, string>;
  features: string[];
  startedAt: string;
  wallMs: number;
  reps: number;
  quick?: boolean;
  notes: string[];
  peers: { tfjs: { backend: string; error?: string }; ort: { ep: string; io: string; version: string; error?: string } };
  matmul: MatmulCase[];
  fusion?: FusionCase[];
  train?: {
    config: string;
    batchSize: number;
    results: TrainPresetResult[];
    profile?: { preset: string; steps: number; kernels: KernelShare[]; totalGpuMsPerStep: number; note: string };
    /** The same step in tfjs-webgpu, interleaved with ours (per preset asked for). */
    peers?: TrainPeerResult[];
  };
  ops?: OpCaseResult[];
  soak?: SoakResult;
  /** suite=tune: the autotuner's table on the bench shapes and tuned vs fixed-auto times per shape. */
  tune?: TuneBenchResult;
  /** Filled in by the spec (Node). */
  machine?: { cpus: number; cpuModel: string; platform: string; node: string; memGiB?: number; load?: string };
}
