// Result shapes written by the bench page (window.__benchResults) and read by bench/bench.spec.ts.

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

export interface BenchResults {
  userAgent: string;
  adapter: Record<string, string>;
  features: string[];
  startedAt: string;
  wallMs: number;
  reps: number;
  notes: string[];
  peers: { tfjs: { backend: string; error?: string }; ort: { ep: string; io: string; version: string; error?: string } };
  matmul: MatmulCase[];
  train?: {
    config: string;
    batchSize: number;
    results: TrainPresetResult[];
    profile?: { preset: string; steps: number; kernels: KernelShare[]; totalGpuMsPerStep: number; note: string };
  };
  /** Filled in by the spec (Node). */
  machine?: { cpus: number; cpuModel: string; platform: string; node: string };
}
