// The kernel-check contract, shared by the Node tests (Dawn) and the in-app kernel-check page:
// every kernel file registers cases that run the GPU version and compare it with its CPU reference
// (and, for backward kernels, with float64 finite differences). The helpers every *.check.ts shares
// (judge, makeCheck, gpuScope, plus, FD_TOL) live here, in one module.
import type { Gpu } from '../gpu/runtime';
import type { DType, Tensor } from '../gpu/tensor';
import { type Tolerance, compareArrays } from '../testing/compare';

export interface CheckResult {
  kernel: string;
  name: string;
  ok: boolean;
  maxAbsErr: number;
  message: string;
}

export interface KernelCheck {
  /** Kernel (or kernel pair) under test, e.g. "matmul" or "layernorm.backward". */
  kernel: string;
  /** Case description with shapes, e.g. "A·Bᵀ 17×33·33×65, batch 3". */
  name: string;
  /**
   * Heavy cases (large shapes; the tiled attention variant beyond its representative shapes) run in the slow
   * suite (`npm run test:slow`, the page's ?heavy=only) and are skipped by `npm test` (?heavy=0). CI runs both.
   */
  heavy?: boolean;
  run(gpu: Gpu): Promise<CheckResult>;
}

/** Helper: build a CheckResult from several named comparisons (all must pass). */
export function judge(
  kernel: string,
  name: string,
  parts: { label: string; actual: ArrayLike<number>; expected: ArrayLike<number>; tol: Tolerance }[],
): CheckResult {
  let ok = true;
  let maxAbsErr = 0;
  const msgs: string[] = [];
  for (const p of parts) {
    const c = compareArrays(p.actual, p.expected, p.tol);
    ok &&= c.ok;
    maxAbsErr = Math.max(maxAbsErr, c.maxAbsErr);
    msgs.push(`${p.label}: ${c.message}`);
  }
  return { kernel, name, ok, maxAbsErr, message: msgs.join('; ') };
}

/** Tensors made for one check, destroyed together . */
export function gpuScope(gpu: Gpu) {
  const made: Tensor[] = [];
  return {
    up(data: ArrayLike<number>, label: string, dtype: DType = 'f32'): Tensor {
      const t = gpu.fromArray(data, [data.length], label, dtype);
      made.push(t);
      return t;
    },
    zeros(n: number, label: string): Tensor {
      return this.up(new Float32Array(n), label);
    },
    free(): void {
      for (const t of made) t.buffer.destroy();
    },
  };
}

export type Parts = Parameters<typeof judge>[2];

/** A KernelCheck whose body returns the named comparisons; judge() turns them into the result. */
export function makeCheck(kernel: string, name: string, body: (gpu: Gpu) => Promise<Parts>, heavy = false): KernelCheck {
  return { kernel, name, heavy, run: async (gpu) => judge(kernel, name, await body(gpu)) };
}

/** a + b elementwise (expected value of an accumulating kernel: initial grad + reference grad). */
export const plus = (a: ArrayLike<number>, b: ArrayLike<number>): Float64Array => Float64Array.from(a, (v, i) => v + b[i]);

// Finite differences in float64 vs f32 GPU gradients.
export const FD_TOL = { atol: 1e-4, rtol: 1e-3 };

/**
 * Shard `i` of `n` (0-based) of a check list: contiguous blocks of nearly equal length, so each shard keeps a
 * family's checks together (they reuse the pipelines compiled by the first) and the n shards together are the
 * list, each check exactly once. The kernel-check page takes ?shard=i/n; e2e/kernels.spec.ts runs the shards
 * in parallel browser pages.
 */
export function shardOf<T>(list: readonly T[], i: number, n: number): T[] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 0 || i >= n) throw new Error(`shard ${i}/${n}: need integers 0 ≤ i < n`);
  const at = (k: number) => Math.round((k * list.length) / n);
  return list.slice(at(i), at(i + 1));
}

/** "?shard=i/n" → [i, n]; absent → null; malformed → an error naming the value. */
export function parseShard(value: string | null): [number, number] | null {
  if (value === null || value === '') return null;
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) throw new Error(`?shard=${value}: expected i/n, e.g. 0/4`);
  return [Number(m[1]), Number(m[2])];
}
