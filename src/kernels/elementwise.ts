// Elementwise helpers (add, accumulate, fill, copy, ReLU forward/backward) and column sums
// (bias gradients): launchers + CPU references. See shaders/elementwise.wgsl and sum_rows.wgsl.
import type { Gpu } from '../gpu/runtime';
import { type Tensor, numel } from '../gpu/tensor';
import { f32 } from '../gpu/uniforms';
import code from '../../shaders/elementwise.wgsl?raw';
import sumRowsCode from '../../shaders/sum_rows.wgsl?raw';
import { dummyTensor, need, rowWorkgroupSize } from './launch';

export { need, rowWorkgroupSize };

const shader = { name: 'elementwise', code };
const sumRowsShader = { name: 'sum_rows', code: sumRowsCode };

const OP = { add: 0, accumulate: 1, fill: 2, copy: 3, relu: 4, reluBackward: 5 } as const;

function elementwise(gpu: Gpu, op: keyof typeof OP, a: Tensor | null, b: Tensor | null, out: Tensor, n: number, alpha = 1, value = 0): void {
  if (a) need(op, a, n, 'input');
  if (b) need(op, b, n, 'input');
  need(op, out, n, 'output');
  if (n === 0) return;
  gpu.run({
    shader,
    constants: { OP: OP[op] },
    bindings: [a ?? dummyTensor(gpu), b ?? dummyTensor(gpu), out],
    uniforms: [n, f32(alpha), f32(value)],
    grid: Math.ceil(n / 256),
    label: op,
  });
}

/** out = a + b (n elements). */
export function add(gpu: Gpu, a: Tensor, b: Tensor, out: Tensor, n: number): void {
  elementwise(gpu, 'add', a, b, out, n);
}

/** dst += alpha · src (n elements). */
export function accumulate(gpu: Gpu, src: Tensor, dst: Tensor, n: number, alpha = 1): void {
  elementwise(gpu, 'accumulate', src, null, dst, n, alpha);
}

/** t[0..n) = value (n defaults to every element of t). */
export function fill(gpu: Gpu, t: Tensor, value: number, n = numel(t.shape)): void {
  elementwise(gpu, 'fill', null, null, t, n, 1, value);
}

/** dst = src (n elements). */
export function copy(gpu: Gpu, src: Tensor, dst: Tensor, n: number): void {
  elementwise(gpu, 'copy', src, null, dst, n);
}

/** y = max(x, 0). */
export function reluForward(gpu: Gpu, x: Tensor, y: Tensor, n: number): void {
  elementwise(gpu, 'relu', x, null, y, n);
}

/** dx += (x > 0 ? dy : 0). */
export function reluBackward(gpu: Gpu, x: Tensor, dy: Tensor, dx: Tensor, n: number): void {
  elementwise(gpu, 'reluBackward', x, dy, dx, n);
}

/**
 * out[c] += Σ_{n<N} dy[n·stride + c] for c < C. stride defaults to C (dense (N, C) rows): the bias
 * gradient of a matmul. Other strides sum one slice of longer rows (e.g. the CLS token of (B, S, C)).
 */
export function sumRowsStrided(gpu: Gpu, dy: Tensor, out: Tensor, N: number, C: number, stride = C): void {
  if (N > 0) need('sumRows', dy, (N - 1) * stride + C, 'dy');
  need('sumRows', out, C, 'out');
  if (N === 0 || C === 0) return;
  gpu.run({ shader: sumRowsShader, bindings: [dy, out], uniforms: [N, C, stride], grid: Math.ceil(C / 32), label: 'sumRows' });
}

/** dbias[c] += Σ_n dy[n, c]; dy (N, C), dbias (C). */
export function sumRows(gpu: Gpu, dy: Tensor, dbias: Tensor, N: number, C: number): void {
  sumRowsStrided(gpu, dy, dbias, N, C, C);
}

// ---------------------------------------------------------------- CPU references (float64)

export function addRef(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (v, i) => v + b[i]);
}

/** dst + alpha·src (the value dst holds after `accumulate`). */
export function accumulateRef(src: ArrayLike<number>, dst: ArrayLike<number>, alpha = 1): Float64Array {
  return Float64Array.from(dst, (v, i) => v + alpha * src[i]);
}

export function fillRef(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}

export function copyRef(src: ArrayLike<number>): Float64Array {
  return Float64Array.from(src);
}

export function reluForwardRef(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => Math.max(v, 0));
}

/** The gradient alone: (x > 0 ? dy : 0). */
export function reluBackwardRef(x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v, i) => (v > 0 ? dy[i] : 0));
}

/** Column sums of dy (N, C) with row stride `stride` (the gradient alone). */
export function sumRowsRef(dy: ArrayLike<number>, N: number, C: number, stride = C): Float64Array {
  const out = new Float64Array(C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) out[c] += dy[n * stride + c];
  return out;
}

/** The op sumRows is the bias gradient of: y[n, c] = x[n, c] + bias[c] (for finite differences). */
export function addBiasRef(x: ArrayLike<number>, bias: ArrayLike<number>, N: number, C: number): Float64Array {
  const y = new Float64Array(N * C);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) y[n * C + c] = x[n * C + c] + bias[c];
  return y;
}
