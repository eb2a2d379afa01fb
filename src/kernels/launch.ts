// Helpers every kernel launcher shares: the workgroup size of the row kernels, the readable
// too-small-tensor error, and the 1-element dummy bound where an optional operand is absent.
// (Moved here unchanged from elementwise.ts and matmul.ts, which imported each other for them;
// both still re-export them for existing importers.)
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';

/** Threads per row for the workgroup-per-row kernels: the next power of two ≥ C in [32, 256]. */
export function rowWorkgroupSize(C: number): number {
  let wg = 32;
  while (wg < C && wg < 256) wg *= 2;
  return wg;
}

/** Throw a readable error when a tensor is too small for the op. */
export function need(op: string, t: Tensor, n: number, what: string): void {
  if (numel(t.shape) < n) throw new Error(`${op} ${what} ${t.label ?? ''}: has ${numel(t.shape)} elements, needs ${n}`);
}

const dummies = new WeakMap<Gpu, Tensor>();
export function dummyTensor(gpu: Gpu): Tensor {
  let t = dummies.get(gpu);
  if (!t) {
    t = gpu.tensor([1], 'dummy');
    dummies.set(gpu, t);
  }
  return t;
}
