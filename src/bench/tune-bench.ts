// The autotuner on the bench's shapes: tune (or reuse the stored table), then time, per shape, the
// tuned choice against the launchers' fixed 'auto' rule (no table), interleaved, median of `reps`.
// Used by the bench page (suite=tune), the kernel-check page (its tuner table) and bench:device.
import type { Gpu } from '../gpu/runtime';
import { type MatmulShape, matmulShapeKey } from '../kernels/matmul';
import { FIXED, gpuTimer, tasksFor, tuneForRun } from '../kernels/tune-gpu';
import { type TuneTable, activeTuneTable, applyTable, tableJson } from '../kernels/tuner';
import { TRAIN_CASES } from './cases';
import { median } from './stats';

/** The shapes to tune: the bench's linear-layer products, its attention cases, the models' LayerNorms and SigLIP. */
export function benchTuneLog(quick: boolean): { family: string; shape: string; spec: unknown }[] {
  const mm = (quick ? TRAIN_CASES.filter((_, i) => i < 9) : TRAIN_CASES).map((c) => {
    const s: MatmulShape = { M: c.M, N: c.N, K: c.K, transA: c.transA, transB: c.transB };
    return { family: 'matmul', shape: matmulShapeKey(s), spec: { ...s, batch: 1 } };
  });
  const attn = [
    { B: 32, T: 17, H: 2, D: 16, causal: false, lengths: false },
    { B: 32, T: 16, H: 2, D: 16, causal: true, lengths: true },
    ...(quick ? [] : [{ B: 16, T: 128, H: 4, D: 32, causal: true, lengths: false }]),
  ].map((spec) => ({ family: 'attention', shape: '', spec }));
  const ln = [
    { N: 544, C: 32 },
    { N: 1088, C: 64 },
    ...(quick ? [] : [{ N: 1088, C: 256 }]),
  ].map((spec) => ({ family: 'layernorm', shape: '', spec }));
  const sig = [{ B: 256, D: 64 }, ...(quick ? [] : [{ B: 1024, D: 64 }])].map((spec) => ({ family: 'siglip', shape: '', spec }));
  return [...mm, ...attn, ...ln, ...sig];
}

export interface TuneCompareRow {
  family: string;
  shape: string;
  tuned: string;
  tunedMs: number;
  autoMs: number;
  /** tunedMs / autoMs: ≤ 1 when tuning did not make things slower. */
  ratio: number;
}

export interface TuneBenchResult {
  table: object | null;
  tookMs: number;
  reused: boolean;
  compare: TuneCompareRow[];
}

/** Tune on the bench shapes (budget in ms), then compare tuned with fixed auto per shape. */
export async function benchTuner(
  gpu: Gpu,
  o: { quick: boolean; reps: number; budgetMs?: number; force?: boolean; families?: string[]; log: (s: string) => void },
): Promise<TuneBenchResult> {
  const log = benchTuneLog(o.quick).filter((e) => !o.families || o.families.includes(e.family));
  const t0 = performance.now();
  let reused = true;
  const table: TuneTable = await tuneForRun(gpu, log, {
    budgetMs: o.budgetMs ?? 60_000,
    force: o.force,
    onProgress: (l) => {
      if (l.startsWith('tuning')) reused = false;
      o.log(l);
    },
  });
  const tookMs = performance.now() - t0;
  const timer = gpuTimer(gpu);
  const compare: TuneCompareRow[] = [];
  for (const task of tasksFor(gpu, log)) {
    const e = table.entries.find((x) => x.family === task.family && x.shape === task.shape);
    if (!e) continue;
    task.run(FIXED);
    task.run(e.best);
    const auto: number[] = [];
    const tuned: number[] = [];
    for (let r = 0; r < o.reps; r++) {
      // Alternate which goes first; the fixed rule runs with no table active.
      for (const which of r % 2 ? ['tuned', 'auto'] : ['auto', 'tuned']) {
        if (which === 'auto') {
          applyTable(undefined);
          auto.push(await timer(() => task.run(FIXED), 3));
          applyTable(table);
        } else tuned.push(await timer(() => task.run(e.best), 3));
      }
    }
    task.dispose?.();
    const row = { family: e.family, shape: e.shape, tuned: e.best, tunedMs: median(tuned), autoMs: median(auto), ratio: median(tuned) / median(auto) };
    compare.push(row);
    o.log(`tuned vs auto ${row.family} ${row.shape}: ${row.tuned} ${row.tunedMs.toFixed(3)} ms vs ${row.autoMs.toFixed(3)} ms (${row.ratio.toFixed(2)}×)`);
  }
  return { table: tableJson(activeTuneTable()), tookMs, reused, compare };
}
