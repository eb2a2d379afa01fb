// The kernel-check contract, shared by the Node tests (Dawn) and the in-app kernel-check page:
// every kernel file registers cases that run the GPU version and compare it with its CPU reference
// (and, for backward kernels, with float64 finite differences).
import type { Gpu } from '../gpu/runtime';
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
  /** Large cases are skipped on the kernel-check page's quick mode. */
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
