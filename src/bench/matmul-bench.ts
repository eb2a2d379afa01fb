// Matmul throughput: ours (each kernel variant) vs tfjs-webgpu vs onnxruntime-web on the shapes of
// ShareLab's small models and on squares. Implementations are interleaved within each repetition
// (rotating which goes first), each sample submits `opsPerSample` products and awaits completion.
import { Rng, randArray } from '../util/rng';
import type { Dispatch, Gpu } from '../gpu/runtime';
import { Gpu as GpuClass } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { sumRows } from '../kernels/elementwise';
import { type MatmulVariant, applicableKernels, matmul, matmulRef } from '../kernels/matmul';
import { type CaseInputs, type OrtState, type Runner, ortRunner, tfjsRunner } from './peers';
import { median, relSpread, rotate } from './stats';
import type { FusionCase, ImplResult, MatmulCase } from './types';

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
 * The products a linear layer y = x·Wᵀ (src/engine/ops.ts linear) runs, with x (N, Cin), W (Cout, Cin):
 * forward A·Bᵀ (M = N tokens, N = Cout, K = Cin), input grad dX = dY·W, A·B (M = N tokens, N = Cin,
 * K = Cout), weight grad dW = dYᵀ·X, Aᵀ·B (M = Cout, N = Cin, K = N tokens).
 * Models: the bench's SMALL CLIP (width 32, mlpRatio 2, B = 32 → 32·17 = 544 vision tokens, patch dim 192),
 * the app's default 'tiny' (width 64, mlpRatio 4, B = 64 → 1088 tokens), and a width-256 variant.
 */
const linearCases = (tag: string, tokens: number, cin: number, cout: number): CaseSpec[] => [
  { name: `${tag} fwd`, group: 'train', M: tokens, N: cout, K: cin, transB: true },
  { name: `${tag} dX`, group: 'train', M: tokens, N: cin, K: cout },
  { name: `${tag} dW`, group: 'train', M: cout, N: cin, K: tokens, transA: true },
];

export const TRAIN_CASES: CaseSpec[] = [
  ...linearCases('small qkv', 544, 32, 96),
  ...linearCases('small mlp.fc', 544, 32, 64),
  ...linearCases('small patch', 512, 192, 32),
  ...linearCases('tiny mlp.fc', 1088, 64, 256),
  ...linearCases('tiny mlp.proj', 1088, 256, 64),
  ...linearCases('w256 qkv', 1088, 256, 768),
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
  /** Only these of our kernels (default: every one that applies). */
  kernels?: string[];
  reps: number;
  /** Target wall time of one sample; opsPerSample is chosen from the warm-up to reach it. */
  sampleMs: number;
  /** Skip an implementation when its estimated time (from its ms/FLOP on the previous square) exceeds this. */
  caseBudgetMs: number;
  log: (s: string) => void;
}

/**
 * `prevMsPerFlop` (impl → ms per FLOP on the previous square, or null): implementations whose estimate
 * for this case exceeds the budget are left out (listed in `skipped`); the case is skipped when none is left.
 */
export async function benchMatmulCase(spec: CaseSpec, o: MatmulBenchOpts, prevMsPerFlop: Map<string, number> | null): Promise<MatmulCase> {
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
  const tooSlow: string[] = [];
  const affordable = (name: string) => {
    const r = prevMsPerFlop?.get(name);
    if (r === undefined) return true;
    // warm-up + reps samples of ≥ 1 op each, 1.5× slack.
    const est = r * flops * (o.reps + 2) * 1.5;
    if (est <= o.caseBudgetMs) return true;
    tooSlow.push(`${name} ≈ ${(est / 1000).toFixed(0)} s`);
    return false;
  };

  const variants: MatmulVariant[] = applicableKernels(c).filter((k) => !o.kernels || o.kernels.includes(k));
  const impls: { name: string; make: () => Promise<Runner> | Runner }[] = variants.map((v) => ({ name: `ours-${v}`, make: () => oursRunner(o.gpu, c, v) }));
  if (o.tfjs) impls.push({ name: 'tfjs-webgpu', make: () => tfjsRunner(c) });
  if (o.ort) impls.push({ name: o.ort.ep === 'webgpu' ? 'ort-webgpu' : 'ort-wasm (CPU)', make: () => ortRunner(c, o.ort as OrtState) });
  impls.splice(0, impls.length, ...impls.filter((im) => affordable(im.name)));
  if (tooSlow.length) base.skippedImpls = tooSlow;
  if (impls.length === 0) return { ...base, skipped: `every implementation over the ${(o.caseBudgetMs / 1000).toFixed(0)} s budget (${tooSlow.join(', ')})` };

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
  const ref =
    flops <= 2 * 512 ** 3
      ? matmulRef(c.a, c.b, c.M, c.N, c.K, { transA: c.transA, transB: c.transB })
      : (outs.get('ours-direct') ?? outs.get(`ours-${base.autoPicks}`));

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

/**
 * dW = dYᵀ·X plus the bias gradient Σ_n dY[n, :]: the vec4tn kernel with the row sums fused (one
 * dispatch) vs the same kernel followed by sumRows (two), interleaved on the weight-gradient cases.
 */
export async function benchRowSumFusion(gpu: Gpu, specs: CaseSpec[], reps: number, log: (s: string) => void): Promise<FusionCase[]> {
  const out: FusionCase[] = [];
  for (const spec of specs.filter((c) => c.transA && !c.transB && c.M % 4 === 0 && c.N % 4 === 0)) {
    const a = gpu.fromArray(randArray(new Rng(21), spec.M * spec.K, 0.5), [spec.M * spec.K], 'fuse.A');
    const b = gpu.fromArray(randArray(new Rng(22), spec.K * spec.N, 0.5), [spec.K * spec.N], 'fuse.B');
    const c = gpu.tensor([spec.M * spec.N], 'fuse.C');
    const rs = gpu.tensor([spec.M], 'fuse.rowSums');
    const mm = (fused: boolean) => {
      matmul(gpu, a, b, c, spec.M, spec.N, spec.K, { transA: true, accumulate: true, variant: 'vec4tn', rowSums: fused ? rs : undefined });
      if (!fused) sumRows(gpu, a, rs, spec.K, spec.M);
    };
    const samples: Record<'fused' | 'separate', number[]> = { fused: [], separate: [] };
    const time = async (fused: boolean, k: number) => {
      const t0 = performance.now();
      for (let i = 0; i < k; i++) mm(fused);
      await gpu.sync();
      return (performance.now() - t0) / k;
    };
    await time(true, 1);
    const w = await time(false, 1);
    const k = Math.max(1, Math.min(16, Math.ceil(25 / Math.max(0.05, w))));
    for (let r = 0; r < reps; r++) {
      for (const fused of r % 2 ? [true, false] : [false, true]) samples[fused ? 'fused' : 'separate'].push(await time(fused, k));
    }
    for (const t of [a, b, c, rs]) t.buffer.destroy();
    const row = { name: spec.name, M: spec.M, N: spec.N, K: spec.K, separateMs: median(samples.separate), fusedMs: median(samples.fused) };
    log(`fusion ${spec.name}: separate ${row.separateMs.toFixed(2)} ms, fused ${row.fusedMs.toFixed(2)} ms`);
    out.push(row);
  }
  return out;
}
