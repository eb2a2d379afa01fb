// GELU (tanh approximation, as GPT-2 and torch GELU(approximate='tanh')): launchers + CPU references.
// See shaders/gelu_forward.wgsl and gelu_backward.wgsl.
import type { Gpu } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import bwdCode from '../../shaders/gelu_backward.wgsl?raw';
import fwdCode from '../../shaders/gelu_forward.wgsl?raw';
import { need } from './elementwise';

const fwd = { name: 'gelu_forward', code: fwdCode };
const bwd = { name: 'gelu_backward', code: bwdCode };

const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** y = gelu(x) over n elements. */
export function geluForward(gpu: Gpu, x: Tensor, y: Tensor, n: number): void {
  need('geluForward', x, n, 'x');
  need('geluForward', y, n, 'y');
  if (n === 0) return;
  gpu.run({ shader: fwd, bindings: [x, y], uniforms: [n], grid: Math.ceil(n / 256), label: 'gelu' });
}

/** dx += dy · gelu'(x) over n elements. */
export function geluBackward(gpu: Gpu, x: Tensor, dy: Tensor, dx: Tensor, n: number): void {
  need('geluBackward', x, n, 'x');
  need('geluBackward', dy, n, 'dy');
  need('geluBackward', dx, n, 'dx');
  if (n === 0) return;
  gpu.run({ shader: bwd, bindings: [x, dy, dx], uniforms: [n], grid: Math.ceil(n / 256), label: 'gelu.bwd' });
}

export function geluForwardRef(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(K * (v + A * v * v * v))));
}

/** The gradient alone: dy · gelu'(x). */
export function geluBackwardRef(x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  return Float64Array.from(x, (v, i) => {
    const t = Math.tanh(K * (v + A * v * v * v));
    return dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * K * (1 + 3 * A * v * v));
  });
}
