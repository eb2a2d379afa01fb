// Tape autograd over GPU tensors (micrograd's idea, llm.c's memory plan).
// Forward ops allocate outputs from a bump allocator and push a backward closure. backward() seeds
// dLoss = 1 and replays the closures in reverse. Every backward kernel ACCUMULATES (+=) into its
// gradients: a weight used by both towers (one arena view, two names) therefore receives the sum of
// both towers' contributions with no special casing.
//
// Activation memory is re-planned identically every step (same ops, same order, same offsets), so
// the runtime's bind-group cache hits and no buffer is allocated in the steady state.
import type { Arena } from '../gpu/arena';
import { BumpAllocator, type Gpu } from '../gpu/runtime';
import { type DType, type Tensor, numel } from '../gpu/tensor';
import { fill } from '../kernels/elementwise';
import { buffersOf } from './buffers';

export interface Var {
  readonly t: Tensor;
  /** Parameters: the arena's gradient view (shared across aliases). Activations: lazily allocated. */
  grad: Tensor | null;
  readonly needsGrad: boolean;
  readonly name?: string;
}

export class Tape {
  readonly alloc: BumpAllocator;
  private backwards: (() => void)[] = [];
  /** False for inference: ops skip recording and saved tensors. */
  recording = true;

  constructor(
    readonly gpu: Gpu,
    readonly arena: Arena | null,
    alloc?: BumpAllocator,
  ) {
    this.alloc = alloc ?? new BumpAllocator(gpu);
  }

  /** Start a new step: forget the graph and reuse all activation memory. */
  reset(recording = true): void {
    this.backwards = [];
    this.alloc.reset();
    this.recording = recording;
  }

  param(name: string): Var {
    if (!this.arena) throw new Error('tape has no arena');
    return { t: this.arena.param(name), grad: this.arena.grad(name), needsGrad: this.recording, name };
  }

  /** A non-trained model buffer (BatchNorm running statistics; see ./buffers.ts) of this tape's model. */
  buffer(name: string): Tensor {
    const b = buffersOf(this.arena);
    if (!b) throw new Error(`tape's model has no buffers (looking for "${name}"): create it with createModel`);
    return b.get(name);
  }

  /** A leaf that needs no gradient (images, token ids, constants). */
  input(t: Tensor): Var {
    return { t, grad: null, needsGrad: false };
  }

  /** A fresh activation. */
  act(shape: readonly number[], label: string, needsGrad: boolean, dtype: DType = 'f32'): Var {
    return { t: this.alloc.alloc(shape, label, dtype), grad: null, needsGrad: needsGrad && this.recording, name: label };
  }

  scratch(shape: readonly number[], label: string, dtype: DType = 'f32'): Tensor {
    return this.alloc.alloc(shape, label, dtype);
  }

  /** The gradient buffer of `v`, zero-filled on first use (recorded in order, before any +=). */
  gradOf(v: Var): Tensor {
    if (!v.grad) {
      v.grad = this.alloc.alloc(v.t.shape, `d${v.name ?? ''}`);
      fill(this.gpu, v.grad, 0, numel(v.t.shape));
    }
    return v.grad;
  }

  /** Register a backward closure (skipped when not recording). */
  onBackward(fn: () => void): void {
    if (this.recording) this.backwards.push(fn);
  }

  /** Seed d(loss) = scale and run every recorded backward in reverse order. */
  backward(loss: Var, scale = 1): void {
    const g = this.gradOf(loss);
    fill(this.gpu, g, scale, numel(loss.t.shape));
    for (let i = this.backwards.length - 1; i >= 0; i--) this.backwards[i]();
    this.backwards = [];
  }

  get recorded(): number {
    return this.backwards.length;
  }
}
