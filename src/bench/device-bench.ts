// What `npm run bench:device` measures with our kernels on one adapter, outside a browser (Node +
// Dawn, bench/device/run.sh): every kernel check, the autotuner's table and its tuned-vs-auto
// comparison, matmul per kernel on the bench shapes, attention / InfoNCE / SigLIP forward + backward,
// and the training step per preset. Ours only: the peers (tfjs-webgpu, onnxruntime-web) need a browser.
import type { Gpu } from '../gpu/runtime';
import type { CheckResult } from '../kernels/check';
import { type MatmulShape, applicableKernels, matmulShapeKey, tunedKernel } from '../kernels/matmul';
import { allChecks } from '../kernels/registry';
import { FIXED, gpuTimer, matmulTask } from '../kernels/tune-gpu';
import { type CaseSpec, SQUARE_CASES, TRAIN_CASES } from './cases';
import { benchOpCase, opCases } from './ops-bench';
import { median, rotate } from './stats';
import { benchTraining } from './train-bench';
import { type TuneBenchResult, benchTuner } from './tune-bench';
import type { BenchResults, OpCaseResult } from './types';

export interface DeviceBenchResult {
  adapter: string;
  quick: boolean;
  startedAt: string;
  wallMs: number;
  checks: (CheckResult & { ms: number })[];
  tune?: TuneBenchResult;
  matmul: { name: string; shape: string; tuned: string; gflops: Record<string, number> }[];
  ops: OpCaseResult[];
  train?: NonNullable<BenchResults['train']>;
  errors: string[];
}

/** quick: the first light check of each kernel family (the dry run's few minutes on a CPU); else every check. */
async function runChecks(gpu: Gpu, quick: boolean, log: (s: string) => void): Promise<DeviceBenchResult['checks']> {
  const out: DeviceBenchResult['checks'] = [];
  const seen = new Set<string>();
  const first = (k: string) => !seen.has(k.split('.')[0]) && seen.add(k.split('.')[0]) !== undefined;
  const checks = allChecks.filter((c) => c.group === 'kernels' && (!quick || (!c.heavy && first(c.kernel))));
  for (const c of checks) {
    const t0 = performance.now();
    let r: CheckResult;
    try {
      gpu.device.pushErrorScope('validation');
      r = await c.run(gpu);
      const err = await gpu.device.popErrorScope();
      if (err) r = { ...r, ok: false, message: `GPU validation error: ${err.message}; ${r.message}` };
    } catch (e) {
      r = { kernel: c.kernel, name: c.name, ok: false, maxAbsErr: Number.NaN, message: `threw: ${String(e)}` };
    }
    out.push({ ...r, ms: performance.now() - t0 });
    if (!r.ok) log(`NOT OK ${r.kernel} ${r.name}: ${r.message}`);
  }
  log(`kernel checks: ${out.filter((r) => r.ok).length}/${out.length} OK`);
  return out;
}

/** GFLOP/s of every applicable kernel per shape, interleaved rounds, median (the tuned table active). */
async function benchMatmul(gpu: Gpu, cases: CaseSpec[], reps: number, log: (s: string) => void): Promise<DeviceBenchResult['matmul']> {
  const timer = gpuTimer(gpu);
  const rows: DeviceBenchResult['matmul'] = [];
  for (const c of cases) {
    const s: MatmulShape = { M: c.M, N: c.N, K: c.K, transA: c.transA, transB: c.transB };
    const task = matmulTask(gpu, { ...s, batch: 1 });
    const variants = [...applicableKernels(s), FIXED];
    const samples: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
    for (const v of variants) task.run(v);
    for (let r = 0; r < reps; r++) for (const v of rotate(variants, r)) samples[v].push(await timer(() => task.run(v), 3));
    task.dispose?.();
    const flop = 2 * c.M * c.N * c.K;
    const gflops = Object.fromEntries(variants.map((v) => [v === FIXED ? 'auto(tuned)' : v, flop / (median(samples[v]) * 1e6)]));
    rows.push({ name: c.name, shape: matmulShapeKey(s), tuned: tunedKernel(s), gflops });
    log(`${c.name}: ${Object.entries(gflops).map(([k, g]) => `${k} ${g.toFixed(1)}`).join(', ')} GFLOP/s`);
  }
  return rows;
}

export async function runDeviceBench(
  gpu: Gpu,
  o: { quick: boolean; reps: number; log: (s: string) => void; skip?: Set<string> },
): Promise<DeviceBenchResult> {
  const t0 = performance.now();
  const res: DeviceBenchResult = {
    adapter: gpu.caps.adapterDescription,
    quick: o.quick,
    startedAt: new Date().toISOString(),
    wallMs: 0,
    checks: [],
    matmul: [],
    ops: [],
    errors: [],
  };
  const step = async (name: string, f: () => Promise<void>) => {
    if (o.skip?.has(name)) return;
    o.log(`— ${name}`);
    try {
      await f();
    } catch (e) {
      res.errors.push(`${name}: ${String(e)}`);
      o.log(`${name} failed: ${String(e)}`);
    }
  };
  await step('checks', async () => {
    res.checks = await runChecks(gpu, o.quick, o.log);
  });
  await step('tune', async () => {
    res.tune = await benchTuner(gpu, { quick: o.quick, reps: o.reps, budgetMs: o.quick ? 5_000 : 10_000, log: o.log });
  });
  await step('matmul', async () => {
    const cases = o.quick ? [TRAIN_CASES[0], SQUARE_CASES[0]] : [...TRAIN_CASES, ...SQUARE_CASES];
    res.matmul = await benchMatmul(gpu, cases, o.reps, o.log);
  });
  await step('ops', async () => {
    // Dry run: one small attention case (SwiftShader under Dawn takes seconds per contrastive iteration at B = 256).
    const specs = o.quick ? opCases(true, 256).slice(1, 2) : opCases(false, 4096);
    for (const spec of specs) res.ops.push(await benchOpCase(spec, { gpu, tfjs: false, reps: o.reps, sampleMs: 50, tfjsMaxBytes: 0, log: o.log }));
  });
  await step('train', async () => {
    res.train = await benchTraining({ gpu, reps: o.quick ? 2 : o.reps, batchSize: 32, presets: o.quick ? ['separate'] : ['separate', 'shared-all', 'ms-clip'], profilePreset: 'separate', profileSteps: 3, log: o.log });
  });
  res.wallMs = performance.now() - t0;
  return res;
}
