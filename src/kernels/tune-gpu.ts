// The autotuner on a real device: wall-clock timer, IndexedDB table store, the tuner key from the
// adapter, and the tasks that replay each tunable family (matmul per layout, attention forward +
// backward, LayerNorm forward + backward, SigLIP forward + backward) on the shapes a run dispatched. See tuner.ts for the core.
//
// Hook for a run (the worker, before its second step):
//   startShapeLog(); <record + submit step 1>; await tuneForRun(gpu, takeShapeLog(), { onProgress });
// then record tableJson() in the run's results and checkpoint metadata.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { idbStore } from '../storage/idb';
import { attentionBackward, attentionForward, attentionShapeKey } from './attention';
import { layernormBackward, layernormForward, layernormShapeKey } from './layernorm';
import { type MatmulKernel, type MatmulShape, applicableKernels, matmul, matmulShapeKey } from './matmul';
import { SIGLIP_VARIANTS, siglipBackward, siglipForward, siglipShapeKey } from './siglip';
import { type TableStore, type TuneOptions, type TuneTable, type TuneTask, type TunerKey, memoryStore, sourceHash, tune, withVariant } from './tuner';

const shaderSources = import.meta.glob<string>('../../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true });

/** Hash of every WGSL file (sorted by path): changes whenever a kernel does. */
export const KERNEL_VERSION = sourceHash(
  Object.keys(shaderSources)
    .sort()
    .map((k) => `${k}\n${shaderSources[k]}`),
);

/** The tuner key for an adapter description (Capabilities.adapterDescription / adapterDescription()). */
export function tunerKeyFor(adapter: string): TunerKey {
  const browser = typeof navigator !== 'undefined' && navigator.userAgent ? navigator.userAgent : `node ${globalThis.process?.version ?? '?'}`;
  return { adapter: adapter || 'unknown adapter', browser, kernelVersion: KERNEL_VERSION };
}

export const tunerKey = (gpu: Gpu): TunerKey => tunerKeyFor(gpu.caps.adapterDescription);

/** ms per call: record `reps` calls, submit, await the queue (includes submission, as a real step does). */
export function gpuTimer(gpu: Gpu) {
  return async (f: () => void, reps: number): Promise<number> => {
    await gpu.sync();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    await gpu.sync();
    return (performance.now() - t0) / reps;
  };
}

/** Tables in IndexedDB (database sharelab-tuner, keyed by the tuner key); in memory where there is none. */
export function tableStore(): TableStore {
  if (typeof indexedDB === 'undefined') return memoryStore();
  const db = idbStore('sharelab-tuner', 'tables', 'id');
  return {
    get: (id) => db.tx('readonly', (s) => s.get(id) as IDBRequest<TuneTable | undefined>),
    put: async (t) => {
      await db.tx('readwrite', (s) => s.put(t));
    },
  };
}

/** Tensors of a task, all freed by dispose(); contents are zeros except where `fill` says (values do not change timing). */
function scope(gpu: Gpu) {
  const made: Tensor[] = [];
  return {
    t(n: number, label: string, fill?: number): Tensor {
      const x = fill === undefined ? gpu.tensor([Math.max(n, 1)], label) : gpu.fromArray(new Float32Array(Math.max(n, 1)).fill(fill), [Math.max(n, 1)], label);
      made.push(x);
      return x;
    },
    keep(x: Tensor): Tensor {
      made.push(x);
      return x;
    },
    dispose: () => {
      for (const x of made.splice(0)) x.buffer.destroy();
    },
  };
}

type MatmulSpec = MatmulShape & { batch: number };
type AttnSpec = { B: number; T: number; H: number; D: number; causal: boolean; lengths: boolean };
type LnSpec = { N: number; C: number };

/**
 * A task's run(FIXED) calls the launcher with no tuned override: whatever its fixed 'auto' rule picks
 * when no table is active (the baseline the tuned table is compared with).
 */
export const FIXED = 'auto';
const orFixed = (family: string, shape: string, v: string, f: () => void) => (v === FIXED ? f() : withVariant(family, shape, v, f));

/** Allocates on the first run and frees on dispose, so only the task being timed holds memory. */
function lazyTask(family: string, shape: string, variants: readonly string[], make: () => { run(v: string): void; dispose(): void }): TuneTask {
  let inst: ReturnType<typeof make> | undefined;
  return {
    family,
    shape,
    variants,
    run: (v) => {
      inst ??= make();
      inst.run(v);
    },
    dispose: () => {
      inst?.dispose();
      inst = undefined;
    },
  };
}

export function matmulTask(gpu: Gpu, s: MatmulSpec): TuneTask {
  const sA = s.strideA ?? s.M * s.K;
  const sB = s.strideB ?? s.K * s.N;
  const sC = s.strideC ?? s.M * s.N;
  const o = { transA: s.transA, transB: s.transB, batch: s.batch, strideA: sA, strideB: sB, strideC: sC };
  return lazyTask('matmul', matmulShapeKey(s, s.batch), applicableKernels(s), () => {
    const sc = scope(gpu);
    const last = (stride: number, n: number) => stride * (s.batch - 1) + n;
    const a = sc.t(last(sA, s.M * s.K), 'tune.A', 0.5);
    const b = sc.t(last(sB, s.K * s.N), 'tune.B', 0.25);
    const c = sc.t(last(sC, s.M * s.N), 'tune.C');
    return { run: (v) => matmul(gpu, a, b, c, s.M, s.N, s.K, { ...o, variant: v as MatmulKernel | typeof FIXED }), dispose: sc.dispose };
  });
}

/** Attention forward + backward (one training step's use), direct vs tiled. */
export function attentionTask(gpu: Gpu, s: AttnSpec): TuneTask {
  const shape = attentionShapeKey({ ...s, lengths: undefined }) + (s.lengths ? ' lengths' : '');
  return lazyTask('attention', shape, ['direct', 'tiled'], () => {
    const sc = scope(gpu);
    const C = s.H * s.D;
    const n3 = s.B * s.T * 3 * C;
    const [qkv, dqkv] = [sc.t(n3, 'tune.qkv', 0.1), sc.t(n3, 'tune.dqkv')];
    const [out, dout] = [sc.t(s.B * s.T * C, 'tune.out'), sc.t(s.B * s.T * C, 'tune.dout', 0.01)];
    const [lse, scratch] = [sc.t(s.B * s.H * s.T, 'tune.lse'), sc.t(s.B * s.H * s.T, 'tune.scratch')];
    const lengths = s.lengths ? sc.keep(gpu.fromArray(new Int32Array(s.B).fill(s.T), [s.B], 'tune.lengths', 'i32')) : undefined;
    const d = { B: s.B, T: s.T, H: s.H, D: s.D, causal: s.causal, lengths };
    const run = (v: string) =>
      orFixed('attention', shape, v, () => {
        attentionForward(gpu, qkv, out, lse, d);
        attentionBackward(gpu, qkv, out, dout, lse, dqkv, scratch, d);
      });
    return { run, dispose: sc.dispose };
  });
}

/** LayerNorm forward + backward, direct vs reduce. */
export function layernormTask(gpu: Gpu, s: LnSpec): TuneTask {
  const shape = layernormShapeKey(s.N, s.C);
  return lazyTask('layernorm', shape, ['direct', 'reduce'], () => {
    const sc = scope(gpu);
    const n = s.N * s.C;
    const [x, y, dy, dx] = [sc.t(n, 'tune.x', 0.3), sc.t(n, 'tune.y'), sc.t(n, 'tune.dy', 0.01), sc.t(n, 'tune.dx')];
    const [gamma, beta, dg, db] = [sc.t(s.C, 'tune.gamma', 1), sc.t(s.C, 'tune.beta'), sc.t(s.C, 'tune.dgamma'), sc.t(s.C, 'tune.dbeta')];
    const [mean, rstd] = [sc.t(s.N, 'tune.mean'), sc.t(s.N, 'tune.rstd')];
    const run = (v: string) =>
      orFixed('layernorm', shape, v, () => {
        layernormForward(gpu, x, gamma, beta, y, mean, rstd, s.N, s.C);
        layernormBackward(gpu, x, gamma, mean, rstd, dy, dx, dg, db, s.N, s.C);
      });
    return { run, dispose: sc.dispose };
  });
}

/** SigLIP forward + backward (one training step's use), chunked vs tiled. */
export function siglipTask(gpu: Gpu, s: { B: number; D: number }): TuneTask {
  const shape = siglipShapeKey(s.B, s.D);
  return lazyTask('siglip', shape, SIGLIP_VARIANTS, () => {
    const sc = scope(gpu);
    const n = s.B * s.D;
    const [img, txt, dImg, dTxt] = [sc.t(n, 'tune.img', 0.1), sc.t(n, 'tune.txt', 0.1), sc.t(n, 'tune.dImg'), sc.t(n, 'tune.dTxt')];
    const [logT, bias, loss, dLogT, dBias] = [sc.t(1, 'tune.logT', 2.3), sc.t(1, 'tune.bias', -10), sc.t(1, 'tune.loss'), sc.t(1, 'tune.dLogT'), sc.t(1, 'tune.dBias')];
    const part = sc.t(2 * s.B, 'tune.part');
    const run = (v: string) =>
      orFixed('siglip', shape, v, () => {
        siglipForward(gpu, img, txt, logT, bias, loss, s.B, s.D, part);
        siglipBackward(gpu, img, txt, logT, bias, dImg, dTxt, dLogT, dBias, s.B, s.D, 1, part);
      });
    return { run, dispose: sc.dispose };
  });
}

const builders: Record<string, (gpu: Gpu, spec: never) => TuneTask> = {
  matmul: matmulTask,
  attention: attentionTask,
  layernorm: layernormTask,
  siglip: siglipTask,
};

/** Tasks for the shapes a shape log recorded (families without a builder are skipped). */
export function tasksFor(gpu: Gpu, log: readonly { family: string; spec: unknown }[]): TuneTask[] {
  return log.flatMap((e) => (builders[e.family] ? [builders[e.family](gpu, e.spec as never)] : []));
}

/**
 * What a run calls before its second step (see the header): the stored table for this adapter, browser
 * and kernel version when it covers the run's shapes, else a fresh one timed within `budgetMs`.
 */
export async function tuneForRun(
  gpu: Gpu,
  log: readonly { family: string; spec: unknown }[],
  o: Partial<Pick<TuneOptions, 'budgetMs' | 'reps' | 'force' | 'skip' | 'onProgress' | 'store'>> = {},
): Promise<TuneTable> {
  const tasks = tasksFor(gpu, log);
  try {
    return await tune(tasks, { key: tunerKey(gpu), store: o.store ?? tableStore(), timer: gpuTimer(gpu), ...o });
  } finally {
    for (const t of tasks) t.dispose?.(); // idempotent: tune() already freed the ones it timed
  }
}
