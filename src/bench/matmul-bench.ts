// Matmul throughput: ours (each kernel variant) vs tfjs-webgpu vs onnxruntime-web on the shapes of
// ShareLab's small models and on squares. Implementations are interleaved within each repetition
// (rotating which goes first), each sample submits `opsPerSample` products and awaits completion.
import { Rng, randArray } from '../engine/rng';
import type { Dispatch, Gpu } from '../gpu/runtime';
import { Gpu as GpuClass } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { type MatmulVariant, matmul, matmulRef, vec4Applies } from '../kernels/matmul';
import { type CaseInputs, type OrtState, type Runner, ortRunner, tfjsRunner } from './peers';
import { median, relSpread, rotate } from './stats';
import type { ImplResult, MatmulCase } from './types';

export interface CaseSpec {
  name: string;
  group: 'train' | 'square';
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

/**
 * Shapes of the small CLIP (width 32, mlpRatio 2, B = 32, T = 17 → B·T = 544; both towers → 1088),
 * plus wider variants: forward X·W (A·B), input grads dY·Wᵀ style (A·Bᵀ) and weight grads Xᵀ·dY (Aᵀ·B, K = B·T).
 */
export const TRAIN_CASES: CaseSpec[] = [
  { name: 'qkv fwd', group: 'train', M: 544, N: 96, K: 32 },
  { name: 'mlp up fwd', group: 'train', M: 544, N: 64, K: 32 },
  { name: 'mlp down fwd', group: 'train', M: 544, N: 32, K: 64 },
  { name: 'w128 fwd', group: 'train', M: 1088, N: 128, K: 128 },
  { name: 'w256 fwd', group: 'train', M: 1088, N: 256, K: 256 },
  { name: 'qkv dX (A·Bᵀ)', group: 'train', M: 544, N: 32, K: 96, transB: true },
  { name: 'w256 dX (A·Bᵀ)', group: 'train', M: 1088, N: 256, K: 64, transB: true },
  { name: 'qkv dW (Aᵀ·B)', group: 'train', M: 32, N: 96, K: 544, transA: true },
  { name: 'w128 dW (Aᵀ·B)', group: 'train', M: 128, N: 128, K: 1088, transA: true },
  { name: 'w256 dW (Aᵀ·B)', group: 'train', M: 256, N: 256, K: 1088, transA: true },
];

export const SQUARE_CASES: CaseSpec[] = [64, 128, 256, 512, 1024, 2048].map((n) => ({ name: `square ${n}`, group: 'square', M: n, N: n, K: n }));

/** Which kernel matmul() dispatches for `variant` (read from the label it records, on a stub GPU). */
export function pickedKernel(c: CaseSpec, variant: MatmulVariant = 'auto'): string {
  let label = '';
  const t = (n: number): Tensor => ({ buffer: {} as GPUBuffer, offset: 0, shape: [n], dtype: 'f32' });
  const stub = { run: (d: Dispatch) => (label = d.label ?? ''), tensor: () => t(1) } as unknown as Gpu;
  matmul(stub, t(c.M * c.K), t(c.K * c.N), t(c.M * c.N), c.M, c.N, c.K, { transA: c.transA, transB: c.transB, variant });
  return label.split('.')[1] ?? label;
}

type OursRunner = Runner & { record: (g: Gpu) => void };

function oursRunner(gpu: Gpu, c: CaseInputs, variant: MatmulVariant): OursRunner {
  const a = gpu.fromArray(c.a, [c.a.length], 'bench.A');
  const b = gpu.fromArray(c.b, [c.b.length], 'bench.B');
  const out = gpu.tensor([c.M * c.N], 'bench.C');
  const record = (g: Gpu) => matmul(g, a, b, out, c.M, c.N, c.K, { transA: c.transA, transB: c.transB, variant });
  return {
    async runMany(k) {
      for (let i = 0; i < k; i++) record(gpu);
      await gpu.sync();
    },
    read: () => gpu.read(out),
    dispose() {
      for (const t of [a, b, out]) t.buffer.destroy();
    },
    // The profiled path records into a second Gpu on the same device (one pass per dispatch).
    record,
  };
}

export interface MatmulBenchOpts {
  gpu: Gpu;
  ort: OrtState | null;
  tfjs: boolean;
  reps: number;
  /** Target wall time of one sample; opsPerSample is chosen from the warm-up to reach it. */
  sampleMs: number;
  /** Skip a case when its estimated time (from the previous case's slowest implementation) exceeds this. */
  caseBudgetMs: number;
  log: (s: string) => void;
}

export async function benchMatmulCase(spec: CaseSpec, o: MatmulBenchOpts, prevSlowMsPerFlop: number | null): Promise<MatmulCase> {
  const c: CaseInputs = {
    M: spec.M,
    N: spec.N,
    K: spec.K,
    transA: !!spec.transA,
    transB: !!spec.transB,
    a: randArray(new Rng(11), spec.M * spec.K, 0.5),
    b: randArray(new Rng(12), spec.K * spec.N, 0.5),
  };
  const flops = 2 * spec.M * spec.N * spec.K;
  const base: MatmulCase = { ...spec, transA: c.transA, transB: c.transB, opsPerSample: 0, autoPicks: pickedKernel(spec), results: [] };
  if (prevSlowMsPerFlop !== null) {
    const est = prevSlowMsPerFlop * flops * (o.reps + 2) * 4;
    if (est > o.caseBudgetMs) return { ...base, skipped: `estimated ${(est / 1000).toFixed(0)} s on this adapter (> ${(o.caseBudgetMs / 1000).toFixed(0)} s budget)` };
  }

  const variants: MatmulVariant[] = ['direct', 'tiled'];
  if (vec4Applies({ transA: c.transA, transB: c.transB }, c.K, c.M * c.K, c.K * c.N)) variants.push('vec4');
  const impls: { name: string; make: () => Promise<Runner> | Runner }[] = variants.map((v) => ({ name: `ours-${v}`, make: () => oursRunner(o.gpu, c, v) }));
  if (o.tfjs) impls.push({ name: 'tfjs-webgpu', make: () => tfjsRunner(c) });
  if (o.ort) impls.push({ name: o.ort.ep === 'webgpu' ? 'ort-webgpu' : 'ort-wasm (CPU)', make: () => ortRunner(c, o.ort as OrtState) });

  const runners: { name: string; r: Runner | null; samples: number[]; error?: string }[] = [];
  for (const im of impls) {
    try {
      runners.push({ name: im.name, r: await im.make(), samples: [] });
    } catch (e) {
      runners.push({ name: im.name, r: null, samples: [], error: String(e) });
    }
  }
  const live = () => runners.filter((x) => x.r);
  const timeIt = async (x: (typeof runners)[number], k: number) => {
    const t0 = performance.now();
    try {
      await x.r?.runMany(k);
    } catch (e) {
      x.error = String(e);
      x.r?.dispose();
      x.r = null;
    }
    return performance.now() - t0;
  };

  // Warm-up: pipeline compilation, first uploads; the second round sizes opsPerSample.
  for (const x of live()) await timeIt(x, 1);
  const warm: number[] = [];
  for (const x of live()) warm.push(await timeIt(x, 1));
  const k = Math.max(1, Math.min(8, Math.ceil(o.sampleMs / Math.max(0.05, median(warm)))));
  base.opsPerSample = k;

  for (let rep = 0; rep < o.reps; rep++) {
    for (const x of rotate(live(), rep)) {
      const ms = await timeIt(x, k);
      if (x.r) x.samples.push(ms / k);
    }
  }

  // Sanity: compare each output with a float64 CPU reference (or with ours-direct when that is too slow).
  const outs = new Map<string, Float32Array>();
  for (const x of live()) outs.set(x.name, await x.r!.read());
  const ref = flops <= 2 * 512 ** 3 ? matmulRef(c.a, c.b, c.M, c.N, c.K, { transA: c.transA, transB: c.transB }) : outs.get('ours-direct');

  // Our kernels' GPU time from timestamps (separate Gpu with the profiler on the same device).
  const gpuMs = new Map<string, number>();
  if (o.gpu.caps.features.has('timestamp-query')) {
    const pg = new GpuClass(o.gpu.device, { profile: true, caps: o.gpu.caps });
    for (const x of live()) {
      const rec = (x.r as Partial<OursRunner>).record;
      if (!rec || !pg.profiler) continue;
      pg.profiler.reset();
      for (let i = 0; i < k; i++) rec(pg);
      await pg.sync();
      const rep = await pg.profiler.report();
      const tot = rep.reduce((s, r) => s + r.ms, 0);
      const n = rep.reduce((s, r) => s + r.count, 0);
      if (n > 0) gpuMs.set(x.name, tot / n);
    }
  }

  for (const x of runners) {
    x.r?.dispose();
    const m = median(x.samples);
    let maxAbsErr: number | undefined;
    const out = outs.get(x.name);
    if (out && ref) {
      maxAbsErr = 0;
      for (let i = 0; i < c.M * c.N; i++) maxAbsErr = Math.max(maxAbsErr, Math.abs(out[i] - ref[i]));
      if (!Number.isFinite(maxAbsErr) || out.length < c.M * c.N) maxAbsErr = Number.POSITIVE_INFINITY;
    }
    const r: ImplResult = { impl: x.name, msPerOp: m, gflops: flops / (m * 1e6), spread: relSpread(x.samples), samples: x.samples, maxAbsErr, gpuMsPerOp: gpuMs.get(x.name) };
    if (x.error) r.error = x.error;
    base.results.push(r);
  }
  o.log(`${spec.name} ${spec.M}×${spec.N}×${spec.K}: ${base.results.map((r) => `${r.impl} ${r.msPerOp.toFixed(2)} ms`).join(', ')}`);
  return base;
}
