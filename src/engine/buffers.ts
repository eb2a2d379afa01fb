// Model state that is NOT trained: BatchNorm running statistics (MS-CLIP's conv stem). It lives in one small
// GPU buffer per model created beside the parameter arena (so AdamW, weight decay, gradient norms and the
// parameter counts never see it), as named views at 256-byte-aligned offsets.
// The buffer set is registered against its model's Arena (a WeakMap), so any Tape built on that arena
// reaches it through `tape.buffer(name)` without the training loop having to pass it along.
// Checkpoints save them as `buffers.<name>` tensors (src/train/checkpoint.ts); a skipped (non-finite)
// step restores them from a per-step backup (src/kernels/restore.ts), so a NaN batch leaves no trace.
import type { Arena } from '../gpu/arena';
import type { Gpu } from '../gpu/runtime';
import { ALIGN_ELEMS, type Tensor, alignUp } from '../gpu/tensor';

export interface BufferView {
  readonly name: string;
  /** Element offset, a multiple of ALIGN_ELEMS. */
  readonly offset: number;
  readonly size: number;
  /** Initial value of every element (running mean 0, running variance 1). */
  readonly init: number;
}

/** Pure layout (no GPU), so it is testable anywhere. */
export class BufferLayout {
  readonly views: BufferView[] = [];
  private byName = new Map<string, BufferView>();
  totalElements = 0;

  add(name: string, size: number, init: number): BufferView {
    if (this.byName.has(name)) throw new Error(`buffer "${name}" already exists`);
    const view: BufferView = { name, offset: this.totalElements, size, init };
    this.totalElements += alignUp(Math.max(size, 1), ALIGN_ELEMS);
    this.views.push(view);
    this.byName.set(name, view);
    return view;
  }

  get(name: string): BufferView {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no model buffer named "${name}"`);
    return v;
  }

  initialValues(): Float32Array {
    const out = new Float32Array(this.totalElements);
    for (const v of this.views) out.fill(v.init, v.offset, v.offset + v.size);
    return out;
  }
}

export class ModelBuffers {
  readonly buffer: GPUBuffer;

  constructor(
    readonly gpu: Gpu,
    readonly layout: BufferLayout,
  ) {
    this.buffer = gpu.createBuffer(Math.max(layout.totalElements, 1) * 4, 'model.buffers');
    this.reset();
  }

  get(name: string): Tensor {
    const v = this.layout.get(name);
    return { buffer: this.buffer, offset: v.offset * 4, shape: [v.size], dtype: 'f32', label: name };
  }

  flat(): Tensor {
    return { buffer: this.buffer, offset: 0, shape: [this.layout.totalElements], dtype: 'f32', label: 'model.buffers' };
  }

  /** Back to the initial values (running mean 0, variance 1). */
  reset(): void {
    if (this.layout.totalElements > 0) this.gpu.upload(this.flat(), this.layout.initialValues());
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

const registry = new WeakMap<Arena, ModelBuffers>();

export function attachBuffers(arena: Arena, buffers: ModelBuffers): void {
  registry.set(arena, buffers);
}

export function buffersOf(arena: Arena | null): ModelBuffers | undefined {
  return arena ? registry.get(arena) : undefined;
}
